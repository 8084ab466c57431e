from __future__ import annotations

from celery import shared_task


@shared_task(name="cases.integrations.tasks.idempotency_records_prune")
def idempotency_records_prune() -> int:
    """Nightly: forget answers to POSTs older than the retry window. They hold children's data
    (a request's reference, advice given), kept only as long as a retry can come."""
    from cases.integrations.idempotency import idempotency_records_prune as prune

    return prune()
