"""Thin Celery tasks: they take ids and call the panels' services."""

from __future__ import annotations

from celery import shared_task

from panels import services


# Minutes that fail (the storage is briefly away) are tried again; the drain also asks again.
@shared_task(autoretry_for=(Exception,), retry_backoff=5, max_retries=5)
def minutes_make_task(meeting_id: int) -> bool:
    return services.minutes_make(meeting_id)


@shared_task
def minutes_drain_task() -> int:
    return services.minutes_drain()
