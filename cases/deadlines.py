"""The deadlines of one case: the statutory clock applied to the case's own facts.

Nothing here is typed in by hand. `timeline()` gives the due dates; the case's milestones say
which are met; recorded exceptions mark a deadline excepted without moving it (reg 10(4)).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from cases.statutory import explain, timeline

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
class Deadline:
    key: str
    label: str
    due: date
    owner: str
    explanation: str
    met_on: date | None
    excepted: bool
    today: date

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
        milestone: date | None = getattr(case, field)
        return milestone
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
    if report and case.review_meeting_on and report >= case.review_meeting_on:
        return report
    return _review_decided_on(case)


def _amended_plan_issued_on(case: Case) -> date | None:
    # reg 22(3): the amended plan issued for the amendments most recently sent.
    issued: date | None = getattr(case, "amended_plan_issued_on", None)
    if issued and case.amendments_sent_on and issued >= case.amendments_sent_on:
        return issued
    return None


def _amendment_comments_met_on(case: Case) -> date | None:
    # The family's 15 days (reg 22(2)) are theirs to use whole, and they may comment more
    # than once, so nothing they do closes the window early: it is done when it closes,
    # and issuing the amended plan (allowed only after it closed) shows it done.
    # An amended plan counts only with amendments sent, so the date is there when it does.
    if _amended_plan_issued_on(case) and case.amendments_sent_on:
        return case.amendments_sent_on + timedelta(days=14)
    return None


# Deadlines whose being met is a rule over several milestones.
_MET_BY_RULE: dict[str, Callable[[Case], date | None]] = {
    "advice": _advice_met_on,
    "review_decision": _review_decided_on,
    "review_report": _review_report_met_on,
    "amended_plan": _amended_plan_issued_on,
    "amendment_comments": _amendment_comments_met_on,
}


def _window_closed(key: str, due: date, today: date) -> date | None:
    # The family's amendment comment window is met by closing (see _met_on): never "missed".
    if key == "amendment_comments" and today > due:
        return due
    return None


def case_deadlines(
    case: Case, *, today: date | None = None, excepted_keys: Iterable[str] = ()
) -> list[Deadline]:
    today = today or date.today()
    due_dates = timeline(case.received_on, **case_milestones(case))
    excepted = set(excepted_keys)
    keys = STAGE_KEYS.get(case.stage, ())
    deadlines = [
        Deadline(
            key=key,
            label=LABELS[key],
            due=due_dates[key],
            owner=OWNER.get(key, "council"),
            explanation=explain(key),
            met_on=_met_on(case, key) or _window_closed(key, due_dates[key], today),
            excepted=key in excepted,
            today=today,
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
