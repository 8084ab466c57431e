"""Bulk letters: a manager chooses a cohort, checks the count and a sample, and sends; the worker
makes each letter, puts it on its case's timeline and tells the family, once per (bulk send,
case) however often it runs."""

from __future__ import annotations

import io
import time

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.correspondence import services
from cases.correspondence.models import BulkLetter, BulkSend
from cases.models import CaseEvent, Document
from ehcp_portal.accounts.models import Role
from notifications.models import Notification
from tests.cases.correspondence.helpers import school_cohort
from tests.factories import CaseFactory, SettingFactory, TeamFactory, UserFactory, family_for

LETTER = {
    "cohort": "school",
    "cohort_year": "",
    "title": "Open evening for families",
    "body": "Dear family of {child},\n\nCome to our open evening on 3 March.",
}


@pytest.fixture
def school(team):
    return SettingFactory(area=team.area)


def test_a_manager_checks_the_count_and_a_sample_then_sends(client, manager, team, school):
    cases = school_cohort(team, school, 3)
    parents = [family_for(case) for case in cases]
    other_school = SettingFactory(area=team.area)
    school_cohort(team, other_school, 2, prefix="OTHER")
    client.force_login(manager)
    data = {**LETTER, "cohort_setting": str(school.pk)}

    check = client.post(reverse("correspondence:bulk_new"), data)
    assert check.status_code == 200
    assert "3 letters, one to each family" in check.content.decode()
    assert not BulkSend.objects.exists()

    sample = client.post(reverse("correspondence:bulk_sample"), data)
    assert sample["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(sample.content)).pages[0].extract_text()
    assert "Come to our open evening on 3 March." in text and "Dear family of Child" in text
    assert not Document.objects.exists()

    started = time.monotonic()
    sent = client.post(reverse("correspondence:bulk_new"), {**data, "confirm": "1"})
    assert time.monotonic() - started < 1.0
    bulk = BulkSend.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse(
        "correspondence:bulk_detail", args=[bulk.pk]
    )
    assert (bulk.total, bulk.sent, bulk.status) == (3, 0, BulkSend.Status.QUEUED)
    assert not Document.objects.exists()  # nothing is made in the request

    assert services.bulk_send_run(bulk.pk) == 3
    bulk.refresh_from_db()
    assert (bulk.sent, bulk.status) == (3, BulkSend.Status.DONE)
    for case, parent in zip(cases, parents, strict=True):
        letter = Document.objects.get(case=case, kind=Document.Kind.LETTER)
        assert letter.family_visible
        event = CaseEvent.objects.get(case=case, kind="bulk_letter")
        assert event.summary == "Letter sent: Open evening for families" and event.family_visible
        assert Notification.objects.filter(recipient=parent, purpose="bulk_letter").count() == 2
    page = client.get(sent["Location"]).content.decode()
    assert "3 of 3 sent" in page and "Sent" in page


def test_running_again_sends_nothing_twice(db, team, school, manager):
    cases = school_cohort(team, school, 4)
    for case in cases:
        family_for(case)
    bulk = services.bulk_send_create(
        actor=manager,
        area_id=team.area_id,
        cohort="school",
        cohort_year=None,
        cohort_setting_id=school.pk,
        title="Letter",
        body="Hello",
    )
    # A worker killed after two letters: they are sent, the rest still wait.
    services.bulk_letters_fill(bulk)
    for letter in BulkLetter.objects.filter(bulk=bulk).order_by("pk")[:2]:
        services._bulk_letter_send(bulk, letter.pk)
    assert services.bulk_send_run(bulk.pk) == 2
    assert services.bulk_send_run(bulk.pk) == 0
    assert Document.objects.filter(kind=Document.Kind.LETTER).count() == 4
    assert Notification.objects.filter(purpose="bulk_letter", channel="in_app").count() == 4
    assert CaseEvent.objects.filter(kind="bulk_letter").count() == 4
    bulk.refresh_from_db()
    assert bulk.sent == 4


def test_cohorts_phase_transfer_and_waiting_on_advice(db, team, manager):
    due = CaseFactory(team=team, phase_transfer_year=2027)
    CaseFactory(team=team, phase_transfer_year=2028)
    CaseFactory(team=team, phase_transfer_year=2027, closed=True)
    CaseFactory(phase_transfer_year=2027)  # another area
    bulk = BulkSend(cohort="phase_transfer", cohort_year=2027, area_id=team.area_id)
    assert list(services.bulk_cohort_cases(bulk)) == [due]
    council = BulkSend(cohort="phase_transfer", cohort_year=2027, area_id=None)
    assert services.bulk_cohort_cases(council).count() == 2

    from tests.factories import AdviceRequestFactory

    waiting = CaseFactory(team=team, assessing=True)
    AdviceRequestFactory(case=waiting, state="sent")
    answered = CaseFactory(team=team, assessing=True)
    AdviceRequestFactory(case=answered, state="received")
    advice = BulkSend(cohort="awaiting_advice", area_id=team.area_id)
    assert list(services.bulk_cohort_cases(advice)) == [waiting]


def test_the_form_shows_gov_uk_errors_and_keeps_what_was_typed(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("correspondence:bulk_new"),
        {"cohort": "school", "title": "My heading", "body": "Hello {{ child }}"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose the school or setting" in page
    assert "is not allowed" in page
    assert "My heading" in page


def test_an_empty_cohort_is_refused_on_the_page(client, manager, school):
    client.force_login(manager)
    response = client.post(
        reverse("correspondence:bulk_new"), {**LETTER, "cohort_setting": str(school.pk)}
    )
    assert response.status_code == 400
    assert "No open cases are in this group" in response.content.decode()
    confirmed = client.post(
        reverse("correspondence:bulk_new"),
        {**LETTER, "cohort_setting": str(school.pk), "confirm": "1"},
    )
    assert confirmed.status_code == 400 and not BulkSend.objects.exists()


@pytest.mark.parametrize(
    "role",
    [
        Role.PARENT,
        Role.YOUNG_PERSON,
        Role.SCHOOL,
        Role.ADVICE_GIVER,
        Role.CASEWORKER,
        Role.PANEL_MEMBER,
        Role.ELECTED_MEMBER,
        Role.DPO,
        Role.ADMIN,
    ],
)
def test_other_roles_find_no_bulk_letter_pages(client, user_of_role, manager, role):
    bulk = BulkSend.objects.create(
        cohort="school", title="T", body="B", area=manager.team.area, created_by=manager
    )
    client.force_login(user_of_role(role))
    for url in (
        reverse("correspondence:bulk_list"),
        reverse("correspondence:bulk_new"),
        reverse("correspondence:bulk_detail", args=[bulk.pk]),
        reverse("correspondence:bulk_status", args=[bulk.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("correspondence:bulk_sample"), LETTER).status_code == 404


def test_a_manager_of_another_area_cannot_see_a_send_the_head_of_service_can(
    client, manager, user_of_role
):
    bulk = BulkSend.objects.create(
        cohort="school", title="T", body="B", area=manager.team.area, created_by=manager
    )
    other = UserFactory(role=Role.TEAM_MANAGER, team=TeamFactory())
    client.force_login(other)
    assert client.get(reverse("correspondence:bulk_detail", args=[bulk.pk])).status_code == 404
    assert "T</a>" not in client.get(reverse("correspondence:bulk_list")).content.decode()
    client.force_login(user_of_role(Role.HEAD_OF_SERVICE))
    assert client.get(reverse("correspondence:bulk_detail", args=[bulk.pk])).status_code == 200
    assert client.get(reverse("correspondence:bulk_status", args=[bulk.pk])).json()["total"] == 0


def test_the_progress_page_runs_a_fixed_number_of_queries(
    client, manager, django_assert_max_num_queries
):
    bulk = BulkSend.objects.create(
        cohort="school", title="T", body="B", area=manager.team.area, created_by=manager
    )
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("correspondence:bulk_detail", args=[bulk.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("correspondence:bulk_list")).status_code == 200


def test_sending_to_5000_families_answers_at_once_and_makes_no_letter_in_the_request(
    client, manager, team, school, django_assert_max_num_queries
):
    school_cohort(team, school, 5000)
    client.force_login(manager)
    data = {**LETTER, "cohort_setting": str(school.pk), "confirm": "1"}
    client.get(reverse("correspondence:bulk_new"))  # the first request loads templates
    started = time.monotonic()
    with django_assert_max_num_queries(15):
        response = client.post(reverse("correspondence:bulk_new"), data)
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 1.0, elapsed
    bulk = BulkSend.objects.get()
    assert bulk.total == 5000 and not BulkLetter.objects.exists()
    assert not Document.objects.exists()
