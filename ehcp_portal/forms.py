"""Helpers shared by the apps' forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms


def label_choices_with(field: forms.Field, label: Callable[[Any], str]) -> None:
    """Show each option of a model choice field as `label(obj)`.

    Django renders the options with `field.label_from_instance(obj)`. Replacing it on the form's
    own copy of the field keeps the label next to the queryset it labels, where the documented
    alternative is a field subclass per label.
    """
    # The stubs declare label_from_instance as a method of ModelChoiceField, not of Field, and
    # mypy forbids assigning to a method; at run time it is an ordinary attribute look-up.
    field.label_from_instance = label  # type: ignore[attr-defined]
