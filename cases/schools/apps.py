from __future__ import annotations

from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "cases.schools"
    label = "schools"
    verbose_name = "Schools"

    def ready(self) -> None:
        from cases.schools import access

        access.register()
