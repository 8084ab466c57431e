"""What the assignment rules read: the configured rules and priority weights, the candidate
caseworkers with their open caseloads, family continuity and a case's own facts. Each a fixed
number of queries whatever the number of caseworkers."""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from django.db.models import FloatField, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from cases.assignment import rules
from cases.assignment.models import AssignmentRule, PriorityIndicator
from cases.models import Case, CouncilProfile, OpenCaseCount
from cases.selectors import open_cases_of
from ehcp_portal.accounts.models import Role, User
from families.models import FamilyMembership

DEFAULT_FTE = rules.DEFAULT_FTE
DEFAULT_TARGET = rules.DEFAULT_TARGET_CASELOAD


def default_target_caseload() -> int:
    """The council's caseload for a full-time caseworker with no assignment profile yet
    (CouncilProfile, set in the admin); the code's default before the council sets one."""
    configured = CouncilProfile.objects.values_list("default_target_caseload", flat=True).first()
    return configured or DEFAULT_TARGET


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


def candidates_load(
    *, area_ids: Iterable[int] | None = None, user_ids: Iterable[int] | None = None
) -> list[rules.Candidate]:
    """Active caseworkers in a team, with their open-case counts, in ONE query (and one more
    for the council's default caseload when a caseworker has no profile yet)."""
    qs = User.objects.filter(role=Role.CASEWORKER, is_active=True, team__isnull=False)
    if area_ids is not None:
        qs = qs.filter(team__area_id__in=list(area_ids))
    if user_ids is not None:
        qs = qs.filter(pk__in=list(user_ids))
    # The kept count (cases.models.OpenCaseCount): counting each candidate's open cases read
    # 656,000 rows per decision at 1,000,000 cases. The profile's lists come as their JSON
    # text, decoded once per distinct list (an area of 2,222 caseworkers has a few dozen).
    rows = (
        qs.annotate(
            open_cases=open_cases_of(OpenCaseCount.Scope.CASEWORKER),
            # The FTE as the rules read it (a float): no Decimal made per row.
            fte_float=Cast("assignment_profile__fte", FloatField()),
            specialisms_json=Cast("assignment_profile__specialisms", TextField()),
            languages_json=Cast("assignment_profile__languages", TextField()),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "full_name",
            "email",
            "team_id",
            "team__area_id",
            "team__area__name",
            "open_cases",
            "fte_float",
            "assignment_profile__target_caseload",
            "specialisms_json",
            "languages_json",
            "assignment_profile__taking_new_cases",
        )
    )
    out = []
    default_target = functools.cache(default_target_caseload)  # read only if someone needs it
    for (
        pk,
        full_name,
        email,
        team_id,
        area_id,
        area_name,
        open_cases,
        fte,
        target,
        specialisms,
        languages,
        taking,
    ) in rows:
        has_profile = target is not None
        out.append(
            rules.Candidate(
                user_id=pk,
                name=full_name or email,
                area_id=area_id,
                area_name=area_name or "",
                team_id=team_id,
                open_cases=open_cases,
                fte=fte if has_profile else DEFAULT_FTE,
                target_caseload=target if has_profile else default_target(),
                specialisms=_specialisms(specialisms),
                languages=_languages(languages),
                taking_new_cases=bool(taking) if has_profile else True,
            )
        )
    return out


@functools.lru_cache(maxsize=1024)
def _specialisms(text: str | None) -> frozenset[str]:
    return frozenset(json.loads(text) if text else ())


@functools.lru_cache(maxsize=1024)
def _languages(text: str | None) -> frozenset[str]:
    return frozenset(lang.strip().casefold() for lang in (json.loads(text) if text else ()))


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
