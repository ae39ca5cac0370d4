"""The ``{% widget %}`` tag builds plain selects, inputs and textareas in Python: the markup must be
byte for byte Django's own (``BoundField.as_widget``), for every form of the application pages."""

from __future__ import annotations

import pytest

from socialinvest.applications.models import Application
from socialinvest.applications.views.common import TABS
from socialinvest.applications.views.forms import (
    AttachmentForm,
    BudgetFormSet,
    CouncilForm,
    CreateForm,
    DecisionForm,
    FilterForm,
    IndicatorFormSet,
    PartnerFormSet,
    ReviewForm,
    SignOffForm,
    TransitionForm,
    section_form,
)
from socialinvest.core.templatetags.form_fields import fast_widget
from socialinvest.funds.models import Fund
from socialinvest.organisations.models import Unit

PNR = "19811218-9876"
ATTRS = (
    {},
    {"aria-describedby": "id_x-help id_x-error", "aria-invalid": "true"},
    {"class": "wide", "data-x": 'a "quoted" <value> & more', "readonly": True, "hidden": False},
)


def _forms(world, app):
    funds = Fund.objects.order_by("name")
    units = Unit.objects.all()
    yield FilterForm(funds=funds)
    yield FilterForm({"q": "skolan", "status": "granted", "fund": str(world.fund.pk)}, funds=funds)
    yield FilterForm({"q": "x" * 300, "status": "bogus", "fund": "999"}, funds=funds)
    yield FilterForm({"q": "<b>&", "status": "", "fund": ""}, funds=funds)
    yield CreateForm(funds=funds, lead_units=units, co_units=units)
    yield CreateForm({"title": PNR, "fund": "x"}, funds=funds, lead_units=units, co_units=units)
    for tab in TABS:
        if tab.fields:
            yield section_form(tab.fields, app)
            data = {f: "" for f in tab.fields} | {
                "summary": PNR,
                "requested_amount": "abc",
                "period_start": "x",
            }
            yield section_form(tab.fields, app, data)
    yield BudgetFormSet(
        prefix="budget", initial=[{"year": 2025, "payer": world.school.pk, "amount": 3900000}]
    )
    yield BudgetFormSet(
        {
            "budget-TOTAL_FORMS": "2",
            "budget-INITIAL_FORMS": "0",
            "budget-0-year": "1800",
            "budget-0-payer": str(world.school.pk),
            "budget-0-amount": "1 000,50",
            "budget-0-from_fund": "on",
            "budget-1-year": "2026",
            "budget-1-payer": "nope",
        },
        prefix="budget",
    )
    yield PartnerFormSet(prefix="partners")
    yield IndicatorFormSet(prefix="indicators", initial=[{"name": "Närvaro", "definition": "<b>andel</b>"}])
    yield SignOffForm()
    yield SignOffForm({"signoff_name": ""})
    yield AttachmentForm(max_mb="20")
    yield TransitionForm(needs_comment=True, auto_id="id_return_%s")
    yield TransitionForm({"comment": ""}, needs_comment=True)
    yield ReviewForm(criteria=world.criteria)
    yield ReviewForm({f"score-{world.criteria[0].pk}": "3", "comment": "Bra\nmen"}, criteria=world.criteria)
    yield CouncilForm()
    yield DecisionForm(uncommitted="40 000 000 kr", initial=DecisionForm.initial_for(app, "granted"))
    yield DecisionForm({"outcome": "granted", "amount": "-1", "decided_on": "2025-13-01"}, uncommitted="0 kr")


def _fields(form):
    if hasattr(form, "forms"):  # a formset
        yield from _fields(form.management_form)
        for f in form.forms:
            yield from _fields(f)
        yield from _fields(form.empty_form)
        return
    form.is_bound and form.is_valid()
    yield from form


@pytest.mark.django_db
def test_fast_widget_is_byte_for_byte_djangos_markup(world, full_app):
    app = Application.objects.select_related("fund").get(pk=full_app.pk)
    checked = set()
    for form in _forms(world, app):
        for field in _fields(form):
            for attrs in ATTRS:
                assert fast_widget(field, dict(attrs)) == field.as_widget(attrs=dict(attrs)), (
                    type(form).__name__,
                    field.html_name,
                    attrs,
                )
            checked.add(field.field.widget.template_name.rsplit("/", 1)[-1])
    # The fast paths and the fallbacks were all exercised.
    assert {"select.html", "text.html", "textarea.html", "date.html", "number.html", "hidden.html"} <= checked
    assert {"checkbox.html", "clearable_file_input.html", "radio.html", "checkbox_select.html"} <= checked
