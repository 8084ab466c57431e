"""Consulting schools and settings about being named in the plan (s.39(2), s.40(2))."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Setting
from cases.plans.models import Consultation, Plan
from cases.plans.versions import PlanError, clean_text
from cases.services import case_event_record
from cases.statutory import timeline
from cases.workflow import TransitionRefused, case_transition

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


@transaction.atomic
def consultation_send(
    *, plan: Plan, settings: list[Setting], actor: User, on: date | None = None
) -> list[Consultation]:
    """Consult settings about being named (s.39(2), s.40(2)); answers due in 15 days (CoP 9.83)."""
    from notifications.services import notification_queue

    plan = Plan.objects.select_for_update(of=("self",)).select_related("case").get(pk=plan.pk)
    if plan.status != Plan.Status.DRAFT_ISSUED:
        raise PlanError("Settings are consulted once the draft plan has been sent to the family.")
    if not settings:
        raise PlanError("Choose at least one setting to consult.")
    on = on or timezone.localdate()
    case = plan.case
    if case.consultation_sent_on is None:
        try:
            case = case_transition(
                case=case,
                action="start_consultation",
                actor=actor,
                on=on,
                data={"settings": [s.name for s in settings]},
            )
        except TransitionRefused as refused:
            raise PlanError(refused.reason) from refused
    due = timeline(case.received_on, consultation_sent=on)["consultation_response"]
    already = set(
        plan.consultations.filter(closed_on__isnull=True).values_list("setting_id", flat=True)
    )
    created = []
    for setting in settings:
        if setting.pk in already:
            continue
        consultation = Consultation.objects.create(
            plan=plan, setting=setting, sent_on=on, sent_by=actor, response_due=due
        )
        created.append(consultation)
        case_event_record(
            case=case,
            kind="consultation_sent",
            summary=f"{setting.name} consulted about being named in the plan",
            actor=actor,
            data={"setting": setting.urn, "response_due": due.isoformat()},
        )
        link = reverse("plans:consultation_respond", args=[consultation.public_id])
        for staff in setting.staff.filter(is_active=True):
            notification_queue(
                recipient=staff,
                purpose="consultation",
                event_key=f"consultation:{consultation.public_id}",
                subject="Consultation about naming your setting in an EHC plan",
                body=(
                    f"Please tell us by {due:%-d %B %Y} whether {setting.name} can meet the "
                    "child's needs set out in the draft plan."
                ),
                link=link,
                statutory=True,
                case=case,
            )
    return created


@transaction.atomic
def consultation_respond(
    *,
    consultation: Consultation,
    actor: User,
    can_meet_needs: bool,
    reasons: str,
    annual_cost: Decimal | None,
    on: date | None = None,
) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.closed_on is not None:
        raise PlanError("This consultation has closed.")
    reasons = clean_text(reasons)
    if not reasons:
        raise PlanError("Give the reasons for your answer.")
    consultation.responded_on = on or timezone.localdate()
    consultation.can_meet_needs = can_meet_needs
    consultation.reasons = reasons
    consultation.annual_cost = annual_cost
    consultation.responded_by = actor
    consultation.save()
    case_event_record(
        case=consultation.plan.case,
        kind="consultation_response",
        summary=(
            f"{consultation.setting.name} answered the consultation: "
            + ("can meet the needs" if can_meet_needs else "cannot meet the needs")
        ),
        actor=actor,
    )
    return consultation
