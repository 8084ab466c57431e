"""The family and the plan's versions (issue 18): which versions they see, a readable comparison
of any two, and their agreement with a version or what they disagree with, on the timeline.

The family sees the versions from the draft sent to them onwards: what was drafted before it
was the council's working copy (CoP 9.77: the draft is the first version the family is sent).
Section A is theirs earlier: they may change it with the caseworker while the plan is drafted.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from cases.plans.models import Plan, PlanVersion, VersionResponse
from cases.plans.versions import PlanError, clean_text
from cases.services import case_event_record

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


def family_versions(plan: Plan) -> QuerySet[PlanVersion]:
    first = plan.draft_version or 0
    if plan.status == Plan.Status.DRAFTING or not first:
        return PlanVersion.objects.none()
    return plan.versions.filter(number__gte=first).order_by("-number")


def version_response_record(
    *,
    plan: Plan,
    version_number: int,
    agrees: bool,
    disagreement: str,
    author: User,
    idempotency_key: uuid.UUID,
) -> VersionResponse:
    if not family_versions(plan).filter(number=version_number).exists():
        raise PlanError("Choose a version of the plan you have been sent.")
    disagreement = clean_text(disagreement)
    if not agrees and not disagreement:
        raise PlanError("Say what you disagree with")
    existing = VersionResponse.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            response = VersionResponse.objects.create(
                plan=plan,
                version_number=version_number,
                agrees=agrees,
                disagreement="" if agrees else disagreement,
                author=author,
                idempotency_key=idempotency_key,
            )
            case_event_record(
                case=plan.case,
                kind="plan_version_agreed" if agrees else "plan_version_disagreed",
                summary=(
                    f"The family agreed version {version_number} of the plan"
                    if agrees
                    else f"The family disagreed with version {version_number} of the plan: "
                    f"{disagreement[:200]}"
                ),
                actor=author,
                family_visible=True,
                data={"version": version_number},
            )
    except IntegrityError:
        return VersionResponse.objects.get(idempotency_key=idempotency_key)
    return response
