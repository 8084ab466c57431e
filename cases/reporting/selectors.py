"""Reading the dashboard's figures: the snapshot the nightly task computed, or, for a period
and scope nobody has asked for since, computed now and kept (`FigureSnapshot`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Area
from cases.reporting.figures import figures_compute
from cases.reporting.models import FigureSnapshot
from cases.reporting.periods import Period, period_containing


def scope_of(area_id: int | None) -> str:
    return "council" if area_id is None else f"area-{area_id}"


def snapshot_max_age() -> timedelta:
    return timedelta(hours=getattr(settings, "REPORTING_SNAPSHOT_MAX_AGE_HOURS", 26))


def figures_store(
    *, area_id: int | None, period: Period, today: date, now: datetime | None = None
) -> FigureSnapshot:
    """Compute the figures and keep them (one row per scope and period)."""
    now = now or timezone.now()
    figures = figures_compute(area_id=area_id, period=period, today=today)
    defaults = {"figures": figures, "computed_at": now}
    try:
        with transaction.atomic():
            snapshot, _ = FigureSnapshot.objects.update_or_create(
                scope=scope_of(area_id), period=period.key, defaults=defaults
            )
    except IntegrityError:  # two first views at once: the other one's figures are as good
        snapshot = FigureSnapshot.objects.get(scope=scope_of(area_id), period=period.key)
    return snapshot


def dashboard_snapshot(*, area_id: int | None, period: Period, today: date) -> FigureSnapshot:
    """One query when the figures were computed recently; otherwise they are computed now."""
    now = timezone.now()
    snapshot = FigureSnapshot.objects.filter(scope=scope_of(area_id), period=period.key).first()
    if snapshot is not None and snapshot.computed_at >= now - snapshot_max_age():
        return snapshot
    return figures_store(area_id=area_id, period=period, today=today, now=now)


def periods_refreshed_nightly(today: date) -> list[Period]:
    """The periods people look at: the current and the previous one of each kind."""
    periods = []
    for kind in ("month", "quarter", "academic", "calendar"):
        current = period_containing(kind, today)
        periods += [current, current.previous()]
    return periods


def figures_refresh_all(*, today: date) -> int:
    """Every scope (the council and each area) for the periods people look at."""
    count = 0
    scopes: list[int | None] = [None, *Area.objects.values_list("pk", flat=True)]
    for area_id in scopes:
        for period in periods_refreshed_nightly(today):
            figures_store(area_id=area_id, period=period, today=today)
            count += 1
    return count
