"""Every quality page for the roles it belongs to, and every role it must refuse (404, never
403); users of another area or family; the QA officer sees no case outside an audit."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from cases.quality.models import Complaint, SurveyInvitation
from cases.quality.services import complaint_record
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory, UserFactory, family_for

ROLE_PAGES = {
    "quality:home": {Role.QA_OFFICER},
    "quality:complaints": {Role.CASEWORKER, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE},
    "quality:survey_comments": {Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE},
}
NON_ADMIN_ROLES = [r for r in Role if r != Role.ADMIN]


@pytest.mark.parametrize("url_name", ROLE_PAGES)
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_role_pages_refuse_other_roles(client, user_of_role, url_name, role):
    client.force_login(user_of_role(role))
    response = client.get(reverse(url_name))
    assert response.status_code == (200 if role in ROLE_PAGES[url_name] else 404)


@pytest.mark.parametrize("url_name", ROLE_PAGES)
def test_role_pages_need_sign_in(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302


def test_admin_is_refused_too(client, db):
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    for url_name in ROLE_PAGES:
        assert client.get(reverse(url_name)).status_code == 404


# --- audits -------------------------------------------------------------------------------------


def test_qa_officer_audits_any_plan(client, qa, audit):
    client.force_login(qa)
    response = client.get(reverse("quality:audit", args=[audit.public_id]))
    assert response.status_code == 200
    assert "Grade each criterion" in response.content.decode()


@pytest.mark.parametrize("role", [r for r in NON_ADMIN_ROLES if r != Role.QA_OFFICER])
def test_a_plan_waiting_to_be_audited_is_404_to_everyone_else(client, user_of_role, audit, role):
    client.force_login(user_of_role(role, team=audit.team))
    assert client.get(reverse("quality:audit", args=[audit.public_id])).status_code == 404


def test_a_graded_audit_is_read_by_its_caseworker_and_their_manager_only(
    client, audit, qa, caseworker, manager
):
    audit.status = audit.Status.AUDITED
    audit.grade = "good"
    audit.action_for_caseworker = "Make outcome E2 measurable"
    audit.save()
    url = reverse("quality:audit", args=[audit.public_id])
    for user in (caseworker, manager):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert "Make outcome E2 measurable" in response.content.decode()
        # Staff reading it cannot grade it.
        assert client.post(url, {"grade": "inadequate"}).status_code == 404
    other_team = TeamFactory()
    for user in (
        UserFactory(role=Role.CASEWORKER, team=audit.team),  # another caseworker of the team
        UserFactory(role=Role.TEAM_MANAGER, team=other_team),
        family_for(audit.case),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_unknown_audit_is_404(client, qa):
    client.force_login(qa)
    assert client.get(reverse("quality:audit", args=[uuid.uuid4()])).status_code == 404


# --- complaints and contacts -------------------------------------------------------------------


@pytest.fixture
def complaint(case, caseworker):
    return complaint_record(
        case=case,
        kind=Complaint.Kind.COMPLAINT,
        received_on=case.received_on,
        summary="The assessment is taking too long",
        actor=caseworker,
    )


def test_complaint_pages_for_the_case_worker_only(client, case, caseworker, manager, complaint):
    pages = [
        reverse("quality:complaint", args=[complaint.public_id]),
        reverse("quality:complaint_new", args=[case.reference]),
        reverse("quality:contact_new", args=[case.reference]),
    ]
    for user in (caseworker, manager):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 200, url
    other_area = TeamFactory()
    refused = [
        UserFactory(role=Role.CASEWORKER, team=other_area),
        UserFactory(role=Role.TEAM_MANAGER, team=other_area),
        family_for(case),
        UserFactory(role=Role.QA_OFFICER),
        UserFactory(role=Role.SCHOOL),
        UserFactory(role=Role.ADVICE_GIVER),
        UserFactory(role=Role.PANEL_MEMBER),
        UserFactory(role=Role.ELECTED_MEMBER),
        UserFactory(role=Role.DPO),
    ]
    for user in refused:
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 404, (user.role, url)
        assert (
            complaint.case.reference
            not in client.get(reverse("quality:complaints")).content.decode()
        )


def test_family_sees_their_complaint_and_no_one_elses(client, case, complaint):
    parent = family_for(case)
    client.force_login(parent)
    url = reverse("quality:family_complaints", args=[case.reference])
    response = client.get(url)
    assert response.status_code == 200
    assert "The assessment is taking too long" in response.content.decode()
    other = CaseFactory()
    client.force_login(family_for(other))
    assert client.get(url).status_code == 404
    for role in (Role.CASEWORKER, Role.QA_OFFICER, Role.SCHOOL):
        client.force_login(UserFactory(role=role, team=case.team))
        assert client.get(url).status_code == 404


def test_signoff_request_refused_to_family_and_other_areas(client, case):
    url = reverse("quality:signoff_request", args=[case.reference])
    for user in (family_for(case), UserFactory(role=Role.CASEWORKER, team=TeamFactory())):
        client.force_login(user)
        assert client.post(url).status_code == 404


# --- surveys ------------------------------------------------------------------------------------


def test_a_survey_is_found_only_by_the_person_invited(client, case):
    parent = family_for(case)
    invitation = SurveyInvitation.objects.create(
        case=case, respondent=parent, respondent_kind="family", decision_point="decision_to_assess"
    )
    url = reverse("quality:survey", args=[invitation.token])
    client.force_login(parent)
    assert client.get(url).status_code == 200
    for user in (
        family_for(case),  # even another member of the same family
        UserFactory(role=Role.CASEWORKER, team=case.team),
        case.caseworker,
        UserFactory(role=Role.QA_OFFICER),
        UserFactory(role=Role.TEAM_MANAGER, team=case.team),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404


# --- the family's pages: every role but the family's is refused ---------------------------------

FAMILY_PAGES = ["quality:family_complaints", "plans:family_versions", "plans:family_section_a"]


@pytest.mark.parametrize("url_name", FAMILY_PAGES)
@pytest.mark.parametrize(
    "role", [r for r in NON_ADMIN_ROLES if r not in (Role.PARENT, Role.YOUNG_PERSON)]
)
def test_family_pages_refuse_every_other_role(client, user_of_role, case, url_name, role):
    client.force_login(user_of_role(role, team=case.team))
    assert client.get(reverse(url_name, args=[case.reference])).status_code == 404


@pytest.mark.parametrize("url_name", ["quality:complaint_new", "quality:contact_new"])
@pytest.mark.parametrize(
    "role",
    [
        r
        for r in NON_ADMIN_ROLES
        if r not in (Role.CASEWORKER, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE)
    ],
)
def test_case_staff_pages_refuse_every_other_role(client, user_of_role, case, url_name, role):
    client.force_login(user_of_role(role, team=case.team))
    assert client.get(reverse(url_name, args=[case.reference])).status_code == 404
    assert client.post(reverse(url_name, args=[case.reference]), {}).status_code == 404
