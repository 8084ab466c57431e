from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from cases.letters import decision_letter_after_transition
        from cases.workflow import register_after_transition

        register_after_transition(decision_letter_after_transition)
