"""Quality in the demo council: two QA officers (qa@ has plans to audit and one to moderate),
graded audits on the dashboard, a complaint in progress on the demo parent's case, survey
answers (and a survey waiting for the demo parent), and contacts logged by type."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from cases.demo import DemoCouncil
from cases.models import Area, Case
from cases.plans.models import Plan
from cases.quality.models import (
    AuditScore,
    CallType,
    Complaint,
    Contact,
    Criterion,
    Grade,
    PlanAudit,
    SurveyResponse,
)
from cases.quality.services import complaint_escalate, complaint_record
from cases.quality.surveys import surveys_invite
from ehcp_portal.accounts.models import Role, User

COMMENTS = [
    "The caseworker rang us back the same day and explained everything.",
    "We waited a long time to hear anything after the request.",
    "The draft plan used our words about our son. Thank you.",
    "Letters were hard to understand.",
]


def build_quality(council: DemoCouncil) -> None:
    qa = council.user(
        "qa@demo.ehcp.test",
        council.name(),
        Role.QA_OFFICER,
        "quality assurance officer: plans to audit, an audit to moderate",
    )
    qa2 = council.user(
        "qa2@demo.ehcp.test", council.name(), Role.QA_OFFICER, "a second QA officer (moderation)"
    )
    _audits(council, qa, qa2)
    _complaint(council)
    _surveys(council)
    _contacts(council)


def _audits(council: DemoCouncil, qa: User, qa2: User) -> None:
    month = council.today.replace(day=1)
    plans = list(Plan.objects.filter(status=Plan.Status.FINAL).select_related("case")[:8])
    criteria = list(Criterion.objects.filter(active=True))
    now = timezone.now()
    grades = [Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.OUTSTANDING, Grade.INADEQUATE]
    for i, plan in enumerate(plans):
        audit = PlanAudit.objects.create(
            plan=plan,
            case=plan.case,
            caseworker_id=plan.case.caseworker_id,
            team_id=plan.case.team_id,
            version_number=plan.final_version,
            month=month,
            reason="10% sample of plans issued",
        )
        if i < 3:
            continue  # for qa@ to audit
        grade = grades[i % len(grades)]
        audit.status = PlanAudit.Status.AUDITED
        audit.auditor = qa2 if i == 3 else qa
        audit.grade = grade
        audit.comments = "Outcomes need dates and measures."
        audit.action_for_caseworker = "Make the outcomes in section E measurable."
        audit.audited_at = now - timedelta(days=i)
        if i > 4:
            audit.status = PlanAudit.Status.MODERATED
            audit.moderator = qa2
            audit.moderated_grade = grade
            audit.moderated_at = now
        audit.save()
        AuditScore.objects.bulk_create(
            AuditScore(audit=audit, criterion=c, grade=grades[(i + n) % len(grades)])
            for n, c in enumerate(criteria)
        )


def _demo_parent_case() -> Case | None:
    return (
        Case.objects.filter(child__memberships__user__email="parent@demo.ehcp.test")
        .order_by("pk")
        .first()
    )


def _complaint(council: DemoCouncil) -> None:
    case = _demo_parent_case()
    if case is None or case.caseworker is None:
        return
    complaint = complaint_record(
        case=case,
        kind=Complaint.Kind.COMPLAINT,
        received_on=council.today - timedelta(days=31),
        summary="We have not been told what is happening with the assessment.",
        actor=case.caseworker,
    )
    complaint_escalate(
        complaint=complaint,
        version=complaint.version,
        started_on=council.today - timedelta(days=5),
        actor=case.caseworker,
    )


def _surveys(council: DemoCouncil) -> None:
    month = council.today.replace(day=1)
    areas: list[Area | None] = [*council.areas] or [None]
    for i in range(12):
        SurveyResponse.objects.create(
            area=areas[i % len(areas)],
            decision_point=["decision_to_assess", "decision_to_issue", "plan_issued"][i % 3],
            respondent_kind="school" if i % 4 == 3 else "family",
            month=month,
            satisfaction=(5, 4, 2, 3)[i % 4],
            listened_to=(4, 5, 2, 3)[i % 4],
            clear=(4, 3, 2, 5)[i % 4],
            comment=COMMENTS[i % len(COMMENTS)] if i < 6 else "",
        )
    case = _demo_parent_case()
    if case is not None:
        surveys_invite(case=case, decision_point="decision_to_assess")


def _contacts(council: DemoCouncil) -> None:
    types = list(CallType.objects.filter(active=True))
    cases = list(Case.objects.filter(is_open=True, caseworker__isnull=False).order_by("pk")[:10])
    if not types:
        return
    for i, case in enumerate(cases):
        Contact.objects.create(
            case=case,
            call_type=types[i % len(types)],
            channel=("phone", "email", "meeting")[i % 3],
            contact_with="school" if i % 4 == 3 else "family",
            inbound=i % 2 == 0,
            happened_on=council.today - timedelta(days=i),
            recorded_by=case.caseworker,
            idempotency_key=uuid.uuid4(),
        )
