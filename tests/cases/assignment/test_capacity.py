"""One capacity model (rules.caseworker_capacity: the FTE-weighted target on the caseworker's
profile), read the same way by the team page, the assignment rules and rebalancing."""

from __future__ import annotations

import re
from decimal import Decimal

from django.urls import reverse

from cases.assignment.models import AssignmentDecision
from cases.models import Case
from tests.factories import CaseFactory, ChildFactory

REBALANCE = reverse("assignment:rebalance")


def _fingerprint(body: str) -> str:
    return re.search(r'name="fingerprint" value="(\w+)"', body).group(1)


def test_the_team_page_shows_each_caseworkers_capacity_from_their_profile(
    client, manager, team, make_worker
):
    half_time = make_worker(team, open_cases=18, fte=Decimal("0.50"), target_caseload=30)
    full_time = make_worker(team, open_cases=84, target_caseload=150)
    client.force_login(manager)
    response = client.get(reverse("casework:team"))
    loads = {load.caseworker: load for load in response.context["loads"]}
    assert (loads[half_time].capacity, loads[half_time].load_percent) == (15, 120)
    assert loads[half_time].over_capacity
    assert (loads[full_time].capacity, loads[full_time].load_percent) == (150, 56)
    assert not loads[full_time].over_capacity


def test_a_full_caseworker_gets_no_new_case_which_waits_in_the_queue_with_the_reason(
    client, manager, team, make_worker
):
    full = make_worker(team, open_cases=2, target_caseload=2)
    from cases.assignment.decisions import case_assign

    case = CaseFactory(team=team, caseworker=None, child=ChildFactory())
    decision = case_assign(case=case)
    assert decision.caseworker is None
    assert decision.ineligible == {"at or over their capacity": 1}
    client.force_login(manager)
    body = client.get(reverse("assignment:case", args=[case.reference])).content.decode()
    assert "at or over their capacity" in body
    # A manager may still override: their choice, labelled as over capacity.
    override = reverse("assignment:override", args=[case.reference])
    page = client.get(override).content.decode()
    assert "2 of 2 open cases (at capacity)" in page
    response = client.post(override, {"caseworker": full.pk, "reason": "Knows the family"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.caseworker == full


def test_rebalancing_moves_no_case_onto_a_caseworker_at_capacity(
    client, manager, team, make_worker
):
    leaving = make_worker(team)
    full = make_worker(team, open_cases=4, target_caseload=4)
    roomy = make_worker(team, open_cases=0, target_caseload=2)
    mine = [CaseFactory(team=team, caseworker=leaving) for _ in range(4)]
    client.force_login(manager)
    preview = client.get(REBALANCE, {"caseworker": leaving.pk})
    body = preview.content.decode()
    assert "Unassigned queue" in body
    response = client.post(
        REBALANCE,
        {
            "caseworker": leaving.pk,
            "fingerprint": _fingerprint(body),
            "why": "leaving",
            "reason": "Leaving",
        },
    )
    assert response.status_code == 302
    assert Case.objects.filter(caseworker=full, is_open=True).count() == 4  # unchanged
    assert Case.objects.filter(caseworker=roomy).count() == 2  # up to capacity, no further
    waiting = Case.objects.filter(pk__in=[c.pk for c in mine], caseworker__isnull=True)
    assert waiting.count() == 2
    assert AssignmentDecision.objects.filter(case__in=waiting, caseworker=None).count() == 2


def test_the_manager_picks_which_cases_move_and_the_rest_stay(client, manager, team, make_worker):
    busy = make_worker(team)
    other = make_worker(team)
    first, second, third = (CaseFactory(team=team, caseworker=busy) for _ in range(3))
    client.force_login(manager)
    picked = {"caseworker": busy.pk, "pick": "1", "case": [first.pk, third.pk]}
    preview = client.get(REBALANCE, picked)
    body = preview.content.decode()
    assert f"Stays with {busy}" in body and "Move 2 cases" in body
    response = client.post(
        REBALANCE,
        {**picked, "fingerprint": _fingerprint(body), "why": "", "reason": "Too many cases"},
    )
    assert response.status_code == 302
    assert set(Case.objects.filter(caseworker=other)) == {first, third}
    assert set(Case.objects.filter(caseworker=busy)) == {second}


def test_picking_no_case_is_an_error_not_a_move(client, manager, team, make_worker):
    busy = make_worker(team)
    make_worker(team)
    CaseFactory(team=team, caseworker=busy)
    client.force_login(manager)
    response = client.get(REBALANCE, {"caseworker": busy.pk, "pick": "1"})
    body = response.content.decode()
    assert "govuk-error-summary" in body and "Select the cases to move" in body
    assert "Move 1 case" not in body


def test_a_caseworker_with_no_profile_has_the_councils_default_caseload(client, manager, team):
    """The council sets the default caseload in its profile (admin); assignment and the team
    page both read it for a caseworker who has no assignment profile yet."""
    from cases.assignment.decisions import case_assign
    from cases.assignment.facts import candidates_load
    from cases.models import CouncilProfile
    from ehcp_portal.accounts.models import Role
    from tests.factories import UserFactory

    profile = CouncilProfile.current()
    profile.default_target_caseload = 2
    profile.save()
    newcomer = UserFactory(role=Role.CASEWORKER, team=team)
    CaseFactory(team=team, caseworker=newcomer)
    (candidate,) = [c for c in candidates_load() if c.user_id == newcomer.pk]
    assert candidate.capacity == 2

    CaseFactory(team=team, caseworker=newcomer)  # now at the council's default capacity
    decision = case_assign(case=CaseFactory(team=team, caseworker=None, child=ChildFactory()))
    assert decision.caseworker is None
    assert decision.ineligible == {"at or over their capacity": 1}

    client.force_login(manager)
    team_page = client.get(reverse("casework:team"))
    loads = {load.caseworker: load for load in team_page.context["loads"]}
    assert loads[newcomer].capacity == 2
