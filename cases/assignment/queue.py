"""The unassigned queue: new cases assigned in a task after commit, and a sweep as the safety net
for any open case that has no caseworker and no decision."""

from __future__ import annotations

from django.db import transaction

from cases.assignment.decisions import case_assign
from cases.assignment.facts import priority_weights_load
from cases.assignment.priorities import case_priority_refresh
from cases.models import Case


def case_assign_after_commit(*, case: Case) -> None:
    """For code that creates a case: assign it in a task seconds after the creating transaction
    commits, so the request that made it is not slowed. If the broker is down the unassigned
    sweep picks the case up instead: nothing is dropped."""
    from cases.assignment.tasks import case_assign_task

    def enqueue() -> None:
        try:
            case_assign_task.apply_async(args=[case.pk], retry=False)
        except Exception:  # noqa: BLE001 – the sweep assigns it on its next run
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
