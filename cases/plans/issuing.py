"""Issuing the plan: the draft to the family (reg 13(1)) and the final plan (reg 13(2)). The
statutory steps go through `case_transition`, so the clock and the timeline see them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.events.models import EventType
from cases.events.services import event_record
from cases.models import Case, Document, Setting
from cases.plans.drafting import plan_readiness_problems
from cases.plans.models import Placement, Plan
from cases.plans.readiness import plan_draft_refusal
from cases.plans.versions import PlanError, plan_latest_version
from cases.services import case_event_record
from cases.statutory import timeline
from cases.workflow import Action, TransitionRefused, case_transition

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


@transaction.atomic
def plan_issue_draft(*, plan: Plan, actor: User, on: date | None = None) -> Plan:
    """Send the draft to the family: opens their 15 days (reg 13(1)).

    The workflow refuses unless the plan passes `plan_draft_refusal` (its guard); the plan's
    own record of the draft and the family's message follow the transition, in
    `plan_after_transition`, whichever page recorded it.
    """
    plan = Plan.objects.select_for_update(of=("self",)).select_related("case").get(pk=plan.pk)
    reason = plan_draft_refusal(plan)
    if reason:
        raise PlanError(reason)
    try:
        case_transition(
            case=plan.case,
            action="issue_draft",
            actor=actor,
            on=on,
            data={"plan_version": plan_latest_version(plan).number},
        )
    except TransitionRefused as refused:
        raise PlanError(refused.reason) from refused
    plan.refresh_from_db()
    plan.case.refresh_from_db()
    return plan


def plan_after_transition(case: Case, action: Action, actor: Any, data: dict[str, Any]) -> None:
    """The plan follows the case: when the draft goes to the family (from the plan page or the
    case page), the plan records the version they read and the family is told, once."""
    if action.name != "issue_draft":
        return
    plan = (
        Plan.objects.select_for_update(of=("self",))
        .filter(case_id=case.pk, status=Plan.Status.DRAFTING)
        .first()
    )
    if plan is None:
        return
    plan.case = case
    plan.status = Plan.Status.DRAFT_ISSUED
    plan.draft_version = data.get("plan_version") or plan_latest_version(plan).number
    plan.save(update_fields=["status", "draft_version"])
    last_day = timeline(case.received_on, draft_issued=case.draft_issued_on)["draft_comments"]
    plan_family_notify(
        plan=plan,
        purpose="draft_plan",
        subject="Your child's draft EHC plan is ready to read",
        body=(
            f"Please read the draft plan. You can comment on it, ask for a meeting and tell us "
            f"which school or setting you would like until {last_day:%-d %B %Y}."
        ),
    )


def plan_family_notify(*, plan: Plan, purpose: str, subject: str, body: str) -> None:
    from families.models import FamilyMembership
    from notifications.services import notification_queue

    members = FamilyMembership.objects.filter(child_id=plan.case.child_id).select_related("user")
    for membership in members:
        notification_queue(
            recipient=membership.user,
            purpose=purpose,
            event_key=f"plan:{plan.pk}:{purpose}:{timezone.localdate().isoformat()}",
            subject=subject,
            body=body,
            link=reverse("plans:family", args=[plan.case.reference]),
            statutory=True,
            case=plan.case,
        )


@transaction.atomic
def plan_issue_final(
    *,
    plan: Plan,
    actor: User,
    named_setting: Setting | None,
    on: date | None = None,
    sen2: dict[str, Any] | None = None,
) -> Plan:
    """Issue the final plan (reg 13(2)): PDF stored as a plan document for the family.

    `case_transition` refuses until the draft was issued and the family's 15 days have passed
    or they have responded (reg 13(1); docs/requirements.md R4).
    """
    from cases.plans.pdf import plan_pdf_render

    plan = (
        Plan.objects.select_for_update(of=("self",)).select_related("case__child").get(pk=plan.pk)
    )
    if plan.status != Plan.Status.DRAFT_ISSUED:
        raise PlanError("The draft plan has not been issued to the family yet.")
    version = plan_latest_version(plan)
    problems = plan_readiness_problems(version.sections)
    if problems:
        raise PlanError(problems[0])
    on = on or timezone.localdate()
    try:
        case = case_transition(
            case=plan.case,
            action="issue_final",
            actor=actor,
            on=on,
            data={
                "plan_version": version.number,
                "named_setting": named_setting.name if named_setting else "",
            },
        )
    except TransitionRefused as refused:
        raise PlanError(refused.reason) from refused
    # Checked after the family's window (the more basic refusal); raising here rolls back.
    if named_setting is not None and not plan.consultations.filter(setting=named_setting).exists():
        # s.39(2)/s.40(2): the council consults a school or setting before naming it.
        raise PlanError(f"Consult {named_setting.name} before naming it in the plan.")
    plan.case = case
    plan.status = Plan.Status.FINAL
    plan.final_version = version.number
    plan.named_setting = named_setting
    plan.issued_on = on
    # reg 13(3): the exceptions to the 20 weeks are the case's own records, the same ones the
    # case page and the reports read, never a second free-text copy.
    exceptions = final_plan_exceptions(case)
    due = timeline(case.received_on)["final_plan"]
    plan.twenty_week_due = due
    plan.twenty_week_met = on <= due
    pdf = plan_pdf_render(plan=plan, version=version, issued_on=on)
    plan.final_document = plan_document_store(
        plan=plan, pdf=pdf, title=f"Final EHC plan, version {version.number}", actor=actor
    )
    placement_details = _sen2_details_apply(plan, sen2 or {})
    plan.save()
    # The child's placement from the plan (SEN2 module 5), kept up to date afterwards.
    placement = Placement.objects.create(
        case=case,
        setting=named_setting,
        entry_date=(sen2 or {}).get("starts_on") or on,
        **placement_details,
    )
    event_record(
        type=EventType.PLACEMENT_RECORDED,
        case=case,
        data={
            "placement": placement.pk,
            "setting": placement.setting_id,
            "entry_date": placement.entry_date,
        },
    )
    # From now only the named setting keeps access (s.43): other consultations close.
    plan.consultations.filter(closed_on__isnull=True).update(closed_on=on)
    plan_family_notify(
        plan=plan,
        purpose="final_plan",
        subject="Your child's final EHC plan has been issued",
        body=(
            "The final plan is ready to read and download. It explains your right to appeal "
            "and the last day to do so."
        ),
    )
    case_event_record(
        case=case,
        kind="plan_twenty_weeks",
        summary=(
            f"20-week date {due:%-d %B %Y} "
            + ("met" if plan.twenty_week_met else "missed")
            + (
                " (exception recorded: "
                + "; ".join(e.get_reason_display() for e in exceptions)
                + ")"
                if exceptions and not plan.twenty_week_met
                else ""
            )
        ),
        actor=actor,
        data={"due": due.isoformat(), "met": plan.twenty_week_met},
    )
    return plan


def plan_document_store(*, plan: Plan, pdf: bytes, title: str, actor: User | None) -> Document:
    return Document.objects.create(
        case=plan.case,
        kind=Document.Kind.PLAN,
        title=title,
        file=ContentFile(pdf, name=f"{plan.case.reference}-plan.pdf"),
        content_type="application/pdf",
        size=len(pdf),
        family_visible=True,
        uploaded_by=actor,
    )


def final_plan_exceptions(case: Case) -> list[Any]:
    """The reg 10(4) exceptions recorded against the 20-week limit (reg 13(3)) of a case."""
    from cases.models import DeadlineException

    return list(
        DeadlineException.objects.filter(case=case, deadline_key="final_plan").order_by(
            "recorded_at", "id"
        )
    )


PLACE_FIELDS = (
    "sen_setting",
    "sen_setting_other",
    "in_sen_unit",
    "in_resourced_provision",
    "residential",
    "work_based_learning",
)


def _sen2_details_apply(plan: Plan, details: dict[str, Any]) -> dict[str, Any]:
    """Set the final plan's SEN2 items; returns those the first placement shares."""
    for key in (*PLACE_FIELDS, "personal_budget", "budget_organised", "direct_payments"):
        if key in details and details[key] is not None:
            setattr(plan, key, details[key])
    return {key: getattr(plan, key) for key in PLACE_FIELDS}
