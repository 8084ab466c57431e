from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = "Panels"

    def ready(self) -> None:
        from panels import access

        access.register()
