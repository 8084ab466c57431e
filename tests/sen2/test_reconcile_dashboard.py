"""The SEN2 return and the performance dashboard count the same work the same way (issue 15):
for the return's calendar year, every figure the two share agrees, on a caseload built by hand
with one case per category of the return."""

from __future__ import annotations

from datetime import date

from cases.models import Case
from cases.reporting.figures import figures_compute
from cases.reporting.periods import period_containing
from cases.sen2.scope import (
    ACTIVE,
    CEASED,
    NOT_ASSESSING,
    NOT_ISSUING,
    WITHDRAWN,
    sen2_cases,
    sen2_counts,
    sen2_period,
)
from tests.sen2.caseload import R, build_caseload


def _dashboard_for_sen2_year(reference_date: date) -> dict:
    year = sen2_period(reference_date)
    period = period_containing("calendar", year.start)
    assert (period.start, period.end) == (year.start, year.end)
    return figures_compute(area_id=None, period=period, today=reference_date)


def _timeliness(figures: dict, key: str) -> dict:
    return next(row for row in figures["timeliness"] if row["key"] == key)


def test_the_return_and_the_dashboard_agree_for_the_calendar_year(db):
    build_caseload()
    figures = _dashboard_for_sen2_year(R)
    counts = sen2_counts(R)
    year = sen2_period(R)
    in_scope = sen2_cases(R)

    # Decisions not to issue a plan made in the year: the return's category and the dashboard's
    # 16-week measure count the same decisions.
    assert counts[NOT_ISSUING] == 1
    assert _timeliness(figures, "decision_not_to_issue")["total"] == counts[NOT_ISSUING]

    # Final plans issued in the year: the dashboard's 20-week measure, and the plans of the
    # return (active or ceased) first issued in the year.
    issued_in_year = in_scope.filter(
        sen2_category__in=[ACTIVE, CEASED],
        final_issued_on__gte=year.start,
        final_issued_on__lte=year.end,
    ).count()
    assert issued_in_year == 1
    assert _timeliness(figures, "final_plan")["total"] == issued_in_year
    # The one plan had a recorded exception: the DfE leaves it out of both sides of the rate.
    assert _timeliness(figures, "final_plan")["total_excl"] == issued_in_year - 1

    # Decisions whether to assess made in the year: every one is in the return, either as a
    # refusal (not assessing) or as the later work the "yes" led to.
    decided = Case.objects.filter(
        assessment_decision_on__gte=year.start, assessment_decision_on__lte=year.end
    )
    assert _timeliness(figures, "decision_to_assess")["total"] == decided.count() == 5
    assert set(decided.values_list("pk", flat=True)) <= set(in_scope.values_list("pk", flat=True))
    assert decided.filter(stage="not_assessing").count() == counts[NOT_ASSESSING] == 1

    # Requests received in the year: the dashboard's demand total, each one in the return (an
    # outcome in the year, or work still going on at the reference date).
    received = Case.objects.filter(received_on__gte=year.start, received_on__lte=year.end)
    assert figures["requests"]["total"] == received.count() == 6
    assert set(received.values_list("pk", flat=True)) <= set(in_scope.values_list("pk", flat=True))
    assert counts[WITHDRAWN] == 1
    assert figures["conversion"]["not_assessed"] == counts[NOT_ASSESSING]
    assert figures["conversion"]["plans"] == issued_in_year
