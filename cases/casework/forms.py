"""Forms of the caseworker's workbench, rendered as GOV.UK components by `{% field %}`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone

from cases import sen2_codes
from cases.assignment.forms import BasedOnField, CaseworkerChoiceField, caseworker_choices_fit
from cases.casework.models import Dispute
from cases.casework.selectors import ASSIGNEE_MATCHES_SHOWN
from cases.casework.services import DISPUTABLE_EVENT_KINDS
from cases.deadlines import LABELS
from cases.models import EXCEPTABLE_KEYS, Area, CaseEvent, ExceptionReason, Stage, TribunalOrder
from cases.statutory import (
    ANNUAL_REVIEW_MONTHS,
    EXCEPTION_PERIOD_MIN_WEEKS,
    REASSESSMENT_WEEKS,
    TRANSFER_REVIEW_MONTHS,
    TRANSFER_TELL_FAMILY_WEEKS,
    exception_period_long_enough,
)
from cases.workflow import Action
from ehcp_portal.forms import GovUKDateField, ListedModelChoiceField, label_choices_with

if TYPE_CHECKING:
    from collections.abc import Callable

    from ehcp_portal.accounts.models import User


def _no_future(value: date | None, what: str) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(f"{what} must be today or in the past")


def _text(value: str) -> str:
    return value.replace("\x00", "").strip()


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(label="Reference or child's name", required=False, max_length=100)
    stage = forms.ChoiceField(label="Stage", required=False)
    area = ListedModelChoiceField(
        label="Area", queryset=Area.objects.all(), required=False, empty_label="All areas"
    )
    due = forms.MultipleChoiceField(
        label="Deadlines",
        required=False,
        choices=[("week", "Due in the next 7 days"), ("overdue", "Overdue")],
        widget=forms.CheckboxSelectMultiple,
    )
    waiting = forms.BooleanField(label="Waiting on others", required=False)
    caseworker: forms.ModelChoiceField[User] = CaseworkerChoiceField(
        label="Caseworker", queryset=None, required=False, empty_label="Every caseworker"
    )

    def __init__(
        self,
        *args: Any,
        caseworkers: Any = None,
        caseworker_ids: list[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["stage"]).choices = [("", "All stages")] + [
            (s.value, s.label) for s in Stage if s not in _CLOSED_FOR_FILTER
        ]
        # Managers choose among their area's caseworkers; a caseworker's caseload is their own.
        if caseworkers is None:
            del self.fields["caseworker"]
        else:
            caseworker_choices_fit(self.fields["caseworker"], caseworkers, caseworker_ids)

    def clean_q(self) -> str:
        return _text(self.cleaned_data["q"])


# The caseload's own query parameters: the only ones a saved filter keeps.
CASELOAD_QUERY_KEYS = ("q", "stage", "area", "caseworker", "due", "waiting", "sort")


class SavedFilterForm(forms.Form):
    name = forms.CharField(
        label="Name these filters",
        max_length=80,
        help_text="For example, Year 6 transfers due this week",
        error_messages={"required": "Enter a name for the filters"},
    )
    shared = forms.BooleanField(
        label="Share with my team",
        required=False,
        help_text="Your team sees the name and the filters, never more cases than their own",
    )
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def clean_name(self) -> str:
        value = _text(self.cleaned_data["name"])
        if not value:
            raise forms.ValidationError("Enter a name for the filters")
        return value

    def clean_query(self) -> str:
        from django.http import QueryDict

        given = QueryDict(_text(self.cleaned_data["query"]))
        kept = QueryDict(mutable=True)
        for key in CASELOAD_QUERY_KEYS:
            values = [v for v in given.getlist(key) if v][:4]
            if values:
                kept.setlist(key, values)
        if not kept:
            raise forms.ValidationError("Choose some filters or a sort order before saving them")
        return kept.urlencode()


class BulkReassignForm(forms.Form):
    """Cases ticked on the caseload, each as "reference:caseworker it showed" so that every
    reassignment is checked against the page the manager saw (as on the reassign page)."""

    cases = forms.MultipleChoiceField(
        label="Cases",
        error_messages={"required": "Select the cases to reassign"},
    )
    caseworker: forms.ModelChoiceField[User] = CaseworkerChoiceField(
        label="Reassign to",
        queryset=None,
        empty_label="Choose a caseworker",
        error_messages={
            "required": "Choose a caseworker",
            "invalid_choice": "Choose a caseworker from the list",
        },
    )
    reason = forms.CharField(
        label="Why are the cases being reassigned?",
        max_length=1000,
        error_messages={"required": "Give the reason for reassigning the cases"},
    )
    next_query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)

    MAX_CASES = 100

    def __init__(
        self,
        *args: Any,
        caseworkers: Any,
        caseworker_ids: list[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        caseworker_choices_fit(self.fields["caseworker"], caseworkers, caseworker_ids)
        # Any ticked value is accepted here: which cases the manager may reassign is the access
        # policy's answer in the view, never the form's.
        cast(forms.MultipleChoiceField, self.fields["cases"]).valid_value = (  # type: ignore[method-assign]
            lambda value: True
        )

    def clean_cases(self) -> list[tuple[str, str]]:
        picked: list[tuple[str, str]] = []
        for value in self.cleaned_data["cases"]:
            reference, _, based_on = _text(value).partition(":")
            if reference and (reference, based_on) not in picked:
                picked.append((reference[:40], based_on[:20]))
        if not picked:
            raise forms.ValidationError("Select the cases to reassign")
        if len(picked) > self.MAX_CASES:
            raise forms.ValidationError(f"Select at most {self.MAX_CASES} cases at a time")
        return picked

    def clean_reason(self) -> str:
        value = _text(self.cleaned_data["reason"])
        if not value:
            raise forms.ValidationError("Give the reason for reassigning the cases")
        return value


_CLOSED_FOR_FILTER = {
    Stage.NOT_ASSESSING,
    Stage.NOT_ISSUING,
    Stage.CEASED,
    Stage.WITHDRAWN,
    Stage.TRANSFERRED_OUT,
}


class CaseActionForm(forms.Form):
    action = forms.ChoiceField(label="What has happened?", widget=forms.RadioSelect)
    on = GovUKDateField(
        label="Date",
        name_in_errors="The date",
        help_text="The date of the decision or event, for example 27 3 2026",
    )
    reasons = forms.CharField(
        label="Reasons",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Decisions not to assess, not to issue or to cease need reasons: the family "
        "will read them in their letter.",
        max_length=5000,
    )

    # SEN2 CeaseReason: asked with a decision to cease, where it is known.
    cease_reason = forms.ChoiceField(
        label="Why is the plan ceasing? (only when ceasing the plan)",
        choices=[("", "Select a reason")] + sen2_codes.CEASE_REASON,
        required=False,
    )

    def __init__(self, *args: Any, actions: list[Action], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            (a.name, a.label) for a in actions
        ]
        self.fields["action"].error_messages["required"] = "Choose what has happened"
        self.fields["action"].error_messages["invalid_choice"] = (
            "That is not possible at this stage. Choose one of the actions listed"
        )

    def clean_reasons(self) -> str:
        return _text(self.cleaned_data["reasons"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("action") == "cease" and not data.get("cease_reason"):
            self.add_error("cease_reason", "Select why the plan is ceasing")
        return data


class DeadlineExceptionForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why could the time limit not be met?",
        choices=ExceptionReason.choices,
        widget=forms.RadioSelect,
        help_text="The four reasons in regulation 10(4) of the SEND Regulations 2014.",
        error_messages={"required": "Choose the reason for the exception"},
    )
    starts_on = GovUKDateField(
        label="When did it start?",
        name_in_errors="The date it started",
        help_text="The first day of the closure, absence or circumstances",
    )
    ends_on = GovUKDateField(
        label="When did it end?",
        name_in_errors="The date it ended",
        required=False,
        help_text="Needed for a closure or an absence; leave blank if it has not ended",
    )
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="What shows this, for example the school's closure dates or a letter",
        error_messages={"required": "Describe the evidence for the exception"},
    )
    family_told_on = GovUKDateField(
        label="When was the family told?",
        name_in_errors="The date the family was told",
        help_text="The Code of Practice (9.42) says the family must be told about the exception",
    )

    def clean_evidence(self) -> str:
        value = _text(self.cleaned_data["evidence"])
        if not value:
            raise forms.ValidationError("Describe the evidence for the exception")
        return value

    def clean_family_told_on(self) -> date:
        value = self.cleaned_data["family_told_on"]
        _no_future(value, "The date the family was told")
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        starts, ends, reason = data.get("starts_on"), data.get("ends_on"), data.get("reason")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be the same as or after the start date")
        elif reason and reason != ExceptionReason.PERSONAL_CIRCUMSTANCES and starts:
            if ends is None:
                self.add_error("ends_on", "Enter the date the closure or absence ended")
            elif not exception_period_long_enough(starts, ends):
                self.add_error(
                    "ends_on",
                    f"A closure or absence must last at least {EXCEPTION_PERIOD_MIN_WEEKS} "
                    "weeks to be an exception",
                )
        return data


def _decision_label(event: CaseEvent) -> str:
    on = event.data.get("on") if isinstance(event.data, dict) else None
    when = date.fromisoformat(on) if on else timezone.localtime(event.created_at).date()
    return f"{DISPUTABLE_EVENT_KINDS.get(event.kind, event.summary)}, {when:%-d %B %Y}"


class DisputeForm(forms.Form):
    decision_event = ListedModelChoiceField(
        label="Which decision is disputed?",
        queryset=CaseEvent.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the decision the family disputes"},
    )
    mediation_contacted_on = GovUKDateField(
        label="Date the family contacted the mediation adviser",
        name_in_errors="The date the family contacted the mediation adviser",
        required=False,
    )
    mediation_certificate_on = GovUKDateField(
        label="Date of the mediation certificate",
        name_in_errors="The date of the mediation certificate",
        required=False,
        help_text="The last day to appeal is worked out from this date and the decision letter",
    )
    appeal_registered_on = GovUKDateField(
        label="Date the tribunal registered the appeal",
        name_in_errors="The date the tribunal registered the appeal",
        required=False,
    )
    hearing_on = GovUKDateField(
        label="Hearing date", name_in_errors="The hearing date", required=False
    )
    outcome = forms.ChoiceField(
        label="Outcome", choices=Dispute.Outcome.choices, initial=Dispute.Outcome.PENDING
    )
    outcome_on = GovUKDateField(
        label="Date of the outcome", name_in_errors="The date of the outcome", required=False
    )
    notes = forms.CharField(
        label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args: Any, events: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if events is None:
            del self.fields["decision_event"]
        else:
            field = cast(forms.ModelChoiceField, self.fields["decision_event"])
            field.queryset = events
            label_choices_with(field, _decision_label)

    def clean_notes(self) -> str:
        return _text(self.cleaned_data["notes"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name, what in [
            ("mediation_contacted_on", "The date the family contacted the mediation adviser"),
            ("mediation_certificate_on", "The date of the mediation certificate"),
            ("appeal_registered_on", "The date the appeal was registered"),
            ("outcome_on", "The date of the outcome"),
        ]:
            try:
                _no_future(data.get(name), what)
            except forms.ValidationError as error:
                self.add_error(name, error)
        outcome_missing = data.get("outcome", "pending") != "pending" and not data.get("outcome_on")
        if outcome_missing and "outcome_on" not in self.errors:
            self.add_error("outcome_on", "Enter the date of the outcome")
        return data


class CaseTaskForm(forms.Form):
    title = forms.CharField(
        label="What needs doing?",
        max_length=200,
        error_messages={"required": "Enter what needs doing"},
    )
    due_on = GovUKDateField(label="Due by", name_in_errors="The due date", required=False)
    # A short list (no select of every caseworker of the area: thousands at national scale)
    # and, for anyone else, a search by email or name that works without JavaScript.
    assignee = forms.ChoiceField(label="Who will do it?", required=False)
    assignee_other = forms.CharField(
        label="Or someone else in the area",
        help_text="Their email address or full name",
        required=False,
        max_length=254,
    )

    def __init__(
        self,
        *args: Any,
        offered: list[User],
        find: Callable[[str], list[User]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._offered = {str(u.pk): u for u in offered}
        self._find = find
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", "Me")] + [
            (str(u.pk), str(u)) for u in offered
        ]

    def clean_title(self) -> str:
        value = _text(self.cleaned_data["title"])
        if not value:
            raise forms.ValidationError("Enter what needs doing")
        return value

    def clean(self) -> dict[str, Any]:
        """`assignee` becomes the person (None: whoever adds the task)."""
        super().clean()
        data = self.cleaned_data
        other = _text(data.get("assignee_other") or "")
        data["assignee_other"] = other
        if other:
            matches = self._find(other)
            if not matches:
                self.add_error(
                    "assignee_other",
                    f"No caseworker in this area is called or has the email {other}",
                )
            elif len(matches) > 1:
                named = ", ".join(f"{u} ({u.email})" for u in matches[:ASSIGNEE_MATCHES_SHOWN])
                more = " and others" if len(matches) > ASSIGNEE_MATCHES_SHOWN else ""
                self.add_error(
                    "assignee_other",
                    f"More than one caseworker matches {other}: {named}{more}. "
                    "Enter the email address of the one you mean",
                )
            else:
                data["assignee"] = matches[0]
                return data
        data["assignee"] = self._offered.get(data.get("assignee") or "")
        return data


class MessageReplyForm(forms.Form):
    body = forms.CharField(
        label="Reply to the family",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Enter your message"},
    )

    def clean_body(self) -> str:
        value = _text(self.cleaned_data["body"])
        if not value:
            raise forms.ValidationError("Enter your message")
        return value


class ReassignForm(forms.Form):
    based_on = BasedOnField()
    caseworker: forms.ModelChoiceField[User] = CaseworkerChoiceField(
        label="Reassign to",
        queryset=None,
        empty_label="Choose a caseworker",
        error_messages={
            "required": "Choose a caseworker",
            "invalid_choice": "Choose a caseworker from the list",
        },
    )
    reason = forms.CharField(
        label="Why is the case being reassigned?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Give the reason for reassigning the case"},
    )

    def __init__(self, *args: Any, caseworkers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["caseworker"]).queryset = caseworkers

    def clean_reason(self) -> str:
        value = _text(self.cleaned_data["reason"])
        if not value:
            raise forms.ValidationError("Give the reason for reassigning the case")
        return value


EXCEPTION_DEADLINE_LABELS = {k: LABELS[k] for k in EXCEPTABLE_KEYS}


# -- the other statutory clocks, recorded from the case page ----------------------------------


class ClockFactForm(forms.Form):
    """A fact of one of the case's other clocks (reg 15, 18, 27, 44); takes the case."""

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def clean(self) -> dict[str, Any]:
        super().clean()
        for name, value in list(self.cleaned_data.items()):
            if isinstance(value, date):
                _no_future_field(self, name, value)
        return self.cleaned_data


def _no_future_field(form: forms.Form, name: str, value: date) -> None:
    if value > timezone.localdate():
        form.add_error(name, f"{form.fields[name].label} must be today or in the past")


class _DisputeChoiceField(ListedModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        kind = DISPUTABLE_EVENT_KINDS.get(obj.decision_event.kind, "Decision")
        return f"{kind} of {obj.decision_on:%-d %B %Y}"


class TribunalOrderForm(ClockFactForm):
    kind = forms.ChoiceField(
        label="What did the tribunal order?",
        choices=TribunalOrder.choices,
        widget=forms.RadioSelect,
        help_text="Each order has its own time limits (regulation 44(2) of the SEND Regulations).",
        error_messages={"required": "Choose what the tribunal ordered"},
    )
    ordered_on = GovUKDateField(
        label="Date the order was sent to us",
        name_in_errors="The date the order was sent to us",
    )
    dispute = _DisputeChoiceField(
        label="The appeal it decides",
        queryset=Dispute.objects.none(),
        required=False,
        empty_label="Not recorded",
    )

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["dispute"])
        field.queryset = case.disputes.select_related("decision_event")


class TribunalComplyForm(ClockFactForm):
    complied_on = GovUKDateField(
        label="Date we did everything the order asked",
        name_in_errors="The date we complied with the order",
    )


class ReassessmentForm(ClockFactForm):
    notified_on = GovUKDateField(
        label="Date we told the family we will re-assess",
        name_in_errors="The date we told the family",
        help_text=f"The final plan is due {REASSESSMENT_WEEKS} weeks later (regulation 27(2)).",
    )


class TransferInForm(ClockFactForm):
    transferred_on = GovUKDateField(
        label="Date the plan was transferred to us",
        name_in_errors="The date the plan was transferred",
    )
    plan_dated_on = GovUKDateField(
        label="Date of the plan or its last review",
        name_in_errors="The date of the plan or its last review",
        required=False,
        help_text=f"The review is due by the later of {ANNUAL_REVIEW_MONTHS} months from this and "
        f"{TRANSFER_REVIEW_MONTHS} months from the transfer (regulation 15).",
    )
    family_told_on = GovUKDateField(
        label="Date we told the family whether we will re-assess or review",
        name_in_errors="The date we told the family",
        required=False,
        help_text=(
            f"Within {TRANSFER_TELL_FAMILY_WEEKS} weeks of the transfer. Leave blank if not yet."
        ),
    )


class PhaseTransferAmendedForm(ClockFactForm):
    amended_on = GovUKDateField(
        label="Date the amended plan naming the new school was issued",
        name_in_errors="The date the amended plan was issued",
    )
