from __future__ import annotations

from typing import Any

from django import forms

from cases.models import Case
from ehcp_portal.forms import GovUKDateField


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text: drop it at the boundary (stack notes).
    return value.replace("\x00", "").strip()


class ChildSearchForm(forms.Form):
    q = forms.CharField(
        label="Name or case reference",
        required=False,
        max_length=100,
        help_text="For example, Amelia Smith or EHC-2026-000123",
    )
    date_of_birth = GovUKDateField(
        label="Date of birth", required=False, help_text="For example, 27 3 2015"
    )

    def clean_q(self) -> str:
        return _no_nul(self.cleaned_data.get("q") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("q") and not data.get("date_of_birth") and not self.errors:
            self.add_error("q", "Enter a name, a case reference or a date of birth")
        return data


class LegalHoldForm(forms.Form):
    case_reference = forms.CharField(
        label="Case reference", max_length=20, help_text="For example, EHC-2026-000123"
    )
    reason = forms.CharField(
        label="Why must this record be kept?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, a complaint, a tribunal appeal, a claim or an inquiry. Do not "
        "include the child's name.",
    )

    def clean_case_reference(self) -> Case:
        reference = _no_nul(self.cleaned_data["case_reference"]).upper()
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise forms.ValidationError("Enter the reference of an existing case")
        return case

    def clean_reason(self) -> str:
        reason = _no_nul(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError("Enter why the record must be kept")
        return reason
