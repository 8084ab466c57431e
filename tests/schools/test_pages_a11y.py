"""axe-core (WCAG 2.2 AA) on every page of the schools app, in a real browser, as the person
each is for; the review report also with its error summary showing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.plans.models import Review
from cases.schools.models import ProvisionConfirmation, SchoolReview
from cases.schools.services import school_review_contribute
from tests.conftest import axe_violations
from tests.factories import family_for
from tests.schools.conftest import final_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reviewed(team, caseworker, school, senco):
    plan = final_plan(team, caseworker, school)
    today = timezone.localdate()
    case = plan.case
    case.phase_transfer_year = today.year + 1 if today.month >= 9 else today.year
    case.save()
    parent = family_for(case)
    review = Review.objects.create(
        plan=plan,
        review_from=plan.issued_on,
        due_on=plan.issued_on + timedelta(days=365),
        meeting_on=today + timedelta(days=20),
        invitations_sent_on=today,
    )
    school_review = SchoolReview.objects.create(
        review=review, case=case, setting=school, invitees=["family", "caseworker"]
    )
    school_review_contribute(school_review=school_review, user=parent, body="All good.")
    ProvisionConfirmation.objects.create(
        case=case,
        plan=plan,
        item_id="F1",
        item_text="Therapy",
        term="2026-summer",
        party="school",
        status="delivered",
    )
    return plan, parent


def _check(page, live_server, url: str) -> None:
    page.goto(live_server.url + url)
    assert page.locator("h1").count() == 1, url
    assert axe_violations(page) == [], url


def test_the_schools_pages(live_server, page, sign_in_as, reviewed, senco):
    plan, _ = reviewed
    reference = plan.case.reference
    sign_in_as(senco)
    for name, args in [
        ("schools:home", []),
        ("schools:pupil", [reference]),
        ("schools:review", [reference]),
        ("schools:provision", [reference]),
        ("schools:phase_transfers", []),
    ]:
        _check(page, live_server, reverse(name, args=args))
    # The provision form sent with nothing chosen: the error summary and messages.
    page.goto(live_server.url + reverse("schools:provision", args=[reference]))
    page.get_by_role("button", name="Confirm the").click()
    assert page.locator(".govuk-error-summary").count() == 1
    assert axe_violations(page) == []


def test_the_report_page(live_server, page, sign_in_as, reviewed, senco):
    plan, _ = reviewed
    review = Review.objects.get(plan=plan)
    review.meeting_on = timezone.localdate() - timedelta(days=2)
    review.save()
    sign_in_as(senco)
    _check(page, live_server, reverse("schools:report", args=[plan.case.reference]))
    page.get_by_role("button", name="Send the report to the council").click()
    assert page.locator(".govuk-error-summary").count() == 1
    assert axe_violations(page) == []


def test_the_familys_and_the_councils_pages(live_server, page, sign_in_as, reviewed, caseworker):
    plan, parent = reviewed
    reference = plan.case.reference
    sign_in_as(parent)
    for name in ("schools:family", "schools:family_provision", "families:track"):
        _check(page, live_server, reverse(name, args=[reference]))
    sign_in_as(caseworker)
    _check(page, live_server, reverse("schools:staff_review", args=[reference]))
    _check(page, live_server, reverse("schools:phase_transfers"))


def test_the_invited_advice_givers_page_with_and_without_errors(
    live_server, page, sign_in_as, reviewed
):
    from cases.schools.models import ReviewInvitation
    from ehcp_portal.accounts.models import Role
    from tests.factories import UserFactory

    plan, _ = reviewed
    nurse = UserFactory(role=Role.ADVICE_GIVER)
    invitation = ReviewInvitation.objects.create(
        school_review=SchoolReview.objects.get(case=plan.case),
        kind="health",
        recipient=nurse,
        name=nurse.get_full_name(),
        sent_on=timezone.localdate(),
    )
    sign_in_as(nurse)
    url = reverse("schools:invitee_views", args=[invitation.pk])
    _check(page, live_server, url)
    page.get_by_role("button", name="Send your advice").click()
    assert page.locator(".govuk-error-summary").count() == 1
    assert axe_violations(page) == []
