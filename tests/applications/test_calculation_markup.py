"""The calculation editor prints its inputs with the ``calc_cells`` and ``calc_uncertain`` tags,
built in Python for speed: byte for byte what ``calculation/_cells.html`` and ``_uncertain.html``
(the templates that define the markup) give, for every example, with problems and odd values."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template.loader import render_to_string

from socialinvest.applications import scenario_form as sf
from socialinvest.applications.calculation_input import check, starter_fields
from socialinvest.applications.calculation_sections import editor
from socialinvest.applications.templatetags.calculation_tags import calc_cells, calc_uncertain
from socialinvest.engine import default_catalogue, parse_text
from socialinvest.organisations.models import Unit

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def _broken(fields: dict[str, str]) -> dict[str, str]:
    """Problems on many fields, a value no select offers, and text that must be escaped."""
    return {
        **fields,
        "name": 'Barn & unga <i>"först"</i>',
        "horizon": "x",
        "costs-0-actor": "nobody",
        "outcomes-0-effect-dist": "beta",
        "outcomes-0-effect-mean": "2",
        "outcomes-0-name": "19811218-9876",
        "outcomes-1-cost_item": "<nothing>",
        "discount_rate-steps-0-rate": "x",
    }


def _all_cells(form: dict) -> list:
    """Every list of cells the editor prints, nested rows included."""
    out = [form["basics"]]

    def group(g) -> None:
        for row in g.rows:
            out.append(row.cells)
            if row.nested:
                group(row.nested)
        if g.slot:
            out.append([g.slot])

    for g in [form["steps"], *form["groups"], *form["advanced"]]:
        group(g)
    return out


def _forms(world):
    units = list(Unit.objects.all())
    for path in EXAMPLES:
        fields = sf.to_fields(parse_text(path.read_text(encoding="utf-8")))
        for f in (fields, _broken(fields)):
            checked = check(f)
            yield path.stem, editor(checked.fields, checked.errors, default_catalogue(), units)
    starter = starter_fields("Ny ansökan", "kommun.utbildning")
    yield "starter", editor(starter, {}, default_catalogue(), units)


@pytest.mark.django_db
def test_calculation_tags_print_exactly_the_templates_markup(world):
    kinds = set()
    for name, form in _forms(world):
        for cells in _all_cells(form):
            expected = render_to_string("applications/calculation/_cells.html", {"cells": cells})
            assert calc_cells(cells) == expected, (name, [c.name for c in cells])
            kinds |= {c.kind for c in cells}
        expected = render_to_string("applications/calculation/_uncertain.html", {"u": form["bias"]})
        assert calc_uncertain(form["bias"]) == expected, name
    assert kinds == {"text", "number", "select", "uncertain"}


@pytest.mark.django_db
def test_broken_form_shows_its_problems_through_the_tags(world):
    """The comparison above covers errors, help texts and escaping: check they were there."""
    fields = sf.to_fields(parse_text(EXAMPLES[0].read_text(encoding="utf-8")))
    checked = check(_broken(fields))
    html = calc_cells(
        [
            c
            for cells in _all_cells(editor(checked.fields, checked.errors, default_catalogue(), []))
            for c in cells
        ]
    )
    assert 'aria-invalid="true"' in html and 'class="field-error" id="err-horizon">' in html
    assert "&lt;nothing&gt;" in html and "<nothing>" not in html
    assert 'class="help" id="help-' in html and "<optgroup" in html and " selected>" in html
