from __future__ import annotations

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "cases.members"
    label = "members"
    verbose_name = "Elected members' enquiries"

    def ready(self) -> None:
        from cases.members import access

        access.register()
