"""My caseload: the caseworker's open cases, most urgent first, with flags, filters and search."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.models import Stage
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, ChildFactory, TeamFactory, UserFactory

URL = reverse("casework:caseload")


def _rows(response) -> list[str]:
    return [case.reference for case, _flags in response.context["rows"]]


def _due_in(days: int) -> dict:
    return {"next_deadline_on": timezone.localdate() + timedelta(days=days)}


def test_lists_own_open_cases_most_urgent_first(client, caseworker, team):
    later = CaseFactory(caseworker=caseworker, team=team, **_due_in(20))
    overdue = CaseFactory(caseworker=caseworker, team=team, **_due_in(-3))
    soon = CaseFactory(caseworker=caseworker, team=team, **_due_in(2))
    no_deadline = CaseFactory(caseworker=caseworker, team=team, next_deadline_on=None)
    closed = CaseFactory(caseworker=caseworker, team=team, closed=True)
    colleagues = CaseFactory(caseworker=UserFactory(role=Role.CASEWORKER, team=team), team=team)
    client.force_login(caseworker)
    response = client.get(URL)
    assert response.status_code == 200
    assert _rows(response) == [
        overdue.reference,
        soon.reference,
        later.reference,
        no_deadline.reference,
    ]
    body = response.content.decode()
    assert closed.reference not in body and colleagues.reference not in body
    assert "3 days overdue" in body and "2 days left" in body


def test_flags_show_looked_after_transition_and_overdue_advice(client, caseworker, team):
    today = timezone.localdate()
    flagged = CaseFactory(
        caseworker=caseworker,
        team=team,
        child=ChildFactory(looked_after=True, year_group="Year 6"),
        stage=Stage.ASSESSING,
        received_on=today - timedelta(days=80),
        advice_requested_on=today - timedelta(days=43),
        waiting_on_others=True,
    )
    advice_in_time = CaseFactory(
        caseworker=caseworker,
        team=team,
        child=ChildFactory(year_group="Year 4"),
        stage=Stage.ASSESSING,
        received_on=today - timedelta(days=80),
        advice_requested_on=today - timedelta(days=42),  # due today: not overdue yet
        waiting_on_others=True,
    )
    client.force_login(caseworker)
    rows = dict(client.get(URL).context["rows"])
    by_ref = {case.reference: [f.label for f in flags] for case, flags in rows.items()}
    assert by_ref[flagged.reference] == [
        "Looked after",
        "Transition: Year 6 to Year 7",
        "Advice overdue",
    ]
    assert by_ref[advice_in_time.reference] == []


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"due": "week"}, {"soon"}),
        ({"due": "overdue"}, {"overdue"}),
        ({"due": ["week", "overdue"]}, {"soon", "overdue"}),
        ({"waiting": "on"}, {"waiting"}),
        ({"stage": Stage.ASSESSING}, {"waiting"}),
    ],
)
def test_filters(client, caseworker, team, query, expected):
    cases = {
        "soon": CaseFactory(caseworker=caseworker, team=team, **_due_in(7)),
        "overdue": CaseFactory(caseworker=caseworker, team=team, **_due_in(-1)),
        "later": CaseFactory(caseworker=caseworker, team=team, **_due_in(8)),
        "waiting": CaseFactory(
            caseworker=caseworker,
            team=team,
            stage=Stage.ASSESSING,
            waiting_on_others=True,
            **_due_in(30),
        ),
    }
    client.force_login(caseworker)
    shown = set(_rows(client.get(URL, query)))
    assert shown == {cases[name].reference for name in expected}


def test_area_filter_for_a_manager(client, manager, team):
    here = CaseFactory(team=team)
    other_team_same_area = CaseFactory(team=TeamFactory(area=team.area))
    client.force_login(manager)
    assert set(_rows(client.get(URL))) == {here.reference, other_team_same_area.reference}
    assert set(_rows(client.get(URL, {"area": team.area.pk}))) == {
        here.reference,
        other_team_same_area.reference,
    }
    other_area = TeamFactory().area
    assert _rows(client.get(URL, {"area": other_area.pk})) == []


def test_search_by_reference_or_childs_name(client, caseworker, team):
    amira = CaseFactory(
        caseworker=caseworker, team=team, child=ChildFactory(first_name="Amira", last_name="Khan")
    )
    tomasz = CaseFactory(
        caseworker=caseworker,
        team=team,
        child=ChildFactory(first_name="Tomasz", last_name="Nowak"),
    )
    client.force_login(caseworker)
    assert _rows(client.get(URL, {"q": "amira khan"})) == [amira.reference]
    assert _rows(client.get(URL, {"q": "NOWAK"})) == [tomasz.reference]
    assert _rows(client.get(URL, {"q": tomasz.reference.lower()})) == [tomasz.reference]
    response = client.get(URL, {"q": "Zebedee"})
    assert _rows(response) == []
    assert "No open cases match your filters" in response.content.decode()


@pytest.mark.parametrize("cap", [3, 2])
def test_an_areas_filtered_list_is_counted_to_its_own_cap_and_still_pages(
    client, caseworker, manager, team, monkeypatch, cap
):
    """An area's list at national scale: a common surname or a filter matches thousands, so
    the manager's page says "more than" its cap and Next still walks every match, also where
    the cap is one page's length (as it is). One caseworker's cases are counted in full."""
    from cases.casework import views

    monkeypatch.setattr(views, "CASELOAD_AREA_COUNT_CAP", cap)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    khans = [
        CaseFactory(caseworker=caseworker, team=team, child=ChildFactory(last_name="Khan"))
        for _ in range(5)
    ]
    CaseFactory(caseworker=caseworker, team=team, child=ChildFactory(last_name="Nowak"))
    client.force_login(manager)
    for query in ({"q": "khan"}, {"stage": khans[0].stage, "q": "kh"}):
        with CaptureQueriesContext(connection) as ran:
            response = client.get(URL, query)
        assert f"More than {cap} open cases match your filters" in response.content.decode()
        # A cap of one page's length: the first page's rows answer the count too.
        counted = [
            q
            for q in ran.captured_queries
            if 'SELECT COUNT(*) FROM (SELECT "cases_case"' in q["sql"]
        ]
        assert len(counted) == (0 if cap <= 2 else 1)
        seen = _rows(response)
        while response.context["page"].next_url:
            response = client.get(URL + response.context["page"].next_url)
            seen += _rows(response)
        assert sorted(seen) == sorted(c.reference for c in khans)
    # Filtered to one caseworker, or the caseworker's own list: every match is counted.
    response = client.get(URL, {"q": "khan", "caseworker": caseworker.pk})
    assert "5 open cases match your filters" in response.content.decode()
    client.force_login(caseworker)
    assert "5 open cases match your filters" in client.get(URL, {"q": "khan"}).content.decode()
    response = client.get(URL, {"stage": khans[0].stage})
    assert "6 open cases match your filters" in response.content.decode()


def test_bad_filter_values_are_ignored_not_a_500(client, caseworker, case):
    client.force_login(caseworker)
    response = client.get(URL, {"stage": "nonsense", "area": "x", "q": "a\x00b", "page": "99"})
    assert response.status_code == 200
    # A cursor typed or damaged: the first page, never an error.
    for cursor in ["x", "WyJhIl0", "W251bGwsIjIwMjYtMTMtMDEiLCJcdTAwMDAiXQ", "W1tdLDEsMl0"]:
        for param in ("after", "before"):
            assert client.get(URL, {param: cursor, "sort": "deadline"}).status_code == 200


def test_paginated_with_filters_kept_in_the_links(client, caseworker, team):
    CaseFactory.create_batch(30, caseworker=caseworker, team=team, **_due_in(3))
    client.force_login(caseworker)
    first = client.get(URL, {"due": "week"})
    assert len(first.context["rows"]) == 25
    next_url = first.context["page"].next_url
    assert next_url.startswith("?due=week&after=")
    assert escape(next_url) in first.content.decode()
    second = client.get(URL + next_url)
    assert len(second.context["rows"]) == 5
    # An old bookmark by page number still works.
    assert len(client.get(URL, {"due": "week", "page": 2}).context["rows"]) == 5


@pytest.mark.parametrize("n", [5, 50])
def test_fixed_query_count_whatever_the_caseload(
    client, caseworker, team, n, django_assert_num_queries
):
    for i in range(n):
        CaseFactory(
            caseworker=caseworker,
            team=team,
            child=ChildFactory(looked_after=i % 2 == 0, year_group="Year 11"),
            **_due_in(i - 3),
        )
    client.force_login(caseworker)
    # session, user, count, page of cases with their children, areas for the filter,
    # the saved filters + the unread notifications count in the header
    with django_assert_num_queries(7):
        response = client.get(URL, {"q": "", "due": ["week", "overdue"]})
    assert response.status_code == 200


def test_the_filters_options_are_read_without_a_server_side_cursor(client, manager, team):
    """A select's few options are one plain query: Django's .iterator() declared a cursor,
    fetched and closed it (three round trips) for the area list on every caseload page."""
    other = TeamFactory()
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(URL).content.decode()
    assert not [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("DECLARE")]
    for area in (team.area, other.area):
        assert f'<option value="{area.pk}">{escape(area.name)}</option>' in body


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.CASEWORKER, Role.TEAM_MANAGER)])
def test_refused_for_other_roles(client, user_of_role, role):
    client.force_login(user_of_role(role))
    assert client.get(URL).status_code == 404


def test_staff_of_another_area_do_not_see_the_case(client, case, user_of_role):
    for role in (Role.CASEWORKER, Role.TEAM_MANAGER):
        client.force_login(user_of_role(role))
        response = client.get(URL, {"q": case.reference})
        assert response.status_code == 200
        assert _rows(response) == []
        assert escape(case.child.full_name) not in response.content.decode()
