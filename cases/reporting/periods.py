"""The periods the dashboard reports on: a month, a quarter, an academic year (1 September to
31 August, the school year) or a calendar year (the SEN2 return's). Pure date arithmetic.

A period is named in URLs by a stable key, so a link to a figure can be bookmarked and a
download shows exactly the rows of the page it came from: "month-2026-11", "quarter-2026-4",
"academic-2025" (2025 to 2026), "calendar-2026".
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

KINDS: dict[str, str] = {
    "month": "Month",
    "quarter": "Quarter",
    "academic": "Academic year",
    "calendar": "Calendar year",
}
# How many periods of each kind the filter offers, the current one first.
OFFERED = {"month": 12, "quarter": 8, "academic": 5, "calendar": 5}


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"month-{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"quarter-{self.start.year}-{(self.start.month - 1) // 3 + 1}"
        return f"{self.kind}-{self.start.year}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        if self.kind == "quarter":
            return f"{self.start:%B} to {self.end:%B %Y}"
        if self.kind == "academic":
            return f"Academic year {self.start.year} to {self.end.year}"
        return f"Calendar year {self.start.year}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same kind just before this one (for the trend)."""
        return period_containing(self.kind, self.start - timedelta(days=1))


def _month(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period("month", date(year, month, 1), date(year, month, last))


def period_containing(kind: str, day: date) -> Period:
    if kind == "month":
        return _month(day.year, day.month)
    if kind == "quarter":
        first = (day.month - 1) // 3 * 3 + 1
        end_month = first + 2
        return Period(
            "quarter",
            date(day.year, first, 1),
            date(day.year, end_month, calendar.monthrange(day.year, end_month)[1]),
        )
    if kind == "academic":
        start_year = day.year if day.month >= 9 else day.year - 1
        return Period("academic", date(start_year, 9, 1), date(start_year + 1, 8, 31))
    if kind == "calendar":
        return Period("calendar", date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(f"No such kind of period: {kind!r}")


def period_from_key(key: str) -> Period | None:
    """The period a key names, or None for anything else (a typed URL is not an error)."""
    kind, _, rest = key.partition("-")
    parts = rest.split("-")
    if kind not in KINDS or not all(p.isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts]
    try:
        if kind in ("month", "quarter") and len(numbers) == 2:
            year, index = numbers
            if kind == "quarter":
                if not 1 <= index <= 4:
                    return None
                index = (index - 1) * 3 + 1
            if not 1 <= index <= 12 or not 2000 <= year <= 2100:
                return None
            return period_containing(kind, date(year, index, 1))
        if kind == "academic" and len(numbers) == 1 and 2000 <= numbers[0] <= 2100:
            return period_containing(kind, date(numbers[0], 9, 1))
        if kind == "calendar" and len(numbers) == 1 and 2000 <= numbers[0] <= 2100:
            return period_containing(kind, date(numbers[0], 1, 1))
    except ValueError:
        return None
    return None


def default_period(today: date) -> Period:
    return period_containing("calendar", today)


def offered_periods(today: date) -> list[tuple[str, list[Period]]]:
    """The periods the filter lists, by kind, the current one first."""
    groups = []
    for kind, count in OFFERED.items():
        periods = [period_containing(kind, today)]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        groups.append((KINDS[kind], periods))
    return groups


def weeks_of(period: Period) -> list[date]:
    """The Mondays of the weeks that overlap the period (the requests-per-week chart's bars)."""
    monday = period.start - timedelta(days=period.start.weekday())
    weeks = []
    while monday <= period.end:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks
