"""The statutory clock of the EHC process in England: pure date arithmetic, no framework.

Every deadline here is traceable to the Children and Families Act 2014 ("s."), the SEND
Regulations 2014, SI 2014/1530 ("reg"), the SEND Code of Practice 0-25 (2015) ("CoP"), or the
Tribunal Procedure (First-tier Tribunal) (HESC) Rules 2008 ("HESC r."). See
``shared/domain/statutory-timescales.md`` for the table this module implements.

Counting convention (the portal's, shown to users in the UI help):

- "within N weeks of X" is due on X + 7*N days (the same weekday N weeks later).
- "at least 15 days beginning with the day the draft was served": the day of service is day 1,
  so the last day for comments is served + 14 days.
- "within N months" is the same day-of-month N months later or, when that month is shorter,
  the last day of that month (31 Dec + 2 months = 28 Feb, or 29 Feb in a leap year).
- "working days" are Monday to Friday excluding England and Wales bank holidays, taken from the
  ``holidays`` package (GB, subdivision ENG), so substitute days such as Mon 28 Dec 2026 count
  as holidays. Future one-off bank holidays are only known once the package ships them.
- Deadlines are dates (Europe/London calendar), never datetimes, and a statutory due date under
  the SEND Regulations does not move off a weekend or bank holiday: the regulations have no
  such rule. Only the tribunal appeal deadline does (HESC r.12(2)).

``add_working_days(start, n)``: day 0 is ``start`` if it is a working day, else the next working
day (an enquiry arriving on a Saturday is treated as received on the Monday); the result is the
n-th working day after day 0. So ``add_working_days(d, 0)`` is d or the next working day, Mon + 1
is Tue, Fri + 1 is the next Mon, and Sat + 1 is Tue. It is strictly increasing in n.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from types import MappingProxyType

import holidays

__all__ = [
    "MILESTONES",
    "RULES",
    "add_months",
    "add_weeks",
    "add_working_days",
    "age_on",
    "amendment_comments_last_day",
    "draft_comments_last_day",
    "explain",
    "is_working_day",
    "mediation_deadlines",
    "next_phase_transfer",
    "phase_transfer_deadline",
    "reassessment_final_plan",
    "review_decision_due",
    "review_due_notice_on",
    "review_invitations_latest",
    "review_notice_by",
    "review_report_due",
    "school_year",
    "school_year_on",
    "timeline",
    "transfer_deadlines",
    "transfer_in_deadlines",
    "transition_point",
    "tribunal_order_deadlines",
]

# --- the statutory numbers: each one once, here, with its reference ---

# reg 4(1), 5(1): the decision whether to assess, within 6 weeks of the request.
DECISION_TO_ASSESS_WEEKS = 6
# reg 8(1): advice within 6 weeks of being asked for it (exceptions reg 8(2)).
ADVICE_WEEKS = 6
# reg 10(1): a decision not to issue a plan, within 16 weeks of the request.
DECISION_NOT_TO_ISSUE_WEEKS = 16
# reg 13(2): the final plan, within 20 weeks of the request (exceptions reg 13(3)).
FINAL_PLAN_WEEKS = 20
# reg 13(1): at least 15 days, beginning with the day the draft was served, to comment.
DRAFT_COMMENT_DAYS = 15
# CoP 9.83 (guidance, not law): a consulted school or setting should answer within 15 days.
CONSULTATION_RESPONSE_DAYS = 15
# s.44(1): review within 12 months of the plan being made, then of each review decision.
ANNUAL_REVIEW_MONTHS = 12
# reg 20(3),(4): invitations and advice at least 2 weeks before the review meeting.
REVIEW_NOTICE_WEEKS = 2
# reg 20(7) (reg 21 outside school): the report of the meeting within 2 weeks of it.
REVIEW_REPORT_WEEKS = 2
# reg 20(10): the decision to maintain, amend or cease within 4 weeks of the meeting.
REVIEW_DECISION_WEEKS = 4
# The council's practice, derived from the statute rather than in it: the school is told an
# annual review is due this many weeks before the last day its invitations can go out
# (`review_invitations_latest`), time to find a date the family and professionals can make.
REVIEW_DUE_NOTICE_WEEKS = 6
# reg 22(2): at least 15 days, beginning with the day sent, to comment on proposed amendments.
AMENDMENT_COMMENT_DAYS = 15
# reg 22(3): the amended plan within 8 weeks of sending the proposed amendments.
AMENDED_PLAN_WEEKS = 8
# reg 20(10) then reg 22(3): an amended plan within 12 weeks of the review meeting, the 4 weeks
# to decide and the 8 weeks from the proposed amendments taken back to back. It is the measure
# the performance dashboard reports (cases.reporting); each step keeps its own deadline above.
AMENDED_PLAN_AFTER_REVIEW_WEEKS = REVIEW_DECISION_WEEKS + AMENDED_PLAN_WEEKS
# reg 27(2): on re-assessment, the final plan within 14 weeks of notifying the family.
REASSESSMENT_WEEKS = 14
# reg 15: the old council transfers within 15 working days of learning of a late-notice move.
TRANSFER_WORKING_DAYS = 15
# reg 15: the new council tells the family within 6 weeks of the transfer what it will do.
TRANSFER_TELL_FAMILY_WEEKS = 6
# reg 15: the new council reviews by the later of 12 months from the plan or last review
# and 3 months from the transfer.
TRANSFER_REVIEW_MONTHS = 3
# reg 10(4)(a),(b),(d): a closure of the school or early years setting, or the family's absence
# from the area, excuses a time limit only when it lasted at least 4 weeks.
EXCEPTION_PERIOD_MIN_WEEKS = 4

# regs 33-39 (s.55): the family contacts the mediation adviser within 2 months of the decision;
# certificates within 3 working days; the council arranges mediation within 30 days.
MEDIATION_CONTACT_MONTHS = 2
MEDIATION_CERTIFICATE_WORKING_DAYS = 3
MEDIATION_ARRANGED_DAYS = 30
# HESC r.20(1): appeal within 2 months of the decision notice or 1 month of the certificate.
APPEAL_MONTHS = 2
APPEAL_AFTER_CERTIFICATE_MONTHS = 1

# reg 18: the phase transfers that need the plan reviewed and amended beforehand, as the school
# year the child enters in September, and whether it is the move into post-16 (reg 18(2), by 31
# March) rather than between schools (reg 18(1), by 15 February). Early years to Reception,
# primary to secondary and secondary to post-16 happen to every child; infant to junior and
# middle-school moves depend on the school, so they are recorded by hand (cases.plans reviews).
PHASE_TRANSFERS: Mapping[int, bool] = MappingProxyType({0: False, 7: False, 12: True})
# reg 18(1): 15 February; reg 18(2): 31 March, of the calendar year of the transfer.
PHASE_TRANSFER_BY: tuple[int, int] = (2, 15)
PHASE_TRANSFER_POST16_BY: tuple[int, int] = (3, 31)
# The school year a child is in during the year before a transfer, as written, and the move:
# the transition points caseload flags and priority scores name (the one set). Nursery, Year 6
# and Year 11 are the reg 18 transfers every child makes; leaving school after Year 13 is a
# post-16 move, reviewed at least 5 months before it (reg 18(2)).
TRANSITION_YEAR_GROUPS: Mapping[str, str] = MappingProxyType(
    {
        "Nursery": "Nursery to Reception",
        "Year 6": "Year 6 to Year 7",
        "Year 11": "Year 11 to post-16",
        "Year 13": "leaving school after Year 13",
    }
)
# The year groups (lower case, as families.forms keys them) before a reg 18 transfer, and
# whether it is into post-16; "year 2" is the infant-to-junior move.
TRANSFER_YEAR_GROUPS: Mapping[str, bool] = MappingProxyType(
    {"nursery": False, "year 2": False, "year 6": False, "year 11": True}
)

# The facts about a case that determine its deadlines (keyword arguments of ``timeline``).
MILESTONES: frozenset[str] = frozenset(
    {
        "advice_requested",
        "draft_issued",
        "consultation_sent",
        "final_issued",
        "last_review_decision",
        "review_meeting",
        "amendments_sent",
        "decision_notice",
        "mediation_certificate",
    }
)

RULES: Mapping[str, str] = MappingProxyType(
    {
        "decision_to_assess": (
            "6 weeks from the date we received the request for an assessment "
            "(SEND Regulations 2014, reg 4(1) and 5(1))"
        ),
        "advice": (
            "6 weeks from the date the advice was requested "
            "(SEND Regulations 2014, reg 8(1); exceptions in reg 8(2))"
        ),
        "decision_not_to_issue": (
            "16 weeks from the date we received the request, if we decide not to issue a plan "
            "(SEND Regulations 2014, reg 10(1))"
        ),
        "final_plan": (
            "20 weeks from the date we received the request (SEND Regulations 2014, reg 13(2))"
        ),
        "draft_comments": (
            "last day for comments on the draft plan: at least 15 days counting the day it was "
            "sent as day 1, so the day sent + 14 days (SEND Regulations 2014, reg 13(1))"
        ),
        "consultation_response": (
            "15 days from the date we consulted the school or setting "
            "(SEND Code of Practice 2015, 9.83; guidance, not law)"
        ),
        "annual_review": (
            "12 months from the plan being made, or from the last review decision "
            "(Children and Families Act 2014, s.44(1))"
        ),
        "review_report": (
            "2 weeks from the review meeting, for the report of the meeting "
            "(SEND Regulations 2014, reg 20(7); reg 21 where the child attends no school)"
        ),
        "review_decision": (
            "4 weeks from the review meeting, for our decision to keep, amend or cease the "
            "plan (SEND Regulations 2014, reg 20(10))"
        ),
        "amendment_comments": (
            "last day for comments on proposed amendments: the day they were sent + 14 days "
            "(SEND Regulations 2014, reg 22(2))"
        ),
        "amended_plan": (
            "8 weeks from the date the proposed amendments were sent "
            "(SEND Regulations 2014, reg 22(3))"
        ),
        "appeal": (
            "last day to appeal to the tribunal: the later of 2 months from the decision "
            "letter and 1 month from the mediation certificate, not counting 25 December to "
            "1 January or any day in August, then moved to the next working day if it is not "
            "one (Tribunal Procedure (HESC) Rules 2008, r.20(1), r.12(2) and r.12(3))"
        ),
        "phase_transfer": (
            "15 February of the year the child moves school (SEND Regulations 2014, reg 18(1))"
        ),
        "phase_transfer_post16": (
            "31 March of the year the young person moves from secondary school to post-16 "
            "education (SEND Regulations 2014, reg 18(2))"
        ),
        "reassessment_final_plan": (
            "14 weeks from the date we told you we would re-assess, for the final plan "
            "(SEND Regulations 2014, reg 27(2); exceptions in reg 27(3))"
        ),
        "transfer_tell_family": (
            "6 weeks from the date the plan was transferred to us, to tell you whether we will "
            "re-assess or review it (SEND Regulations 2014, reg 15)"
        ),
        "transfer_review": (
            "the later of 12 months from the plan or its last review and 3 months from the "
            "transfer to us (SEND Regulations 2014, reg 15)"
        ),
        "tribunal_cease": (
            "at once: the tribunal ordered us to cease the plan (SEND Regulations 2014, reg 44(2))"
        ),
        "tribunal_decision": (
            "2 weeks from the tribunal's order to assess, to tell you our decision "
            "(SEND Regulations 2014, reg 44(2))"
        ),
        "tribunal_no_plan_decision": (
            "10 weeks from the tribunal's order to assess, if we decide not to issue a plan "
            "(SEND Regulations 2014, reg 44(2))"
        ),
        "tribunal_draft_plan": (
            "5 weeks from the tribunal's order to make a plan, for the draft plan "
            "(SEND Regulations 2014, reg 44(2))"
        ),
        "tribunal_final_plan": (
            "the final plan after the tribunal's order: 14 weeks from an order to assess, 11 weeks "
            "from an order to make a plan (SEND Regulations 2014, reg 44(2); exceptions reg 44(3))"
        ),
        "tribunal_amended_plan": (
            "the amended plan after the tribunal's order: 5 weeks to amend its content, 2 weeks "
            "to change only the school named (SEND Regulations 2014, reg 44(2))"
        ),
    }
)


def explain(key: str) -> str:
    """How the deadline called ``key`` is worked out, with its legal reference."""
    try:
        return RULES[key]
    except KeyError:
        raise KeyError(f"no statutory rule called {key!r}; known rules: {sorted(RULES)}") from None


# --- calendar arithmetic ---


def add_weeks(d: date, n: int) -> date:
    """``d`` + 7*n days: "within N weeks of X" falls on the same weekday N weeks later."""
    return d + timedelta(weeks=n)


def add_months(d: date, n: int) -> date:
    """Same day-of-month n months later, clamped to the last day of a shorter month."""
    month_index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    # One ``holidays`` object per year, ever: add_working_days runs in loops over every case.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(d: date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday (substitute days included)."""
    return d.weekday() < 5 and d not in _bank_holidays(d.year)


def _next_working_day_on_or_after(d: date) -> date:
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (day 0).

    A non-working ``start`` is treated as received on the next working day, which is then day 0:
    ``add_working_days(sat, 0)`` and ``add_working_days(sun, 0)`` are the Monday (or Tuesday after
    a bank holiday Monday), and Sat + 1 is the Tuesday.
    """
    _require_date("start", start)
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}")
    d = _next_working_day_on_or_after(start)
    one_day = timedelta(days=1)
    for _ in range(days):
        d += one_day
        while not is_working_day(d):
            d += one_day
    return d


# --- tribunal appeal ---


def _is_uncounted_for_send_appeal(d: date) -> bool:
    # HESC r.12(3): in a special educational needs case 25 Dec to 1 Jan inclusive and every day
    # of August are not counted when calculating the time for doing an act. (The domain summary
    # table labels this r.12(2) and the next-working-day rule r.12(3); the rules number them
    # the other way round, as cited here.)
    return d.month == 8 or (d.month == 12 and d.day >= 25) or (d.month == 1 and d.day == 1)


@lru_cache(maxsize=65_536)
def _appeal_period_end(trigger: date, months: int) -> date:
    """End of "``months`` months after ``trigger``", extended over uncounted days (r.12(3)).

    Every uncounted day inside the period (trigger, nominal end] extends it by a day; the
    extension is itself checked and extended again while it reaches more uncounted days, so the
    result is the day on which as many counted days have passed as the period had calendar
    days. The trigger day is not part of the period ("2 months after"). Cached: a period depends
    only on its trigger, and batch jobs recompute the same triggers for many cases.
    """
    one_day = timedelta(days=1)
    window_start, end = trigger, add_months(trigger, months)
    while True:
        uncounted = 0
        d = window_start + one_day
        while d <= end:
            uncounted += _is_uncounted_for_send_appeal(d)
            d += one_day
        if uncounted == 0:
            return end
        window_start, end = end, end + timedelta(days=uncounted)


def _appeal_deadline(decision_notice: date | None, mediation_certificate: date | None) -> date:
    candidates: list[date] = []
    if decision_notice is not None:
        # HESC r.20(1): 2 months after the written notice of the decision was sent.
        candidates.append(_appeal_period_end(decision_notice, APPEAL_MONTHS))
    if mediation_certificate is not None:
        # HESC r.20(1)(c): or 1 month after the mediation certificate, whichever is later.
        # With only a certificate on record we count from it alone rather than guess the notice.
        candidates.append(
            _appeal_period_end(mediation_certificate, APPEAL_AFTER_CERTIFICATE_MONTHS)
        )
    # Each period is extended from its own trigger, then the later is taken; when the certificate
    # follows the notice (as it does in practice) that equals extending the later nominal end.
    last_day = max(candidates)
    # HESC r.12(2): a time that ends on a day other than a working day runs to the next working
    # day. Applied literally: the next working day may itself be, e.g., 29 Dec (a day r.12(3)
    # does not count), which errs towards an earlier, safe date for the family.
    return _next_working_day_on_or_after(last_day)


# --- the case timeline ---


def _require_date(name: str, value: object) -> None:
    # datetime is a subclass of date; deadlines are calendar dates, so refuse it explicitly.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")


def timeline(received: date, **milestones: date | None) -> dict[str, date]:
    """Every statutory deadline determined by the request date and the milestones given.

    ``received`` is the date the LA received the request (s.36; CoP 9.8-9.9), not the date it
    was keyed. Milestones passed as ``None`` are treated as not yet happened. The keys of the
    result are explained by ``RULES`` / ``explain``.
    """
    unknown = sorted(set(milestones) - MILESTONES)
    if unknown:
        raise TypeError(
            f"timeline() got unknown milestone(s) {', '.join(unknown)}; "
            f"expected any of {', '.join(sorted(MILESTONES))}"
        )
    _require_date("received", received)
    facts = {name: value for name, value in milestones.items() if value is not None}
    for name, value in facts.items():
        _require_date(name, value)

    deadlines: dict[str, date] = {
        # reg 4(1), 5(1): decision whether to assess within 6 weeks of the request.
        "decision_to_assess": add_weeks(received, DECISION_TO_ASSESS_WEEKS),
        # reg 10(1): decision not to issue a plan within 16 weeks of the request.
        "decision_not_to_issue": add_weeks(received, DECISION_NOT_TO_ISSUE_WEEKS),
        # reg 13(2): final plan within 20 weeks of the request.
        "final_plan": add_weeks(received, FINAL_PLAN_WEEKS),
    }

    if "advice_requested" in facts:
        # reg 8(1): advice within 6 weeks of the request for it.
        deadlines["advice"] = add_weeks(facts["advice_requested"], ADVICE_WEEKS)

    if "draft_issued" in facts:
        # reg 13(1): at least 15 days beginning with the day of service, so day 15 = served + 14.
        deadlines["draft_comments"] = draft_comments_last_day(facts["draft_issued"])

    if "consultation_sent" in facts:
        # CoP 9.83 (guidance): the school or setting should respond within 15 days.
        deadlines["consultation_response"] = facts["consultation_sent"] + timedelta(
            days=CONSULTATION_RESPONSE_DAYS
        )

    review_from = facts.get("last_review_decision", facts.get("final_issued"))
    if review_from is not None:
        # s.44(1): review within 12 months of the plan being made, then of each review decision.
        deadlines["annual_review"] = add_months(review_from, ANNUAL_REVIEW_MONTHS)

    if "review_meeting" in facts:
        # reg 20(7) (reg 21 outside school): report of the meeting within 2 weeks of it.
        deadlines["review_report"] = add_weeks(facts["review_meeting"], REVIEW_REPORT_WEEKS)
        # reg 20(10): LA decision to maintain, amend or cease within 4 weeks of the meeting.
        deadlines["review_decision"] = add_weeks(facts["review_meeting"], REVIEW_DECISION_WEEKS)

    if "amendments_sent" in facts:
        # reg 22(2): at least 15 days beginning with the day sent, so day 15 = sent + 14.
        deadlines["amendment_comments"] = amendment_comments_last_day(facts["amendments_sent"])
        # reg 22(3): amended plan within 8 weeks of sending the proposed amendments.
        deadlines["amended_plan"] = add_weeks(facts["amendments_sent"], AMENDED_PLAN_WEEKS)

    if "decision_notice" in facts or "mediation_certificate" in facts:
        deadlines["appeal"] = _appeal_deadline(
            facts.get("decision_notice"), facts.get("mediation_certificate")
        )

    return deadlines


def school_year_on(date_of_birth: date, on: date) -> int:
    """The English school year a child is in on a date: Year 1 is the year in which the child
    is 5 on 31 August at its start (Education Act 1996 s.8), so Reception is 0 and Nursery -1."""
    start_year = on.year if on.month >= 9 else on.year - 1
    aug31 = date(start_year, 8, 31)
    age = (
        aug31.year
        - date_of_birth.year
        - ((aug31.month, aug31.day) < (date_of_birth.month, date_of_birth.day))
    )
    return age - 4


def school_year(dob: date, today: date) -> str:
    """The school year as a year group is written (school_year_on is the rule)."""
    year = school_year_on(dob, today)
    if year < -1:
        return "Early years"
    if year == -1:
        return "Nursery"
    if year == 0:
        return "Reception"
    if year <= 13:
        return f"Year {year}"
    return "Post-18"


def age_on(dob: date, today: date) -> int:
    """Age in whole years on a date."""
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def phase_transfer_deadline(transfer_year: int, post16: bool) -> date:
    """Date by which the plan must be reviewed and amended before a transfer between phases."""
    if post16:
        # reg 18(2): secondary school to post-16 institution, by 31 March of the transfer year.
        return date(transfer_year, *PHASE_TRANSFER_POST16_BY)
    # reg 18(1): any other phase transfer, by 15 February of the transfer year.
    return date(transfer_year, *PHASE_TRANSFER_BY)


def next_phase_transfer(date_of_birth: date, today: date) -> tuple[int, bool] | None:
    """The child's next reg 18 transfer still to happen: (calendar year, into post-16?).

    A transfer happens at the start of the school year (September) in which the child enters
    Reception, Year 7 or Year 12 (PHASE_TRANSFERS); the next one is the first whose September
    has not come yet, so a deadline of 15 February or 31 March that has passed still belongs
    to the transfer in the coming September. None once the child is past the move into
    post-16."""
    _require_date("date_of_birth", date_of_birth)
    _require_date("today", today)
    # The calendar year in which the child starts Reception (school year 0).
    reception = date_of_birth.year + 4
    reception -= school_year_on(date_of_birth, date(reception, 9, 1))
    for year_group, post16 in sorted(PHASE_TRANSFERS.items()):
        starts = reception + year_group
        if today < date(starts, 9, 1):
            return starts, post16
    return None


def transition_point(year_group: str) -> str | None:
    """The reg 18 move ahead of a child in ``year_group`` (as written, "Year 6"), or None."""
    return TRANSITION_YEAR_GROUPS.get(year_group)


def draft_comments_last_day(served: date) -> date:
    """reg 13(1): at least 15 days beginning with the day the draft was served (day 1)."""
    return served + timedelta(days=DRAFT_COMMENT_DAYS - 1)


def amendment_comments_last_day(sent: date) -> date:
    """reg 22(2): at least 15 days beginning with the day the proposed amendments were sent."""
    return sent + timedelta(days=AMENDMENT_COMMENT_DAYS - 1)


def review_notice_by(meeting_on: date) -> date:
    """reg 20(3),(4): invitations and advice go out at least 2 weeks before the meeting."""
    return meeting_on - timedelta(weeks=REVIEW_NOTICE_WEEKS)


def review_report_due(meeting_on: date) -> date:
    """reg 20(7): the report of the review meeting within 2 weeks of the meeting."""
    return add_weeks(meeting_on, REVIEW_REPORT_WEEKS)


def review_decision_due(meeting_on: date) -> date:
    """reg 20(10): the council decides (maintain, amend, cease) within 4 weeks of the meeting."""
    return add_weeks(meeting_on, REVIEW_DECISION_WEEKS)


def review_invitations_latest(complete_by: date) -> date:
    """The last day the review's invitations can go out for the council to decide by
    `complete_by` (s.44(1), or reg 18 in a phase transfer year): the decision comes at most 4
    weeks after the meeting (reg 20(10)) and the invitations at least 2 weeks before it (reg
    20(3)). A review with no invitations sent by then has not been started in time."""
    return complete_by - timedelta(weeks=REVIEW_DECISION_WEEKS + REVIEW_NOTICE_WEEKS)


def review_due_notice_on(complete_by: date) -> date:
    """When the school and caseworker are told a review is due (REVIEW_DUE_NOTICE_WEEKS before
    the last day for invitations)."""
    return review_invitations_latest(complete_by) - timedelta(weeks=REVIEW_DUE_NOTICE_WEEKS)


def reassessment_final_plan(notified: date) -> date:
    """Re-assessment of a child with a plan: the final (amended) plan within 14 weeks of the
    LA notifying the family that it will re-assess (reg 27(2); exceptions reg 27(3))."""
    _require_date("notified", notified)
    return add_weeks(notified, REASSESSMENT_WEEKS)


def transfer_deadlines(
    *, old_la_knew: date, transferred: date | None = None, plan_or_last_review: date | None = None
) -> dict[str, date]:
    """A family with a plan moves to another council (reg 15).

    - ``transfer``: the old LA transfers the plan on the day of the move, or if it learns of the
      move less than 15 working days before, within 15 working days of learning of it (reg 15).
    - ``tell_family``: the new LA tells the family within 6 weeks of the transfer whether it
      will re-assess or review (reg 15).
    - ``review``: the new LA reviews by the later of 12 months from the plan (or its last
      review) and 3 months from the transfer (reg 15).
    An assessment not yet finished does not transfer; the new LA starts again.
    """
    _require_date("old_la_knew", old_la_knew)
    result = {"transfer": add_working_days(old_la_knew, TRANSFER_WORKING_DAYS)}
    if transferred is not None:
        result.update(
            transfer_in_deadlines(transferred=transferred, plan_or_last_review=plan_or_last_review)
        )
    return result


def transfer_in_deadlines(
    *, transferred: date, plan_or_last_review: date | None = None
) -> dict[str, date]:
    """The new council's deadlines for a plan transferred to it (reg 15): ``tell_family``
    within 6 weeks of the transfer, and ``review`` by the later of 12 months from the plan (or
    its last review) and 3 months from the transfer."""
    _require_date("transferred", transferred)
    result = {"tell_family": add_weeks(transferred, TRANSFER_TELL_FAMILY_WEEKS)}
    if plan_or_last_review is not None:
        _require_date("plan_or_last_review", plan_or_last_review)
        result["review"] = max(
            add_months(plan_or_last_review, ANNUAL_REVIEW_MONTHS),
            add_months(transferred, TRANSFER_REVIEW_MONTHS),
        )
    return result


def mediation_deadlines(
    *,
    decision_notice: date,
    adviser_told_no_mediation: date | None = None,
    mediation_wanted: date | None = None,
    mediation_ended: date | None = None,
) -> dict[str, date]:
    """Mediation before an appeal (SEND Regulations 2014, regs 33-39; CoP 11.28-11.35).

    - ``contact_adviser``: the family must contact the mediation adviser within 2 months of the
      decision notice to keep the right of appeal (s.55; regs 33-39).
    - ``certificate_no_mediation``: when the family says they do not want mediation, the
      adviser issues a certificate within 3 working days (regs 33-39).
    - ``mediation_arranged``: when the family wants mediation, the LA arranges it within 30
      days of being told (regs 33-39).
    - ``certificate_after_mediation``: the mediator issues a certificate within 3 working days
      of the mediation ending (regs 33-39).
    A placement-only (section I) appeal needs no certificate.
    """
    _require_date("decision_notice", decision_notice)
    result = {"contact_adviser": add_months(decision_notice, MEDIATION_CONTACT_MONTHS)}
    if adviser_told_no_mediation is not None:
        result["certificate_no_mediation"] = add_working_days(
            adviser_told_no_mediation, MEDIATION_CERTIFICATE_WORKING_DAYS
        )
    if mediation_wanted is not None:
        result["mediation_arranged"] = mediation_wanted + timedelta(days=MEDIATION_ARRANGED_DAYS)
    if mediation_ended is not None:
        result["certificate_after_mediation"] = add_working_days(
            mediation_ended, MEDIATION_CERTIFICATE_WORKING_DAYS
        )
    return result


# reg 44(2): the weeks the council has to comply with each kind of tribunal order, per step.
TRIBUNAL_ORDERS: Mapping[str, Mapping[str, int]] = MappingProxyType(
    {
        # reg 44(2): an order to cease the plan is complied with at once (0 weeks).
        "cease": MappingProxyType({"cease": 0}),
        # reg 44(2): assess: decision notified 2 weeks; no-plan decision 10 weeks;
        # final plan 14 weeks.
        "assess": MappingProxyType({"decision": 2, "no_plan_decision": 10, "final_plan": 14}),
        # reg 44(2): make and maintain a plan: draft 5 weeks, final 11 weeks.
        "make_plan": MappingProxyType({"draft_plan": 5, "final_plan": 11}),
        # reg 44(2): amend the plan's content (sections B-F etc.): 5 weeks.
        "amend": MappingProxyType({"amended_plan": 5}),
        # reg 44(2): change only the school or type of school named: 2 weeks.
        "school_only": MappingProxyType({"amended_plan": 2}),
    }
)


def tribunal_order_deadlines(order_kind: str, order_date: date) -> dict[str, date]:
    """Complying with a First-tier Tribunal (SEND) order (reg 44(2); exceptions reg 44(3)).

    ``order_date`` is the date the order was sent to the LA; each period runs from it.
    """
    _require_date("order_date", order_date)
    try:
        periods = TRIBUNAL_ORDERS[order_kind]
    except KeyError:
        raise ValueError(
            f"Unknown tribunal order {order_kind!r}; expected one of {', '.join(TRIBUNAL_ORDERS)}"
        ) from None
    return {name: add_weeks(order_date, weeks) for name, weeks in periods.items()}


def exception_period_long_enough(starts_on: date, ends_on: date) -> bool:
    """Whether a closure or absence, counting both its first and last day, lasted the 4 weeks
    reg 10(4)(a),(b),(d) requires."""
    return (ends_on - starts_on).days + 1 >= EXCEPTION_PERIOD_MIN_WEEKS * 7
