from __future__ import annotations

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "cases.reporting"
    label = "reporting"
    verbose_name = "Performance reporting"
