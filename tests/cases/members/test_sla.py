"""The reply target in working days, hand-worked across Christmas 2026.

England and Wales bank holidays around it: Fri 25 Dec 2026 (Christmas Day), Mon 28 Dec 2026
(substitute for Boxing Day, a Saturday) and Fri 1 Jan 2027 (New Year's Day).
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.members import sla
from cases.statutory import add_working_days


@pytest.mark.parametrize(
    "received,target",
    [
        # Mon 21 Dec is day 0. 22, 23, 24 Dec are days 1-3; 25 (holiday), 26-27 (weekend) and
        # 28 (substitute holiday) are skipped; 29, 30, 31 Dec are 4-6; 1 Jan (holiday) and the
        # weekend are skipped; 4, 5, 6, 7 Jan are 7-10.
        (date(2026, 12, 21), date(2027, 1, 7)),
        # Thu 24 Dec is day 0: 29, 30, 31 Dec (1-3), 4-8 Jan (4-8), 11, 12 Jan (9, 10).
        (date(2026, 12, 24), date(2027, 1, 12)),
        # Received on Christmas Day: the clock starts on Tue 29 Dec (day 0), 30, 31 Dec (1, 2),
        # 4-8 Jan (3-7), 11-13 Jan (8-10).
        (date(2026, 12, 25), date(2027, 1, 13)),
        # Received on the substitute Monday: the same, day 0 is Tue 29 Dec.
        (date(2026, 12, 28), date(2027, 1, 13)),
        # Sat 19 Dec: day 0 is Mon 21 Dec, so the same target as a Monday query.
        (date(2026, 12, 19), date(2027, 1, 7)),
        # An ordinary fortnight with no holidays: Mon 9 Nov 2026 + 10 = Mon 23 Nov.
        (date(2026, 11, 9), date(2026, 11, 23)),
    ],
)
def test_target_reply_date_skips_weekends_and_christmas_bank_holidays(received, target):
    assert sla.target_reply_on(received, 10) == target


def test_target_uses_the_configured_number_of_working_days(settings):
    settings.MEMBER_ENQUIRY_SLA_WORKING_DAYS = 5
    # Mon 21 Dec + 5: 22, 23, 24, 29, 30 Dec.
    assert sla.target_reply_on(date(2026, 12, 21)) == date(2026, 12, 30)
    settings.MEMBER_ENQUIRY_SLA_WORKING_DAYS = 10
    assert sla.target_reply_on(date(2026, 12, 21)) == date(2027, 1, 7)


@pytest.mark.parametrize(
    "received,replied,days",
    [
        (date(2026, 12, 21), date(2027, 1, 7), 10),  # on the target: on time
        (date(2026, 12, 21), date(2027, 1, 8), 11),  # one working day late
        (date(2026, 12, 21), date(2026, 12, 29), 4),  # over Christmas
        (date(2026, 12, 21), date(2026, 12, 21), 0),  # same day
        (date(2026, 12, 25), date(2026, 12, 28), 0),  # both before the clock starts
        (date(2026, 12, 21), date(2027, 1, 2), 6),  # a Saturday reply counts to the Friday
    ],
)
def test_working_days_taken_to_reply(received, replied, days):
    assert sla.working_days_between(received, replied) == days


@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
    n=st.integers(min_value=0, max_value=40),
)
def test_working_days_between_inverts_add_working_days(start, n):
    assert sla.working_days_between(start, add_working_days(start, n)) == n


def test_reminder_horizon_is_two_working_days_ahead_across_new_year():
    # Thu 31 Dec + 2 working days: Mon 4 Jan, Tue 5 Jan (1 Jan and the weekend skipped).
    assert sla.reminder_horizon(date(2026, 12, 31)) == date(2027, 1, 5)
    assert sla.reminder_horizon(date(2027, 1, 5)) == date(2027, 1, 7)
    assert sla.reminder_horizon(date(2027, 1, 4)) == date(2027, 1, 6)
