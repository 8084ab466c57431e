"""The service level for member queries, in working days (no framework: plain date arithmetic).

Working days are Monday to Friday excluding England and Wales bank holidays, as in
``cases.statutory.add_working_days``: a query received on a weekend or bank holiday starts its
clock on the next working day (day 0), and the target is the N-th working day after day 0.
This is a local service standard, not a statutory one: the SEND Regulations 2014 set no time
for replying to an elected member.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

from cases.statutory import add_working_days, is_working_day


def sla_working_days() -> int:
    return int(getattr(settings, "MEMBER_ENQUIRY_SLA_WORKING_DAYS", 10))


def reminder_working_days() -> int:
    return int(getattr(settings, "MEMBER_ENQUIRY_REMINDER_WORKING_DAYS", 2))


def target_reply_on(received_on: date, working_days: int | None = None) -> date:
    """The date a reply is due: ``working_days`` (default: the setting) after receipt."""
    n = sla_working_days() if working_days is None else working_days
    return add_working_days(received_on, n)


def working_days_between(received_on: date, replied_on: date) -> int:
    """Working days taken to reply, counted the way the target is (so on time ⇔ ≤ N).

    The inverse of ``add_working_days``: if ``replied_on == add_working_days(received_on, n)``
    the answer is n. A reply on day 0 (or before it, e.g. on the Sunday of a Saturday query)
    took 0 working days.
    """
    day0 = add_working_days(received_on, 0)
    count = 0
    d = day0 + timedelta(days=1)
    while d <= replied_on:
        if is_working_day(d):
            count += 1
        d += timedelta(days=1)
    return count


def reminder_horizon(today: date) -> date:
    """Open queries due on or before this date get their 'reply due soon' reminder today.

    ``add_working_days`` is increasing in n, so a target within N working days of today is
    exactly a target on or before today + N working days.
    """
    return add_working_days(today, reminder_working_days())
