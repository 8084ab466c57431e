from __future__ import annotations

from django.apps import AppConfig


class AssignmentConfig(AppConfig):
    name = "cases.assignment"
    label = "assignment"
    verbose_name = "Assignment"

    def ready(self) -> None:
        from cases.assignment.priorities import case_priority_after_transition
        from cases.assignment.queue import case_assign_after_open
        from cases.services import register_after_open
        from cases.workflow import register_after_transition

        # A case's priority depends on its stage and dates, so it is recomputed on every event.
        register_after_transition(case_priority_after_transition)
        # Every case opened one at a time gets its caseworker by the rules straight away.
        register_after_open(case_assign_after_open)
