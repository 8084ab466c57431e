"""Rebalancing a caseworker's caseload: a plan of moves the manager reviews, then applied only if
nothing changed in between."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.assignment import rules
from cases.assignment.decisions import AssignmentRefused
from cases.assignment.facts import (
    assignment_rules_load,
    candidates_load,
    case_facts,
    continuity_load,
)
from cases.assignment.models import AssignmentDecision, CaseworkerProfile
from cases.models import Case, CaseEvent
from ehcp_portal.accounts.models import User
from notifications.models import Notification
from notifications.services import notification_queue


@dataclass(frozen=True)
class Move:
    case_id: int
    reference: str
    child_name: str
    priority: int
    to_user_id: int | None
    to_name: str
    to_team_id: int | None
    total: int
    contributions: tuple[dict[str, Any], ...]
    runners_up: tuple[dict[str, Any], ...] = ()
    ineligible: tuple[tuple[str, int], ...] = ()

    @property
    def explanation(self) -> str:
        return rules.explanation(self.contributions)


@dataclass(frozen=True)
class Kept:
    """A case the manager did not pick: it stays with its caseworker."""

    case_id: int
    reference: str
    child_name: str


@dataclass
class RebalancePlan:
    caseworker_id: int
    moves: list[Move] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """Identifies the proposal, so apply can refuse if caseloads changed since the preview."""
        body = json.dumps([(m.case_id, m.to_user_id) for m in self.moves])
        return hashlib.sha256(f"{self.caseworker_id}:{body}".encode()).hexdigest()[:16]

    @property
    def open_cases(self) -> int:
        return len(self.moves) + len(self.kept)

    @property
    def unassigned(self) -> list[Move]:
        return [m for m in self.moves if m.to_user_id is None]


def rebalance_plan(
    *, caseworker: User, case_ids: Collection[int] | None = None, lock: bool = False
) -> RebalancePlan:
    """Where each of `caseworker`'s open cases the manager picked (`case_ids`; None: all)
    would go by the rules, most urgent first; the others are kept.

    Candidates are loaded once and their caseloads updated in memory as cases are placed, so
    the plan spreads the cases rather than giving them all to today's least busy colleague,
    and nobody is given a case at or over their capacity (rules.caseworker_capacity): a case
    nobody has room for goes to the area's unassigned queue, with the reason.
    """
    qs = (
        Case.objects.filter(caseworker=caseworker, is_open=True)
        .select_related("child", "area")
        .order_by("-priority", "next_deadline_on", "reference")
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    every = list(qs)
    picked = None if case_ids is None else set(case_ids)
    cases = [c for c in every if picked is None or c.pk in picked]
    plan = RebalancePlan(
        caseworker_id=caseworker.pk,
        kept=[
            Kept(case_id=c.pk, reference=c.reference, child_name=c.child.full_name)
            for c in every
            if picked is not None and c.pk not in picked
        ],
    )
    if not cases:
        return plan
    configured = assignment_rules_load()
    area_rule = configured[rules.AREA_MATCH]
    hard_area = area_rule.enabled and area_rule.hard
    area_ids = {c.area_id for c in cases if c.area_id}
    candidates = candidates_load(area_ids=area_ids) if hard_area else candidates_load()
    continuity = continuity_load(cases)
    today = timezone.localdate()
    pools: dict[tuple[int | None, frozenset[int]], rules.Pool] = {}
    for case in cases:
        facts = case_facts(
            case,
            continuity=continuity.get(case.pk, (frozenset(), frozenset())),
            exclude=[caseworker.pk],
            today=today,
        )
        context = rules.eligibility_context(facts, configured)
        pool = pools.get(context)
        if pool is None:
            pool = pools[context] = rules.Pool(facts, candidates, configured)
        choice = pool.choose(facts)
        if choice.winner is not None:
            pool.took(choice.winner)
        plan.moves.append(
            Move(
                case_id=case.pk,
                reference=case.reference,
                child_name=case.child.full_name,
                priority=case.priority,
                to_user_id=choice.winner.user_id if choice.winner else None,
                to_name=choice.winner.name if choice.winner else "",
                to_team_id=choice.winner.team_id if choice.winner else None,
                total=choice.total,
                contributions=tuple(c.as_dict() for c in choice.contributions),
                runners_up=tuple(choice.runners_up),
                ineligible=tuple(sorted(choice.ineligible.items())),
            )
        )
    return plan


class RebalanceChanged(AssignmentRefused):
    pass


@transaction.atomic
def caseload_rebalance(
    *,
    caseworker: User,
    actor: User,
    reason: str,
    not_taking_reason: str = "",
    expected_fingerprint: str | None = None,
    case_ids: Collection[int] | None = None,
) -> RebalancePlan:
    """Apply the rebalancing plan: exactly the moves `rebalance_plan` previews.

    The caseworker's open cases are locked first, so the plan computed here is the plan applied;
    if it differs from what the manager previewed, nothing changes and they see the new proposal.
    """
    reason = reason.replace("\x00", "").strip()
    if not reason:
        raise AssignmentRefused("Give the reason for moving this caseworker's cases.")
    if not_taking_reason:
        profile, _ = CaseworkerProfile.objects.get_or_create(user=caseworker)
        profile.taking_new_cases = False
        profile.not_taking_reason = not_taking_reason
        profile.not_taking_note = reason[:200]
        profile.save(update_fields=["taking_new_cases", "not_taking_reason", "not_taking_note"])
    if case_ids is not None and not case_ids:
        raise AssignmentRefused("Select the cases to move.")
    plan = rebalance_plan(caseworker=caseworker, case_ids=case_ids, lock=True)
    if expected_fingerprint is not None and plan.fingerprint != expected_fingerprint:
        raise RebalanceChanged(
            "Caseloads changed since you looked at the proposal. Check the new proposal below."
        )
    now = timezone.now()
    decisions = [
        AssignmentDecision(
            case_id=m.case_id,
            kind=AssignmentDecision.Kind.REBALANCE,
            caseworker_id=m.to_user_id,
            previous_caseworker=caseworker,
            total=m.total,
            contributions=list(m.contributions),
            runners_up=list(m.runners_up),
            ineligible=dict(m.ineligible),
            decided_by=actor,
            reason=reason,
            created_at=now,
        )
        for m in plan.moves
    ]
    AssignmentDecision.objects.bulk_create(decisions)
    by_target: dict[tuple[int | None, int | None], list[int]] = defaultdict(list)
    for m in plan.moves:
        by_target[(m.to_user_id, m.to_team_id)].append(m.case_id)
    for (user_id, team_id), case_ids in by_target.items():
        values: dict[str, Any] = {"caseworker_id": user_id, "updated_at": now}
        if team_id is not None:
            values["team_id"] = team_id
        Case.objects.filter(pk__in=case_ids).update(**values)
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case_id=m.case_id,
                kind="assignment_rebalanced",
                summary=(
                    f"Moved from {caseworker} to {m.to_name} when rebalancing: {reason}"
                    if m.to_user_id
                    else f"Moved from {caseworker} to the unassigned queue: {reason}"
                )[:300],
                actor=actor,
                data={"decision": d.pk, "explanation": m.explanation, "reason": reason},
                created_at=now,
            )
            for m, d in zip(plan.moves, decisions, strict=True)
        ]
    )
    counts: dict[int, int] = defaultdict(int)
    for m in plan.moves:
        if m.to_user_id:
            counts[m.to_user_id] += 1
    for user in User.objects.filter(pk__in=counts):
        notification_queue(
            recipient=user,
            purpose="cases_rebalanced",
            event_key=f"rebalance:{caseworker.pk}:{plan.fingerprint}:{now.isoformat()}",
            subject=f"{counts[user.pk]} case{'s' if counts[user.pk] != 1 else ''} moved to you",
            body=f"{actor} moved {counts[user.pk]} of {caseworker}'s cases to you: {reason}",
            link=reverse("casework:caseload"),
            channels=(Notification.Channel.IN_APP,),
        )
    return plan
