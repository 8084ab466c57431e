from __future__ import annotations

from celery import shared_task


@shared_task(name="cases.reporting.tasks.figures_refresh")
def figures_refresh() -> int:
    """Nightly: the dashboard's figures for every scope and the periods people look at."""
    from django.utils import timezone

    from cases.reporting.selectors import figures_refresh_all

    return figures_refresh_all(today=timezone.localdate())
