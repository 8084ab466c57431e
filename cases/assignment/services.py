"""Writes for assignment and prioritisation.

`case_assign` runs a fixed number of queries whatever the number of caseworkers: the case (row
locked so two requests cannot assign it twice), the rule weights, the family links for
continuity (three small queries), the candidates with their open-case counts (one aggregate
query), then the decision, the case update and the timeline event.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from cases.assignment import rules
from cases.assignment.models import (
    AssignmentDecision,
    AssignmentRule,
    CaseworkerProfile,
    PriorityIndicator,
)
from cases.models import Area, Case, CaseEvent, Team
from cases.services import case_event_record
from ehcp_portal.accounts.models import Role, User
from families.models import Consent, FamilyMembership
from notifications.models import Notification
from notifications.services import notification_queue

if TYPE_CHECKING:
    from cases.workflow import Action

DEFAULT_FTE = 1.0
DEFAULT_TARGET = 40


# -- configuration ---------------------------------------------------------------------------


def assignment_rules_load() -> dict[str, rules.RuleSetting]:
    """The configured rules; a rule with no row uses its default, so a fresh database works."""
    configured = {
        r.key: rules.RuleSetting(r.weight, r.enabled, r.hard and r.key in rules.HARD_CAPABLE)
        for r in AssignmentRule.objects.all()
    }
    return {key: configured.get(key, default) for key, default in rules.DEFAULT_RULES.items()}


def priority_weights_load() -> dict[str, int]:
    """Enabled indicators and their weights (defaults for indicators with no row)."""
    rows = {r.key: r for r in PriorityIndicator.objects.all()}
    weights: dict[str, int] = {}
    for key, default in rules.DEFAULT_PRIORITY_WEIGHTS.items():
        row = rows.get(key)
        if row is None:
            weights[key] = default
        elif row.enabled:
            weights[key] = row.weight
    return weights


# -- loading what the rules read -------------------------------------------------------------


def candidates_load(
    *, area_ids: Iterable[int] | None = None, user_ids: Iterable[int] | None = None
) -> list[rules.Candidate]:
    """Active caseworkers in a team, with their open-case counts, in ONE query."""
    qs = User.objects.filter(role=Role.CASEWORKER, is_active=True, team__isnull=False)
    if area_ids is not None:
        qs = qs.filter(team__area_id__in=list(area_ids))
    if user_ids is not None:
        qs = qs.filter(pk__in=list(user_ids))
    # A correlated count per caseworker uses the (caseworker, is_open, ...) index; a join and
    # GROUP BY over every open case was five times slower with 200 caseworkers.
    open_cases = (
        Case.objects.filter(caseworker_id=OuterRef("pk"), is_open=True)
        .order_by()
        .values("caseworker_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = qs.annotate(open_cases=Coalesce(Subquery(open_cases), 0)).values(
        "pk",
        "full_name",
        "email",
        "team_id",
        "team__area_id",
        "team__area__name",
        "open_cases",
        "assignment_profile__fte",
        "assignment_profile__target_caseload",
        "assignment_profile__specialisms",
        "assignment_profile__languages",
        "assignment_profile__taking_new_cases",
    )
    out = []
    for row in rows.order_by("pk"):
        has_profile = row["assignment_profile__target_caseload"] is not None
        out.append(
            rules.Candidate(
                user_id=row["pk"],
                name=row["full_name"] or row["email"],
                area_id=row["team__area_id"],
                area_name=row["team__area__name"] or "",
                team_id=row["team_id"],
                open_cases=row["open_cases"],
                fte=float(row["assignment_profile__fte"]) if has_profile else DEFAULT_FTE,
                target_caseload=(
                    row["assignment_profile__target_caseload"] if has_profile else DEFAULT_TARGET
                ),
                specialisms=frozenset(row["assignment_profile__specialisms"] or ()),
                languages=frozenset(
                    lang.strip().casefold() for lang in row["assignment_profile__languages"] or ()
                ),
                taking_new_cases=(
                    bool(row["assignment_profile__taking_new_cases"]) if has_profile else True
                ),
            )
        )
    return out


def continuity_load(cases: Sequence[Case]) -> dict[int, tuple[frozenset[int], frozenset[int]]]:
    """case id -> (siblings' caseworkers, the child's previous caseworkers), in three queries.

    Siblings are children who share a family member (a FamilyMembership user) with the child.
    """
    child_ids = {c.child_id for c in cases}
    if not child_ids:
        return {}
    members = list(
        FamilyMembership.objects.filter(child_id__in=child_ids).values_list("child_id", "user_id")
    )
    users_of: dict[int, set[int]] = defaultdict(set)
    for child_id, user_id in members:
        users_of[child_id].add(user_id)
    children_of: dict[int, set[int]] = defaultdict(set)
    all_users = {u for _, u in members}
    if all_users:
        for user_id, child_id in FamilyMembership.objects.filter(user_id__in=all_users).values_list(
            "user_id", "child_id"
        ):
            children_of[user_id].add(child_id)
    related_children = set(child_ids) | {c for kids in children_of.values() for c in kids}
    workers_of: dict[int, list[tuple[int, int]]] = defaultdict(list)  # child -> (case, worker)
    for case_id, child_id, worker_id in Case.objects.filter(
        child_id__in=related_children, caseworker__isnull=False
    ).values_list("pk", "child_id", "caseworker_id"):
        workers_of[child_id].append((case_id, worker_id))
    out = {}
    for case in cases:
        siblings = {
            kid
            for user_id in users_of.get(case.child_id, ())
            for kid in children_of.get(user_id, ())
            if kid != case.child_id
        }
        sibling_workers = {w for kid in siblings for _, w in workers_of.get(kid, ())}
        previous = {w for cid, w in workers_of.get(case.child_id, ()) if cid != case.pk}
        if case.caseworker_id:
            previous.add(case.caseworker_id)
        out[case.pk] = (frozenset(sibling_workers), frozenset(previous))
    return out


def case_facts(
    case: Case,
    *,
    continuity: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset()),
    exclude: Iterable[int] = (),
    today: date | None = None,
) -> rules.CaseFacts:
    today = today or timezone.localdate()
    child = case.child
    return rules.CaseFacts(
        area_id=case.area_id,
        area_name=case.area.name if case.area else "",
        needs=tuple(case.needs or ()),
        age=rules.age_on(child.date_of_birth, today) if child.date_of_birth else None,
        looked_after=child.looked_after,
        home_language=child.home_language or "",
        sibling_caseworker_ids=continuity[0],
        previous_caseworker_ids=continuity[1],
        exclude_ids=frozenset(exclude),
    )


def area_for_postcode(postcode: str, areas: Iterable[Area] | None = None) -> Area | None:
    outward = (postcode or "").strip().upper().split(" ")[0]
    if not outward:
        return None
    for area in areas if areas is not None else Area.objects.all():
        if outward in {d.upper() for d in area.postcode_districts or ()}:
            return area
    return None


# -- assigning one case ----------------------------------------------------------------------


class AssignmentRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _alert_managers_unassigned(*, case: Case, decision: AssignmentDecision) -> None:
    """Nothing is silently dropped: the area's team managers hear of every unassigned case."""
    teams = Team.objects.filter(manager__isnull=False, manager__is_active=True).select_related(
        "manager"
    )
    teams = teams.filter(area_id=case.area_id) if case.area_id else teams
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
            link=reverse("cases:assignment_case", args=[case.reference]),
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
    if choice.winner is None:
        _alert_managers_unassigned(case=case, decision=decision)
    return decision


@transaction.atomic
def case_assignment_override(
    *, case: Case, caseworker: User, reason: str, actor: User
) -> AssignmentDecision:
    """A manager chooses the caseworker; the rules' view of the choice is kept with the reason."""
    reason = reason.replace("\x00", "").strip()
    if not reason:
        raise AssignmentRefused("Give the reason for changing the caseworker.")
    case = (
        Case.objects.select_related("child", "area", "caseworker")
        .select_for_update(of=("self",))
        .get(pk=case.pk)
    )
    if caseworker.pk == case.caseworker_id:
        raise AssignmentRefused(f"{caseworker} is already the caseworker for this case.")
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
    notification_queue(
        recipient=caseworker,
        purpose="case_assigned",
        event_key=f"assignment-decision:{decision.pk}",
        subject=f"{case.reference} has been assigned to you",
        body=f"{actor} assigned case {case.reference} to you: {reason}",
        link=reverse("cases:case_detail", args=[case.reference]),
        case=case,
        channels=(Notification.Channel.IN_APP,),
    )
    return decision


# -- rebalancing -----------------------------------------------------------------------------


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


@dataclass
class RebalancePlan:
    caseworker_id: int
    moves: list[Move] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """Identifies the proposal, so apply can refuse if caseloads changed since the preview."""
        body = json.dumps([(m.case_id, m.to_user_id) for m in self.moves])
        return hashlib.sha256(f"{self.caseworker_id}:{body}".encode()).hexdigest()[:16]

    @property
    def unassigned(self) -> list[Move]:
        return [m for m in self.moves if m.to_user_id is None]


def rebalance_plan(*, caseworker: User, lock: bool = False) -> RebalancePlan:
    """Where each of `caseworker`'s open cases would go by the rules, most urgent first.

    Candidates are loaded once and their caseloads updated in memory as cases are placed, so
    the plan spreads the cases rather than giving them all to today's least busy colleague.
    """
    qs = (
        Case.objects.filter(caseworker=caseworker, is_open=True)
        .select_related("child", "area")
        .order_by("-priority", "next_deadline_on", "reference")
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    cases = list(qs)
    plan = RebalancePlan(caseworker_id=caseworker.pk)
    if not cases:
        return plan
    configured = assignment_rules_load()
    area_rule = configured[rules.AREA_MATCH]
    hard_area = area_rule.enabled and area_rule.hard
    area_ids = {c.area_id for c in cases if c.area_id}
    candidates = candidates_load(area_ids=area_ids) if hard_area else candidates_load()
    continuity = continuity_load(cases)
    today = timezone.localdate()
    for case in cases:
        facts = case_facts(
            case,
            continuity=continuity.get(case.pk, (frozenset(), frozenset())),
            exclude=[caseworker.pk],
            today=today,
        )
        choice = rules.choose(facts, candidates, configured)
        if choice.winner is not None:
            choice.winner.open_cases += 1
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
    plan = rebalance_plan(caseworker=caseworker, lock=True)
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
            link=reverse("cases:caseload"),
            channels=(Notification.Channel.IN_APP,),
        )
    return plan


# -- priority --------------------------------------------------------------------------------

# Agencies involved: the parties the family has consented to share information with
# (educational psychology, health, social care, settings, others), not elected members.
AGENCY_FILTER = Q(child__consents__revoked_at__isnull=True) & ~Q(
    child__consents__party=Consent.Party.ELECTED_MEMBER
)


def case_priority_refresh(
    *, case: Case, weights: dict[str, int] | None = None, today: date | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """Recompute and store Case.priority and its reasons."""
    weights = priority_weights_load() if weights is None else weights
    agencies = (
        Consent.objects.filter(child_id=case.child_id, revoked_at__isnull=True)
        .exclude(party=Consent.Party.ELECTED_MEMBER)
        .values("party")
        .distinct()
        .count()
    )
    score, reasons = rules.case_priority(case, today=today, weights=weights, agencies=agencies)
    Case.objects.filter(pk=case.pk).update(priority=score, priority_reasons=reasons)
    case.priority, case.priority_reasons = score, reasons
    return score, reasons


def case_priority_after_transition(
    case: Case, action: Action, actor: Any, payload: dict[str, Any]
) -> None:
    """Workflow hook: every case event recomputes the case's priority."""
    case_priority_refresh(case=case)


def cases_priorities_recompute(*, batch_size: int = 2000, today: date | None = None) -> int:
    """The daily recompute: open cases in id-ordered batches, bulk-updating only what changed."""
    today = today or timezone.localdate()
    weights = priority_weights_load()
    changed = 0
    last_pk = 0
    while True:
        batch = list(
            Case.objects.filter(is_open=True, pk__gt=last_pk)
            .select_related("child")
            .annotate(agencies=Count("child__consents__party", filter=AGENCY_FILTER, distinct=True))
            .order_by("pk")[:batch_size]
        )
        if not batch:
            break
        last_pk = batch[-1].pk
        dirty = []
        for case in batch:
            score, reasons = rules.case_priority(
                case, today=today, weights=weights, agencies=case.agencies
            )
            if score != case.priority or reasons != case.priority_reasons:
                case.priority, case.priority_reasons = score, reasons
                dirty.append(case)
        if dirty:
            with transaction.atomic():
                Case.objects.bulk_update(dirty, ["priority", "priority_reasons"], batch_size=500)
            changed += len(dirty)
    changed += (
        Case.objects.filter(is_open=False)
        .exclude(priority=0)
        .update(priority=0, priority_reasons=[])
    )
    return changed


def case_assign_after_commit(*, case: Case) -> None:
    """For code that creates a case: assign it in a task seconds after the creating transaction
    commits, so the request that made it is not slowed. If the broker is down the unassigned
    sweep picks the case up instead: nothing is dropped."""
    from cases.assignment.tasks import case_assign_task

    def enqueue() -> None:
        try:
            case_assign_task.apply_async(args=[case.pk], retry=False)
        except Exception:  # the sweep assigns it on its next run
            import logging

            logging.getLogger(__name__).warning("Broker unavailable; case %s waits", case.pk)

    transaction.on_commit(enqueue)


def cases_unassigned_sweep(*, limit: int = 200) -> int:
    """Safety net: an open case with no caseworker and no decision yet gets one now."""
    ids = list(
        Case.objects.filter(
            is_open=True, caseworker__isnull=True, assignment_decisions__isnull=True
        )
        .order_by("-priority", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    weights = priority_weights_load()
    for case in Case.objects.filter(pk__in=ids).select_related("child"):
        case_priority_refresh(case=case, weights=weights)
        case_assign(case=case)
    return len(ids)
