"""The review timings (statutory) and the school terms (pure), hand-worked."""

from __future__ import annotations

from datetime import date

import pytest

from cases.schools.terms import last_ended_term, term_before, term_from_key, term_of
from cases.statutory import (
    review_decision_due,
    review_due_notice_on,
    review_invitations_latest,
    review_notice_by,
    review_report_due,
)


def test_review_timings_from_the_meeting():
    meeting = date(2027, 1, 20)  # a Wednesday
    assert review_notice_by(meeting) == date(2027, 1, 6)  # reg 20(3),(4): 2 weeks before
    assert review_report_due(meeting) == date(2027, 2, 3)  # reg 20(7): 2 weeks after
    assert review_decision_due(meeting) == date(2027, 2, 17)  # reg 20(10): 4 weeks after


def test_a_review_not_started_in_time():
    # Decided by 10 Mar 2027: meeting by 10 Feb (4 weeks), invitations by 27 Jan (2 weeks).
    assert review_invitations_latest(date(2027, 3, 10)) == date(2027, 1, 27)
    assert review_due_notice_on(date(2027, 3, 10)) == date(2026, 12, 16)


@pytest.mark.parametrize(
    "on,key,ends",
    [
        (date(2026, 9, 1), "2026-autumn", date(2026, 12, 31)),
        (date(2026, 12, 31), "2026-autumn", date(2026, 12, 31)),
        (date(2027, 1, 1), "2027-spring", date(2027, 3, 31)),
        (date(2027, 4, 1), "2027-summer", date(2027, 7, 31)),
        (date(2027, 8, 15), "2027-summer", date(2027, 7, 31)),  # August: summer just ended
    ],
)
def test_terms(on, key, ends):
    term = term_of(on)
    assert (term.key, term.ends) == (key, ends)
    assert term_from_key(key) == term


def test_terms_before_and_ended():
    assert term_before(term_of(date(2027, 1, 5))).key == "2026-autumn"
    assert term_before(term_of(date(2026, 10, 5))).key == "2026-summer"
    assert last_ended_term(date(2026, 12, 31)).key == "2026-summer"
    assert last_ended_term(date(2027, 1, 1)).key == "2026-autumn"
    assert last_ended_term(date(2026, 8, 2)).key == "2026-summer"
    assert term_from_key("2026-winter") is None and term_from_key("x") is None
