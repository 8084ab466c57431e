from __future__ import annotations

from django.apps import AppConfig


class Sen2Config(AppConfig):
    name = "cases.sen2"
    label = "sen2"
    verbose_name = "SEN2 return"
