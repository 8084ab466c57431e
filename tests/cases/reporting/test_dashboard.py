"""Who sees the dashboard and what: the manager their area, the head of service the council, a
scrutiny-board member aggregate figures only; everyone else a 404. Downloads, freshness and
the fixed number of queries."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Stage
from cases.reporting.models import FigureSnapshot
from cases.reporting.selectors import figures_refresh_all, scope_of
from cases.reporting.tasks import figures_refresh
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessRecord
from tests.factories import CaseFactory, ChildFactory, TeamFactory, UserFactory

DASHBOARD = reverse("reporting:dashboard")
CASES = reverse("reporting:cases")


def _year() -> str:
    return f"calendar-{timezone.localdate().year}"


def _urls() -> list[str]:
    return [
        DASHBOARD,
        reverse("reporting:download", args=["timeliness", "csv"]),
        reverse("reporting:download", args=["backlog", "xlsx"]),
        CASES + "?figure=requests",
        reverse("reporting:cases_export", args=["csv"]) + "?figure=requests",
    ]


DASHBOARD_ROLES = (Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE)


@pytest.mark.parametrize(
    "role", [r for r in Role if r not in (*DASHBOARD_ROLES, Role.ELECTED_MEMBER)]
)
def test_every_page_and_download_is_404_for_other_roles(client, user_of_role, role):
    client.force_login(user_of_role(role))
    for url in _urls():
        assert client.get(url).status_code == 404, url


def test_an_elected_member_off_the_scrutiny_board_gets_404(client, user_of_role):
    client.force_login(user_of_role(Role.ELECTED_MEMBER, scrutiny_board=False))
    for url in _urls():
        assert client.get(url).status_code == 404, url


def test_a_manager_with_no_team_gets_404(client, db):
    client.force_login(UserFactory(role=Role.TEAM_MANAGER))
    for url in _urls():
        assert client.get(url).status_code == 404, url


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    for url in _urls():
        assert client.get(url).status_code == 302, url


@pytest.fixture
def two_areas(db):
    east, west = TeamFactory(), TeamFactory()
    for _ in range(3):
        CaseFactory(team=east)
    CaseFactory(team=west, child=ChildFactory(first_name="Westley", last_name="Zebedee"))
    return east, west


def _requests_total(response) -> int:
    return response.context["figures"]["requests"]["total"]


def test_a_manager_sees_only_their_area_whatever_they_ask(client, two_areas):
    east, west = two_areas
    manager = UserFactory(role=Role.TEAM_MANAGER, team=east)
    client.force_login(manager)
    response = client.get(DASHBOARD, {"period": _year()})
    assert response.status_code == 200
    assert _requests_total(response) == 3
    assert "Caseload against capacity, by caseworker" in response.content.decode()
    # Asking for the other area changes nothing: a manager's figures are their area's.
    response = client.get(DASHBOARD, {"period": _year(), "area": west.area_id})
    assert _requests_total(response) == 3
    listed = client.get(CASES, {"period": _year(), "figure": "requests", "area": west.area_id})
    assert listed.context["page"].paginator.count == 3
    assert "Zebedee" not in listed.content.decode()


def test_the_head_of_service_sees_the_council_and_each_area(client, two_areas, user_of_role):
    east, west = two_areas
    client.force_login(user_of_role(Role.HEAD_OF_SERVICE))
    assert _requests_total(client.get(DASHBOARD, {"period": _year()})) == 4
    response = client.get(DASHBOARD, {"period": _year(), "area": west.area_id})
    assert _requests_total(response) == 1
    assert west.area.name in response.content.decode()
    listed = client.get(CASES, {"period": _year(), "figure": "requests"})
    assert listed.context["page"].paginator.count == 4


def test_the_head_of_service_lands_on_the_dashboard(client, user_of_role):
    client.force_login(user_of_role(Role.HEAD_OF_SERVICE))
    assert client.get(reverse("home"))["Location"] == DASHBOARD


def test_a_scrutiny_member_sees_counts_and_nothing_that_names_a_child(
    client, two_areas, user_of_role
):
    east, west = two_areas
    CaseFactory(team=west, reference="EHC-2026-777777", stage=Stage.ASSESSING)
    member = user_of_role(Role.ELECTED_MEMBER, scrutiny_board=True)
    client.force_login(member)
    response = client.get(DASHBOARD, {"period": _year()})
    assert response.status_code == 200
    body = response.content.decode()
    assert _requests_total(response) == 5
    assert "Westley" not in body and "Zebedee" not in body
    assert "EHC-" not in body
    assert "/reporting/cases/" not in body  # no way to the cases
    assert "by caseworker" not in body  # no names of staff either: teams only
    assert "Service performance" in body  # in their navigation
    # Aggregate downloads, yes; the staff-only table and the cases, no.
    assert client.get(reverse("reporting:download", args=["backlog", "csv"])).status_code == 200
    url = reverse("reporting:download", args=["capacity_caseworkers", "csv"])
    assert client.get(url).status_code == 404
    assert client.get(CASES, {"figure": "requests"}).status_code == 404


def test_a_bad_period_is_a_form_error_on_the_page_and_a_404_for_a_download(client, manager):
    client.force_login(manager)
    response = client.get(DASHBOARD, {"period": "fortnight-2025"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "Choose a period from the list" in body
    url = reverse("reporting:download", args=["timeliness", "csv"])
    assert client.get(url, {"period": "fortnight-2025"}).status_code == 404
    assert client.get(reverse("reporting:download", args=["timeliness", "pdf"])).status_code == 404
    assert client.get(reverse("reporting:download", args=["no-table", "csv"])).status_code == 404
    assert client.get(CASES, {"figure": "final_plan", "part": "sideways"}).status_code == 404


def test_the_head_of_service_asking_for_an_unknown_area_gets_a_form_error(client, user_of_role):
    client.force_login(user_of_role(Role.HEAD_OF_SERVICE))
    response = client.get(DASHBOARD, {"area": "999999"})
    assert "Choose an area from the list" in response.content.decode()


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_a_table_downloads_as_csv_and_xlsx_with_what_the_page_shows(client, manager, team):
    CaseFactory(team=team)
    UserFactory(role=Role.CASEWORKER, team=team, full_name='=HYPERLINK("http://x")')
    client.force_login(manager)
    query = {"period": _year()}
    page = client.get(DASHBOARD, query)
    [table] = [t for t, _ in page.context["tables"] if t.key == "capacity_caseworkers"]
    response = client.get(
        reverse("reporting:download", args=["capacity_caseworkers", "csv"]), query
    )
    assert response["Content-Disposition"].startswith('attachment; filename="capacity_caseworkers')
    rows = _csv(response)
    assert rows[0] == table.headers
    # A name a spreadsheet would run as a formula is written as text.
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    response = client.get(
        reverse("reporting:download", args=["capacity_caseworkers", "xlsx"]), query
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == table.headers
    assert values[1][0] == '\'=HYPERLINK("http://x")'
    assert sheet.cell(row=2, column=1).data_type == "s"


def test_a_download_of_cases_is_recorded_in_the_access_log(client, manager, team):
    CaseFactory(team=team, child=ChildFactory(first_name="+Ada", last_name="Lovelace"))
    client.force_login(manager)
    url = reverse("reporting:cases_export", args=["csv"])
    rows = _csv(client.get(url, {"period": _year(), "figure": "requests"}))
    assert rows[1][1] == "'+Ada Lovelace"
    [record] = AccessRecord.objects.filter(user=manager)
    assert (record.kind, record.object_ref, record.route) == (
        "case",
        "export",
        "reporting:cases_export",
    )
    xlsx = client.get(reverse("reporting:cases_export", args=["xlsx"]), {"figure": "requests"})
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 2


def test_the_page_says_when_the_figures_were_computed_and_reads_the_snapshot(client, manager, team):
    CaseFactory(team=team)
    client.force_login(manager)
    first = client.get(DASHBOARD, {"period": _year()})
    snapshot = FigureSnapshot.objects.get(scope=scope_of(team.area_id), period=_year())
    assert f"computed at {timezone.localtime(snapshot.computed_at):%H:%M}" in (
        first.content.decode()
    )
    # A case opened since: the page shows the figures as computed, until the next computation.
    CaseFactory(team=team)
    assert _requests_total(client.get(DASHBOARD, {"period": _year()})) == 1
    FigureSnapshot.objects.update(computed_at=timezone.now() - timedelta(days=2))
    assert _requests_total(client.get(DASHBOARD, {"period": _year()})) == 2


def test_the_nightly_task_computes_every_scope_and_period(db, two_areas):
    assert figures_refresh() == 3 * 8  # the council and two areas; 8 periods
    assert FigureSnapshot.objects.count() == 24
    council = FigureSnapshot.objects.get(scope="council", period=_year())
    assert council.figures["requests"]["total"] == 4
    assert figures_refresh_all(today=timezone.localdate()) == 24  # again: updated, not added
    assert FigureSnapshot.objects.count() == 24


def test_the_dashboard_runs_a_fixed_number_of_queries(
    client, manager, team, django_assert_max_num_queries
):
    client.force_login(manager)
    CaseFactory(team=team)
    client.get(DASHBOARD)  # computes and keeps the figures
    # Session, user, notifications, the area, the snapshot.
    with django_assert_max_num_queries(6):
        assert client.get(DASHBOARD).status_code == 200
    for _ in range(30):
        CaseFactory(team=team, caseworker=UserFactory(role=Role.CASEWORKER, team=team))
    FigureSnapshot.objects.all().delete()
    # Computing live: the same number of aggregate queries for 1 case or 31 (a ceiling for
    # every app's figures, schools' and quality's included; the nightly job pays it, not the page).
    with django_assert_max_num_queries(45) as live:
        client.get(DASHBOARD)
    FigureSnapshot.objects.all().delete()
    CaseFactory(team=team)
    with django_assert_max_num_queries(len(live.captured_queries)):
        client.get(DASHBOARD)


def test_the_list_of_cases_runs_a_fixed_number_of_queries(
    client, manager, team, django_assert_max_num_queries
):
    for _ in range(30):
        CaseFactory(team=team)
    client.force_login(manager)
    with django_assert_max_num_queries(8):
        response = client.get(CASES, {"figure": "requests", "period": _year()})
    assert len(response.context["page"].object_list) == 30


def test_an_area_of_many_caseworkers_shows_the_most_loaded_and_downloads_them_all(
    client, manager, team
):
    """At national scale an area has 2,000 caseworkers: the page shows the first 50, the most
    loaded first, and says the download has every one."""
    from cases.reporting.tables import CASEWORKERS_ON_PAGE

    workers = UserFactory.create_batch(CASEWORKERS_ON_PAGE + 5, role=Role.CASEWORKER, team=team)
    busiest = workers[-1]
    CaseFactory.create_batch(3, team=team, caseworker=busiest)
    client.force_login(manager)
    query = {"period": _year()}
    body = client.get(DASHBOARD, query).content.decode()
    section = body[body.index('id="capacity_caseworkers"') :].split("</section>")[0]
    assert section.count('<tr class="govuk-table__row">') == CASEWORKERS_ON_PAGE + 1  # + header
    rows = section.split("<tbody")[1]
    assert busiest.get_full_name() in rows.split("</tr>")[0]  # most loaded first
    assert f"the first {CASEWORKERS_ON_PAGE} of {CASEWORKERS_ON_PAGE + 5} rows" in section
    csv_rows = _csv(
        client.get(reverse("reporting:download", args=["capacity_caseworkers", "csv"]), query)
    )
    assert len(csv_rows) == CASEWORKERS_ON_PAGE + 5 + 1
    assert csv_rows[1][0] == busiest.get_full_name()


def test_the_page_reads_the_caseworkers_it_shows_and_the_download_reads_them_all(
    client, manager, team
):
    """A snapshot keeps the 50 most loaded caseworkers with the figures and every caseworker
    apart: the page never reads the long list, the download reads it, and a snapshot kept
    before the split (the whole list in its figures) shows and downloads the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.reporting.selectors import figures_in_full
    from cases.reporting.tables import CASEWORKERS_ON_PAGE

    workers = UserFactory.create_batch(CASEWORKERS_ON_PAGE + 5, role=Role.CASEWORKER, team=team)
    CaseFactory.create_batch(2, team=team, caseworker=workers[7])
    client.force_login(manager)
    query = {"period": _year()}
    first = client.get(DASHBOARD, query).content.decode()
    snapshot = FigureSnapshot.objects.get(scope=scope_of(team.area_id), period=_year())
    shown = snapshot.figures["capacity"]
    assert len(shown["caseworkers"]) == CASEWORKERS_ON_PAGE
    assert shown["caseworker_count"] == CASEWORKERS_ON_PAGE + 5
    assert len(snapshot.caseworkers) == CASEWORKERS_ON_PAGE + 5
    assert snapshot.caseworkers[:CASEWORKERS_ON_PAGE] == shown["caseworkers"]
    assert shown["caseworkers"][0]["name"] == workers[7].get_full_name()  # most loaded first

    def section(body: str) -> str:
        return body[body.index('id="capacity_caseworkers"') :].split("</section>")[0]

    with CaptureQueriesContext(connection) as queries:
        again = client.get(DASHBOARD, query).content.decode()
    read = [q["sql"] for q in queries if "reporting_figuresnapshot" in q["sql"]]
    assert read and not [q for q in read if '"reporting_figuresnapshot"."caseworkers"' in q]
    assert section(again) == section(first)
    download = reverse("reporting:download", args=["capacity_caseworkers", "csv"])
    every = _csv(client.get(download, query))
    assert len(every) == CASEWORKERS_ON_PAGE + 5 + 1
    # Kept before the split: the whole list in the figures, nothing apart.
    FigureSnapshot.objects.filter(pk=snapshot.pk).update(
        figures=figures_in_full(snapshot), caseworkers=None
    )
    assert section(client.get(DASHBOARD, query).content.decode()) == section(first)
    assert _csv(client.get(download, query)) == every
