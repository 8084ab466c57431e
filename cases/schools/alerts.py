"""The schools app's daily run: reviews due, reviews not started in time, provision
confirmations due, and provision gaps. Each alert is raised exactly once: its key is unique
(SchoolAlert.key), the caseworker's task is created only with a new alert, and the messages are
keyed the same in the outbox. Running the day twice, or a beat firing twice, changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from cases.casework.services import case_task_create
from cases.models import Case
from cases.plans.models import Plan, PlanVersion, Review
from cases.plans.reviews import phase_transfer_due, review_dates, review_schedule
from cases.plans.versions import PlanError
from cases.schools.models import Delivery, ProvisionConfirmation, SchoolAlert
from cases.schools.services import notify, provision_items, setting_staff
from cases.schools.terms import Term, last_ended_term, term_of
from cases.statutory import review_due_notice_on, review_invitations_latest


@dataclass
class DailyResult:
    reviews_scheduled: int = 0
    review_due: int = 0
    review_late: int = 0
    confirm_due: int = 0
    provision_gap: int = 0


def _alert_raise(
    *,
    key: str,
    kind: str,
    case: Case,
    detail: str,
    today: date,
    task_title: str = "",
    task_due: date | None = None,
) -> SchoolAlert | None:
    """The alert if it is new, else None. A task for the caseworker goes with a new alert."""
    try:
        with transaction.atomic():
            alert = SchoolAlert.objects.create(
                key=key, kind=kind, case=case, detail=detail[:300], raised_on=today
            )
            if task_title:
                alert.task = case_task_create(
                    case=case,
                    title=task_title[:200],
                    due_on=task_due,
                    assignee=case.caseworker,
                    actor=None,
                )
                alert.save(update_fields=["task"])
    except IntegrityError:
        return None
    return alert


def _final_plans() -> list[Plan]:
    return list(
        Plan.objects.filter(status=Plan.Status.FINAL, case__is_open=True)
        .select_related("case__child", "case__caseworker", "named_setting")
        .order_by("pk")
    )


def reviews_due(today: date, result: DailyResult) -> None:
    """A final plan whose review falls due soon gets its review scheduled, and the school and
    caseworker are told (s.44(1); reg 18 in a phase transfer year)."""
    open_plan_ids = set(
        Review.objects.filter(decision_on__isnull=True).values_list("plan_id", flat=True)
    )
    for plan in _final_plans():
        case = plan.case
        if plan.pk in open_plan_ids or case.final_issued_on is None:
            continue
        first = case.last_review_decision_on is None
        review_from = case.last_review_decision_on or case.final_issued_on
        due = review_dates(
            received=case.received_on, review_from=review_from, is_first_review=first
        )["annual_review"]
        # reg 18: in a phase transfer year the review must be done by 15 February (31 March).
        transfer = phase_transfer_due(case.child.year_group, today)
        if transfer is not None and today <= transfer < due:
            due = transfer
        if today < review_due_notice_on(due):
            continue
        try:
            review_schedule(plan=plan, actor=None, today=today)
        except PlanError:
            continue
        result.reviews_scheduled += 1
    reviews = (
        Review.objects.filter(decision_on__isnull=True, plan__status=Plan.Status.FINAL)
        .select_related("plan__case__child", "plan__case__caseworker", "plan__named_setting")
        .order_by("pk")
    )
    for review in reviews:
        case = review.plan.case
        complete_by = review.complete_by
        invite_by = review_invitations_latest(complete_by)
        if review.meeting_on is None and today > invite_by:
            alert = _alert_raise(
                key=f"schools:review_late:{review.pk}",
                kind=SchoolAlert.Kind.REVIEW_LATE,
                case=case,
                detail=f"Invitations were due by {invite_by:%-d %B %Y}",
                today=today,
                task_title=f"Annual review not started in time: no meeting arranged by "
                f"{invite_by:%-d %B %Y}; the decision is due by {complete_by:%-d %B %Y}",
                task_due=complete_by,
            )
            if alert is not None:
                result.review_late += 1
                notify(
                    [*setting_staff(review.plan.named_setting_id)],
                    key=alert.key,
                    purpose="school_review_late",
                    subject=f"Annual review for {case.child.full_name} is late to start",
                    body=(
                        f"The annual review must be decided by {complete_by:%-d %B %Y}. The "
                        f"invitations were due by {invite_by:%-d %B %Y}: please arrange the "
                        "meeting now."
                    ),
                    link=reverse("schools:review", args=[case.reference]),
                    case=case,
                )
            continue
        if review.meeting_on is None and today >= review_due_notice_on(complete_by):
            alert = _alert_raise(
                key=f"schools:review_due:{review.pk}",
                kind=SchoolAlert.Kind.REVIEW_DUE,
                case=case,
                detail=f"Due by {complete_by:%-d %B %Y}",
                today=today,
            )
            if alert is not None:
                result.review_due += 1
                notify(
                    [*setting_staff(review.plan.named_setting_id)],
                    key=alert.key,
                    purpose="school_review_due",
                    subject=f"Annual review due for {case.child.full_name}",
                    body=(
                        f"The annual review of {case.child.full_name}'s EHC plan must be "
                        f"decided by {complete_by:%-d %B %Y}. Please arrange the meeting and "
                        f"send the invitations by {invite_by:%-d %B %Y} (at least 2 weeks "
                        "before the meeting)."
                    ),
                    link=reverse("schools:review", args=[case.reference]),
                    case=case,
                )
                if case.caseworker:
                    notify(
                        [case.caseworker],
                        key=alert.key,
                        purpose="school_review_due",
                        subject=f"Annual review due for {case.reference}",
                        body=f"The school has been asked to arrange the review; it must be "
                        f"decided by {complete_by:%-d %B %Y}.",
                        link=reverse("schools:staff_review", args=[case.reference]),
                        case=case,
                    )


def _plans_with_provision() -> list[tuple[Plan, list[dict[str, str]]]]:
    """Final plans naming a school, with the provision items of their final version (two
    queries)."""
    plans = [p for p in _final_plans() if p.named_setting_id and p.final_version]
    final = {p.pk: p.final_version for p in plans}
    versions = {
        v.plan_id: v
        for v in PlanVersion.objects.filter(
            plan_id__in=list(final), number=F("plan__final_version")
        )
    }
    found = []
    for plan in plans:
        items = provision_items(versions.get(plan.pk))
        if items:
            found.append((plan, items))
    return found


def confirmations_due(today: date, result: DailyResult) -> None:
    term = term_of(today)
    if today < term.confirmation_due_from() or today > term.ends:
        return
    confirmed = set(
        ProvisionConfirmation.objects.filter(term=term.key, party="school").values_list(
            "plan_id", "item_id"
        )
    )
    for plan, items in _plans_with_provision():
        if all((plan.pk, item["id"]) in confirmed for item in items):
            continue
        case = plan.case
        alert = _alert_raise(
            key=f"schools:confirm_due:{plan.pk}:{term.key}",
            kind=SchoolAlert.Kind.CONFIRM_DUE,
            case=case,
            detail=term.label,
            today=today,
        )
        if alert is not None:
            result.confirm_due += 1
            notify(
                [*setting_staff(plan.named_setting_id)],
                key=alert.key,
                purpose="school_provision_confirm",
                subject=f"Confirm the provision for {case.child.full_name} this term",
                body=(
                    f"Please confirm whether the provision in section F of "
                    f"{case.child.full_name}'s EHC plan was delivered in the "
                    f"{term.label.lower()}, by {term.ends:%-d %B %Y}."
                ),
                link=reverse("schools:provision", args=[case.reference]),
                case=case,
            )


def _gap_reason(
    school: ProvisionConfirmation | None, family: ProvisionConfirmation | None, ended: bool
) -> str:
    if school is not None and school.status == Delivery.NOT_DELIVERED:
        return "the school says it was not delivered"
    if family is not None and family.status == Delivery.NOT_DELIVERED and school is None:
        return "the family says it was not delivered"
    if school is not None and family is not None and school.status != family.status:
        return (
            f"the school says {school.get_status_display().lower()}, the family says "
            f"{family.get_status_display().lower()}"
        )
    if ended and school is None:
        return "the school did not confirm it by the end of term, though asked"
    return ""


def provision_gaps(today: date, result: DailyResult) -> None:
    """A gap in the provision of section F: not delivered, school and family disagree, or no
    confirmation by the term's end (once the school was asked). The term under way is checked
    for the first two, the term just ended for all three."""
    current = term_of(today)
    ended = last_ended_term(today)
    terms: list[tuple[Term, bool]] = [(ended, True)]
    if current.key != ended.key:
        terms.append((current, False))
    plans = _plans_with_provision()
    if not plans:
        return
    # A school is held to a term's confirmation only once it was asked for it (the alert
    # "confirm_due" of that plan and term): no gap for terms before the portal asked.
    asked = set(
        SchoolAlert.objects.filter(
            kind=SchoolAlert.Kind.CONFIRM_DUE,
            key__in=[
                f"schools:confirm_due:{p.pk}:{t.key}"
                for p, _ in plans
                for t, ended in terms
                if ended
            ],
        ).values_list("key", flat=True)
    )
    found: dict[tuple[int, str, str, str], ProvisionConfirmation] = {
        (c.plan_id, c.term, c.item_id, c.party): c
        for c in ProvisionConfirmation.objects.filter(
            term__in=[t.key for t, _ in terms], plan__in=[p.pk for p, _ in plans]
        )
    }
    for plan, items in plans:
        case = plan.case
        if case.final_issued_on is None:
            continue
        for term, is_ended in terms:
            if case.final_issued_on > term.ends:
                continue  # the plan did not exist in that term
            for item in items:
                school = found.get((plan.pk, term.key, item["id"], "school"))
                family = found.get((plan.pk, term.key, item["id"], "family"))
                was_asked = f"schools:confirm_due:{plan.pk}:{term.key}" in asked
                reason = _gap_reason(school, family, is_ended and was_asked)
                if not reason:
                    continue
                alert = _alert_raise(
                    key=f"schools:gap:{plan.pk}:{term.key}:{item['id']}",
                    kind=SchoolAlert.Kind.PROVISION_GAP,
                    case=case,
                    detail=f"{item['id']}, {term.label}: {reason}",
                    today=today,
                    task_title=f"Provision gap in {term.label.lower()}: {item['id']} "
                    f"({item.get('text', '')[:80]}): {reason}",
                    task_due=today,
                )
                if alert is not None:
                    result.provision_gap += 1


def schools_daily(today: date) -> DailyResult:
    result = DailyResult()
    reviews_due(today, result)
    confirmations_due(today, result)
    provision_gaps(today, result)
    return result
