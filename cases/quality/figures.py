"""The quality figures of the dashboard (cases.reporting reads them into its nightly snapshot):
audit results by grade, criterion, team and month; survey results; complaints; contacts by type.
Plain JSON, a fixed number of aggregate queries, nothing that names a child, a case or a person.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Avg, CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.utils import timezone

from cases.quality.models import (
    AuditScore,
    Complaint,
    Contact,
    DecisionPoint,
    Grade,
    PlanAudit,
    SurveyResponse,
)

GRADES = [g.value for g in Grade]


def _scoped(qs: QuerySet[Any], area_id: int | None, path: str) -> QuerySet[Any]:
    return qs if area_id is None else qs.filter(**{path: area_id})


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end, time.max, tzinfo=tz),
    )


def _month_key(value: Any) -> str:
    if value is None:
        return ""
    return (value.date() if isinstance(value, datetime) else value).strftime("%Y-%m")


def _audits(area_id: int | None, start: date, end: date) -> dict[str, Any]:
    since, until = _day_bounds(start, end)
    in_period = Q(audited_at__gte=since, audited_at__lte=until) & ~Q(
        status=PlanAudit.Status.SAMPLED
    )
    sampled = Q(status=PlanAudit.Status.SAMPLED)
    final = Coalesce(NullIf(F("moderated_grade"), Value("")), F("grade"), output_field=CharField())
    scoped = _scoped(PlanAudit.objects.all(), area_id, "case__area_id")
    graded = scoped.filter(in_period)
    by_grade = dict.fromkeys(GRADES, 0)
    by_team: dict[str, dict[str, int]] = {}
    by_month: dict[str, dict[str, int]] = {}
    waiting = 0
    # One grouped query for the graded audits of the period and the sample still to audit.
    for row in (
        scoped.filter(in_period | sampled)
        .annotate(final=final, audit_month=TruncMonth("audited_at"))
        .values("final", "team__name", "audit_month")
        .annotate(n=Count("pk", filter=in_period), waiting=Count("pk", filter=sampled))
        .order_by()
    ):
        waiting += row["waiting"]
        grade = row["final"]
        if grade not in by_grade or not row["n"]:
            continue
        by_grade[grade] += row["n"]
        team = row["team__name"] or "No team"
        by_team.setdefault(team, dict.fromkeys(GRADES, 0))[grade] += row["n"]
        by_month.setdefault(_month_key(row["audit_month"]), dict.fromkeys(GRADES, 0))[grade] += row[
            "n"
        ]
    by_criterion: dict[str, dict[str, Any]] = {}
    for row in (
        AuditScore.objects.filter(audit__in=graded.values("pk"))
        .values("criterion__text", "criterion__order", "grade")
        .annotate(n=Count("pk"))
        .order_by("criterion__order", "criterion__text")
    ):
        line = by_criterion.setdefault(
            row["criterion__text"],
            {"criterion": row["criterion__text"], **dict.fromkeys(GRADES, 0)},
        )
        if row["grade"] in GRADES:
            line[row["grade"]] += row["n"]
    return {
        "total": sum(by_grade.values()),
        "by_grade": by_grade,
        "by_criterion": list(by_criterion.values()),
        "by_team": [{"team": k, **v} for k, v in sorted(by_team.items())],
        "by_month": [{"month": k, **v} for k, v in sorted(by_month.items())],
        "waiting": waiting,
    }


def _surveys(area_id: int | None, start: date, end: date) -> list[dict[str, Any]]:
    rows = []
    for row in (
        _scoped(
            SurveyResponse.objects.filter(month__gte=start.replace(day=1), month__lte=end),
            area_id,
            "area_id",
        )
        .values("decision_point")
        .annotate(
            n=Count("pk"),
            avg_satisfaction=Avg("satisfaction"),
            avg_listened_to=Avg("listened_to"),
            avg_clear=Avg("clear"),
            good=Count("pk", filter=Q(satisfaction__gte=4)),
            comments=Count("pk", filter=~Q(comment="")),
        )
        .order_by("decision_point")
    ):
        rows.append(
            {
                "decision_point": row["decision_point"],
                "label": DecisionPoint(row["decision_point"]).label,
                "answers": row["n"],
                "good": row["good"],
                "satisfaction": round(row["avg_satisfaction"], 1)
                if row["avg_satisfaction"]
                else None,
                "listened_to": round(row["avg_listened_to"], 1) if row["avg_listened_to"] else None,
                "clear": round(row["avg_clear"], 1) if row["avg_clear"] else None,
                "comments": row["comments"],
            }
        )
    return rows


def _complaints(area_id: int | None, start: date, end: date, today: date) -> dict[str, Any]:
    """One aggregate: received in the period by kind, closed in it by outcome, open now."""
    received = Q(received_on__gte=start, received_on__lte=end)
    closed = Q(closed_on__gte=start, closed_on__lte=end)
    still_open = ~Q(stage=Complaint.Stage.CLOSED)
    counts = _scoped(Complaint.objects.all(), area_id, "case__area_id").aggregate(
        complaints=Count("pk", filter=received & Q(kind=Complaint.Kind.COMPLAINT)),
        lgsco=Count("pk", filter=received & Q(kind=Complaint.Kind.LGSCO)),
        open=Count("pk", filter=still_open),
        overdue=Count("pk", filter=still_open & Q(response_due_on__lt=today)),
        **{
            f"outcome_{o}": Count("pk", filter=closed & Q(outcome=o))
            for o in Complaint.Outcome.values
        },
    )
    outcomes = {o: counts.pop(f"outcome_{o}") for o in Complaint.Outcome.values}
    return {**counts, "outcomes": outcomes}


def _contacts(area_id: int | None, start: date, end: date) -> list[dict[str, Any]]:
    return [
        {"call_type": row["call_type__name"], "n": row["n"]}
        for row in _scoped(
            Contact.objects.filter(happened_on__gte=start, happened_on__lte=end),
            area_id,
            "case__area_id",
        )
        .values("call_type__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "call_type__name")
    ]


def quality_figures(*, area_id: int | None, start: date, end: date, today: date) -> dict[str, Any]:
    return {
        "audits": _audits(area_id, start, end),
        "surveys": _surveys(area_id, start, end),
        "complaints": _complaints(area_id, start, end, today),
        "contacts": _contacts(area_id, start, end),
    }
