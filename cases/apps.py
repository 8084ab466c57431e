from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from cases.assignment import tasks as assignment_tasks  # noqa: F401  (celery finds them)
        from cases.assignment.services import case_priority_after_transition
        from cases.letters import decision_letter_after_transition
        from cases.workflow import register_after_transition

        # Decision letters (not assessing, not issuing, ceasing) follow the decision itself.
        register_after_transition(decision_letter_after_transition)
        # Priority is recomputed on every case event, so the work order uses current facts
        # (docs/requirements.md R7).
        register_after_transition(case_priority_after_transition)
