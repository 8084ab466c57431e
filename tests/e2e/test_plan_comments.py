"""A parent reads the draft plan, comments on a section and names a school, in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Stage
from cases.plans.drafting import plan_create
from cases.plans.issuing import plan_issue_draft
from cases.plans.models import PlanComment
from cases.plans.prefill import plan_prefill_from_advice
from ehcp_portal.accounts.models import Role
from tests.e2e.conftest import axe_violations
from tests.factories import CaseFactory, SettingFactory, UserFactory, family_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_parent_comments_on_the_draft_and_names_a_school(live_server, page, sign_in_as, team):
    today = timezone.localdate()
    caseworker = UserFactory(role=Role.CASEWORKER, team=team)
    case = CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.DRAFTING,
        received_on=today - timedelta(days=90),
        issue_decision_on=today - timedelta(days=20),
        needs=["ASD"],
    )
    plan = plan_create(case=case, actor=caseworker)
    plan_prefill_from_advice(
        plan=plan,
        advice=[
            {
                "source": "Educational psychologist",
                "needs": ["Needs help with transitions between activities"],
                "outcomes": ["Moves between lessons calmly with a visual timetable"],
                "provision": ["Visual timetable and a 5-minute warning before each change"],
            }
        ],
        actor=caseworker,
    )
    plan_issue_draft(plan=plan, actor=caseworker, on=today)
    school = SettingFactory(name="Meadow Lane Primary School")
    parent = family_for(case)

    sign_in_as(parent)
    page.goto(f"{live_server.url}/track/{case.reference}/plan/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Draft EHC plan")
    deadline = today + timedelta(days=14)
    assert f"{deadline:%-d %B %Y}" in page.content()
    assert axe_violations(page) == []

    # Saving an empty comment shows the GOV.UK error summary, which axe also checks.
    page.get_by_role("button", name="Save your comment").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Which section is your comment about?").select_option("F")
    page.get_by_label("Your comment", exact=True).fill("Please add speech and language therapy.")
    page.get_by_role("button", name="Save your comment").click()
    assert page.get_by_text("Your comment was saved").is_visible()
    assert PlanComment.objects.get(plan=plan).section == "F"

    page.get_by_role("link", name="Send your response and name a school").click()
    assert axe_violations(page) == []
    page.get_by_label("Which school or setting would you like named in the plan?").select_option(
        label=school.name
    )
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Send your response").click()
    assert page.get_by_text("Your response to the draft plan was sent").is_visible()
    assert axe_violations(page) == []

    plan.refresh_from_db()
    response = plan.responses.get()
    assert response.preferred_setting == school and response.wants_meeting
    case.refresh_from_db()
    assert case.family_responded_on == today


def test_caseworker_and_school_plan_pages_have_no_axe_violations(
    live_server, page, sign_in_as, team
):
    from cases.plans.consultations import consultation_send
    from cases.plans.issuing import plan_issue_final
    from cases.plans.reviews import review_schedule

    today = timezone.localdate()
    caseworker = UserFactory(role=Role.CASEWORKER, team=team)
    case = CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.DRAFTING,
        received_on=today - timedelta(days=120),
        issue_decision_on=today - timedelta(days=40),
        needs=["ASD", "SLCN"],
    )
    plan = plan_create(case=case, actor=caseworker)
    plan_prefill_from_advice(
        plan=plan,
        advice=[{"source": "EP", "needs": ["N"], "outcomes": ["O"], "provision": ["P"]}],
        actor=caseworker,
    )
    plan = plan_issue_draft(plan=plan, actor=caseworker, on=today - timedelta(days=20))
    school = SettingFactory(name="Brook Special School", needs_met=["ASD", "SLCN"])
    senco = UserFactory(role=Role.SCHOOL, setting=school)
    [consultation] = consultation_send(plan=plan, settings=[school], actor=caseworker)

    sign_in_as(senco)
    page.goto(f"{live_server.url}/school/consultations/{consultation.public_id}/")
    page.get_by_role("button", name="Send your answer").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
    page.context.clear_cookies()

    sign_in_as(caseworker)
    ref = case.reference
    for path in ("plan/", "plan/sections/F/", "plan/consult/", "plan/versions/", "plan/diff/"):
        page.goto(f"{live_server.url}/cases/{ref}/{path}")
        assert axe_violations(page) == [], path
    plan = plan_issue_final(plan=plan, actor=caseworker, named_setting=school)
    review = review_schedule(plan=plan, actor=caseworker)
    for path in ("plan/", "plan/preview/", f"plan/reviews/{review.pk}/"):
        page.goto(f"{live_server.url}/cases/{ref}/{path}")
        assert axe_violations(page) == [], path
