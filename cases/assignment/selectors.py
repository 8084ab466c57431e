"""Reads for assignment pages; each owns its joins so pages run a fixed number of queries."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.db.models import F, QuerySet

from cases.assignment import rules
from cases.assignment.facts import default_target_caseload
from cases.assignment.models import AssignmentDecision, CaseworkerProfile, CohortImport
from cases.models import Case, OpenCaseCount
from cases.selectors import open_cases_of
from ehcp_portal.accounts.models import Role, User


def decisions_for_case(case: Case, *, limit: int = 20) -> list[AssignmentDecision]:
    """The case's assignment history, newest first."""
    return list(
        AssignmentDecision.objects.filter(case=case)
        .select_related("caseworker", "previous_caseworker", "decided_by")
        .order_by("-created_at", "-id")[:limit]
    )


# What the lists of unassigned cases (the team page's, the queue's) show of each.
UNASSIGNED_ROW_FIELDS = (
    "reference",
    "received_on",
    "priority",
    "next_deadline_on",
    "child__first_name",
    "child__last_name",
)


def unassigned_queue(*, area_id: int) -> QuerySet[Case]:
    """The area's open cases with no caseworker, most urgent first."""
    return (
        Case.objects.filter(area_id=area_id, is_open=True, caseworker__isnull=True)
        .select_related("child")
        .order_by("-priority", "next_deadline_on", "reference")
    )


def triage_queue() -> QuerySet[Case]:
    """The council's open cases that no area rule placed, the nearest deadline first: every
    team manager's to place (cases.access)."""
    return (
        Case.objects.filter(area__isnull=True, is_open=True)
        .select_related("child")
        .order_by(F("next_deadline_on").asc(nulls_last=True), "received_on", "reference")
    )


def queue_of_case(case: Case) -> str | None:
    """Whose queue an open case is in: its caseworker's caseload, its area's unassigned queue,
    or the council's triage queue; None for a case in nobody's (which must never happen)."""
    if not case.is_open:
        return None
    if case.caseworker_id is not None:
        return f"caseload:{case.caseworker_id}"
    if case.area_id is None:
        return "triage" if triage_queue().filter(pk=case.pk).exists() else None
    if unassigned_queue(area_id=case.area_id).filter(pk=case.pk).exists():
        return f"unassigned:{case.area_id}"
    return None


def with_load(caseworkers: QuerySet[User]) -> QuerySet[User]:
    """Caseworkers with their open caseload (`open_cases`) and their profile, so `capacity_of`
    and `load_label` need no query per caseworker."""
    return caseworkers.select_related("assignment_profile", "team").annotate(
        open_cases=open_cases_of(OpenCaseCount.Scope.CASEWORKER)
    )


def area_caseworkers(*, area_id: int) -> QuerySet[User]:
    """Caseworkers of the area's teams with their open caseloads and profiles."""
    return with_load(
        User.objects.filter(role=Role.CASEWORKER, is_active=True, team__area_id=area_id)
    ).order_by("full_name", "pk")


def load_label(user: User, default_target: Callable[[], int] = default_target_caseload) -> str:
    """'Sam Lee – 38 of 40 open cases' for a caseworker from `with_load`; 'at capacity' when
    the rules would give them nothing more, so a manager choosing them knows it is an override."""
    capacity = capacity_of(user, default_target)
    open_cases = getattr(user, "open_cases", 0)
    label = f"{user.get_full_name()} – {open_cases} of {capacity} open cases"
    return label + (" (at capacity)" if open_cases >= capacity else "")


def default_target_once() -> Callable[[], int]:
    """The council's default caseload, read at most once: pass it to `capacity_of` in a loop,
    so a page of caseworkers with no profile costs one query, not one each."""
    return functools.cache(default_target_caseload)


def capacity_of(user: User, default_target: Callable[[], int] = default_target_caseload) -> int:
    """A caseworker's capacity by the one model (rules.caseworker_capacity), from their profile
    loaded with `select_related("assignment_profile")`; no profile yet: full time at the
    council's default caseload (CouncilProfile)."""
    try:
        profile = user.assignment_profile
    except CaseworkerProfile.DoesNotExist:
        return rules.caseworker_capacity(rules.DEFAULT_FTE, default_target())
    return profile.capacity


def cohort_imports_for(user: User) -> QuerySet[CohortImport]:
    return CohortImport.objects.filter(uploaded_by=user).defer("report").order_by("-created_at")
