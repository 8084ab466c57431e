"""Plans in the demo council: the demo caseworker's cases past the decision to issue have a
plan at the matching status, and a case in consultation asks the demo SENCO's school (a few
dozen rows, no PDFs). Sections start from the same prefill a caseworker's new plan gets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cases.demo import BATCH, DemoCouncil, demo_insert
from cases.models import Case, SettingType, Stage
from cases.plans.models import Consultation, Placement, Plan, PlanVersion, Review
from cases.plans.prefill import plan_sections_from_request
from cases.statutory import timeline
from ehcp_portal.accounts.models import User

PLAN_STATUS_AT: dict[str, Plan.Status] = {
    Stage.DRAFTING: Plan.Status.DRAFTING,
    Stage.DRAFT_WITH_FAMILY: Plan.Status.DRAFT_ISSUED,
    Stage.CONSULTING: Plan.Status.DRAFT_ISSUED,
    Stage.FINAL_ISSUED: Plan.Status.FINAL,
    Stage.MAINTAINED: Plan.Status.FINAL,
}


def build_plans(council: DemoCouncil) -> None:
    _build_named_plans(council)
    build_placements(council)


def build_placements(council: DemoCouncil) -> None:
    """Every child with a final plan is placed, as the final plan recorded it: at their setting
    from the day the plan was issued, to the day it ceased. One in thirty has no school place
    but other arrangements made by the council (s.61). Bulk-inserted: 100,000 cases take
    seconds."""
    closed = {Stage.CEASED, Stage.TRANSFERRED_OUT}
    rows = (
        Case.objects.filter(final_issued_on__isnull=False)
        .order_by("pk")
        .values_list(
            "pk",
            "child__setting_id",
            "child__setting__setting_type",
            "final_issued_on",
            "stage",
            "closed_on",
        )
    )
    placements = []
    for pk, setting_id, kind, issued, stage, closed_on in rows.iterator(chunk_size=BATCH):
        elsewhere = setting_id is None or pk % 30 == 0
        placements.append(
            Placement(
                case_id=pk,
                setting_id=None if elsewhere else setting_id,
                sen_setting="OLA" if elsewhere else "",
                entry_date=issued,  # type: ignore[misc]  # not None: filtered above
                leaving_date=closed_on if stage in closed else None,
                in_resourced_provision=kind == SettingType.RESOURCED and not elsewhere,
            )
        )
        if len(placements) >= BATCH:
            demo_insert(Placement, placements)
            placements = []
    demo_insert(Placement, placements)


def _build_named_plans(council: DemoCouncil) -> None:
    senco_setting = (
        User.objects.filter(email="senco@demo.ehcp.test").values_list("setting", flat=True).first()
    )
    cases = Case.objects.filter(
        caseworker__email="caseworker@demo.ehcp.test", stage__in=list(PLAN_STATUS_AT)
    ).select_related("child")[:30]
    for case in cases:
        plan = _plan(case)
        if case.stage == Stage.CONSULTING and senco_setting and case.consultation_sent_on:
            Consultation.objects.create(
                plan=plan,
                setting_id=senco_setting,
                sent_on=case.consultation_sent_on,
                response_due=timeline(
                    case.received_on, consultation_sent=case.consultation_sent_on
                )["consultation_response"],  # CoP 9.83: 15 days
            )


def _plan(case: Case) -> Plan:
    status = PLAN_STATUS_AT[case.stage]
    final = status == Plan.Status.FINAL and case.final_issued_on
    due = timeline(case.received_on)["final_plan"]  # reg 13(2): 20 weeks
    plan = Plan.objects.create(
        case=case,
        status=status,
        named_setting_id=case.child.setting_id if final else None,
        draft_version=1 if status != Plan.Status.DRAFTING else None,
        final_version=1 if final else None,
        twenty_week_due=due if final else None,
        twenty_week_met=((case.final_issued_on <= due) if final and case.final_issued_on else None),
        # Section J: one plan in four has a personal budget, some paid directly.
        personal_budget=case.pk % 4 == 0,
        direct_payments="S" if case.pk % 8 == 0 else "",
    )
    PlanVersion.objects.create(plan=plan, number=1, sections=_sections(case), change="Demo plan")
    if case.stage == Stage.MAINTAINED and case.final_issued_on and case.last_review_decision_on:
        # The first review, when the case's last review decision is it (a later one's history
        # is not simulated), so the performance dashboard counts the demo's annual reviews.
        due = timeline(case.received_on, final_issued=case.final_issued_on)["annual_review"]
        if case.last_review_decision_on <= due + timedelta(days=60):
            Review.objects.create(
                plan=plan,
                review_from=case.final_issued_on,
                due_on=due,
                meeting_on=case.review_meeting_on,
                decision=Review.Decision.MAINTAIN,
                decision_on=case.last_review_decision_on,
            )
    return plan


def _sections(case: Case) -> dict[str, Any]:
    sections = plan_sections_from_request(case)
    if sections["B"]["items"]:
        sections["E"]["items"].append(
            {"id": "E1", "text": "Takes part in lessons with growing independence", "need": "B1"}
        )
        sections["F"]["items"].append(
            {
                "id": "F1",
                "text": "Small-group teaching for 5 hours a week from a trained assistant",
                "need": "B1",
                "outcome": "E1",
            }
        )
    sections["I"]["text"] = "A mainstream school with access to specialist support"
    return sections
