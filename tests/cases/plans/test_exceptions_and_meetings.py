"""The 20-week exception on the final plan is the case's own DeadlineException record, and the
caseworker records the meeting the family asked for about the draft."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.casework.services import deadline_exception_record
from cases.models import Stage
from cases.plans.drafting import plan_create
from cases.plans.issuing import plan_issue_draft, plan_issue_final
from cases.plans.prefill import plan_prefill_from_advice
from ehcp_portal.accounts.models import Role
from tests.cases.plans.conftest import ADVICE
from tests.factories import CaseFactory, UserFactory, family_for

pytestmark = pytest.mark.django_db


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture
def late_plan(team, caseworker):
    # Received 160 days ago: the 20 weeks (140 days) have passed.
    case = CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.DRAFTING,
        received_on=days_ago(160),
        issue_decision_on=days_ago(60),
        needs=["ASD"],
    )
    plan = plan_create(case=case, actor=caseworker)
    plan_prefill_from_advice(plan=plan, advice=ADVICE[:1], actor=caseworker)
    return plan_issue_draft(plan=plan, actor=caseworker, on=days_ago(15))


def test_recorded_exception_shows_on_the_plan_and_in_the_timeline(client, late_plan, caseworker):
    case = late_plan.case
    client.force_login(caseworker)
    issue_page = client.get(reverse("plans:issue_final", args=[case.reference]))
    body = issue_page.content.decode()
    assert "No exception is recorded" in body
    assert reverse("casework:deadline_exception_add", args=[case.reference, "final_plan"]) in body
    deadline_exception_record(
        case=case,
        deadline_key="final_plan",
        reason="absence",
        starts_on=days_ago(120),
        ends_on=days_ago(80),
        evidence="The family were abroad",
        family_told_on=days_ago(70),
        actor=caseworker,
    )
    body = client.get(reverse("plans:issue_final", args=[case.reference])).content.decode()
    assert "(d) The child, young person or parent was away from the area" in body

    plan_issue_final(plan=late_plan, actor=caseworker, named_setting=None)
    summary = client.get(reverse("plans:summary", args=[case.reference])).content.decode()
    assert "missed, exception recorded" in summary
    assert "away from the area for at least 4 weeks" in summary
    event = case.events.get(kind="plan_twenty_weeks")
    assert "missed (exception recorded: (d) The child" in event.summary


def test_missed_without_exception_shows_missed(client, late_plan, caseworker):
    plan_issue_final(plan=late_plan, actor=caseworker, named_setting=None)
    client.force_login(caseworker)
    summary = client.get(reverse("plans:summary", args=[late_plan.case.reference]))
    body = summary.content.decode()
    assert 'govuk-tag--red">missed' in body and "exception recorded" not in body


def test_caseworker_records_the_meeting_the_family_asked_for(client, late_plan, caseworker):
    case = late_plan.case
    url = reverse("plans:draft_meeting", args=[case.reference])
    client.force_login(caseworker)
    assert client.get(url).status_code == 200
    invalid = client.post(url, {"met_on_0": "31", "met_on_1": "2", "met_on_2": "2026"})
    assert invalid.status_code == 200
    page = invalid.content.decode()
    assert "There is a problem" in page and "Enter who was at the meeting" in page
    met = days_ago(3)
    ok = client.post(
        url,
        {
            "met_on_0": str(met.day),
            "met_on_1": str(met.month),
            "met_on_2": str(met.year),
            "with_whom": "Both parents and the SENCO",
            "notes": "Agreed to add speech therapy to section F",
        },
    )
    assert ok.status_code == 302
    event = case.events.get(kind="draft_meeting")
    assert event.family_visible
    assert f"{met:%-d %B %Y} with Both parents and the SENCO" in event.summary
    assert event.data["notes"] == "Agreed to add speech therapy to section F"
    summary = client.get(reverse("plans:summary", args=[case.reference])).content.decode()
    assert "Agreed to add speech therapy" in summary


def test_meeting_before_the_draft_was_sent_is_refused(client, late_plan, caseworker):
    url = reverse("plans:draft_meeting", args=[late_plan.case.reference])
    client.force_login(caseworker)
    early = days_ago(30)
    response = client.post(
        url,
        {
            "met_on_0": str(early.day),
            "met_on_1": str(early.month),
            "met_on_2": str(early.year),
            "with_whom": "Mum",
        },
    )
    assert response.status_code == 200
    assert "cannot be before the draft was sent" in response.content.decode()
    assert not late_plan.case.events.filter(kind="draft_meeting").exists()


def test_only_the_caseworker_may_record_a_meeting(client, late_plan):
    url = reverse("plans:draft_meeting", args=[late_plan.case.reference])
    parent = family_for(late_plan.case)
    for user in (
        parent,
        UserFactory(role=Role.ADVICE_GIVER),
        UserFactory(role=Role.SCHOOL),
        UserFactory(role=Role.CASEWORKER),  # another team and area
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_no_meeting_page_before_the_draft_is_sent(client, drafting_case, caseworker):
    plan_create(case=drafting_case, actor=caseworker)
    client.force_login(caseworker)
    url = reverse("plans:draft_meeting", args=[drafting_case.reference])
    assert client.get(url).status_code == 404


def test_a_huge_year_for_the_meeting_is_a_form_error_not_a_server_error(late_plan, caseworker):
    from django.test import Client

    client = Client(raise_request_exception=False)  # a crash shows as a 500
    client.force_login(caseworker)
    response = client.post(
        reverse("plans:draft_meeting", args=[late_plan.case.reference]),
        {
            "met_on_0": "1",
            "met_on_1": "3",
            "met_on_2": "99999999999",
            "with_whom": "Both parents",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Year must include 4 numbers" in body
