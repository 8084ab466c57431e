"""The schools demo: the demo SENCO (senco@demo.ehcp.test) has a request they sent, a plan
naming their school with an annual review due (to arrange), a second plan whose review meeting
was last week (to write and send the report), provision to confirm for the term, and a pupil
moving phase next September. The demo parent (parent@demo.ehcp.test) is that second child's
parent, so the family sees the review and the delivery record. A second SENCO, of another
school, sees none of it. A few rows, built through the real services."""

from __future__ import annotations

from datetime import date, timedelta

from cases.casework.selectors import transfer_year_now
from cases.demo import DemoCouncil, demo_at
from cases.models import Case, Setting, Stage
from cases.plans.models import Plan
from cases.plans.reviews import review_schedule, review_set_meeting
from cases.schools.alerts import schools_daily
from cases.schools.models import Delivery, ProvisionConfirmation, SchoolReview
from cases.schools.services import final_version, provision_items, school_review_contribute
from cases.schools.terms import last_ended_term
from cases.statutory import ANNUAL_REVIEW_MONTHS, add_months
from ehcp_portal.accounts.models import Role, User
from families.models import Consent, FamilyMembership, RequestDraft


def build_school_demo(council: DemoCouncil) -> None:
    senco = User.objects.filter(email="senco@demo.ehcp.test").select_related("setting").first()
    parent = User.objects.filter(email="parent@demo.ehcp.test").first()
    if senco is None or senco.setting is None:
        return
    setting = senco.setting
    today = council.today
    other = next(
        (s for s in council.settings_by_area[council.areas[0].pk] if s.pk != setting.pk), None
    )
    if other is not None:
        council.user(
            "senco2@demo.ehcp.test",
            council.name(),
            Role.SCHOOL,
            f"SENCO at {other.name}: sees none of the first SENCO's pupils",
            setting=other,
        )
    # A request the SENCO sent, still being decided.
    sent = (
        Case.objects.filter(stage__in=[Stage.RECEIVED, Stage.DECIDING_ASSESS], request__isnull=True)
        .select_related("child")
        .order_by("pk")
        .first()
    )
    if sent is not None:
        _move_to(sent, setting)
        RequestDraft.objects.create(
            route=RequestDraft.Route.SCHOOL,
            created_by=senco,
            child=sent.child,
            setting=setting,
            case=sent,
            parent_told_on=sent.received_on,
            parent_told_how="meeting",
            submitted_at=demo_at(sent.received_on),
        )
    plans = [
        plan
        for plan in Plan.objects.filter(
            status=Plan.Status.FINAL, case__is_open=True, final_version__isnull=False
        )
        .select_related("case__child")
        .order_by("pk")[:10]
        if not plan.reviews.filter(decision_on__isnull=True).exists()
    ][:2]
    if len(plans) < 2:
        return
    due_soon, met = plans
    # 1. A review falling due in about ten weeks: the SENCO arranges it.
    _name(due_soon, setting, issued=add_months(today, -ANNUAL_REVIEW_MONTHS) + timedelta(days=70))
    case = due_soon.case
    case.phase_transfer_year = transfer_year_now(today)
    case.phase_transfer_post16 = False
    case.save(update_fields=["phase_transfer_year", "phase_transfer_post16"])
    case.child.year_group = "Year 6"
    case.child.save(update_fields=["year_group"])
    review_schedule(plan=due_soon, actor=None, today=today)
    # 2. A review whose meeting was last week: the report is the SENCO's to write and send.
    _name(met, setting, issued=add_months(today, -ANNUAL_REVIEW_MONTHS) + timedelta(days=21))
    review = review_schedule(plan=met, actor=None, today=today - timedelta(days=28))
    review = review_set_meeting(
        review=review,
        meeting_on=today - timedelta(days=5),
        actor=senco,
        invitations_sent_on=today - timedelta(days=26),
    )
    school_review = SchoolReview.objects.create(
        review=review,
        case=met.case,
        setting=setting,
        arranged_by=senco,
        invitees=["family", "caseworker"],
    )
    if parent is not None:
        FamilyMembership.objects.get_or_create(
            user=parent,
            child=met.case.child,
            defaults={"relationship": FamilyMembership.Relationship.PARENT},
        )
        school_review_contribute(
            school_review=school_review,
            user=parent,
            body="Reading has come on well this year. Break times are still hard.",
            today=today - timedelta(days=12),
        )
    school_review.papers_circulated_on = today - timedelta(days=20)
    school_review.save(update_fields=["papers_circulated_on"])
    # Last term's delivery record: the school says delivered, the family says partly.
    term = last_ended_term(today)
    for plan in (due_soon, met):
        for item in provision_items(final_version(plan)):
            for party, status in (("school", Delivery.DELIVERED), ("family", Delivery.PARTLY)):
                ProvisionConfirmation.objects.create(
                    case=plan.case,
                    plan=plan,
                    item_id=item["id"],
                    item_text=item.get("text", ""),
                    term=term.key,
                    party=party,
                    status=status if plan is met else Delivery.DELIVERED,
                    note="",
                    confirmed_by=senco if party == "school" else parent,
                )
    schools_daily(today)


def _move_to(case: Case, setting: Setting) -> None:
    child = case.child
    child.setting = setting
    child.save(update_fields=["setting"])
    if not Consent.objects.filter(
        child=child, party=Consent.Party.SETTING, setting=setting, revoked_at__isnull=True
    ).exists():
        Consent.objects.create(child=child, party=Consent.Party.SETTING, setting=setting)


def _name(plan: Plan, setting: Setting, *, issued: date) -> None:
    """The plan names the school and was made (or last reviewed) on `issued`."""
    _move_to(plan.case, setting)
    plan.named_setting = setting
    plan.issued_on = issued
    plan.save(update_fields=["named_setting", "issued_on"])
    case = plan.case
    case.final_issued_on = issued
    case.last_review_decision_on = None
    case.received_on = min(case.received_on, issued - timedelta(days=140))
    case.save(update_fields=["final_issued_on", "last_review_decision_on", "received_on"])
