from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from cases.correspondence.models import BulkSend
from cases.correspondence.wording import PLACEHOLDERS, WordingInvalid, wording_parse


def _no_nul(value: str) -> str:
    return value.replace("\x00", "").strip()  # PostgreSQL refuses NUL in text


class BulkLetterForm(forms.Form):
    cohort = forms.ChoiceField(
        label="Who should get this letter?",
        choices=BulkSend.Cohort.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who should get this letter"},
    )
    cohort_year = forms.IntegerField(
        label="Year of the phase transfer",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="Only for phase transfers. For example, 2027 for transfers in September 2027",
    )
    cohort_setting = forms.ChoiceField(
        label="School or setting", required=False, help_text="Only for the families of a school"
    )
    title = forms.CharField(
        label="Letter heading", max_length=150, error_messages={"required": "Enter a heading"}
    )
    body = forms.CharField(
        label="Letter",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Placeholders you can use: " + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS),
        error_messages={"required": "Enter the letter"},
    )

    def __init__(self, *args: Any, settings: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        setting_field = self.fields["cohort_setting"]
        assert isinstance(setting_field, forms.ChoiceField)
        setting_field.choices = [("", "Choose a school or setting"), *settings]
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault(
                "cohort_year", today.year + 1 if today.month >= 9 else today.year
            )

    def clean_title(self) -> str:
        return self._wording("title")

    def clean_body(self) -> str:
        return self._wording("body")

    def _wording(self, name: str) -> str:
        value = _no_nul(self.cleaned_data.get(name) or "")
        try:
            wording_parse(value, blocks=())
        except WordingInvalid as invalid:
            raise forms.ValidationError(invalid.errors) from invalid
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cohort = data.get("cohort")
        if cohort == BulkSend.Cohort.PHASE_TRANSFER and not data.get("cohort_year"):
            self.add_error("cohort_year", "Enter the year of the phase transfer, like 2027")
        if cohort == BulkSend.Cohort.SCHOOL and not data.get("cohort_setting"):
            self.add_error("cohort_setting", "Choose the school or setting")
        return data
