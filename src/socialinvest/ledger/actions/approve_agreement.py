"""The named approver approves a proposed agreement version; from then on it is the current one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.core.audit import record_event

from ..models import RepaymentAgreement, RepaymentAgreementVersion
from ..permissions import can_approve_version


def do_approve_agreement_version(
    *, version: RepaymentAgreementVersion, acting_user: Any
) -> RepaymentAgreementVersion:
    """Proposed → approved, by the approver the version names (see ``permissions.can_approve_version``).

    The agreement row is locked, so a revision proposed at the same moment either comes
    first (and this version can no longer be approved) or after.
    """
    with transaction.atomic():
        RepaymentAgreement.objects.select_for_update().filter(pk=version.agreement_id).first()
        locked = RepaymentAgreementVersion.objects.select_related(
            "agreement__application__fund", "agreement__unit"
        ).get(pk=version.pk)
        can_approve_version(acting_user, locked).require()
        if not locked.record_approval(acting_user, timezone.now()):
            raise PermissionDenied(_("Versionen är redan godkänd."))
        agreement = locked.agreement
        record_event(
            actor=acting_user,
            verb="agreement.approved",
            target=locked,
            summary=_("Återföringsavtal med %(unit)s, version %(n)s godkänd")
            % {"unit": agreement.unit.name, "n": locked.number},
            data={"terms": locked.terms, "number": locked.number},
            fund=agreement.application.fund,
            application=agreement.application,
        )
    return locked
