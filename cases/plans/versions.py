"""The plan's versions: every change makes a new PlanVersion (who and when), and a plan can
change only while drafting or while an annual review proposes amendments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from cases.plans.models import Plan, PlanVersion

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


class PlanError(Exception):
    """A change to the plan that is not allowed; `message` says why in plain English."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlanConflict(PlanError):
    """Someone else saved the same section since the form was opened: `theirs` is their
    version, so the page can show what they wrote beside what this person typed."""

    def __init__(self, message: str, *, theirs: PlanVersion, key: str) -> None:
        super().__init__(message)
        self.theirs = theirs
        self.key = key


def plan_lock(plan: Plan) -> Plan:
    """Lock the plan's row until the end of the transaction: every change to a plan is read,
    checked and saved under it, so two people saving at once are served one after the other."""
    return Plan.objects.select_for_update(of=("self",)).select_related("case").get(pk=plan.pk)


def clean_text(value: str) -> str:
    # PostgreSQL refuses NUL bytes in text.
    return (value or "").replace("\x00", "").strip()


def plan_latest_version(plan: Plan) -> PlanVersion:
    return plan.versions.order_by("-number").first()  # type: ignore[return-value]


def plan_version_save(
    *, plan: Plan, sections: dict[str, Any], change: str, actor: User | None, reason: str = ""
) -> PlanVersion:
    plan_lock(plan)  # the next number is read under the plan's lock (see plan_lock)
    latest = plan.versions.order_by("-number").first()
    number = (latest.number + 1) if latest else 1
    return PlanVersion.objects.create(
        plan=plan,
        number=number,
        sections=sections,
        change=change[:200],
        reason=clean_text(reason),
        created_by=actor,
    )


def plan_editable_check(plan: Plan) -> None:
    if plan.status == Plan.Status.CEASED:
        raise PlanError("The plan has ceased.")
    if plan.status == Plan.Status.FINAL and not plan_amendment_open(plan):
        raise PlanError("The final plan has been issued: change it through an annual review.")


def plan_amendment_open(plan: Plan) -> bool:
    # reg 22: amendments are proposed once the review meeting is set (they go out with the
    # decision) and may change after the family's comments until the amended plan issues.
    return plan.reviews.filter(
        Q(decision="", meeting_on__isnull=False)
        | Q(decision="amend", amended_issued_on__isnull=True)
    ).exists()


def next_item_id(sections: dict[str, Any], key: str) -> str:
    used = {item["id"] for item in sections[key]["items"]}
    n = len(used) + 1
    while f"{key}{n}" in used:
        n += 1
    return f"{key}{n}"
