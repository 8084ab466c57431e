"""The access policy: for each role's pages, every other role is refused (404, not 403), and
case pages reveal nothing to users of other families or areas."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory, UserFactory, family_for

ROLE_HOMES = {
    Role.PARENT: "families:home",
    Role.SCHOOL: "schools:home",
    Role.ADVICE_GIVER: "advice:home",
    Role.CASEWORKER: "casework:caseload",
    Role.TEAM_MANAGER: "casework:team",
    Role.PANEL_MEMBER: "panels:home",
    Role.ELECTED_MEMBER: "members:home",
}
# Pages several roles share.
ALSO_ALLOWED = {
    "families:home": {Role.YOUNG_PERSON},
    "casework:caseload": {Role.TEAM_MANAGER},
    # Schools are asked for educational advice (reg 6(1)(b)): they have the advice inbox too.
    "advice:home": {Role.SCHOOL},
}

# Staff who read case records: caseworkers and managers of the area, the head of service.
CASE_READERS = (Role.CASEWORKER, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE)


@pytest.mark.parametrize("owner_role,url_name", ROLE_HOMES.items())
@pytest.mark.parametrize("visitor_role", [r for r in Role if r != Role.ADMIN])
def test_role_home_pages_refuse_other_roles(
    client, user_of_role, owner_role, url_name, visitor_role
):
    client.force_login(user_of_role(visitor_role))
    response = client.get(reverse(url_name))
    allowed = visitor_role == owner_role or visitor_role in ALSO_ALLOWED.get(url_name, set())
    assert response.status_code == (200 if allowed else 404)


@pytest.mark.parametrize("url_name", ROLE_HOMES.values())
def test_role_home_pages_need_sign_in(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("role", list(ROLE_HOMES))
def test_each_role_lands_on_its_home_page(client, user_of_role, role):
    client.force_login(user_of_role(role))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(ROLE_HOMES[role])


def test_admin_lands_on_configuration(client, db):
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    assert client.get(reverse("home"))["Location"] == reverse("admin:index")


def test_case_page_for_own_caseworker_team_and_area_manager(client, case, caseworker, manager):
    url = reverse("casework:case_detail", args=[case.reference])
    for user in (caseworker, manager, UserFactory(role=Role.CASEWORKER, team=case.team)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert escape(case.child.full_name) in response.content.decode()


@pytest.mark.parametrize("role", [r for r in Role if r not in CASE_READERS])
def test_case_page_is_404_for_non_staff_roles(client, case, user_of_role, role):
    family_for(case)  # the case has a family; even they do not see the staff page
    client.force_login(user_of_role(role))
    assert client.get(reverse("casework:case_detail", args=[case.reference])).status_code == 404


def test_case_page_is_404_for_staff_of_another_area(client, case, user_of_role):
    for role in (Role.CASEWORKER, Role.TEAM_MANAGER):
        client.force_login(user_of_role(role))  # in a new team in a new area
        response = client.get(reverse("casework:case_detail", args=[case.reference]))
        assert response.status_code == 404


def test_unknown_and_forbidden_references_look_the_same(client, case, user_of_role):
    client.force_login(user_of_role(Role.CASEWORKER))
    forbidden = client.get(reverse("casework:case_detail", args=[case.reference]))
    unknown = client.get(reverse("casework:case_detail", args=["EHC-2099-999999"]))
    assert forbidden.status_code == unknown.status_code == 404


def test_family_tracks_own_case_but_not_another_familys(client, case, parent):
    other = CaseFactory(team=TeamFactory())
    family_for(other)
    client.force_login(parent)
    assert client.get(reverse("families:track", args=[case.reference])).status_code == 200
    assert client.get(reverse("families:track", args=[other.reference])).status_code == 404


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.PARENT, Role.YOUNG_PERSON)])
def test_tracker_is_404_for_every_non_family_role(client, case, parent, user_of_role, role):
    client.force_login(user_of_role(role))
    assert client.get(reverse("families:track", args=[case.reference])).status_code == 404


def test_caseload_lists_only_own_and_team_cases(client, case, caseworker):
    elsewhere = CaseFactory(team=TeamFactory())
    client.force_login(caseworker)
    body = client.get(reverse("casework:caseload")).content.decode()
    assert case.reference in body
    assert elsewhere.reference not in body


def test_head_of_service_reads_a_case_of_any_area_but_cannot_act_on_it(client, case, user_of_role):
    client.force_login(user_of_role(Role.HEAD_OF_SERVICE))
    response = client.get(reverse("casework:case_detail", args=[case.reference]))
    assert response.status_code == 200
    assert escape(case.child.full_name) in response.content.decode()
    reassign = client.get(reverse("casework:reassign", args=[case.reference]))
    assert reassign.status_code in (403, 404)


def test_may_each_answers_as_may_does_and_asks_once_per_different_rule(
    case, caseworker, manager, user_of_role, django_assert_num_queries
):
    from ehcp_portal import access

    actions = [access.CASE_VIEW, access.CASE_WORK, access.CASE_REASSIGN]
    elsewhere = CaseFactory(team=TeamFactory())
    head = user_of_role(Role.HEAD_OF_SERVICE)
    parent = user_of_role(Role.PARENT)
    for user in (caseworker, manager, head, parent):
        for subject in (case, elsewhere):
            expected = {
                a: access.has_rule(access.CASE, a, user.role) and access.may(user, a, subject)
                for a in actions
            }
            assert access.may_each(user, actions, subject) == expected
    # A manager's work and reassign rules are one condition (their area): one query for both.
    with django_assert_num_queries(1):
        answers = access.may_each(manager, [access.CASE_WORK, access.CASE_REASSIGN], case)
    assert answers == {access.CASE_WORK: True, access.CASE_REASSIGN: True}
    with django_assert_num_queries(1):
        answers = access.may_each(manager, [access.CASE_WORK, access.CASE_REASSIGN], elsewhere)
    assert answers == {access.CASE_WORK: False, access.CASE_REASSIGN: False}


def test_a_case_found_under_a_rule_answers_that_rule_and_no_other(
    case, caseworker, manager, django_assert_num_queries
):
    """case_or_404 notes the condition it found the case under: a manager views and works
    their area's cases by one condition, so the page's question costs nothing; a caseworker
    works fewer cases than they view, so theirs is still asked, and answered as may() does."""
    from ehcp_portal import access

    found = access.case_or_404(manager, case.reference)
    with django_assert_num_queries(0):
        answers = access.may_each(manager, [access.CASE_WORK, access.CASE_REASSIGN], found)
    assert answers == {access.CASE_WORK: True, access.CASE_REASSIGN: True}
    # Found by one user, asked about by another: asked of the database.
    expected = access.may(caseworker, access.CASE_WORK, case)
    with django_assert_num_queries(1):
        assert access.may_each(caseworker, [access.CASE_WORK], found) == {
            access.CASE_WORK: expected
        }
    viewed_elsewhere = CaseFactory(team=case.team)  # the team's case, not the caseworker's
    seen = access.case_or_404(caseworker, viewed_elsewhere.reference)
    with django_assert_num_queries(1):
        answers = access.may_each(caseworker, [access.CASE_WORK], seen)
    assert answers == {access.CASE_WORK: access.may(caseworker, access.CASE_WORK, seen)}
