"""Whether a plan can go to the family or be finalised: one answer, used both to decide which
actions a page offers and to refuse an action with a reason a caseworker can act on.

The workflow asks through the guards registered in `PlansConfig.ready`, so the case page's
action list offers "Send the draft plan to the family" and "Issue the final plan" only when this
module says yes.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from cases.plans.drafting import plan_check_no_school_named, plan_readiness_problems
from cases.plans.models import Plan
from cases.plans.versions import PlanError, plan_latest_version
from cases.workflow import ACTIONS, refusal_reason

if TYPE_CHECKING:
    from cases.models import Case

NO_PLAN = (
    "There is no plan yet: start the plan and fill in its sections before sending the draft "
    "to the family."
)


def plan_draft_refusal(plan: Plan | None) -> str | None:
    """Why the draft cannot be sent to the family now (reg 13(1)), or None when it can.

    The family's 15 days must start on a real draft: a plan whose required sections are
    filled (needs, outcomes linked to needs, provision linked to both) and that names no
    school (s.38(5)).
    """
    if plan is None:
        return NO_PLAN
    if plan.status != Plan.Status.DRAFTING:
        return "The draft plan has already been sent to the family."
    sections = plan_latest_version(plan).sections
    problems = plan_readiness_problems(sections)
    if problems:
        return f"The plan is not ready to send: {problems[0]}"
    try:
        plan_check_no_school_named(sections)
    except PlanError as error:
        return error.message
    return None


def case_draft_refusal(case: Case, on: date) -> str | None:
    """The workflow's guard on "issue_draft" (registered by PlansConfig.ready)."""
    return plan_draft_refusal(Plan.objects.filter(case_id=case.pk).first())


def plan_final_problem(plan: Plan | None) -> str | None:
    """What in the plan itself stops it being finalised (reg 13(2)): there must be a plan, the
    family must have had its draft, and its required sections must be filled."""
    if plan is None:
        return "There is no plan yet: start the plan, send the draft to the family, then issue it."
    if plan.status != Plan.Status.DRAFT_ISSUED:
        return "The draft plan has not been issued to the family yet."
    problems = plan_readiness_problems(plan_latest_version(plan).sections)
    if problems:
        return f"The plan is not ready to finalise: {problems[0]}"
    return None


def case_final_refusal(case: Case, on: date) -> str | None:
    """The workflow's guard on "issue_final" (registered by PlansConfig.ready), so the case page
    offers the final plan only when the plan's own final-plan page would issue it."""
    return plan_final_problem(Plan.objects.filter(case_id=case.pk).first())


def plan_final_refusal(plan: Plan, on: date) -> str | None:
    """Why the final plan cannot be issued on `on`, or None when it can (reg 13(1), 13(2))."""
    return plan_final_problem(plan) or refusal_reason(plan.case, ACTIONS["issue_final"], on)
