"""Caseload, team, cohort and queue lists download as CSV and XLSX: the rows of the page's own
filter and access rule, every page of them, formulas neutralised, and each download of
children's details in the access log. Anyone the page refuses gets a 404 for the file too."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.assignment.models import CohortImport
from cases.casework.selectors import transfer_year_now
from cases.models import Stage
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessRecord
from tests.factories import CaseFactory, ChildFactory, UserFactory


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _references(rows: list[list[str]]) -> set[str]:
    return {row[0] for row in rows[1:]}


def _urls(cohort_pk: int = 1) -> list[str]:
    return [
        reverse("casework:caseload_export", args=["csv"]),
        reverse("casework:team_export", args=["xlsx"]),
        reverse("casework:phase_transfers_export", args=["csv"]),
        reverse("assignment:queue_export", args=["csv"]),
        reverse("assignment:triage_export", args=["xlsx"]),
        reverse("assignment:cohort_report_export", args=[cohort_pk, "csv"]),
    ]


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.CASEWORKER, Role.TEAM_MANAGER)])
def test_every_list_download_is_404_for_roles_without_the_page(client, user_of_role, role):
    client.force_login(user_of_role(role))
    for url in _urls():
        assert client.get(url).status_code == 404, url


def test_a_caseworker_downloads_only_the_caseworker_lists(client, caseworker):
    client.force_login(caseworker)
    for url in _urls()[1:2] + _urls()[3:]:
        assert client.get(url).status_code == 404, url


def test_the_caseload_download_is_the_filtered_caseload_every_page(client, team, caseworker):
    mine = [CaseFactory(team=team, caseworker=caseworker) for _ in range(30)]  # > one page
    assessing = CaseFactory(team=team, caseworker=caseworker, stage=Stage.ASSESSING)
    CaseFactory(team=team, caseworker=UserFactory(role=Role.CASEWORKER))  # a colleague's
    formula = CaseFactory(
        team=team, caseworker=caseworker, child=ChildFactory(first_name="=cmd|' /C calc'!A0")
    )
    client.force_login(caseworker)
    url = reverse("casework:caseload_export", args=["csv"])
    rows = _csv(client.get(url))
    assert rows[0][:3] == ["Reference", "Child", "Stage"]
    assert _references(rows) == {c.reference for c in [*mine, assessing, formula]}
    [formula_row] = [r for r in rows if r[0] == formula.reference]
    assert formula_row[1].startswith("'=cmd")
    # The page's filter, applied to the file.
    assert _references(_csv(client.get(url, {"stage": Stage.ASSESSING}))) == {assessing.reference}
    xlsx = client.get(reverse("casework:caseload_export", args=["xlsx"]), {"stage": "assessing"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][0] == assessing.reference
    assert AccessRecord.objects.filter(user=caseworker, object_ref="export").count() == 3
    assert client.get(reverse("casework:caseload_export", args=["pdf"])).status_code == 404


def test_the_team_download_holds_each_caseworker_against_capacity(client, manager, caseworker):
    CaseFactory(team=manager.team, caseworker=caseworker)
    client.force_login(manager)
    rows = _csv(client.get(reverse("casework:team_export", args=["csv"])))
    assert rows[0][:3] == ["Caseworker", "Open cases", "Capacity"]
    assert rows[1][:2] == [caseworker.get_full_name(), "1"]
    # Staff figures, no child in them: not an access to a child's record.
    assert not AccessRecord.objects.exists()


def test_the_phase_transfer_cohort_downloads_for_the_year_shown(client, team, caseworker):
    year = transfer_year_now(timezone.localdate())
    due = CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.MAINTAINED,
        final_issued_on=timezone.localdate() - timedelta(days=200),
        phase_transfer_year=year,
    )
    CaseFactory(team=team, caseworker=caseworker, phase_transfer_year=year + 1)
    client.force_login(caseworker)
    url = reverse("casework:phase_transfers_export", args=["csv"])
    rows = _csv(client.get(url, {"year": year}))
    assert _references(rows) == {due.reference}
    assert rows[1][2] == "To a new school"


def test_the_unassigned_queue_downloads_for_the_managers_area_only(client, manager, team):
    waiting = [CaseFactory(team=team) for _ in range(3)]
    CaseFactory()  # another area's
    client.force_login(manager)
    rows = _csv(client.get(reverse("assignment:queue_export", args=["csv"])))
    assert _references(rows) == {c.reference for c in waiting}
    assert AccessRecord.objects.get(user=manager).route == "assignment:queue_export"


def test_the_triage_queue_downloads_the_cases_no_area_has(client, manager, team):
    unplaced = CaseFactory(team=team, area=None)
    CaseFactory(team=team)
    client.force_login(manager)
    rows = _csv(client.get(reverse("assignment:triage_export", args=["csv"])))
    assert _references(rows) == {unplaced.reference}


def test_a_cohort_report_downloads_every_row_for_its_uploader_only(client, manager, user_of_role):
    record = CohortImport.objects.create(
        filename="cohort.csv",
        uploaded_by=manager,
        report=[
            {
                "row": 2,
                "name": "Ada Lovelace",
                "status": "created",
                "reference": "EHC-1",
                "area": "East",
                "caseworker": "Sam Lee",
                "priority": 30,
                "reasons": [],
            },
            {"row": 3, "name": "@bad", "status": "rejected", "reasons": ["missing postcode"]},
        ]
        + [
            {
                "row": i,
                "name": f"Child {i}",
                "status": "created",
                "reference": f"EHC-{i}",
                "area": "East",
                "caseworker": "",
                "priority": 1,
                "reasons": [],
            }
            for i in range(4, 260)
        ],
    )
    client.force_login(manager)
    rows = _csv(client.get(reverse("assignment:cohort_report_export", args=[record.pk, "csv"])))
    assert len(rows) == 1 + 258  # the page shows 200 created; the file holds them all
    assert rows[2][1:3] == ["rejected", "'@bad"] and rows[2][-1] == "missing postcode"
    client.force_login(user_of_role(Role.TEAM_MANAGER))  # another manager
    url = reverse("assignment:cohort_report_export", args=[record.pk, "csv"])
    assert client.get(url).status_code == 404


def test_every_list_page_offers_its_downloads(client, manager, team):
    record = CohortImport.objects.create(filename="c.csv", uploaded_by=manager, report=[])
    CaseFactory(team=team)
    client.force_login(manager)
    pages = {
        reverse("casework:caseload") + "?stage=assessing": "/caseload/export.csv?stage=assessing",
        reverse("casework:team"): "/team/export.xlsx",
        reverse("casework:phase_transfers"): "/phase-transfers/export.csv?year=",
        reverse("assignment:queue"): "/assignment/queue/export.csv",
        reverse("assignment:triage"): "/assignment/triage/export.xlsx",
        reverse("assignment:cohort_report", args=[record.pk]): f"/cohort/{record.pk}/export.csv",
    }
    CaseFactory(team=team, area=None)  # so the triage page has a table
    for page, link in pages.items():
        assert link in client.get(page).content.decode(), page
