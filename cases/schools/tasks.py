from __future__ import annotations

from dataclasses import asdict

from celery import shared_task
from django.utils import timezone

from cases.schools.alerts import schools_daily


@shared_task(name="cases.schools.tasks.schools_daily_run")
def schools_daily_run() -> dict[str, int]:
    """Reviews due and late, provision confirmations due, provision gaps: once each."""
    return asdict(schools_daily(timezone.localdate()))
