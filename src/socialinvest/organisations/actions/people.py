"""Services for people: invite, accept the invitation (set the password), deactivate.

Roles are in :mod:`.roles`.  An invitation creates the account without a usable password
and e-mails a one-time link (Django's token machinery, :mod:`..tokens`); following it the
person sets their password, which also makes the link stop working.  A deactivated user
cannot log in; their history (audit events, applications, decisions) stays theirs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from ..locking import lock_organisation
from ..models import Invitation, Membership, Organisation, Role
from ..permissions import can_administer_organisation
from ..tokens import invitation_tokens
from .common import audit

USER_FIELDS = ("username", "email", "first_name", "last_name", "is_active")


def _user_snapshot(user: Any) -> dict[str, Any]:
    return {f: getattr(user, f) for f in USER_FIELDS}


def invitation_path(user: Any) -> str:
    """The one-time link's path for ``user`` (valid until used or PASSWORD_RESET_TIMEOUT)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(
        "accept_invitation", kwargs={"uidb64": uidb64, "token": invitation_tokens.make_token(user)}
    )


def _send_invitation(user: Any, organisation: Organisation, base_url: str) -> None:
    link = base_url.rstrip("/") + invitation_path(user)
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    if not settings.PASSWORD_LOGIN_ENABLED:  # no password to choose: sign in through the provider
        send_mail(
            _("Inbjudan till Socialinvest, %(org)s") % {"org": organisation.name},
            _(
                "Du har bjudits in till Socialinvest för %(org)s.\n\n"
                "Logga in via organisationens inloggning på %(site)s med e-postadressen %(email)s."
            )
            % {"org": organisation.name, "site": base_url, "email": user.email},
            None,
            [user.email],
        )
        return
    send_mail(
        _("Inbjudan till Socialinvest, %(org)s") % {"org": organisation.name},
        _(
            "Du har bjudits in till Socialinvest för %(org)s.\n\n"
            "Välj ditt lösenord på länken nedan. Länken kan bara användas en gång "
            "och gäller i %(hours)s timmar.\n\n"
            "%(link)s\n\nDitt användarnamn är %(username)s."
        )
        % {"org": organisation.name, "hours": hours, "link": link, "username": user.get_username()},
        None,
        [user.email],
    )


def do_invite_user(
    *,
    organisation: Organisation,
    email: str,
    acting_user: Any,
    first_name: str = "",
    last_name: str = "",
    username: str = "",
    base_url: str = "",
    via_command_line: bool = False,
) -> Invitation:
    """Create the account of someone new to the organisation and e-mail them a one-time link.

    The username is the e-mail address unless one is given.  Someone who already has an
    account is not invited again: give them a role instead.
    """
    with transaction.atomic():
        org = lock_organisation(organisation)
        if not via_command_line:
            can_administer_organisation(acting_user, org).require()
        email = (email or "").strip().lower()
        username = (username or email).strip()
        errors: dict[str, str] = {}
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Ange en giltig e-postadress.")
        user_model = get_user_model()
        if "email" not in errors and user_model.objects.filter(email__iexact=email).exists():
            errors["email"] = _("Det finns redan ett konto med e-postadressen %(email)s.") % {"email": email}
        if user_model.objects.filter(username__iexact=username).exists():
            errors.setdefault("username", _("Användarnamnet %(name)s är upptaget.") % {"name": username})
        if errors:
            raise ValidationError(errors)
        user = user_model(
            username=username, email=email, first_name=first_name.strip(), last_name=last_name.strip()
        )
        user.set_unusable_password()
        user.save()
        invitation = Invitation.objects.create(
            user=user, organisation=org, invited_by=acting_user if getattr(acting_user, "pk", None) else None
        )
        audit(
            acting_user=acting_user,
            verb="user.invited",
            target=user,
            summary=_("%(email)s inbjuden till %(org)s") % {"email": email, "org": org.name},
            after=_user_snapshot(user),
            organisation=org.pk,
        )
        if base_url:
            transaction.on_commit(lambda: _send_invitation(user, org, base_url))
    return invitation


def invitation_user(uidb64: str, token: str) -> tuple[Any, Invitation | None, str]:
    """The user a link is for, their open invitation and what is wrong with the link ('' if nothing)."""
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = get_user_model().objects.get(pk=pk)
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        return None, None, _("Länken är ogiltig.")
    invitation = Invitation.objects.filter(user=user).select_related("organisation").first()
    if invitation is None:
        return None, None, _("Länken är ogiltig.")
    if invitation.accepted_at is not None:
        return user, invitation, _("Länken är redan använd. Logga in, eller begär ett nytt lösenord.")
    if not invitation_tokens.check_token(user, token):
        return (
            user,
            invitation,
            _("Länken har gått ut eller är ogiltig. Be administratören om en ny inbjudan."),
        )
    if not user.is_active:
        return user, invitation, _("Kontot är avstängt.")
    return user, invitation, ""


def do_accept_invitation(*, uidb64: str, token: str, password1: str, password2: str) -> Any:
    """Set the invited person's password from the one-time link; the link stops working."""
    with transaction.atomic():
        user, invitation, problem = invitation_user(uidb64, token)
        if problem:
            raise ValidationError(problem, code="invalid_link")
        assert invitation is not None
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:  # accepted in parallel
            raise ValidationError(_("Länken är redan använd."), code="invalid_link")
        if password1 != password2:
            raise ValidationError({"password2": _("Lösenorden är inte lika.")})
        try:
            password_validation.validate_password(password1, user)
        except ValidationError as exc:
            raise ValidationError({"password1": exc.messages}) from None
        user.set_password(password1)
        user.save(update_fields=["password"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit(
            acting_user=user,
            verb="user.accepted_invitation",
            target=user,
            summary=_("%(name)s tog emot inbjudan och valde lösenord") % {"name": user.get_username()},
            organisation=invitation.organisation_id,
        )
    return user


def do_record_provider_sign_in(*, user: Any) -> int:
    """The first sign-in through the identity provider takes up the person's open invitations
    (their link stops working, the people page stops saying "invited"); returns how many."""
    with transaction.atomic():
        open_ = list(
            Invitation.objects.select_for_update().filter(user=user, accepted_at__isnull=True).order_by("pk")
        )
        for invitation in open_:
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
            audit(
                acting_user=user,
                verb="user.accepted_invitation",
                target=user,
                summary=_("%(name)s tog emot inbjudan genom att logga in via identitetsleverantören")
                % {"name": user.get_username()},
                organisation=invitation.organisation_id,
                via="identity provider",
            )
    return len(open_)


def belongs_to(user: Any, organisation: Organisation) -> bool:
    """Invited to the organisation, or holding a role in it, its units or its funds."""
    if Invitation.objects.filter(user=user, organisation=organisation).exists():
        return True
    return Membership.objects.filter(user=user).filter(in_organisation(organisation)).exists()


def in_organisation(organisation: Organisation) -> Q:
    """Memberships scoped to the organisation, one of its units or one of its funds."""
    return Q(organisation=organisation) | Q(unit__organisation=organisation) | Q(fund__owner=organisation)


def do_set_user_active(
    *, user: Any, organisation: Organisation, active: bool, acting_user: Any, reason: str = ""
) -> Any:
    """Deactivate (or reactivate) an account.  Its roles and history stay; it cannot log in."""
    with transaction.atomic():
        org = lock_organisation(organisation)
        can_administer_organisation(acting_user, org).require()
        locked = get_user_model().objects.select_for_update().get(pk=user.pk)
        if locked.pk == getattr(acting_user, "pk", None):
            raise ValidationError(_("Du kan inte stänga av ditt eget konto."))
        if not belongs_to(locked, org):
            raise ValidationError(
                _("%(name)s hör inte till %(org)s.") % {"name": locked.get_username(), "org": org.name}
            )
        if locked.is_superuser and not getattr(acting_user, "is_superuser", False):
            raise ValidationError(_("Bara en superanvändare kan stänga av en superanvändare."))
        if locked.is_active == active:
            return locked
        before = _user_snapshot(locked)
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        audit(
            acting_user=acting_user,
            verb="user.activated" if active else "user.deactivated",
            target=locked,
            summary=(_("%(name)s aktiverad") if active else _("%(name)s avstängd"))
            % {"name": locked.get_username()},
            reason=reason,
            before=before,
            after=_user_snapshot(locked),
            organisation=org.pk,
        )
    return locked


def do_create_org_admin(
    *,
    organisation: Organisation,
    email: str,
    username: str = "",
    first_name: str = "",
    base_url: str = "",
) -> Invitation:
    """The installer's first organisation administrator (``manage create_org_admin``).

    Run from the command line on the server, where no user exists yet to act: the account
    is invited (a one-time link sets its password) and given the organisation
    administrator role, both audited with no actor.  Later administrators are invited
    and given the role on the pages by an administrator.
    """
    with transaction.atomic():
        invitation = do_invite_user(
            organisation=organisation,
            email=email,
            username=username,
            first_name=first_name,
            base_url=base_url,
            acting_user=None,
            via_command_line=True,
        )
        membership = Membership.objects.create(
            user=invitation.user, role=Role.ORG_ADMIN, organisation=invitation.organisation
        )
        audit(
            acting_user=None,
            verb="role.granted",
            target=membership,
            summary=_("%(user)s fick rollen %(role)s för %(scope)s")
            % {"user": invitation.user.get_username(), "role": Role.ORG_ADMIN.label, "scope": organisation},
            after={
                "user": invitation.user.get_username(),
                "role": Role.ORG_ADMIN.value,
                "scope": "organisation",
                "scope_id": organisation.pk,
                "scope_name": str(organisation),
            },
            source="command line",
        )
    return invitation
