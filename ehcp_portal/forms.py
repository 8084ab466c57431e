"""Helpers shared by the apps' forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """A select's options read as one plain query. Django reads them with `.iterator()`, which on
    PostgreSQL outside a transaction is a server-side cursor (DECLARE … WITH HOLD, FETCH,
    CLOSE): three round trips, about 0.2 ms more a list. A select's options are few by design
    (an area's thousands of caseworkers are found by name instead)."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    """`ModelChoiceField` whose options are read by one plain query (`ListedChoiceIterator`).
    Every model choice field of the portal is one of these two (tests/architecture)."""

    iterator = ListedChoiceIterator


class ListedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """`ModelMultipleChoiceField` whose options are read by one plain query."""

    iterator = ListedChoiceIterator


def label_choices_with(field: forms.Field, label: Callable[[Any], str]) -> None:
    """Show each option of a model choice field as `label(obj)`.

    Django renders the options with `field.label_from_instance(obj)`. Replacing it on the form's
    own copy of the field keeps the label next to the queryset it labels, where the documented
    alternative is a field subclass per label.
    """
    # The stubs declare label_from_instance as a method of ModelChoiceField, not of Field, and
    # mypy forbids assigning to a method; at run time it is an ordinary attribute look-up.
    field.label_from_instance = label  # type: ignore[attr-defined]


def _first_lower(text: str) -> str:
    # "Date of birth" reads "Enter date of birth"; an acronym ("EHC plan date") keeps its case.
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


class GovUKDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input), posted as `<name>_0`, `_1`, `_2`.

    `{% field %}` (ehcp_portal.fields) renders it (widget_type "govukdate"). The suffixes are
    Django's default ones: saved front-door drafts keep what was typed under these names.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        # PostgreSQL refuses NUL in text and browsers show it as U+FFFD: drop it before the
        # value is checked or shown again.
        parts = super().value_from_datadict(data, files, name)
        return ["" if p is None else str(p).replace("\x00", "") for p in parts]


class GovUKDateField(forms.Field):
    """A date typed in three boxes, checked with the GOV.UK date input's error messages.

    `name_in_errors` is what the date is called in its messages ("Date of birth" gives "Enter
    date of birth", "Date of birth must include a month", "Date of birth must be a real date");
    it defaults to the label, so a label that is a question needs its own name. Any input,
    however odd, ends in a date, None (optional and empty) or a ValidationError. Rules about a
    particular date (not in the future, an age limit) belong to the form that asks for it.

    `earliest` and `latest` bound what any date here may be: beyond them no date in this
    service makes sense, and the statutory clock's arithmetic stays inside `datetime`'s range.
    """

    widget = GovUKDateWidget
    default_error_messages = {
        "required": "Enter %(name)s",
        "incomplete": "%(Name)s must include a %(missing)s",
        "invalid": "%(Name)s must be a real date",
        "year_digits": "Year must include 4 numbers",
        "too_early": "%(Name)s must be the same as or after %(limit)s",
        "too_late": "%(Name)s must be the same as or before %(limit)s",
    }

    def __init__(
        self,
        *,
        name_in_errors: str | None = None,
        earliest: date = date(1900, 1, 1),
        latest: date = date(2199, 12, 31),
        **kwargs: Any,
    ) -> None:
        label = kwargs.get("label")
        if name_in_errors is None and label and str(label).rstrip().endswith("?"):
            raise ValueError(f"GovUKDateField({label!r}) needs a name_in_errors: it is a question")
        self.name_in_errors = name_in_errors or (str(label) if label else "The date")
        self.earliest, self.latest = earliest, latest
        super().__init__(**kwargs)

    def _error(self, code: str, **params: str) -> ValidationError:
        name = self.name_in_errors
        return ValidationError(
            self.error_messages[code],
            code=code,
            params={"name": _first_lower(name), "Name": name[:1].upper() + name[1:], **params},
        )

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        if not isinstance(value, list | tuple):
            value = [value]
        parts = [("" if p is None else str(p)).replace("\x00", "").strip() for p in value]
        day, month, year = (parts + ["", "", ""])[:3]
        if not (day or month or year):
            return None
        missing = [n for n, p in (("day", day), ("month", month), ("year", year)) if not p]
        if missing:
            raise self._error("incomplete", missing=" and ".join(missing))
        if not all(p.isascii() and p.isdigit() for p in (day, month, year)):
            raise self._error("invalid")
        if len(year) != 4:
            raise self._error("year_digits")
        try:
            # int() refuses over 4,300 digits (ValueError); date() overflows a C int before it
            # checks the range (OverflowError).
            typed = date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise self._error("invalid") from None
        if typed < self.earliest:
            raise self._error("too_early", limit=f"{self.earliest:%-d %B %Y}")
        if typed > self.latest:
            raise self._error("too_late", limit=f"{self.latest:%-d %B %Y}")
        return typed

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise self._error("required")
