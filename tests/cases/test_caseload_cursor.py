"""The manager's caseload paged by cursor: following Next from the first page to the last, and
Previous back again, shows every open case of the area once, in the order of each sortable
column either way round, ties and cases with no deadline included."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.casework import selectors
from cases.models import Stage
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, ChildFactory, UserFactory

URL = reverse("casework:caseload")
SORTS = [
    "priority",
    "-priority",
    "deadline",
    "-deadline",
    "reference",
    "-reference",
    "child",
    "-child",
    "stage",
    "-stage",
]


@pytest.fixture
def area_cases(team, caseworker):
    today = timezone.localdate()
    other = UserFactory(role=Role.CASEWORKER, team=team)
    stages = [Stage.DECIDING_ASSESS, Stage.ASSESSING, Stage.DRAFTING]
    names = ["Khan", "Nowak", "Adams"]
    cases = []
    for i in range(61):
        cases.append(
            CaseFactory(
                team=team,
                caseworker=[caseworker, other, None][i % 3],
                stage=stages[i % 3],
                priority=[10, 50, 50, 90][i % 4],  # ties, so the later columns decide
                # ties on the date, and every seventh case with no deadline
                next_deadline_on=None if i % 7 == 0 else today + timedelta(days=i % 5 - 2),
                child=ChildFactory(last_name=names[i % 3], first_name=f"Child {i % 4}"),
            )
        )
    CaseFactory(team=team, caseworker=caseworker, closed=True)
    return cases


def _walk(client, sort: str) -> tuple[list[str], list[str]]:
    forwards, pages = [], []
    response = client.get(URL, {"sort": sort})
    while True:
        assert response.status_code == 200
        forwards += [case.reference for case, _ in response.context["rows"]]
        page = response.context["page"]
        pages.append(page)
        if not page.next_url:
            break
        response = client.get(URL + page.next_url)
    backwards = [case.reference for case, _ in response.context["rows"]]
    while response.context["page"].previous_url:
        response = client.get(URL + response.context["page"].previous_url)
        backwards = [case.reference for case, _ in response.context["rows"]] + backwards
    return forwards, backwards


@pytest.mark.parametrize("page_size", [25, 4])
@pytest.mark.parametrize("sort", SORTS)
def test_next_and_previous_show_every_case_once_in_order(
    client, manager, area_cases, sort, page_size, monkeypatch
):
    """At 4 a page, most pages start inside a run of rows that tie on the first columns."""
    from cases.casework import views

    monkeypatch.setattr(views, "PAGE_SIZE", page_size)
    key, descending = selectors.caseload_sort(sort)
    expected = [
        case.reference
        for case in selectors.caseload_ordered(
            selectors.caseload_filtered(manager, selectors.CaseloadFilters()), key, descending
        )
    ]
    assert len(expected) == 61
    client.force_login(manager)
    forwards, backwards = _walk(client, sort)
    assert forwards == expected
    assert backwards == expected


def test_a_cursor_page_runs_the_same_queries_as_the_first(
    client, manager, area_cases, django_assert_num_queries
):
    client.force_login(manager)
    first = client.get(URL, {"sort": "reference"})
    # session, user, the manager's team (their area), the area's kept count, page of cases,
    # saved filters, the unread notifications count, whether the area's caseworkers fit a list
    # (asked once) and then the list (the filter's and the bulk reassign's), the areas for the
    # filter, the council's default caseload
    with django_assert_num_queries(12):
        second = client.get(URL + first.context["page"].next_url)
    assert len(second.context["rows"]) == 25


@pytest.mark.parametrize("sort", SORTS)
def test_a_numbered_page_shows_the_rows_of_that_page(client, manager, area_cases, sort):
    """An old ?page=N link: found by the row before it, then read as Next reads, the page holds
    exactly the rows an OFFSET would give."""
    key, descending = selectors.caseload_sort(sort)
    ordered = [
        case.reference
        for case in selectors.caseload_ordered(
            selectors.caseload_filtered(manager, selectors.CaseloadFilters()), key, descending
        )
    ]
    client.force_login(manager)
    for number in (2, 3):
        response = client.get(URL, {"sort": sort, "page": str(number)})
        shown = [case.reference for case, _ in response.context["rows"]]
        assert shown == ordered[(number - 1) * 25 : number * 25]
