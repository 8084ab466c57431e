from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from cases import access

        access.register()
        from cases.letters import decision_letter_after_transition
        from cases.workflow import register_after_transition

        # Decision letters (not assessing, not issuing, ceasing) follow the decision itself.
        register_after_transition(decision_letter_after_transition)
