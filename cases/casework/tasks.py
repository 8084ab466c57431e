from __future__ import annotations

from celery import shared_task


@shared_task(name="cases.casework.tasks.statutory_sweep", acks_late=True)
def statutory_sweep() -> int:
    """Daily (beat). Idempotent, so a beat that fires twice or a retried task changes nothing."""
    from cases.casework.sweep import statutory_sweep_run

    return statutory_sweep_run()
