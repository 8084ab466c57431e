"""The timeliness measures: what is counted, when it is on time, and which exception removes it.

Each measure is defined once, as database filters, and both its figures and the list of cases
behind them are read from that one definition, so a number and the cases it links to cannot
disagree. Every period comes from `cases.statutory`.

DfE's method, used for every measure: a piece of work counts in the period in which it was
completed (the decision made, the plan issued, the advice received), and the figure
"excluding exceptions" removes the work that has a recorded reg 10(4) exception from both the
numerator and the denominator. Measures that no reg 10(4) exception applies to (reviews,
phase transfers, amendments) give the same figure both ways.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
)

from cases import statutory
from cases.advice.models import AdviceRequest, AdviceSource
from cases.models import Case, DeadlineException, Stage
from cases.plans.models import Review
from cases.reporting.periods import Period


@dataclass(frozen=True)
class Rate:
    """Work completed in a period, and how much of it on time, with and without exceptions."""

    total: int
    on_time: int
    total_excl: int
    on_time_excl: int

    @staticmethod
    def _percent(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def percent_including(self) -> float | None:
        return self._percent(self.on_time, self.total)

    @property
    def percent_excluding(self) -> float | None:
        return self._percent(self.on_time_excl, self.total_excl)

    @property
    def excepted(self) -> int:
        return self.total - self.total_excl

    @property
    def late(self) -> int:
        return self.total - self.on_time


# The parts of a measure a figure names: all the work, on time, late, with an exception, and
# the work the figures "excluding exceptions" count (all of it, and on time).
PARTS = ("all", "on_time", "late", "excepted", "counted", "counted_on_time")


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    rule: str
    model: type[Model]
    # The work completed in the period (and, for the phase transfers, already due by today).
    population: Callable[[Period, date], Q]
    on_time: Callable[[Period, date], Q]
    # The reg 10(4) exception that removes the work from the figure "excluding exceptions".
    exception_key: str | None
    # From a row of `model` to its case, and to the case's area.
    case_path: str = "pk"

    @property
    def area_path(self) -> str:
        return "area_id" if self.case_path == "pk" else self.case_path.replace("_id", "__area_id")

    def rows(self, period: Period, area_id: int | None, today: date) -> QuerySet[Any]:
        qs = self.model._default_manager.filter(self.population(period, today))
        if area_id is not None:
            qs = qs.filter(**{self.area_path: area_id})
        excepted: Any = Value(False)
        if self.exception_key:
            excepted = Exists(
                DeadlineException.objects.filter(
                    case_id=OuterRef(self.case_path), deadline_key=self.exception_key
                )
            )
        return qs.annotate(
            is_on_time=ExpressionWrapper(self.on_time(period, today), output_field=BooleanField()),
            is_excepted=excepted,
        )

    def rate(self, period: Period, area_id: int | None, today: date) -> Rate:
        """One aggregate query."""
        totals = (
            self.rows(period, area_id, today)
            .order_by()
            .aggregate(
                total=Count("pk"),
                on_time=Count("pk", filter=Q(is_on_time=True)),
                total_excl=Count("pk", filter=Q(is_excepted=False)),
                on_time_excl=Count("pk", filter=Q(is_on_time=True, is_excepted=False)),
            )
        )
        return Rate(**totals)

    def case_ids(self, period: Period, area_id: int | None, today: date, part: str) -> Any:
        """The ids of the cases behind one figure (a subquery, for the list of cases)."""
        rows = self.rows(period, area_id, today)
        if part == "on_time":
            rows = rows.filter(is_on_time=True)
        elif part == "late":
            rows = rows.filter(is_on_time=False)
        elif part == "excepted":
            rows = rows.filter(is_excepted=True)
        elif part == "counted":
            rows = rows.filter(is_excepted=False)
        elif part == "counted_on_time":
            rows = rows.filter(is_excepted=False, is_on_time=True)
        return rows.values(self.case_path)


def _completed(field: str, **also: Any) -> Callable[[Period, date], Q]:
    def population(period: Period, today: date) -> Q:
        return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end}, **also)

    return population


def _within_weeks_of_request(field: str, weeks: int) -> Callable[[Period, date], Q]:
    return lambda period, today: Q(**{f"{field}__lte": F("received_on") + timedelta(weeks=weeks)})


def _phase_transfer_years(period: Period, today: date, post16: bool) -> list[int]:
    """reg 18: the transfers whose 15 February (or 31 March) fell in the period and has passed:
    a date still to come is not yet met or missed."""
    return [
        year
        for year in range(period.start.year, period.end.year + 1)
        if period.start <= statutory.phase_transfer_deadline(year, post16) <= min(period.end, today)
    ]


MEASURES: dict[str, Measure] = {}


def _add(measure: Measure) -> None:
    MEASURES[measure.key] = measure


_add(
    Measure(
        key="decision_to_assess",
        label=f"Decisions whether to assess within {statutory.DECISION_TO_ASSESS_WEEKS} weeks",
        rule=statutory.explain("decision_to_assess"),
        model=Case,
        population=_completed("assessment_decision_on"),
        on_time=_within_weeks_of_request(
            "assessment_decision_on", statutory.DECISION_TO_ASSESS_WEEKS
        ),
        exception_key="decision_to_assess",
    )
)
_add(
    Measure(
        key="decision_not_to_issue",
        label=(
            f"Decisions not to issue a plan within {statutory.DECISION_NOT_TO_ISSUE_WEEKS} weeks"
        ),
        rule=statutory.explain("decision_not_to_issue"),
        model=Case,
        population=_completed("issue_decision_on", stage=Stage.NOT_ISSUING),
        on_time=_within_weeks_of_request(
            "issue_decision_on", statutory.DECISION_NOT_TO_ISSUE_WEEKS
        ),
        exception_key="decision_not_to_issue",
    )
)
_add(
    Measure(
        key="final_plan",
        label=f"Final plans issued within {statutory.FINAL_PLAN_WEEKS} weeks",
        rule=statutory.explain("final_plan"),
        model=Case,
        population=_completed("final_issued_on"),
        on_time=_within_weeks_of_request("final_issued_on", statutory.FINAL_PLAN_WEEKS),
        exception_key="final_plan",
    )
)
_add(
    Measure(
        key="annual_review",
        label="Annual reviews decided on time",
        rule=statutory.explain("annual_review"),
        model=Review,
        population=_completed("decision_on"),
        # The review's due date is the statutory clock's (cases.plans.reviews stores it).
        on_time=lambda period, today: Q(decision_on__lte=F("due_on")),
        exception_key=None,
        case_path="plan__case_id",
    )
)
_add(
    Measure(
        key="amended_plan",
        label=(
            f"Amended plans issued within {statutory.AMENDED_PLAN_AFTER_REVIEW_WEEKS} weeks "
            "of the review meeting"
        ),
        rule=(
            f"{statutory.REVIEW_DECISION_WEEKS} weeks from the review meeting to decide "
            f"(reg 20(10)) and {statutory.AMENDED_PLAN_WEEKS} weeks from the proposed "
            "amendments to the amended plan (reg 22(3))"
        ),
        model=Review,
        population=_completed("amended_issued_on", meeting_on__isnull=False),
        on_time=lambda period, today: Q(
            amended_issued_on__lte=F("meeting_on")
            + timedelta(weeks=statutory.AMENDED_PLAN_AFTER_REVIEW_WEEKS)
        ),
        exception_key=None,
        case_path="plan__case_id",
    )
)


def _transfer_measure(post16: bool) -> Measure:
    month, day = statutory.PHASE_TRANSFER_POST16_BY if post16 else statutory.PHASE_TRANSFER_BY
    by = date(2000, month, day).strftime("%-d %B")
    key = "phase_transfer_post16" if post16 else "phase_transfer"

    def population(period: Period, today: date) -> Q:
        years = _phase_transfer_years(period, today, post16)
        return Q(phase_transfer_year__in=years, phase_transfer_post16=post16)

    def on_time(period: Period, today: date) -> Q:
        # reg 18: the plan amended in the school year before the move (from 1 September of the
        # year before), on or before the date: the same rule as cases.deadlines, one term per
        # transfer year in the period.
        q = Q(pk__in=[])
        for year in _phase_transfer_years(period, today, post16):
            q |= Q(
                phase_transfer_year=year,
                phase_transfer_amended_on__gte=date(year - 1, 9, 1),
                phase_transfer_amended_on__lte=statutory.phase_transfer_deadline(year, post16),
            )
        return q

    return Measure(
        key=key,
        label=(
            f"Plans amended by {by} before a move to post-16"
            if post16
            else f"Plans amended by {by} before a move between schools"
        ),
        rule=statutory.explain(key),
        model=Case,
        population=population,
        on_time=on_time,
        exception_key=None,
    )


_add(_transfer_measure(post16=False))
_add(_transfer_measure(post16=True))


# -- advice within 6 weeks, by agency (reg 8(1); exceptions reg 8(2)) ---------------------------

AGENCIES: dict[str, str] = {
    AdviceSource.SETTING: "Education (school or setting)",
    AdviceSource.HEALTH: "Health",
    AdviceSource.SOCIAL_CARE: "Social care",
    AdviceSource.EDUCATIONAL_PSYCHOLOGIST: "Educational psychology",
}


def _advice_measure(source: str, label: str) -> Measure:
    return Measure(
        key=f"advice_{source}",
        label=f"{label}: advice within {statutory.ADVICE_WEEKS} weeks",
        rule=statutory.explain("advice"),
        model=AdviceRequest,
        # Advice given (not declined), counted when it came in.
        population=_completed("responded_on", source=source, state=AdviceRequest.State.RECEIVED),
        on_time=lambda period, today: Q(
            responded_on__lte=F("requested_on") + timedelta(weeks=statutory.ADVICE_WEEKS)
        ),
        exception_key="advice",
        case_path="case_id",
    )


ADVICE_MEASURES: dict[str, Measure] = {
    f"advice_{source}": _advice_measure(source, label) for source, label in AGENCIES.items()
}
MEASURES.update(ADVICE_MEASURES)
TIMELINESS_KEYS = [key for key in MEASURES if key not in ADVICE_MEASURES]
