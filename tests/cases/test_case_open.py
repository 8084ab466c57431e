"""One way a case comes into being: every route places it by the same area and team rule, and
the assignment app's after-open hook assigns it without ever losing it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.assignment.cohort import cohort_import, cohort_rows_read
from cases.assignment.models import AssignmentDecision
from cases.models import Case, Route, Stage
from cases.selectors import area_for_postcode, areas_by_district, team_for_area
from cases.services import case_open
from ehcp_portal.accounts.models import Role, User
from families.models import FamilyMembership, RequestDraft
from families.steps import STEPS
from tests.factories import AreaFactory, ChildFactory, SettingFactory, TeamFactory, UserFactory
from tests.families.helpers import answer_pages, answers, dob_parts

DOB = date(2017, 9, 1)


@pytest.fixture
def area(db):
    """Two teams whose name order and creation order disagree, so a rule by pk would show."""
    AreaFactory(name="Aardvark", postcode_districts=[])  # sorts first, serves nothing here
    area = AreaFactory(name="Inner North West", postcode_districts=["ls6 ", "LS4"])
    TeamFactory(name="West team", area=area)  # lower pk
    TeamFactory(name="North team", area=area)  # first by name: the receiving team
    return area


def _slugs(route: str, family_part: bool | None = None) -> list[str]:
    return [
        s.slug
        for s in STEPS
        if route in s.routes and (family_part is None or s.family_part == family_part)
    ]


def _family_case(client) -> Case:
    parent = UserFactory(role=Role.PARENT)
    child = ChildFactory(date_of_birth=DOB)
    FamilyMembership.objects.create(user=parent, child=child, relationship="parent")
    client.force_login(parent)
    client.post(reverse("families:request_start"), {"child": str(child.pk)})
    draft = RequestDraft.objects.get(created_by=parent)
    answer_pages(client, draft, answers(dob=DOB, postcode="ls6 2ab"), _slugs("family"))
    assert client.post(reverse("families:request_check", args=[draft.public_id])).status_code == 302
    return Case.objects.get(route=Route.FAMILY)


def _school_case(client) -> Case:
    senco = UserFactory(role=Role.SCHOOL, setting=SettingFactory())
    client.force_login(senco)
    client.post(reverse("families:school_request_start"))
    draft = RequestDraft.objects.get(created_by=senco)
    pages = answers(dob=DOB, postcode="LS6 2AB")
    pages["parent-told"] = {
        **dob_parts(timezone.localdate() - timedelta(days=1), "told_on"),
        "told_how": "meeting",
    }
    answer_pages(client, draft, pages, _slugs("school", family_part=False))
    client.force_login(User.objects.get(email="sara@example.test"))
    answer_pages(client, draft, pages, _slugs("school", family_part=True))
    client.force_login(senco)
    assert client.post(reverse("families:request_check", args=[draft.public_id])).status_code == 302
    return Case.objects.get(route=Route.SCHOOL)


def _assisted_case(client) -> Case:
    caseworker = UserFactory(role=Role.CASEWORKER)
    client.force_login(caseworker)
    client.post(reverse("families:assisted_request_start"))
    draft = RequestDraft.objects.get(created_by=caseworker)
    pages = answers(dob=DOB, postcode="LS62AB")
    pages["received"] = {
        **dob_parts(timezone.localdate(), "received_on"),
        "channel": "paper",
        "request_source": "1",
    }
    answer_pages(client, draft, pages, _slugs("assisted"))
    assert client.post(reverse("families:request_check", args=[draft.public_id])).status_code == 302
    return Case.objects.get(route=Route.ASSISTED)


def _cohort_case() -> Case:
    rows = cohort_rows_read(
        "first_name,last_name,date_of_birth,postcode,setting_urn,looked_after,needs\n"
        "Ola,Nowak,2016-03-03,ls6  2ab,,no,ASD\n"
    )
    record = cohort_import(rows=rows, filename="cohort.csv")
    assert record.created_count == 1, record.report
    return Case.objects.get(route=Route.COHORT)


@pytest.mark.parametrize("route", ["family", "school", "assisted", "cohort"])
def test_every_route_places_the_case_by_the_same_area_and_team_rule(client, area, route):
    make = {
        "family": lambda: _family_case(client),
        "school": lambda: _school_case(client),
        "assisted": lambda: _assisted_case(client),
        "cohort": _cohort_case,
    }[route]
    case = make()
    assert case.area == area == area_for_postcode("LS6 2AB")
    assert case.team.name == "North team" == team_for_area(area).name
    assert case.stage == Stage.RECEIVED and case.is_open
    assert case.next_deadline_key == "decision_to_assess"
    assert case.events.filter(kind="request_received").count() == 1


def test_area_rule_normalises_postcodes_and_districts_alike(area):
    assert area_for_postcode(" ls4 1aa") == area
    assert area_for_postcode("ZZ9 9ZZ") is None
    assert area_for_postcode("not a postcode") is None
    assert areas_by_district() == {"LS6": area, "LS4": area}


def test_a_district_claimed_by_two_areas_goes_to_the_first_by_name(area):
    other = AreaFactory(name="Central", postcode_districts=["LS6"])
    assert area_for_postcode("LS6 2AB") == other
    assert areas_by_district()["LS6"] == other


def _open(child, actor) -> Case:
    return case_open(
        child=child,
        received_on=timezone.localdate(),
        route=Route.FAMILY,
        channel="online",
        needs=["ASD"],
        requested_by=actor,
        actor=actor,
        data={"route": "family"},
    )


def test_case_open_runs_the_assignment_hook_which_assigns_by_the_rules(area):
    worker = UserFactory(role=Role.CASEWORKER, team=area.teams.get(name="North team"))
    parent = UserFactory(role=Role.PARENT)
    case = _open(ChildFactory(postcode="LS6 2AB"), parent)
    case.refresh_from_db()
    assert case.caseworker == worker
    assert AssignmentDecision.objects.get(case=case).caseworker == worker
    assert list(case.events.order_by("pk").values_list("kind", flat=True)) == [
        "request_received",
        "assigned",
    ]


def test_an_assignment_failure_keeps_the_case_in_the_unassigned_queue(area, monkeypatch, caplog):
    def broken(*, case: Case, **kwargs: object) -> None:
        Case.objects.filter(pk=case.pk).update(priority=42)
        raise RuntimeError("rules misconfigured")

    monkeypatch.setattr("cases.assignment.decisions.case_assign", broken)
    case = _open(ChildFactory(postcode="LS6 2AB"), UserFactory(role=Role.PARENT))
    case.refresh_from_db()
    assert case.caseworker is None and case.area == area  # kept, in its area's queue
    assert case.priority == 0  # the failed assignment's writes rolled back to its savepoint
    assert case.events.filter(kind="request_received").exists()
    assert "Assignment failed" in caplog.text
