"""In a real browser, checked with axe-core (WCAG 2.2 AA): the timeline's pages and their GOV.UK
pagination, the task form's search for a colleague with its errors, the family tracker's older
history, and an annual review whose cease letter the worker is still preparing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import CaseEvent
from cases.plans.models import Review
from cases.plans.reviews import review_decide, review_schedule, review_set_meeting
from ehcp_portal.accounts.models import Role
from tests.cases.plans.test_reviews import _final_plan
from tests.conftest import axe_violations
from tests.factories import CaseFactory, UserFactory, family_for


def _history(case, n: int) -> None:
    start = timezone.now() - timedelta(days=30)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            kind="note",
            summary=f"Event {i:04d}",
            family_visible=True,
            created_at=start + timedelta(minutes=i),
        )
        for i in range(n)
    )


@pytest.mark.e2e
def test_timeline_pages_task_search_and_tracker_history_have_no_axe_violations(
    page, live_server, sign_in_as, team, caseworker
):
    case = CaseFactory(team=team, caseworker=caseworker)
    parent = family_for(case)
    _history(case, 120)
    for i in range(3):
        UserFactory(role=Role.CASEWORKER, team=team, full_name=f"Sam Colleague{i}")

    sign_in_as(caseworker)
    page.goto(f"{live_server.url}/cases/{case.reference}/timeline/")
    assert page.get_by_text("Event 0119").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Older events").click()
    assert page.get_by_text("Event 0069").is_visible()
    assert page.get_by_role("link", name="Newer events").is_visible()
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.get_by_text("Add a task").click()
    page.get_by_label("What needs doing?").fill("Ring the school")
    page.get_by_label("Or someone else in the area").fill("Sam")
    page.get_by_role("button", name="Add task").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.get_by_label("Or someone else in the area").input_value() == "Sam"
    assert axe_violations(page) == []

    sign_in_as(parent)
    page.goto(f"{live_server.url}/track/{case.reference}/")
    page.get_by_role("link", name="Older events").click()
    assert page.get_by_text("Event 0020").is_visible()
    assert axe_violations(page) == []


@pytest.mark.e2e
def test_a_review_whose_letter_is_being_prepared_has_no_axe_violations(
    page, live_server, sign_in_as, team, caseworker
):
    plan = _final_plan(team, caseworker, year_group="Year 11")
    family_for(plan.case)
    today = timezone.localdate()
    review = review_schedule(plan=plan, actor=caseworker)
    review_set_meeting(
        review=review,
        meeting_on=today - timedelta(days=3),
        invitations_sent_on=today - timedelta(days=30),
        actor=caseworker,
    )
    review_decide(
        review=review,
        decision=Review.Decision.CEASE,
        actor=caseworker,
        reasons="Amara is starting an apprenticeship.",
        cease_reason="4",
    )
    sign_in_as(caseworker)
    page.goto(f"{live_server.url}/cases/{plan.case.reference}/plan/reviews/{review.pk}/")
    assert page.get_by_text("The letter is being prepared").is_visible()
    assert axe_violations(page) == []
