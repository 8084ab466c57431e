"""Reads for assignment pages; each owns its joins so pages run a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from cases.assignment.models import AssignmentDecision, CohortImport
from cases.models import Case
from ehcp_portal.accounts.models import Role, User


def decisions_for_case(case: Case, *, limit: int = 20) -> list[AssignmentDecision]:
    """The case's assignment history, newest first."""
    return list(
        AssignmentDecision.objects.filter(case=case)
        .select_related("caseworker", "previous_caseworker", "decided_by")
        .order_by("-created_at", "-id")[:limit]
    )


def unassigned_queue(*, area_id: int) -> QuerySet[Case]:
    """The area's open cases with no caseworker, most urgent first."""
    return (
        Case.objects.filter(area_id=area_id, is_open=True, caseworker__isnull=True)
        .select_related("child")
        .order_by("-priority", "next_deadline_on", "reference")
    )


def area_caseworkers(*, area_id: int) -> QuerySet[User]:
    """Caseworkers of the area's teams with their open caseloads and profiles."""
    return (
        User.objects.filter(role=Role.CASEWORKER, is_active=True, team__area_id=area_id)
        .select_related("assignment_profile", "team")
        .annotate(open_cases=Count("caseload", filter=Q(caseload__is_open=True)))
        .order_by("full_name", "pk")
    )


def cohort_imports_for(user: User) -> QuerySet[CohortImport]:
    return CohortImport.objects.filter(uploaded_by=user).defer("report").order_by("-created_at")
