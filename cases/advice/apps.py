from __future__ import annotations

from django.apps import AppConfig


class AdviceConfig(AppConfig):
    name = "cases.advice"
    label = "advice"
    verbose_name = "Advice"
