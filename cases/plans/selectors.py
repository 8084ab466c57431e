"""Reads for the plan pages; each owns its select_related/prefetch."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from django.db.models import Case as When_
from django.db.models import F, IntegerField, Q, QuerySet, Value, When

from cases.models import Setting
from cases.plans.models import Consultation, Plan, PlanVersion
from cases.plans.sections import SECTION_KEYS, section_text
from ehcp_portal.db import json_list_has

if TYPE_CHECKING:
    from cases.models import Case
    from ehcp_portal.accounts.models import User


def plan_of(case: Case) -> Plan | None:
    return Plan.objects.select_related("named_setting", "final_document").filter(case=case).first()


def plan_versions(plan: Plan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("created_by").order_by("-number")


def settings_ranked_for(
    needs: list[str], *, setting_type: str = "", cover_all: bool = False
) -> QuerySet[Setting]:
    """The directory ranked by how many of the child's needs each setting meets.

    Caseworkers consult settings suited to the needs, not only those with spaces
    (docs/requirements.md R5), so the ranking ignores capacity; capacity is shown beside it.
    """
    score: Any = Value(0)
    for code in needs:
        score = score + When_(
            When(json_list_has("needs_met", code), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    qs = Setting.objects.annotate(needs_covered=score, spaces=F("capacity") - F("places_taken"))
    if setting_type:
        qs = qs.filter(setting_type=setting_type)
    if cover_all and needs:
        for code in needs:
            qs = qs.filter(json_list_has("needs_met", code))
    return qs.order_by("-needs_covered", "name")


def consultations_for_setting(user: User) -> QuerySet[Consultation]:
    """Open consultations of the user's own setting (the statutory route only)."""
    if not user.setting_id:
        return Consultation.objects.none()
    return (
        Consultation.objects.filter(setting_id=user.setting_id, closed_on__isnull=True)
        .select_related("plan__case__child", "setting")
        .order_by("response_due", "id")
    )


def named_plans_for_setting(user: User) -> QuerySet[Plan]:
    if not user.setting_id:
        return Plan.objects.none()
    return Plan.objects.filter(
        Q(status=Plan.Status.FINAL) & Q(named_setting_id=user.setting_id)
    ).select_related("case__child")


def version_diff(older: PlanVersion, newer: PlanVersion) -> list[dict[str, Any]]:
    """Changed sections between two versions, as unified-diff lines (difflib)."""
    changes = []
    for key in SECTION_KEYS:
        before = section_text(key, older.sections.get(key, {})).splitlines()
        after = section_text(key, newer.sections.get(key, {})).splitlines()
        if before == after:
            continue
        lines = [
            {
                "kind": "added" if ln[0] == "+" else "removed" if ln[0] == "-" else "same",
                "text": ln[1:],
            }
            for ln in difflib.unified_diff(before, after, lineterm="", n=1)
            if not ln.startswith(("---", "+++", "@@"))
        ]
        changes.append({"key": key, "lines": lines})
    return changes
