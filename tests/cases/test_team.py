"""The team manager's overview: caseloads side by side, the unassigned queue, reassignment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory, UserFactory, family_for

URL = reverse("casework:team")


def _due(days: int) -> dict:
    return {"next_deadline_on": timezone.localdate() + timedelta(days=days)}


def test_caseloads_side_by_side_with_risk_and_breaches(client, manager, team, caseworker):
    other_team = TeamFactory(area=team.area)
    busy = UserFactory(role=Role.CASEWORKER, team=other_team, full_name="Busy Bee")
    for days in (-5, -1, 0, 3, 7, 8, 30):
        CaseFactory(team=team, caseworker=caseworker, **_due(days))
    CaseFactory(team=team, caseworker=caseworker, closed=True, **_due(-9))
    CaseFactory.create_batch(41, team=other_team, caseworker=busy, **_due(60))
    UserFactory(role=Role.CASEWORKER, team=TeamFactory())  # another area: not shown
    client.force_login(manager)
    response = client.get(URL)
    assert response.status_code == 200
    loads = {load.caseworker: load for load in response.context["loads"]}
    assert set(loads) == {caseworker, busy}
    mine = loads[caseworker]
    assert (mine.open_cases, mine.at_risk_this_week, mine.breaches) == (7, 3, 2)
    assert loads[busy].open_cases == 41 and loads[busy].over_capacity
    body = response.content.decode()
    assert "103%" in body and "Busy Bee" in body


def test_unassigned_queue_lists_the_areas_open_cases_without_a_caseworker(client, manager, team):
    waiting = CaseFactory(team=team, caseworker=None, **_due(2))
    CaseFactory(team=team, caseworker=None, closed=True)
    elsewhere = CaseFactory(team=TeamFactory(), caseworker=None)
    client.force_login(manager)
    response = client.get(URL)
    assert [c.reference for c in response.context["unassigned"]] == [waiting.reference]
    assert elsewhere.reference not in response.content.decode()


@pytest.mark.parametrize("n", [5, 50])
def test_team_page_runs_a_fixed_number_of_queries(
    client, manager, team, n, django_assert_num_queries
):
    for i in range(n):
        worker = UserFactory(role=Role.CASEWORKER, team=team)
        CaseFactory(team=team, caseworker=worker, **_due(i - 5))
        CaseFactory(team=team, caseworker=None, **_due(i))
    client.force_login(manager)
    # session, user, manager's area, the ids of the page's caseworkers in order with how
    # many the area has (KeysFirstPaginator: no separate COUNT), then those caseworkers
    # with their kept open-case counts, the deadlines this week and
    # breaches of that page (one aggregate), unassigned queue
    # + the unread notifications count in the header
    # + the council's default caseload, once (these caseworkers have no assignment profile)
    with django_assert_num_queries(9):
        assert client.get(URL).status_code == 200


def test_team_page_shows_capacity_from_profiles_in_the_same_queries(
    client, manager, team, django_assert_num_queries
):
    from decimal import Decimal

    from cases.assignment.models import CaseworkerProfile

    for i in range(4):
        worker = UserFactory(role=Role.CASEWORKER, team=team, full_name=f"Part Timer {i}")
        CaseworkerProfile.objects.create(user=worker, fte=Decimal("0.50"), target_caseload=40)
        CaseFactory(team=team, caseworker=worker, **_due(i))
    client.force_login(manager)
    # as above, less the council's default caseload: every caseworker here has a profile
    with django_assert_num_queries(8):
        body = client.get(URL).content.decode()
    for i in range(4):
        assert f"Part Timer {i}" in body
    assert body.count('data-label="Capacity">20</td>') == 4  # 0.5 FTE of 40


def test_reassign_with_a_recorded_reason(client, manager, team, case, caseworker):
    colleague = UserFactory(role=Role.CASEWORKER, team=TeamFactory(area=team.area))
    client.force_login(manager)
    url = reverse("casework:reassign", args=[case.reference])
    assert client.get(url).status_code == 200
    response = client.post(url, {"caseworker": colleague.pk, "reason": "Balancing caseloads"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.caseworker == colleague and case.team == colleague.team
    event = case.events.get(kind="assignment_override")
    assert event.actor == manager and event.data["reason"] == "Balancing caseloads"
    decision = case.assignment_decisions.get()
    assert (decision.previous_caseworker, decision.caseworker) == (caseworker, colleague)
    assert decision.decided_by == manager and decision.reason == "Balancing caseloads"


def test_reassign_needs_a_reason_and_a_caseworker_of_the_area(client, manager, case):
    outsider = UserFactory(role=Role.CASEWORKER, team=TeamFactory())
    client.force_login(manager)
    url = reverse("casework:reassign", args=[case.reference])
    response = client.post(url, {"caseworker": outsider.pk, "reason": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose a caseworker from the list" in body
    assert "Give the reason for reassigning the case" in body
    response = client.post(url, {"caseworker": case.caseworker.pk, "reason": "x"})
    assert "already assigned" in response.content.decode()
    assert not case.events.filter(kind="assignment_override").exists()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.TEAM_MANAGER])
def test_reassign_is_404_for_every_other_role(client, case, user_of_role, role, caseworker):
    family_for(case)
    user = caseworker if role == Role.CASEWORKER else user_of_role(role)
    client.force_login(user)  # even the case's own caseworker may not reassign
    url = reverse("casework:reassign", args=[case.reference])
    assert client.get(url).status_code == 404
    assert client.post(url, {"caseworker": caseworker.pk, "reason": "x"}).status_code == 404


def test_reassign_is_404_for_a_manager_of_another_area(client, case, user_of_role):
    client.force_login(user_of_role(Role.TEAM_MANAGER))
    assert client.get(reverse("casework:reassign", args=[case.reference])).status_code == 404


def test_team_page_for_a_manager_of_another_area_shows_nothing_of_this_area(
    client, case, caseworker, user_of_role
):
    CaseFactory(team=case.team, caseworker=None)
    client.force_login(user_of_role(Role.TEAM_MANAGER))
    response = client.get(URL)
    assert response.context["loads"] == [] and response.context["unassigned"] == []
    assert escape(caseworker.full_name) not in response.content.decode()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.TEAM_MANAGER])
def test_team_page_is_404_for_other_roles(client, user_of_role, role):
    client.force_login(user_of_role(role))
    assert client.get(URL).status_code == 404
