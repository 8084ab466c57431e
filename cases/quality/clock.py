"""The complaint clock: the council's own timescales (not statutory periods, so they are not in
cases/statutory.py), in working days, read from the council's settings in the admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cases.statutory import add_working_days, is_working_day


@dataclass(frozen=True)
class ComplaintTimescales:
    stage1: int
    stage2: int
    lgsco: int
    reminder: int

    def days_for(self, stage: str) -> int | None:
        return {"stage1": self.stage1, "stage2": self.stage2, "lgsco": self.lgsco}.get(stage)


def complaint_response_due(
    started_on: date, stage: str, scales: ComplaintTimescales
) -> date | None:
    """The day the council's response to this stage is due (None once closed)."""
    days = scales.days_for(stage)
    return None if days is None else add_working_days(started_on, days)


def complaint_reminder_on(due_on: date, scales: ComplaintTimescales) -> date:
    """The working day, `reminder` working days before the due date, the handler is reminded."""
    d = due_on
    left = scales.reminder
    while left > 0:
        d = date.fromordinal(d.toordinal() - 1)
        if is_working_day(d):
            left -= 1
    return d
