from __future__ import annotations

from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "cases.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from cases.casework.services import delivery_failed_task_raise
        from notifications.services import register_after_delivery_failed

        # A statutory message the family did not receive becomes a task on the case.
        register_after_delivery_failed(delivery_failed_task_raise)
