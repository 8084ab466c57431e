"""Reading the dashboard's figures: the snapshot the nightly task computed, or, for a period
and scope nobody has asked for since, computed now and kept (`FigureSnapshot`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Area
from cases.reporting.figures import CASEWORKERS_ON_PAGE, caseworkers_by_load, figures_compute
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
    figures, caseworkers = _as_kept(figures_compute(area_id=area_id, period=period, today=today))
    defaults = {"figures": figures, "caseworkers": caseworkers, "computed_at": now}
    try:
        with transaction.atomic():
            snapshot, _ = FigureSnapshot.objects.update_or_create(
                scope=scope_of(area_id), period=period.key, defaults=defaults
            )
    except IntegrityError:  # two first views at once: the other one's figures are as good
        snapshot = FigureSnapshot.objects.get(scope=scope_of(area_id), period=period.key)
    return snapshot


def _as_kept(figures: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """The figures as a snapshot keeps them: the page's caseworkers (the most loaded) and how
    many there are in the figures, and every caseworker, most loaded first, apart."""
    capacity = figures.get("capacity")
    if not capacity:
        return figures, None
    ranked = caseworkers_by_load(capacity["caseworkers"])
    shown = {
        **capacity,
        "caseworkers": ranked[:CASEWORKERS_ON_PAGE],
        "caseworker_count": len(ranked),
    }
    return {**figures, "capacity": shown}, ranked


def dashboard_snapshot(
    *, area_id: int | None, period: Period, today: date, every_caseworker: bool = False
) -> FigureSnapshot:
    """One query when the figures were computed recently; otherwise they are computed now.
    Every caseworker's figures are read only when asked for (the download)."""
    now = timezone.now()
    found = FigureSnapshot.objects.filter(scope=scope_of(area_id), period=period.key)
    snapshot = (found if every_caseworker else found.defer("caseworkers")).first()
    if snapshot is not None and snapshot.computed_at >= now - snapshot_max_age():
        return snapshot
    return figures_store(area_id=area_id, period=period, today=today, now=now)


def figures_in_full(snapshot: FigureSnapshot) -> dict[str, Any]:
    """The snapshot's figures with every caseworker (read with `every_caseworker=True`)."""
    if snapshot.caseworkers is None:  # kept before the caseworkers were kept apart
        return snapshot.figures
    capacity = {**snapshot.figures["capacity"], "caseworkers": snapshot.caseworkers}
    return {**snapshot.figures, "capacity": capacity}


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
