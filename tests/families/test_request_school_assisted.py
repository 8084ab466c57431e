"""The two other doors: a school asking for a pupil (with the parent's knowledge), and a
caseworker keying a paper or phone request which the family later claims."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Route
from ehcp_portal.accounts.models import Role, User
from families.models import ClaimCode, Consent, FamilyMembership, RequestDraft
from families.steps import STEPS
from notifications.models import Notification
from tests.factories import AreaFactory, SettingFactory, TeamFactory, UserFactory
from tests.families.helpers import answer_pages, answers, dob_parts, step_url

SOURCE = {"request_source": "1"}  # SEN2: a parent asked, by phone or on paper

SCHOOL_SLUGS = [s.slug for s in STEPS if "school" in s.routes and not s.family_part]
PARENT_SLUGS = [s.slug for s in STEPS if "school" in s.routes and s.family_part]
ASSISTED_SLUGS = [s.slug for s in STEPS if "assisted" in s.routes]
DOB = date(2017, 9, 1)


@pytest.fixture
def area(db):
    area = AreaFactory(postcode_districts=["LS6"])
    TeamFactory(area=area)
    return area


@pytest.fixture
def senco(db):
    setting = SettingFactory(name="Meanwood Primary")
    return UserFactory(role=Role.SCHOOL, setting=setting, full_name="Ms Senco")


def school_draft(client, senco) -> RequestDraft:
    client.force_login(senco)
    response = client.post(reverse("families:school_request_start"))
    assert response.status_code == 302
    return RequestDraft.objects.get(created_by=senco)


def test_school_request_invites_parent_and_needs_parent_told_before_submit(client, senco, area):
    draft = school_draft(client, senco)
    pages = answers(dob=DOB)
    before_told = [s for s in SCHOOL_SLUGS if s != "parent-told"]
    answer_pages(client, draft, pages, before_told)

    # Giving the parent's email invited them: an account linked to the child, and an email.
    parent = User.objects.get(email="sara@example.test")
    assert parent.role == Role.PARENT and not parent.has_usable_password()
    draft.refresh_from_db()
    assert draft.parent_invited_at is not None
    assert FamilyMembership.objects.filter(user=parent, child=draft.child).exists()
    invite = Notification.objects.get(
        recipient=parent, purpose="school_request_invite", channel="email"
    )
    assert "Meanwood Primary" in invite.subject
    assert invite.link == step_url(draft, PARENT_SLUGS[0])

    # Not yet told (recorded): the guard refuses with a clear reason.
    response = client.post(reverse("families:request_check", args=[draft.public_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "You cannot submit this request until you have told the parent or carer" in body
    assert Case.objects.count() == 0

    # A date in the future is refused.
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        step_url(draft, "parent-told"), {**dob_parts(tomorrow, "told_on"), "told_how": "meeting"}
    )
    assert "The date you told the parent must be today or in the past" in response.content.decode()

    # The parent adds their views and consent with their own account.
    client.force_login(parent)
    home = client.get(reverse("families:home")).content.decode()
    assert "Started by Meanwood Primary" in home
    assert client.get(step_url(draft, "child-name")).status_code == 404  # the school's page
    answer_pages(client, draft, pages, PARENT_SLUGS)
    check = client.get(reverse("families:request_check", args=[draft.public_id])).content.decode()
    assert "Meanwood Primary will send the request to us" in check
    client.post(reverse("families:request_check", args=[draft.public_id]))  # cannot submit
    assert Case.objects.count() == 0

    client.force_login(senco)
    told = timezone.localdate() - timedelta(days=2)
    answer_pages(
        client,
        draft,
        {"parent-told": {**dob_parts(told, "told_on"), "told_how": "meeting"}},
        ["parent-told"],
    )
    response = client.post(reverse("families:request_check", args=[draft.public_id]))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.route == Route.SCHOOL
    assert case.request_source == "2"  # SEN2: known from the route
    assert (case.child.upn, case.child.sex) == ("B201567815001", "F")
    assert case.requested_by == senco
    assert case.child.setting == senco.setting
    event = case.events.get(kind="request_received")
    assert event.data["parent_told_on"] == told.isoformat()
    assert event.data["parent_told_how"] == "meeting"
    consents = Consent.objects.filter(child=case.child)
    assert {c.party for c in consents} == {"ep", "health"}
    assert {c.given_by for c in consents} == {parent}  # the parent gave it, not the school
    # The parent follows the case; the school sees it listed as sent.
    client.force_login(parent)
    assert client.get(reverse("families:track", args=[case.reference])).status_code == 200
    client.force_login(senco)
    assert case.reference in client.get(reverse("schools:home")).content.decode()
    # Staff read the whole request, the school's pages and the parent's.
    from families.selectors import request_answers_for_case

    rows = {
        row["key"]: row["value"]
        for section in request_answers_for_case(case, senco)
        for row in section["rows"]
    }
    assert rows["Your views and hopes"] == "We hope she can stay in her school."
    assert rows["Describe their needs in your own words"] == "Finds noisy rooms very hard."
    assert rows["How did you tell them?"] == "In a meeting"


def test_school_cannot_invite_a_staff_email(client, senco, area):
    UserFactory(role=Role.CASEWORKER, email="staff@example.test")
    draft = school_draft(client, senco)
    pages = answers(dob=DOB)
    pages["parent-contact"]["parent_email"] = "staff@example.test"
    answer_pages(client, draft, pages, ["child-name", "child-dob"])
    response = client.post(step_url(draft, "parent-contact"), pages["parent-contact"])
    assert response.status_code == 200
    assert "belongs to an account that is not a parent" in response.content.decode()


def test_another_school_cannot_open_the_draft(client, senco, area):
    draft = school_draft(client, senco)
    other = UserFactory(role=Role.SCHOOL, setting=SettingFactory())
    client.force_login(other)
    assert client.get(step_url(draft, "child-name")).status_code == 404
    assert client.post(reverse("families:request_check", args=[draft.public_id])).status_code == 404
    # A colleague at the same school can carry on.
    colleague = UserFactory(role=Role.SCHOOL, setting=senco.setting)
    client.force_login(colleague)
    assert client.get(step_url(draft, "child-name")).status_code == 200


# --- Assisted digital ---------------------------------------------------------------------------


@pytest.fixture
def caseworker(area):
    return UserFactory(role=Role.CASEWORKER, team=area.teams.get())


def assisted_case(client, caseworker, received: date) -> tuple[RequestDraft, str]:
    client.force_login(caseworker)
    client.post(reverse("families:assisted_request_start"))
    draft = RequestDraft.objects.get(created_by=caseworker)
    pages = answers(dob=DOB)
    pages["received"] = {
        **dob_parts(received, "received_on"),
        "channel": "paper",
        "request_source": "4",  # a social worker wrote in
    }
    answer_pages(client, draft, pages, ASSISTED_SLUGS)
    response = client.post(reverse("families:request_check", args=[draft.public_id]))
    assert response.status_code == 302
    done = client.get(reverse("families:request_done", args=[draft.public_id])).content.decode()
    code = done.split('id="claim-code">')[1].split("<")[0].strip()
    # The code is shown once: a reload does not show it again.
    again = client.get(reverse("families:request_done", args=[draft.public_id])).content.decode()
    assert code not in again
    return draft, code


def test_assisted_request_starts_the_clock_on_the_date_received(client, caseworker):
    received = timezone.localdate() - timedelta(days=9)
    draft, code = assisted_case(client, caseworker, received)
    case = Case.objects.get()
    assert case.route == Route.ASSISTED
    assert case.channel == "paper"
    assert case.received_on == received
    assert case.request_source == "4"  # SEN2: asked on a paper request
    assert case.next_deadline_on == received + timedelta(weeks=6)
    assert case.child.memberships.count() == 0  # no family account yet
    assert Consent.objects.get(child=case.child, party="ep").given_by == caseworker
    assert len(code) == 14 and code.count("-") == 2


def test_confirmation_gives_the_caseworker_the_letter_words(client, caseworker):
    client.force_login(caseworker)
    client.post(reverse("families:assisted_request_start"))
    draft = RequestDraft.objects.get(created_by=caseworker)
    pages = answers(dob=DOB)
    pages["received"] = {
        **dob_parts(timezone.localdate(), "received_on"),
        "channel": "phone",
        "request_source": "1",
    }
    answer_pages(client, draft, pages, ASSISTED_SLUGS)
    client.post(reverse("families:request_check", args=[draft.public_id]))
    body = client.get(reverse("families:request_done", args=[draft.public_id])).content.decode()
    case = Case.objects.get()
    assert "Words for the letter" in body
    assert f"the reference: {case.reference}" in body
    expires = timezone.localdate() + timedelta(days=90)
    assert f"The code works once, until {expires:%-d %B %Y}." in body


def test_assisted_received_date_cannot_be_in_the_future(client, caseworker):
    client.force_login(caseworker)
    client.post(reverse("families:assisted_request_start"))
    draft = RequestDraft.objects.get(created_by=caseworker)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        step_url(draft, "received"),
        {**dob_parts(tomorrow, "received_on"), "channel": "phone", **SOURCE},
    )
    assert "must be today or in the past" in response.content.decode()


def claim(client, parent, reference: str, code: str, dob: date = DOB):
    client.force_login(parent)
    return client.post(
        reverse("families:claim"), {"reference": reference, "code": code, **dob_parts(dob)}
    )


def test_family_claims_with_reference_code_and_date_of_birth_once(client, caseworker):
    draft, code = assisted_case(client, caseworker, timezone.localdate())
    case = Case.objects.get()
    parent = UserFactory(role=Role.PARENT)
    response = claim(client, parent, case.reference.lower(), code.lower().replace("-", " "))
    assert response.status_code == 302
    assert response["Location"] == reverse("families:track", args=[case.reference])
    assert FamilyMembership.objects.filter(user=parent, child=case.child).exists()
    assert client.get(reverse("families:track", args=[case.reference])).status_code == 200
    # Single use: a second family cannot reuse it.
    other = UserFactory(role=Role.PARENT)
    response = claim(client, other, case.reference, code)
    assert response.status_code == 200
    assert "do not match a request we hold" in response.content.decode()
    assert client.get(reverse("families:track", args=[case.reference])).status_code == 404


def test_claim_refuses_wrong_dob_and_stops_after_five_failures(client, caseworker):
    draft, code = assisted_case(client, caseworker, timezone.localdate())
    case = Case.objects.get()
    parent = UserFactory(role=Role.PARENT)
    for _ in range(5):
        response = claim(client, parent, case.reference, code, dob=date(2017, 9, 2))
        assert "do not match" in response.content.decode()
    assert ClaimCode.objects.get().voided_at is not None
    response = claim(client, parent, case.reference, code)  # right details, but code is void
    assert response.status_code == 200
    assert not FamilyMembership.objects.filter(user=parent).exists()


def test_claim_codes_expire(client, caseworker):
    draft, code = assisted_case(client, caseworker, timezone.localdate())
    case = Case.objects.get()
    parent = UserFactory(role=Role.PARENT)
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        response = claim(client, parent, case.reference, code)
    assert response.status_code == 200
    assert "has expired" in response.content.decode()


def test_new_claim_code_voids_the_old_one(client, caseworker):
    draft, old = assisted_case(client, caseworker, timezone.localdate())
    response = client.post(reverse("families:request_claim_code", args=[draft.public_id]))
    assert response.status_code == 302
    done = client.get(reverse("families:request_done", args=[draft.public_id])).content.decode()
    new = done.split('id="claim-code">')[1].split("<")[0].strip()
    assert new != old
    case = Case.objects.get()
    parent = UserFactory(role=Role.PARENT)
    assert claim(client, parent, case.reference, old).status_code == 200
    assert claim(client, parent, case.reference, new).status_code == 302


def test_only_staff_start_assisted_requests(client, user_of_role, db):
    for role in Role:
        client.force_login(user_of_role(role))
        expected = 200 if role in (Role.CASEWORKER, Role.TEAM_MANAGER) else 404
        assert client.get(reverse("families:assisted_request_start")).status_code == expected


def test_parent_sees_only_school_files_marked_for_them(client, senco, area):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.families.helpers import PDF_BYTES

    draft = school_draft(client, senco)
    answer_pages(client, draft, answers(dob=DOB), ["child-name", "child-dob", "parent-contact"])
    client.post(
        reverse("families:request_evidence", args=[draft.public_id]),
        {"upload": "1", "files": [SimpleUploadedFile("iep.pdf", PDF_BYTES)]},
    )
    document = draft.documents.get()
    assert document.family_visible is False
    url = reverse("cases:document_download", args=[document.public_id])
    assert client.get(url).status_code == 200  # the school
    parent = User.objects.get(email="sara@example.test")
    client.force_login(parent)
    assert client.get(url).status_code == 404
    document.family_visible = True
    document.save()
    assert client.get(url).status_code == 200
    check = client.get(reverse("families:request_check", args=[draft.public_id]))
    assert check.status_code == 200
    client.force_login(senco)
    body = client.get(reverse("families:request_check", args=[draft.public_id])).content.decode()
    assert "They have not added their views and consent yet" in body


@pytest.mark.parametrize("requests", [1, 5])
def test_school_home_runs_a_fixed_number_of_queries(
    client, senco, area, django_assert_num_queries, requests
):
    from families.services import request_draft_start

    for _ in range(requests):
        request_draft_start(user=senco, route="school", setting=senco.setting)
    client.force_login(senco)
    client.get(reverse("schools:home"))
    # session, user, setting, the pupils (none yet), drafts not sent, requests sent, advice asked
    # of the school + the unread notifications count in the header
    with django_assert_num_queries(8):
        body = client.get(reverse("schools:home")).content.decode()
    assert body.count("Parent not told yet") == requests


def test_correcting_the_parent_email_moves_the_invitation(client, senco, area):
    someone_else = UserFactory(role=Role.PARENT, email="sarah@example.test")
    draft = school_draft(client, senco)
    pages = answers(dob=DOB)
    pages["parent-contact"]["parent_email"] = "sarah@example.test"  # a typo: someone's account
    answer_pages(client, draft, pages, ["child-name", "child-dob", "parent-contact"])
    draft.refresh_from_db()
    assert FamilyMembership.objects.filter(user=someone_else, child=draft.child).exists()
    pages["parent-contact"]["parent_email"] = "sara@example.test"
    answer_pages(client, draft, pages, ["parent-contact"])
    assert not FamilyMembership.objects.filter(user=someone_else, child=draft.child).exists()
    parent = User.objects.get(email="sara@example.test")
    assert FamilyMembership.objects.filter(user=parent, child=draft.child).exists()
    assert Notification.objects.filter(
        recipient=parent, purpose="school_request_invite", channel="email"
    ).exists()
    # Saving the page again with the same address does not email again.
    answer_pages(client, draft, pages, ["parent-contact"])
    assert (
        Notification.objects.filter(recipient=parent, purpose="school_request_invite").count() == 2
    )  # one in-app, one email


def test_an_existing_membership_survives_a_corrected_invitation(client, senco, area):
    """A parent already linked to the child before the invitation keeps their link."""
    draft = school_draft(client, senco)
    pages = answers(dob=DOB)
    answer_pages(client, draft, pages, ["child-name", "child-dob", "parent-contact"])
    draft.refresh_from_db()
    parent = User.objects.get(email="sara@example.test")
    other_parent = UserFactory(role=Role.PARENT, email="dad@example.test")
    FamilyMembership.objects.create(user=other_parent, child=draft.child, relationship="parent")
    pages["parent-contact"]["parent_email"] = "dad@example.test"
    answer_pages(client, draft, pages, ["parent-contact"])
    pages["parent-contact"]["parent_email"] = "sara@example.test"
    answer_pages(client, draft, pages, ["parent-contact"])
    assert FamilyMembership.objects.filter(user=other_parent, child=draft.child).exists()
    assert FamilyMembership.objects.filter(user=parent, child=draft.child).exists()
