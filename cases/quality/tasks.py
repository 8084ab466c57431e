"""The quality app's daily work (CELERY_BEAT_SCHEDULE "quality-daily"): sample last month's
plans, remind complaint handlers, and tell families of deadlines passed. Each step is
idempotent, so a beat that fires twice, or a retry, sends nothing twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from cases.quality.late import late_notices_send
from cases.quality.reminders import complaint_reminders_send
from cases.quality.services import audits_sample


@shared_task(name="cases.quality.tasks.quality_daily")
def quality_daily() -> dict[str, int]:
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=1)
    return {
        "sampled": audits_sample(month=last_month),
        "complaint_reminders": complaint_reminders_send(today=today),
        "late_notices": late_notices_send(today=today),
    }
