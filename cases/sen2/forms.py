"""The SEN2 details page's forms: where the validation report sends a person to put a record
right. The child's questions are the request form's own (families/forms.py), so a UPN is checked
the same way wherever it is typed."""

from __future__ import annotations

from typing import Any

from django import forms

from cases import sen2_codes
from cases.models import Setting
from cases.plans.forms import PlaceFields
from ehcp_portal.forms import GovUKDateField
from families.forms import ChildPupilNumberForm, ChildSexEthnicityForm


def _text(value: str) -> str:
    return (value or "").replace("\x00", "").strip()


class ChildSen2Form(ChildSexEthnicityForm, ChildPupilNumberForm):
    upn_unknown = forms.ChoiceField(
        label="If there is no UPN or ULN, why not?",
        choices=[("", "Select a reason")] + sen2_codes.UPN_UNKNOWN,
        required=False,
        help_text="The DfE's UPN-unknown codes",
    )


class RequestSen2Form(forms.Form):
    request_source = forms.ChoiceField(
        label="Who made the request?",
        choices=sen2_codes.REQUEST_SOURCE,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who made the request"},
    )
    in_youth_accommodation = forms.BooleanField(
        label="The request was made while they were in relevant youth accommodation",
        required=False,
    )
    cease_reason = forms.ChoiceField(
        label="Why did the plan cease?",
        choices=[("", "Select a reason")] + sen2_codes.CEASE_REASON,
        required=False,
    )

    def __init__(self, *args: Any, ceased: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ceased:
            del self.fields["cease_reason"]
        else:
            self.fields["cease_reason"].required = True
            self.fields["cease_reason"].error_messages["required"] = "Select why the plan ceased"


class PlanSen2Form(PlaceFields):
    """What the final plan names (when it names no school) and its personal budget."""

    field_order = ["sen_setting", *PlaceFields.base_fields]

    sen_setting = forms.ChoiceField(
        label="If the plan names no school or setting: what kind of place does it make?",
        choices=[("", "It names a school or setting")] + sen2_codes.SEN_SETTING,
        required=False,
    )
    personal_budget = forms.BooleanField(
        label="A personal budget is part of the plan (section J)", required=False
    )
    budget_organised = forms.BooleanField(
        label="Some of it is held as organised arrangements", required=False
    )
    direct_payments = forms.ChoiceField(
        label="Direct payments",
        choices=[("", "No direct payments")] + sen2_codes.DIRECT_PAYMENTS,
        required=False,
    )

    def __init__(self, *args: Any, names_setting: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names_setting = names_setting

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["sen_setting_other"] = _text(data.get("sen_setting_other", ""))
        if not self.names_setting and not data.get("sen_setting"):
            self.add_error("sen_setting", "Select the kind of place the plan makes")
        if data.get("sen_setting") == "OTH" and not data["sen_setting_other"]:
            self.add_error("sen_setting_other", "Describe the place the plan makes")
        if not data.get("personal_budget") and (
            data.get("budget_organised") or data.get("direct_payments")
        ):
            self.add_error(
                "personal_budget",
                "Tick 'a personal budget is part of the plan' to record how it is held",
            )
        return data


class PlacementSen2Form(PlaceFields):
    """The child's main placement now: a school or setting by its URN or UKPRN, or a kind of
    place when there is none."""

    field_order = [
        "setting_number",
        "sen_setting",
        "sen_setting_other",
        "entry_date",
        "leaving_date",
    ]

    setting_number = forms.CharField(
        label="School or setting's URN or UKPRN",
        help_text="Leave blank when they are not at a school or setting",
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    sen_setting = forms.ChoiceField(
        label="If not at a school or setting: what kind of place?",
        choices=[("", "At a school or setting")] + sen2_codes.SEN_SETTING,
        required=False,
    )
    entry_date = GovUKDateField(
        label="When did they start there?",
        name_in_errors="The start date",
        help_text="For example, 3 9 2026",
    )
    leaving_date = GovUKDateField(
        label="When did they leave? (only if they have left)",
        name_in_errors="The leaving date",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        number = _text(data.get("setting_number", "")).replace(" ", "")
        data["setting"] = None
        data["sen_setting_other"] = _text(data.get("sen_setting_other", ""))
        if number:
            data["setting"] = Setting.objects.filter(urn=number).first()
            if data["setting"] is None:
                self.add_error("setting_number", "No school or setting has that URN or UKPRN")
            elif data.get("sen_setting"):
                self.add_error(
                    "sen_setting", "Give a URN or UKPRN, or a kind of place, but not both"
                )
        elif not data.get("sen_setting"):
            self.add_error(
                "setting_number", "Enter the school's URN or UKPRN, or select a kind of place"
            )
        if data.get("sen_setting") == "OTH" and not data["sen_setting_other"]:
            self.add_error("sen_setting_other", "Describe the place")
        entry, leaving = data.get("entry_date"), data.get("leaving_date")
        if entry and leaving and leaving < entry:
            self.add_error("leaving_date", "The leaving date must be after the start date")
        return data
