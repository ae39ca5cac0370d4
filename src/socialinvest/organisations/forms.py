"""Forms for the organisation pages; they only collect input, the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import known_actors
from .actions.units import catalogue_actors
from .models import Organisation, OrganisationActor, Role, Unit

NEW_ACTOR = "__new__"  # the picker's "add an actor" option


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    kind = forms.ChoiceField(label=_("Typ"), choices=Organisation.Kind.choices)
    org_number = forms.CharField(
        label=_("Organisationsnummer"),
        max_length=13,
        required=False,
        help_text=_("Tio siffror, till exempel 212000-0000."),
    )
    municipality_code = forms.CharField(
        label=_("Kommunkod"),
        max_length=4,
        required=False,
        help_text=_("SCB:s fyrsiffriga kod, till exempel 0581."),
    )
    logo = forms.FileField(label=_("Logotyp (PNG eller JPEG, högst 1 MB)"), required=False)


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    kind = forms.ChoiceField(label=_("Typ"), choices=Unit.Kind.choices)
    parent = forms.TypedChoiceField(
        label=_("Nämnd (för en förvaltning)"), required=False, coerce=int, empty_value=None
    )
    actor_id = forms.ChoiceField(
        label=_("Aktör i kalkylen"),
        help_text=_(
            "Vilken av kalkylens aktörer enheten motsvarar, så att kalkylens "
            '"vem vinner" stämmer med enheterna.'
        ),
    )

    new_actor_id = forms.CharField(
        label=_("Ny aktörs id"),
        max_length=80,
        required=False,
        help_text=_("Bara om du valt ”Lägg till en aktör”: till exempel kommun.samordningsforbund."),
    )
    new_actor_name = forms.CharField(label=_("Ny aktörs namn"), max_length=200, required=False)
    new_actor_level = forms.ChoiceField(
        label=_("Ny aktörs nivå"),
        required=False,
        choices=[("", _("– välj –")), *OrganisationActor.Level.choices],
    )

    def __init__(self, *args: Any, organisation: Organisation, exclude: Unit | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        committees = Unit.objects.filter(
            organisation=organisation, kind=Unit.Kind.COMMITTEE, archived_at__isnull=True
        ).exclude(pk=getattr(exclude, "pk", None))
        self.fields["parent"].choices = [("", _("– ingen –")), *((u.pk, u.name) for u in committees)]
        catalogue = catalogue_actors()
        own = {k: v for k, v in known_actors(organisation).items() if k not in catalogue}
        self.fields["actor_id"].choices = [
            ("", _("– välj –")),
            (_("Kalkylens aktörer"), [(k, f"{v} ({k})") for k, v in catalogue.items()]),
            *(
                [(_("Organisationens egna aktörer"), [(k, f"{v} ({k})") for k, v in own.items()])]
                if own
                else []
            ),
            (NEW_ACTOR, _("+ Lägg till en aktör (fyll i fälten nedan)")),
        ]

    def new_actor(self) -> dict[str, str] | None:
        """The actor to add first, when ”add an actor” is chosen."""
        if self.cleaned_data.get("actor_id") != NEW_ACTOR:
            return None
        return {
            "actor_id": self.cleaned_data.get("new_actor_id", ""),
            "name": self.cleaned_data.get("new_actor_name", ""),
            "level": self.cleaned_data.get("new_actor_level", ""),
        }


class EndUnitForm(forms.Form):
    merged_into = forms.TypedChoiceField(
        label=_("Sammanslås med (valfritt)"), required=False, coerce=int, empty_value=None
    )
    reason = forms.CharField(label=_("Skäl"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any):
        super().__init__(*args, **kwargs)
        others = Unit.objects.filter(organisation_id=unit.organisation_id, archived_at__isnull=True).exclude(
            pk=unit.pk
        )
        self.fields["merged_into"].choices = [
            ("", _("– ingen, enheten upphör –")),
            *((u.pk, u.name) for u in others),
        ]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-postadress"))
    first_name = forms.CharField(label=_("Förnamn"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150, required=False)


class RoleForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)
    scope = forms.ChoiceField(
        label=_("Gäller"),
        help_text=_(
            "Sökande och projektledare har sin roll för en enhet; "
            "övriga för en fond eller hela organisationen."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, people: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(u.pk, u.get_full_name() or u.get_username()) for u in people]
        scopes = [
            (
                f"organisation:{organisation.pk}",
                _("Hela organisationen: %(name)s") % {"name": organisation.name},
            )
        ]
        scopes += [
            (f"fund:{f.pk}", _("Fond: %(name)s") % {"name": f.name})
            for f in organisation.funds.order_by("name")
        ]
        scopes += [
            (f"unit:{u.pk}", _("Enhet: %(name)s") % {"name": u.name})
            for u in organisation.units.filter(archived_at__isnull=True).order_by("kind", "name")
        ]
        self.fields["scope"].choices = scopes


class CreateOrganisationForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    kind = forms.ChoiceField(label=_("Typ"), choices=Organisation.Kind.choices)
    org_number = forms.CharField(label=_("Organisationsnummer"), max_length=13, required=False)
    municipality_code = forms.CharField(label=_("Kommunkod"), max_length=4, required=False)
