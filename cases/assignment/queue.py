"""The unassigned queue: new cases assigned in a task after commit, and a sweep as the safety net
for any open case that has no caseworker and no decision."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction

from cases.assignment import decisions
from cases.assignment.decisions import case_assign
from cases.assignment.facts import priority_weights_load
from cases.assignment.priorities import case_priority_refresh
from cases.assignment.triage import case_triage_record
from cases.models import Case

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

logger = logging.getLogger(__name__)


def case_assign_after_commit(*, case: Case) -> None:
    """For code that creates a case: assign it in a task seconds after the creating transaction
    commits, so the request that made it is not slowed. If the broker is down the unassigned
    sweep picks the case up instead: nothing is dropped."""
    from cases.assignment.tasks import case_assign_task

    def enqueue() -> None:
        try:
            case_assign_task.apply_async(args=[case.pk], retry=False)
        except Exception:
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


def case_assign_after_open(case: Case, actor: User | None) -> None:
    """After-open hook: assign a caseworker by the business rules at once.

    A failure here must not lose the request: the savepoint rolls back only assignment's writes,
    the error is logged, the case stays in its area's unassigned queue and the assignment sweep
    picks it up again. A case no area rule placed goes to the council's triage queue first,
    whatever happens to its assignment.
    """
    if case.area_id is None:
        case_triage_record(case=case)
    try:
        with transaction.atomic():
            decisions.case_assign(case=case)  # looked up at call time, so a test can break it
    except Exception:
        logger.exception("Assignment failed for %s; it stays in the unassigned queue", case)
