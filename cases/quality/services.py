"""Writes for quality: sampling and grading plans, moderation, complaints on their own clock,
the contact log. Each state change writes a timeline event on the case."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.plans.models import Plan
from cases.quality.clock import complaint_response_due
from cases.quality.models import (
    AuditScore,
    CallType,
    Complaint,
    Contact,
    Criterion,
    Grade,
    PlanAudit,
)
from cases.quality.selectors import complaint_timescales, month_start, quality_settings
from cases.services import case_event_record
from notifications.services import notification_queue

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


class QualityError(Exception):
    """A change that is not allowed; `message` says why in plain English."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- sampling -----------------------------------------------------------------------------------


def _audit_new(plan: Plan, month: date, reason: str) -> PlanAudit:
    case = plan.case
    latest = plan.versions.order_by("-number").values_list("number", flat=True).first()
    return PlanAudit(
        plan=plan,
        case=case,
        caseworker_id=case.caseworker_id,
        team_id=case.team_id,
        version_number=latest,
        month=month,
        reason=reason,
    )


def audits_sample(*, month: date) -> int:
    """Sample the plans issued in `month` as the council's rule says: its percentage (at least
    one plan when any issued), and every plan of the chosen caseworker or school. The choice is
    seeded by the month, so a repeated run picks the same plans, and the unique (plan, month)
    means it adds none twice. Returns the number of audits added."""
    month = month_start(month)
    end = (
        month.replace(year=month.year + 1, month=1)
        if month.month == 12
        else month.replace(month=month.month + 1)
    )
    s = quality_settings()
    issued = list(
        Plan.objects.filter(issued_on__gte=month, issued_on__lt=end)
        .select_related("case")
        .order_by("pk")
    )
    chosen: dict[int, tuple[Plan, str]] = {}
    if issued and s.sample_percent:
        n = max(1, round(len(issued) * s.sample_percent / 100))
        for plan in random.Random(month.toordinal()).sample(issued, min(n, len(issued))):
            chosen[plan.pk] = (plan, f"{s.sample_percent}% sample of plans issued")
    for plan in issued:
        if s.sample_caseworker_id and plan.case.caseworker_id == s.sample_caseworker_id:
            chosen.setdefault(plan.pk, (plan, "Every plan of a chosen caseworker"))
        if s.sample_setting_id and plan.named_setting_id == s.sample_setting_id:
            chosen.setdefault(plan.pk, (plan, "Every plan naming a chosen school"))
    audits = [_audit_new(plan, month, reason) for plan, reason in chosen.values()]
    before = PlanAudit.objects.filter(month=month).count()
    PlanAudit.objects.bulk_create(audits, ignore_conflicts=True)
    return PlanAudit.objects.filter(month=month).count() - before


def audit_signoff_request(*, case: Case, actor: User) -> PlanAudit:
    """Ask a QA officer to sign off the draft plan (when the council requires it)."""
    plan = Plan.objects.select_related("case").filter(case=case).first()
    if plan is None:
        raise QualityError("There is no plan to sign off yet.")
    month = month_start(timezone.localdate())
    with transaction.atomic():
        audit, created = PlanAudit.objects.get_or_create(
            plan=plan,
            month=month,
            defaults={
                "case": case,
                "caseworker_id": case.caseworker_id,
                "team_id": case.team_id,
                "version_number": plan.versions.order_by("-number")
                .values_list("number", flat=True)
                .first(),
                "reason": "Sign-off asked for before the draft is sent",
            },
        )
        if created:
            case_event_record(
                case=case,
                kind="qa_signoff_requested",
                summary="QA sign-off of the draft plan asked for",
                actor=actor,
            )
    return audit


# --- grading and moderation ---------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionGrade:
    criterion_id: int
    grade: str
    comment: str


def audit_grade(
    *,
    audit: PlanAudit,
    auditor: User,
    grade: str,
    comments: str,
    action_for_caseworker: str,
    scores: list[CriterionGrade],
) -> PlanAudit:
    """The QA officer's grades: each criterion and overall. Graded once (a second auditor
    moderates rather than overwrites); two officers submitting at once: one wins, the other is
    told."""
    if grade not in Grade.values:
        raise QualityError("Choose an overall grade.")
    with transaction.atomic():
        locked = PlanAudit.objects.select_for_update().select_related("case").get(pk=audit.pk)
        if locked.status != PlanAudit.Status.SAMPLED:
            raise QualityError("This plan has already been audited: moderate it instead.")
        known = set(Criterion.objects.filter(active=True).values_list("pk", flat=True))
        AuditScore.objects.bulk_create(
            [
                AuditScore(
                    audit=locked, criterion_id=s.criterion_id, grade=s.grade, comment=s.comment
                )
                for s in scores
                if s.criterion_id in known and s.grade in Grade.values
            ]
        )
        locked.status = PlanAudit.Status.AUDITED
        locked.auditor = auditor
        locked.grade = grade
        locked.comments = comments
        locked.action_for_caseworker = action_for_caseworker
        locked.audited_at = timezone.now()
        locked.save()
        case_event_record(
            case=locked.case,
            kind="plan_audited",
            summary=f"Plan quality audit: {Grade(grade).label}",
            actor=auditor,
        )
        if locked.case.caseworker_id and action_for_caseworker:
            _caseworker_told(locked)
    return locked


def _caseworker_told(audit: PlanAudit) -> None:
    case = audit.case
    if case.caseworker is None:
        return
    notification_queue(
        recipient=case.caseworker,
        purpose="plan_audit_action",
        event_key=f"plan_audit:{audit.pk}",
        subject=f"Plan quality audit of {case.reference}: actions for you",
        body=(
            f"A quality assurance officer audited the plan for {case.reference} and graded it "
            f"{Grade(audit.grade).label}.\n\nWhat to do:\n{audit.action_for_caseworker}"
        ),
        link=reverse("quality:audit", args=[audit.public_id]),
        case=case,
    )


def audit_moderate(*, audit: PlanAudit, moderator: User, grade: str, comments: str) -> PlanAudit:
    """A second auditor's view: the grade that counts on the dashboard from now on."""
    if grade not in Grade.values:
        raise QualityError("Choose the moderated grade.")
    with transaction.atomic():
        locked = PlanAudit.objects.select_for_update().select_related("case").get(pk=audit.pk)
        if locked.status != PlanAudit.Status.AUDITED:
            raise QualityError("Only an audited plan awaiting moderation can be moderated.")
        if locked.auditor_id == moderator.pk:
            raise QualityError("A second auditor must moderate: you audited this plan.")
        locked.status = PlanAudit.Status.MODERATED
        locked.moderator = moderator
        locked.moderated_grade = grade
        locked.moderation_comments = comments
        locked.moderated_at = timezone.now()
        locked.save()
        case_event_record(
            case=locked.case,
            kind="plan_audit_moderated",
            summary=f"Plan quality audit moderated: {Grade(grade).label}",
            actor=moderator,
        )
    return locked


def audit_action_done(*, audit: PlanAudit, actor: User) -> None:
    with transaction.atomic():
        updated = PlanAudit.objects.filter(pk=audit.pk, action_done_at__isnull=True).update(
            action_done_at=timezone.now()
        )
        if updated:
            case_event_record(
                case=audit.case,
                kind="plan_audit_action_done",
                summary="Actions from the plan quality audit done",
                actor=actor,
            )


# --- complaints ---------------------------------------------------------------------------------

STAGE_AFTER = {
    Complaint.Stage.STAGE1: Complaint.Stage.STAGE2,
    Complaint.Stage.STAGE2: Complaint.Stage.LGSCO,
}


def complaint_record(
    *,
    case: Case,
    kind: str,
    received_on: date,
    summary: str,
    actor: User,
) -> Complaint:
    stage = Complaint.Stage.LGSCO if kind == Complaint.Kind.LGSCO else Complaint.Stage.STAGE1
    with transaction.atomic():
        complaint = Complaint.objects.create(
            case=case,
            kind=kind,
            stage=stage,
            received_on=received_on,
            stage_started_on=received_on,
            response_due_on=complaint_response_due(received_on, stage, complaint_timescales()),
            summary=summary,
            handler=case.caseworker or actor,
            recorded_by=actor,
        )
        case_event_record(
            case=case,
            kind="complaint_received",
            summary=(
                f"{complaint.get_kind_display()} received; response due "
                f"{complaint.response_due_on:%-d %B %Y}"
            ),
            actor=actor,
            family_visible=True,
        )
    return complaint


def _locked_at(complaint: Complaint, version: int) -> Complaint:
    locked = Complaint.objects.select_for_update().select_related("case").get(pk=complaint.pk)
    if locked.version != version:
        raise QualityError(
            "Someone else changed this complaint since you opened it. Check it and try again."
        )
    if not locked.is_open:
        raise QualityError("This complaint is closed.")
    return locked


def complaint_escalate(
    *, complaint: Complaint, version: int, started_on: date, actor: User
) -> Complaint:
    """The family took the complaint to the next stage (stage 2, then the Ombudsman)."""
    with transaction.atomic():
        locked = _locked_at(complaint, version)
        following = STAGE_AFTER.get(Complaint.Stage(locked.stage))
        if following is None:
            raise QualityError("An Ombudsman enquiry has no further stage: record its outcome.")
        if started_on < locked.stage_started_on:
            raise QualityError("The next stage cannot start before the current one.")
        locked.stage = following
        locked.stage_started_on = started_on
        locked.response_due_on = complaint_response_due(
            started_on, following, complaint_timescales()
        )
        locked.version += 1
        locked.save()
        case_event_record(
            case=locked.case,
            kind="complaint_escalated",
            summary=(
                f"Complaint moved to {locked.get_stage_display().lower()}; response due "
                f"{locked.response_due_on:%-d %B %Y}"
            ),
            actor=actor,
            family_visible=True,
        )
    return locked


def complaint_close(
    *,
    complaint: Complaint,
    version: int,
    closed_on: date,
    outcome: str,
    outcome_summary: str,
    remedy: str,
    actor: User,
) -> Complaint:
    if outcome not in Complaint.Outcome.values:
        raise QualityError("Choose the outcome.")
    with transaction.atomic():
        locked = _locked_at(complaint, version)
        if closed_on < locked.received_on:
            raise QualityError("The complaint cannot close before it was received.")
        locked.stage = Complaint.Stage.CLOSED
        locked.outcome = outcome
        locked.outcome_summary = outcome_summary
        locked.remedy = remedy
        locked.closed_on = closed_on
        locked.response_due_on = None
        locked.version += 1
        locked.save()
        case_event_record(
            case=locked.case,
            kind="complaint_closed",
            summary=f"Complaint closed: {locked.get_outcome_display().lower()}",
            actor=actor,
            family_visible=True,
            data={"remedy": remedy[:500]} if remedy else None,
        )
    return locked


# --- the contact log ----------------------------------------------------------------------------


def contact_log(
    *,
    case: Case,
    call_type: CallType,
    channel: str,
    contact_with: str,
    inbound: bool,
    note: str,
    happened_on: date,
    actor: User,
    idempotency_key: uuid.UUID,
) -> Contact:
    """One contact on the case and its line on the staff timeline; a resubmitted form (the same
    idempotency key) records nothing more."""
    existing = Contact.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                case=case,
                call_type=call_type,
                channel=channel,
                contact_with=contact_with,
                inbound=inbound,
                note=note,
                happened_on=happened_on,
                recorded_by=actor,
                idempotency_key=idempotency_key,
            )
            direction = "from" if inbound else "to"
            case_event_record(
                case=case,
                kind="contact",
                summary=(
                    f"{contact.get_channel_display()} {direction} "
                    f"{contact.get_contact_with_display().lower()}: {call_type.name}"
                ),
                actor=actor,
                data={"contact_id": contact.pk},
            )
    except IntegrityError:
        return Contact.objects.get(idempotency_key=idempotency_key)
    return contact


def complaints_open_q() -> Q:
    return ~Q(stage=Complaint.Stage.CLOSED)
