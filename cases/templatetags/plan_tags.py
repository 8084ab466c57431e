"""Inclusion tags the case page and the family tracker use to show the plan."""

from __future__ import annotations

from typing import Any

from django import template

from cases.statutory import timeline

register = template.Library()


def _plan(case: Any) -> Any:
    from cases.plans.models import Plan

    return Plan.objects.filter(case_id=case.pk).first()


@register.inclusion_tag("cases/plans/includes/case_plan_panel.html")
def case_plan_panel(case: Any) -> dict[str, Any]:
    return {"case": case, "plan": _plan(case)}


@register.inclusion_tag("cases/plans/includes/tracker_plan_panel.html")
def tracker_plan_panel(case: Any) -> dict[str, Any]:
    until = (
        timeline(case.received_on, draft_issued=case.draft_issued_on)["draft_comments"]
        if case.draft_issued_on
        else None
    )
    return {"case": case, "plan": _plan(case), "comments_until": until}
