"""The deadlines of a case: the advice deadline is met when the advice is in, not when asked."""

from __future__ import annotations

from datetime import date

from cases.deadlines import case_deadlines, next_deadline
from cases.models import Case, Stage
from cases.workflow import case_transition
from tests.factories import CaseFactory

TODAY = date(2026, 5, 1)


def _case(**facts) -> Case:
    base = {
        "reference": "EHC-2026-000001",
        "received_on": date(2026, 1, 5),
        "stage": Stage.ASSESSING,
        "assessment_decision_on": date(2026, 2, 9),
        "advice_requested_on": date(2026, 2, 10),
    }
    return Case(**{**base, **facts})


def _advice(case: Case):
    return next(d for d in case_deadlines(case, today=TODAY) if d.key == "advice")


def test_advice_is_not_met_merely_because_it_was_requested():
    # Not waiting on anyone does not mean the advice is in: due 24 Mar, still open on 1 May.
    advice = _advice(_case(waiting_on_others=False))
    assert advice.due == date(2026, 3, 24)
    assert advice.met_on is None and advice.status == "missed"


def test_advice_is_met_on_the_day_the_assessment_finished():
    advice = _advice(_case(stage=Stage.DECIDING_ISSUE, advice_completed_on=date(2026, 3, 20)))
    assert advice.met_on == date(2026, 3, 20) and advice.status == "met"
    late = _advice(_case(stage=Stage.DECIDING_ISSUE, advice_completed_on=date(2026, 3, 30)))
    assert late.status == "met late"


def test_older_cases_without_the_milestone_count_the_issue_decision():
    case = _case(
        stage=Stage.DRAFTING, issue_decision_on=date(2026, 4, 20), advice_completed_on=None
    )
    deadlines = case_deadlines(case, today=TODAY)
    assert "advice" not in [d.key for d in deadlines]  # not shown once drafting
    case.stage = Stage.DECIDING_ISSUE
    assert _advice(case).met_on == date(2026, 4, 20)


def test_an_excepted_deadline_keeps_its_date():
    case = _case()
    excepted = {d.key: d for d in case_deadlines(case, today=TODAY, excepted_keys={"final_plan"})}
    plain = {d.key: d for d in case_deadlines(case, today=TODAY)}
    assert excepted["final_plan"].status == "excepted"
    assert excepted["final_plan"].due == plain["final_plan"].due == date(2026, 5, 25)


def test_finishing_the_assessment_records_when_the_advice_was_in(db, caseworker):
    case = CaseFactory(assessing=True, caseworker=caseworker)
    case = case_transition(case=case, action="finish_assessment", actor=caseworker)
    assert case.advice_completed_on is not None
    assert next_deadline(case).key != "advice"
