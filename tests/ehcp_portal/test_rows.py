"""The tables written in Python (ehcp_portal.rows and the list pages' tags) escape what people
typed, as the template engine would: a child's name is shown, never run."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.factories import CaseFactory, ChildFactory

NAME = ("<b>Ann</b>", "O'Brien<script>alert(1)</script>")


@pytest.fixture
def hostile(team, caseworker):
    child = ChildFactory(first_name=NAME[0], last_name=NAME[1])
    mine = CaseFactory(team=team, caseworker=caseworker, child=child)
    waiting = CaseFactory(
        team=team, caseworker=None, child=ChildFactory(first_name=NAME[0], last_name=NAME[1])
    )
    return mine, waiting


def _shown_safely(body: str, case) -> None:
    assert escape(case.child.full_name) in body
    assert "<script>" not in body.split("</head>", 1)[1].replace('<script type="module"', "")
    assert "<b>Ann</b>" not in body


@pytest.mark.parametrize(
    "who, url",
    [
        ("caseworker", reverse("casework:caseload")),
        ("manager", reverse("casework:caseload")),
        ("manager", reverse("casework:team")),
        ("manager", reverse("assignment:queue")),
    ],
)
def test_list_pages_escape_a_childs_name(client, hostile, caseworker, manager, who, url):
    mine, waiting = hostile
    client.force_login(caseworker if who == "caseworker" else manager)
    body = client.get(url).content.decode()
    _shown_safely(body, mine if url == reverse("casework:caseload") else waiting)
    # Each row links to its case.
    shown = mine if url == reverse("casework:caseload") else waiting
    assert shown.reference in body


def test_the_timeline_escapes_what_was_written_and_keeps_its_lines(client, case, caseworker):
    from cases.models import CaseEvent

    CaseEvent.objects.create(
        case=case,
        kind="note",
        summary="<i>Called</i> the school",
        actor=caseworker,
        data={"reasons": "First line\n<b>second</b> line"},
    )
    client.force_login(caseworker)
    body = client.get(reverse("casework:case_timeline", args=[case.reference])).content.decode()
    assert "&lt;i&gt;Called&lt;/i&gt; the school" in body
    assert "First line<br>&lt;b&gt;second&lt;/b&gt; line" in body
    assert f"by {escape(str(caseworker))}" in body


@pytest.mark.parametrize("fmt", ["j M Y", "j F Y", "D j M"])
def test_dates_read_as_the_template_engine_writes_them_also_when_remembered(fmt):
    from datetime import UTC, date, datetime, timedelta

    from django.template import Context, Template
    from django.utils import translation

    from ehcp_portal.rows import date_text

    template = Template("{{ value|date:fmt }}")
    start = date(2026, 12, 25)
    for day in [start + timedelta(days=n * 37) for n in range(40)] * 2:  # the second time cached
        assert date_text(day, fmt) == template.render(Context({"value": day, "fmt": fmt}))
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert date_text(moment, fmt) == template.render(Context({"value": moment, "fmt": fmt}))
    assert date_text(None, fmt, empty="–") == "–"
    # A remembered date is remembered per language: Welsh month names are not English ones.
    with translation.override("cy"):
        welsh = date_text(date(2026, 1, 5), "j F Y")
    assert welsh == "5 Ionawr 2026"
    assert date_text(date(2026, 1, 5), "j F Y") == "5 January 2026"


def test_a_keys_first_page_holds_the_rows_a_plain_page_would(team):
    """KeysFirstPaginator orders narrow rows for a page, then reads them in full: the same
    caseworkers, in the same order, on every page, with what the full query annotates."""
    from django.core.paginator import Paginator

    from cases.casework.selectors import area_caseworkers_counted
    from ehcp_portal.accounts.models import Role
    from ehcp_portal.pagination import KeysFirstPaginator
    from tests.factories import UserFactory

    for name in ["Cleo", "ann", "Bea", "Ann", "Dev", "Ann"]:  # ties broken by email
        UserFactory(role=Role.CASEWORKER, team=team, full_name=name)
    workers = area_caseworkers_counted(team.area_id)
    plain, keys_first = Paginator(workers, 4), KeysFirstPaginator(workers, 4)
    assert keys_first.num_pages == plain.num_pages == 2
    for number in (1, 2):
        expected = [(u.pk, u.open_cases) for u in plain.page(number).object_list]
        assert [(u.pk, u.open_cases) for u in keys_first.page(number).object_list] == expected
    assert list(KeysFirstPaginator(workers.none(), 4).page(1).object_list) == []


@pytest.mark.parametrize(
    "asked", ["1", "2", "3", "999", "9" * 30, "0", "-1", "two", "", None, 2.0, "1.5"]
)
@pytest.mark.parametrize("orphans", [0, 2])
def test_a_keys_first_page_counts_with_its_keys_as_a_plain_page_counts(
    team, asked, orphans, django_assert_num_queries
):
    """The list's length comes with the page's keys (one query, no COUNT), and `get_page`
    gives the page a plain paginator gives for any number asked, out of range or not one."""
    from django.core.paginator import Paginator

    from cases.casework.selectors import area_caseworkers_counted
    from ehcp_portal.accounts.models import Role
    from ehcp_portal.pagination import KeysFirstPaginator
    from tests.factories import UserFactory

    for i in range(9):
        UserFactory(role=Role.CASEWORKER, team=team, full_name=f"Worker {i}")
    workers = area_caseworkers_counted(team.area_id)
    plain = Paginator(workers, 4, orphans=orphans).get_page(asked)
    expected = (plain.number, [u.pk for u in plain.object_list], plain.paginator.count)
    keys_first = KeysFirstPaginator(workers, 4, orphans=orphans)
    page = keys_first.get_page(asked)
    assert (page.number, [u.pk for u in page.object_list], keys_first.count) == expected
    if asked in ("1", "2", None, 2.0):  # a page in range: its keys with the length, its rows
        with django_assert_num_queries(2):
            KeysFirstPaginator(workers, 4, orphans=orphans).get_page(asked)
