"""Annual reviews of an EHC plan (s.44; SEND Regulations 2014, regs 18-22).

`review_dates` is pure date arithmetic on top of `cases.statutory.timeline`; the services below
record each step on the Review and on the Case, so the statutory clock and caseload lists see it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from cases.models import Case, Stage
from cases.plans.issuing import plan_document_store, plan_family_notify
from cases.plans.models import Plan, Review
from cases.plans.versions import PlanError, clean_text, plan_latest_version
from cases.services import case_event_record, case_refresh_deadline
from cases.statutory import (
    TRANSFER_YEAR_GROUPS,
    amendment_comments_last_day,
    phase_transfer_deadline,
    review_notice_by,
    timeline,
)
from cases.workflow import (
    LetterSent,
    TransitionRefused,
    case_transition,
    case_transition_record,
)

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

# Year groups from which a child moves phase at the end of the academic year (reg 18).
# Year 2 is a transfer only where the child is at an infant school (infant -> junior).
# (cases.statutory.TRANSFER_YEAR_GROUPS)


def academic_year_end(on: date) -> int:
    """The calendar year in which the academic year containing `on` ends (in July)."""
    return on.year + 1 if on.month >= 9 else on.year


def phase_transfer_due(year_group: str, on: date, *, infant_school: bool = False) -> date | None:
    """The reg 18 date for a child in `year_group` on `on`, or None outside a transfer year.

    The transfer happens in September after the academic year containing `on`, so the review
    must be done by 15 February (reg 18(1)) or, secondary to post-16, 31 March (reg 18(2)) of
    the calendar year in which that academic year ends.
    """
    group = (year_group or "").strip().lower()
    if group not in TRANSFER_YEAR_GROUPS:
        return None
    if group == "year 2" and not infant_school:
        return None
    return phase_transfer_deadline(academic_year_end(on), TRANSFER_YEAR_GROUPS[group])


def review_dates(
    *,
    received: date,
    review_from: date,
    is_first_review: bool,
    meeting_on: date | None = None,
    amendments_sent_on: date | None = None,
) -> dict[str, date]:
    """Every date of the review chain, from the statutory clock."""
    milestone = "final_issued" if is_first_review else "last_review_decision"
    t = timeline(
        received,
        **{milestone: review_from},
        review_meeting=meeting_on,
        amendments_sent=amendments_sent_on,
    )
    dates = {"annual_review": t["annual_review"]}
    if meeting_on is not None:
        # reg 20(3),(4): invitations and the advice at least 2 weeks before the meeting.
        dates["invitations_by"] = review_notice_by(meeting_on)
        dates["advice_circulated_by"] = review_notice_by(meeting_on)
        dates["review_report"] = t["review_report"]
        dates["review_decision"] = t["review_decision"]
    if amendments_sent_on is not None:
        dates["amendment_comments"] = t["amendment_comments"]
        dates["amended_plan"] = t["amended_plan"]
    return dates


def review_chain(review: Review) -> dict[str, date]:
    plan = review.plan
    return review_dates(
        received=plan.case.received_on,
        review_from=review.review_from,
        is_first_review=plan.case.last_review_decision_on is None
        or review.review_from == plan.case.final_issued_on,
        meeting_on=review.meeting_on,
        amendments_sent_on=review.amendments_sent_on,
    )


def _infant_school(case: Case) -> bool:
    setting = case.child.setting
    return bool(setting and "infant" in (setting.phase or "").lower())


@transaction.atomic
def review_schedule(*, plan: Plan, actor: User | None, today: date | None = None) -> Review:
    """Schedule the next review within 12 months of the plan or the last review (s.44(1))."""
    plan = (
        Plan.objects.select_for_update(of=("self",))
        .select_related("case__child__setting")
        .get(pk=plan.pk)
    )
    case = plan.case
    if plan.status != Plan.Status.FINAL or case.final_issued_on is None:
        raise PlanError("Only a final plan is reviewed.")
    if plan.reviews.filter(decision_on__isnull=True).exists():
        raise PlanError("A review is already under way.")
    today = today or timezone.localdate()
    last_decision_on = case.last_review_decision_on
    first = last_decision_on is None
    review_from = case.final_issued_on if last_decision_on is None else last_decision_on
    dates = review_dates(received=case.received_on, review_from=review_from, is_first_review=first)
    transfer = phase_transfer_due(case.child.year_group, today, infant_school=_infant_school(case))
    review = Review.objects.create(
        plan=plan,
        review_from=review_from,
        due_on=dates["annual_review"],
        phase_transfer_due=transfer if transfer and transfer >= today else None,
        created_by=actor,
    )
    case_event_record(
        case=case,
        kind="review_scheduled",
        summary=f"Annual review due by {review.complete_by:%-d %B %Y}",
        actor=actor,
        family_visible=True,
    )
    return review


def _save_case(case: Case, *fields: str) -> None:
    case_refresh_deadline(case=case)
    case.save(update_fields=[*fields, "next_deadline_key", "next_deadline_on", "updated_at"])


@transaction.atomic
def review_set_meeting(
    *, review: Review, meeting_on: date, actor: User, invitations_sent_on: date | None = None
) -> Review:
    """Fix the meeting date: invitations and advice go out at least 2 weeks before (reg 20)."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("plan__case")
        .get(pk=review.pk)
    )
    if review.decision_on:
        raise PlanError("This review has been decided.")
    case = review.plan.case
    if meeting_on < review.review_from:
        raise PlanError("The meeting cannot be before the plan or the last review.")
    sent = invitations_sent_on or timezone.localdate()
    if sent > review_notice_by(meeting_on):
        raise PlanError(
            f"Invitations must go out by {review_notice_by(meeting_on):%-d %B %Y}, 2 weeks "
            "before the meeting (reg 20(3)): choose a later meeting date."
        )
    review.meeting_on = meeting_on
    review.invitations_sent_on = sent
    review.save(update_fields=["meeting_on", "invitations_sent_on"])
    case.review_meeting_on = meeting_on
    _save_case(case, "review_meeting_on")
    case_event_record(
        case=case,
        kind="review_meeting",
        summary=f"Annual review meeting on {meeting_on:%-d %B %Y}",
        actor=actor,
        family_visible=True,
    )
    return review


@transaction.atomic
def review_record_report(*, review: Review, received_on: date, actor: User) -> Review:
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("plan__case")
        .get(pk=review.pk)
    )
    if review.meeting_on is None or received_on < review.meeting_on:
        raise PlanError("The report comes after the meeting.")
    review.report_received_on = received_on
    review.save(update_fields=["report_received_on"])
    case = review.plan.case
    case.review_report_received_on = received_on
    _save_case(case, "review_report_received_on")
    case_event_record(
        case=review.plan.case,
        kind="review_report",
        summary="Annual review report received",
        actor=actor,
    )
    return review


def _review_decision_repeated(review: Review, decision: str, on: date, reasons: str) -> bool:
    """True if this very decision is already recorded; PlanError if it cannot be recorded."""
    if review.decision_on:
        if (review.decision, review.decision_on, review.reasons) == (decision, on, reasons):
            return True
        raise PlanError("This review has been decided.")
    if review.meeting_on is None or on < review.meeting_on:
        raise PlanError("The decision follows the review meeting.")
    if decision not in Review.Decision.values:
        raise PlanError("Choose whether to keep, amend or cease the plan.")
    if decision == Review.Decision.CEASE and not reasons:
        raise PlanError("Give the reasons for ceasing the plan: the family will read them.")
    return False


@transaction.atomic
def review_decide(
    *,
    review: Review,
    decision: str,
    actor: User,
    on: date | None = None,
    reasons: str = "",
    cease_reason: str = "",
) -> Review:
    """The council's decision within 4 weeks of the meeting (reg 20(10)).

    Amend: the proposed amendments go with the decision (reg 22(2)), so the family's 15 days
    and the 8 weeks for the amended plan start on the same day. Cease: a letter with appeal
    rights (regs 29-31) through the `cease` transition, whose letter the workflow orders and the
    worker makes (`review_letter_made` then points the review at it).

    The same decision posted again (a double click, the back button) returns the review as it
    was recorded: one decision, one letter.
    """
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("plan__case__child")
        .get(pk=review.pk)
    )
    plan = review.plan
    case = plan.case
    on = on or timezone.localdate()
    reasons = clean_text(reasons)
    if _review_decision_repeated(review, decision, on, reasons):
        return review  # under the review's row lock: nothing is done twice
    if decision == Review.Decision.CEASE:
        # The workflow writes the cease letter (appeal rights, regs 29-31) and tells the family.
        try:
            ceased = case_transition_record(
                case=case,
                action="cease",
                actor=actor,
                on=on,
                reasons=reasons,
                data={"source": "plans", "review": review.pk, "cease_reason": cease_reason},
                # The PDF takes seconds: the worker makes it (the page says it is being prepared).
                letter_later=True,
            )
        except TransitionRefused as refused:
            raise PlanError(refused.reason) from refused
        case = ceased.case
        review.letter = ceased.letter
        plan.status = Plan.Status.CEASED
        plan.ceased_on = on
        plan.cease_reason = reasons
        plan.save(update_fields=["status", "ceased_on", "cease_reason"])
    else:
        if case.stage == Stage.FINAL_ISSUED:
            try:
                case = case_transition(case=case, action="maintain", actor=actor, on=on)
            except TransitionRefused as refused:
                raise PlanError(refused.reason) from refused
        case.last_review_decision_on = on
        fields = ["last_review_decision_on"]
        if decision == Review.Decision.AMEND:
            latest = plan_latest_version(plan).number
            if latest == plan.final_version:
                raise PlanError(
                    "Edit the sections to propose the amendments before deciding to amend: "
                    "they are sent to the family with the decision (reg 22(2))."
                )
            review.proposed_version = latest
            review.amendments_sent_on = on
            case.amendments_sent_on = on
            fields.append("amendments_sent_on")
        _save_case(case, *fields)
        if decision == Review.Decision.AMEND:
            plan_family_notify(
                plan=plan,
                purpose="amendments",
                subject="Proposed amendments to your child's EHC plan",
                body=(
                    "Please read the proposed amendments. You can comment on them until "
                    f"{amendment_comments_last_day(on):%-d %B %Y}."
                ),
            )
        case_event_record(
            case=case,
            kind="review_decision",
            summary=f"Annual review decision: {Review.Decision(decision).label.lower()}",
            actor=actor,
            family_visible=True,
            data={"decision": decision, "reasons": reasons},
        )
    review.decision = decision
    review.decision_on = on
    review.reasons = reasons
    review.save()
    return review


def review_letter_made(sent: LetterSent) -> None:
    """After-letter hook (`cases.workflow.register_after_letter`): when the worker has made an
    annual review's cease letter, the review points at it. One UPDATE, only for review letters."""
    data = sent.event.data if sent.event is not None else None
    if not data or data.get("source") != "plans" or not data.get("review"):
        return
    Review.objects.filter(pk=data["review"], letter__isnull=True).update(letter=sent.document)


@transaction.atomic
def review_issue_amended_plan(*, review: Review, actor: User, on: date | None = None) -> Review:
    """The amended final plan (reg 22(3)): after the family's 15 days, within 8 weeks."""
    from cases.plans.pdf import plan_pdf_render

    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("plan__case__child")
        .get(pk=review.pk)
    )
    on = on or timezone.localdate()
    if review.decision != Review.Decision.AMEND or review.amendments_sent_on is None:
        raise PlanError("There are no proposed amendments to finalise.")
    if review.amended_issued_on:
        raise PlanError("The amended plan has already been issued.")
    comments_until = amendment_comments_last_day(review.amendments_sent_on)
    if on <= comments_until:
        raise PlanError(
            f"The family can comment on the amendments until {comments_until:%-d %B %Y}."
        )
    plan = review.plan
    version = plan_latest_version(plan)
    pdf = plan_pdf_render(plan=plan, version=version, issued_on=on)
    plan.final_document = plan_document_store(
        plan=plan, pdf=pdf, title=f"Amended EHC plan, version {version.number}", actor=actor
    )
    plan.final_version = version.number
    plan.issued_on = on
    plan.save(update_fields=["final_document", "final_version", "issued_on"])
    plan_family_notify(
        plan=plan,
        purpose="amended_plan",
        subject="Your child's amended EHC plan has been issued",
        body="The amended plan is ready to read. It explains your right to appeal.",
    )
    review.amended_issued_on = on
    review.save(update_fields=["amended_issued_on"])
    plan.case.amended_plan_issued_on = on
    _save_case(plan.case, "amended_plan_issued_on")
    case_event_record(
        case=plan.case,
        kind="amended_plan",
        summary="The amended EHC plan was issued",
        actor=actor,
        family_visible=True,
    )
    return review
