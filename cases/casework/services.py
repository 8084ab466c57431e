"""Writes of the caseworker's workbench. Each change appends a timeline event with its actor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.assignment.decisions import (
    UNCHECKED,
    AssignmentConflict,
    AssignmentRefused,
    case_assignment_override,
)
from cases.assignment.forms import BasedOnField
from cases.casework.models import CaseTask, Dispute, SavedFilter
from cases.deadlines import LABELS
from cases.events.models import EventType
from cases.events.services import event_record
from cases.models import (
    EXCEPTABLE_KEYS,
    FOUR_WEEK_REASONS,
    Case,
    CaseEvent,
    DeadlineException,
    Message,
    Route,
    TribunalOrder,
)
from cases.services import case_event_record, case_refresh_deadline
from cases.statutory import (
    EXCEPTION_PERIOD_MIN_WEEKS,
    TRIBUNAL_ORDERS,
    exception_period_long_enough,
)
from ehcp_portal import access

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User
    from notifications.models import Notification

# Decisions a family may take to mediation and the tribunal (s.51; reg 32): not to assess, not to
# issue, the contents or placement of a final plan, and ceasing the plan.
DISPUTABLE_EVENT_KINDS: dict[str, str] = {
    "refuse_to_assess": "Decision not to assess",
    "refuse_to_issue": "Decision not to issue a plan",
    "issue_final": "Contents or placement of the final plan",
    "cease": "Decision to cease the plan",
}


class CaseworkRefused(Exception):
    """A write that cannot be done; `reason` is shown to the user as is."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _clean(text: str) -> str:
    # PostgreSQL refuses NUL in text.
    return text.replace("\x00", "").strip()


@transaction.atomic
def deadline_exception_record(
    *,
    case: Case,
    deadline_key: str,
    reason: str,
    starts_on: date,
    ends_on: date | None,
    evidence: str,
    family_told_on: date,
    actor: User | None,
) -> DeadlineException:
    """Record a reg 10(4) exception against one deadline. The due date does not move."""
    if deadline_key not in EXCEPTABLE_KEYS:
        raise CaseworkRefused("Exceptions can only be recorded against a statutory time limit.")
    if reason in FOUR_WEEK_REASONS:
        if ends_on is None:
            raise CaseworkRefused("Enter the date the closure or absence ended.")
        if not exception_period_long_enough(starts_on, ends_on):
            raise CaseworkRefused(
                f"A closure or absence must last at least {EXCEPTION_PERIOD_MIN_WEEKS} weeks "
                "to be an exception."
            )
    if ends_on is not None and ends_on < starts_on:
        raise CaseworkRefused("The end date must be the same as or after the start date.")
    if family_told_on > timezone.localdate():
        raise CaseworkRefused("The date the family was told cannot be in the future.")
    evidence = _clean(evidence)
    if not evidence:
        raise CaseworkRefused("Describe the evidence for the exception.")
    exception = DeadlineException.objects.create(
        case=case,
        deadline_key=deadline_key,
        reason=reason,
        starts_on=starts_on,
        ends_on=ends_on,
        evidence=evidence,
        family_told_on=family_told_on,
        recorded_by=actor,
    )
    case_event_record(
        case=case,
        kind="deadline_exception",
        summary=f"Exception recorded against '{LABELS[deadline_key]}'",
        actor=actor,
        data={
            "deadline_key": deadline_key,
            "reason": reason,
            "family_told_on": family_told_on.isoformat(),
        },
    )
    # The case's denormalised next deadline now says excepted: the caseload's overdue filter
    # and the priority score read it.
    _clock_refresh(case)
    return exception


# -- the other clocks: facts staff record from the case page ---------------------------------


def _clock_refresh(case: Case) -> None:
    from cases.assignment.priorities import case_priority_refresh

    # A fresh read: the exceptions just recorded must be seen by the clock's one reader.
    if hasattr(case, "_prefetched_objects_cache"):
        case._prefetched_objects_cache.pop("deadline_exceptions", None)
    case_refresh_deadline(case=case)
    case_priority_refresh(case=case)
    event_record(
        type=EventType.CASE_DEADLINE_CHANGED,
        case=case,
        data={
            "next_deadline": case.next_deadline_key,
            "next_deadline_on": case.next_deadline_on,
            "excepted": case.next_deadline_excepted,
        },
    )


def _past_dates(**dates: date | None) -> None:
    today = timezone.localdate()
    if any(value is not None and value > today for value in dates.values()):
        raise CaseworkRefused("Dates of things that have happened cannot be in the future.")
    if any(value is not None and value < date(2014, 9, 1) for value in dates.values()):
        # The SEND Regulations 2014 came into force on 1 September 2014.
        raise CaseworkRefused("Dates cannot be before 1 September 2014.")


def _clock_fact_write(
    *, case: Case, values: dict[str, object], kind: str, summary: str, actor: User | None
) -> Case:
    """Write milestone facts of a statutory clock, the timeline event, and the clock refresh."""
    for name, value in values.items():
        setattr(case, name, value)
    case.save(update_fields=[*values, "updated_at"])
    case_event_record(
        case=case,
        kind=kind,
        summary=summary,
        actor=actor,
        family_visible=True,
        data={k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()},
    )
    _clock_refresh(case)
    return case


@transaction.atomic
def tribunal_order_record(
    *, case: Case, kind: str, ordered_on: date, actor: User | None, dispute: Dispute | None = None
) -> Case:
    """reg 44(2): a First-tier Tribunal order puts its compliance deadlines on the case."""
    if kind not in TRIBUNAL_ORDERS:
        raise CaseworkRefused("Choose what the tribunal ordered.")
    _past_dates(ordered_on=ordered_on)
    if dispute is not None and (dispute.case_id != case.pk or ordered_on < dispute.decision_on):
        raise CaseworkRefused("The order must follow the disputed decision on this case.")
    label = dict(TribunalOrder.choices)[kind]
    return _clock_fact_write(
        case=case,
        values={
            "tribunal_order_kind": kind,
            "tribunal_order_on": ordered_on,
            "tribunal_order_complied_on": None,
        },
        kind="tribunal_order",
        summary=f"The tribunal ordered us to: {label.lower()}",
        actor=actor,
    )


@transaction.atomic
def tribunal_order_comply(*, case: Case, complied_on: date, actor: User | None) -> Case:
    """reg 44: the council has done everything the tribunal ordered."""
    if not case.tribunal_order_kind or case.tribunal_order_on is None:
        raise CaseworkRefused("There is no tribunal order on this case.")
    _past_dates(complied_on=complied_on)
    if complied_on < case.tribunal_order_on:
        raise CaseworkRefused("We cannot have complied before the order was made.")
    return _clock_fact_write(
        case=case,
        values={"tribunal_order_complied_on": complied_on},
        kind="tribunal_order_complied",
        summary="We did what the tribunal ordered",
        actor=actor,
    )


@transaction.atomic
def reassessment_notify_record(*, case: Case, notified_on: date, actor: User | None) -> Case:
    """reg 27(2): the family told we will re-assess; the final plan within 14 weeks."""
    if case.final_issued_on is None and case.route != Route.TRANSFER_IN:
        raise CaseworkRefused("Only a child with a plan is re-assessed.")
    _past_dates(notified_on=notified_on)
    return _clock_fact_write(
        case=case,
        values={"reassessment_notified_on": notified_on},
        kind="reassessment_notified",
        summary="We told the family we will re-assess their child's needs",
        actor=actor,
    )


@transaction.atomic
def transfer_in_record(
    *,
    case: Case,
    transferred_on: date,
    plan_dated_on: date | None,
    family_told_on: date | None,
    actor: User | None,
) -> Case:
    """reg 15: a plan transferred to us; we tell the family within 6 weeks and review."""
    _past_dates(
        transferred_on=transferred_on, plan_dated_on=plan_dated_on, family_told_on=family_told_on
    )
    if plan_dated_on is not None and plan_dated_on > transferred_on:
        raise CaseworkRefused("The plan (or its last review) must be dated before the transfer.")
    if family_told_on is not None and family_told_on < transferred_on:
        raise CaseworkRefused("The family cannot be told before the plan was transferred.")
    values: dict[str, object] = {
        "transferred_in_on": transferred_on,
        "transfer_plan_dated_on": plan_dated_on,
        "transfer_family_told_on": family_told_on,
    }
    if case.route != Route.TRANSFER_IN:
        values["route"] = Route.TRANSFER_IN
    return _clock_fact_write(
        case=case,
        values=values,
        kind="transfer_in",
        summary="The plan was transferred to us from another council",
        actor=actor,
    )


@transaction.atomic
def phase_transfer_amended_record(*, case: Case, amended_on: date, actor: User | None) -> Case:
    """reg 18: the plan reviewed and amended for the child's next phase transfer."""
    if case.phase_transfer_year is None:
        raise CaseworkRefused("This case has no phase transfer due.")
    _past_dates(amended_on=amended_on)
    return _clock_fact_write(
        case=case,
        values={"phase_transfer_amended_on": amended_on},
        kind="phase_transfer_amended",
        summary=f"The plan was amended for the move to a new school in {case.phase_transfer_year}",
        actor=actor,
    )


def _event_date(event: CaseEvent) -> date:
    on = event.data.get("on") if isinstance(event.data, dict) else None
    return date.fromisoformat(on) if on else timezone.localtime(event.created_at).date()


@transaction.atomic
def dispute_record(
    *,
    case: Case,
    decision_event: CaseEvent,
    actor: User | None,
    mediation_contacted_on: date | None = None,
    mediation_certificate_on: date | None = None,
    appeal_registered_on: date | None = None,
    hearing_on: date | None = None,
    outcome: str = Dispute.Outcome.PENDING,
    outcome_on: date | None = None,
    notes: str = "",
) -> Dispute:
    if decision_event.case_id != case.pk or decision_event.kind not in DISPUTABLE_EVENT_KINDS:
        raise CaseworkRefused("Choose a decision on this case that the family can dispute.")
    dispute = Dispute(case=case, decision_event=decision_event, recorded_by=actor)
    dispute.decision_on = _event_date(decision_event)
    _dispute_apply(
        dispute,
        mediation_contacted_on=mediation_contacted_on,
        mediation_certificate_on=mediation_certificate_on,
        appeal_registered_on=appeal_registered_on,
        hearing_on=hearing_on,
        outcome=outcome,
        outcome_on=outcome_on,
        notes=notes,
    )
    dispute.save()
    case_event_record(
        case=case,
        kind="dispute_recorded",
        summary=f"Dispute recorded: {DISPUTABLE_EVENT_KINDS[decision_event.kind]}",
        actor=actor,
        data={"dispute_id": dispute.pk, "decision_event_id": decision_event.pk},
    )
    return dispute


@transaction.atomic
def dispute_update(
    *,
    dispute: Dispute,
    actor: User | None,
    mediation_contacted_on: date | None = None,
    mediation_certificate_on: date | None = None,
    appeal_registered_on: date | None = None,
    hearing_on: date | None = None,
    outcome: str = Dispute.Outcome.PENDING,
    outcome_on: date | None = None,
    notes: str = "",
) -> Dispute:
    _dispute_apply(
        dispute,
        mediation_contacted_on=mediation_contacted_on,
        mediation_certificate_on=mediation_certificate_on,
        appeal_registered_on=appeal_registered_on,
        hearing_on=hearing_on,
        outcome=outcome,
        outcome_on=outcome_on,
        notes=notes,
    )
    dispute.save()
    case_event_record(
        case=dispute.case,
        kind="dispute_updated",
        summary="Mediation or appeal details updated"
        + (f": {dispute.get_outcome_display()}" if dispute.outcome != "pending" else ""),
        actor=actor,
        data={"dispute_id": dispute.pk, "outcome": dispute.outcome},
    )
    return dispute


def _dispute_apply(dispute: Dispute, **values: object) -> None:
    today = timezone.localdate()
    for name in (
        "mediation_contacted_on",
        "mediation_certificate_on",
        "appeal_registered_on",
        "outcome_on",
    ):
        value = values[name]
        if value is not None and value > today:  # type: ignore[operator]
            raise CaseworkRefused("Dates of things that have happened cannot be in the future.")
        if value is not None and value < dispute.decision_on:  # type: ignore[operator]
            raise CaseworkRefused("Dates cannot be before the decision that is disputed.")
    hearing = values["hearing_on"]
    if hearing is not None and hearing < dispute.decision_on:  # type: ignore[operator]
        raise CaseworkRefused("The hearing cannot be before the decision that is disputed.")
    if values["outcome"] != Dispute.Outcome.PENDING and values["outcome_on"] is None:
        raise CaseworkRefused("Enter the date of the outcome.")
    for name, value in values.items():
        setattr(
            dispute, name, _clean(value) if isinstance(value, str) and name == "notes" else value
        )


@transaction.atomic
def case_task_create(
    *, case: Case, title: str, due_on: date | None, assignee: User | None, actor: User | None
) -> CaseTask:
    title = _clean(title)
    if not title:
        raise CaseworkRefused("Enter what needs doing.")
    task = CaseTask.objects.create(
        case=case, title=title, due_on=due_on, assignee=assignee, created_by=actor
    )
    case_event_record(
        case=case,
        kind="task_added",
        summary=f"Task added: {title}",
        actor=actor,
        data={"task_id": task.pk},
    )
    return task


@transaction.atomic
def case_task_complete(*, task: CaseTask, actor: User | None) -> CaseTask:
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        case_event_record(
            case=task.case,
            kind="task_done",
            summary=f"Task done: {task.title}",
            actor=actor,
            data={"task_id": task.pk},
        )
    return task


@transaction.atomic
def case_message_reply(*, case: Case, sender: User, body: str) -> Message:
    """A message from the council to the family; the family's unread messages are now read."""
    from notifications.services import notification_queue

    body = _clean(body)
    if not body:
        raise CaseworkRefused("Enter your message.")
    now = timezone.now()
    case.messages.filter(from_family=True, read_at__isnull=True).update(read_at=now)
    message = Message.objects.create(case=case, sender=sender, from_family=False, body=body)
    members = case.child.memberships.select_related("user")
    for membership in members:
        notification_queue(
            recipient=membership.user,
            purpose="case_message",
            event_key=f"message:{message.pk}",
            subject=f"New message about {case.reference}",
            body="You have a new message from the SEN team about your request.",
            link=reverse("families:track", args=[case.reference]),
            case=case,
        )
    return message


def delivery_failed_task_raise(notification: Notification) -> CaseTask:
    """Outbox hook (`notifications.services.register_after_delivery_failed`): a statutory
    message the family did not receive is work for the caseworker, because the law's clock
    runs from the family getting it (issue 19)."""
    case = notification.case
    assert case is not None  # the outbox calls this only for a case's messages
    who = notification.recipient_label
    how = notification.get_channel_display().lower()
    return case_task_create(
        case=case,
        title=f"Not delivered ({how}) to {who}: {notification.subject}. Find another way to "
        "reach them"[:200],
        due_on=timezone.localdate(),
        assignee=case.caseworker,
        actor=None,
    )


# -- the caseload: saved filters and reassigning several cases ---------------------------------


def saved_filter_create(*, owner: User, name: str, query: str, shared: bool) -> SavedFilter:
    """`query` is the form's cleaned query (the caseload's own parameters only)."""
    return SavedFilter.objects.create(
        owner=owner, team_id=owner.team_id, name=name, query=query, shared=shared
    )


@dataclass
class BulkReassignment:
    moved: list[str] = field(default_factory=list)
    not_moved: list[tuple[str, str]] = field(default_factory=list)


def cases_reassign(
    *, user: User, picked: list[tuple[str, str]], caseworker: User, reason: str
) -> BulkReassignment:
    """Each ticked case (reference, the caseworker the page showed) through the one
    reassignment service, one transaction each: a conflict or refusal on one case is reported
    and leaves the others to move. A case the user may not reassign is reported as not found,
    whether or not it exists."""
    result = BulkReassignment()
    allowed = {
        case.reference: case
        for case in access.cases_for(user, access.CASE_REASSIGN).filter(
            reference__in=[reference for reference, _ in picked]
        )
    }
    for reference, based_on in picked:
        case = allowed.get(reference)
        if case is None:
            result.not_moved.append(
                (reference, "No case with that reference is yours to reassign.")
            )
            continue
        expected = BasedOnField().to_python(based_on)
        if expected == UNCHECKED:
            result.not_moved.append((reference, "Open the caseload again and choose it again."))
            continue
        try:
            with transaction.atomic():
                case_assignment_override(
                    case=case,
                    caseworker=caseworker,
                    actor=user,
                    reason=reason,
                    expected_caseworker_id=expected,
                )
        except (AssignmentConflict, AssignmentRefused) as refused:
            result.not_moved.append((reference, refused.reason))
        else:
            result.moved.append(reference)
    return result
