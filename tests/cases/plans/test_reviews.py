"""Annual reviews: every date hand-worked from shared/domain/statutory-timescales.md."""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest
import time_machine

from cases.deadlines import case_deadlines
from cases.models import Document, Stage
from cases.plans.drafting import plan_create, plan_section_update
from cases.plans.family_responses import plan_comment_add
from cases.plans.issuing import plan_issue_draft, plan_issue_final
from cases.plans.models import Plan, Review
from cases.plans.prefill import plan_prefill_from_advice
from cases.plans.reviews import (
    phase_transfer_due,
    review_chain,
    review_dates,
    review_decide,
    review_issue_amended_plan,
    review_record_report,
    review_schedule,
    review_set_meeting,
)
from cases.plans.versions import PlanError
from tests.cases.plans.conftest import ADVICE
from tests.factories import CaseFactory, family_for
from tests.letters import letters_made_by_worker

pytestmark = pytest.mark.django_db


# --- the pure chain (rules 8-13 of the timescales table) ---


def test_first_review_within_12_months_of_the_plan():
    # Rule 8, s.44(1): final plan Tue 10 Mar 2026 -> review by 10 Mar 2027.
    dates = review_dates(
        received=date(2025, 9, 1), review_from=date(2026, 3, 10), is_first_review=True
    )
    assert dates == {"annual_review": date(2027, 3, 10)}


def test_next_review_counts_from_the_last_review_decision():
    dates = review_dates(
        received=date(2025, 9, 1), review_from=date(2027, 3, 1), is_first_review=False
    )
    assert dates["annual_review"] == date(2028, 3, 1)


def test_twelve_months_from_29_february_is_28_february():
    # "Within N months": same day-of-month, else the last day of the shorter month.
    dates = review_dates(
        received=date(2023, 9, 1), review_from=date(2024, 2, 29), is_first_review=True
    )
    assert dates["annual_review"] == date(2025, 2, 28)


def test_meeting_dates_invitations_report_and_decision():
    # Rule 9-10: meeting Mon 1 Feb 2027; invitations and advice >= 2 weeks before: Mon 18 Jan;
    # report within 2 weeks: Mon 15 Feb; decision within 4 weeks: Mon 1 Mar 2027.
    dates = review_dates(
        received=date(2025, 9, 1),
        review_from=date(2026, 3, 10),
        is_first_review=True,
        meeting_on=date(2027, 2, 1),
    )
    assert dates["invitations_by"] == date(2027, 1, 18)
    assert dates["advice_circulated_by"] == date(2027, 1, 18)
    assert dates["review_report"] == date(2027, 2, 15)
    assert dates["review_decision"] == date(2027, 3, 1)


def test_amendment_dates():
    # Rule 11: amendments sent Sat 20 Feb 2027; comments: day 1 = 20 Feb, last day (day 15)
    # = Sat 6 Mar; amended plan within 8 weeks = Sat 17 Apr 2027.
    dates = review_dates(
        received=date(2025, 9, 1),
        review_from=date(2026, 3, 10),
        is_first_review=True,
        meeting_on=date(2027, 2, 1),
        amendments_sent_on=date(2027, 2, 20),
    )
    assert dates["amendment_comments"] == date(2027, 3, 6)
    assert dates["amended_plan"] == date(2027, 4, 17)


@pytest.mark.parametrize(
    ("year_group", "on", "infant", "expected"),
    [
        # Rule 12: Year 6 in the academic year 2026/27 moves to secondary in Sep 2027.
        ("Year 6", date(2026, 11, 22), False, date(2027, 2, 15)),
        ("Year 6", date(2027, 1, 10), False, date(2027, 2, 15)),
        # In July the academic year 2025/26 is ending: its transfer date was 15 Feb 2026.
        ("Year 6", date(2026, 7, 1), False, date(2026, 2, 15)),
        # Early years to school (nursery into reception).
        ("Nursery", date(2026, 9, 5), False, date(2027, 2, 15)),
        # Infant to junior only where the child is at an infant school.
        ("Year 2", date(2026, 10, 1), True, date(2027, 2, 15)),
        ("Year 2", date(2026, 10, 1), False, None),
        # Rule 13: secondary to post-16 by 31 March of the year of transfer.
        ("Year 11", date(2026, 10, 1), False, date(2027, 3, 31)),
        ("Year 5", date(2026, 10, 1), False, None),
        ("", date(2026, 10, 1), False, None),
    ],
)
def test_phase_transfer_dates(year_group, on, infant, expected):
    assert phase_transfer_due(year_group, on, infant_school=infant) == expected


# --- the services on a real case ---


def _final_plan(team, caseworker, *, year_group: str = "Year 6") -> Plan:
    # Received 1 Sep 2025, draft 20 Feb 2026, final Tue 10 Mar 2026.
    with time_machine.travel(date(2026, 3, 10)):
        case = CaseFactory(
            team=team,
            caseworker=caseworker,
            stage=Stage.DRAFTING,
            received_on=date(2025, 9, 1),
            issue_decision_on=date(2026, 1, 5),
            needs=["ASD"],
            child__year_group=year_group,
            child__date_of_birth=date(2016, 1, 4),
        )
        plan = plan_create(case=case, actor=caseworker)
        plan_prefill_from_advice(plan=plan, advice=ADVICE, actor=caseworker)
        plan = plan_issue_draft(plan=plan, actor=caseworker, on=date(2026, 2, 20))
        return plan_issue_final(plan=plan, actor=caseworker, named_setting=None)


def test_review_amend_chain_sets_the_case_clock(team, caseworker):
    plan = _final_plan(team, caseworker)
    parent = family_for(plan.case)
    with time_machine.travel(date(2026, 11, 22)):
        review = review_schedule(plan=plan, actor=caseworker)
        assert review.review_from == date(2026, 3, 10)
        assert review.due_on == date(2027, 3, 10)
        # A Year 6 child: the plan must be reviewed and amended by 15 Feb 2027 (reg 18(1)).
        assert review.phase_transfer_due == date(2027, 2, 15)
        assert review.complete_by == date(2027, 2, 15)
        with pytest.raises(PlanError, match="already under way"):
            review_schedule(plan=plan, actor=caseworker)
        review = review_set_meeting(review=review, meeting_on=date(2027, 1, 20), actor=caseworker)
    case = plan.case
    case.refresh_from_db()
    assert case.review_meeting_on == date(2027, 1, 20)
    chain = review_chain(review)
    assert chain["invitations_by"] == date(2027, 1, 6)
    assert chain["review_report"] == date(2027, 2, 3)
    assert chain["review_decision"] == date(2027, 2, 17)

    with time_machine.travel(date(2027, 2, 1)):
        review_record_report(review=review, received_on=date(2027, 2, 1), actor=caseworker)
        # reg 22(2): the proposed amendments go with the decision, so they come first.
        with pytest.raises(PlanError, match="Edit the sections"):
            review_decide(review=review, decision=Review.Decision.AMEND, actor=caseworker)
        proposed = plan_section_update(
            plan=plan, key="I", text="A secondary school with a resourced base", actor=caseworker
        )
        review = review_decide(
            review=review, decision=Review.Decision.AMEND, actor=caseworker, reasons="New SALT"
        )
        assert review.proposed_version == proposed.number
        # The family comments on the proposed amendments within their 15 days.
        comment = plan_comment_add(plan=plan, section="I", body="We agree", author=parent)
        assert comment.version == proposed.number
    with time_machine.travel(date(2027, 2, 16)), pytest.raises(PlanError, match="not open"):
        plan_comment_add(plan=plan, section="I", body="Too late", author=parent)
    case.refresh_from_db()
    assert case.stage == Stage.MAINTAINED
    assert case.last_review_decision_on == date(2027, 2, 1)
    assert case.amendments_sent_on == date(2027, 2, 1)
    chain = review_chain(review)
    assert chain["amendment_comments"] == date(2027, 2, 15)
    assert chain["amended_plan"] == date(2027, 3, 29)
    keys = {d.key: d.due for d in case_deadlines(case, today=date(2027, 2, 1))}
    assert keys["amendment_comments"] == date(2027, 2, 15)
    assert keys["amended_plan"] == date(2027, 3, 29)
    assert keys["annual_review"] == date(2028, 2, 1)

    with time_machine.travel(date(2027, 2, 15)), pytest.raises(PlanError, match="15 February"):
        review_issue_amended_plan(review=review, actor=caseworker)
    with time_machine.travel(date(2027, 2, 16)):
        review = review_issue_amended_plan(review=review, actor=caseworker)
    assert review.amended_issued_on == date(2027, 2, 16)
    assert case.documents.filter(kind=Document.Kind.PLAN, title__startswith="Amended").exists()
    plan.refresh_from_db()
    assert plan.issued_on == date(2027, 2, 16)
    assert plan.final_version == proposed.number

    with time_machine.travel(date(2027, 2, 20)):
        nxt = review_schedule(plan=plan, actor=caseworker)
    assert nxt.review_from == date(2027, 2, 1)
    assert nxt.due_on == date(2028, 2, 1)


def _statuses(case, today):
    case.refresh_from_db()
    return {d.key: d.status for d in case_deadlines(case, today=today)}


def test_review_report_amendment_comments_and_amended_plan_are_marked_met(team, caseworker):
    plan = _final_plan(team, caseworker)
    case = plan.case
    with time_machine.travel(date(2026, 11, 22)):
        review = review_schedule(plan=plan, actor=caseworker)
        review = review_set_meeting(review=review, meeting_on=date(2027, 1, 20), actor=caseworker)
    assert _statuses(case, date(2027, 2, 4))["review_report"] == "missed"
    with time_machine.travel(date(2027, 2, 1)):
        review_record_report(review=review, received_on=date(2027, 2, 1), actor=caseworker)
        plan_section_update(plan=plan, key="J", text="None requested", actor=caseworker)
        review = review_decide(review=review, decision=Review.Decision.AMEND, actor=caseworker)
    case.refresh_from_db()
    assert case.review_report_received_on == date(2027, 2, 1)
    during = _statuses(case, date(2027, 2, 10))
    assert during["review_report"] == "met" and during["review_decision"] == "met"
    assert during["amendment_comments"] == "due soon"
    assert during["amended_plan"] == "upcoming"
    # The family's window closed without more comments: closed, not "missed".
    assert _statuses(case, date(2027, 2, 16))["amendment_comments"] == "met"
    with time_machine.travel(date(2027, 2, 16)):
        review_issue_amended_plan(review=review, actor=caseworker)
    case.refresh_from_db()
    assert case.amended_plan_issued_on == date(2027, 2, 16)
    after = _statuses(case, date(2027, 6, 1))
    assert after["amended_plan"] == "met"
    assert after["amendment_comments"] == "met"
    assert after["review_report"] == "met"
    # The next deadline is the earliest still open (the child's phase transfer may come before
    # the next annual review): the amendment deadlines are met and off it.
    still_open = [d.key for d in case_deadlines(case, today=date(2027, 2, 16)) if d.is_open]
    assert case.next_deadline_key == still_open[0]
    assert "amended_plan" not in still_open and "annual_review" in still_open


def test_a_decision_after_the_meeting_implies_the_report_was_in(team, caseworker):
    # Cases recorded without the report date: the decision (made on the report) meets it.
    plan = _final_plan(team, caseworker)
    with time_machine.travel(date(2026, 11, 22)):
        review = review_schedule(plan=plan, actor=caseworker)
        review = review_set_meeting(review=review, meeting_on=date(2027, 1, 20), actor=caseworker)
    with time_machine.travel(date(2027, 2, 10)):
        review_decide(review=review, decision=Review.Decision.MAINTAIN, actor=caseworker)
    statuses = _statuses(plan.case, date(2027, 3, 1))
    assert statuses["review_report"] == "met late"
    assert statuses["review_decision"] == "met"


def test_invitations_must_go_out_two_weeks_before_the_meeting(team, caseworker):
    plan = _final_plan(team, caseworker, year_group="Year 4")
    with time_machine.travel(date(2027, 1, 10)):
        review = review_schedule(plan=plan, actor=caseworker)
        assert review.phase_transfer_due is None
        with pytest.raises(PlanError, match="6 January 2027"):
            review_set_meeting(review=review, meeting_on=date(2027, 1, 20), actor=caseworker)


def test_ceasing_sends_a_letter_with_the_reasons_and_appeal_rights(team, caseworker):
    plan = _final_plan(team, caseworker, year_group="Year 11")
    with time_machine.travel(date(2027, 5, 3)):
        review = review_schedule(plan=plan, actor=caseworker)
        review_set_meeting(review=review, meeting_on=date(2027, 5, 20), actor=caseworker)
    with time_machine.travel(date(2027, 6, 1)):
        with pytest.raises(PlanError, match="reasons"):
            review_decide(review=review, decision=Review.Decision.CEASE, actor=caseworker)
        review = review_decide(
            review=review,
            decision=Review.Decision.CEASE,
            actor=caseworker,
            reasons="Amara is starting an apprenticeship without further education.",
            cease_reason="4",
        )
        # The worker makes the letter; until then the review has none.
        assert review.letter is None
        assert letters_made_by_worker() == 1
        review.refresh_from_db()
    plan.refresh_from_db()
    case = plan.case
    case.refresh_from_db()
    assert case.stage == Stage.CEASED and not case.is_open
    assert case.cease_reason == "4"  # SEN2 CeaseReason, from the same decision
    assert plan.status == Plan.Status.CEASED and plan.ceased_on == date(2027, 6, 1)
    event = case.events.get(kind="cease")
    assert event.data["source"] == "plans"
    assert event.data["reasons"].startswith("Amara is starting")
    letter = review.letter
    assert letter.kind == Document.Kind.LETTER and letter.family_visible
    letter.file.open("rb")
    reader = pypdf.PdfReader(io.BytesIO(letter.file.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Amara is starting an apprenticeship" in text
    # Appeal: 2 months after Tue 1 Jun 2027 is 1 Aug; the 31 August days are not counted, so
    # the 61st counted day after 1 Jun is Wed 1 Sep 2027 (HESC r.12(3)).
    assert "The last day to appeal is 1 September 2027" in text
    # Mediation adviser: 2 months from Tue 1 Jun 2027 = Sun 1 Aug 2027 (no August rule here).
    assert "Contact the mediation adviser by 1 August 2027" in text
    assert "1 June 2027" in text
