"""Create the periodic tasks missing from beat's schedule in the database (CELERY_BEAT_SCHEDULE),
leaving every existing one as the admin last saved it. The deploy's migrate step runs it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ehcp_portal.beat import periodic_tasks_install


class Command(BaseCommand):
    help = "Create the periodic tasks missing from beat's schedule; keep the admin's edits."

    def handle(self, *args: Any, **options: Any) -> None:
        created = periodic_tasks_install(settings.CELERY_BEAT_SCHEDULE)
        for name in created:
            self.stdout.write(f"created periodic task {name}")
        self.stdout.write(f"{len(created)} periodic task(s) created")
