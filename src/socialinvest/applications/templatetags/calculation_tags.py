"""Template helpers for the calculation pages: the stored-result summary and the editor's inputs.

Numbers: ``{% load money %}`` (:mod:`socialinvest.core.templatetags.money`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template.base import template_localtime
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from socialinvest.organisations.names import named_by_units

from ..calculation_editor import Input, Uncertain
from ..calculation_results import ResultView, view

register = template.Library()


def _float(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


@register.filter
def sign_class(value: Any) -> str:
    v = _float(value)
    return "" if v is None or v == 0 else ("positive" if v > 0 else "negative")


@register.simple_tag
def registry_configured() -> bool:
    """Whether the fund uses an evidence registry (``REGISTRY_URL``) to take an effect from."""
    return bool(getattr(settings, "REGISTRY_URL", ""))


@register.simple_tag
def calculation_summary(application: Any) -> dict[str, Any] | None:
    """The latest saved version and its figures from the stored result JSON (the engine is not run)."""
    version = application.latest_calculation()
    if version is None:
        return None
    result: ResultView = view(
        named_by_units(version.result, application.fund.owner_id),
        headline=application.fund.headline_perspective,
    )
    return {
        "version": version,
        "result": result,
        "count": application.calculations.count(),
        # A registry to take an effect from (the registry app's prior page; it checks who may).
        "registry": bool(getattr(settings, "REGISTRY_URL", "")),
    }


# -- The editor's inputs --------------------------------------------------------------
# The editor shows about a thousand inputs; one template include each took most of its time.
# ``calculation/_input.html`` and ``_uncertain.html`` define the markup; the tags below build the
# same bytes in Python (tests/applications/test_calculation_markup.py compares the two).


def _e(value: Any) -> str:
    """``{{ value }}`` in a template: localised if not text, and escaped."""
    if not isinstance(value, str):
        value = localize(template_localtime(value))
    return conditional_escape(value)


def _errors(errors: list[Any]) -> str:
    """``{{ errors|join:" " }}``."""
    return " ".join(conditional_escape(e) for e in errors)


def input_html(w: Input) -> str:
    """``calculation/_input.html``: the label, help, the select or text input, and its error place."""
    id_, described = _e(w.id), _e(w.described_by)
    invalid = ' aria-invalid="true"' if w.errors else ""
    help_ = f'<p class="help" id="{_e(w.help_id)}">{_e(w.help)}</p>' if w.help else ""
    if w.kind == "select":
        options = []
        for group, opts in w.options or ():
            if group:
                options.append(f'<optgroup label="{_e(group)}">')
            for value, text in opts:
                selected = " selected" if value == w.value else ""
                options.append(f'\n      <option value="{_e(value)}"{selected}>{_e(text)}</option>')
            if group:
                options.append("</optgroup>")
        control = (
            f'<select id="{id_}" name="{_e(w.name)}" aria-describedby="{described}"{invalid}>\n    '
            f"{''.join(options)}\n  </select>\n  "
        )
    else:
        number = ' inputmode="decimal" autocomplete="off"' if w.kind == "number" else ""
        control = (
            f'<input type="text" id="{id_}" name="{_e(w.name)}" value="{_e(w.value)}"{number}'
            f' aria-describedby="{described}"{invalid}>'
        )
    error = f'<p class="field-error" id="{_e(w.error_id)}">{_errors(w.errors)}</p>' if w.own_slot else ""
    return (
        f'<div class="field {_e(w.css)}{" has-error" if w.errors else ""}">\n'
        f'  <label for="{id_}">{_e(w.label)}</label>\n'
        f"  {help_}\n"
        f"  {control}\n"
        f"  {error}\n"
        "</div>\n"
    )


def uncertain_html(u: Uncertain) -> str:
    """``calculation/_uncertain.html``: an uncertain number's fieldset with its inputs."""
    help_ = f'<p class="help" id="{_e(u.help_id)}">{_e(u.help)}</p>' if u.help else ""
    has_error = " has-error" if u.errors else ""
    return (
        f'<fieldset class="uncertain dist-{_e(u.dist)}{has_error}" id="{_e(u.id)}-group">\n'
        f"  <legend>{_e(u.label)}</legend>\n"
        f"  {help_}\n"
        f'  <p class="field-error" id="{_e(u.error_id)}">{_errors(u.errors)}</p>\n'
        '  <div class="dist-parts">\n'
        f"    {''.join(input_html(w) for w in u.inputs)}\n"
        "  </div>\n"
        "</fieldset>\n"
    )


@register.simple_tag
def calc_cells(cells: list[Input | Uncertain]) -> SafeString:
    """``calculation/_cells.html``: each cell, an uncertain number or a single input."""
    html = "".join(uncertain_html(c) if isinstance(c, Uncertain) else input_html(c) for c in cells)
    return mark_safe(html + "\n")  # every value is escaped above; the newline ends _cells.html


@register.simple_tag
def calc_uncertain(u: Uncertain) -> SafeString:
    return mark_safe(uncertain_html(u))  # every value is escaped above
