"""Every member-query page for the role it belongs to, every role it must refuse (404, never
403), users of another family or area, and members looking at other members' queries."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils.html import escape

from cases.members.models import EnquiryStatus
from ehcp_portal.accounts.models import Role
from tests.cases.members.factories import MemberEnquiryFactory, MemberFactory
from tests.factories import CaseFactory, TeamFactory, UserFactory, family_for

ROLE_PAGES = {
    "members:home": {Role.ELECTED_MEMBER},
    "members:enquiry_new": {Role.ELECTED_MEMBER},
    "members:inbox": {Role.TEAM_MANAGER, Role.CASEWORKER},
    "members:reports": {Role.TEAM_MANAGER},
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
    assert reverse("account_login") in response["Location"]


def test_admin_is_refused_too(client, db):
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    for url_name in ROLE_PAGES:
        assert client.get(reverse(url_name)).status_code == 404


# --- the member's own query ---------------------------------------------------------------------


@pytest.fixture
def enquiry(member, case):
    return MemberEnquiryFactory(member=member, area=case.area)


def test_member_sees_own_query(client, member, enquiry):
    client.force_login(member)
    assert client.get(reverse("members:enquiry", args=[enquiry.public_id])).status_code == 200


def test_another_members_query_is_404_and_absent_from_their_list(client, enquiry):
    other = MemberFactory(ward=enquiry.member_ward)  # even a member for the same ward
    client.force_login(other)
    assert client.get(reverse("members:enquiry", args=[enquiry.public_id])).status_code == 404
    assert str(enquiry.public_id) not in client.get(reverse("members:home")).content.decode()


def test_unknown_and_forbidden_queries_look_the_same(client, enquiry):
    client.force_login(MemberFactory())
    forbidden = client.get(reverse("members:enquiry", args=[enquiry.public_id]))
    unknown = client.get(reverse("members:enquiry", args=[uuid.uuid4()]))
    assert forbidden.status_code == unknown.status_code == 404
    assert client.get("/members/queries/1/").status_code == 404  # no database ids


@pytest.mark.parametrize("role", [r for r in NON_ADMIN_ROLES if r != Role.ELECTED_MEMBER])
def test_member_query_page_is_404_for_other_roles(client, user_of_role, enquiry, role):
    client.force_login(user_of_role(role, team=enquiry.area.teams.first()))
    assert client.get(reverse("members:enquiry", args=[enquiry.public_id])).status_code == 404


def test_member_cannot_open_their_own_query_on_the_council_side(client, member, enquiry):
    client.force_login(member)
    for name in ("inbox_detail", "inbox_reply", "inbox_match"):
        url = reverse(f"members:{name}", args=[enquiry.public_id])
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, {"reply": "x", "case_reference": "x"}).status_code == 404


# --- the council's side -------------------------------------------------------------------------


def test_inbox_detail_for_area_manager_and_assigned_officer(client, enquiry, manager, caseworker):
    enquiry.assigned_officer = caseworker
    enquiry.status = EnquiryStatus.ASSIGNED
    enquiry.save()
    url = reverse("members:inbox_detail", args=[enquiry.public_id])
    for user in (manager, caseworker):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_inbox_detail_is_404_for_unassigned_caseworker_even_in_the_same_team(client, enquiry, team):
    colleague = UserFactory(role=Role.CASEWORKER, team=team)
    client.force_login(colleague)
    url = reverse("members:inbox_detail", args=[enquiry.public_id])
    assert client.get(url).status_code == 404
    assert str(enquiry.public_id) not in client.get(reverse("members:inbox")).content.decode()


def test_inbox_pages_are_404_for_staff_of_another_area(client, enquiry, user_of_role):
    for role in (Role.TEAM_MANAGER, Role.CASEWORKER):
        client.force_login(user_of_role(role))  # a new team in a new area
        for name in ("inbox_detail",):
            url = reverse(f"members:{name}", args=[enquiry.public_id])
            assert client.get(url).status_code == 404
        for name, data in POSTS.items():
            url = reverse(f"members:{name}", args=[enquiry.public_id])
            assert client.post(url, data).status_code == 404
        body = client.get(reverse("members:inbox")).content.decode()
        assert str(enquiry.public_id) not in body
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.RECEIVED and enquiry.case is None


def test_unrouted_query_is_in_every_managers_inbox_but_no_caseworkers(client, member, user_of_role):
    unrouted = MemberEnquiryFactory(member=member, area=None)
    url = reverse("members:inbox_detail", args=[unrouted.public_id])
    client.force_login(user_of_role(Role.TEAM_MANAGER))
    assert client.get(url).status_code == 200
    client.force_login(user_of_role(Role.CASEWORKER))
    assert client.get(url).status_code == 404


POSTS = {
    "inbox_match": {"case_reference": "EHC-2026-000001"},
    "inbox_route": {"area": "1"},
    "inbox_assign": {"officer": "1"},
    "inbox_reply": {"reply": "A reply"},
    "inbox_close": {"reason": "A reason"},
}
TRIAGE = ("inbox_match", "inbox_route", "inbox_assign")


@pytest.mark.parametrize("name", TRIAGE)
def test_triage_is_for_managers_not_the_assigned_officer(client, enquiry, caseworker, name):
    enquiry.assigned_officer = caseworker
    enquiry.status = EnquiryStatus.ASSIGNED
    enquiry.save()
    client.force_login(caseworker)
    url = reverse(f"members:{name}", args=[enquiry.public_id])
    assert client.post(url, POSTS[name]).status_code == 404


@pytest.mark.parametrize("name", ["inbox_reply", "inbox_close"])
def test_assigned_officer_may_reply_and_close(client, enquiry, caseworker, name):
    enquiry.assigned_officer = caseworker
    enquiry.status = EnquiryStatus.ASSIGNED
    enquiry.save()
    client.force_login(caseworker)
    response = client.post(reverse(f"members:{name}", args=[enquiry.public_id]), POSTS[name])
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert not enquiry.is_open


@pytest.mark.parametrize("name", list(POSTS))
@pytest.mark.parametrize(
    "role",
    [r for r in NON_ADMIN_ROLES if r not in (Role.TEAM_MANAGER, Role.CASEWORKER)],
)
def test_council_actions_are_404_for_non_staff_roles(client, user_of_role, enquiry, name, role):
    client.force_login(user_of_role(role))
    response = client.post(reverse(f"members:{name}", args=[enquiry.public_id]), POSTS[name])
    assert response.status_code == 404


@pytest.mark.parametrize("name", list(POSTS))
def test_council_actions_are_post_only(client, enquiry, manager, name):
    client.force_login(manager)
    assert client.get(reverse(f"members:{name}", args=[enquiry.public_id])).status_code == 405


# --- the family's consent page ------------------------------------------------------------------


def test_family_page_for_the_family(client, case, parent, enquiry):
    enquiry.case = case
    enquiry.save()
    client.force_login(parent)
    response = client.get(reverse("members:family", args=[case.reference]))
    assert response.status_code == 200
    assert escape(enquiry.member.get_full_name()) in response.content.decode()


def test_family_page_is_404_for_another_family(client, case, parent):
    other = CaseFactory(team=TeamFactory())
    family_for(other)
    enquiry = MemberEnquiryFactory(case=other)
    client.force_login(parent)
    url = reverse("members:family", args=[other.reference])
    assert client.get(url).status_code == 404
    assert client.post(url, {"enquiry": enquiry.public_id, "decision": "grant"}).status_code == 404
    assert not enquiry.member.consents_to_me.exists()


def test_family_cannot_grant_consent_through_a_query_about_another_case(client, case, parent):
    other = CaseFactory(team=TeamFactory())
    elsewhere = MemberEnquiryFactory(case=other)
    client.force_login(parent)
    response = client.post(
        reverse("members:family", args=[case.reference]),
        {"enquiry": str(elsewhere.public_id), "decision": "grant"},
    )
    assert response.status_code == 404
    assert not elsewhere.member.consents_to_me.exists()


def test_family_page_refuses_bad_input_with_404_not_500(client, case, parent):
    client.force_login(parent)
    url = reverse("members:family", args=[case.reference])
    assert client.post(url, {"enquiry": "not-a-uuid\x00", "decision": "grant"}).status_code == 404
    assert client.post(url, {}).status_code == 404


@pytest.mark.parametrize("role", [r for r in NON_ADMIN_ROLES if r not in (Role.PARENT,)])
def test_family_page_is_404_for_every_other_role(client, case, parent, enquiry, role, user_of_role):
    enquiry.case = case
    enquiry.save()
    user = enquiry.member if role == Role.ELECTED_MEMBER else user_of_role(role, team=case.team)
    client.force_login(user)
    url = reverse("members:family", args=[case.reference])
    assert client.get(url).status_code == 404
    assert client.post(url, {"enquiry": enquiry.public_id, "decision": "grant"}).status_code == 404


# --- the case page a member sees with consent ---------------------------------------------------


def _case_url(case):
    return reverse("members:case", args=[case.reference])


def test_member_case_page_needs_a_linked_query_and_active_consent(client, member, case, parent):
    from cases.members.services import member_consent_grant, member_consent_withdraw

    client.force_login(member)
    assert client.get(_case_url(case)).status_code == 404  # not linked, no consent
    member_consent_grant(case=case, member=member, actor=parent)
    assert client.get(_case_url(case)).status_code == 404  # consent but no query on it
    enquiry = MemberEnquiryFactory(member=member, case=case)
    response = client.get(_case_url(case))
    assert response.status_code == 200
    assert case.get_stage_display() in response.content.decode()
    assert str(enquiry.public_id) in response.content.decode()
    member_consent_withdraw(case=case, member=member, actor=parent)
    assert client.get(_case_url(case)).status_code == 404  # at once


def test_member_case_page_is_404_for_another_member_and_unknown_cases(client, member, case, parent):
    from cases.members.services import member_consent_grant

    MemberEnquiryFactory(member=member, case=case)
    member_consent_grant(case=case, member=member, actor=parent)
    other = MemberFactory()
    MemberEnquiryFactory(member=other, case=case)  # linked, but the family consented to `member`
    client.force_login(other)
    assert client.get(_case_url(case)).status_code == 404
    client.force_login(member)
    assert client.get(reverse("members:case", args=["EHC-2099-000001"])).status_code == 404


@pytest.mark.parametrize("role", [r for r in NON_ADMIN_ROLES if r != Role.ELECTED_MEMBER])
def test_member_case_page_is_404_for_other_roles(client, case, parent, user_of_role, role):
    user = parent if role == Role.PARENT else user_of_role(role, team=case.team)
    client.force_login(user)
    assert client.get(_case_url(case)).status_code == 404
