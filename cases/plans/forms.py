"""Forms of the plan pages: GOV.UK question pages with error summaries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from cases import sen2_codes
from cases.models import Setting
from cases.plans.models import Review
from cases.plans.sections import NEED_SECTIONS, SECTIONS
from ehcp_portal.forms import GovUKDateField, ListedModelChoiceField


def _no_nul(value: str) -> str:
    return (value or "").replace("\x00", "")


class SectionTextForm(forms.Form):
    text = forms.CharField(
        label="Text of the section", widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    # The version the text was edited from: a save over someone else's change is refused.
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    reason = forms.CharField(
        label="Why are you making this change? (optional)",
        help_text="In plain words: the family reads this beside the change.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_text(self) -> str:
        return _no_nul(self.cleaned_data["text"])


class ItemForm(forms.Form):
    """An item of a need, outcome or provision section, linked to what it serves."""

    item_text = forms.CharField(
        label="Item",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the text of the item"},
    )
    need = forms.ChoiceField(label="The need it meets", required=False)
    outcome = forms.ChoiceField(label="The outcome it works towards", required=False)
    item_reason = forms.CharField(
        label="Why are you adding it? (optional)",
        help_text="In plain words: the family reads this beside the change.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, kind: str, sections: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        needs = [
            (i["id"], f"{i['id']}: {i['text'][:80]}")
            for key in NEED_SECTIONS
            for i in sections[key]["items"]
        ]
        outcomes = [(i["id"], f"{i['id']}: {i['text'][:80]}") for i in sections["E"]["items"]]
        cast(forms.ChoiceField, self.fields["need"]).choices = [("", "Choose a need")] + needs
        cast(forms.ChoiceField, self.fields["outcome"]).choices = [
            ("", "Choose an outcome")
        ] + outcomes
        if kind == "need":
            del self.fields["need"], self.fields["outcome"]
        elif kind == "outcome":
            del self.fields["outcome"]

    def clean_item_text(self) -> str:
        return _no_nul(self.cleaned_data["item_text"]).strip()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "need" in self.fields and not data.get("need"):
            self.add_error("need", "Choose the need this item meets")
        if "outcome" in self.fields and not data.get("outcome"):
            self.add_error("outcome", "Choose the outcome this provision works towards")
        return data


class CommentForm(forms.Form):
    section = forms.ChoiceField(
        label="Which section is your comment about?",
        choices=[("", "Choose a section")] + [(s.key, s.title) for s in SECTIONS],
        error_messages={"required": "Choose the section your comment is about"},
    )
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your comment"},
    )

    def clean_body(self) -> str:
        body = _no_nul(self.cleaned_data["body"]).strip()
        if not body:
            raise ValidationError("Enter your comment")
        return body


class FamilyResponseForm(forms.Form):
    preferred_setting = ListedModelChoiceField(
        label="Which school or setting would you like named in the plan?",
        queryset=Setting.objects.order_by("name"),
        required=False,
        empty_label="No preference",
        help_text=(
            "You have the right to ask for a particular school or setting "
            "(section 38 of the Children and Families Act 2014)."
        ),
    )
    preference_reasons = forms.CharField(
        label="Why would you like this school or setting? (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    share_with_setting = forms.BooleanField(
        label="Share the draft plan with the school or setting you asked for",
        required=False,
        help_text=(
            "We will consult the school or setting anyway before naming it. Tick this only if you "
            "want them to read the plan now. You can withdraw this at any time."
        ),
    )
    wants_meeting = forms.ChoiceField(
        label="Would you like a meeting with us about the draft plan?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you would like a meeting"},
    )

    def clean_preference_reasons(self) -> str:
        return _no_nul(self.cleaned_data["preference_reasons"]).strip()


class ConsultForm(forms.Form):
    settings = forms.MultipleChoiceField(
        label="Settings to consult",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one setting to consult"},
    )

    def __init__(self, *args: Any, settings: list[Setting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["settings"]).choices = [
            (str(s.pk), s.name) for s in settings
        ]
        self._by_pk = {str(s.pk): s for s in settings}

    def chosen(self) -> list[Setting]:
        return [self._by_pk[pk] for pk in self.cleaned_data["settings"]]


class ConsultationResponseForm(forms.Form):
    can_meet_needs = forms.ChoiceField(
        label="Can your setting meet the child's needs set out in the draft plan?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if your setting can meet the needs"},
    )
    reasons = forms.CharField(
        label="Your reasons",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Give the reasons for your answer"},
    )
    annual_cost = forms.DecimalField(
        label="Extra cost per year, in pounds (optional)",
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        error_messages={
            "invalid": "Enter the cost as a number, like 4500 or 4500.50",
            "min_value": "The cost cannot be negative",
            "max_digits": "Enter a cost under £100,000,000",
            "max_decimal_places": "Enter the cost in pounds and pence, like 4500.50",
        },
    )

    def clean_reasons(self) -> str:
        reasons = _no_nul(self.cleaned_data["reasons"]).strip()
        if not reasons:
            raise ValidationError("Give the reasons for your answer")
        return reasons


NO_SETTING = "none"


class PlaceFields(forms.Form):
    """What the DfE's SEN2 return records of a place: its kind in words when it is no school,
    a unit or resourced provision, residential, work-based learning. Asked where the place is
    decided (the final plan) and corrected on the SEN2 details page (cases/sen2/forms.py), the
    same fields with the same words everywhere."""

    sen_setting_other = forms.CharField(
        label="Describe the place (when the kind is 'Other')", max_length=100, required=False
    )
    in_sen_unit = forms.BooleanField(label="The place is in an SEN unit", required=False)
    in_resourced_provision = forms.BooleanField(
        label="The place is in resourced provision", required=False
    )
    residential = forms.ChoiceField(
        label="Residential placement",
        choices=[("", "Not residential")] + sen2_codes.RESIDENTIAL,
        required=False,
    )
    work_based_learning = forms.ChoiceField(
        label="Work-based learning",
        choices=[("", "None")] + sen2_codes.WORK_BASED_LEARNING,
        required=False,
    )


class FinalPlanForm(PlaceFields):
    """Section I of the final plan: a consulted setting, or none after a confirm step."""

    field_order = [
        "named_setting",
        "confirm_none",
        "sen_setting",
        *PlaceFields.base_fields,
        "starts_on",
    ]

    named_setting = forms.ChoiceField(
        label="School or setting to name in section I",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the school or setting to name, or choose to name none",
            "invalid_choice": "Choose one of the settings listed",
        },
    )
    confirm_none = forms.BooleanField(
        label="Yes, issue the final plan without naming a school or setting",
        required=False,
    )
    # What the DfE's SEN2 return records of the place named and of section J, asked here
    # because this is where it is decided (never re-keyed at census time).
    sen_setting = forms.ChoiceField(
        label="If no school or setting is named: what kind of place does the plan make?",
        choices=[("", "Select the kind of place")] + sen2_codes.SEN_SETTING,
        required=False,
    )
    starts_on = GovUKDateField(
        label="When does the child or young person start there? (optional)",
        name_in_errors="The start date",
        help_text="Leave blank if they are already there. For example, 3 9 2027",
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

    def __init__(self, *args: Any, options: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._by_pk = {str(o.setting.pk): o.setting for o in options}
        cast(forms.ChoiceField, self.fields["named_setting"]).choices = [
            (str(o.setting.pk), o.label) for o in options
        ] + [(NO_SETTING, "No school or setting named")]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("named_setting") == NO_SETTING and not data.get("confirm_none"):
            # Section I without a setting leaves the child without a named place: say so first.
            self.add_error(
                "confirm_none",
                "The final plan will not name a school or setting. Confirm this, or choose one",
            )
        if data.get("named_setting") == NO_SETTING and not data.get("sen_setting"):
            self.add_error("sen_setting", "Select the kind of place the plan makes instead")
        data["sen_setting_other"] = _no_nul(data.get("sen_setting_other", "")).strip()
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

    def sen2_details(self) -> dict[str, Any]:
        """The SEN2 items of the final plan and its first placement (cases/plans/issuing.py)."""
        keys = (
            "sen_setting",
            "sen_setting_other",
            "in_sen_unit",
            "in_resourced_provision",
            "residential",
            "work_based_learning",
            "personal_budget",
            "budget_organised",
            "direct_payments",
            "starts_on",
        )
        details = {key: self.cleaned_data.get(key) for key in keys}
        if self.chosen_setting() is not None:
            details["sen_setting"] = details["sen_setting_other"] = ""
        return details

    def chosen_setting(self) -> Setting | None:
        return self._by_pk.get(self.cleaned_data["named_setting"])


class DraftMeetingForm(forms.Form):
    """The meeting the family asked for about the draft plan (CoP 9.77)."""

    met_on = GovUKDateField(
        label="Date of the meeting",
        name_in_errors="The date of the meeting",
        help_text="For example, 27 3 2027",
    )
    with_whom = forms.CharField(
        label="Who was at the meeting",
        help_text="For example, both parents and the SENCO",
        max_length=200,
        error_messages={"required": "Enter who was at the meeting"},
    )
    notes = forms.CharField(
        label="What was discussed and agreed",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )

    def clean_met_on(self) -> date:
        met_on = self.cleaned_data["met_on"]
        if met_on > date.today():
            raise ValidationError("The date of the meeting must be today or in the past")
        return met_on

    def clean_with_whom(self) -> str:
        value = _no_nul(self.cleaned_data["with_whom"]).strip()
        if not value:
            raise ValidationError("Enter who was at the meeting")
        return value

    def clean_notes(self) -> str:
        return _no_nul(self.cleaned_data["notes"]).strip()


class ReviewMeetingForm(forms.Form):
    meeting_on = GovUKDateField(
        label="Date of the review meeting",
        name_in_errors="The date of the review meeting",
        help_text="For example, 27 3 2027",
    )


class ReviewReportForm(forms.Form):
    received_on = GovUKDateField(
        label="Date the report was received",
        name_in_errors="The date the report was received",
        help_text="For example, 27 3 2027",
    )


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What did we decide?",
        choices=Review.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to keep, amend or cease the plan"},
    )
    reasons = forms.CharField(
        label="Reasons (the family will read them)",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    cease_reason = forms.ChoiceField(
        label="Why is the plan ceasing? (only when ceasing the plan)",
        choices=[("", "Select a reason")] + sen2_codes.CEASE_REASON,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["reasons"] = _no_nul(data.get("reasons", "")).strip()
        if data.get("decision") == Review.Decision.CEASE:
            if not data["reasons"]:
                self.add_error("reasons", "Give the reasons for ceasing the plan")
            if not data.get("cease_reason"):
                self.add_error("cease_reason", "Select why the plan is ceasing")
        return data


class FamilySectionAForm(forms.Form):
    """Section A in the family's words, before the draft (CoP 9.61)."""

    text = forms.CharField(
        label="About your child, your views and your hopes",
        help_text="This is section A of the plan. Your caseworker sees your changes.",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": "Enter section A"},
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class VersionResponseForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.TypedChoiceField(
        label="Which version?",
        coerce=int,
        error_messages={
            "required": "Choose the version",
            "invalid_choice": "Choose a version you have been sent",
        },
    )
    agrees = forms.TypedChoiceField(
        label="Do you agree with this version of the plan?",
        choices=[("yes", "Yes, I agree with it"), ("no", "No, I disagree with part of it")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you agree with this version"},
    )
    disagreement = forms.CharField(
        label="What do you disagree with?",
        help_text="Say which section and what you would change.",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["version"]).choices = [
            (n, f"Version {n}") for n in numbers
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("agrees") is False and not (data.get("disagreement") or "").strip():
            self.add_error("disagreement", "Say what you disagree with")
        return data
