"""Form fields in templates, for every app: ``{% load form_fields %}``, then ``{% widget field %}``
(the widget tied to its help text and error for screen readers).  The field partial that uses it
is ``core/_field.html``; the error summary ``core/_errors.html``.

Numbers: ``{% load money %}`` (:mod:`socialinvest.core.templatetags.money`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.forms.renderers import DjangoTemplates
from django.template.base import template_localtime
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def widget(field: BoundField, **attrs: Any) -> SafeString:
    """Render ``field``'s widget tied to its help text and error by aria-describedby."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-help")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    extra: dict[str, Any] = {}
    if described:
        extra["aria-describedby"] = " ".join(described)
    if field.errors:
        extra["aria-invalid"] = "true"
    extra.update(attrs)
    return fast_widget(field, extra)


# Django renders every <option> and every attribute list through its own small templates (one
# template render per option).  For the plain widgets below, the same markup is built here
# directly: byte for byte what ``field.as_widget(attrs=...)`` gives (tests compare the two).
_WIDGETS = "django/forms/widgets/"
_SELECT = (f"{_WIDGETS}select.html", f"{_WIDGETS}select_option.html")
_TEXTAREA = f"{_WIDGETS}textarea.html"
# Templates that are exactly ``{% include "django/forms/widgets/input.html" %}``.
_INPUT = {
    f"{_WIDGETS}{kind}.html"
    for kinds in (
        "input checkbox color date datetime email file",
        "hidden number password search tel text time url",
    )
    for kind in kinds.split()
}


def fast_widget(field: BoundField, attrs: dict[str, Any]) -> SafeString:
    """``field.as_widget(attrs=attrs)``, without template renders for plain selects, inputs, textareas."""
    widget = field.field.widget
    template_name = getattr(widget, "template_name", None)
    select = (template_name, getattr(widget, "option_template_name", None)) == _SELECT
    plain = select or template_name == _TEXTAREA or template_name in _INPUT
    if not plain or field.field.localize or type(field.form.renderer) is not DjangoTemplates:
        return field.as_widget(attrs=attrs)
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    w = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if select:
        return _select_html(w)
    if template_name == _TEXTAREA:
        text = _v(w["value"]) if w["value"] else ""
        return format_html('<textarea name="{}"{}>\n{}</textarea>', _v(w["name"]), _attrs(w["attrs"]), text)
    value = "" if w["value"] is None else format_html(' value="{}"', _s(w["value"]))
    return format_html(
        '<input type="{}" name="{}"{}{}>', _v(w["type"]), _v(w["name"]), value, _attrs(w["attrs"])
    )


def _select_html(w: dict[str, Any]) -> SafeString:
    """django/forms/widgets/select.html with its options (select_option.html), whitespace included."""
    parts = [format_html('<select name="{}"{}>', _v(w["name"]), _attrs(w["attrs"]))]
    for group_name, options, _index in w["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', _v(group_name)))
        for o in options:
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    _s(o["value"]),
                    _attrs(o["attrs"]),
                    _v(o["label"]),
                )
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # each part is escaped above


def _s(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``."""
    return value if isinstance(value, str) else str(value)


def _v(value: Any) -> Any:
    """``{{ value }}``: localised like a template variable (format_html escapes it)."""
    return value if isinstance(value, str) else localize(template_localtime(value))


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """django/forms/widgets/attrs.html."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, _s(value)),)
            for name, value in attrs.items()
            if value is not False
        ),
    )
