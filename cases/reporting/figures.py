"""Every figure on the dashboard, computed for one scope (the council or an area) and period.

`figures_compute` returns plain JSON (counts, labels, ISO dates): what the nightly snapshot
stores and the page, its charts and its downloads read. It runs a fixed number of aggregate
queries whatever the number of cases; nothing in it names a child or a case.

`cases_behind` gives the cases behind one figure from the same definitions, for staff.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from cases.assignment.selectors import capacity_of, default_target_once
from cases.casework.models import Dispute
from cases.casework.services import DISPUTABLE_EVENT_KINDS
from cases.deadlines import LABELS
from cases.members.models import OPEN_ENQUIRY_STATUSES, MemberEnquiry
from cases.members.selectors import enquiry_answered_on_time
from cases.members.sla import sla_working_days
from cases.models import Case, Route, Stage
from cases.quality.figures import quality_figures
from cases.reporting.measures import ADVICE_MEASURES, MEASURES, PARTS, TIMELINESS_KEYS
from cases.reporting.periods import Period, weeks_of
from cases.schools.selectors import school_alert_cases, school_alert_figures
from ehcp_portal.accounts.models import Role, User

# The dashboard's own windows (not statutory periods): how far ahead the breach forecast looks,
# and the bands of how long open cases have been past their date.
FORECAST_WEEKS = 4
ONE_WEEK = timedelta(days=7)
AGEING_BANDS_WEEKS: tuple[tuple[int, int | None], ...] = ((0, 4), (4, 12), (12, None))

# Requests in the period, and their route: how the request reached the council. (The SEN2
# request source the DfE asks for is derived from it.)
ROUTES = dict(Route.choices)


def _scoped(qs: QuerySet[Any], area_id: int | None, path: str = "area_id") -> QuerySet[Any]:
    return qs if area_id is None else qs.filter(**{path: area_id})


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _rate_row(key: str, area_id: int | None, period: Period, today: date) -> dict[str, Any]:
    measure = MEASURES[key]
    rate = measure.rate(period, area_id, today)
    return {
        "key": key,
        "label": measure.label,
        "rule": measure.rule,
        "exceptions_apply": measure.exception_key is not None,
        "total": rate.total,
        "on_time": rate.on_time,
        "total_excl": rate.total_excl,
        "on_time_excl": rate.on_time_excl,
    }


def _requests(area_id: int | None, period: Period) -> dict[str, Any]:
    received = _scoped(Case.objects.filter(_in("received_on", period)), area_id)
    by_week: dict[str, dict[str, int]] = defaultdict(dict)
    by_route: dict[str, int] = defaultdict(int)
    for row in (
        received.values("route")
        .annotate(week=TruncWeek("received_on"), n=Count("pk"))
        .values("week", "route", "n")
        .order_by()
    ):
        week = row["week"]
        week_key = (week.date() if hasattr(week, "date") else week).isoformat()
        by_week[week_key][row["route"]] = by_week[week_key].get(row["route"], 0) + row["n"]
        by_route[row["route"]] += row["n"]
    previous = period.previous()
    previous_total = _scoped(Case.objects.filter(_in("received_on", previous)), area_id).count()
    weeks: list[dict[str, Any]] = []
    for monday in weeks_of(period):
        routes = by_week.get(monday.isoformat(), {})
        weeks.append(
            {"week": monday.isoformat(), "by_route": routes, "total": sum(routes.values())}
        )
    return {
        "weeks": weeks,
        "by_route": dict(by_route),
        "total": sum(by_route.values()),
        "previous_total": previous_total,
        "previous_label": previous.label,
        "previous_key": previous.key,
    }


def _conversion(area_id: int | None, period: Period) -> dict[str, int]:
    received = _scoped(Case.objects.filter(_in("received_on", period)), area_id)
    decided = Q(assessment_decision_on__isnull=False)
    return received.aggregate(
        received=Count("pk"),
        decided=Count("pk", filter=decided),
        assessed=Count("pk", filter=decided & ~Q(stage=Stage.NOT_ASSESSING)),
        not_assessed=Count("pk", filter=Q(stage=Stage.NOT_ASSESSING)),
        plans=Count("pk", filter=Q(final_issued_on__isnull=False)),
    )


def _past(today: date) -> Q:
    # reg 10(4): a passed date with a recorded exception is not a breach.
    return Q(next_deadline_on__lt=today, next_deadline_excepted=False)


def _band(today: date, low: int, high: int | None) -> Q:
    """Open cases past their date by more than `low` and at most `high` weeks."""
    q = _past(today)
    if low:
        q &= Q(next_deadline_on__lt=today - timedelta(weeks=low))
    if high is not None:
        q &= Q(next_deadline_on__gte=today - timedelta(weeks=high))
    return q


def band_label(low: int, high: int | None) -> str:
    if low == 0 and high is not None:
        return f"Up to {high} weeks past"
    if high is None:
        return f"More than {low} weeks past"
    return f"{low} to {high} weeks past"


def _backlog(area_id: int | None, today: date) -> list[dict[str, Any]]:
    annotations: dict[str, Any] = {"open": Count("pk"), "past": Count("pk", filter=_past(today))}
    for i, (low, high) in enumerate(AGEING_BANDS_WEEKS):
        annotations[f"band{i}"] = Count("pk", filter=_band(today, low, high))
    counts = {
        row["stage"]: row
        for row in _scoped(Case.objects.filter(is_open=True), area_id)
        .values("stage")
        .annotate(**annotations)
        .order_by()
    }
    rows = []
    for stage, label in Stage.choices:
        row = counts.get(stage)
        if row is None:
            continue
        rows.append(
            {
                "stage": stage,
                "label": label,
                "open": row["open"],
                "past": row["past"],
                "bands": [row[f"band{i}"] for i in range(len(AGEING_BANDS_WEEKS))],
            }
        )
    return rows


# The caseworkers the dashboard shows by name: the most loaded, those a manager acts on (the
# download has every one).
CASEWORKERS_ON_PAGE = 50


def caseworkers_by_load(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The capacity figures' caseworkers, the most loaded (open cases over capacity) first."""
    return sorted(
        rows,
        key=lambda c: (-(c["open"] / c["capacity"]) if c["capacity"] else -1e9, c["name"]),
    )


def _capacity(area_id: int | None) -> dict[str, Any]:
    caseworkers = list(
        _scoped(User.objects.filter(role=Role.CASEWORKER, is_active=True), area_id, "team__area_id")
        .select_related("assignment_profile", "team", "team__area")
        .order_by("team__area__name", "team__name", "full_name", "pk")
    )
    open_by_caseworker = dict(
        Case.objects.filter(is_open=True, caseworker__in=[u.pk for u in caseworkers])
        .values("caseworker_id")
        .annotate(n=Count("pk"))
        .values_list("caseworker_id", "n")
        .order_by()
    )
    rows = []
    teams: dict[str, dict[str, Any]] = {}
    default_target = default_target_once()
    for user in caseworkers:
        capacity = capacity_of(user, default_target)
        open_cases = open_by_caseworker.get(user.pk, 0)
        team_name = str(user.team) if user.team else "No team"
        rows.append(
            {
                "name": user.get_full_name(),
                "team": team_name,
                "open": open_cases,
                "capacity": capacity,
            }
        )
        team = teams.setdefault(
            team_name,
            {
                "team": team_name,
                "area": str(user.team.area) if user.team else "",
                "caseworkers": 0,
                "open": 0,
                "capacity": 0,
            },
        )
        team["caseworkers"] += 1
        team["open"] += open_cases
        team["capacity"] += capacity
    return {"caseworkers": rows, "teams": list(teams.values())}


def _forecast(area_id: int | None, today: date) -> dict[str, Any]:
    """The next deadline of every open case falling due in the coming weeks without an
    exception: each is a breach unless the work is done by then (the cases' own clocks,
    denormalised by cases.deadlines)."""
    horizon = today + timedelta(weeks=FORECAST_WEEKS) - timedelta(days=1)
    by_key: dict[str, list[int]] = {}
    for row in (
        _scoped(
            Case.objects.filter(
                is_open=True,
                next_deadline_excepted=False,
                next_deadline_on__gte=today,
                next_deadline_on__lte=horizon,
            ),
            area_id,
        )
        .values("next_deadline_key", "next_deadline_on")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        week = (row["next_deadline_on"] - today).days // 7
        counts = by_key.setdefault(row["next_deadline_key"], [0] * FORECAST_WEEKS)
        counts[week] += row["n"]
    weeks = [(today + timedelta(weeks=i)).isoformat() for i in range(FORECAST_WEEKS)]
    ordered = sorted(by_key.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    rows = [
        {
            "key": key,
            "label": LABELS.get(key) or "Other deadline",
            "weeks": counts,
            "total": sum(counts),
        }
        for key, counts in ordered
    ]
    return {
        "weeks": weeks,
        "rows": rows,
        "totals": [sum(counts[i] for _, counts in ordered) for i in range(FORECAST_WEEKS)],
    }


OUTCOMES = dict(Dispute.Outcome.choices)


def _disputes(area_id: int | None, period: Period) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for row in (
        _scoped(Dispute.objects.filter(_in("decision_on", period)), area_id, "case__area_id")
        .values("decision_event__kind", "outcome")
        .annotate(
            n=Count("pk"),
            mediation=Count("pk", filter=Q(mediation_contacted_on__isnull=False)),
            appeals=Count("pk", filter=Q(appeal_registered_on__isnull=False)),
        )
        .order_by()
    ):
        cause = row["decision_event__kind"]
        line: dict[str, Any] = rows.setdefault(
            cause,
            {
                "cause": cause,
                "label": DISPUTABLE_EVENT_KINDS.get(cause, cause),
                "total": 0,
                "mediation": 0,
                "appeals": 0,
                "outcomes": dict.fromkeys(OUTCOMES, 0),
            },
        )
        line["total"] += row["n"]
        line["mediation"] += row["mediation"]
        line["appeals"] += row["appeals"]
        line["outcomes"][row["outcome"]] += row["n"]
    order = list(DISPUTABLE_EVENT_KINDS)
    return sorted(
        rows.values(), key=lambda r: order.index(r["cause"]) if r["cause"] in order else 99
    )


def _enquiries(area_id: int | None, period: Period, today: date) -> dict[str, Any]:
    qs = _scoped(MemberEnquiry.objects.filter(_in("received_on", period)), area_id)
    open_q = Q(status__in=OPEN_ENQUIRY_STATUSES)
    totals = qs.aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(replied_on__isnull=False)),
        on_time=Count("pk", filter=enquiry_answered_on_time()),
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=open_q & Q(target_reply_on__lt=today)),
    )
    return {**totals, "target_working_days": sla_working_days()}


def figures_compute(*, area_id: int | None, period: Period, today: date) -> dict[str, Any]:
    """Every figure of the dashboard, in a fixed number of aggregate queries."""
    return {
        "computed_at": timezone.now().isoformat(),
        "today": today.isoformat(),
        "period": period.key,
        "timeliness": [_rate_row(key, area_id, period, today) for key in TIMELINESS_KEYS],
        "advice": [_rate_row(key, area_id, period, today) for key in ADVICE_MEASURES],
        "requests": _requests(area_id, period),
        "conversion": _conversion(area_id, period),
        "backlog": _backlog(area_id, today),
        "capacity": _capacity(area_id),
        "forecast": _forecast(area_id, today),
        "disputes": _disputes(area_id, period),
        "enquiries": _enquiries(area_id, period, today),
        "schools": school_alert_figures(area_id, period.start, period.end),
        "quality": quality_figures(
            area_id=area_id, start=period.start, end=period.end, today=today
        ),
    }


# -- the cases behind a figure (staff only) ----------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """What a link to the cases behind a figure names: the figure, which part, and a value
    (a route, a stage, a week, a deadline, a cause)."""

    name: str
    part: str = "all"
    value: str = ""


@dataclass(frozen=True)
class _Scope:
    area_id: int | None
    period: Period
    today: date

    def cases(self) -> QuerySet[Case]:
        return _scoped(Case.objects.all(), self.area_id)


def _measure_cases(scope: _Scope, figure: Figure) -> QuerySet[Case] | None:
    if figure.part not in PARTS:
        return None
    # The measure applies the area itself (through the case).
    ids = MEASURES[figure.name].case_ids(scope.period, scope.area_id, scope.today, figure.part)
    return Case.objects.filter(pk__in=ids)


def _requests_cases(scope: _Scope, figure: Figure) -> QuerySet[Case] | None:
    value = figure.value
    if value == "previous":
        return scope.cases().filter(_in("received_on", scope.period.previous()))
    received = scope.cases().filter(_in("received_on", scope.period))
    if value in ROUTES:
        return received.filter(route=value)
    if value:
        week = period_from_week(value)
        if week is None:
            return None
        return received.filter(received_on__gte=week[0], received_on__lte=week[1])
    return received


def _conversion_cases(scope: _Scope, figure: Figure) -> QuerySet[Case] | None:
    decided = Q(assessment_decision_on__isnull=False)
    parts = {
        "all": Q(),
        "received": Q(),
        "decided": decided,
        "assessed": decided & ~Q(stage=Stage.NOT_ASSESSING),
        "not_assessed": Q(stage=Stage.NOT_ASSESSING),
        "plans": Q(final_issued_on__isnull=False),
    }
    if figure.part not in parts:
        return None
    return scope.cases().filter(_in("received_on", scope.period)).filter(parts[figure.part])


def _indexed(part: str, prefix: str, count: int) -> int | None:
    if part.startswith(prefix) and part[len(prefix) :].isdigit():
        index = int(part[len(prefix) :])
        return index if index < count else None
    return None


def _backlog_cases(scope: _Scope, figure: Figure) -> QuerySet[Case] | None:
    open_cases = scope.cases().filter(is_open=True)
    if figure.value:
        if figure.value not in Stage.values:
            return None
        open_cases = open_cases.filter(stage=figure.value)
    if figure.part == "all":
        return open_cases
    if figure.part == "past":
        return open_cases.filter(_past(scope.today))
    band = _indexed(figure.part, "band", len(AGEING_BANDS_WEEKS))
    if band is None:
        return None
    return open_cases.filter(_band(scope.today, *AGEING_BANDS_WEEKS[band]))


def _forecast_cases(scope: _Scope, figure: Figure) -> QuerySet[Case] | None:
    today = scope.today
    due = scope.cases().filter(
        is_open=True,
        next_deadline_excepted=False,
        next_deadline_on__gte=today,
        next_deadline_on__lte=today + timedelta(weeks=FORECAST_WEEKS) - timedelta(days=1),
    )
    if figure.value:
        due = due.filter(next_deadline_key=figure.value)
    if figure.part == "all":
        return due
    week = _indexed(figure.part, "week", FORECAST_WEEKS)
    if week is None:
        return None
    start = today + timedelta(weeks=week)
    return due.filter(next_deadline_on__gte=start, next_deadline_on__lt=start + ONE_WEEK)


def _disputes_cases(scope: _Scope, figure: Figure) -> QuerySet[Case] | None:
    disputes = _scoped(
        Dispute.objects.filter(_in("decision_on", scope.period)), scope.area_id, "case__area_id"
    )
    if figure.value:
        disputes = disputes.filter(decision_event__kind=figure.value)
    parts = {
        "all": Q(),
        "mediation": Q(mediation_contacted_on__isnull=False),
        "appeals": Q(appeal_registered_on__isnull=False),
        **{outcome: Q(outcome=outcome) for outcome in OUTCOMES},
    }
    if figure.part not in parts:
        return None
    return Case.objects.filter(pk__in=disputes.filter(parts[figure.part]).values("case_id"))


def _schools_cases(scope: _Scope, figure: Figure) -> QuerySet[Case] | None:
    return school_alert_cases(
        scope.area_id, figure.value, figure.part, scope.period.start, scope.period.end
    )


_CASES_BEHIND = {
    "schools": _schools_cases,
    "requests": _requests_cases,
    "conversion": _conversion_cases,
    "backlog": _backlog_cases,
    "forecast": _forecast_cases,
    "disputes": _disputes_cases,
}


def cases_behind(
    figure: Figure, *, area_id: int | None, period: Period, today: date
) -> QuerySet[Case] | None:
    """The cases behind one figure, from the same definitions as the figure; None for a figure
    that does not exist (the page is then a 404)."""
    scope = _Scope(area_id=area_id, period=period, today=today)
    if figure.name in MEASURES:
        return _measure_cases(scope, figure)
    found = _CASES_BEHIND.get(figure.name)
    return found(scope, figure) if found is not None else None


def period_from_week(value: str) -> tuple[date, date] | None:
    try:
        monday = date.fromisoformat(value)
    except ValueError:
        return None
    return monday, monday + timedelta(days=6)
