"""The family tracker's panel for a plan's annual review and the provision delivered: the
families app's tracker template loads it, so the families app needs no import of this one."""

from __future__ import annotations

from typing import Any

from django import template

from cases.schools.models import ProvisionConfirmation
from cases.schools.selectors import latest_review
from cases.schools.services import open_review
from cases.schools.terms import term_from_key

register = template.Library()


@register.inclusion_tag("schools/includes/tracker_panel.html")
def school_review_panel(case: Any, plan: Any) -> dict[str, Any]:
    """Nothing (and no query) before a final plan; then the current review's meeting and
    report, and the latest term's delivery record, in three queries."""
    if plan is None or plan.final_version is None:
        return {"show": False}
    review = open_review(plan) or latest_review(plan)
    school_review = getattr(review, "school_review", None) if review else None
    confirmations = list(
        ProvisionConfirmation.objects.filter(plan=plan).order_by("-term", "item_id", "party")[:40]
    )
    latest = confirmations[0].term if confirmations else ""
    term = term_from_key(latest) if latest else None
    return {
        "show": True,
        "case": case,
        "review": review,
        "school_review": school_review,
        "term": term,
        "confirmations": [c for c in confirmations if c.term == latest],
    }
