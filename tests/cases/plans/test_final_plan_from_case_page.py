"""Only actions that can succeed are offered: the case page offers "Issue the final plan" only
when the plan's own final-plan page would issue it, and then links to that page (which stores
the plan document and the setting it names) instead of finalising the case by itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Stage
from cases.plans.consultations import consultation_send
from cases.plans.family_responses import plan_family_respond
from cases.plans.issuing import plan_issue_draft
from cases.plans.models import Plan
from tests.cases.plans.conftest import days_ago
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _case_page(client, case) -> str:
    return client.get(reverse("casework:case_detail", args=[case.reference])).content.decode()


def _post_issue_final(client, case):
    today = timezone.localdate()
    return client.post(
        reverse("casework:case_action", args=[case.reference]),
        {"action": "issue_final", "on_0": today.day, "on_1": today.month, "on_2": today.year},
    )


def test_without_a_plan_the_final_plan_is_neither_offered_nor_allowed(client, team, caseworker):
    # The family responded to a draft recorded from the case page, but there is no plan.
    case = CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.DRAFT_WITH_FAMILY,
        received_on=days_ago(120),
        issue_decision_on=days_ago(40),
        draft_issued_on=days_ago(30),
        family_responded_on=days_ago(20),
    )
    client.force_login(caseworker)
    page = _case_page(client, case)
    assert 'value="issue_final"' not in page
    assert reverse("plans:issue_final", args=[case.reference]) not in page
    response = _post_issue_final(client, case)
    assert "That is not possible at this stage" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.DRAFT_WITH_FAMILY and case.final_issued_on is None


def test_inside_the_familys_window_it_is_not_offered(client, plan, caseworker):
    plan_issue_draft(plan=plan, actor=caseworker, on=timezone.localdate() - timedelta(days=3))
    client.force_login(caseworker)
    page = _case_page(client, plan.case)
    assert "Issue the final plan" not in page
    assert reverse("plans:issue_final", args=[plan.case.reference]) not in page


def test_when_the_plan_is_ready_the_case_page_links_to_the_plans_final_page(
    client, plan, caseworker, family, setting
):
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(20))
    plan_family_respond(plan=plan, actor=family, preferred_setting=setting)
    consultation_send(plan=plan, settings=[setting], actor=caseworker, on=days_ago(19))
    case = plan.case
    client.force_login(caseworker)
    page = _case_page(client, case)
    final_page = reverse("plans:issue_final", args=[case.reference])
    assert f'href="{final_page}">Issue the final plan</a>' in page
    # It is not recorded from the case page, which would finalise with no document and no
    # decision on the setting named.
    assert 'value="issue_final"' not in page
    assert "That is not possible at this stage" in _post_issue_final(client, case).content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.CONSULTING and case.final_issued_on is None
    # The plan's page issues it, with its document and the setting named.
    assert client.post(final_page, {"named_setting": setting.pk}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.FINAL and plan.named_setting == setting
    assert plan.final_document is not None
