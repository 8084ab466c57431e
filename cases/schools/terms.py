"""School terms, for confirming each term that the provision in section F was delivered.

Pure Python. English schools set their own term dates; the portal uses three fixed terms so a
council's figures compare term with term: autumn (1 September to 31 December), spring (1 January
to 31 March) and summer (1 April to 31 July). August belongs to no term: a day in August reads
as the summer term just ended, whose confirmations may still be given late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# How long before a term ends the school is asked to confirm its provision (council practice).
CONFIRMATION_NOTICE_DAYS = 21

_TERMS = (
    ("spring", (1, 1), (3, 31)),
    ("summer", (4, 1), (7, 31)),
    ("autumn", (9, 1), (12, 31)),
)
_NAMES = {"spring": "Spring", "summer": "Summer", "autumn": "Autumn"}


@dataclass(frozen=True)
class Term:
    year: int
    season: str
    starts: date
    ends: date

    @property
    def key(self) -> str:
        return f"{self.year}-{self.season}"

    @property
    def label(self) -> str:
        return f"{_NAMES[self.season]} term {self.year}"

    def confirmation_due_from(self) -> date:
        return self.ends - timedelta(days=CONFIRMATION_NOTICE_DAYS)


def _term(year: int, season: str) -> Term:
    for name, start, end in _TERMS:
        if name == season:
            return Term(year, season, date(year, *start), date(year, *end))
    raise ValueError(season)


def term_of(on: date) -> Term:
    """The term `on` falls in; in August, the summer term just ended."""
    if on.month == 8:
        return _term(on.year, "summer")
    for name, start, end in _TERMS:
        if date(on.year, *start) <= on <= date(on.year, *end):
            return _term(on.year, name)
    raise AssertionError(on)  # every month but August is in a term


def term_before(term: Term) -> Term:
    if term.season == "spring":
        return _term(term.year - 1, "autumn")
    return _term(term.year, "spring" if term.season == "summer" else "summer")


def term_from_key(key: str) -> Term | None:
    year, _, season = key.partition("-")
    if not year.isdigit() or season not in _NAMES:
        return None
    return _term(int(year), season)


def last_ended_term(today: date) -> Term:
    """The most recent term whose last day is before `today`."""
    term = term_of(today)
    return term if term.ends < today else term_before(term)
