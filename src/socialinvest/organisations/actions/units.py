"""Services for units: committees, administrations (under a committee) and external actors.

A unit is never deleted: applications, agreements and ledger lines point at it.  Ending a
unit archives it (its roles end with it); merging archives it too and names the unit that
takes over, which also takes over its roles.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialinvest.engine.catalogue import default_catalogue, nearest
from socialinvest.engine.scenario import _ACTOR_ID as ACTOR_ID

from ..locking import lock_organisation
from ..models import Membership, Organisation, OrganisationActor, Unit
from ..permissions import can_administer_organisation
from .common import audit, snapshot

FIELDS = ("name", "kind", "actor_id", "parent", "active", "archived_at", "merged_into")
EDITABLE = ("name", "kind", "actor_id", "parent")


@lru_cache(maxsize=1)
def catalogue_actors() -> dict[str, str]:
    """The calculation catalogue's actors, id → name."""
    return {a.id: a.name for a in default_catalogue().actors}


def known_actors(organisation: Organisation | int | None = None) -> dict[str, str]:
    """The actors a unit may stand for, id → name: the catalogue's and the organisation's own."""
    actors = dict(catalogue_actors())
    if organisation is not None:
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        for own in OrganisationActor.objects.filter(organisation_id=org_id).order_by("actor_id"):
            actors.setdefault(own.actor_id, own.name)
    return actors


def do_add_actor(
    *, organisation: Organisation, actor_id: str, name: str, level: str, acting_user: Any
) -> OrganisationActor:
    """Add an actor of the organisation's own beside the catalogue's, for a unit to stand for."""
    with transaction.atomic():
        org = lock_organisation(organisation)
        can_administer_organisation(acting_user, org).require()
        actor_id, name = (actor_id or "").strip().lower(), (name or "").strip()
        errors: dict[str, str] = {}
        if not actor_id:
            errors["actor_id"] = _("Ange aktörens id, till exempel kommun.samordningsforbund.")
        elif not ACTOR_ID.match(actor_id) or len(actor_id) > 80:
            errors["actor_id"] = _(
                "Aktörens id skrivs med små bokstäver a–z, siffror och understreck, med punkt mellan "
                "delarna, till exempel kommun.samordningsforbund."
            )
        elif actor_id in catalogue_actors():
            errors["actor_id"] = _("Kalkylen har redan aktören %(id)s: välj den i listan.") % {"id": actor_id}
        elif OrganisationActor.objects.filter(organisation=org, actor_id=actor_id).exists():
            errors["actor_id"] = _("Organisationen har redan aktören %(id)s: välj den i listan.") % {
                "id": actor_id
            }
        if not name:
            errors["name"] = _("Ange aktörens namn.")
        if level not in OrganisationActor.Level.values:
            errors["level"] = _("Välj aktörens nivå: kommun, region, staten, individen eller samhället.")
        if errors:
            raise ValidationError(errors)
        actor = OrganisationActor.objects.create(organisation=org, actor_id=actor_id, name=name, level=level)
        audit(
            acting_user=acting_user,
            verb="actor.added",
            target=actor,
            summary=_("Aktören %(name)s (%(id)s) tillagd") % {"name": name, "id": actor_id},
            after={"actor_id": actor_id, "name": name, "level": level},
            organisation=org.pk,
        )
    return actor


def _validate(unit: Unit) -> dict[str, str]:
    errors: dict[str, str] = {}
    unit.name = (unit.name or "").strip()
    unit.actor_id = (unit.actor_id or "").strip()
    if not unit.name:
        errors["name"] = _("Ange enhetens namn.")
    elif (
        Unit.objects.filter(organisation_id=unit.organisation_id, name__iexact=unit.name)
        .exclude(pk=unit.pk)
        .exists()
    ):
        errors["name"] = _("Det finns redan en enhet som heter %(name)s.") % {"name": unit.name}
    if unit.kind not in Unit.Kind.values:
        errors["kind"] = _("Välj nämnd, förvaltning eller extern aktör.")
    if not unit.actor_id:
        errors["actor_id"] = _("Välj vilken aktör i kalkylen enheten motsvarar.")
    elif unit.actor_id not in known_actors(unit.organisation_id):
        close = nearest(unit.actor_id, known_actors(unit.organisation_id))
        hint = _(" Menade du %(ids)s?") % {"ids": ", ".join(close)} if close else ""
        errors["actor_id"] = _("Kalkylen känner inte aktören %(id)s.") % {"id": unit.actor_id} + hint
    parent = unit.parent
    if unit.kind == Unit.Kind.ADMINISTRATION:
        if parent is None:
            errors["parent"] = _("En förvaltning hör till en nämnd: välj nämnden.")
        elif parent.organisation_id != unit.organisation_id or parent.kind != Unit.Kind.COMMITTEE:
            errors["parent"] = _("Välj en nämnd i den egna organisationen.")
        elif parent.archived_at is not None:
            errors["parent"] = _("Nämnden %(name)s är avslutad.") % {"name": parent.name}
    elif parent is not None:
        errors["parent"] = _("Bara en förvaltning hör till en nämnd.")
    return errors


def do_create_unit(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    actor_id: str,
    acting_user: Any,
    parent: Unit | None = None,
) -> Unit:
    """Add a committee, an administration (with its committee) or an external actor."""
    with transaction.atomic():
        org = lock_organisation(organisation)
        can_administer_organisation(acting_user, org).require()
        unit = Unit(organisation=org, name=name, kind=kind, actor_id=actor_id, parent=parent)
        errors = _validate(unit)
        if errors:
            raise ValidationError(errors)
        unit.save()
        audit(
            acting_user=acting_user,
            verb="unit.created",
            target=unit,
            summary=_("Enheten %(name)s upplagd") % {"name": unit.name},
            after=snapshot(unit, FIELDS),
            organisation=org.pk,
        )
    return unit


def do_update_unit(*, unit: Unit, changes: dict[str, Any], acting_user: Any) -> Unit:
    """Rename a unit, change its kind, its committee or the calculation actor it stands for."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"do_update_unit: unknown fields {sorted(unknown)}")
    with transaction.atomic():
        locked = Unit.objects.select_for_update().select_related("organisation").get(pk=unit.pk)
        can_administer_organisation(acting_user, locked.organisation).require()
        if locked.archived_at is not None:
            raise ValidationError(
                _("Enheten %(name)s är avslutad och kan inte ändras.") % {"name": locked.name}
            )
        before = snapshot(locked, FIELDS)
        for field, value in changes.items():
            setattr(locked, field, value)
        errors = _validate(locked)
        if errors:
            raise ValidationError(errors)
        after = snapshot(locked, FIELDS)
        if after == before:
            return locked
        locked.save()
        audit(
            acting_user=acting_user,
            verb="unit.changed",
            target=locked,
            summary=_("Enheten %(name)s ändrad") % {"name": locked.name},
            before=before,
            after=after,
            organisation=locked.organisation_id,
        )
    return locked


def do_end_unit(*, unit: Unit, acting_user: Any, reason: str = "", merged_into: Unit | None = None) -> Unit:
    """End a unit: archive it (never delete it), end its roles, or hand them to ``merged_into``."""
    with transaction.atomic():
        locked = Unit.objects.select_for_update().select_related("organisation").get(pk=unit.pk)
        can_administer_organisation(acting_user, locked.organisation).require()
        if locked.archived_at is not None:
            raise ValidationError(_("Enheten %(name)s är redan avslutad.") % {"name": locked.name})
        if merged_into is not None:
            target = Unit.objects.select_for_update().get(pk=merged_into.pk)
            if target.pk == locked.pk or target.organisation_id != locked.organisation_id:
                raise ValidationError({"merged_into": _("Välj en annan enhet i den egna organisationen.")})
            if target.archived_at is not None:
                raise ValidationError(
                    {"merged_into": _("Enheten %(name)s är avslutad.") % {"name": target.name}}
                )
        if Unit.objects.filter(parent=locked, archived_at__isnull=True).exists():
            raise ValidationError(
                _("Avsluta eller flytta först nämndens förvaltningar: %(names)s.")
                % {
                    "names": ", ".join(
                        Unit.objects.filter(parent=locked, archived_at__isnull=True).values_list(
                            "name", flat=True
                        )
                    )
                }
            )
        before = snapshot(locked, FIELDS)
        roles = list(Membership.objects.filter(unit=locked).select_related("user"))
        moved = []
        for membership in roles:
            moved.append({"user": membership.user.username, "role": membership.role})
            if (
                merged_into is not None
                and not Membership.objects.filter(
                    user=membership.user, role=membership.role, unit=merged_into
                ).exists()
            ):
                membership.unit = merged_into
                membership.save(update_fields=["unit"])
            else:
                membership.delete()
        locked.archived_at = timezone.now()
        locked.active = False
        locked.merged_into = merged_into
        locked.save(update_fields=["archived_at", "active", "merged_into"])
        if merged_into is not None:
            summary = _("Enheten %(name)s sammanslagen med %(target)s") % {
                "name": locked.name,
                "target": merged_into.name,
            }
        else:
            summary = _("Enheten %(name)s avslutad") % {"name": locked.name}
        audit(
            acting_user=acting_user,
            verb="unit.merged" if merged_into is not None else "unit.ended",
            target=locked,
            summary=summary,
            reason=reason,
            before=before,
            after=snapshot(locked, FIELDS),
            roles=moved,
            organisation=locked.organisation_id,
        )
    return locked
