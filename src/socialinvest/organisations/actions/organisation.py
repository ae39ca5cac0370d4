"""Services for the organisation itself: set it up (superuser / command line) and change it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..locking import lock_organisation
from ..models import Organisation
from ..permissions import can_administer_organisation, can_create_organisation
from ..validators import normalise_municipality_code, normalise_org_number
from .common import audit, first_message, snapshot

FIELDS = ("name", "kind", "org_number", "municipality_code", "logo")
EDITABLE = ("name", "kind", "org_number", "municipality_code", "logo")
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg"}
LOGO_MAX_BYTES = 1024 * 1024


def _logo_suffix(logo: UploadedFile, errors: dict[str, str]) -> str:
    """The file's suffix from its first bytes (never from its name); an error if not PNG/JPEG."""
    head = logo.read(8)
    logo.seek(0)
    suffix = next((s for magic, s in LOGO_TYPES.items() if head.startswith(magic)), "")
    if not suffix:
        errors["logo"] = _("Logotypen ska vara en PNG- eller JPEG-bild.")
    elif logo.size and logo.size > LOGO_MAX_BYTES:
        errors["logo"] = _("Logotypen får vara högst 1 MB.")
    return suffix


def _clean(org: Organisation, errors: dict[str, str], *, exclude: list[str] | None = None) -> None:
    org.name = (org.name or "").strip()
    for field, normalise in (
        ("org_number", normalise_org_number),
        ("municipality_code", normalise_municipality_code),
    ):
        try:
            setattr(org, field, normalise(getattr(org, field)))
        except ValidationError as exc:
            errors.setdefault(field, exc.messages[0])
    if not org.name:
        errors.setdefault("name", _("Ange organisationens namn."))
    elif Organisation.objects.exclude(pk=org.pk).filter(name__iexact=org.name).exists():
        errors.setdefault(
            "name", _("Det finns redan en organisation som heter %(name)s.") % {"name": org.name}
        )
    try:
        org.full_clean(exclude=[*(exclude or []), "name", "logo"])
    except ValidationError as exc:
        first_message(exc.message_dict, errors)


def do_create_organisation(
    *,
    name: str,
    acting_user: Any,
    kind: str = Organisation.Kind.KOMMUN,
    org_number: str = "",
    municipality_code: str = "",
    slug: str = "",
    via_command_line: bool = False,
) -> Organisation:
    """Set up an organisation.  A superuser does it on the pages; ``via_command_line`` is the
    installer's own ``create_org_admin`` (no user exists yet to act)."""
    with transaction.atomic():
        # A new top-level row: nothing exists yet to lock (the unique slug settles a race).
        if not via_command_line:
            can_create_organisation(acting_user).require()
        errors: dict[str, str] = {}
        org = Organisation(
            name=name,
            kind=kind,
            org_number=org_number,
            municipality_code=municipality_code,
            slug=(slug or slugify(name or "") or "organisation")[:50],
        )
        _clean(org, errors, exclude=["slug"])
        if not errors and Organisation.objects.filter(slug=org.slug).exists():
            errors["name"] = _("Det finns redan en organisation med kortnamnet %(slug)s.") % {
                "slug": org.slug
            }
        if errors:
            raise ValidationError(errors)
        org.save()
        audit(
            acting_user=acting_user,
            verb="organisation.created",
            target=org,
            summary=_("Organisationen %(name)s upplagd") % {"name": org.name},
            after=snapshot(org, FIELDS),
            source="command line" if via_command_line else "web",
        )
    return org


def do_update_organisation(
    *, organisation: Organisation, changes: dict[str, Any], acting_user: Any
) -> Organisation:
    """Change the organisation's name, kind, organisation number, municipality code or logo."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"do_update_organisation: unknown fields {sorted(unknown)}")
    with transaction.atomic():
        org = lock_organisation(organisation)
        can_administer_organisation(acting_user, org).require()
        before = snapshot(org, FIELDS)
        errors: dict[str, str] = {}
        logo = changes.get("logo")
        for field, value in changes.items():
            if field != "logo":
                setattr(org, field, value)
        suffix = _logo_suffix(logo, errors) if logo else ""
        _clean(org, errors)
        if errors:
            raise ValidationError(errors)
        if logo:
            org.logo.save(f"{org.slug}{suffix}", logo, save=False)
        after = snapshot(org, FIELDS)
        if after == before:
            return org
        org.save()
        audit(
            acting_user=acting_user,
            verb="organisation.changed",
            target=org,
            summary=_("Organisationen %(name)s ändrad") % {"name": org.name},
            before=before,
            after=after,
        )
    return org
