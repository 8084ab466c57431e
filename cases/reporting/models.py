"""Figures computed ahead of the page: one row per scope (the council or one area) and period.

The dashboard's figures are aggregates over every case of the council. At 100,000 cases a
live computation takes longer than a page should, so the nightly task computes them for the
periods people look at (`cases.reporting.tasks`), and the page reads one row and says when it
was computed. A period nobody asked for yet is computed on its first view and kept.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class FigureSnapshot(models.Model):
    # "council" or "area-<id>": who the figures are about.
    scope = models.CharField(max_length=20)
    period = models.CharField(max_length=20, help_text="A period key, e.g. quarter-2026-4")
    computed_at = models.DateTimeField(default=timezone.now)
    # Aggregates only (counts per measure, stage, week, team): never a child or a reference.
    # The capacity figures hold only the caseworkers the page shows (the most loaded) and how
    # many there are; every caseworker is in `caseworkers`, read for the download alone: an
    # area of a national service has 2,222, 93% of the figures (2 ms a page to read).
    figures = models.JSONField(default=dict)
    caseworkers = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "period"], name="reporting_snapshot_once")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.period} at {self.computed_at:%Y-%m-%d %H:%M}"
