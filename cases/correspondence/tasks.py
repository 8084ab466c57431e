"""Thin Celery tasks: they take ids and call the correspondence services."""

from __future__ import annotations

from celery import shared_task

from cases.correspondence import services


# A letter that fails (the storage is briefly away) is tried again; the drain also asks again.
@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=5,
    max_retries=services.LETTER_JOB_MAX_ATTEMPTS,
)
def letter_job_make_task(job_id: int) -> bool:
    return services.letter_job_make(job_id)


@shared_task
def letter_jobs_drain_task() -> int:
    return services.letter_jobs_drain()


# 5,000 letters take a while: a long limit; a run cut short is resumed by the drain.
@shared_task(time_limit=4 * 60 * 60, soft_time_limit=4 * 60 * 60 - 60)
def bulk_send_task(bulk_id: int) -> int:
    return services.bulk_send_run(bulk_id)


@shared_task
def bulk_sends_drain_task() -> int:
    return services.bulk_sends_drain()
