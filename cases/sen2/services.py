"""Putting an SEN2 record right from the details page the validation report links to. Each
write locks the case, changes only what the form covers and notes it on the case's timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from cases.models import Case
from cases.plans.models import Placement, Plan
from cases.services import case_event_record

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

CHILD_FIELDS = ("upn", "uln", "upn_unknown", "sex", "ethnicity")
REQUEST_FIELDS = ("request_source", "in_youth_accommodation", "cease_reason")
PLAN_FIELDS = (
    "sen_setting",
    "sen_setting_other",
    "in_sen_unit",
    "in_resourced_provision",
    "residential",
    "work_based_learning",
    "personal_budget",
    "budget_organised",
    "direct_payments",
)
PLACEMENT_FIELDS = (
    "setting",
    "sen_setting",
    "sen_setting_other",
    "entry_date",
    "leaving_date",
    "in_sen_unit",
    "in_resourced_provision",
    "residential",
    "work_based_learning",
)


def _changed(obj: Any, data: dict[str, Any], fields: tuple[str, ...]) -> list[str]:
    changed = []
    for name in fields:
        if name in data and getattr(obj, name) != data[name]:
            setattr(obj, name, data[name])
            changed.append(name)
    return changed


@transaction.atomic
def case_sen2_details_update(
    *,
    case: Case,
    actor: User,
    child: dict[str, Any],
    request: dict[str, Any],
    plan: dict[str, Any] | None = None,
    placement: dict[str, Any] | None = None,
) -> list[str]:
    """Save what the details page covers; returns the names of the items changed."""
    case = Case.objects.select_for_update(of=("self",)).select_related("child").get(pk=case.pk)
    changed: list[str] = []
    child_changes = _changed(case.child, child, CHILD_FIELDS)
    if child_changes:
        case.child.save(update_fields=child_changes)
    case_changes = _changed(case, request, REQUEST_FIELDS)
    if case_changes:
        case.save(update_fields=[*case_changes, "updated_at"])
    changed += child_changes + case_changes
    if plan is not None:
        row = Plan.objects.select_for_update().filter(case=case).first()
        if row is not None:
            plan_changes = _changed(row, plan, PLAN_FIELDS)
            if plan_changes:
                row.save(update_fields=plan_changes)
                changed += plan_changes
    if placement is not None:
        current = (
            Placement.objects.select_for_update()
            .filter(case=case, rank=1)
            .order_by("-entry_date", "-id")
            .first()
        )
        if current is None:
            Placement.objects.create(
                case=case, rank=1, **{k: placement[k] for k in PLACEMENT_FIELDS}
            )
            changed.append("placement")
        else:
            placement_changes = _changed(current, placement, PLACEMENT_FIELDS)
            if placement_changes:
                current.save(update_fields=placement_changes)
                changed.append("placement")
    if changed:
        case_event_record(
            case=case,
            kind="sen2_details",
            summary="Details for the SEN2 return corrected",
            actor=actor,
            data={"changed": sorted(set(changed))},
        )
    return changed
