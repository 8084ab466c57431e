"""The school's home page and the phase transfer lists: what each shows, a fixed number of
queries however many pupils, and the caseworker's bulk invitation to start reviews early
(each school asked once per child and year)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from cases.plans.models import Review
from cases.schools.models import SchoolAlert
from families.models import Consent
from notifications.models import Notification
from tests.factories import CaseFactory, family_for
from tests.schools.conftest import final_plan

pytestmark = pytest.mark.django_db


def _consented(team, caseworker, school, n):
    for _ in range(n):
        case = CaseFactory(team=team, caseworker=caseworker, child__setting=school)
        Consent.objects.create(
            child=case.child, party="setting", setting=school, given_by=family_for(case)
        )


@pytest.mark.parametrize("extra", [1, 6])
def test_the_home_page_runs_a_fixed_number_of_queries(
    client, plan, senco, team, caseworker, school, django_assert_num_queries, extra
):
    _consented(team, caseworker, school, extra)
    with time_machine.travel(date(2026, 12, 1)):
        client.force_login(senco)
        client.get(reverse("schools:home"))  # warm the session
        # session, user, setting; the pupils, their open reviews (with the school's part), open
        # consultations, open advice requests, this term's confirmations; drafts not sent,
        # requests sent, advice asked of the school; the header's unread count.
        with django_assert_num_queries(12):
            body = client.get(reverse("schools:home")).content.decode()
    assert escape(plan.case.child.full_name) in body
    assert "Confirm the provision delivered this autumn term" in body


@pytest.mark.parametrize("n", [1, 4])
def test_the_home_page_lists_the_schools_requests_in_a_fixed_number_of_queries(
    client, senco, school, team, caseworker, django_assert_num_queries, n
):
    from families.models import RequestDraft

    def named(first: str, last: str) -> dict:
        return {"child-name": {"data": {"first_name": [first], "last_name": [last]}}}

    for i in range(n):
        RequestDraft.objects.create(
            route="school", created_by=senco, setting=school, answers=named("Unsent", f"Pupil{i}")
        )
        sent = CaseFactory(team=team, caseworker=caseworker)
        RequestDraft.objects.create(
            route="school",
            created_by=senco,
            setting=school,
            child=sent.child,
            case=sent,
            submitted_at=sent.created_at,
            answers=named("Sent", f"Pupil{i}"),
        )
    client.force_login(senco)
    client.get(reverse("schools:home"))  # warm the session
    # session, user, setting; the pupils (none here, so nothing is prefetched for them);
    # drafts not sent, requests sent, advice asked of the school; the header's unread count.
    with django_assert_num_queries(8):
        body = client.get(reverse("schools:home")).content.decode()
    for i in range(n):
        assert f"Unsent Pupil{i}" in body and f"Sent Pupil{i}" in body
    sent_refs = RequestDraft.objects.exclude(case=None).values_list("case__reference", flat=True)
    assert all(reference in body for reference in sent_refs)


def test_the_home_page_says_what_to_do_next(client, plan, senco):
    with time_machine.travel(date(2026, 12, 1)):
        Review.objects.create(plan=plan, review_from=date(2026, 3, 10), due_on=date(2027, 3, 10))
        client.force_login(senco)
        body = client.get(reverse("schools:home")).content.decode()
    assert "Arrange the annual review meeting and send the invitations" in body
    assert "by 27 January 2027" in body


def test_the_phase_transfer_lists_and_the_bulk_invitation(
    client, plan, senco, caseworker, other_senco, django_assert_num_queries
):
    case = plan.case
    case.phase_transfer_year = 2027
    case.save()
    with time_machine.travel(date(2026, 11, 2)):
        client.force_login(senco)
        page = client.get(reverse("schools:phase_transfers")).content.decode()
        assert escape(case.child.full_name) in page and "15 February 2027" in page
        assert "Review not started" in page
        client.force_login(other_senco)
        assert (
            case.child.full_name
            not in client.get(reverse("schools:phase_transfers")).content.decode()
        )

        client.force_login(caseworker)
        url = reverse("schools:phase_transfers")
        client.get(url)
        # session, user, the cohort's count, a page of its cases (with child, school, plan),
        # their reviews (with the school's part); the header's unread count.
        with django_assert_num_queries(7):
            page = client.get(url).content.decode()
        assert case.reference in page
        response = client.post(url, {"cases": [case.reference]})
        assert response.status_code == 302
        client.post(url, {"cases": [case.reference]})  # again: nobody is asked twice
        page = client.get(url).content.decode()
        assert "Due by 15 February 2027; meeting not arranged" in page
        # Bad input: nothing chosen, or a case not on the list.
        for bad in ({}, {"cases": ["EHC-0000-999999"]}):
            response = client.post(url, bad)
            assert response.status_code == 200
            assert "govuk-error-summary" in response.content.decode()
    assert SchoolAlert.objects.filter(kind="early_review").count() == 1
    assert Notification.objects.filter(recipient=senco, purpose="school_early_review").count() == 2
    assert not Notification.objects.filter(recipient=other_senco).exists()


def test_a_caseworker_sees_only_their_area(client, team, caseworker, school, user_of_role):
    plan = final_plan(team, caseworker, school)
    plan.case.phase_transfer_year = 2027
    plan.case.save()
    with time_machine.travel(date(2026, 11, 2)):
        client.force_login(user_of_role("caseworker"))
        assert (
            plan.case.reference
            not in client.get(reverse("schools:phase_transfers")).content.decode()
        )


def test_a_long_phase_transfer_cohort_is_paged_and_any_page_can_ask_schools(
    client, plan, caseworker
):
    """An area's cohort runs to thousands: 50 to a page in order of request, and a child
    ticked on a later page is asked about like one on the first."""
    from cases.schools.views import PHASE_TRANSFERS_PAGE
    from tests.factories import CaseFactory

    plan.case.phase_transfer_year = 2027
    plan.case.save()
    later = [
        CaseFactory(team=plan.case.team, phase_transfer_year=2027)
        for _ in range(PHASE_TRANSFERS_PAGE)
    ]
    with time_machine.travel(date(2026, 11, 2)):
        client.force_login(caseworker)
        url = reverse("schools:phase_transfers")
        first = client.get(url).content.decode()
        assert f"{PHASE_TRANSFERS_PAGE + 1} children due to move" in first
        assert plan.case.reference in first and later[-1].reference not in first
        assert 'rel="next"' in first
        second = client.get(url, {"page": 2, "year": 2027}).content.decode()
        assert later[-1].reference in second
        response = client.post(url, {"cases": [plan.case.reference], "page": "2"})
        assert response.status_code == 302
    assert SchoolAlert.objects.filter(kind="early_review", case=plan.case).count() == 1


def test_the_home_page_escapes_a_pupils_name(client, plan, senco):
    child = plan.case.child
    child.first_name, child.last_name = "<b>Ann</b>", "O'Brien"
    child.save()
    with time_machine.travel(date(2026, 12, 1)):
        client.force_login(senco)
        body = client.get(reverse("schools:home")).content.decode()
    assert escape(child.full_name) in body and "<b>Ann</b>" not in body


def test_the_phase_transfer_lists_escape_a_childs_name(client, plan, senco, caseworker):
    case = plan.case
    case.phase_transfer_year = 2027
    case.save()
    child = case.child
    child.first_name, child.last_name = "<b>Ann</b>", "O'Brien"
    child.save()
    with time_machine.travel(date(2026, 11, 2)):
        for who, url in (
            (senco, reverse("schools:phase_transfers")),
            (caseworker, reverse("schools:phase_transfers")),
            (caseworker, reverse("casework:phase_transfers") + "?year=2027"),
        ):
            client.force_login(who)
            page = client.get(url).content.decode()
            assert escape(child.full_name) in page and "<b>Ann</b>" not in page, url
