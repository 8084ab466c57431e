from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = "Panels"

    def ready(self) -> None:
        from cases.plans.placement import register_panel_setting_provider
        from cases.workflow import register_after_letter
        from panels import access
        from panels.selectors import case_panel_named_setting
        from panels.services import decision_letter_made

        access.register()
        # The final plan offers the setting the panel agreed (plans sits below panels).
        register_panel_setting_provider(case_panel_named_setting)
        # The worker makes the decision letter; the decision then points at it.
        register_after_letter(decision_letter_made)
