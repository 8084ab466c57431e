from __future__ import annotations

from celery import shared_task

from cases.events import services


@shared_task(name="cases.events.tasks.webhooks_drain", acks_late=True)
def webhooks_drain() -> dict[str, int]:
    """Deliver every webhook due: new events, retries, and deliveries whose worker died
    mid-send (their lease has run out)."""
    return services.webhooks_drain()
