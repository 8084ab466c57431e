from __future__ import annotations

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "cases.members"
    label = "members"
    verbose_name = "Elected members' enquiries"
