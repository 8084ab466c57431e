from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Stage
from cases.plans.drafting import plan_create
from cases.plans.issuing import plan_issue_draft
from cases.plans.prefill import plan_prefill_from_advice
from cases.workflow import TransitionRefused, allowed_actions, case_transition
from tests.cases.plans.conftest import ADVICE
from tests.factories import CaseFactory


def test_agreeing_to_assess_records_the_decision_and_moves_the_deadline(db, caseworker):
    case = CaseFactory(caseworker=caseworker)
    case = case_transition(case=case, action="agree_to_assess", actor=caseworker)
    assert case.stage == Stage.ASSESSING
    assert case.assessment_decision_on == timezone.localdate()
    assert case.next_deadline_key != "decision_to_assess"
    event = case.events.get()
    assert event.kind == "agree_to_assess" and event.actor == caseworker


def test_a_refusal_needs_reasons(db, caseworker):
    case = CaseFactory()
    with pytest.raises(TransitionRefused, match="reasons"):
        case_transition(case=case, action="refuse_to_assess", actor=caseworker, reasons="  ")
    case.refresh_from_db()
    assert case.stage == Stage.DECIDING_ASSESS
    assert not case.events.exists()


def test_final_plan_cannot_be_issued_inside_the_familys_draft_window(db, caseworker):
    today = timezone.localdate()
    case = CaseFactory(
        stage=Stage.DRAFTING,
        received_on=today - timedelta(days=120),
        issue_decision_on=today - timedelta(days=20),
    )
    # The final plan needs a plan the family has had as a draft (the plans app's guard).
    plan = plan_create(case=case, actor=caseworker)
    plan_prefill_from_advice(plan=plan, advice=ADVICE, actor=caseworker)
    plan_issue_draft(plan=plan, actor=caseworker, on=today - timedelta(days=14))
    case.refresh_from_db()
    with pytest.raises(TransitionRefused, match="comment on the draft until"):
        case_transition(case=case, action="issue_final", actor=caseworker)
    assert "issue_final" not in [a.name for a in allowed_actions(case)]
    case_transition(case=case, action="record_family_response", actor=caseworker)
    case = case_transition(case=case, action="issue_final", actor=caseworker)
    assert case.stage == Stage.FINAL_ISSUED


def test_an_action_from_the_wrong_stage_is_refused_with_the_stage_named(db, caseworker):
    case = CaseFactory(stage=Stage.ASSESSING)
    with pytest.raises(TransitionRefused, match="Assessing needs"):
        case_transition(case=case, action="issue_draft", actor=caseworker)
