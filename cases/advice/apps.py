from __future__ import annotations

from django.apps import AppConfig


class AdviceConfig(AppConfig):
    name = "cases.advice"
    label = "advice"
    verbose_name = "Advice"

    def ready(self) -> None:
        from cases.advice import access

        access.register()
