"""The kept open-case counts (cases.models.OpenCaseCount) always equal a COUNT over the cases,
whichever service changes a case: opening, assignment by the rules, a manager's override, a
bulk reassignment, placing a triage case, closing, a bulk insert, a deletion; and two sessions
changing the same caseworker's cases at once lose nothing."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.db.models import Count

from cases.assignment.decisions import case_assign, case_assignment_override
from cases.assignment.triage import case_place
from cases.casework.services import cases_reassign
from cases.models import Case, OpenCaseCount, Route
from cases.services import case_open
from cases.workflow import case_transition
from ehcp_portal.accounts.models import Role
from tests.factories import AreaFactory, CaseFactory, ChildFactory, TeamFactory, UserFactory


def _counted() -> Counter[tuple[str, int]]:
    """What the counts must be: a COUNT of open cases by each scope."""
    expected: Counter[tuple[str, int]] = Counter()
    open_cases = Case.objects.filter(is_open=True).order_by()
    for scope, column, extra in (
        ("caseworker", "caseworker_id", {}),
        ("team", "team_id", {}),
        ("area", "area_id", {}),
        ("area_unassigned", "area_id", {"caseworker__isnull": True}),
    ):
        rows = (
            open_cases.filter(**{f"{column}__isnull": False}, **extra)
            .values(column)
            .annotate(n=Count("pk"))
        )
        for row in rows:
            expected[(scope, row[column])] = row["n"]
    return expected


def _kept() -> Counter[tuple[str, int]]:
    return Counter(
        {
            (row.scope, row.scope_id): row.open_cases
            for row in OpenCaseCount.objects.all()
            if row.open_cases  # a count back at zero is the same as none
        }
    )


def assert_counts_true() -> None:
    assert _kept() == _counted()


@pytest.fixture
def place(db):
    north = AreaFactory(name="North", postcode_districts=["LS6"])
    south = AreaFactory(name="South", postcode_districts=["LS17"])
    teams = {north: TeamFactory(area=north), south: TeamFactory(area=south)}
    workers = {
        area: [UserFactory(role=Role.CASEWORKER, team=team) for _ in range(3)]
        for area, team in teams.items()
    }
    manager = UserFactory(role=Role.TEAM_MANAGER, team=teams[north])
    teams[north].manager = manager
    teams[north].save()
    return north, south, teams, workers, manager


def test_every_service_that_changes_a_case_keeps_the_counts_true(place):
    north, south, teams, workers, manager = place
    assert_counts_true()

    # Opening through the one service (the assignment hook chooses a caseworker).
    opened = [
        case_open(
            child=ChildFactory(postcode="LS6 1AA"),
            received_on=date(2025, 9, 1),
            route=Route.FAMILY,
            channel="online",
            needs=["ASD"],
            requested_by=None,
            actor=None,
        )
        for _ in range(4)
    ]
    assert all(case.area_id == north.pk for case in opened)
    assert OpenCaseCount.objects.get(scope="area", scope_id=north.pk).open_cases == 4
    assert_counts_true()

    # A bulk insert (as seed_demo and the cohort import's batches write).
    Case.objects.bulk_create(
        [
            CaseFactory.build(
                child=ChildFactory(),
                team=teams[south],
                area=south,
                caseworker=workers[south][i % 3],
            )
            for i in range(7)
        ]
        + [
            CaseFactory.build(child=ChildFactory(), team=teams[south], area=south, caseworker=None)
            for _ in range(2)
        ]
    )
    assert OpenCaseCount.objects.get(scope="area_unassigned", scope_id=south.pk).open_cases == 2
    assert_counts_true()

    # The rules assign an unassigned case; a manager overrides; a bulk reassignment.
    waiting = Case.objects.filter(area=south, caseworker__isnull=True).first()
    assert waiting is not None
    case_assign(case=waiting)
    assert_counts_true()
    case = Case.objects.get(pk=opened[0].pk)
    case_assignment_override(
        case=case, caseworker=workers[north][2], actor=manager, reason="Balancing caseloads"
    )
    assert_counts_true()
    picked = [
        (c.reference, str(c.caseworker_id or ""))
        for c in Case.objects.filter(area=north).order_by("pk")[:3]
    ]
    result = cases_reassign(
        user=manager, picked=picked, caseworker=workers[north][1], reason="Leave cover"
    )
    assert result.moved
    assert_counts_true()

    # A case no area rule placed, then placed by a manager.
    stray = case_open(
        child=ChildFactory(postcode="ZZ9 9ZZ"),
        received_on=date(2025, 9, 2),
        route=Route.FAMILY,
        channel="online",
        needs=[],
        requested_by=None,
        actor=None,
    )
    assert stray.area_id is None
    assert_counts_true()
    case_place(case=stray, area=north, caseworker=workers[north][0], actor=manager)
    assert_counts_true()

    # Closing through the workflow, then deleting.
    closing = Case.objects.get(pk=opened[1].pk)
    case_transition(
        case=closing, action="refuse_to_assess", actor=manager, reasons="Needs are met already."
    )
    assert not Case.objects.get(pk=closing.pk).is_open
    assert_counts_true()
    Case.objects.filter(area=south, caseworker=workers[south][0]).delete()
    assert_counts_true()


@pytest.mark.django_db(transaction=True)
def test_two_sessions_assigning_to_one_caseworker_at_once_count_both(place):
    north, _, teams, workers, manager = place
    chosen = workers[north][0]
    cases = [CaseFactory(team=teams[north], caseworker=workers[north][1]) for _ in range(6)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def move(batch: list[Case]) -> None:
        try:
            barrier.wait()
            for case in batch:
                case_assignment_override(
                    case=case, caseworker=chosen, actor=manager, reason="Balancing caseloads"
                )
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(cases[i::2],)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert OpenCaseCount.objects.get(scope="caseworker", scope_id=chosen.pk).open_cases == 6
    assert_counts_true()
