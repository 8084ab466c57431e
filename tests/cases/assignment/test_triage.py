"""A request no rule can place (a postcode outside every configured area) is never lost: it waits
in the council-wide triage queue that every team manager sees, the managers are alerted, a
manager places it in an area and assigns it, and the family is told the truth meanwhile."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cases.assignment.cohort import cohort_import, cohort_rows_read
from cases.assignment.models import CaseworkerProfile
from cases.models import Case, Route
from ehcp_portal import access
from ehcp_portal.accounts.models import Role, User
from ehcp_portal.demo import demo_build
from families.models import FamilyMembership, RequestDraft
from notifications.models import Notification
from tests.cases.test_case_open import _slugs
from tests.factories import AreaFactory, CaseFactory, ChildFactory, TeamFactory, UserFactory
from tests.families.helpers import answer_pages, answers, dob_parts

DOB = date(2017, 9, 1)
OUT_OF_AREA = "SW1A 1AA"
TRIAGE = reverse("assignment:triage")


@pytest.fixture
def council(db):
    """Two areas, each with a team, a manager and a caseworker with room for new cases."""
    made = {}
    for name, districts in (("North", ["ZZ6"]), ("South", ["ZZ11"])):
        area = AreaFactory(name=f"Test {name}", postcode_districts=districts)
        team = TeamFactory(name=f"{name} team", area=area)
        manager = UserFactory(role=Role.TEAM_MANAGER, team=team, full_name=f"{name} Manager")
        team.manager = manager
        team.save()
        worker = UserFactory(role=Role.CASEWORKER, team=team, full_name=f"{name} Worker")
        CaseworkerProfile.objects.create(user=worker)
        made[name] = {"area": area, "team": team, "manager": manager, "worker": worker}
    return made


def _assisted_case(client, author: User, postcode: str) -> Case:
    client.force_login(author)
    client.post(reverse("families:assisted_request_start"))
    draft = RequestDraft.objects.filter(created_by=author).latest("pk")
    pages = answers(dob=DOB, postcode=postcode)
    pages["received"] = {
        **dob_parts(date.today(), "received_on"),
        "channel": "phone",
        "request_source": "1",
    }
    answer_pages(client, draft, pages, _slugs("assisted"))
    response = client.post(reverse("families:request_check", args=[draft.public_id]))
    assert response.status_code == 302
    return Case.objects.filter(route=Route.ASSISTED).latest("pk")


def _family_case(client, postcode: str) -> tuple[Case, User]:
    parent = UserFactory(role=Role.PARENT)
    child = ChildFactory(date_of_birth=DOB)
    FamilyMembership.objects.create(user=parent, child=child, relationship="parent")
    client.force_login(parent)
    client.post(reverse("families:request_start"), {"child": str(child.pk)})
    draft = RequestDraft.objects.get(created_by=parent)
    answer_pages(client, draft, answers(dob=DOB, postcode=postcode), _slugs("family"))
    assert client.post(reverse("families:request_check", args=[draft.public_id])).status_code == 302
    return Case.objects.filter(route=Route.FAMILY, child=child).get(), parent


def test_an_out_of_area_phone_request_reaches_every_manager_who_places_and_assigns_it(
    client, council
):
    north, south = council["North"], council["South"]
    case = _assisted_case(client, north["worker"], OUT_OF_AREA)
    assert case.area is None and case.caseworker is None

    # Its author can open it (they took the call), and so can every team manager.
    assert client.get(reverse("casework:case_detail", args=[case.reference])).status_code == 200
    for manager in (north["manager"], south["manager"]):
        alert = Notification.objects.get(recipient=manager, case=case, channel="in_app")
        assert "SW1A" in alert.body and alert.link == TRIAGE
        client.force_login(manager)
        response = client.get(TRIAGE)
        assert response.status_code == 200
        assert case.reference in response.content.decode()
        detail = client.get(reverse("casework:case_detail", args=[case.reference]))
        assert detail.status_code == 200

    # South's manager places it in South and gives it to South's caseworker.
    place = reverse("assignment:place", args=[case.reference])
    assert client.get(place).status_code == 200
    response = client.post(
        place,
        {"area": south["area"].pk, "caseworker": south["worker"].pk, "note": "Family moved"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.area, case.team, case.caseworker) == (
        south["area"],
        south["team"],
        south["worker"],
    )
    assert case.events.filter(kind="triage_placed", actor=south["manager"]).exists()
    assert list(client.get(TRIAGE).context["page"].object_list) == []


def test_placing_without_a_caseworker_lets_the_rules_choose_in_that_area(client, council):
    case = _assisted_case(client, council["North"]["worker"], OUT_OF_AREA)
    client.force_login(council["North"]["manager"])
    response = client.post(
        reverse("assignment:place", args=[case.reference]),
        {"area": council["North"]["area"].pk, "caseworker": "", "note": ""},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.area == council["North"]["area"]
    assert case.caseworker == council["North"]["worker"]


def test_a_caseworker_of_another_area_is_refused_with_the_answers_kept(client, council):
    case = _assisted_case(client, council["North"]["worker"], OUT_OF_AREA)
    client.force_login(council["North"]["manager"])
    response = client.post(
        reverse("assignment:place", args=[case.reference]),
        {
            "area": council["North"]["area"].pk,
            "caseworker": council["South"]["worker"].pk,
            "note": "kept",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and "kept" in body
    case.refresh_from_db()
    assert case.area is None


def test_the_family_is_told_the_truth_while_the_case_waits_for_an_area(client, council):
    case, parent = _family_case(client, OUT_OF_AREA)
    client.force_login(parent)
    body = client.get(reverse("families:track", args=[case.reference])).content.decode()
    assert "choosing a caseworker" not in body
    assert "checking which of our teams covers your address" in body


@pytest.mark.parametrize("role", [r for r in Role if r != Role.TEAM_MANAGER])
def test_the_triage_pages_do_not_exist_for_other_roles(client, council, role):
    case = _assisted_case(client, council["North"]["worker"], OUT_OF_AREA)
    client.force_login(UserFactory(role=role, team=council["North"]["team"]))
    assert client.get(TRIAGE).status_code == 404
    assert client.get(reverse("assignment:place", args=[case.reference])).status_code == 404


def test_a_placed_case_is_no_longer_the_business_of_other_areas_managers(client, council):
    case = CaseFactory(team=council["South"]["team"], caseworker=None)
    client.force_login(council["North"]["manager"])
    assert client.get(reverse("assignment:place", args=[case.reference])).status_code == 404


@pytest.mark.parametrize("n", [3, 30])
def test_triage_queue_runs_a_fixed_number_of_queries(client, council, n, django_assert_num_queries):
    for _ in range(n):
        CaseFactory(team=None, area=None, caseworker=None, child=ChildFactory(postcode=OUT_OF_AREA))
    client.force_login(council["North"]["manager"])
    # session, user, count, the page of cases with their children, the unread notifications
    # count in the header
    with django_assert_num_queries(5):
        response = client.get(TRIAGE)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(n, 25)


def _cohort(rows: str) -> None:
    header = "first_name,last_name,date_of_birth,postcode,setting_urn,looked_after,needs\n"
    cohort_import(rows=cohort_rows_read(header + rows), filename="cohort.csv")


def test_every_open_case_is_seen_by_a_manager_and_is_in_someones_queue(client, council):
    """The invariant, over every route into a case, inside and outside the areas."""
    demo_build(seed=7, cases=40)  # the demo's cases first: it numbers its own references
    north = council["North"]
    # Fill North's only caseworker, so the rules leave some cases in the area's queue.
    CaseworkerProfile.objects.filter(user=north["worker"]).update(target_caseload=3)
    for postcode in ("ZZ6 2AB", OUT_OF_AREA):
        _family_case(client, postcode)
        _assisted_case(client, north["worker"], postcode)
    for _ in range(3):
        _assisted_case(client, north["worker"], "ZZ6 3CD")
    _cohort("Ola,Nowak,2016-03-03,zz6 2ab,,no,ASD\nIan,Out,2016-03-03,SW1A 1AA,,no,ASD\n")
    managers = list(User.objects.filter(role=Role.TEAM_MANAGER))
    open_cases = list(Case.objects.filter(is_open=True))
    assert {c.route for c in open_cases} >= {"family", "assisted", "cohort"}
    assert any(c.area_id is None for c in open_cases)
    assert any(c.area_id and c.caseworker_id is None for c in open_cases)

    seen = set()
    for manager in managers:
        seen |= set(access.cases_for(manager, access.CASE_REASSIGN).values_list("pk", flat=True))
    lost = [c.reference for c in open_cases if c.pk not in seen]
    assert lost == [], "open cases no manager can see"

    from cases.assignment.selectors import queue_of_case

    unqueued = [c.reference for c in open_cases if queue_of_case(c) is None]
    assert unqueued == [], "open cases in nobody's queue"
