"""The quality pages in a real browser, checked with axe-core (WCAG 2.2 AA), with their error
states, under the strict Content-Security-Policy (the `page` fixture fails on any refusal)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Stage
from cases.plans.drafting import plan_create
from cases.plans.models import Plan
from cases.quality.models import Complaint, SurveyInvitation
from cases.quality.services import complaint_record
from tests.conftest import axe_violations
from tests.factories import CaseFactory, family_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _check(page, live_server, url: str, submit: str | None = None) -> None:
    page.goto(live_server.url + url)
    if submit:
        page.get_by_role("button", name=submit).click()
        page.wait_for_load_state()
    assert axe_violations(page) == [], url


def test_qa_officer_pages(live_server, page, sign_in_as, audit, qa):
    sign_in_as(qa)
    _check(page, live_server, reverse("quality:home"))
    _check(page, live_server, reverse("quality:audit", args=[audit.public_id]), "Save the audit")


def test_caseworker_and_manager_pages(live_server, page, sign_in_as, case, caseworker, manager):
    complaint = complaint_record(
        case=case,
        kind=Complaint.Kind.COMPLAINT,
        received_on=case.received_on,
        summary="Slow",
        actor=caseworker,
    )
    sign_in_as(caseworker)
    _check(
        page, live_server, reverse("quality:contact_new", args=[case.reference]), "Log the contact"
    )
    _check(
        page,
        live_server,
        reverse("quality:complaint_new", args=[case.reference]),
        "Record the complaint",
    )
    _check(
        page,
        live_server,
        reverse("quality:complaint", args=[complaint.public_id]),
        "Record the outcome and close",
    )
    _check(page, live_server, reverse("quality:complaints"))
    sign_in_as(manager)
    _check(page, live_server, reverse("quality:survey_comments"))


def test_family_pages(live_server, page, sign_in_as, team, caseworker):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DRAFTING)
    parent = family_for(case)
    plan = plan_create(case=case, actor=caseworker)
    invitation = SurveyInvitation.objects.create(
        case=case, respondent=parent, respondent_kind="family", decision_point="plan_issued"
    )
    sign_in_as(parent)
    _check(page, live_server, reverse("quality:survey", args=[invitation.token]))
    _check(page, live_server, reverse("quality:family_complaints", args=[case.reference]))
    _check(page, live_server, reverse("plans:family_section_a", args=[case.reference]))
    plan.status = Plan.Status.DRAFT_ISSUED
    plan.draft_version = 1
    plan.save()
    _check(
        page,
        live_server,
        reverse("plans:family_versions", args=[case.reference]),
        "Send your answer",
    )
