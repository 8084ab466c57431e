"""Issue 13: "Send the draft plan to the family" is offered, and works, only when a plan passes
the readiness check (cases/plans/readiness.py), on the case page and on the plan pages alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case, Stage
from cases.plans.drafting import plan_create
from cases.plans.models import Plan
from notifications.models import Notification
from tests.cases.plans.conftest import days_ago

pytestmark = pytest.mark.django_db


def _case_page_offers_draft(client, case: Case) -> bool:
    page = client.get(reverse("casework:case_detail", args=[case.reference])).content.decode()
    return 'value="issue_draft"' in page


def _send_from_case_page(client, case: Case):
    today = days_ago(0)
    return client.post(
        reverse("casework:case_action", args=[case.reference]),
        {"action": "issue_draft", "on_0": today.day, "on_1": today.month, "on_2": today.year},
    )


def test_case_page_neither_offers_nor_sends_the_draft_without_a_plan(
    client, drafting_case, caseworker
):
    client.force_login(caseworker)
    assert not _case_page_offers_draft(client, drafting_case)
    response = _send_from_case_page(client, drafting_case)
    assert response.status_code == 200
    drafting_case.refresh_from_db()
    assert drafting_case.draft_issued_on is None  # the family's 15 days did not start
    assert drafting_case.stage == Stage.DRAFTING


def test_case_page_does_not_offer_the_draft_of_an_unfinished_plan(
    client, drafting_case, caseworker
):
    plan_create(case=drafting_case, actor=caseworker)  # needs only: no outcomes or provision
    client.force_login(caseworker)
    assert not _case_page_offers_draft(client, drafting_case)
    _send_from_case_page(client, drafting_case)
    drafting_case.refresh_from_db()
    assert drafting_case.draft_issued_on is None


def test_case_page_sends_a_ready_plan_and_the_plan_and_family_follow(
    client, plan, caseworker, family
):
    case = plan.case
    client.force_login(caseworker)
    assert _case_page_offers_draft(client, case)
    assert _send_from_case_page(client, case).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT_ISSUED
    assert plan.draft_version == plan.versions.order_by("-number").first().number
    assert Notification.objects.filter(recipient=family, purpose="draft_plan").exists()
    # The family can now read it.
    client.force_login(family)
    assert client.get(reverse("plans:family", args=[case.reference])).status_code == 200


def test_plan_pages_offer_the_draft_only_when_ready(client, drafting_case, caseworker):
    plan = plan_create(case=drafting_case, actor=caseworker)
    client.force_login(caseworker)
    summary = client.get(reverse("plans:summary", args=[drafting_case.reference])).content
    assert b"Send the draft to the family" not in summary
    assert b"Section E must have at least one outcome" in summary
    page = client.get(reverse("plans:issue_draft", args=[drafting_case.reference])).content
    assert b"The draft cannot be sent yet" in page and b"Send the draft plan</button>" not in page
    response = client.post(reverse("plans:issue_draft", args=[drafting_case.reference]))
    assert b"Section E must have at least one outcome" in response.content
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFTING


def test_plan_issue_draft_page_without_a_plan_explains(client, drafting_case, caseworker):
    client.force_login(caseworker)
    response = client.post(reverse("plans:issue_draft", args=[drafting_case.reference]))
    assert response.status_code == 200
    assert b"There is no plan yet" in response.content
    drafting_case.refresh_from_db()
    assert drafting_case.draft_issued_on is None


def test_final_plan_not_offered_during_the_familys_fifteen_days(client, plan, caseworker, family):
    from cases.plans.issuing import plan_issue_draft

    plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(2))
    client.force_login(caseworker)
    summary = client.get(reverse("plans:summary", args=[plan.case.reference])).content.decode()
    assert "Issue the final plan</a>" not in summary
    assert "The family can comment on the draft until" in summary
