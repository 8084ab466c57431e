"""axe-core on two plan pages: the summary offering advice received since the plan started, and
the page recording the meeting about the draft (with errors)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.advice.services import advice_submit
from cases.models import Stage
from cases.plans.drafting import plan_create
from cases.plans.issuing import plan_issue_draft
from cases.plans.prefill import plan_prefill_from_advice
from ehcp_portal.accounts.models import Role
from tests.cases.plans.conftest import ADVICE
from tests.conftest import axe_violations
from tests.factories import AdviceRequestFactory, CaseFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_plan_summary_and_draft_meeting_pages(live_server, page, sign_in_as, team, caseworker):
    today = timezone.localdate()
    case = CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.DRAFTING,
        received_on=today - timedelta(days=100),
        issue_decision_on=today - timedelta(days=40),
        needs=["ASD"],
    )
    plan = plan_create(case=case, actor=caseworker)
    plan_prefill_from_advice(plan=plan, advice=ADVICE, actor=caseworker)
    plan_issue_draft(plan=plan, actor=caseworker)
    giver = UserFactory(role=Role.ADVICE_GIVER, full_name="Sam Social")
    advice_submit(
        advice_request=AdviceRequestFactory(case=case, source="social_care", addressee=giver),
        actor=giver,
        needs="Personal care",
        outcomes="Dresses alone",
        provision="Short breaks",
    )
    sign_in_as(caseworker)
    page.goto(live_server.url + reverse("plans:summary", args=[case.reference]))
    assert page.get_by_role("button", name="Bring in advice received since").is_visible()
    assert axe_violations(page) == []
    page.goto(live_server.url + reverse("plans:draft_meeting", args=[case.reference]))
    assert axe_violations(page) == []
    page.locator("main form button[type=submit]").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
