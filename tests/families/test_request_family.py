"""A parent's request through the question pages: validation, drafts that keep everything
typed, and a submission that makes exactly one case."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.assignment.models import AssignmentDecision
from cases.models import Case, CaseEvent, Route, Stage
from ehcp_portal.accounts.models import Role
from families.models import Consent, FamilyMembership, RequestDraft
from families.services import request_draft_start, request_submit
from families.steps import STEPS
from notifications.models import Notification
from tests.factories import AreaFactory, ChildFactory, SettingFactory, TeamFactory, UserFactory
from tests.families.helpers import answer_pages, answers, dob_parts, step_url

FAMILY_SLUGS = [s.slug for s in STEPS if "family" in s.routes]


@pytest.fixture
def leeds(db):
    area = AreaFactory(name="Inner North West", postcode_districts=["LS6", "LS4"])
    team = TeamFactory(name="North West SEN team", area=area)
    return area, team


@pytest.fixture
def parent_with_child(db):
    parent = UserFactory(role=Role.PARENT, full_name="Sara Khan")
    child = ChildFactory(first_name="Amira", last_name="Khan", date_of_birth=date(2018, 5, 4))
    FamilyMembership.objects.create(user=parent, child=child, relationship="parent")
    return parent, child


def start_draft(client, parent, child) -> RequestDraft:
    client.force_login(parent)
    response = client.post(reverse("families:request_start"), {"child": str(child.pk)})
    assert response.status_code == 302
    return RequestDraft.objects.get(created_by=parent)


def test_add_child_validates_date_of_birth_and_keeps_what_was_typed(client, db):
    parent = UserFactory(role=Role.PARENT)
    client.force_login(parent)
    future = timezone.localdate() + timedelta(days=3)
    response = client.post(
        reverse("families:child_add"),
        {"first_name": "Noor", "last_name": "Ali", **dob_parts(future)},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Date of birth must be today or in the past" in body
    assert 'value="Noor"' in body
    old = timezone.localdate().replace(year=timezone.localdate().year - 27)
    response = client.post(
        reverse("families:child_add"),
        {"first_name": "Noor", "last_name": "Ali", **dob_parts(old)},
    )
    assert "must be 25 or under" in response.content.decode()
    response = client.post(
        reverse("families:child_add"),
        {
            "first_name": "Noor",
            "last_name": "Ali",
            "date_of_birth_0": "31",
            "date_of_birth_1": "2",
            "date_of_birth_2": "2019",
        },
    )
    assert "Date of birth must be a real date" in response.content.decode()
    response = client.post(
        reverse("families:child_add"),
        {
            "first_name": "Noor",
            "last_name": "Ali",
            "date_of_birth_0": "3",
            "date_of_birth_2": "2019",
        },
    )
    assert "Date of birth must include a month" in response.content.decode()
    response = client.post(
        reverse("families:child_add"),
        {"first_name": "Noor", "last_name": "Ali", **dob_parts(date(2019, 3, 3))},
    )
    assert response.status_code == 302
    assert parent.memberships.get().child.full_name == "Noor Ali"


def test_invalid_postcode_shows_error_and_is_kept_in_the_draft(client, parent_with_child):
    parent, child = parent_with_child
    draft = start_draft(client, parent, child)
    response = client.post(
        step_url(draft, "child-address"), {"address": "1 Road", "postcode": "NOT A CODE"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a full UK postcode, like LS1 4AP" in body
    assert 'href="#id_postcode"' in body
    # Signed out and back: what was typed, even wrongly, is still there.
    client.logout()
    client.force_login(parent)
    body = client.get(step_url(draft, "child-address")).content.decode()
    assert 'value="NOT A CODE"' in body
    assert "1 Road" in body
    # A correct postcode is normalised.
    client.post(step_url(draft, "child-address"), {"address": "1 Road", "postcode": "ls62ab"})
    draft.refresh_from_db()
    assert draft.answers["child-address"]["data"]["postcode"] == ["ls62ab"]
    assert client.get(step_url(draft, "child-address")).status_code == 200


def test_save_and_come_back_later_keeps_an_unfinished_page(client, parent_with_child):
    parent, child = parent_with_child
    draft = start_draft(client, parent, child)
    response = client.post(step_url(draft, "parent-views"), {"parent_views": "", "save_later": "1"})
    assert response.status_code == 302
    client.post(
        step_url(draft, "child-views"), {"child_views": "Half a thought", "save_later": "1"}
    )
    home = client.get(reverse("families:home")).content.decode()
    assert "Requests you have not sent yet" in home
    assert reverse("families:request_resume", args=[draft.public_id]) in home
    assert "Half a thought" in client.get(step_url(draft, "child-views")).content.decode()


def test_resume_goes_to_first_unanswered_page(client, parent_with_child):
    parent, child = parent_with_child
    draft = start_draft(client, parent, child)
    # Name and date of birth are pre-filled from the child's record.
    response = client.get(reverse("families:request_resume", args=[draft.public_id]))
    assert response["Location"] == step_url(draft, "child-address")


def test_nul_bytes_are_stripped_not_a_server_error(client, parent_with_child):
    parent, child = parent_with_child
    draft = start_draft(client, parent, child)
    response = client.post(step_url(draft, "child-views"), {"child_views": "I like\x00 trains"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers["child-views"]["data"]["child_views"] == ["I like trains"]


def test_full_family_request_creates_one_case_in_the_area_queue(
    client, parent_with_child, leeds, monkeypatch
):
    area, team = leeds
    parent, child = parent_with_child
    setting = SettingFactory(name="Meanwood Primary")
    draft = start_draft(client, parent, child)
    pages = answers(dob=child.date_of_birth, setting=str(setting.pk))
    answer_pages(client, draft, pages, FAMILY_SLUGS)

    check = client.get(reverse("families:request_check", args=[draft.public_id]))
    body = check.content.decode()
    assert "Check your answers" in body
    assert "Meanwood Primary" in body
    assert "Autistic spectrum disorder" in body
    assert "Not answered yet" not in body

    today = timezone.localdate()
    url = reverse("families:request_check", args=[draft.public_id])
    first = client.post(url)
    second = client.post(url)  # a double-click
    assert first.status_code == second.status_code == 302
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.reference == f"EHC-{today.year}-000001"
    assert case.stage == Stage.RECEIVED
    assert case.route == Route.FAMILY
    assert case.request_source == "1"  # SEN2: known from the route
    assert (case.child.sex, case.child.ethnicity) == ("F", "APKN")
    assert case.received_on == today
    assert case.area == area and case.team == team and case.caseworker is None
    assert case.needs == ["ASD", "SLCN", "SEMH"]
    assert case.next_deadline_key == "decision_to_assess"
    assert case.next_deadline_on == today + timedelta(weeks=6)
    child.refresh_from_db()
    assert child.postcode == "LS6 2AB"
    assert child.setting == setting
    assert child.home_language == "Urdu"
    assert CaseEvent.objects.filter(
        case=case, kind="request_received", family_visible=True
    ).exists()
    assert set(Consent.objects.filter(child=child).values_list("party", flat=True)) == {
        "ep",
        "health",
    }
    note = Notification.objects.get(recipient=parent, purpose="request_received", channel="email")
    assert case.reference in note.subject
    assert f"{case.next_deadline_on:%-d %B %Y}" in note.body

    done = client.get(reverse("families:request_done", args=[draft.public_id]))
    text = done.content.decode()
    assert case.reference in text
    assert f"{today + timedelta(weeks=6):%-d %B %Y}" in text
    # The question pages of a sent request lead to its confirmation, not to editing.
    assert client.get(step_url(draft, "child-views"))["Location"] == reverse(
        "families:request_done", args=[draft.public_id]
    )


def test_submission_refused_while_pages_are_missing(client, parent_with_child, leeds):
    parent, child = parent_with_child
    draft = start_draft(client, parent, child)
    response = client.post(reverse("families:request_check", args=[draft.public_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "You cannot send the request yet" in body
    assert "Where do they live?: answer or correct this page" in body
    assert Case.objects.count() == 0


def test_request_outside_every_area_still_makes_a_case(client, parent_with_child):
    parent, child = parent_with_child
    draft = start_draft(client, parent, child)
    answer_pages(client, draft, answers(dob=child.date_of_birth, postcode="ZE1 0AA"), FAMILY_SLUGS)
    client.post(reverse("families:request_check", args=[draft.public_id]))
    case = Case.objects.get()
    assert case.area is None and case.team is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_make_one_case(parent_with_child, leeds):
    """Two requests racing to submit the same draft (a retry while the first is in flight)."""
    parent, child = parent_with_child
    draft = request_draft_start(user=parent, route="family", child=child)
    from django.test import Client

    client = Client()
    client.force_login(parent)
    answer_pages(client, draft, answers(dob=child.date_of_birth), FAMILY_SLUGS)

    results: list[tuple[int, bool]] = []
    barrier = threading.Barrier(2)

    def submit() -> None:
        try:
            barrier.wait()
            case, created = request_submit(draft=RequestDraft.objects.get(pk=draft.pk), user=parent)
            results.append((case.pk, created))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Case.objects.count() == 1
    assert sorted(created for _, created in results) == [False, True]
    assert len({pk for pk, _ in results}) == 1


def test_young_person_requests_for_themselves(client, leeds):
    young = UserFactory(role=Role.YOUNG_PERSON)
    client.force_login(young)
    dob = timezone.localdate().replace(year=timezone.localdate().year - 17)
    client.post(
        reverse("families:child_add"), {"first_name": "Jo", "last_name": "Bloggs", **dob_parts(dob)}
    )
    membership = young.memberships.get()
    assert membership.relationship == FamilyMembership.Relationship.SELF
    draft = start_draft(client, young, membership.child)
    pages = answers(dob=dob)
    pages["parents"]["relationship"] = "self"
    answer_pages(client, draft, pages, FAMILY_SLUGS)
    client.post(reverse("families:request_check", args=[draft.public_id]))
    case = Case.objects.get()
    assert client.get(reverse("families:track", args=[case.reference])).status_code == 200


def test_young_person_under_16_is_told_a_parent_asks(client, db):
    young = UserFactory(role=Role.YOUNG_PERSON)
    client.force_login(young)
    dob = timezone.localdate().replace(year=timezone.localdate().year - 14)
    response = client.post(
        reverse("families:child_add"), {"first_name": "Jo", "last_name": "B", **dob_parts(dob)}
    )
    assert "You must be 16 or over to ask for an assessment for yourself" in (
        response.content.decode()
    )
    assert not young.memberships.exists()


def submitted_case(client, parent, child) -> Case:
    draft = start_draft(client, parent, child)
    answer_pages(client, draft, answers(dob=child.date_of_birth), FAMILY_SLUGS)
    assert client.post(reverse("families:request_check", args=[draft.public_id])).status_code == 302
    return Case.objects.get()


def test_with_nobody_eligible_the_case_waits_in_the_area_queue(client, parent_with_child, leeds):
    parent, child = parent_with_child
    case = submitted_case(client, parent, child)
    assert case.caseworker is None and case.team == leeds[1]
    assert AssignmentDecision.objects.filter(case=case, caseworker__isnull=True).exists()


def test_submission_assigns_a_caseworker_by_the_rules_at_once(client, parent_with_child, leeds):
    worker = UserFactory(role=Role.CASEWORKER, team=leeds[1], full_name="Chris Caseworker")
    parent, child = parent_with_child
    case = submitted_case(client, parent, child)
    assert case.caseworker == worker
    decision = AssignmentDecision.objects.get(case=case)
    assert decision.caseworker == worker
    assert "Area: Inner North West" in decision.explanation


def test_a_failing_assignment_does_not_lose_the_request(
    client, parent_with_child, leeds, monkeypatch
):
    def broken(*, case: Case, **kwargs: object) -> None:
        Case.objects.filter(pk=case.pk).update(priority=99)
        raise RuntimeError("rules misconfigured")

    monkeypatch.setattr("cases.assignment.decisions.case_assign", broken)
    parent, child = parent_with_child
    case = submitted_case(client, parent, child)
    assert case.priority == 0  # the broken assignment's writes were rolled back, the case kept
    assert case.caseworker is None


def test_page_sent_after_the_session_timed_out_is_kept_until_sign_in(client, parent_with_child):
    parent, child = parent_with_child
    draft = start_draft(client, parent, child)
    client.logout()  # the session expired while the parent was typing
    url = step_url(draft, "parent-views")
    response = client.post(url, {"parent_views": "A long answer I do not want to type again"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    draft.refresh_from_db()
    assert "parent-views" not in draft.answers  # nothing written before we know who it is
    client.force_login(parent)
    body = client.get(url).content.decode()
    assert "A long answer I do not want to type again" in body
    assert "We kept what you typed before you were signed out" in body
    draft.refresh_from_db()
    assert draft.answers["parent-views"]["data"]["parent_views"] == [
        "A long answer I do not want to type again"
    ]


def test_answers_kept_after_timeout_are_not_given_to_another_account(client, parent_with_child):
    parent, child = parent_with_child
    draft = start_draft(client, parent, child)
    client.logout()
    client.post(step_url(draft, "parent-views"), {"parent_views": "private"})
    stranger = UserFactory(role=Role.PARENT)
    client.force_login(stranger)
    assert client.get(step_url(draft, "parent-views")).status_code == 404
    draft.refresh_from_db()
    assert "parent-views" not in draft.answers


def test_consent_to_other_agencies_names_them(client, parent_with_child, leeds):
    parent, child = parent_with_child
    draft = start_draft(client, parent, child)
    response = client.post(step_url(draft, "consent"), {"parties": ["other"]})
    assert "Name the other agencies you agree we may share information with" in (
        response.content.decode()
    )
    pages = answers(dob=child.date_of_birth)
    pages["consent"] = {"parties": ["other", "ep"], "other_agency": "CAMHS"}
    answer_pages(client, draft, pages, FAMILY_SLUGS)
    client.post(reverse("families:request_check", args=[draft.public_id]))
    other = Consent.objects.get(child=child, party="other")
    assert other.detail.startswith("CAMHS")
    assert Consent.objects.get(child=child, party="ep").detail == (
        "Given in the request for an assessment"
    )
    body = client.get(reverse("families:track", args=[Case.objects.get().reference])).content
    assert "Another agency: CAMHS" in body.decode()


def test_a_huge_year_of_birth_is_a_form_error_not_a_server_error(db):
    from django.test import Client

    client = Client(raise_request_exception=False)  # a crash shows as a 500
    client.force_login(UserFactory(role=Role.PARENT))
    response = client.post(
        reverse("families:child_add"),
        {
            "first_name": "Noor",
            "last_name": "Ali",
            "date_of_birth_0": "1",
            "date_of_birth_1": "3",
            "date_of_birth_2": "99999999999",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Year must include 4 numbers" in body


def _request_said(client, manager, case) -> str:
    client.force_login(manager)
    page = client.get(reverse("casework:case_detail", args=[case.reference])).content.decode()
    start = page.index("What the request said")
    return page[start : page.index("Mediation and appeals", start)]


def test_the_case_page_shows_the_request_as_it_was_sent(client, parent_with_child, leeds):
    """The sections are kept when the request is sent: a year on, when the same date of birth
    would no longer pass (a young person now over 25), the case page still shows what was
    sent, not "Not answered yet"."""
    parent, child = parent_with_child
    manager = UserFactory(role=Role.TEAM_MANAGER, team=leeds[1])
    with time_machine.travel(date(2026, 1, 10)):
        draft = start_draft(client, parent, child)
        answer_pages(client, draft, answers(dob=date(2000, 6, 1)), FAMILY_SLUGS)
        url = reverse("families:request_check", args=[draft.public_id])
        assert client.post(url).status_code == 302
    draft.refresh_from_db()
    assert draft.sections_sent is not None
    with time_machine.travel(date(2027, 1, 10)):
        said = _request_said(client, manager, draft.case)
    assert "1 June 2000" in said
    assert "Not answered yet" not in said
    assert "Amira" in said


def test_a_request_sent_before_the_record_was_kept_is_read_once_and_kept(
    client, parent_with_child, leeds
):
    parent, child = parent_with_child
    manager = UserFactory(role=Role.TEAM_MANAGER, team=leeds[1])
    case = submitted_case(client, parent, child)
    sent = RequestDraft.objects.get(case=case)
    kept = sent.sections_sent
    RequestDraft.objects.filter(pk=sent.pk).update(sections_sent=None)  # as sent before
    said = _request_said(client, manager, case)
    assert "Amira" in said
    sent.refresh_from_db()
    assert sent.sections_sent == kept
