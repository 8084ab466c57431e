"""Forms of the quality pages: each a short GOV.UK question page that keeps what was typed."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.quality.models import CallType, Complaint, Contact, Criterion, Grade
from cases.quality.surveys import SCALE
from ehcp_portal.forms import GovUKDateField, ListedModelChoiceField

GRADE_CHOICES = Grade.choices
TEXT = 5000


class AuditForm(forms.Form):
    """One grade and comment per criterion of the framework, then the overall grade."""

    grade = forms.ChoiceField(
        label="Overall grade",
        choices=GRADE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an overall grade"},
    )
    comments = forms.CharField(
        label="Comments on the plan", required=False, max_length=TEXT, widget=forms.Textarea
    )
    action_for_caseworker = forms.CharField(
        label="Actions for the caseworker",
        help_text="What the caseworker should change or do next. They are sent these.",
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"c{c.pk}"] = forms.ChoiceField(
                label=c.text,
                choices=GRADE_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose a grade for: {c.text}"},
            )
            self.fields[f"c{c.pk}_comment"] = forms.CharField(
                label=f"Comment on: {c.text}",
                required=False,
                max_length=TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def criterion_fields(self) -> list[tuple[Criterion, Any, Any]]:
        return [(c, self[f"c{c.pk}"], self[f"c{c.pk}_comment"]) for c in self.criteria]


class ModerationForm(forms.Form):
    moderated_grade = forms.ChoiceField(
        label="Moderated grade",
        choices=GRADE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the moderated grade"},
    )
    moderation_comments = forms.CharField(
        label="Moderation comments", required=False, max_length=TEXT, widget=forms.Textarea
    )


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=Complaint.Kind.choices,
        widget=forms.RadioSelect,
        initial=Complaint.Kind.COMPLAINT,
        error_messages={"required": "Choose whether it is a complaint or an Ombudsman enquiry"},
    )
    received_on = GovUKDateField(label="Date received", help_text="For example, 27 3 2026")
    summary = forms.CharField(
        label="What the complaint is about",
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what the complaint is about"},
    )


class EscalateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    started_on = GovUKDateField(label="Date the next stage started")


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    closed_on = GovUKDateField(label="Date of the response")
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Complaint.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    outcome_summary = forms.CharField(
        label="What we found", required=False, max_length=TEXT, widget=forms.Textarea
    )
    remedy = forms.CharField(
        label="Remedy",
        help_text="What the council will do to put things right, if anything.",
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ContactForm(forms.Form):
    """One short form: a call is logged in a few clicks."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    call_type = ListedModelChoiceField(
        label="Type of contact",
        queryset=CallType.objects.none(),
        empty_label="Choose a type",
        error_messages={
            "required": "Choose the type of contact",
            "invalid_choice": "Choose the type of contact",
        },
    )
    channel = forms.ChoiceField(
        label="How",
        choices=Contact.Channel.choices,
        initial=Contact.Channel.PHONE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the contact was made"},
    )
    contact_with = forms.ChoiceField(
        label="With",
        choices=Contact.With.choices,
        initial=Contact.With.FAMILY,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the contact was with"},
    )
    inbound = forms.TypedChoiceField(
        label="Who made contact?",
        choices=[("yes", "They contacted us"), ("no", "We contacted them")],
        coerce=lambda v: v == "yes",
        initial="yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who made contact"},
    )
    happened_on = GovUKDateField(label="Date")
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from cases.quality.selectors import call_types_active

        self.fields["call_type"].queryset = call_types_active()  # type: ignore[attr-defined]


def _scale(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCALE,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )


class SurveyForm(forms.Form):
    satisfaction = _scale("Overall, how good was our service?")
    listened_to = _scale("How well did we listen to you?")
    clear = _scale("How clear was what we told you?")
    comment = forms.CharField(
        label="Anything else you want to tell us? (optional)",
        help_text="Do not include names or details that could identify you or your child.",
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answered = [data.get(k) for k in ("satisfaction", "listened_to", "clear")]
        if all(a is None for a in answered) and not (data.get("comment") or "").strip():
            raise forms.ValidationError(
                "Answer at least one question, or leave this page if you do not want to."
            )
        return data
