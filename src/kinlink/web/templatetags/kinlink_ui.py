"""Template helpers for the Kinlink UI: Bootstrap widgets, due dates, ages and findings."""

from __future__ import annotations

from django import forms, template
from django.utils import timezone

register = template.Library()


def _widget_class(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return ""
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


@register.filter
def bs_widget(bound_field):
    """Render a bound field's widget with Bootstrap classes and accessible error links."""
    widget = bound_field.field.widget
    attrs = {}
    css = _widget_class(widget)
    existing = widget.attrs.get("class", "")
    if bound_field.errors:
        css = f"{css} is-invalid".strip()
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{bound_field.auto_id}_errors"
    elif bound_field.help_text:
        attrs["aria-describedby"] = f"{bound_field.auto_id}_help"
    if css or existing:
        attrs["class"] = f"{existing} {css}".strip()
    return bound_field.as_widget(attrs=attrs)


@register.filter
def widget_kind(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "multi"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.filter
def is_overdue(value) -> bool:
    """True when a deadline (datetime) has passed."""
    return bool(value) and value < timezone.now()


@register.filter
def child_age(child):
    """The child's age today in whole years (from the date of birth or the recorded age)."""
    if child is None:
        return None
    return child.age_on(timezone.localdate())


@register.filter
def findings_rows(assessment):
    """(label, text) for every assessment domain, in the order of Assessment.DOMAINS."""
    found = assessment.findings or {}
    return [(label, found.get(key, "")) for key, label in assessment.DOMAINS]


@register.filter
def codes(values) -> str:
    """A list of ISO codes as text."""
    return ", ".join(values or [])


@register.filter
def field_of(form, name):
    """form[name] for names built in templates."""
    return form[name]


@register.filter
def timeuntil_delta(delta):
    """A timedelta as localised words ("30 minutes")."""
    from django.utils.timesince import timeuntil

    now = timezone.now()
    return timeuntil(now + delta, now)
