"""The access policy's engine: one place that answers "may this user see/do this to this object".

Every view and API endpoint asks here. Rules are queryset filters (`Q`) per subject (a kind of
object: "case", "document", "meeting", …), action and role, so a list page ("which cases may I
see?") and a detail page ("may I see this case?") give the same answer from the same rule and
the check costs one query, whatever the data size.

The engine knows no app's models: each app registers its subjects and rules in its
`AppConfig.ready` (ADR-0001), in its own `access.py` (`cases/access.py`, `panels/access.py`, …).
Anything a user may not see does not exist for them: `object_or_404` raises Http404 (never 403),
so a reference typed into a URL reveals nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from ehcp_portal.accounts.models import Role

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


NOTHING = Q(pk__in=[])

Rule = Callable[["User"], Q]


@dataclass(frozen=True)
class Subject:
    model: type[Model]
    # Rules that join to many rows (a document on several drafts) need DISTINCT.
    distinct: bool = False


_SUBJECTS: dict[str, Subject] = {}
# (subject, action) → [(roles or None for every role, rule)]; a user's filter is the OR of the
# rules for their role. No rule for the role: nothing.
_RULES: dict[tuple[str, str], list[tuple[frozenset[str] | None, Rule]]] = defaultdict(list)


def subject_register(name: str, model: type[Model], *, distinct: bool = False) -> None:
    _SUBJECTS[name] = Subject(model=model, distinct=distinct)


def rule_register(
    subject: str, action: str, rule: Rule, *, roles: Iterable[str] | None = None
) -> None:
    """Add who may do `action` to objects of `subject`. Registering the same rule twice (a second
    `ready()` in tests) has no effect."""
    entry = (frozenset(roles) if roles is not None else None, rule)
    if entry not in _RULES[(subject, action)]:
        _RULES[(subject, action)].append(entry)


def rule_filter(user: User, subject: str, action: str) -> Q:
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    found = [rule for roles, rule in _RULES.get((subject, action), ()) if _applies(roles, user)]
    if not found:
        return NOTHING
    q = found[0](user)
    for rule in found[1:]:
        q |= rule(user)
    return q


def has_rule(subject: str, action: str, role: str) -> bool:
    """Whether any rule lets this role do `action` at all (saves a query for roles that cannot)."""
    return any(roles is None or role in roles for roles, _ in _RULES.get((subject, action), ()))


def _applies(roles: frozenset[str] | None, user: User) -> bool:
    return roles is None or user.role in roles


def objects_for(
    user: User, subject: str, action: str, *, within: Mapping[str, int | None] | None = None
) -> QuerySet[Any]:
    """The objects the user may do `action` to. `within` narrows them to the given values of
    plain columns (a manager's list of their own area: {"area_id": 3}), and the rules are
    applied knowing those values (`rules_knowing`): a rule they settle is dropped or kept
    whole rather than sent to the database beside the narrowing that settles it."""
    described = _SUBJECTS[subject]
    rule = rule_filter(user, subject, action)
    if within:
        known = rules_knowing(rule, within)
        rule = Q() if known is True else NOTHING if known is False else known
    qs = described.model._default_manager.filter(rule, **(within or {}))
    return qs.distinct() if described.distinct else qs


def may_all(user: User, subject: str, action: str, within: Mapping[str, int | None]) -> bool:
    """Whether the user may do `action` to every object with the `within` values (a manager to
    every case of their area), so a count kept for all of those is the count of what they may
    see."""
    return rules_knowing(rule_filter(user, subject, action), within) is True


def rules_knowing(q: Q, known: Mapping[str, int | None]) -> Q | bool:
    """`q` for the rows whose columns have the `known` values: True or False where that settles
    it, else what is left of it. Only an exact or `__isnull` lookup of a known column, compared
    with a whole number or None, is settled; every other condition stays as it is. (PostgreSQL
    multiplies the selectivities of `(area_id = 3 OR area_id IS NULL) AND area_id = 3`: it took
    a third of an area's cases for a ninth, and read a caseworker's cases through the area's
    index: 1.4 ms against 0.1.)"""
    if q.connector not in (Q.AND, Q.OR):
        return q
    is_and = q.connector == Q.AND
    kept: list[Any] = []
    for child in q.children:
        value: Any = (
            rules_knowing(child, known)
            if isinstance(child, Q)
            else _leaf_knowing(cast(tuple[str, Any], child), known)
        )
        if value is (not is_and):  # True in an OR, False in an AND: settled
            return value if not q.negated else not value
        if value is not is_and:  # neither True in an AND nor False in an OR: still open
            if isinstance(value, Q) and len(value.children) == 1 and not value.negated:
                value = value.children[0]  # a condition of its own, as Django writes it
            kept.append(value)
    if not kept:
        return is_and if not q.negated else not is_and
    if len(kept) == 1:
        left = kept[0] if isinstance(kept[0], Q) else Q(kept[0])
    else:
        left = Q(*kept, _connector=q.connector)
    return ~left if q.negated else left


def _leaf_knowing(leaf: tuple[str, Any], known: Mapping[str, int | None]) -> tuple[str, Any] | bool:
    lookup, value = leaf
    if lookup in known and _plain(value) and _plain(known[lookup]):
        return value == known[lookup]
    column, _, kind = lookup.rpartition("__")
    if kind == "isnull" and isinstance(value, bool):
        for name in (column, f"{column}_id"):
            if name in known and _plain(known[name]):
                return (known[name] is None) == value
    return leaf


def _plain(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def object_or_404(
    user: User,
    subject: str,
    action: str,
    queryset: QuerySet[Any] | None = None,
    **lookup: object,
) -> Any:
    """The object matching `lookup` if the user may do `action` to it; otherwise 404."""
    qs = queryset if queryset is not None else _SUBJECTS[subject].model._default_manager.all()
    rule = rule_filter(user, subject, action)
    found = qs.filter(rule, **lookup).first()
    if found is None:
        raise Http404("Not found")
    # The condition it was found under: a later question to the policy about this object in the
    # same request (`may_each`) whose rule is that very condition is already answered.
    found._access_found_under = (user.pk, subject, rule)  # type: ignore[union-attr]
    return found


def role_required(user: User, *roles: str) -> None:
    """Pages that belong to other roles do not exist for this user."""
    if not user.is_authenticated or user.role not in roles:
        raise Http404("Not found")


def user_area_id(user: User) -> int | None:
    """The area of the user's team (staff), or None."""
    team = user.team if user.team_id else None
    return team.area_id if team is not None else None


def managed_area_id_or_404(user: User) -> int:
    """Area-wide pages (unassigned queue, rebalancing, cohort import) belong to team managers,
    for the area of their own team; for anyone else they do not exist."""
    role_required(user, Role.TEAM_MANAGER)
    area_id = user_area_id(user)
    if not area_id:
        raise Http404("Not found")
    return area_id


# --- Cases --------------------------------------------------------------------------------------
# The case is the subject every other rule builds on, so its actions and shorthands live here;
# the rules themselves are registered by the apps (cases/access.py, cases/members/access.py, …).
CASE = "case"
CASE_VIEW = "case.view"  # the staff case page: everything on the case
CASE_WORK = "case.work"  # record events, move the stage, message the family
CASE_REASSIGN = "case.reassign"  # change the caseworker (managers)
CASE_TRACK = "case.track"  # the family-facing tracker: family parts only
CASE_MEMBER = "case.member"  # an elected member: stage and next date, with the family's consent


def cases_for(
    user: User, action: str = CASE_VIEW, *, within: Mapping[str, int | None] | None = None
) -> QuerySet[Any]:
    return objects_for(user, CASE, action, within=within)


def may(user: User, action: str, case: Model) -> bool:
    if not user.is_authenticated:
        return False
    return cases_for(user, action).filter(pk=case.pk).exists()


def may_each(user: User, actions: list[str], case: Model) -> dict[str, bool]:
    """Whether the user may do each action to the case, asking the database once for each
    different rule, and not at all for a role with no rule for an action or for a rule the case
    was just found under by `case_or_404`: where two actions' rules are the same condition for
    this user (a team manager works and reassigns the cases of their area), one answer serves
    both. Rules are compared as `Q` objects: one holding a subquery never equals another, so
    such a rule is always asked."""
    answers: dict[str, bool] = {}
    asked: list[tuple[Q, bool]] = []
    for action in actions:
        if not user.is_authenticated or not has_rule(CASE, action, user.role):
            answers[action] = False
            continue
        rule = rule_filter(user, CASE, action)
        answer = next((known for condition, known in asked if condition == rule), None)
        if answer is None and getattr(case, "_access_found_under", None) == (user.pk, CASE, rule):
            # `case_or_404` found this case under this same condition (a team manager views,
            # works and reassigns the cases of their area by one rule): no second query.
            answer = True
        if answer is None:
            answer = cases_for(user, action).filter(pk=case.pk).exists()
            asked.append((rule, answer))
        answers[action] = answer
    return answers


def case_queryset() -> QuerySet[Any]:
    """Every case: for a view to add what it reads with the case (`select_related`) before
    `case_or_404` applies the policy to it. (Starting from `cases_for` applied the policy twice:
    the family's tracker joined the memberships twice, and planning its case query took 9 ms.)"""
    return _SUBJECTS[CASE].model._default_manager.all()


def case_or_404(
    user: User, reference: str, action: str = CASE_VIEW, queryset: QuerySet[Any] | None = None
) -> Any:
    """The case with this reference if the user may do `action` to it; otherwise 404."""
    return object_or_404(user, CASE, action, queryset, reference=reference)
