from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from ehcp_portal.audit.selectors import AccessLogSearch
from ehcp_portal.forms import GovUKDateField

# The log starts with the portal; no record is older than this.
_EARLIEST = date(2020, 1, 1)


class AccessLogSearchForm(forms.Form):
    child = forms.CharField(
        label="Child or young person",
        help_text="Case reference (for example, EHC-2026-000123) or name",
        max_length=100,
        required=False,
    )
    reader = forms.CharField(
        label="Who read the record",
        help_text="Name or email address of the person",
        max_length=150,
        required=False,
    )
    on_or_after = GovUKDateField(
        label="From",
        help_text="For example, 1 9 2026",
        name_in_errors="The start date",
        earliest=_EARLIEST,
        required=False,
    )
    on_or_before = GovUKDateField(
        label="To",
        help_text="For example, 30 9 2026",
        name_in_errors="The end date",
        earliest=_EARLIEST,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("on_or_after"), data.get("on_or_before")
        if start and end and end < start:
            self.add_error(
                "on_or_before", "The end date must be the same as or after the start date"
            )
        return data

    def search(self) -> AccessLogSearch:
        data = self.cleaned_data
        return AccessLogSearch(
            child=data.get("child") or "",
            reader=data.get("reader") or "",
            on_or_after=data.get("on_or_after"),
            on_or_before=data.get("on_or_before"),
        )
