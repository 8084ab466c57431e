"""The deadlines of one case: the statutory clock applied to the case's own facts.

Nothing here is typed in by hand. `timeline()` and the other clocks of `cases.statutory` give
the due dates; the case's milestones say which are met; the case's recorded exceptions mark a
deadline excepted without moving it (reg 10(4)).

`case_deadlines(case)` is the ONE reader of a case's clock: the case page, the family tracker,
the API, the caseload's denormalised next deadline, the priority score and the sweep all read
it, so they cannot disagree. It always applies the exceptions recorded on the case
(`case.deadline_exceptions.all()`: no query when the caller prefetched them); only a bulk
caller that reads plain rows (the sweep) passes the excepted keys itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from cases.statutory import (
    amendment_comments_last_day,
    explain,
    phase_transfer_deadline,
    reassessment_final_plan,
    timeline,
    transfer_in_deadlines,
    tribunal_order_deadlines,
)

if TYPE_CHECKING:
    from cases.models import Case

DUE_SOON_DAYS = 10

LABELS: dict[str, str] = {
    "decision_to_assess": "Decision whether to assess",
    "advice": "Advice from professionals",
    "decision_not_to_issue": "Decision whether to issue a plan",
    "final_plan": "Final plan issued",
    "draft_comments": "Family's comments on the draft plan",
    "consultation_response": "Settings' consultation responses",
    "annual_review": "Annual review completed",
    "review_report": "Review meeting report",
    "review_decision": "Review decision",
    "amendment_comments": "Family's comments on amendments",
    "amended_plan": "Amended plan issued",
    "appeal": "Last day to appeal",
    "phase_transfer": "Plan reviewed and amended for the move to a new school",
    "phase_transfer_post16": "Plan reviewed and amended for the move to post-16",
    "reassessment_final_plan": "Final plan after re-assessment",
    "transfer_tell_family": "Family told what we will do with the transferred plan",
    "transfer_review": "Review of the transferred plan",
    "tribunal_cease": "Plan ceased as the tribunal ordered",
    "tribunal_decision": "Decision after the tribunal's order to assess",
    "tribunal_no_plan_decision": "Decision not to issue after the tribunal's order",
    "tribunal_draft_plan": "Draft plan as the tribunal ordered",
    "tribunal_final_plan": "Final plan as the tribunal ordered",
    "tribunal_amended_plan": "Amended plan as the tribunal ordered",
}

# The reasons of reg 10(4), as the family reads them (cases.models.ExceptionReason keys).
FAMILY_REASONS: dict[str, str] = {
    "school_closure": (
        "the school or college was closed for at least 4 weeks when we asked it for advice"
    ),
    "early_years_closure": (
        "the nursery or early years setting was closed for at least 4 weeks when we asked it "
        "for advice"
    ),
    "personal_circumstances": "of exceptional personal circumstances in the family",
    "absence": "you or your child were away from the area for at least 4 weeks",
}

# Which party must act by each deadline: the council's own are what caseworkers are chased on.
OWNER: dict[str, str] = {
    "draft_comments": "family",
    "amendment_comments": "family",
    "consultation_response": "setting",
    "advice": "advisers",
    "review_report": "setting",
    "appeal": "family",
}

# Deadlines that matter at each stage. A deadline from a stage already passed stays on the case
# (met or missed) because `_met_on` reads the milestone that satisfied it.
STAGE_KEYS: dict[str, tuple[str, ...]] = {
    "received": ("decision_to_assess", "final_plan"),
    "deciding_assess": ("decision_to_assess", "final_plan"),
    "assessing": ("decision_to_assess", "advice", "decision_not_to_issue", "final_plan"),
    "deciding_issue": ("decision_to_assess", "advice", "decision_not_to_issue", "final_plan"),
    "drafting": ("decision_to_assess", "decision_not_to_issue", "final_plan"),
    "draft_with_family": (
        "decision_to_assess",
        "decision_not_to_issue",
        "draft_comments",
        "final_plan",
    ),
    "consulting": (
        "decision_to_assess",
        "decision_not_to_issue",
        "draft_comments",
        "consultation_response",
        "final_plan",
    ),
    # The first review happens while the case is still "final issued": its meeting's report
    # and decision dates apply then too (they appear once a meeting is set).
    "final_issued": ("final_plan", "annual_review", "review_report", "review_decision"),
    "maintained": (
        "annual_review",
        "review_report",
        "review_decision",
        "amendment_comments",
        "amended_plan",
    ),
}


_BEFORE_ADVICE_IN = frozenset({"received", "deciding_assess", "assessing"})


@dataclass(frozen=True)
class ExceptionNote:
    """A recorded reg 10(4) exception, as every presenter shows it."""

    reason: str  # a cases.models.ExceptionReason key
    family_told_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None

    @property
    def family_words(self) -> str:
        """Plain words for the family: which reason, and when they were told (CoP 9.43)."""
        because = FAMILY_REASONS.get(self.reason, "of circumstances the law allows for")
        told = (
            f" We told you about this on {self.family_told_on:%-d %B %Y}."
            if (self.family_told_on)
            else ""
        )
        return (
            f"We could not meet this date because {because}. The law allows this "
            f"(SEND Regulations 2014, regulation 10(4)), and we will act as soon as we can.{told}"
        )


@dataclass(frozen=True)
class Deadline:
    key: str
    label: str
    due: date
    owner: str
    explanation: str
    met_on: date | None
    excepted: bool
    today: date
    exceptions: tuple[ExceptionNote, ...] = ()

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days

    @property
    def status(self) -> str:
        if self.met_on is not None:
            return "met" if self.met_on <= self.due else "met late"
        if self.excepted:
            return "excepted"
        if self.today > self.due:
            return "missed"
        if self.days_left <= DUE_SOON_DAYS:
            return "due soon"
        return "upcoming"

    @property
    def is_open(self) -> bool:
        return self.met_on is None


def case_milestones(case: Case) -> dict[str, date]:
    facts = {
        "advice_requested": case.advice_requested_on,
        "draft_issued": case.draft_issued_on,
        "consultation_sent": case.consultation_sent_on,
        "final_issued": case.final_issued_on,
        "last_review_decision": case.last_review_decision_on,
        "review_meeting": case.review_meeting_on,
        "amendments_sent": case.amendments_sent_on,
    }
    return {k: v for k, v in facts.items() if v is not None}


def _met_on(case: Case, key: str) -> date | None:
    """The date the case met deadline `key`, if it has. annual_review is never met here: it is
    always counted from the latest review decision, so the one shown is the next review, and
    the next decision moves it on."""
    field = _MET_BY_MILESTONE.get(key)
    if field is not None:
        met: date | None = getattr(case, field)
        return met
    met_by = _MET_BY_RULE.get(key)
    return met_by(case) if met_by is not None else None


# Deadlines met by one milestone of the case.
_MET_BY_MILESTONE: dict[str, str] = {
    "decision_to_assess": "assessment_decision_on",
    "decision_not_to_issue": "issue_decision_on",
    "final_plan": "final_issued_on",
    "draft_comments": "family_responded_on",
}


def _advice_met_on(case: Case) -> date | None:
    # reg 8(1): the deadline is met when the advice is in, i.e. when the assessment is
    # finished, not when it was requested. Cases recorded before that milestone existed fall
    # back on the decision whether to issue, which cannot be made without the advice.
    return case.advice_completed_on or (
        case.issue_decision_on if case.stage not in _BEFORE_ADVICE_IN else None
    )


def _review_decided_on(case: Case) -> date | None:
    """The review decision made on or after this review's meeting."""
    if (
        case.review_meeting_on
        and case.last_review_decision_on
        and case.last_review_decision_on >= case.review_meeting_on
    ):
        return case.last_review_decision_on
    return None


def _review_report_met_on(case: Case) -> date | None:
    # reg 20(7)-(8): the report of this meeting (received on or after it). The council
    # decides on the report (reg 20(10)), so a decision after the meeting means it was in:
    # cases recorded without the report date are met by the decision.
    report: date | None = getattr(case, "review_report_received_on", None)
    return _on_or_after(report, case.review_meeting_on) or _review_decided_on(case)


def _amended_plan_issued_on(case: Case) -> date | None:
    # reg 22(3): the amended plan issued for the amendments most recently sent.
    issued: date | None = getattr(case, "amended_plan_issued_on", None)
    return _on_or_after(issued, case.amendments_sent_on)


def _amendment_comments_met_on(case: Case) -> date | None:
    # The family's 15 days (reg 22(2)) are theirs to use whole, and they may comment more
    # than once, so nothing they do closes the window early: it is done when it closes,
    # and issuing the amended plan (allowed only after it closed) shows it done.
    sent = case.amendments_sent_on
    if sent is not None and _amended_plan_issued_on(case):
        return amendment_comments_last_day(sent)
    return None


# -- the other clocks a case can run on (reg 18, 27, 15, 44) ---------------------------------


def _on_or_after(value: date | None, start: date | None) -> date | None:
    return value if value is not None and start is not None and value >= start else None


def other_clocks(case: Any) -> dict[str, date]:
    """Due dates of the phase transfer (reg 18), re-assessment (reg 27(2)), a plan transferred
    in (reg 15) and a tribunal order (reg 44(2)), from the facts recorded on the case."""
    due: dict[str, date] = {}
    year = getattr(case, "phase_transfer_year", None)
    if year:
        post16 = bool(getattr(case, "phase_transfer_post16", False))
        due["phase_transfer_post16" if post16 else "phase_transfer"] = phase_transfer_deadline(
            year, post16
        )
    notified = getattr(case, "reassessment_notified_on", None)
    if notified:
        due["reassessment_final_plan"] = reassessment_final_plan(notified)
    transferred = getattr(case, "transferred_in_on", None)
    if transferred:
        for name, on in transfer_in_deadlines(
            transferred=transferred,
            plan_or_last_review=getattr(case, "transfer_plan_dated_on", None),
        ).items():
            due[f"transfer_{name}"] = on
    kind, ordered = (
        getattr(case, "tribunal_order_kind", ""),
        getattr(case, "tribunal_order_on", None),
    )
    if kind and ordered:
        for name, on in tribunal_order_deadlines(kind, ordered).items():
            due[f"tribunal_{name}"] = on
    return due


def _phase_transfer_amended_from(year: int) -> date:
    # reg 18: the plan amended for this transfer, i.e. in the school year before it.
    return date(year - 1, 9, 1)


def _phase_transfer_met_on(case: Any) -> date | None:
    year = getattr(case, "phase_transfer_year", None)
    amended = getattr(case, "phase_transfer_amended_on", None)
    return _on_or_after(amended, _phase_transfer_amended_from(year) if year else None)


def phase_transfer_met_q(year: int) -> Q:
    """The cases transferring in `year` whose phase transfer deadline is met, as a database
    condition (`_phase_transfer_met_on`'s rule, for counting a cohort of thousands)."""
    return Q(
        phase_transfer_year=year, phase_transfer_amended_on__gte=_phase_transfer_amended_from(year)
    )


def _reassessment_met_on(case: Any) -> date | None:
    # reg 27(2): the final (or amended) plan issued after the family was told.
    notified = getattr(case, "reassessment_notified_on", None)
    issued = [
        _on_or_after(getattr(case, name, None), notified)
        for name in ("final_issued_on", "amended_plan_issued_on")
    ]
    return max((d for d in issued if d), default=None)


def _transfer_review_met_on(case: Any) -> date | None:
    return _on_or_after(case.last_review_decision_on, getattr(case, "transferred_in_on", None))


# What meets each step of a tribunal order (reg 44(2)): the milestone recorded after the order,
# or the council recording that it has complied with the order in full.
_TRIBUNAL_STEP_MILESTONE: dict[str, str] = {
    "tribunal_cease": "closed_on",
    "tribunal_decision": "assessment_decision_on",
    "tribunal_no_plan_decision": "issue_decision_on",
    "tribunal_draft_plan": "draft_issued_on",
    "tribunal_final_plan": "final_issued_on",
    "tribunal_amended_plan": "amended_plan_issued_on",
}


def _tribunal_step_met_on(key: str) -> Callable[[Any], date | None]:
    def met_on(case: Any) -> date | None:
        ordered = getattr(case, "tribunal_order_on", None)
        return _on_or_after(
            getattr(case, _TRIBUNAL_STEP_MILESTONE[key], None), ordered
        ) or _on_or_after(getattr(case, "tribunal_order_complied_on", None), ordered)

    return met_on


# Deadlines whose being met is a rule over several milestones.
_MET_BY_RULE: dict[str, Callable[[Case], date | None]] = {
    "advice": _advice_met_on,
    "review_decision": _review_decided_on,
    "review_report": _review_report_met_on,
    "amended_plan": _amended_plan_issued_on,
    "amendment_comments": _amendment_comments_met_on,
    "phase_transfer": _phase_transfer_met_on,
    "phase_transfer_post16": _phase_transfer_met_on,
    "reassessment_final_plan": _reassessment_met_on,
    "transfer_tell_family": lambda case: getattr(case, "transfer_family_told_on", None),
    "transfer_review": _transfer_review_met_on,
    **{key: _tribunal_step_met_on(key) for key in _TRIBUNAL_STEP_MILESTONE},
}


def _window_closed(key: str, due: date, today: date) -> date | None:
    # The family's amendment comment window is met by closing (see _met_on): never "missed".
    if key == "amendment_comments" and today > due:
        return due
    return None


def recorded_exceptions(case: Case) -> dict[str, tuple[ExceptionNote, ...]]:
    """The exceptions recorded on the case, by deadline key (no query when prefetched)."""
    if case.pk is None:  # a case being prepared has none yet
        return {}
    by_key: dict[str, list[ExceptionNote]] = {}
    for exception in case.deadline_exceptions.all():
        by_key.setdefault(exception.deadline_key, []).append(
            ExceptionNote(
                reason=exception.reason,
                family_told_on=exception.family_told_on,
                starts_on=exception.starts_on,
                ends_on=exception.ends_on,
            )
        )
    return {key: tuple(notes) for key, notes in by_key.items()}


# What the clock reads of a case (`case_deadlines` and what it calls): a list reading cases
# for their deadlines reads these columns and no others (the daily sweep reads them as plain
# rows, so a field missing here fails its tests).
CLOCK_FIELDS = (
    "stage",
    "is_open",
    "received_on",
    "waiting_on_others",
    "assessment_decision_on",
    "advice_requested_on",
    "issue_decision_on",
    "draft_issued_on",
    "family_responded_on",
    "consultation_sent_on",
    "final_issued_on",
    "review_meeting_on",
    "last_review_decision_on",
    "amendments_sent_on",
    "advice_completed_on",
    "review_report_received_on",
    "amended_plan_issued_on",
    "closed_on",
    "reassessment_notified_on",
    "transferred_in_on",
    "transfer_plan_dated_on",
    "transfer_family_told_on",
    "tribunal_order_kind",
    "tribunal_order_on",
    "tribunal_order_complied_on",
    "phase_transfer_year",
    "phase_transfer_post16",
    "phase_transfer_amended_on",
)


def case_deadlines(
    case: Case, *, today: date | None = None, excepted_keys: Iterable[str] | None = None
) -> list[Deadline]:
    """The case's deadlines with their status, the case's recorded exceptions applied.

    `excepted_keys` is for bulk readers of plain rows only (the sweep reads the keys with each
    row); everyone else leaves it out and the exceptions come from the case itself.
    """
    today = today or date.today()
    due_dates = timeline(case.received_on, **case_milestones(case))
    extra = other_clocks(case)
    due_dates.update(extra)
    if excepted_keys is None:
        notes = recorded_exceptions(case)
    else:
        notes = {key: (ExceptionNote(reason=""),) for key in excepted_keys}
    keys = (*STAGE_KEYS.get(case.stage, ()), *extra)
    deadlines = [
        Deadline(
            key=key,
            label=LABELS[key],
            due=due_dates[key],
            owner=OWNER.get(key, "council"),
            explanation=explain(key),
            met_on=_met_on(case, key) or _window_closed(key, due_dates[key], today),
            excepted=key in notes,
            today=today,
            exceptions=notes.get(key, ()),
        )
        for key in keys
        if key in due_dates
    ]
    return sorted(deadlines, key=lambda d: d.due)


def next_deadline(case: Case, *, today: date | None = None) -> Deadline | None:
    """The earliest deadline still open on the case (the one a caseworker is chased on)."""
    if not case.is_open:
        return None
    for deadline in case_deadlines(case, today=today):
        if deadline.is_open:
            return deadline
    return None
