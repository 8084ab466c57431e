from __future__ import annotations

from django import template

from cases.deadlines import LABELS

register = template.Library()


@register.filter
def deadline_label(key: str) -> str:
    """The readable name of a statutory deadline key ('final_plan' → 'Final plan issued')."""
    return LABELS.get(key, key.replace("_", " ").capitalize())


@register.filter
def get_item(mapping: dict, key: str) -> object:
    """`mapping[key]`, or an empty list when absent (for dicts of lists in templates)."""
    return mapping.get(key, []) if mapping else []
