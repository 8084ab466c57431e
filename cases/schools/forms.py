"""Forms of the schools app. Provision and report forms are built from the plan's own items
(section E outcomes, section F provision), so every item gets its own labelled question."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from cases.schools.models import Delivery, Invitee
from ehcp_portal.forms import GovUKDateField

TEXT_LIMIT = 5000


class ArrangeForm(forms.Form):
    meeting_on = GovUKDateField(
        label="Date of the review meeting",
        name_in_errors="The date of the review meeting",
        help_text="At least 2 weeks from today: the invitations go out now. For example, 27 3 2027",
    )
    invitees = forms.MultipleChoiceField(
        label="Who do you want to invite?",
        choices=Invitee.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who to invite to the review meeting"},
        help_text="The portal sends each of them an invitation. Anyone it cannot reach is "
        "listed for you to invite by letter.",
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_meeting_on(self) -> date:
        meeting_on: date = self.cleaned_data["meeting_on"]
        if meeting_on < self.today:
            raise forms.ValidationError("The date of the review meeting must be in the future")
        return meeting_on


class ViewsForm(forms.Form):
    body = forms.CharField(
        label="Your views for the annual review",
        help_text="What has gone well this year, what has been hard, and what you would like "
        "to change. Everyone invited to the meeting will read this.",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_LIMIT,
        error_messages={"required": "Enter your views"},
    )


def _delivery_field(label: str, required: bool) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": f"Say whether this was delivered: {label}"[:200]},
    )


class ProvisionForm(forms.Form):
    """Each provision item of section F for one term: delivered, partly, not delivered."""

    def __init__(
        self,
        *args: Any,
        items: list[dict[str, Any]],
        versions: dict[str, int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            key = item["id"]
            self.fields[f"status_{key}"] = _delivery_field(f"{key}: {item.get('text', '')}", True)
            self.fields[f"note_{key}"] = forms.CharField(
                label=f"Note about {key} (optional)",
                required=False,
                max_length=TEXT_LIMIT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"version_{key}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=versions.get(key, 0), min_value=0
            )

    def rows(self) -> list[tuple[dict[str, Any], Any, Any, Any]]:
        return [
            (
                item,
                self[f"status_{item['id']}"],
                self[f"note_{item['id']}"],
                self[f"version_{item['id']}"],
            )
            for item in self.items
        ]

    def answers(self) -> dict[str, tuple[str, str]]:
        return {
            item["id"]: (
                self.cleaned_data[f"status_{item['id']}"],
                self.cleaned_data[f"note_{item['id']}"].strip(),
            )
            for item in self.items
        }

    def versions(self) -> dict[str, int]:
        return {item["id"]: self.cleaned_data[f"version_{item['id']}"] for item in self.items}


class ReportForm(forms.Form):
    """The review report (reg 20(7)): progress on each outcome, whether each provision was
    delivered, recommended changes. Saved as often as wanted; every answer is needed to send."""

    recommended_changes = forms.CharField(
        label="Changes the school recommends to the plan",
        help_text="Leave blank if you recommend keeping the plan as it is.",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self,
        *args: Any,
        outcomes: list[dict[str, Any]],
        items: list[dict[str, Any]],
        sending: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.outcomes, self.items = outcomes, items
        for outcome in outcomes:
            self.fields[f"outcome_{outcome['id']}"] = forms.CharField(
                label=f"Progress towards {outcome['id']}: {outcome.get('text', '')}",
                required=sending,
                max_length=TEXT_LIMIT,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": f"Describe the progress towards {outcome['id']}"},
            )
        for item in items:
            key = item["id"]
            self.fields[f"status_{key}"] = _delivery_field(
                f"{key}: {item.get('text', '')}", sending
            )
            self.fields[f"note_{key}"] = forms.CharField(
                label=f"Note about {key} (optional)",
                required=False,
                max_length=TEXT_LIMIT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def outcome_fields(self) -> list[Any]:
        return [self[f"outcome_{o['id']}"] for o in self.outcomes]

    def provision_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"status_{i['id']}"], self[f"note_{i['id']}"]) for i in self.items]

    def outcomes_answer(self) -> dict[str, str]:
        return {o["id"]: self.cleaned_data[f"outcome_{o['id']}"].strip() for o in self.outcomes}

    def provision_answer(self) -> dict[str, dict[str, str]]:
        return {
            i["id"]: {
                "status": self.cleaned_data[f"status_{i['id']}"] or "",
                "note": self.cleaned_data[f"note_{i['id']}"].strip(),
            }
            for i in self.items
        }


class EarlyReviewForm(forms.Form):
    """The caseworker's bulk invitation to start phase transfer reviews early."""

    cases = forms.MultipleChoiceField(
        label="Children whose schools to ask",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one child"},
    )

    def __init__(self, *args: Any, references: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = references  # type: ignore[attr-defined]
