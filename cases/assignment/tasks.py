"""Thin Celery tasks: they take ids and call services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="cases.assignment.tasks.priorities_recompute")
def priorities_recompute() -> int:
    """Daily: days to deadlines change every day, so every open case's priority is recomputed."""
    from cases.assignment.priorities import cases_priorities_recompute

    return cases_priorities_recompute()


@shared_task(name="cases.assignment.tasks.case_assign")
def case_assign_task(case_id: int) -> int | None:
    """Assign a case seconds after the request that created it committed."""
    from cases.assignment.decisions import case_assign
    from cases.assignment.priorities import case_priority_refresh
    from cases.models import Case

    case = Case.objects.filter(pk=case_id, is_open=True, caseworker__isnull=True).first()
    if case is None:
        return None
    case_priority_refresh(case=case)  # a new case gets its priority with its caseworker
    return case_assign(case=case).caseworker_id


@shared_task(name="cases.assignment.tasks.unassigned_sweep")
def unassigned_sweep() -> int:
    """Safety net: open cases that never had an assignment decision get one."""
    from cases.assignment.queue import cases_unassigned_sweep

    return cases_unassigned_sweep()
