"""The parties of a (multi-party) fund: the fund administrator edits them as one table;
the fund's roles and auditors read it.

Every rule is in :func:`socialinvest.ledger.actions.do_set_fund_parties`: the form only
carries text (keys as ``25 %``, ``0,25`` or ``0.25``; amounts with a decimal comma), and
the service's ``ValidationError`` is put back next to the field it names.  On an error
nothing is written (the service validates before its one transaction).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socialinvest.core import formatting
from socialinvest.funds.models import Fund
from socialinvest.organisations.models import Unit

from ..actions import do_set_fund_parties
from ..models import FundParty
from ..permissions import can_manage_ledger, can_view_ledger
from ..selectors import first_open_year
from .common import require
from .forms import money

PREFIX = "parties"  # the service names row errors "parties-<i>-<field>"
KEY_FIELDS = ("cost_key", "repayment_key")


class PartyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Part"), required=False, max_length=200)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Enhet i systemet"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("Ingen"),
    )
    capital_contribution = money(gettext_lazy("Kapitaltillskott (kr)"), required=False)
    cost_key = forms.CharField(label=gettext_lazy("Kostnadsnyckel"), required=False, max_length=20)
    repayment_key = forms.CharField(label=gettext_lazy("Återföringsnyckel"), required=False, max_length=20)

    def __init__(self, *args: Any, units: QuerySet[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units

    def row(self) -> dict[str, Any] | None:
        """The row for the service, or ``None`` if left empty or marked for removal."""
        data = self.cleaned_data
        if data.get("DELETE"):
            return None
        values = [data.get(f) for f in ("name", "capital_contribution", *KEY_FIELDS)]
        if not any(str(v or "").strip() for v in values) and data.get("unit") is None:
            return None
        unit = data.get("unit")
        return {
            "name": data.get("name") or "",
            "unit": unit.pk if unit is not None else None,
            "capital_contribution": data.get("capital_contribution") or 0,
            "cost_key": data.get("cost_key") or "",
            "repayment_key": data.get("repayment_key") or "",
        }


PartyFormSet = forms.formset_factory(PartyForm, extra=2, can_delete=True, max_num=50, absolute_max=50)


def percent_text(key: Decimal) -> str:
    """A stored key (a fraction) as the percent the form field holds: ``0.250000`` → ``25 %``
    (a form value in the format parse_share reads, not a display figure)."""
    value = (key * 100).normalize()
    text = f"{value:f}".replace(".", ",")
    return f"{text} %"


def party_units(fund: Fund) -> QuerySet[Unit]:
    """Units a party may be: the owner's units (the demo's external ones among them) and any
    unit a party of the fund already is."""
    used = FundParty.objects.filter(fund=fund, unit__isnull=False).values("unit_id")
    return Unit.objects.filter(Q(organisation_id=fund.owner_id) | Q(pk__in=used)).order_by("name")


def _put_errors(formset: Any, exc: ValidationError, index: list[int]) -> list[str]:
    """Service keys onto the forms: ``parties-<i>-<field>`` (i: the i-th row sent) next to its
    field; a sum of keys (``cost_key``/``repayment_key``) next to that key in every row sent;
    anything else is returned for the summary."""
    general: list[str] = []
    for key, errors in exc.message_dict.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == PREFIX and parts[1].isdigit() and int(parts[1]) < len(index):
            form = formset.forms[index[int(parts[1])]]
            form.add_error(parts[2] if parts[2] in form.fields else None, errors)
        elif key in KEY_FIELDS and index:
            for i in index:
                formset.forms[i].add_error(key, errors)
            general.extend(errors)
        else:
            general.extend(errors)
    return general


class FromYearForm(forms.Form):
    from_year = forms.IntegerField(
        label=gettext_lazy("Nycklarna gäller från budgetår"),
        required=False,
        min_value=1900,
        max_value=2200,
        help_text=gettext_lazy("Tidigare år behåller sina nycklar. Ett bokslutat år kan inte ändras."),
    )


def parties(request: HttpRequest, fund_pk: int) -> HttpResponse:
    """The fund's parties: a table for readers; the same table as a form for the fund admin."""
    fund = get_object_or_404(Fund.objects.select_related("owner"), pk=fund_pk)
    require(can_view_ledger(request.user, fund))
    manage = can_manage_ledger(request.user, fund)
    if request.method == "POST":
        require(manage)
    current = list(FundParty.objects.filter(fund=fund).select_related("unit").order_by("id"))
    for p in current:
        p.cost_percent = formatting.percent_exact(p.cost_key)
        p.repayment_percent = formatting.percent_exact(p.repayment_key)
    formset = None
    general: list[str] = []
    year_form = FromYearForm(request.POST or None, initial={"from_year": first_open_year(fund)})
    if manage:
        units = party_units(fund)
        kwargs = {"prefix": PREFIX, "form_kwargs": {"units": units}}
        if request.method == "POST":
            formset = PartyFormSet(request.POST, **kwargs)
            if formset.is_valid() and year_form.is_valid():
                rows, index = [], []
                for i, form in enumerate(formset.forms):
                    row = form.row()
                    if row is not None:
                        rows.append(row)
                        index.append(i)
                try:
                    do_set_fund_parties(
                        fund=fund,
                        parties=rows,
                        from_year=year_form.cleaned_data["from_year"],
                        acting_user=request.user,
                    )
                except ValidationError as exc:
                    found = exc.message_dict
                    if "from_year" in found:
                        year_form.add_error("from_year", found.pop("from_year"))
                    general = _put_errors(formset, ValidationError(found), index) if found else []
                else:
                    messages.success(request, _("Fondens parter är sparade."))
                    return redirect("ledger:parties", fund_pk=fund.pk)
        else:
            initial = [
                {
                    "name": p.name,
                    "unit": p.unit_id,
                    "capital_contribution": formatting.input_number(
                        p.capital_contribution, 0 if p.capital_contribution % 1 == 0 else 2
                    ),
                    "cost_key": percent_text(p.cost_key),
                    "repayment_key": percent_text(p.repayment_key),
                }
                for p in current
            ]
            formset = PartyFormSet(initial=initial, **kwargs)
    has_errors = (
        formset is not None
        and formset.is_bound
        and (general or not formset.is_valid() or not year_form.is_valid())
    )
    return render(
        request,
        "ledger/parties.html",
        {
            "fund": fund,
            "parties": current,
            "formset": formset,
            "year_form": year_form,
            "manage": manage,
            "general_errors": general,
            "has_errors": has_errors,
            "year": timezone.localdate().year,
        },
    )
