"""Assigning one case.

`case_assign` runs a fixed number of queries whatever the number of caseworkers: the case (row
locked so two requests cannot assign it twice), the rule weights, the family links for
continuity (three small queries), the candidates with their open-case counts (one aggregate
query), then the decision, the case update and the timeline event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.assignment import rules
from cases.assignment.facts import (
    assignment_rules_load,
    candidates_load,
    case_facts,
    continuity_load,
)
from cases.assignment.models import AssignmentDecision
from cases.events.models import EventType
from cases.events.services import event_record
from cases.models import Case, Team
from cases.selectors import area_for_postcode
from cases.services import case_event_record
from ehcp_portal.accounts.models import User
from notifications.models import Notification
from notifications.services import notification_queue


class AssignmentRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AssignmentConflict(AssignmentRefused):
    """The case's caseworker changed after the manager loaded the form they submitted."""

    def __init__(self, reason: str, *, current: User | None) -> None:
        super().__init__(reason)
        self.current = current


# The form a manager submits carries the caseworker it was based on; without one, no check.
UNCHECKED: Literal["unchecked"] = "unchecked"


def _conflict_check(case: Case, expected: int | None | Literal["unchecked"]) -> None:
    """Two managers reassigning the same case: the second is told who moved it to whom, and
    nothing changes. Called with the case row locked, so the answer cannot go stale."""
    if expected == UNCHECKED or expected == case.caseworker_id:
        return
    latest = (
        AssignmentDecision.objects.filter(case=case)
        .select_related("decided_by")
        .order_by("-created_at", "-id")
        .first()
    )
    who = "The assignment rules"
    if latest is not None and latest.decided_by is not None:
        who = latest.decided_by.get_full_name()
    when = f" at {timezone.localtime(latest.created_at):%H:%M}" if latest is not None else ""
    now = case.caseworker.get_full_name() if case.caseworker else "nobody (the unassigned queue)"
    raise AssignmentConflict(
        f"{who} changed the caseworker of {case.reference} to {now}{when}, after you opened "
        "this page. Nothing else was changed: check the caseworker and reason, then submit "
        "again if the case should still move.",
        current=case.caseworker,
    )


def _alert_managers_unassigned(*, case: Case, decision: AssignmentDecision) -> None:
    """Nothing is silently dropped: the area's team managers hear of every unassigned case."""
    if case.area_id is None:
        return  # a case with no area is alerted from the triage queue (cases.assignment.triage)
    teams = Team.objects.filter(
        area_id=case.area_id, manager__isnull=False, manager__is_active=True
    ).select_related("manager")
    why = ", ".join(f"{n} {reason}" for reason, n in sorted(decision.ineligible.items()))
    for team in teams:
        assert team.manager is not None  # the queryset has only teams with a manager
        notification_queue(
            recipient=team.manager,
            purpose="assignment_unassigned",
            event_key=f"assignment-decision:{decision.pk}",
            subject=f"{case.reference} could not be assigned",
            body=(
                f"No caseworker was eligible for case {case.reference} "
                f"({case.area.name if case.area else 'no area'}). "
                + (f"Caseworkers considered: {why}. " if why else "No caseworkers in the area. ")
                + "It is waiting in your area's unassigned queue."
            ),
            link=reverse("assignment:case", args=[case.reference]),
            case=case,
        )


@transaction.atomic
def case_assign(
    *,
    case: Case,
    actor: User | None = None,
    exclude: Iterable[int] = (),
    kind: str = AssignmentDecision.Kind.RULES,
    reason: str = "",
) -> AssignmentDecision:
    """Choose the caseworker for `case` by the configured rules and record why.

    Nobody eligible: the case is left unassigned in its area's queue and the area's managers are
    alerted. Returns the decision (its `caseworker` is None in that case).
    """
    case = (
        Case.objects.select_related("child", "area").select_for_update(of=("self",)).get(pk=case.pk)
    )
    if not case.is_open:
        raise AssignmentRefused("A closed case is not assigned.")
    if case.area_id is None:
        area = area_for_postcode(case.child.postcode)
        if area is not None:
            case.area, case.area_id = area, area.pk
    configured = assignment_rules_load()
    continuity = continuity_load([case]).get(case.pk, (frozenset(), frozenset()))
    facts = case_facts(case, continuity=continuity, exclude=exclude)
    area_rule = configured[rules.AREA_MATCH]
    if area_rule.enabled and area_rule.hard:
        candidates = candidates_load(area_ids=[case.area_id]) if case.area_id else []
    else:
        candidates = candidates_load()
    choice = rules.choose(facts, candidates, configured)
    previous_id = case.caseworker_id
    decision = AssignmentDecision.objects.create(
        case=case,
        kind=kind,
        caseworker_id=choice.winner.user_id if choice.winner else None,
        previous_caseworker_id=previous_id,
        total=choice.total,
        contributions=[c.as_dict() for c in choice.contributions],
        runners_up=choice.runners_up,
        considered=choice.considered,
        ineligible=choice.ineligible,
        decided_by=None,
        reason=reason,
    )
    updates: dict[str, Any] = {"updated_at": timezone.now(), "area_id": case.area_id}
    if choice.winner is not None:
        updates.update(caseworker_id=choice.winner.user_id, team_id=choice.winner.team_id)
        summary = f"Assigned to {choice.winner.name} by the assignment rules"
        event_kind = "assigned"
    elif case.area_id is None:
        updates["caseworker_id"] = None
        summary = "No area covers the child's postcode: the case is in the council's triage queue"
        event_kind = "assignment_unassigned"
    else:
        updates["caseworker_id"] = None
        summary = "No caseworker was eligible: the case is in the area's unassigned queue"
        event_kind = "assignment_unassigned"
    Case.objects.filter(pk=case.pk).update(**updates)
    for name, value in updates.items():
        setattr(case, name, value)
    case_event_record(
        case=case,
        kind=event_kind,
        summary=summary,
        actor=actor,
        data={"decision": decision.pk, "explanation": decision.explanation},
    )
    event_record(
        type=EventType.CASE_ASSIGNED,
        case=case,
        data={"decision": decision.pk, "caseworker": updates["caseworker_id"]},
    )
    # A case with no area has its own alert to every manager (cases.assignment.triage).
    if choice.winner is None and case.area_id is not None:
        _alert_managers_unassigned(case=case, decision=decision)
    return decision


@transaction.atomic
def case_assignment_override(
    *,
    case: Case,
    caseworker: User,
    reason: str,
    actor: User,
    expected_caseworker_id: int | None | Literal["unchecked"] = UNCHECKED,
) -> AssignmentDecision:
    """A manager chooses the caseworker; the rules' view of the choice is kept with the reason.

    `expected_caseworker_id` is the caseworker the manager's form showed: if another manager
    (or the rules) changed it since, AssignmentConflict says who changed it to whom. A manager
    may choose a caseworker at or over capacity: that is the override the rules never make.
    """
    reason = reason.replace("\x00", "").strip()
    if not reason:
        raise AssignmentRefused("Give the reason for changing the caseworker.")
    # Only the case's own columns: after waiting for another manager's lock, PostgreSQL
    # re-reads the locked row but not the rows joined to it, so a joined caseworker (or area)
    # would be the one from before the wait. Related rows are read after the lock.
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    _conflict_check(case, expected_caseworker_id)
    if caseworker.pk == case.caseworker_id:
        raise AssignmentRefused(f"The case is already assigned to {caseworker}.")
    chosen = candidates_load(user_ids=[caseworker.pk])
    if not chosen:
        raise AssignmentRefused("Choose an active caseworker who is in a team.")
    continuity = continuity_load([case]).get(case.pk, (frozenset(), frozenset()))
    facts = case_facts(case, continuity=continuity)
    contributions = rules.score(facts, chosen[0], assignment_rules_load())
    previous = case.caseworker
    decision = AssignmentDecision.objects.create(
        case=case,
        kind=AssignmentDecision.Kind.OVERRIDE,
        caseworker=caseworker,
        previous_caseworker=previous,
        total=sum(c.points for c in contributions),
        contributions=[c.as_dict() for c in contributions],
        decided_by=actor,
        reason=reason,
    )
    Case.objects.filter(pk=case.pk).update(
        caseworker=caseworker, team_id=chosen[0].team_id, updated_at=timezone.now()
    )
    case_event_record(
        case=case,
        kind="assignment_override",
        summary=(
            f"Caseworker changed from {previous or 'nobody'} to {caseworker} by {actor}: {reason}"
        )[:300],
        actor=actor,
        data={"decision": decision.pk, "reason": reason},
    )
    event_record(
        type=EventType.CASE_ASSIGNED,
        case=case,
        data={"decision": decision.pk, "caseworker": caseworker.pk},
    )
    notification_queue(
        recipient=caseworker,
        purpose="case_assigned",
        event_key=f"assignment-decision:{decision.pk}",
        subject=f"{case.reference} has been assigned to you",
        body=f"{actor} assigned case {case.reference} to you: {reason}",
        link=reverse("casework:case_detail", args=[case.reference]),
        case=case,
        channels=(Notification.Channel.IN_APP,),
    )
    return decision
