"""E-mail on transitions: to those who can act next, and to the applicant units."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.utils.translation import gettext as _

from socialinvest.organisations.models import Membership, Role

from .models import Application
from .states import BY_NAME, transitions_from


def recipients(application: Application) -> list[str]:
    """Applicant-unit members plus every user holding a role that can act in the new status."""
    roles = {r for t in transitions_from(application.status) for r in t.roles} - {Role.APPLICANT}
    fund = application.fund
    unit_ids = list(application.applicant_units.values_list("unit_id", flat=True))
    scope = Q(role__in=roles) & (Q(fund=fund) | Q(organisation_id=fund.owner_id))
    users = Membership.objects.filter(scope | Q(unit_id__in=unit_ids)).values_list("user_id", flat=True)
    emails = get_user_model().objects.filter(pk__in=users, is_active=True).exclude(email="")
    return sorted(set(emails.values_list("email", flat=True)))


def notify_transition(application_id: int, transition_name: str) -> int:
    application = Application.objects.select_related("fund").get(pk=application_id)
    transition = BY_NAME[transition_name]
    subject = f"[{application.reference}] {transition.label}: {application.title}"
    body = _("Ansökan ”%(title)s” har nu status: %(status)s.\n\nÖppna Socialinvest för att se den.") % {
        "title": application.title,
        "status": application.get_status_display(),
    }
    to = recipients(application)
    if not to:
        return 0
    return send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [addr]) for addr in to], fail_silently=True
    )
