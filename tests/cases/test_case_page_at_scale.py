"""The case page at national scale (issue 21) and in the family's words (issue 20): the task form
never lists every caseworker of the area, the timeline is read a page at a time after a cursor
with the same queries however long it is, the family tracker's history likewise, and needs are
shown in words."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.casework.models import CaseTask
from cases.event_pages import event_cursor_read
from cases.models import CaseEvent
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, UserFactory, family_for

# Every part of the case page: session, user, the case, its exceptions, the may-work check, the
# access log record, the unread notifications count (tests/cases/test_case_page.py).
EVERY_PART = 7


def _summary(case) -> str:
    return reverse("casework:case_detail", args=[case.reference])


def _timeline(case) -> str:
    return reverse("casework:case_timeline", args=[case.reference])


def _add_task(client, case, **data):
    return client.post(
        reverse("casework:case_task_add", args=[case.reference]),
        {"title": "Ring the school", **data},
    )


# -- needs in words --------------------------------------------------------------------------------


def test_the_summary_shows_needs_in_the_words_families_read(client, team, caseworker):
    case = CaseFactory(team=team, caseworker=caseworker, needs=["SEMH", "SLCN"])
    client.force_login(caseworker)
    body = client.get(_summary(case)).content.decode()
    row = re.search(r"Needs</dt><dd[^>]*>([^<]+)</dd>", body)
    assert row is not None
    assert row.group(1) == (
        "Social, emotional and mental health, Speech, language and communication needs"
    )


# -- the task form: a short list and a search, never the whole area ----------------------------


@pytest.fixture
def colleagues(team):
    """Caseworkers of the case's area who have nothing to do with the case."""
    return [
        UserFactory(role=Role.CASEWORKER, team=team, full_name=f"Colleague Number{i:02d}")
        for i in range(12)
    ]


def test_the_task_form_offers_the_case_people_not_every_caseworker_of_the_area(
    client, case, caseworker, colleagues
):
    helper = colleagues[0]
    CaseTask.objects.create(case=case, title="Earlier", assignee=helper, created_by=caseworker)
    client.force_login(caseworker)
    body = client.get(_summary(case)).content.decode()
    select = re.search(r'<select[^>]*name="assignee".*?</select>', body, re.S)
    assert select is not None
    options = re.findall(r"<option[^>]*>([^<]+)</option>", select.group(0))
    assert options == ["Me", *sorted([str(caseworker), str(helper)], key=str.lower)]
    assert "Colleague Number05" not in body
    assert 'name="assignee_other"' in body  # anyone else: by email or name


@pytest.mark.parametrize("n", [3, 40])
def test_the_summary_runs_the_same_queries_however_many_caseworkers_the_area_has(
    client, case, caseworker, team, n, django_assert_num_queries
):
    UserFactory.create_batch(n, role=Role.CASEWORKER, team=team)
    client.force_login(caseworker)
    # tasks, disputes, whether a decision may be disputed, the request, the letters being made
    with django_assert_num_queries(EVERY_PART + 5):
        assert client.get(_summary(case)).status_code == 200


def test_a_task_goes_to_a_colleague_found_by_email_or_by_name(client, case, caseworker, colleagues):
    client.force_login(caseworker)
    target = colleagues[3]
    assert _add_task(client, case, assignee_other=target.email.upper()).status_code == 302
    assert case.tasks.get().assignee == target
    assert _add_task(client, case, assignee_other="colleague number07").status_code == 302
    assert case.tasks.latest("pk").assignee == colleagues[7]


def test_a_name_that_matches_several_asks_for_the_email_and_keeps_what_was_typed(
    client, case, caseworker, colleagues
):
    client.force_login(caseworker)
    response = _add_task(client, case, assignee_other="Colleague", due_on_0="4")
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "More than one caseworker matches Colleague" in body
    assert "Enter the email address of the one you mean" in body
    assert colleagues[0].email in body and "and others" in body
    assert 'value="Colleague"' in body and 'value="Ring the school"' in body
    assert not case.tasks.exists()


def test_nobody_outside_the_area_can_be_given_a_task(client, case, caseworker, user_of_role):
    elsewhere = user_of_role(Role.CASEWORKER)  # a caseworker of another area
    client.force_login(caseworker)
    response = _add_task(client, case, assignee_other=elsewhere.email)
    assert response.status_code == 200
    assert "No caseworker in this area is called or has the email" in response.content.decode()
    # Nor by posting their id in the list, which offers only the case's people.
    response = _add_task(client, case, assignee=str(elsewhere.pk))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not case.tasks.exists()


def test_me_is_whoever_adds_the_task(client, case, manager):
    client.force_login(manager)
    assert _add_task(client, case, assignee="").status_code == 302
    assert case.tasks.get().assignee == manager


# -- the timeline, a page at a time ----------------------------------------------------------------


def _events(case, n: int, *, family_visible: bool = False, same_time: bool = False) -> None:
    start = timezone.now() - timedelta(days=30)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            kind="note",
            summary=f"Event {i:04d}",
            family_visible=family_visible,
            created_at=start if same_time else start + timedelta(minutes=i),
        )
        for i in range(n)
    )


def _shown(body: str) -> list[str]:
    return re.findall(r"Event (\d{4})", body)


def _link(body: str, rel: str) -> str | None:
    found = re.search(rf'href="(\?[^"]+)" rel="{rel}"', body)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.parametrize("same_time", [False, True])
def test_the_timeline_pages_newest_first_through_every_event_once(
    client, case, caseworker, same_time
):
    _events(case, 120, same_time=same_time)
    client.force_login(caseworker)
    seen: list[str] = []
    url = _timeline(case)
    body = client.get(url).content.decode()
    assert _link(body, "prev") is None  # the newest page
    pages = [_shown(body)]
    while (older := _link(body, "next")) is not None:
        body = client.get(url + older).content.decode()
        pages.append(_shown(body))
        assert _link(body, "prev") is not None and "Back to the newest events" in body
    for page in pages:
        seen.extend(page)
    assert [len(p) for p in pages] == [50, 50, 20]
    assert seen == [f"{i:04d}" for i in reversed(range(120))]  # each once, newest first

    # Back the other way: the newer page is the one before.
    newer = _link(body, "prev")
    assert newer is not None
    assert _shown(client.get(url + newer).content.decode()) == pages[1]


@pytest.mark.parametrize("n", [60, 2000])
def test_a_deep_page_of_the_timeline_runs_the_same_queries_however_long_the_history(
    client, case, caseworker, n, django_assert_num_queries
):
    _events(case, n)
    client.force_login(caseworker)
    first = client.get(_timeline(case)).content.decode()
    older = _link(first, "next")
    assert older is not None
    # The newest page: the part's queries and one page of events; after a cursor, one more:
    # whether there are newer events.
    with django_assert_num_queries(EVERY_PART + 2):
        deep = client.get(_timeline(case) + older)
    assert deep.status_code == 200
    assert _shown(deep.content.decode())[0] == f"{n - 51:04d}"


@pytest.mark.parametrize(
    "cursor",
    ["\x00", "x" * 100_000, "-1", "<script>", "dDE6bm90IGEgZGF0ZXwx", "dDE6MjAyNi0wMS0wMXwx"],
)
def test_a_cursor_that_is_not_ours_shows_the_newest_page(client, case, caseworker, cursor):
    _events(case, 60)
    client = Client(raise_request_exception=False)
    client.force_login(caseworker)
    for key in ("before", "after"):
        response = client.get(_timeline(case), {key: cursor})
        assert response.status_code == 200
        assert _shown(response.content.decode())[0] == "0059"
    assert event_cursor_read("dDE6MjAyNi0wMS0wMXwx") is None  # a date with no time zone


def test_the_timeline_of_a_case_in_another_area_is_404_whatever_the_cursor(
    client, case, caseworker, user_of_role
):
    _events(case, 60)
    client.force_login(caseworker)
    older = _link(client.get(_timeline(case)).content.decode(), "next")
    refused = (
        Role.CASEWORKER,  # of another area, as is the manager
        Role.TEAM_MANAGER,
        Role.PARENT,
        Role.YOUNG_PERSON,
        Role.SCHOOL,
        Role.ADVICE_GIVER,
        Role.PANEL_MEMBER,
        Role.ELECTED_MEMBER,
    )
    for role in refused:
        client.force_login(user_of_role(role))
        assert client.get(_timeline(case) + older).status_code == 404


# -- the family's tracker -------------------------------------------------------------------------


def test_the_family_reads_a_long_history_page_by_page_and_never_staff_only_events(client, team):
    case = CaseFactory(team=team)
    parent = family_for(case)
    _events(case, 70, family_visible=True)
    CaseEvent.objects.create(
        case=case, kind="note", summary="Staff note Event 9999", family_visible=False
    )
    client.force_login(parent)
    url = reverse("families:track", args=[case.reference])
    body = client.get(url).content.decode()
    first = _shown(body)
    assert len(first) == 50 and first[0] == "0069"
    older = _link(body, "next")
    assert older is not None and older.endswith("#history")
    body = client.get(url + older).content.decode()
    rest = _shown(body)
    assert _link(body, "next") is None and _link(body, "prev") is not None
    assert first + rest == [f"{i:04d}" for i in reversed(range(70))]  # 9999 never shown


def test_the_tracker_runs_the_same_queries_however_long_the_history(client, team):
    counts = []
    for n in (10, 300):
        case = CaseFactory(team=team)
        parent = family_for(case)
        _events(case, n, family_visible=True)
        client.force_login(parent)
        url = reverse("families:track", args=[case.reference])
        client.get(url)  # the session's first request settles what it caches
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url).content.decode()
        assert len(_shown(body)) == min(n, 50)
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
