from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = "Panels"

    def ready(self) -> None:
        from cases.plans.placement import register_panel_setting_provider
        from panels import access
        from panels.selectors import case_panel_named_setting

        access.register()
        # The final plan offers the setting the panel agreed (plans sits below panels).
        register_panel_setting_provider(case_panel_named_setting)
