"""What the family tracker says, derived only from the case's own facts.

Nobody types a status for families: the stage, the milestones and the case's deadlines (the one
reader of the clock, `cases.deadlines.case_deadlines`, with the case's recorded exceptions
applied) give the steps done, the step now, what happens next and the date by which the
council must act. A deadline with a recorded exception (reg 10(4)) is explained in plain words,
never called late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from cases.deadlines import Deadline, case_deadlines
from cases.models import Case, Stage
from cases.statutory import ADVICE_WEEKS, DRAFT_COMMENT_DAYS, timeline

# The family's view of the journey, in order. Several internal stages share a step.
JOURNEY: list[tuple[str, str, frozenset[str]]] = [
    ("received", "Request received", frozenset({Stage.RECEIVED})),
    ("deciding", "Deciding whether to assess", frozenset({Stage.DECIDING_ASSESS})),
    ("assessing", "Assessment of needs", frozenset({Stage.ASSESSING})),
    ("deciding_issue", "Deciding whether to issue a plan", frozenset({Stage.DECIDING_ISSUE})),
    ("drafting", "Writing the draft plan", frozenset({Stage.DRAFTING})),
    (
        "draft",
        "Draft plan with you for comments",
        frozenset({Stage.DRAFT_WITH_FAMILY, Stage.CONSULTING}),
    ),
    ("final", "Final plan issued", frozenset({Stage.FINAL_ISSUED, Stage.MAINTAINED})),
]

# Where a closed case stopped on the journey.
CLOSED_AT: dict[str, str] = {
    Stage.NOT_ASSESSING: "deciding",
    Stage.NOT_ISSUING: "deciding_issue",
}


@dataclass(frozen=True)
class JourneyStep:
    label: str
    status: str  # "done" | "current" | "to do" | "stopped"


@dataclass(frozen=True)
class TrackerSummary:
    steps: list[JourneyStep]
    headline: str
    next_steps: str
    must_act_by: str  # the statutory sentence, or ""
    must_act_on: date | None


def _d(value: date) -> str:
    return f"{value:%-d %B %Y}"


def _current_index(case: Case) -> int:
    for index, (_, _, stages) in enumerate(JOURNEY):
        if case.stage in stages:
            return index
    if case.stage in CLOSED_AT:
        key = CLOSED_AT[case.stage]
        return next(i for i, (k, _, _) in enumerate(JOURNEY) if k == key)
    # Withdrawn or transferred: the furthest step its milestones show.
    if case.final_issued_on:
        return 6
    if case.draft_issued_on:
        return 5
    if case.issue_decision_on:
        return 4
    if case.assessment_decision_on:
        return 2
    return 0


def _journey_steps(case: Case) -> list[JourneyStep]:
    """Each step of the family's journey as done, current, stopped (a closed case) or to do."""
    current = _current_index(case)
    stopped = not case.is_open and case.stage not in (Stage.FINAL_ISSUED, Stage.MAINTAINED)
    steps = []
    for index, (_, label, _) in enumerate(JOURNEY):
        if index < current:
            status = "done"
        elif index == current:
            status = "stopped" if stopped else "current"
        else:
            status = "to do"
        steps.append(JourneyStep(label, status))
    if case.stage == Stage.MAINTAINED:
        steps[-1] = JourneyStep(JOURNEY[-1][1], "done")
    return steps


# The deadline a family's headline date is, at each stage (the first present).
HEADLINE_KEYS: dict[str, tuple[str, ...]] = {
    Stage.RECEIVED: ("decision_to_assess",),
    Stage.DECIDING_ASSESS: ("decision_to_assess",),
    Stage.ASSESSING: ("final_plan",),
    Stage.DECIDING_ISSUE: ("final_plan",),
    Stage.DRAFTING: ("final_plan",),
    Stage.DRAFT_WITH_FAMILY: ("final_plan",),
    Stage.CONSULTING: ("final_plan",),
    Stage.FINAL_ISSUED: ("annual_review",),
    Stage.MAINTAINED: ("annual_review",),
}


def _late_or_excepted(headline: Deadline | None) -> str:
    """What the family reads when the headline date has passed: an exception in plain words,
    or, only when there is none, that we are late."""
    if headline is None or not headline.is_open or headline.days_left >= 0:
        return ""
    if headline.excepted:
        return " " + " ".join(note.family_words for note in headline.exceptions)
    # Families should hear plainly when the council is late, not read a date in the past as
    # if it were still to come (docs/requirements.md R1).
    return (
        " That date has passed and we are late. We are sorry. Your caseworker will tell you "
        "when to expect us to act; you can message them below."
    )


def _other_dates(deadlines: Sequence[Deadline]) -> str:
    """The phase transfer, re-assessment, transfer-in and tribunal dates still open."""
    shown = [
        d
        for d in deadlines
        if d.is_open
        and d.key.startswith(("phase_transfer", "reassessment", "transfer_", "tribunal_"))
    ]
    return " ".join(f"{d.label}: by {_d(d.due)}." for d in shown)


def tracker_summary(case: Case, deadlines: Sequence[Deadline] | None = None) -> TrackerSummary:
    """The family's summary, read from the case's deadlines (read here if not given)."""
    if deadlines is None:
        deadlines = case_deadlines(case, today=timezone.localdate())
    by_key = {d.key: d for d in deadlines}
    # Dates of deadlines this stage does not list (a decision not to issue) still come from the
    # same clock: the statutory rule applied to the same facts.
    due = {**timeline(case.received_on), **{d.key: d.due for d in deadlines}}
    steps = _journey_steps(case)
    stage = case.stage
    must = ""
    must_on: date | None = None
    if stage in (Stage.RECEIVED, Stage.DECIDING_ASSESS):
        must_on = due["decision_to_assess"]
        # reg 4(1), 5(1): decision whether to assess within 6 weeks of the request
        must = f"We must tell you whether we will carry out an assessment by {_d(must_on)}."
        headline = (
            "We have your request and are deciding whether to carry out an EHC needs assessment."
        )
        next_steps = (
            "We may contact you, the school and other professionals for information. A panel "
            "then decides whether to assess, and we write to you with the decision and the "
            "reasons."
        )
    elif stage in (Stage.ASSESSING, Stage.DECIDING_ISSUE):
        must_on = due["final_plan"]
        # reg 10(1): a decision not to issue by 16 weeks; reg 13(2): final plan by 20 weeks
        must = (
            f"If we decide not to issue a plan, we must tell you by "
            f"{_d(due['decision_not_to_issue'])}. If we issue a plan, the final plan must be "
            f"issued by {_d(must_on)}."
        )
        headline = (
            "We are assessing needs."
            if stage == Stage.ASSESSING
            else "The assessment is finished and we are deciding whether to issue a plan."
        )
        next_steps = (
            "Professionals such as an educational psychologist, health and social care give us "
            f"their advice, and we ask for yours. Each adviser has {ADVICE_WEEKS} weeks. "
            "Then we decide "
            "whether to issue an EHC plan."
        )
    elif stage == Stage.DRAFTING:
        must_on = due["final_plan"]
        must = f"The final plan must be issued by {_d(must_on)}."
        headline = "We decided to issue an EHC plan and are writing the draft."
        next_steps = (
            f"We will send you the draft plan. You will then have {DRAFT_COMMENT_DAYS} days to "
            "comment and to tell us which school or college you would like named."
        )
    elif stage in (Stage.DRAFT_WITH_FAMILY, Stage.CONSULTING):
        must_on = due["final_plan"]
        comments = due.get("draft_comments")
        lead = f"You can comment on the draft plan until {_d(comments)}. " if comments else ""
        # reg 13(1): at least 15 days for comments; reg 13(2): final plan by 20 weeks
        must = f"{lead}The final plan must be issued by {_d(must_on)}."
        headline = (
            "The draft plan is with you."
            if stage == Stage.DRAFT_WITH_FAMILY
            else "We are consulting schools or colleges about naming them in the plan."
        )
        next_steps = (
            "After your comments and the schools' answers we finalise the plan and send it to "
            "you with information about your right to appeal."
        )
    elif stage in (Stage.FINAL_ISSUED, Stage.MAINTAINED):
        must_on = due.get("annual_review")
        # s.44(1): review within 12 months of the plan being made, then of each review
        must = f"We must review the plan by {_d(must_on)}." if must_on else ""
        headline = "The final EHC plan has been issued."
        next_steps = (
            "The plan is reviewed at least once a year. If you disagree with the plan you can "
            "ask for mediation or appeal to the tribunal: the letter with the plan explains how."
        )
    elif stage == Stage.WITHDRAWN:
        headline = "This request was withdrawn."
        next_steps = "You can ask for an assessment again at any time."
    elif stage == Stage.NOT_ASSESSING:
        headline = "We decided not to carry out an EHC needs assessment."
        next_steps = (
            "Our letter gives the reasons and explains how to ask for mediation or appeal to "
            "the tribunal, and the dates by which to do so."
        )
    elif stage == Stage.NOT_ISSUING:
        headline = "We decided not to issue an EHC plan."
        next_steps = (
            "Our letter gives the reasons and explains how to ask for mediation or appeal to "
            "the tribunal, and the dates by which to do so."
        )
    else:
        headline = f"{case.get_stage_display()}."
        next_steps = ""
    if must_on is not None and case.is_open:
        headline_deadline = next(
            (by_key[k] for k in HEADLINE_KEYS.get(stage, ()) if k in by_key), None
        )
        must += _late_or_excepted(headline_deadline)
    if case.is_open:
        must = " ".join(part for part in (must, _other_dates(deadlines)) if part)
    return TrackerSummary(
        steps=steps, headline=headline, next_steps=next_steps, must_act_by=must, must_act_on=must_on
    )
