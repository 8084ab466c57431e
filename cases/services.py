"""Writes on cases. Every state change appends a timeline event with actor and time."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models, transaction
from django.utils import timezone

from cases.models import Area, Case, CaseEvent, CaseReferenceCounter, Route, Stage, Team
from cases.postcodes import postcode_district
from cases.selectors import area_for_postcode, team_for_area
from cases.statutory import next_phase_transfer

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


def case_reference_next(*, year: int) -> str:
    """A human reference, EHC-2026-000123: per-year counter, gap-free under concurrency."""
    with transaction.atomic():
        counter, _ = CaseReferenceCounter.objects.select_for_update().get_or_create(year=year)
        CaseReferenceCounter.objects.filter(pk=counter.pk).update(last=models.F("last") + 1)
        counter.refresh_from_db(fields=["last"])
        return f"EHC-{year}-{counter.last:06d}"


def case_event_record(
    *,
    case: Case,
    kind: str,
    summary: str,
    actor: User | None = None,
    family_visible: bool = False,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        summary=summary,
        actor=actor,
        family_visible=family_visible,
        data=data or {},
    )


# What case_refresh_deadline denormalises onto the case.
DEADLINE_FIELDS = (
    "next_deadline_key",
    "next_deadline_on",
    "next_deadline_excepted",
    "phase_transfer_year",
    "phase_transfer_post16",
)


def _phase_transfer_refresh(case: Case, today: date) -> None:
    """reg 18: a maintained plan carries the child's next phase transfer (statutory rule), unless
    staff recorded one (an infant school's move) that has not happened yet."""
    if case.stage not in (Stage.FINAL_ISSUED, Stage.MAINTAINED) or not case.is_open:
        return
    if case.phase_transfer_year and today < date(case.phase_transfer_year, 9, 1):
        return
    dob = getattr(case.child, "date_of_birth", None)
    transfer = next_phase_transfer(dob, today) if dob else None
    case.phase_transfer_year, case.phase_transfer_post16 = transfer or (None, False)


def case_refresh_deadline(*, case: Case, today: date | None = None) -> None:
    """Denormalise the next statutory deadline (and whether it is excepted) so caseload lists
    sort and filter at scale. A saved case is written here, whatever fields its caller saves."""
    from cases.deadlines import next_deadline

    today = today or timezone.localdate()
    _phase_transfer_refresh(case, today)
    upcoming = next_deadline(case, today=today)
    case.next_deadline_key = upcoming.key if upcoming else ""
    case.next_deadline_on = upcoming.due if upcoming else None
    case.next_deadline_excepted = bool(upcoming and upcoming.excepted)
    if case.pk is not None:
        Case.objects.filter(pk=case.pk).update(
            **{name: getattr(case, name) for name in DEADLINE_FIELDS}
        )


# -- a case comes into being -------------------------------------------------------------------


class ChildWithPostcode(Protocol):
    """What the core needs of a child (families.Child) to open a case: its address decides the
    area. A protocol, so the core does not import the families app."""

    pk: Any
    postcode: str


AfterOpenHook = Callable[[Case, "User | None"], None]

# Hooks other apps register in their AppConfig.ready (assignment chooses a caseworker) so the
# core does not import them: called inside case_open's transaction with (case, actor).
_after_open_hooks: list[AfterOpenHook] = []


def register_after_open(hook: AfterOpenHook) -> None:
    if hook not in _after_open_hooks:
        _after_open_hooks.append(hook)


# SEN2 RequestSource (cases/sen2_codes.py) where the route says who asked: a family's own
# request (1) or a school's (2). Paper, phone and email requests are asked on the form; a cohort
# import or a transfer in is not a request the family or school made of us.
ROUTE_REQUEST_SOURCE: dict[str, str] = {Route.FAMILY: "1", Route.SCHOOL: "2"}


def case_prepare(
    *,
    child: ChildWithPostcode,
    reference: str,
    received_on: date,
    route: str,
    channel: str,
    needs: Sequence[str],
    requested_by: User | None = None,
    postcode: str | None = None,
    today: date | None = None,
    areas: Mapping[str, Area] | None = None,
    teams: Mapping[int, Team] | None = None,
    request_source: str = "",
    refresh_deadline: bool = True,
) -> Case:
    """An unsaved case, placed by the one rule: area from the child's postcode
    (area_for_postcode), team the area's receiving team (team_for_area), stage RECEIVED, and
    the next statutory deadline denormalised (unless `refresh_deadline` is False: a bulk caller
    that records later milestones on the case first, the demo, refreshes it once after them).

    `postcode` is the address the request gives when it is newer than the child's record (a
    cohort file). Bulk callers pass `areas` (areas_by_district) and `teams` (teams_by_area),
    loaded once, so thousands of cases cost no query each; the lookups apply the same rule.
    """
    postcode = child.postcode if postcode is None else postcode
    if areas is None or teams is None:
        area = area_for_postcode(postcode)
        team = team_for_area(area)
    else:
        area = areas.get(postcode_district(postcode))
        team = teams.get(area.pk) if area is not None else None
    case = Case(
        reference=reference,
        # The protocol stands for families.Child, which the core may not import (layering,
        # TYPE_CHECKING included), so the checker cannot see it is the field's model.
        child=child,  # type: ignore[misc]
        received_on=received_on,
        route=route,
        channel=channel,
        # SEN2 RequestSource: asked where the route does not tell (a paper or phone request).
        request_source=request_source or ROUTE_REQUEST_SOURCE.get(route, ""),
        stage=Stage.RECEIVED,
        is_open=True,
        area=area,
        team=team,
        caseworker=None,
        requested_by=requested_by,
        needs=list(needs),
    )
    if refresh_deadline:
        case_refresh_deadline(case=case, today=today)
    return case


@transaction.atomic
def case_open(
    *,
    child: ChildWithPostcode,
    received_on: date,
    route: str,
    channel: str,
    needs: Sequence[str],
    requested_by: User | None,
    actor: User | None,
    summary: str = "We received the request for an EHC needs assessment",
    data: dict[str, Any] | None = None,
    family_visible: bool = True,
    request_source: str = "",
) -> Case:
    """Open the case for a request: the one way a case comes into being one at a time.

    The statutory clock starts on `received_on` (s.36 CFA 2014; reg 4(1) SEND Regulations
    2014). The `request_received` event goes on the timeline, then the after-open hooks run
    (assignment) inside the same transaction.
    """
    case = case_prepare(
        child=child,
        reference=case_reference_next(year=received_on.year),
        received_on=received_on,
        route=route,
        channel=channel,
        needs=needs,
        requested_by=requested_by,
        today=timezone.localdate(),
        request_source=request_source,
    )
    case.save()
    case_event_record(
        case=case,
        kind="request_received",
        summary=summary,
        actor=actor,
        family_visible=family_visible,
        data=data,
    )
    for hook in list(_after_open_hooks):
        hook(case, actor)
    return case
