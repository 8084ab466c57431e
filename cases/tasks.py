from __future__ import annotations

from celery import shared_task


@shared_task(name="cases.tasks.statutory_sweep")
def statutory_sweep() -> int:
    from cases.sweep import statutory_sweep_run

    return statutory_sweep_run()
