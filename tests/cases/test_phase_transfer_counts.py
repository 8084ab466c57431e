"""The phase transfer cohorts' counts kept by the database (`PhaseTransferCount`, migration
0012): after every way a case is written they equal what counting the cases by the clock's own
rule for an amended plan gives (`cases.deadlines.phase_transfer_met_q`), and the manager's page
reads them while a caseworker's counts their own and their team's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from cases.casework.selectors import transfer_year_now
from cases.deadlines import phase_transfer_met_q
from cases.models import Case, PhaseTransferCount, Stage
from tests.factories import CaseFactory, TeamFactory

pytestmark = pytest.mark.django_db

YEAR = transfer_year_now(timezone.localdate())
URL = reverse("casework:phase_transfers")


def _kept() -> dict[tuple[int, int], tuple[int, int]]:
    return {
        (row.area_id, row.year): (row.children, row.amended)
        for row in PhaseTransferCount.objects.all()
        if row.children or row.amended
    }


def _counted() -> dict[tuple[int, int], tuple[int, int]]:
    counted: dict[tuple[int, int], tuple[int, int]] = {}
    cohorts = Case.objects.filter(
        is_open=True, area__isnull=False, phase_transfer_year__isnull=False
    ).values_list("area_id", "phase_transfer_year")
    for year in {y for _area, y in cohorts}:
        for area_id, children, amended in (
            Case.objects.filter(is_open=True, area__isnull=False, phase_transfer_year=year)
            .values("area_id")
            .annotate(children=Count("pk"), amended=Count("pk", filter=phase_transfer_met_q(year)))
            .values_list("area_id", "children", "amended")
        ):
            counted[(area_id, year)] = (children, amended)
    return counted


def _case(team, *, year=YEAR, amended_on=None) -> Case:
    return CaseFactory(
        team=team,
        stage=Stage.MAINTAINED,
        final_issued_on=timezone.localdate() - timedelta(days=200),
        phase_transfer_year=year,
        phase_transfer_amended_on=amended_on,
    )


def test_the_kept_counts_follow_every_way_a_case_changes():
    east, west = TeamFactory(), TeamFactory()
    in_time = date(YEAR - 1, 9, 1)  # the first day that counts as amended for the move
    too_early = date(YEAR - 1, 8, 31)
    cases = [_case(east) for _ in range(4)] + [_case(west, year=YEAR + 1)]
    assert _kept() == _counted() == {(east.area_id, YEAR): (4, 0), (west.area_id, YEAR + 1): (1, 0)}

    cases[0].phase_transfer_amended_on = in_time  # saved as the workflow saves
    cases[0].save()
    Case.objects.filter(pk=cases[1].pk).update(phase_transfer_amended_on=too_early)
    assert _kept() == _counted()
    assert _kept()[(east.area_id, YEAR)] == (4, 1)

    Case.objects.filter(pk=cases[2].pk).update(is_open=False)  # closed
    Case.objects.filter(pk=cases[3].pk).update(area=west.area)  # moved to another area
    Case.objects.filter(pk=cases[4].pk).update(phase_transfer_year=YEAR)  # its year corrected
    assert _kept() == _counted()
    assert _kept()[(west.area_id, YEAR)] == (2, 0)

    Case.objects.filter(pk=cases[0].pk).update(phase_transfer_year=YEAR + 1)  # amended too early
    assert _kept() == _counted()
    Case.objects.bulk_create(
        [
            Case(
                reference=f"EHC-2026-9999{n}",
                child=cases[0].child,
                received_on=timezone.localdate(),
                area=east.area,
                phase_transfer_year=YEAR,
                phase_transfer_amended_on=in_time,
            )
            for n in range(3)
        ]
    )
    Case.objects.filter(pk=cases[4].pk).delete()
    assert _kept() == _counted()
    assert _kept()[(east.area_id, YEAR)] == (4, 3)


def test_a_managers_progress_line_reads_the_kept_count(client, team, manager):
    for amended_on in (date(YEAR - 1, 10, 1), None, None):
        _case(team, amended_on=amended_on)
    _case(TeamFactory(area=team.area))  # the area's other team: a manager's cohort too
    client.force_login(manager)
    assert "1 of 4 plans amended." in client.get(URL).content.decode()
    # What the page says is what is kept, not a count of the cases.
    PhaseTransferCount.objects.filter(area_id=team.area_id, year=YEAR).update(children=40)
    assert "1 of 40 plans amended." in client.get(URL).content.decode()


def test_a_caseworkers_progress_line_counts_their_own_and_their_teams(client, team, caseworker):
    mine = _case(team, amended_on=date(YEAR - 1, 10, 1))
    Case.objects.filter(pk=mine.pk).update(caseworker=caseworker)
    _case(team)  # the team's, no caseworker yet
    _case(TeamFactory(area=team.area), amended_on=date(YEAR - 1, 10, 1))  # another team's
    client.force_login(caseworker)
    assert "1 of 2 plans amended." in client.get(URL).content.decode()


def test_an_area_with_no_cohort_reads_as_none(client, team, manager):
    client.force_login(manager)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["children"] == 0 and response.context["amended"] == 0
    assert not PhaseTransferCount.objects.filter(~Q(children=0)).exists()
