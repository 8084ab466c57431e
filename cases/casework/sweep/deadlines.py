"""The case deadlines pass of the sweep: alerts to the caseworker before a deadline, a breach
alert to the team manager once it has passed, and what the digests and family reminders need.

Only cases whose next deadline falls inside the horizon are read: `next_deadline_on` is the
earliest open deadline. They are read a batch at a time in order of id (keyset), so each batch
is a fixed number of queries and the sweep can commit after each one and resume after the last
batch it committed.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef

from cases.casework.sweep.reminders import LinkTemplate, due_when, reminder_owed
from cases.deadlines import CLOCK_FIELDS, Deadline, case_deadlines
from cases.models import Case, DeadlineException
from notifications.outbox import NotificationBatch

# The row: the case, what the clock reads of it, and whose it is.
CASE_FIELDS = ("id", "reference", *CLOCK_FIELDS, "child_id", "caseworker_id")

# The deadlines the family is reminded of, and the message each reminder is.
FAMILY_REMINDER_PURPOSE = {
    "draft_comments": "draft_comments_closing",
    "annual_review": "annual_review_coming",
}


@dataclass(frozen=True)
class FamilyReminder:
    child_id: int
    purpose: str
    event_key: str
    context: dict[str, Any]
    link: str
    case_id: int


@dataclass
class DueLines:
    """One caseworker's lines in the morning digest."""

    today: list[str] = field(default_factory=list)
    this_week: list[str] = field(default_factory=list)


@dataclass
class DeadlineFindings:
    """What the pass found for the digests and the family reminders, by recipient."""

    due: dict[int, DueLines] = field(default_factory=lambda: defaultdict(DueLines))
    breaches: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    excepted: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    family_reminders: list[FamilyReminder] = field(default_factory=list)


@dataclass(frozen=True)
class ReminderOffsets:
    alert: tuple[int, ...]
    alert_horizon: int
    family: dict[str, tuple[int, ...]]

    @classmethod
    def from_settings(cls) -> ReminderOffsets:
        return cls(
            alert=tuple(settings.DEADLINE_ALERT_OFFSETS_DAYS),
            alert_horizon=settings.DEADLINE_ALERT_HORIZON_DAYS,
            family={
                "draft_comments": tuple(settings.DRAFT_COMMENTS_REMINDER_DAYS),
                "annual_review": tuple(settings.ANNUAL_REVIEW_REMINDER_DAYS),
            },
        )

    @property
    def horizon(self) -> int:
        """How far ahead a case must be read: the furthest reminder, and a week for the digest."""
        return max(self.alert_horizon, *(o for f in self.family.values() for o in f), 7)


def due_case_batch(today: date, horizon: int, after: int, limit: int) -> list[tuple]:
    """The next `limit` open cases due inside the horizon with an id above `after`, in order of
    id: CASE_FIELDS, then the team manager, the caseworker's name and the keys of the deadlines
    with a recorded exception. One query on PostgreSQL, two on SQLite."""
    due_soon = Case.objects.filter(
        is_open=True, next_deadline_on__lte=today + timedelta(days=horizon), pk__gt=after
    ).order_by("pk")
    extra = ("team__manager_id", "caseworker__full_name")
    if connection.vendor == "postgresql":
        # The exception keys come with each case row (an array subquery): no query is added.
        return list(
            due_soon.annotate(
                excepted_keys=ArraySubquery(
                    DeadlineException.objects.filter(case_id=OuterRef("pk"))
                    .order_by()
                    .values("deadline_key")
                )
            ).values_list(*CASE_FIELDS, *extra, "excepted_keys")[:limit]
        )
    # The embedded SQLite demo has no array subquery: one more query gives the same keys.
    rows = list(due_soon.values_list(*CASE_FIELDS, *extra)[:limit])
    keys_by_case: dict[int, list[str]] = defaultdict(list)
    for case_id, key in DeadlineException.objects.filter(
        case_id__in=[row[0] for row in rows]
    ).values_list("case_id", "deadline_key"):
        keys_by_case[case_id].append(key)
    return [(*row, keys_by_case.get(row[0], [])) for row in rows]


@functools.lru_cache(maxsize=4096)
def long_date(day: date) -> str:
    """'3 March 2027', worked out once per date: a day's sweep words the same few hundred
    dates for hundreds of thousands of deadlines."""
    return f"{day:%-d %B %Y}"


def _context(reference: str, deadline: Deadline, caseworker_name: str | None) -> dict[str, Any]:
    return {
        "reference": reference,
        "deadline": deadline.label,
        "due_date": long_date(deadline.due),
        "due_when": due_when(deadline.days_left),
        "caseworker": caseworker_name or "not assigned",
    }


class CaseDeadlinesSweep:
    """Reads one batch of cases at a time (`case`). The messages go to `outbox`, replaced for
    each batch; with no outbox (a batch an interrupted run already committed) only the
    findings for the digests are gathered."""

    def __init__(self, today: date, offsets: ReminderOffsets, *, breach_lines: bool = True) -> None:
        self.outbox: NotificationBatch | None = None
        self.today = today
        self.offsets = offsets
        # The weekly breach digest's lines, gathered only while this week's digest is owed.
        self.breach_lines = breach_lines
        self.findings = DeadlineFindings()
        self.case_url = LinkTemplate("casework:case_detail")
        self.track_url = LinkTemplate("families:track")

    def case(self, values: tuple) -> None:
        facts = dict(zip(CASE_FIELDS, values[: len(CASE_FIELDS)], strict=True))
        manager_id, caseworker_name, case_exceptions = values[len(CASE_FIELDS) :]
        # A plain record, not a model instance: case_deadlines reads attributes only, and
        # building 100,000 model instances costs more than the rest of the pass. The one
        # reader of the clock, given the exception keys read with the row (a bulk caller).
        # The ignore: the checker sees a SimpleNamespace where case_deadlines declares a Case.
        case = SimpleNamespace(pk=facts["id"], **facts)
        link = self.case_url(case.reference)
        deadlines = case_deadlines(case, today=self.today, excepted_keys=case_exceptions or ())  # type: ignore[arg-type]
        for deadline in deadlines:
            if not deadline.is_open:
                continue
            # Worked out only for a message not queued already (most of a day's breaches were
            # alerted on an earlier day) or a digest line.
            context = functools.partial(_context, case.reference, deadline, caseworker_name)
            if deadline.days_left < 0:
                self.passed(case, deadline, context, link, manager_id)
            else:
                self.coming(case, deadline, context, link)
                self.family(case, deadline, context)

    def passed(
        self,
        case: SimpleNamespace,
        deadline: Deadline,
        context: Callable[[], dict[str, Any]],
        link: str,
        manager_id: int | None,
    ) -> None:
        if deadline.owner != "council" or not manager_id:
            return
        outbox = self.outbox
        days_late = -deadline.days_left
        # reg 10(4) (and 5(4), 8(2), 13(3)): where an exception applies the council need not
        # comply with the time limit, so an excepted deadline that passes is not a breach.
        if deadline.excepted:
            if days_late > 7 and self.breach_lines:
                self.findings.excepted[manager_id].append(
                    f"- {case.reference}: {deadline.label}, due {long_date(deadline.due)} "
                    "(excepted)"
                )
            return
        # A breach alerts the team manager once; then it is in the weekly digest.
        if outbox is not None:
            outbox.add(
                recipient_id=manager_id,
                purpose="deadline_breach",
                event_key=f"breach:{case.pk}:{deadline.key}:{deadline.due.isoformat()}",
                context=context,
                link=link,
                case_id=case.pk,
            )
        if days_late > 7 and self.breach_lines:
            self.findings.breaches[manager_id].append(
                f"- {case.reference}: {deadline.label}, due {long_date(deadline.due)} "
                f"({days_late} days ago)"
            )

    def coming(
        self,
        case: SimpleNamespace,
        deadline: Deadline,
        context: Callable[[], dict[str, Any]],
        link: str,
    ) -> None:
        days = deadline.days_left
        if not case.caseworker_id or days > self.offsets.alert_horizon:
            return
        bucket = reminder_owed(days, self.offsets.alert)
        if bucket is not None and self.outbox is not None:
            self.outbox.add(
                recipient_id=case.caseworker_id,
                purpose="deadline_alert",
                event_key=f"deadline:{case.pk}:{deadline.key}:{deadline.due.isoformat()}:{bucket}",
                context=context,
                link=link,
                case_id=case.pk,
            )
        if days == 0:
            self.findings.due[case.caseworker_id].today.append(
                f"- {case.reference}: {deadline.label}"
            )
        elif days <= 7:
            self.findings.due[case.caseworker_id].this_week.append(
                f"- {case.reference}: {deadline.label}, {long_date(deadline.due)}"
            )

    def family(
        self, case: SimpleNamespace, deadline: Deadline, context: Callable[[], dict[str, Any]]
    ) -> None:
        offsets = self.offsets.family.get(deadline.key)
        if offsets is None or self.outbox is None:
            return
        bucket = reminder_owed(deadline.days_left, offsets)
        if bucket is None:
            return
        self.findings.family_reminders.append(
            FamilyReminder(
                child_id=case.child_id,
                purpose=FAMILY_REMINDER_PURPOSE[deadline.key],
                event_key=f"family:{case.pk}:{deadline.key}:{deadline.due.isoformat()}:{bucket}",
                context=context(),
                link=self.track_url(case.reference),
                case_id=case.pk,
            )
        )
