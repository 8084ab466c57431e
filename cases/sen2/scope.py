"""Which cases the SEN2 return covers for a reference date, by category (sen2.md §1; the DfE
2023 specification, section 1.3). The one definition of the return's scope: the export, the
validation report and the dashboard's reconciliation all read it.

Each category is a `Q` on `cases.Case` over the case's own milestone dates as they stood at the
reference date, so a return for a past date gives the same answer later. The categories are
mutually exclusive (tests/sen2/test_scope.py), so their counts add up to the cases in scope.

    from cases.sen2.scope import sen2_counts, sen2_scope, sen2_period
    sen2_counts(date(2027, 1, 21))       # {"active": 812, "ceased": 95, ...} in one query
    sen2_scope(date(2027, 1, 21))["active"]   # a Case queryset
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case as When_
from django.db.models import CharField, Count, Q, QuerySet, Value, When

from cases.models import Case, Route, Stage

ACTIVE = "active"
CEASED = "ceased"
NOT_ISSUING = "not_issuing"
NOT_ASSESSING = "not_assessing"
WITHDRAWN = "withdrawn"
ISSUING = "issuing"
ASSESSING = "assessing"
REQUEST = "request"

# In the order the report shows them, with the words it uses.
CATEGORIES: dict[str, str] = {
    ACTIVE: "Active plans at the reference date",
    CEASED: "Plans ceased in the calendar year",
    NOT_ISSUING: "Decisions not to issue a plan in the calendar year",
    NOT_ASSESSING: "Decisions not to assess in the calendar year",
    WITHDRAWN: "Requests withdrawn in the calendar year",
    ISSUING: "Ongoing: decided to issue, plan not final yet",
    ASSESSING: "Ongoing: assessment under way",
    REQUEST: "Ongoing: deciding whether to assess",
}


@dataclass(frozen=True)
class Period:
    """The reference (census) date and the calendar year of activity before it."""

    reference_date: date
    start: date
    end: date

    @property
    def year(self) -> int:
        return self.reference_date.year


def sen2_period(reference_date: date) -> Period:
    # The activity period is the calendar year before the collection year (sen2.md §1).
    year = reference_date.year - 1
    return Period(reference_date, date(year, 1, 1), date(year, 12, 31))


def plan_started(on: date) -> Q:
    """A plan in force by `on`: a final plan issued, or a plan transferred in (reg 15)."""
    return Q(final_issued_on__lte=on) | Q(route=Route.TRANSFER_IN, transferred_in_on__lte=on)


def _open_at(on: date) -> Q:
    return Q(closed_on__isnull=True) | Q(closed_on__gt=on)


def sen2_category_filters(reference_date: date) -> dict[str, Q]:
    """Each category's filter on Case for this reference date (see the module's docstring)."""
    p = sen2_period(reference_date)
    r = p.reference_date
    in_year = {"closed_on__gte": p.start, "closed_on__lte": p.end}
    plan = plan_started(r)
    no_plan = ~plan
    received = Q(received_on__lte=r)
    return {
        ACTIVE: plan & _open_at(r),
        CEASED: plan & Q(stage__in=[Stage.CEASED, Stage.TRANSFERRED_OUT], **in_year),
        NOT_ISSUING: no_plan
        & Q(stage=Stage.NOT_ISSUING, issue_decision_on__gte=p.start, issue_decision_on__lte=p.end),
        NOT_ASSESSING: no_plan
        & Q(
            stage=Stage.NOT_ASSESSING,
            assessment_decision_on__gte=p.start,
            assessment_decision_on__lte=p.end,
        ),
        WITHDRAWN: no_plan
        & received
        & Q(stage__in=[Stage.WITHDRAWN, Stage.TRANSFERRED_OUT], **in_year),
        ISSUING: no_plan & _open_at(r) & Q(issue_decision_on__lte=r) & ~Q(stage=Stage.NOT_ISSUING),
        ASSESSING: no_plan
        & _open_at(r)
        & Q(assessment_decision_on__lte=r)
        & ~Q(stage=Stage.NOT_ASSESSING)
        & (Q(issue_decision_on__isnull=True) | Q(issue_decision_on__gt=r)),
        REQUEST: no_plan
        & _open_at(r)
        & received
        & (Q(assessment_decision_on__isnull=True) | Q(assessment_decision_on__gt=r)),
    }


def sen2_scope(reference_date: date) -> dict[str, QuerySet[Case]]:
    """Each category's cases, as a queryset."""
    return {
        name: Case.objects.filter(q) for name, q in sen2_category_filters(reference_date).items()
    }


def sen2_counts(reference_date: date) -> dict[str, int]:
    """How many cases of each category, in one query (and "total")."""
    filters = sen2_category_filters(reference_date)
    counts = Case.objects.aggregate(**{name: Count("pk", filter=q) for name, q in filters.items()})
    result = {name: counts[name] for name in filters}
    result["total"] = sum(result.values())
    return result


def sen2_cases(reference_date: date) -> QuerySet[Case]:
    """Every case in scope, each annotated with its `sen2_category`."""
    filters = sen2_category_filters(reference_date)
    any_category = Q()
    for q in filters.values():
        any_category |= q
    return Case.objects.filter(any_category).annotate(
        sen2_category=When_(
            *[When(q, then=Value(name)) for name, q in filters.items()],
            output_field=CharField(),
        )
    )
