"""The engine's public calculators as forms: the price of exclusion for a cohort, and what an amount
could buy instead.  Read with GET (no cookies, no JavaScript); every figure comes from the engine."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socialinvest.core.forms import SekField
from socialinvest.engine import cohort_cost, default_catalogue, opportunity_equivalents
from socialinvest.engine.equivalents import default_equivalent_items


def per_year_items() -> list[Any]:
    return [c for c in default_catalogue().cost_items if c.unit == "per_year"]


def annual_cost_of(item: Any) -> float:
    """The item's base-case cost of one year, summed over who bears it (the means)."""
    return float(sum(dist.mean() for dist in item.cost.values()))


class CohortForm(forms.Form):
    cohort_size = forms.IntegerField(
        label=_("Personer i årskullen"), min_value=1, max_value=10_000_000, initial=170
    )
    excluded = forms.DecimalField(
        label=_("Personer i varaktigt utanförskap"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        initial=22,
    )
    years = forms.IntegerField(label=_("År i utanförskap per person"), min_value=1, max_value=100, initial=45)
    cost_item = forms.ChoiceField(label=_("Kostnad för ett år i utanförskap"))
    discount_rate = forms.DecimalField(
        label=_("Diskonteringsränta (%)"),
        required=False,
        min_value=Decimal("-99"),
        max_value=Decimal(100),
        max_digits=6,
        decimal_places=2,
        help_text=_("Lämna tomt för ett odiskonterat belopp."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cost_item"].choices = [(c.id, c.name) for c in per_year_items()]
        self.fields["cost_item"].initial = "lifelong_exclusion_year"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        size, excluded = data.get("cohort_size"), data.get("excluded")
        if size is not None and excluded is not None and excluded > size:
            self.add_error(
                "excluded", _("Kan inte vara fler än personerna i årskullen (%(n)s).") % {"n": size}
            )
        return data

    def result(self) -> dict[str, Any]:
        data = self.cleaned_data
        item = next(c for c in per_year_items() if c.id == data["cost_item"])
        rate = data.get("discount_rate")
        result = cohort_cost(
            cohort_size=data["cohort_size"],
            excluded=float(data["excluded"]),
            years=data["years"],
            annual_cost=annual_cost_of(item),
            discount_rate=None if rate is None else float(rate) / 100,
            split_item=item,
        )
        names = {a.id: a.name for a in default_catalogue().actors}
        by_actor = sorted((result.by_actor or {}).items(), key=lambda kv: -kv[1])
        return {
            "result": result,
            "item": item,
            "by_actor": [(names.get(a, a), v) for a, v in by_actor],
            "equivalents": opportunity_equivalents(result.total_cost),
        }


class EquivalentsForm(forms.Form):
    amount = SekField(label=_("Belopp (kr)"), max_value=Decimal(10) ** 13, max_digits=16)

    def result(self) -> Any:
        return opportunity_equivalents(float(self.cleaned_data["amount"]))


def equivalents_source() -> str:
    sources = {i.source for i in default_equivalent_items() if i.source}
    return "; ".join(sorted(sources))
