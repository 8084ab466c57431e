from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from ehcp_portal.fields import field_html

register = template.Library()


@register.simple_tag(name="field")
def field_tag(field: BoundField, **options: Any) -> SafeString:
    """`{% field form.name classes="…" %}`: one form field as GOV.UK markup (ehcp_portal.fields)."""
    return field_html(field, **options)


_STATUS_CLASSES = {
    "met": "govuk-tag--green",
    "met late": "govuk-tag--orange",
    "excepted": "govuk-tag--grey",
    "missed": "govuk-tag--red",
    "due soon": "govuk-tag--yellow",
    "upcoming": "govuk-tag--blue",
}


@register.filter
def status_tag_class(status: str) -> str:
    """GOV.UK tag colour for a deadline status."""
    return _STATUS_CLASSES.get(status, "govuk-tag--grey")


@register.filter
def days_phrase(days: int | None) -> str:
    """'3 days left', 'due today', '4 days overdue'."""
    if days is None:
        return "No deadline"
    if days == 0:
        return "Due today"
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    return f"{days} day{'s' if days != 1 else ''} left"
