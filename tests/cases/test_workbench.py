"""The workbench's caseload: sortable columns, saved and shared filters, a manager's bulk
reassignment; the team page's links; the manager's grouped navigation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cases.casework.models import SavedFilter
from cases.models import Stage
from ehcp_portal.accounts.models import Role
from ehcp_portal.roles import NAVIGATION, navigation_grouped
from tests.factories import CaseFactory, ChildFactory, TeamFactory, UserFactory

URL = reverse("casework:caseload")
BULK = reverse("casework:caseload_reassign")


def _rows(response) -> list[str]:
    return [case.reference for case, _flags in response.context["rows"]]


def _due_in(days: int) -> dict:
    return {"next_deadline_on": timezone.localdate() + timedelta(days=days)}


# -- sorting -----------------------------------------------------------------------------------


@pytest.fixture
def three(caseworker, team):
    return [
        CaseFactory(
            caseworker=caseworker,
            team=team,
            reference="EHC-2026-000300",
            child=ChildFactory(first_name="Cara", last_name="Zed"),
            stage=Stage.ASSESSING,
            priority=10,
            **_due_in(30),
        ),
        CaseFactory(
            caseworker=caseworker,
            team=team,
            reference="EHC-2026-000100",
            child=ChildFactory(first_name="Abe", last_name="Young"),
            stage=Stage.DECIDING_ASSESS,
            priority=50,
            **_due_in(5),
        ),
        CaseFactory(
            caseworker=caseworker,
            team=team,
            reference="EHC-2026-000200",
            child=ChildFactory(first_name="Bea", last_name="Adams"),
            stage=Stage.DRAFTING,
            priority=30,
            next_deadline_on=None,
        ),
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["EHC-2026-000100", "EHC-2026-000200", "EHC-2026-000300"]),  # priority, highest first
        ("-priority", ["EHC-2026-000300", "EHC-2026-000200", "EHC-2026-000100"]),
        ("reference", ["EHC-2026-000100", "EHC-2026-000200", "EHC-2026-000300"]),
        ("-reference", ["EHC-2026-000300", "EHC-2026-000200", "EHC-2026-000100"]),
        ("child", ["EHC-2026-000200", "EHC-2026-000100", "EHC-2026-000300"]),  # by surname
        # no deadline stays last whichever way
        ("deadline", ["EHC-2026-000100", "EHC-2026-000300", "EHC-2026-000200"]),
        ("-deadline", ["EHC-2026-000300", "EHC-2026-000100", "EHC-2026-000200"]),
    ],
)
def test_sort_by_each_column(client, caseworker, three, sort, expected):
    client.force_login(caseworker)
    assert _rows(client.get(URL, {"sort": sort})) == expected


@pytest.mark.parametrize(
    "bad", ["priority; DROP TABLE", "child__date_of_birth", "-", "--reference", "password", "\x00"]
)
def test_a_sort_not_on_the_list_is_the_default_order_not_an_error(caseworker, three, bad):
    client = Client(raise_request_exception=False)
    client.force_login(caseworker)
    response = client.get(URL, {"sort": bad})
    assert response.status_code == 200
    assert _rows(response) == ["EHC-2026-000100", "EHC-2026-000200", "EHC-2026-000300"]


def test_headings_say_the_sort_and_link_to_reverse_it_keeping_the_filters(
    client, caseworker, three
):
    client.force_login(caseworker)
    body = client.get(URL, {"sort": "child", "waiting": "", "q": "a"}).content.decode()
    headers = dict(
        re.findall(r'aria-sort="(\w+)"><a class="govuk-link app-sort-link" href="([^"]+)"', body)
    )
    assert "ascending" in headers and "descending" not in headers
    link = headers["ascending"].replace("&amp;", "&")
    assert "sort=-child" in link and "q=a" in link and "page=" not in link
    assert body.count('aria-sort="none"') == 4  # case, stage, deadline, priority
    assert 'aria-sort="ascending"' in body


def test_the_download_follows_the_sort(client, caseworker, three):
    client.force_login(caseworker)
    csv = client.get(reverse("casework:caseload_export", args=["csv"]), {"sort": "-reference"})
    lines = (
        b"".join(csv.streaming_content).decode().splitlines()
        if csv.streaming
        else (csv.content.decode().splitlines())
    )
    references = [line.split(",")[0] for line in lines[1:]]
    assert references == ["EHC-2026-000300", "EHC-2026-000200", "EHC-2026-000100"]


@pytest.mark.parametrize("n", [3, 30])
def test_a_managers_sorted_caseload_runs_a_fixed_number_of_queries(
    client, manager, team, caseworker, n, django_assert_num_queries
):
    for i in range(n):
        CaseFactory(caseworker=caseworker, team=team, **_due_in(i))
    client.force_login(manager)
    # session, user, the manager's team (their area), the chosen caseworker (the filter's
    # check), count, page of cases, saved filters, the unread notifications count, whether the
    # area's caseworkers fit a list (asked once for both) and then the list (the filter's and
    # the bulk reassign's), the areas for the filter, the council's default caseload (the
    # capacity of a caseworker with no profile)
    with django_assert_num_queries(13):
        response = client.get(URL, {"sort": "-deadline", "caseworker": caseworker.pk})
    assert response.status_code == 200 and len(_rows(response)) == min(n, 25)


# -- titles --------------------------------------------------------------------------------------


def test_the_title_says_whose_cases_are_shown(client, caseworker, manager, three):
    client.force_login(caseworker)
    assert '<h1 class="govuk-heading-l">My caseload</h1>' in client.get(URL).content.decode()
    client.force_login(manager)
    assert '<h1 class="govuk-heading-l">Team caseload</h1>' in client.get(URL).content.decode()
    body = client.get(URL, {"caseworker": caseworker.pk}).content.decode()
    assert f"Caseload of {caseworker.full_name}" in body


# -- saved filters ----------------------------------------------------------------------------


def _save(client, query: str, name: str = "Overdue assessments", shared: bool = False):
    data = {"save-name": name, "save-query": query}
    if shared:
        data["save-shared"] = "on"
    return client.post(reverse("casework:saved_filter_add"), data)


def test_save_a_filter_and_open_it_again(client, caseworker, three):
    client.force_login(caseworker)
    response = _save(client, "stage=assessing&sort=-deadline&evil=1&page=3")
    saved = SavedFilter.objects.get()
    assert saved.owner == caseworker and saved.query == "stage=assessing&sort=-deadline"
    assert response["Location"] == f"{URL}?stage=assessing&sort=-deadline"
    body = client.get(URL).content.decode()
    assert f'href="{URL}?stage=assessing&amp;sort=-deadline">Overdue assessments</a>' in body
    assert _rows(client.get(URL + "?" + saved.query)) == ["EHC-2026-000300"]


def test_a_filter_needs_a_name_and_the_page_keeps_the_filters(client, caseworker, three):
    client.force_login(caseworker)
    response = _save(client, "stage=assessing", name="  ")
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Enter a name for the filters" in body
    assert body.startswith("<!DOCTYPE html>") and "<title>Error:" in body
    assert _rows(response) == ["EHC-2026-000300"]  # the filtered page, as it was
    assert not SavedFilter.objects.exists()


def _saved_list(client) -> str:
    body = client.get(URL).content.decode()
    found = re.search(r'<h2 class="govuk-heading-m" id="saved-filters">(.*?)</(ul|p)>', body, re.S)
    assert found is not None
    return found.group(1)


def test_shared_filters_reach_the_team_and_no_other(client, caseworker, team):
    colleague = UserFactory(role=Role.CASEWORKER, team=team)
    other_team = UserFactory(role=Role.CASEWORKER, team=TeamFactory(area=team.area))
    client.force_login(caseworker)
    _save(client, "due=overdue", name="Shared one", shared=True)
    _save(client, "due=week", name="Private one")
    assert "Shared one" in _saved_list(client) and "Private one" in _saved_list(client)
    client.force_login(colleague)
    listed = _saved_list(client)
    assert "Shared one" in listed and "Private one" not in listed
    assert f"shared by {caseworker.full_name}" in listed
    client.force_login(other_team)
    listed = _saved_list(client)
    assert "Shared one" not in listed and "Private one" not in listed


def test_only_the_owner_removes_a_saved_filter(client, caseworker, team):
    colleague = UserFactory(role=Role.CASEWORKER, team=team)
    client.force_login(caseworker)
    _save(client, "due=overdue", shared=True)
    saved = SavedFilter.objects.get()
    url = reverse("casework:saved_filter_remove", args=[saved.pk])
    client.force_login(colleague)
    assert client.post(url).status_code == 404
    client.force_login(caseworker)
    assert client.post(url).status_code == 302
    assert not SavedFilter.objects.exists()


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.CASEWORKER, Role.TEAM_MANAGER)])
def test_saved_filters_are_404_for_other_roles(client, user_of_role, role):
    client.force_login(user_of_role(role))
    assert _save(client, "due=overdue").status_code == 404
    assert not SavedFilter.objects.exists()


# -- bulk reassignment --------------------------------------------------------------------------


@pytest.fixture
def colleague(team):
    return UserFactory(role=Role.CASEWORKER, team=TeamFactory(area=team.area))


def _ticked(*cases) -> list[str]:
    return [f"{c.reference}:{c.caseworker_id or 'none'}" for c in cases]


def test_a_manager_reassigns_three_cases_and_is_told_what_happened(
    client, manager, three, caseworker, colleague
):
    client.force_login(manager)
    response = client.post(
        BULK,
        {
            "bulk-cases": _ticked(*three),
            "bulk-caseworker": colleague.pk,
            "bulk-reason": "Covering leave",
            "bulk-next_query": "sort=reference",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"{URL}?sort=reference"
    for case in three:
        case.refresh_from_db()
        assert case.caseworker == colleague
        decision = case.assignment_decisions.get()
        assert decision.decided_by == manager and decision.reason == "Covering leave"
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [
        f"3 cases reassigned to {colleague.full_name}: "
        + ", ".join(c.reference for c in three)
        + "."
    ]


def test_a_case_moved_by_someone_else_meanwhile_is_reported_and_the_rest_move(
    client, manager, three, caseworker, colleague, team
):
    stale = _ticked(*three)
    third = UserFactory(role=Role.CASEWORKER, team=team)
    three[0].caseworker = third
    three[0].save()
    client.force_login(manager)
    response = client.post(
        BULK, {"bulk-cases": stale, "bulk-caseworker": colleague.pk, "bulk-reason": "Leave"}
    )
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said[0].startswith("2 cases reassigned")
    assert said[1].startswith(f"{three[0].reference} was not reassigned.")
    three[0].refresh_from_db()
    assert three[0].caseworker == third


def test_bulk_reassign_needs_cases_a_caseworker_and_a_reason(client, manager, three):
    client.force_login(manager)
    response = client.post(BULK, {"bulk-cases": _ticked(three[0])})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose a caseworker" in body and "Give the reason for reassigning the cases" in body
    assert f'value="{three[0].reference}:{three[0].caseworker_id}" checked' in body
    response = client.post(BULK, {"bulk-reason": "x"})
    assert "Select the cases to reassign" in response.content.decode()


def test_a_case_of_another_area_is_not_moved(client, manager, colleague, user_of_role):
    elsewhere = CaseFactory(caseworker=None, team=TeamFactory())
    client.force_login(manager)
    response = client.post(
        BULK,
        {"bulk-cases": _ticked(elsewhere), "bulk-caseworker": colleague.pk, "bulk-reason": "x"},
    )
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == [
        f"{elsewhere.reference} was not reassigned. "
        "No case with that reference is yours to reassign."
    ]
    elsewhere.refresh_from_db()
    assert elsewhere.caseworker is None


@pytest.mark.parametrize("role", [r for r in Role if r != Role.TEAM_MANAGER])
def test_bulk_reassign_is_404_for_every_other_role(
    client, user_of_role, role, three, caseworker, colleague
):
    client.force_login(caseworker if role == Role.CASEWORKER else user_of_role(role))
    response = client.post(
        BULK, {"bulk-cases": _ticked(*three), "bulk-caseworker": colleague.pk, "bulk-reason": "x"}
    )
    assert response.status_code == 404
    assert {c.caseworker_id for c in three} == {caseworker.pk}
    for case in three:
        case.refresh_from_db()
        assert case.caseworker == caseworker


def test_a_caseworker_sees_no_selection_boxes(client, caseworker, three):
    client.force_login(caseworker)
    body = client.get(URL).content.decode()
    assert 'name="bulk-cases"' not in body and "Reassign selected cases" not in body


# -- the team page and the reassign page -------------------------------------------------------


def test_team_page_names_and_breaches_link_to_the_filtered_caseload(
    client, manager, caseworker, team
):
    CaseFactory(caseworker=caseworker, team=team, **_due_in(-2))
    client.force_login(manager)
    body = client.get(reverse("casework:team")).content.decode()
    assert f'href="{URL}?caseworker={caseworker.pk}"' in body
    breaches = f"{URL}?caseworker={caseworker.pk}&amp;due=overdue"
    assert f'href="{breaches}"' in body
    assert len(_rows(client.get(breaches.replace("&amp;", "&")))) == 1


def test_after_reassigning_the_manager_lands_on_the_case(client, manager, case, colleague):
    client.force_login(manager)
    url = reverse("casework:reassign", args=[case.reference])
    response = client.post(url, {"caseworker": colleague.pk, "reason": "Balancing"})
    assert response["Location"] == reverse("casework:case_detail", args=[case.reference])


# -- navigation -----------------------------------------------------------------------------------


def test_the_managers_navigation_is_grouped_and_keeps_every_destination(manager):
    top = navigation_grouped(manager)
    assert len(top) <= 6  # and Notifications after them
    reachable = {item.url_name for item in top} | {n for item in top for _, n in item.children}
    assert reachable == {name for _, name in NAVIGATION[Role.TEAM_MANAGER]}


def test_a_groups_pages_show_its_sub_navigation(client, manager):
    client.force_login(manager)
    body = client.get(reverse("casework:team")).content.decode()
    team_nav = re.search(
        r'<nav class="moj-sub-navigation" aria-label="Team">(.*?)</nav>', body, re.S
    )
    assert team_nav is not None
    for name in ("assignment:queue", "assignment:rebalance", "casework:phase_transfers"):
        try:
            assert f'href="{reverse(name)}"' in team_nav.group(1)
        except NoReverseMatch:  # pragma: no cover - every name resolves on this build
            raise
    assert 'class="app-wide"' not in body and "govuk-template__body app-wide" in body


def test_citizen_pages_keep_the_reading_column(client, case):
    from tests.factories import family_for

    client.force_login(family_for(case))
    body = client.get(reverse("families:home")).content.decode()
    assert "app-wide" not in body


# -- hostile input: a 4xx or the page with its errors, never a 500 ------------------------------

HOSTILE = ["\x00", "x" * 100_000, str(10**30), "-1", "<script>", "?sort=child&sort=-x"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_never_give_a_server_error(manager, three, value):
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    gets = [
        (URL, {"sort": value, "caseworker": value, "page": value}),
        (reverse("casework:case_timeline", args=[three[0].reference]), {"page": value}),
    ]
    for url, params in gets:
        assert client.get(url, params).status_code == 200
    posts = [
        (reverse("casework:saved_filter_add"), {"save-name": value, "save-query": value}),
        (
            BULK,
            {
                "bulk-cases": [value, f"{three[0].reference}:{value}"],
                "bulk-caseworker": value,
                "bulk-reason": value,
                "bulk-next_query": value,
            },
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (200, 302)
    assert client.post(reverse("casework:saved_filter_remove", args=[10**9])).status_code == 404
