from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.db import transaction

if TYPE_CHECKING:
    from cases.models import Case
    from ehcp_portal.accounts.models import User

logger = logging.getLogger(__name__)


def case_assign_after_open(case: Case, actor: User | None) -> None:
    """After-open hook: assign a caseworker by the business rules at once.

    A failure here must not lose the request: the savepoint rolls back only assignment's writes,
    the error is logged, the case stays in its area's unassigned queue and the assignment sweep
    picks it up again.
    """
    from cases.assignment import services  # looked up at call time: tests replace case_assign

    try:
        with transaction.atomic():
            services.case_assign(case=case)
    except Exception:  # noqa: BLE001 – the request is received whatever assignment does
        logger.exception("Assignment failed for %s; it stays in the unassigned queue", case)


class AssignmentConfig(AppConfig):
    name = "cases.assignment"
    label = "assignment"
    verbose_name = "Assignment"

    def ready(self) -> None:
        from cases.assignment.services import case_priority_after_transition
        from cases.services import register_after_open
        from cases.workflow import register_after_transition

        # A case's priority depends on its stage and dates, so it is recomputed on every event.
        register_after_transition(case_priority_after_transition)
        # Every case opened one at a time gets its caseworker by the rules straight away.
        register_after_open(case_assign_after_open)
