"""Reads of the cases core that other apps share: which area a postcode belongs to and which
team of an area receives its new cases. One rule each, used by every route into a case (the
front door, the cohort import, members' enquiries, assignment)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from cases.models import Area, OpenCaseCount, PhaseTransferCount, Team
from cases.postcodes import district_normalise, postcode_district


def areas_by_district() -> dict[str, Area]:
    """Every configured postcode district → its area, for bulk work (one query).

    A district claimed by two areas (a configuration mistake) goes to the first by name, so the
    answer never depends on row order.
    """
    districts: dict[str, Area] = {}
    for area in Area.objects.order_by("name", "pk"):
        for district in area.postcode_districts or ():
            districts.setdefault(district_normalise(district), area)
    return districts


def area_for_postcode(postcode: str) -> Area | None:
    """The council area a child's postcode belongs to, or None when it is not ours.

    Areas are few (a council has a handful), so the one query loads them all and the single
    and the bulk answers come from the same code.
    """
    district = postcode_district(postcode)
    if not district:
        return None
    return areas_by_district().get(district)


def teams_by_area() -> dict[int, Team]:
    """Each area's id → the team that receives its new cases (one query, for bulk work)."""
    teams: dict[int, Team] = {}
    for team in Team.objects.order_by("name", "pk"):
        teams.setdefault(team.area_id, team)
    return teams


def team_for_area(area: Area | None) -> Team | None:
    """The team that receives an area's new cases: the first by name (stable, and what a
    manager reading the team list expects), until a caseworker's team replaces it."""
    if area is None:
        return None
    return area.teams.order_by("name", "pk").first()


# -- open-case counts (kept by the database: cases.models.OpenCaseCount) ----------------------


def open_cases_of(scope: str, outer_ref: str = "pk") -> Coalesce:
    """An annotation: the kept open-case count of the row's caseworker, team or area (0 when
    it never had one). One indexed lookup per row, never a count over its cases."""
    return Coalesce(
        Subquery(
            OpenCaseCount.objects.filter(scope=scope, scope_id=OuterRef(outer_ref)).values(
                "open_cases"
            )[:1]
        ),
        0,
    )


def open_case_counts(scope: str, ids: Iterable[int]) -> dict[int, int]:
    """scope id -> open cases, for these ids (one query; missing ids have none)."""
    return dict(
        OpenCaseCount.objects.filter(scope=scope, scope_id__in=list(ids)).values_list(
            "scope_id", "open_cases"
        )
    )


def phase_transfer_count(area_id: int, year: int) -> tuple[int, int]:
    """(open cases of the area transferring phase in `year`, plans already amended for it),
    as kept (`PhaseTransferCount`)."""
    kept = (
        PhaseTransferCount.objects.filter(area_id=area_id, year=year)
        .values_list("children", "amended")
        .first()
    )
    return kept or (0, 0)


def open_case_count(scope: str, scope_id: int | None) -> int:
    if scope_id is None:
        return 0
    return open_case_counts(scope, [scope_id]).get(scope_id, 0)
