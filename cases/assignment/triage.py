"""The council-wide triage queue: a case no rule can place (its postcode is outside every
configured area) waits here, seen by every team manager, until one of them places it in an area
and assigns it. Opening such a case alerts the managers; the family is told the truth."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.assignment.decisions import (
    AssignmentRefused,
    case_assign,
    case_assignment_override,
)
from cases.models import Area, Case
from cases.selectors import team_for_area
from cases.services import case_event_record
from ehcp_portal.accounts.models import Role, User
from notifications.services import notification_queue

# What the family reads on their timeline while the case has no area (shown to staff too).
WAITING_FOR_AN_AREA = (
    "We are checking which of our teams covers the address we were given. A team manager will "
    "choose your caseworker and we will tell you who it is."
)


def case_triage_record(*, case: Case) -> None:
    """The case is in triage: the timeline says so (the family sees it) and every active team
    manager is alerted once, with a link to the queue. Called inside the opening transaction."""
    case_event_record(
        case=case,
        kind="triage_waiting",
        summary=WAITING_FOR_AN_AREA,
        family_visible=True,
        data={"postcode": case.child.postcode},
    )
    postcode = case.child.postcode or "no postcode"
    for manager in User.objects.filter(role=Role.TEAM_MANAGER, is_active=True).order_by("pk"):
        notification_queue(
            recipient=manager,
            purpose="case_triage",
            event_key=f"case-triage:{case.pk}",
            subject=f"{case.reference} needs an area",
            body=(
                f"Case {case.reference} was opened for an address ({postcode}) outside every "
                "area we have configured, so no team has it and its statutory clock is running. "
                "Place it in an area from the council's triage queue."
            ),
            link=reverse("assignment:triage"),
            case=case,
        )


@transaction.atomic
def case_place(
    *, case: Case, area: Area, caseworker: User | None, actor: User, note: str = ""
) -> Case:
    """A manager places a triage case in an area; the chosen caseworker gets it (a manager's
    override), or with none chosen the assignment rules choose in that area.

    The row lock makes two managers placing the same case at once safe: the second is told
    who placed it where.
    """
    note = note.replace("\x00", "").strip()
    # The case's own columns only: joined rows are not re-read after waiting for a lock.
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if case.area_id is not None:
        placed = case.events.filter(kind="triage_placed").select_related("actor").first()
        who = f" by {placed.actor}" if placed is not None and placed.actor else ""
        raise AssignmentRefused(f"{case.reference} has already been placed in {case.area}{who}.")
    if not case.is_open:
        raise AssignmentRefused("A closed case is not placed.")
    if caseworker is not None and (caseworker.team is None or caseworker.team.area_id != area.pk):
        raise AssignmentRefused(f"{caseworker} does not work in {area}. Choose one who does.")
    team = caseworker.team if caseworker is not None else team_for_area(area)
    Case.objects.filter(pk=case.pk).update(area=area, team=team, updated_at=timezone.now())
    case.area, case.team = area, team
    case_event_record(
        case=case,
        kind="triage_placed",
        summary=f"Placed in {area} from the triage queue by {actor}"
        + (f": {note}" if note else ""),
        actor=actor,
        data={"area": area.pk, "team": team.pk if team else None, "note": note},
    )
    if caseworker is not None:
        case_assignment_override(
            case=case,
            caseworker=caseworker,
            reason=note or f"Placed in {area} from the triage queue",
            actor=actor,
        )
    else:
        case_assign(case=case, actor=actor, reason=note)
    return case
