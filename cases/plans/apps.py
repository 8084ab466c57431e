from __future__ import annotations

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "cases.plans"
    label = "plans"
    verbose_name = "Plans"
