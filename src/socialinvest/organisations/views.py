"""The organisation's pages: the organisation, its units, its people and their roles.

Every write goes through :mod:`.actions`; a refused write shows the service's message on
the form and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from socialinvest.reports.csv_export import write_csv

from . import actions
from .forms import CreateOrganisationForm, EndUnitForm, InviteForm, OrganisationForm, RoleForm, UnitForm
from .models import Invitation, Membership, Organisation, Role, Unit
from .permissions import administered_organisations, can_administer_organisation, can_create_organisation


def _apply_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(key if key in form.fields else None, error.messages)
    else:
        form.add_error(None, exc.messages)


def _submit(form: forms.Form, write: Callable[[dict[str, Any]], Any]) -> bool:
    """Validate the form, call the service; on its ValidationError put the messages on the form."""
    if not form.is_valid():
        return False
    try:
        write(form.cleaned_data)
    except ValidationError as exc:
        _apply_errors(form, exc)
        return False
    return True


def _add_actor_if_asked(org: Organisation, form: UnitForm, user: Any) -> str:
    """Add the organisation's own actor when the picker's "add an actor" was chosen; its id."""
    spec = form.new_actor()
    if spec is None:
        return ""
    try:
        return actions.do_add_actor(organisation=org, acting_user=user, **spec).actor_id
    except ValidationError as exc:  # the service's fields are the form's new_actor_* fields
        fields = {"actor_id": "new_actor_id", "name": "new_actor_name", "level": "new_actor_level"}
        raise ValidationError({fields.get(k, k): v for k, v in exc.message_dict.items()}) from None


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    org = get_object_or_404(Organisation, slug=slug)
    verdict = can_administer_organisation(request.user, org)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    return org


def organisation_index(request: HttpRequest) -> HttpResponse:
    """The organisations the user administers; a superuser also sets one up here."""
    orgs = administered_organisations(request.user)
    may_create = bool(can_create_organisation(request.user))
    if not orgs and not may_create:
        raise PermissionDenied(
            _("Endast organisationens administratörer kan ändra organisationen, enheterna och rollerna.")
        )
    if len(orgs) == 1 and not may_create:
        return redirect("organisations:detail", slug=orgs[0].slug)
    form = CreateOrganisationForm(request.POST or None)
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied(can_create_organisation(request.user).reason)
        created: list[Organisation] = []
        if _submit(
            form, lambda d: created.append(actions.do_create_organisation(acting_user=request.user, **d))
        ):
            messages.success(request, _("Organisationen %(name)s är upplagd.") % {"name": created[0].name})
            return redirect("organisations:detail", slug=created[0].slug)
    return render(
        request, "organisations/index.html", {"organisations": orgs, "form": form, "may_create": may_create}
    )


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    org = _organisation(request, slug)
    initial = {f: getattr(org, f) for f in ("name", "kind", "org_number", "municipality_code")}
    org_form = OrganisationForm(initial=initial)
    unit_form = UnitForm(organisation=org)
    if request.method == "POST" and request.POST.get("form") == "organisation":
        org_form = OrganisationForm(request.POST, request.FILES, initial=initial)

        def save(d: dict[str, Any]) -> None:
            changes = {k: v for k, v in d.items() if k != "logo"}
            if d.get("logo"):
                changes["logo"] = d["logo"]
            actions.do_update_organisation(organisation=org, changes=changes, acting_user=request.user)

        if _submit(org_form, save):
            messages.success(request, _("Organisationen är sparad."))
            return redirect("organisations:detail", slug=Organisation.objects.get(pk=org.pk).slug)
    elif request.method == "POST" and request.POST.get("form") == "unit":
        unit_form = UnitForm(request.POST, organisation=org)

        def create(d: dict[str, Any]) -> None:
            parent = Unit.objects.filter(pk=d["parent"]).first() if d["parent"] else None
            with transaction.atomic():
                actor_id = _add_actor_if_asked(org, unit_form, request.user) or d["actor_id"]
                actions.do_create_unit(
                    organisation=org,
                    name=d["name"],
                    kind=d["kind"],
                    actor_id=actor_id,
                    parent=parent,
                    acting_user=request.user,
                )

        if _submit(unit_form, create):
            messages.success(
                request, _("Enheten %(name)s är upplagd.") % {"name": unit_form.cleaned_data["name"]}
            )
            return redirect("organisations:detail", slug=org.slug)
    units = org.units.select_related("parent", "merged_into").order_by("archived_at", "kind", "name")
    return render(
        request,
        "organisations/detail.html",
        {
            "org": org,
            "org_form": org_form,
            "unit_form": unit_form,
            "units": units,
            "actors": actions.known_actors(org),
        },
    )


def unit_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    org = _organisation(request, slug)
    unit = get_object_or_404(Unit, pk=pk, organisation=org)
    initial = {"name": unit.name, "kind": unit.kind, "parent": unit.parent_id, "actor_id": unit.actor_id}
    form = UnitForm(initial=initial, organisation=org, exclude=unit)
    end_form = EndUnitForm(unit=unit)
    if request.method == "POST" and request.POST.get("form") == "end":
        end_form = EndUnitForm(request.POST, unit=unit)

        def end(d: dict[str, Any]) -> None:
            target = Unit.objects.filter(pk=d["merged_into"]).first() if d["merged_into"] else None
            actions.do_end_unit(unit=unit, merged_into=target, reason=d["reason"], acting_user=request.user)

        if _submit(end_form, end):
            messages.success(
                request, _("Enheten %(name)s är avslutad; dess historik finns kvar.") % {"name": unit.name}
            )
            return redirect("organisations:detail", slug=org.slug)
    elif request.method == "POST":
        form = UnitForm(request.POST, initial=initial, organisation=org, exclude=unit)

        def save(d: dict[str, Any]) -> None:
            changes = {k: d[k] for k in ("name", "kind", "actor_id")}
            changes["parent"] = Unit.objects.filter(pk=d["parent"]).first() if d["parent"] else None
            with transaction.atomic():
                changes["actor_id"] = _add_actor_if_asked(org, form, request.user) or d["actor_id"]
                actions.do_update_unit(unit=unit, changes=changes, acting_user=request.user)

        if _submit(form, save):
            messages.success(request, _("Enheten är sparad."))
            return redirect("organisations:detail", slug=org.slug)
    return render(
        request, "organisations/unit.html", {"org": org, "unit": unit, "form": form, "end_form": end_form}
    )


def _people(org: Organisation) -> list[Any]:
    """Everyone invited to the organisation or holding a role in it, its units or funds."""
    in_org = (
        Q(memberships__organisation=org)
        | Q(memberships__unit__organisation=org)
        | Q(memberships__fund__owner=org)
    )
    return list(
        get_user_model()
        .objects.filter(in_org | Q(invitations__organisation=org))
        .distinct()
        .order_by("first_name", "username")
    )


def _roles(org: Organisation) -> list[Membership]:
    return list(
        Membership.objects.filter(actions.people.in_organisation(org))
        .select_related("user", "organisation", "unit", "fund")
        .order_by("user__first_name", "user__username", "role")
    )


def people(request: HttpRequest, slug: str) -> HttpResponse:
    org = _organisation(request, slug)
    people_list = _people(org)
    invite_form = InviteForm()
    role_form = RoleForm(organisation=org, people=people_list)
    action = request.POST.get("form") if request.method == "POST" else None
    if action == "invite":
        invite_form = InviteForm(request.POST)
        base_url = request.build_absolute_uri("/")
        if _submit(
            invite_form,
            lambda d: actions.do_invite_user(
                organisation=org, base_url=base_url, acting_user=request.user, **d
            ),
        ):
            messages.success(
                request,
                _("Inbjudan är skickad till %(email)s.") % {"email": invite_form.cleaned_data["email"]},
            )
            return redirect("organisations:people", slug=org.slug)
    elif action == "role":
        role_form = RoleForm(request.POST, organisation=org, people=people_list)

        def grant(d: dict[str, Any]) -> None:
            kind, _sep, pk = d["scope"].partition(":")
            model = {"organisation": Organisation, "unit": Unit}.get(kind)
            scope = model.objects.get(pk=pk) if model else org.funds.get(pk=pk)
            user = get_user_model().objects.get(pk=d["user"])
            actions.do_grant_role(
                organisation=org, user=user, role=d["role"], scope=scope, acting_user=request.user
            )

        if _submit(role_form, grant):
            messages.success(request, _("Rollen är given."))
            return redirect("organisations:people", slug=org.slug)
    elif action in ("end_role", "deactivate", "activate", "reset_2fa"):
        try:
            if action == "end_role":
                membership = get_object_or_404(
                    Membership.objects.filter(actions.people.in_organisation(org)),
                    pk=request.POST.get("membership"),
                )
                actions.do_end_role(membership=membership, acting_user=request.user)
                messages.success(request, _("Rollen är avslutad."))
            elif action == "reset_2fa":
                person = get_object_or_404(get_user_model(), pk=request.POST.get("user"))
                actions.do_reset_second_factor(user=person, organisation=org, acting_user=request.user)
                messages.success(
                    request,
                    _("Tvåstegsverifieringen är nollställd; %(name)s kopplar en ny app vid nästa inloggning.")
                    % {"name": person.get_username()},
                )
            else:
                person = get_object_or_404(get_user_model(), pk=request.POST.get("user"))
                actions.do_set_user_active(
                    user=person, organisation=org, active=action == "activate", acting_user=request.user
                )
                messages.success(request, _("Kontot är ändrat."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("organisations:people", slug=org.slug)
    invited = {i.user_id: i for i in Invitation.objects.filter(organisation=org)}
    roles_by_user: dict[int, list[Membership]] = {}
    for m in _roles(org):
        roles_by_user.setdefault(m.user_id, []).append(m)
    rows = [(p, roles_by_user.get(p.pk, []), invited.get(p.pk)) for p in people_list]
    return render(
        request,
        "organisations/people.html",
        {
            "org": org,
            "rows": rows,
            "invite_form": invite_form,
            "role_form": role_form,
            "with_app": set(
                TOTPDevice.objects.filter(user__in=people_list, confirmed=True).values_list(
                    "user_id", flat=True
                )
            ),
        },
    )


def people_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Who holds which role, for the municipality's access review (behörighetsuppföljning)."""
    org = _organisation(request, slug)
    rows = [
        [
            m.user.get_username(),
            m.user.get_full_name(),
            m.user.email,
            _("ja") if m.user.is_active else _("nej"),
            str(Role(m.role).label),
            str(m.organisation or m.unit or m.fund),
            m.created_at.date().isoformat(),
        ]
        for m in _roles(org)
    ]
    # The one CSV writer: Excel's Swedish dialect, formula cells neutralised.
    text = write_csv(
        [_("Användarnamn"), _("Namn"), _("E-post"), _("Aktiv"), _("Roll"), _("Gäller"), _("Sedan")], rows
    )
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="behorigheter-{org.slug}.csv"'
    return response
