"""The statutory clock against dates worked out by hand (and a few properties it must keep).

Bank holidays relied on below, as listed by holidays 0.109 (GB, subdiv ENG):
2026: Thu 1 Jan, Fri 3 Apr (Good Friday), Mon 6 Apr (Easter Monday), Mon 4 May, Mon 25 May,
      Mon 31 Aug, Fri 25 Dec, Mon 28 Dec (Boxing Day, substitute for Sat 26 Dec).
2027: Fri 1 Jan, Fri 26 Mar (Good Friday), Mon 29 Mar (Easter Monday).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.statutory import (
    MILESTONES,
    RULES,
    TRIBUNAL_ORDERS,
    add_months,
    add_weeks,
    add_working_days,
    explain,
    is_working_day,
    mediation_deadlines,
    phase_transfer_deadline,
    reassessment_final_plan,
    school_year_on,
    timeline,
    transfer_deadlines,
    tribunal_order_deadlines,
)

# --- rows 2, 4, 7: the clocks started by the request ---


def test_request_clocks_run_in_whole_weeks_from_the_day_received() -> None:
    deadlines = timeline(date(2026, 1, 5))
    # received Mon 5 Jan 2026 + 42 days (6 weeks) = Mon 16 Feb 2026 (reg 4(1), 5(1))
    assert deadlines["decision_to_assess"] == date(2026, 2, 16)
    # + 112 days (16 weeks): 16 Feb + 4 weeks = 16 Mar, + 4 = 13 Apr, + 2 = Mon 27 Apr (reg 10(1))
    assert deadlines["decision_not_to_issue"] == date(2026, 4, 27)
    # + 140 days (20 weeks): 27 Apr + 4 weeks = Mon 25 May 2026 (reg 13(2))
    assert deadlines["final_plan"] == date(2026, 5, 25)


def test_send_regulation_deadline_is_not_moved_off_a_bank_holiday() -> None:
    # Mon 25 May 2026 is the Spring Bank Holiday; reg 13(2) has no next-working-day rule.
    assert not is_working_day(date(2026, 5, 25))
    assert timeline(date(2026, 1, 5))["final_plan"] == date(2026, 5, 25)


def test_timeline_without_milestones_has_only_the_request_clocks() -> None:
    assert set(timeline(date(2026, 1, 5))) == {
        "decision_to_assess",
        "decision_not_to_issue",
        "final_plan",
    }


# --- row 3: advice ---


def test_advice_due_six_weeks_after_it_was_requested() -> None:
    # requested Tue 3 Feb 2026 + 42 days: 3 Feb + 25 = 28 Feb, + 17 = Tue 17 Mar 2026 (reg 8(1))
    deadlines = timeline(date(2026, 1, 5), advice_requested=date(2026, 2, 3))
    assert deadlines["advice"] == date(2026, 3, 17)


# --- row 5: draft plan ---


def test_draft_comments_last_day_is_the_fifteenth_day_counting_the_day_served() -> None:
    # served Wed 1 Apr 2026 = day 1, so day 15 = Wed 15 Apr 2026 (reg 13(1))
    deadlines = timeline(date(2026, 1, 5), draft_issued=date(2026, 4, 1))
    assert deadlines["draft_comments"] == date(2026, 4, 15)


# --- row 6: consultation with the school ---


def test_consultation_response_due_fifteen_days_after_sending() -> None:
    # sent Thu 2 Apr 2026 + 15 days = Fri 17 Apr 2026 (CoP 9.83)
    deadlines = timeline(date(2026, 1, 5), consultation_sent=date(2026, 4, 2))
    assert deadlines["consultation_response"] == date(2026, 4, 17)


# --- row 8: annual review ---


def test_first_annual_review_is_twelve_months_after_the_final_plan() -> None:
    # final issued Tue 31 Mar 2026 + 12 months = Wed 31 Mar 2027 (s.44(1))
    deadlines = timeline(date(2025, 11, 3), final_issued=date(2026, 3, 31))
    assert deadlines["annual_review"] == date(2027, 3, 31)


def test_later_annual_reviews_run_from_the_last_review_decision() -> None:
    # last review decision Tue 10 Mar 2026 + 12 months = Wed 10 Mar 2027, not 31 Mar (s.44(1))
    deadlines = timeline(
        date(2024, 6, 3), final_issued=date(2025, 3, 31), last_review_decision=date(2026, 3, 10)
    )
    assert deadlines["annual_review"] == date(2027, 3, 10)


def test_annual_review_from_29_february_clamps_to_28_february() -> None:
    # plan made Tue 29 Feb 2028 + 12 months: February 2029 has 28 days, so Wed 28 Feb 2029
    deadlines = timeline(date(2027, 10, 4), final_issued=date(2028, 2, 29))
    assert deadlines["annual_review"] == date(2029, 2, 28)


# --- rows 9, 10: review meeting ---


def test_review_report_and_decision_run_from_the_meeting() -> None:
    deadlines = timeline(date(2024, 6, 3), review_meeting=date(2026, 3, 10))
    # meeting Tue 10 Mar 2026 + 14 days = Tue 24 Mar 2026 (reg 20(7))
    assert deadlines["review_report"] == date(2026, 3, 24)
    # + 28 days: 10 Mar + 21 = 31 Mar, + 7 = Tue 7 Apr 2026 (reg 20(10))
    assert deadlines["review_decision"] == date(2026, 4, 7)


# --- row 11: amendments ---


def test_amendment_comments_and_amended_plan_run_from_sending_the_proposals() -> None:
    deadlines = timeline(date(2024, 6, 3), amendments_sent=date(2026, 4, 7))
    # sent Tue 7 Apr 2026 = day 1, day 15 = Tue 21 Apr 2026 (reg 22(2))
    assert deadlines["amendment_comments"] == date(2026, 4, 21)
    # + 56 days: 7 Apr + 23 = 30 Apr, + 31 = 31 May, + 2 = Tue 2 Jun 2026 (reg 22(3))
    assert deadlines["amended_plan"] == date(2026, 6, 2)


# --- rows 12, 13: phase transfer ---


@pytest.mark.parametrize(
    ("post16", "expected"),
    [
        (False, date(2027, 2, 15)),  # reg 18(1): 15 February of the transfer year
        (True, date(2027, 3, 31)),  # reg 18(2): 31 March of the transfer year
    ],
)
def test_phase_transfer_deadline(post16: bool, expected: date) -> None:
    assert phase_transfer_deadline(2027, post16=post16) == expected


# --- row 17: appeal to the tribunal ---


def _appeal(**facts: date) -> date:
    return timeline(date(2025, 9, 1), **facts)["appeal"]


def test_appeal_ending_on_a_sunday_moves_to_monday() -> None:
    # notice Tue 10 Mar 2026 + 2 months = Sun 10 May 2026; no uncounted days;
    # r.12(2): not a working day, so Mon 11 May 2026
    assert _appeal(decision_notice=date(2026, 3, 10)) == date(2026, 5, 11)


def test_appeal_period_does_not_count_august() -> None:
    # notice Wed 15 Jul 2026 + 2 months = Tue 15 Sep 2026; (15 Jul, 15 Sep] holds all 31 days of
    # August, so + 31 = Fri 16 Oct 2026; (15 Sep, 16 Oct] holds none; Friday is a working day
    assert _appeal(decision_notice=date(2026, 7, 15)) == date(2026, 10, 16)


def test_appeal_period_does_not_count_christmas_to_new_year() -> None:
    # notice Thu 5 Nov 2026 + 2 months = Tue 5 Jan 2027; (5 Nov, 5 Jan] holds 25 Dec..1 Jan,
    # 8 days, so + 8 = Wed 13 Jan 2027; (5 Jan, 13 Jan] holds none
    assert _appeal(decision_notice=date(2026, 11, 5)) == date(2027, 1, 13)


def test_appeal_extension_that_reaches_more_of_august_is_extended_again() -> None:
    # notice Fri 19 Jun 2026 + 2 months = Wed 19 Aug 2026; (19 Jun, 19 Aug] holds 1..19 Aug,
    # + 19 = Mon 7 Sep; the extension (19 Aug, 7 Sep] holds 20..31 Aug, + 12 = Sat 19 Sep;
    # (7 Sep, 19 Sep] holds none. Check: 61 counted days = 11 in June + 31 in July + 19 in Sep.
    # r.12(2): Sat 19 Sep is not a working day, so Mon 21 Sep 2026
    assert _appeal(decision_notice=date(2026, 6, 19)) == date(2026, 9, 21)


def test_appeal_extension_that_reaches_more_of_christmas_is_extended_again() -> None:
    # notice Wed 28 Oct 2026 + 2 months = Mon 28 Dec 2026; (28 Oct, 28 Dec] holds 25..28 Dec,
    # + 4 = Fri 1 Jan 2027; the extension (28 Dec, 1 Jan] holds 29 Dec..1 Jan, + 4 = Tue 5 Jan
    # 2027; (1 Jan, 5 Jan] holds none; Tuesday is a working day
    assert _appeal(decision_notice=date(2026, 10, 28)) == date(2027, 1, 5)


def test_appeal_after_christmas_extension_landing_on_a_sunday_moves_to_monday() -> None:
    # notice Mon 2 Nov 2026 + 2 months = Sat 2 Jan 2027; + 8 (25 Dec..1 Jan) = Sun 10 Jan 2027;
    # r.12(2): Mon 11 Jan 2027
    assert _appeal(decision_notice=date(2026, 11, 2)) == date(2027, 1, 11)


def test_appeal_from_a_notice_sent_in_august_starts_counting_in_september() -> None:
    # notice Mon 10 Aug 2026 + 2 months = Sat 10 Oct; the 61 days (11 Aug..10 Oct) are counted
    # from 1 Sep: 30 in September + 31 in October = Sat 31 Oct 2026; r.12(2): Mon 2 Nov 2026
    assert _appeal(decision_notice=date(2026, 8, 10)) == date(2026, 11, 2)


def test_appeal_ending_on_good_friday_moves_past_easter_monday() -> None:
    # notice Tue 26 Jan 2027 + 2 months = Fri 26 Mar 2027, Good Friday; Sat, Sun, then Mon 29 Mar
    # is Easter Monday, so r.12(2) gives Tue 30 Mar 2027
    assert _appeal(decision_notice=date(2027, 1, 26)) == date(2027, 3, 30)
    # notice Fri 29 Jan 2027 + 2 months = Mon 29 Mar 2027, Easter Monday: Tue 30 Mar 2027
    assert _appeal(decision_notice=date(2027, 1, 29)) == date(2027, 3, 30)


def test_appeal_runs_from_the_mediation_certificate_when_that_is_later() -> None:
    # notice Mon 2 Mar 2026 + 2 months = Sat 2 May 2026;
    # certificate Mon 13 Apr 2026 + 1 month = Wed 13 May 2026, the later, a working day
    facts = {"decision_notice": date(2026, 3, 2), "mediation_certificate": date(2026, 4, 13)}
    assert _appeal(**facts) == date(2026, 5, 13)


def test_appeal_runs_from_the_notice_when_the_certificate_period_ends_first() -> None:
    # certificate Wed 1 Apr 2026 + 1 month = Fri 1 May 2026;
    # notice Mon 2 Mar 2026 + 2 months = Sat 2 May 2026, the later; Sun 3 May, then Mon 4 May is
    # the Early May bank holiday, so r.12(2) gives Tue 5 May 2026
    facts = {"decision_notice": date(2026, 3, 2), "mediation_certificate": date(2026, 4, 1)}
    assert _appeal(**facts) == date(2026, 5, 5)


def test_appeal_from_a_certificate_whose_month_runs_into_august() -> None:
    # certificate Fri 17 Jul 2026 + 1 month = Mon 17 Aug; + 17 (1..17 Aug) = Thu 3 Sep; the
    # extension holds 18..31 Aug, + 14 = Thu 17 Sep 2026 (31 counted days: 14 in July + 17 in Sep).
    # notice Mon 1 Jun 2026 + 2 months = Sat 1 Aug; its 61 days counted outside August are
    # 29 in June + 31 in July + 1 = Tue 1 Sep 2026. The later is Thu 17 Sep 2026.
    facts = {"decision_notice": date(2026, 6, 1), "mediation_certificate": date(2026, 7, 17)}
    assert _appeal(**facts) == date(2026, 9, 17)


def test_appeal_with_only_a_mediation_certificate_counts_from_it() -> None:
    # certificate Mon 13 Apr 2026 + 1 month = Wed 13 May 2026
    assert _appeal(mediation_certificate=date(2026, 4, 13)) == date(2026, 5, 13)


def test_appeal_moved_off_a_weekend_is_not_pushed_past_august() -> None:
    # notice Tue 31 May 2022 + 2 months = Sun 31 Jul 2022, no uncounted days inside; r.12(2)
    # applied literally gives Mon 1 Aug 2022 (the earlier, safe reading for the family)
    assert _appeal(decision_notice=date(2022, 5, 31)) == date(2022, 8, 1)


def test_no_appeal_deadline_without_a_decision_notice_or_certificate() -> None:
    assert "appeal" not in timeline(date(2026, 1, 5), final_issued=date(2026, 5, 20))


# --- the shape of the timeline ---


def test_all_milestones_give_every_deadline() -> None:
    facts = dict.fromkeys(MILESTONES, date(2026, 6, 1))
    assert set(timeline(date(2026, 1, 5), **facts)) == {
        "decision_to_assess",
        "advice",
        "decision_not_to_issue",
        "final_plan",
        "draft_comments",
        "consultation_response",
        "annual_review",
        "review_report",
        "review_decision",
        "amendment_comments",
        "amended_plan",
        "appeal",
    }


def test_milestone_given_as_none_is_treated_as_not_happened() -> None:
    assert timeline(date(2026, 1, 5), draft_issued=None) == timeline(date(2026, 1, 5))


def test_unknown_milestone_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="draft_sent"):
        timeline(date(2026, 1, 5), draft_sent=date(2026, 4, 1))


def test_datetime_is_refused_because_deadlines_are_calendar_dates() -> None:
    with pytest.raises(TypeError, match="draft_issued"):
        timeline(date(2026, 1, 5), draft_issued=datetime(2026, 4, 1, 9, 30))


def test_every_deadline_explains_itself_with_a_legal_reference() -> None:
    facts = dict.fromkeys(MILESTONES, date(2026, 6, 1))
    keys = set(timeline(date(2026, 1, 5), **facts)) | {"phase_transfer", "phase_transfer_post16"}
    keys |= {"reassessment_final_plan", "transfer_tell_family", "transfer_review"}
    keys |= {f"tribunal_{step}" for order in TRIBUNAL_ORDERS.values() for step in order}
    assert keys == set(RULES)
    for key in keys:
        assert any(ref in explain(key) for ref in ("reg ", "s.44", "CoP", "Code of Practice", "r."))


def test_explain_unknown_rule_raises_key_error() -> None:
    with pytest.raises(KeyError, match="no statutory rule"):
        explain("school_holiday")


# --- month and week arithmetic ---


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 12, 31), 2, date(2027, 2, 28)),  # 31 Dec + 2 months, Feb 2027 has 28 days
        (date(2027, 12, 31), 2, date(2028, 2, 29)),  # 2028 is a leap year
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),  # 30-day month
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),  # across the year end
        (date(2026, 5, 20), 0, date(2026, 5, 20)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_add_weeks_keeps_the_weekday() -> None:
    # Mon 5 Jan 2026 + 6 weeks = Mon 16 Feb 2026
    assert add_weeks(date(2026, 1, 5), 6) == date(2026, 2, 16)


# --- working days ---


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 12, 24), True),  # Thu
        (date(2026, 12, 25), False),  # Fri, Christmas Day
        (date(2026, 12, 26), False),  # Sat, Boxing Day
        (date(2026, 12, 28), False),  # Mon, substitute Boxing Day
        (date(2026, 12, 29), True),  # Tue
        (date(2027, 1, 1), False),  # Fri, New Year's Day
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 29), False),  # Easter Monday
        (date(2027, 12, 27), False),  # Mon, substitute Christmas Day (25th is a Saturday)
        (date(2027, 12, 28), False),  # Tue, substitute Boxing Day
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # received Mon 5 Jan 2026 is day 0; + 1 working day = Tue 6 Jan
        (date(2026, 1, 5), 1, date(2026, 1, 6)),
        # Fri 9 Jan + 1 = Mon 12 Jan (weekend skipped)
        (date(2026, 1, 9), 1, date(2026, 1, 12)),
        # Mon 5 Jan + 5 = Mon 12 Jan
        (date(2026, 1, 5), 5, date(2026, 1, 12)),
        # day 0 on a working day is that day
        (date(2026, 1, 5), 0, date(2026, 1, 5)),
        # received Sat 10 Jan: treated as received Mon 12 Jan (day 0); + 1 = Tue 13 Jan
        (date(2026, 1, 10), 0, date(2026, 1, 12)),
        (date(2026, 1, 10), 1, date(2026, 1, 13)),
        # Thu 24 Dec 2026 + 1: Fri 25 Christmas, Sat, Sun, Mon 28 substitute Boxing Day -> Tue 29
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        # Thu 24 Dec + 4: Tue 29 (1), Wed 30 (2), Thu 31 (3), Fri 1 Jan holiday -> Mon 4 Jan 2027
        (date(2026, 12, 24), 4, date(2027, 1, 4)),
        # Wed 23 Dec + 5: Thu 24 (1), Tue 29 (2), Wed 30 (3), Thu 31 (4), Mon 4 Jan 2027 (5)
        (date(2026, 12, 23), 5, date(2027, 1, 4)),
        # received on Christmas Day: day 0 is Tue 29 Dec 2026
        (date(2026, 12, 25), 0, date(2026, 12, 29)),
        # Thu 25 Mar 2027 + 1: Good Friday, Sat, Sun, Easter Monday -> Tue 30 Mar 2027
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        # 2026 has 261 weekdays less 8 weekday bank holidays = 253 working days, so from
        # Wed 31 Dec 2025 + 253 = the last working day of 2026, Thu 31 Dec 2026
        (date(2025, 12, 31), 253, date(2026, 12, 31)),
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected


def test_add_working_days_refuses_negative_days() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2026, 1, 5), -1)


# --- properties ---

any_date = st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 12, 31))
offset = st.integers(min_value=0, max_value=800)


@st.composite
def case_facts(draw: st.DrawFn) -> tuple[date, dict[str, date]]:
    received = draw(any_date)
    names = draw(st.sets(st.sampled_from(sorted(MILESTONES))))
    return received, {name: received + timedelta(days=draw(offset)) for name in names}


# Which fact starts each clock: no deadline may fall before it.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "decision_to_assess": ("received",),
    "decision_not_to_issue": ("received",),
    "final_plan": ("received",),
    "advice": ("advice_requested",),
    "draft_comments": ("draft_issued",),
    "consultation_response": ("consultation_sent",),
    "annual_review": ("last_review_decision", "final_issued"),
    "review_report": ("review_meeting",),
    "review_decision": ("review_meeting",),
    "amendment_comments": ("amendments_sent",),
    "amended_plan": ("amendments_sent",),
    "appeal": ("decision_notice", "mediation_certificate"),
}


@given(case_facts())
def test_no_deadline_falls_on_or_before_its_trigger(case: tuple[date, dict[str, date]]) -> None:
    received, facts = case
    known = {"received": received, **facts}
    for key, deadline in timeline(received, **facts).items():
        trigger = next(known[name] for name in TRIGGERS[key] if name in known)
        assert deadline > trigger, key


@given(case_facts())
def test_request_clocks_are_ordered(case: tuple[date, dict[str, date]]) -> None:
    received, facts = case
    deadlines = timeline(received, **facts)
    assert deadlines["final_plan"] > deadlines["decision_not_to_issue"]
    assert deadlines["decision_not_to_issue"] > deadlines["decision_to_assess"]


@given(any_date, offset)
def test_appeal_never_earlier_than_two_calendar_months(notice: date, days_to_cert: int) -> None:
    certificate = notice + timedelta(days=days_to_cert)
    deadline = _appeal(decision_notice=notice, mediation_certificate=certificate)
    assert deadline >= add_months(notice, 2)
    assert deadline >= add_months(certificate, 1)
    assert is_working_day(deadline)


@given(any_date)
def test_amended_plan_after_amendment_comments(sent: date) -> None:
    deadlines = timeline(sent, amendments_sent=sent)
    assert deadlines["amended_plan"] > deadlines["amendment_comments"]


@given(any_date, st.integers(min_value=0, max_value=300))
def test_add_working_days_lands_on_a_working_day_and_grows_with_days(
    start: date, days: int
) -> None:
    result = add_working_days(start, days)
    assert is_working_day(result)
    assert result >= start
    assert add_working_days(start, days + 1) > result
    # exactly `days` working days lie after day 0 up to and including the result
    day0 = add_working_days(start, 0)
    between = (day0 + timedelta(days=i) for i in range(1, (result - day0).days + 1))
    assert sum(is_working_day(d) for d in between) == days


# --- row 14: re-assessment ---


def test_reassessment_final_plan_fourteen_weeks_after_notification() -> None:
    # Mon 2 Nov 2026 + 98 days = Mon 8 Feb 2027 (reg 27(2)).
    assert reassessment_final_plan(date(2026, 11, 2)) == date(2027, 2, 8)


# --- row 15: moving to another council ---


def test_transfer_to_another_council() -> None:
    # Old LA learns on Mon 14 Dec 2026. 15 working days, skipping 25 and 28 Dec 2026 and
    # 1 Jan 2027: 15,16,17,18,21,22,23,24,29,30,31 Dec, 4,5,6,7 Jan = Thu 7 Jan 2027.
    # Transferred Fri 8 Jan 2027: tell the family by Fri 19 Feb 2027 (+6 weeks).
    # Plan made 20 Mar 2026: review by the later of 20 Mar 2027 and 8 Apr 2027 (+3 months).
    dates = transfer_deadlines(
        old_la_knew=date(2026, 12, 14),
        transferred=date(2027, 1, 8),
        plan_or_last_review=date(2026, 3, 20),
    )
    assert dates == {
        "transfer": date(2027, 1, 7),
        "tell_family": date(2027, 2, 19),
        "review": date(2027, 4, 8),
    }


def test_transfer_review_keeps_twelve_months_when_that_is_later() -> None:
    dates = transfer_deadlines(
        old_la_knew=date(2026, 6, 1),
        transferred=date(2026, 6, 10),
        plan_or_last_review=date(2026, 1, 31),
    )
    # 31 Jan 2027 is later than 10 Sep 2026.
    assert dates["review"] == date(2027, 1, 31)


# --- row 16: mediation ---


def test_mediation_deadlines() -> None:
    # Notice Mon 31 Aug 2026: contact the adviser by Sat 31 Oct 2026 (2 months, no August rule
    # here: that applies to the tribunal's own time limit). Told "no mediation" Thu 24 Dec 2026:
    # 3 working days after it, skipping 25 and 28 Dec: 29, 30, 31 Dec = Thu 31 Dec 2026.
    # Mediation wanted Mon 7 Sep 2026: arranged by Wed 7 Oct 2026 (+30 days).
    # Mediation ended Fri 2 Apr 2027 (Good Friday 26 Mar and Easter Monday 29 Mar 2027 are
    # past): + 3 working days = Wed 7 Apr 2027.
    dates = mediation_deadlines(
        decision_notice=date(2026, 8, 31),
        adviser_told_no_mediation=date(2026, 12, 24),
        mediation_wanted=date(2026, 9, 7),
        mediation_ended=date(2027, 4, 2),
    )
    assert dates == {
        "contact_adviser": date(2026, 10, 31),
        "certificate_no_mediation": date(2026, 12, 31),
        "mediation_arranged": date(2026, 10, 7),
        "certificate_after_mediation": date(2027, 4, 7),
    }


# --- row 18: complying with tribunal orders ---


@pytest.mark.parametrize(
    "kind,expected",
    [
        ("cease", {"cease": date(2026, 11, 2)}),
        (
            "assess",
            {
                "decision": date(2026, 11, 16),
                "no_plan_decision": date(2027, 1, 11),
                "final_plan": date(2027, 2, 8),
            },
        ),
        ("make_plan", {"draft_plan": date(2026, 12, 7), "final_plan": date(2027, 1, 18)}),
        ("amend", {"amended_plan": date(2026, 12, 7)}),
        ("school_only", {"amended_plan": date(2026, 11, 16)}),
    ],
)
def test_tribunal_order_deadlines(kind: str, expected: dict[str, date]) -> None:
    # Order sent Mon 2 Nov 2026; each period in whole weeks from it (reg 44(2)).
    assert tribunal_order_deadlines(kind, date(2026, 11, 2)) == expected


def test_unknown_tribunal_order_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown tribunal order"):
        tribunal_order_deadlines("apologise", date(2026, 11, 2))


# --- the school year (Education Act 1996 s.8), which reg 6(1)(f) and phase transfers read ---


def test_the_school_year_turns_on_31_august_not_the_birthday() -> None:
    on = date(2026, 11, 2)  # the school year starting September 2026
    # 5 on 31 August 2026: Year 1. Born a day later: still 4 then, so Reception.
    assert school_year_on(date(2021, 8, 31), on) == 1
    assert school_year_on(date(2021, 9, 1), on) == 0
    # Before September the previous school year still runs.
    assert school_year_on(date(2021, 8, 31), date(2026, 7, 20)) == 0
