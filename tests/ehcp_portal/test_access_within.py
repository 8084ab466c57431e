"""The policy applied knowing a list's narrowing (`access.objects_for(..., within=...)`): the
same objects as the policy and the narrowing side by side, for every role and action, with
the conditions the narrowing settles left out of the SQL."""

from __future__ import annotations

import pytest
from django.db.models import Q

from ehcp_portal import access
from ehcp_portal.access import NOTHING, rules_knowing
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory, UserFactory, family_for

AREA = {"area_id": 3}


@pytest.mark.parametrize(
    "rule,known,expected",
    [
        # a manager's rules for their own area's list: their area, and the council's triage
        (Q(area_id=3) | Q(area__isnull=True), AREA, True),
        (Q(area_id=3) | Q(area__isnull=True), {"area_id": 4}, False),
        (Q(area_id=3) | Q(area__isnull=True), {"area_id": None}, True),
        (Q(area_id=3) | Q(area_id__isnull=True), {"area_id": 4}, False),
        # a caseworker's: nothing the area settles
        (Q(caseworker_id=5) | Q(team_id=2), AREA, Q(caseworker_id=5) | Q(team_id=2)),
        (
            Q(caseworker_id=5) | Q(area__isnull=True, requested_by_id=7),
            AREA,
            Q(caseworker_id=5),
        ),
        (
            Q(caseworker_id=5) | Q(area__isnull=True, requested_by_id=7),
            {"area_id": None},
            Q(caseworker_id=5) | Q(requested_by_id=7),
        ),
        (~Q(area_id=3), AREA, False),
        (~Q(area_id=3, team_id=2), {"area_id": 4}, True),
        (~Q(area_id=3, team_id=2), AREA, ~Q(team_id=2)),
        (Q(), AREA, True),  # the head of service: every case
        (NOTHING, AREA, NOTHING),
        # only whole numbers and None are compared: anything else stays a condition
        (Q(area_id="3"), AREA, Q(area_id="3")),
        (Q(area_id=3), {"area_id": "3"}, Q(area_id=3)),
        (Q(area__name="East"), AREA, Q(area__name="East")),
        (Q(area=3), AREA, Q(area=3)),
    ],
)
def test_rules_knowing_settles_only_what_the_known_values_decide(rule, known, expected):
    assert rules_knowing(rule, known) == expected


@pytest.fixture
def council(db):
    """Two areas with their staff and cases, a case in triage, a family and the head of
    service: every rule of the case policy has something to let in and something to keep out."""
    east, west = TeamFactory(), TeamFactory()
    staff = {
        "east caseworker": UserFactory(role=Role.CASEWORKER, team=east),
        "east manager": UserFactory(role=Role.TEAM_MANAGER, team=east),
        "west manager": UserFactory(role=Role.TEAM_MANAGER, team=west),
        "head of service": UserFactory(role=Role.HEAD_OF_SERVICE),
        "manager with no team": UserFactory(role=Role.TEAM_MANAGER),
    }
    worker = staff["east caseworker"]
    cases = [
        CaseFactory(team=east, caseworker=worker),
        CaseFactory(team=TeamFactory(area=east.area)),  # the area's other team
        CaseFactory(team=west),
        CaseFactory(team=None, area=None, requested_by=worker),  # entered, in triage
        CaseFactory(team=None, area=None),
        CaseFactory(team=east, caseworker=worker, closed=True),
    ]
    staff["parent"] = family_for(cases[0])
    staff["other parent"] = family_for(cases[2])
    return staff, [east.area_id, west.area_id, None]


@pytest.mark.parametrize(
    "action", [access.CASE_VIEW, access.CASE_WORK, access.CASE_REASSIGN, access.CASE_TRACK]
)
def test_within_gives_what_the_policy_and_the_narrowing_give(council, action):
    staff, areas = council
    for who, user in staff.items():
        for area_id in areas:
            narrowed = access.cases_for(user, action).filter(area_id=area_id)
            within = access.cases_for(user, action, within={"area_id": area_id})
            assert sorted(within.values_list("pk", flat=True)) == sorted(
                narrowed.values_list("pk", flat=True)
            ), (who, area_id)


def test_a_managers_area_list_asks_for_the_area_alone(council):
    staff, (east, _west, _none) = council
    sql = str(access.cases_for(staff["east manager"], within={"area_id": east}).query)
    assert "IS NULL" not in sql and sql.count('"area_id" =') == 1
