"""What the assignment rules read: the configured rules and priority weights, the candidate
caseworkers with their open caseloads, family continuity and a case's own facts. Each a fixed
number of queries whatever the number of caseworkers."""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import FloatField, QuerySet, Subquery, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from cases.assignment import rules
from cases.assignment.models import AssignmentRule, CaseworkerProfile, PriorityIndicator
from cases.models import Area, Case, CouncilProfile, OpenCaseCount, Team
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


# The candidates' roster: who they are and their profiles. It changes rarely, while their
# open-case counts change with every decision. At 1,000,000 cases an area has 2,222
# caseworkers, and receiving and decoding all their rows was over half of a decision. So each
# process keeps the rosters it has read, each under a fingerprint of the versions of the rows
# it was read from (`_roster_summary_sql`). A decision asks the database for the fingerprint
# and the counts only, and reads the roster again only when the fingerprint differs. The kept
# roster is never handed out: each call gets new candidates (a cohort changes their counts as
# it goes). Measured at 1,000,000 cases: a decision's median from 47-49 ms to 36-38 ms.
_ROSTERS_KEPT = 64
_rosters: dict[tuple[int, ...] | None, tuple[str, tuple[rules.Candidate, ...]]] = {}


def _roster_summary_sql(*, by_area: bool) -> str:
    """The fingerprint, the open-case counts and the ids of the candidates (in order of id), in
    one statement, so the counts belong to the roster the fingerprint names. The fingerprint is the
    md5 of each row version's `xmin` and `ctid`: every write of a row makes a new version, with
    the writing transaction as its `xmin` and a new place (`ctid`), even a second write in the
    same transaction; a rolled-back write leaves the old version. It covers every row a
    candidate is read from: the user, their profile, team and area, and the council's profile
    (its default caseload)."""
    user, team, area = User._meta.db_table, Team._meta.db_table, Area._meta.db_table
    profile, count = CaseworkerProfile._meta.db_table, OpenCaseCount._meta.db_table
    council = CouncilProfile._meta.db_table
    in_areas = "WHERE t.area_id = ANY(%(areas)s)" if by_area else ""
    return f"""
        SELECT md5(
                   string_agg(
                       concat_ws(
                           '.', u.id, u.xmin, u.ctid, coalesce(p.xmin || '.' || p.ctid, '-'),
                           t.xmin, t.ctid, a.xmin, a.ctid
                       ),
                       ',' ORDER BY u.id
                   )
                   || '/'
                   || coalesce((SELECT string_agg(xmin || '.' || ctid, ',') FROM {council}), '')
               ),
               coalesce(array_agg(coalesce(c.open_cases, 0) ORDER BY u.id), '{{}}'),
               coalesce(array_agg(u.id ORDER BY u.id), '{{}}')
        FROM {team} t
        JOIN {area} a ON a.id = t.area_id
        -- Team by team, on the index of (role, team): a join planned the other way walked the
        -- caseworkers of every area before the one asked for (twice as slow for the last).
        CROSS JOIN LATERAL (
            SELECT u.id, u.xmin, u.ctid FROM {user} u
            WHERE u.team_id = t.id AND u.role = %(role)s AND u.is_active
            OFFSET 0
        ) u
        LEFT JOIN {profile} p ON p.user_id = u.id
        LEFT JOIN {count} c ON c.scope = %(scope)s AND c.scope_id = u.id
        {in_areas}
    """  # noqa: S608 (table names from the models, values as parameters)


def candidates_load(
    *, area_ids: Iterable[int] | None = None, user_ids: Iterable[int] | None = None
) -> list[rules.Candidate]:
    """Active caseworkers in a team, with their open-case counts: on PostgreSQL one query when
    this process has read the same roster before, two when it has not (or it changed); one
    query on SQLite and for chosen `user_ids`."""
    qs = User.objects.filter(role=Role.CASEWORKER, is_active=True, team__isnull=False)
    if area_ids is not None:
        area_ids = sorted(set(area_ids))
        qs = qs.filter(team__area_id__in=area_ids)
    if user_ids is not None:
        qs = qs.filter(pk__in=list(user_ids))
    if connection.vendor != "postgresql" or user_ids is not None:
        return [_candidate(row) for row in _roster_rows(qs)]

    key = tuple(area_ids) if area_ids is not None else None
    with connection.cursor() as cursor:
        cursor.execute(
            _roster_summary_sql(by_area=key is not None),
            {"scope": OpenCaseCount.Scope.CASEWORKER, "role": Role.CASEWORKER, "areas": area_ids},
        )
        fingerprint, counts, ids = cursor.fetchone()
    kept = _rosters.get(key)
    if kept is not None and kept[0] == fingerprint:
        return [_with_count(proto, n) for proto, n in zip(kept[1], counts, strict=True)]
    # Read after the fingerprint: a change in between is read here, and its newer fingerprint
    # makes the next call read the roster again. Kept only if the statement above chose the
    # same people as the query below, so its counts are theirs in the same order.
    candidates = [_candidate(row) for row in _roster_rows(qs)]
    if [c.user_id for c in candidates] == ids:
        if len(_rosters) >= _ROSTERS_KEPT:
            _rosters.clear()
        _rosters[key] = (fingerprint, tuple(_with_count(c, 0) for c in candidates))
    return candidates


def _roster_rows(qs: QuerySet[User]) -> list[tuple[Any, ...]]:
    """The candidates' rows in order of id (the order of `_roster_summary_sql`'s counts)."""
    return list(
        qs.annotate(
            # The kept count (cases.models.OpenCaseCount): counting each candidate's open
            # cases read 656,000 rows per decision at 1,000,000 cases.
            open_cases=open_cases_of(OpenCaseCount.Scope.CASEWORKER),
            # The FTE as the rules read it (a float): no Decimal made per row.
            fte_float=Cast("assignment_profile__fte", FloatField()),
            # The profile's lists as their JSON text, decoded once per distinct list (an
            # area of 2,222 caseworkers has a few dozen).
            specialisms_json=Cast("assignment_profile__specialisms", TextField()),
            languages_json=Cast("assignment_profile__languages", TextField()),
            default_target=Subquery(
                CouncilProfile.objects.order_by("pk").values("default_target_caseload")[:1]
            ),
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
            "default_target",
        )
    )


def _candidate(row: tuple[Any, ...]) -> rules.Candidate:
    (pk, full_name, email, team_id, area_id, area_name, open_cases) = row[:7]
    (fte, target, specialisms, languages, taking, default_target) = row[7:]
    has_profile = target is not None
    return rules.Candidate(
        user_id=pk,
        name=full_name or email,
        area_id=area_id,
        area_name=area_name or "",
        team_id=team_id,
        open_cases=open_cases,
        fte=fte if has_profile else DEFAULT_FTE,
        target_caseload=target if has_profile else (default_target or DEFAULT_TARGET),
        specialisms=_specialisms(specialisms),
        languages=_languages(languages),
        taking_new_cases=bool(taking) if has_profile else True,
    )


def _with_count(proto: rules.Candidate, open_cases: int) -> rules.Candidate:
    """A copy of a kept candidate with its current count (without running __init__ again:
    the copy is the hot path, 2,222 per decision)."""
    clone = object.__new__(rules.Candidate)
    clone.__dict__.update(proto.__dict__)
    clone.open_cases = open_cases
    return clone


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
