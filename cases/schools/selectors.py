"""Reads of the schools app: the school's pupils and what it must do next, a review's papers,
the delivery record. Each list runs a fixed number of queries, whatever its length."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from cases.advice.models import AdviceRequest
from cases.casework.selectors import PHASE_TRANSFER_ORDER
from cases.models import Case
from cases.plans.models import Consultation, PlanVersion, Review
from cases.schools.access import CASE_SCHOOL
from cases.schools.models import ProvisionConfirmation, SchoolReview
from cases.schools.services import outcome_items, provision_items
from cases.schools.terms import Term
from cases.statutory import (
    review_decision_due,
    review_invitations_latest,
    review_notice_by,
    review_report_due,
)
from ehcp_portal import access
from families.models import RequestDraft
from families.selectors import drafts_open_for, drafts_submitted_by_setting

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

PUPILS_SHOWN = 200


@dataclass
class NextStep:
    text: str
    by: date | None = None
    url: str = ""


@dataclass
class PupilRow:
    case: Case
    review: Review | None
    steps: list[NextStep] = field(default_factory=list)


def school_cases(user: User) -> QuerySet[Case]:
    return access.cases_for(user, CASE_SCHOOL)


# The SENCO's home lists beside the pupils, each reading only what it shows.
HOME_LIST_LENGTH = 50
# What the two lists of requests show of each (its answers give the child's name).
_REQUEST_LIST_FIELDS = ("public_id", "answers", "child__first_name", "child__last_name")


def school_requests_unsent(user: User) -> QuerySet[RequestDraft]:
    """The school's requests not sent yet, and whether the parent has been told."""
    return (
        drafts_open_for(user)
        .select_related(None)
        .select_related("child")
        .only(*_REQUEST_LIST_FIELDS, "parent_told_on")
    )


def school_requests_sent(user: User) -> QuerySet[RequestDraft]:
    """The school's latest sent requests, each with its case's reference."""
    return (
        drafts_submitted_by_setting(user)
        .select_related(None)
        .select_related("child", "case")
        .only(*_REQUEST_LIST_FIELDS, "submitted_at", "case__reference")[:HOME_LIST_LENGTH]
    )


def school_advice_open(user: User) -> QuerySet[AdviceRequest]:
    """The educational advice asked of the school and not sent yet, soonest due first: the
    case's reference, the date due and the link."""
    return (
        AdviceRequest.objects.filter(
            setting_id=user.setting_id or -1, state__in=AdviceRequest.OPEN_STATES
        )
        .select_related("case")
        .only("public_id", "due_on", "case__reference")
        .order_by("due_on", "id")[:HOME_LIST_LENGTH]
    )


def review_steps(case: Case, review: Review | None, today: date) -> list[NextStep]:
    """What the school must do next for a review, with the date the law sets."""
    if review is None:
        return []
    school_review: SchoolReview | None = getattr(review, "school_review", None)
    url = reverse("schools:review", args=[case.reference])
    if review.meeting_on is None:
        return [
            NextStep(
                "Arrange the annual review meeting and send the invitations",
                review_invitations_latest(review.complete_by),
                url,
            )
        ]
    if school_review is None or school_review.report_sent_on is not None:
        return []
    if school_review.papers_circulated_on is None and today <= review.meeting_on:
        return [
            NextStep(
                "Send the advice and views to everyone invited",
                review_notice_by(review.meeting_on),
                url,
            )
        ]
    if today >= review.meeting_on:
        return [
            NextStep(
                "Write and send the review report",
                review_report_due(review.meeting_on),
                reverse("schools:report", args=[case.reference]),
            )
        ]
    return []


def school_pupils(
    user: User, *, today: date, term: Term, reference: str | None = None
) -> list[PupilRow]:
    """The school's pupils with a request or a plan it may see (the access policy's
    `case.school`), each with its open review and what the school must do next. At most five
    queries: the cases (with child and plan); for those with a plan, their open reviews with the
    school's part and this school's open consultations; open advice requests to this school;
    and, where the school is named in a final plan, this term's confirmations. What is read
    beside the cases is read as plain rows, not prefetched onto them (a third of the page's
    time went to the prefetching)."""
    setting_id = user.setting_id or -1
    visible = school_cases(user)
    if reference is not None:
        visible = visible.filter(reference=reference)
    cases = list(
        visible.select_related("child", "plan")
        # What the rows show and the next steps read: not every column of the case, the child
        # and the plan for each of up to 200 pupils.
        .only(
            "reference",
            "stage",
            "next_deadline_on",
            "child__first_name",
            "child__last_name",
            "plan__status",
            "plan__named_setting_id",
        )
        .order_by("child__last_name", "child__first_name", "reference")[:PUPILS_SHOWN]
    )
    plans = {case.pk: plan for case in cases if (plan := plan_of(case)) is not None}
    plan_ids = [plan.pk for plan in plans.values()]
    reviews: dict[int, Review] = {}
    consultations: dict[int, list[tuple[Any, date | None]]] = {}
    if plan_ids:
        for open_review in Review.objects.filter(
            plan_id__in=plan_ids, decision_on__isnull=True
        ).select_related("school_review"):
            reviews.setdefault(open_review.plan_id, open_review)  # the first, as ordered
        for plan_id, public_id, response_due in Consultation.objects.filter(
            plan_id__in=plan_ids, setting_id=setting_id, closed_on__isnull=True
        ).values_list("plan_id", "public_id", "response_due"):
            consultations.setdefault(plan_id, []).append((public_id, response_due))
    advice: dict[int, list[tuple[Any, date | None]]] = {}
    if cases:
        for case_id, public_id, due_on in AdviceRequest.objects.filter(
            case_id__in=[case.pk for case in cases],
            setting_id=setting_id,
            state__in=AdviceRequest.OPEN_STATES,
        ).values_list("case_id", "public_id", "due_on"):
            advice.setdefault(case_id, []).append((public_id, due_on))
    named = [
        case_id
        for case_id, plan in plans.items()
        if plan.status == "final" and plan.named_setting_id == setting_id
    ]
    confirmed = (
        set(
            ProvisionConfirmation.objects.filter(
                case_id__in=named, term=term.key, party="school"
            ).values_list("case_id", flat=True)
        )
        if named
        else set()
    )
    rows = []
    for case in cases:
        plan = plans.get(case.pk)
        review = reviews.get(plan.pk) if plan is not None else None
        steps = [
            NextStep(
                "Answer the consultation about naming your school",
                response_due,
                reverse("plans:consultation_respond", args=[public_id]),
            )
            for public_id, response_due in (consultations.get(plan.pk, []) if plan else [])
        ]
        steps += [
            NextStep(
                "Send your educational advice",
                due_on,
                reverse("advice:detail", args=[public_id]),
            )
            for public_id, due_on in advice.get(case.pk, [])
        ]
        steps += review_steps(case, review, today)
        if case.pk in named and case.pk not in confirmed:
            steps.append(
                NextStep(
                    f"Confirm the provision delivered this {term.season} term",
                    term.ends,
                    reverse("schools:provision", args=[case.reference]),
                )
            )
        rows.append(PupilRow(case=case, review=review, steps=steps))
    return rows


def _has_plan(case: Case) -> bool:
    try:
        case.plan  # noqa: B018 (select_related: no query)
    except Case.plan.RelatedObjectDoesNotExist:
        return False
    return True


def plan_of(case: Case) -> Any:
    return case.plan if _has_plan(case) else None


def final_plan_version(plan: Any) -> PlanVersion | None:
    if plan is None or plan.final_version is None:
        return None
    return PlanVersion.objects.filter(plan=plan, number=plan.final_version).first()


@dataclass
class DeliveryRow:
    item: dict[str, Any]
    school: ProvisionConfirmation | None
    family: ProvisionConfirmation | None

    @property
    def disagree(self) -> bool:
        return bool(self.school and self.family and self.school.status != self.family.status)


@dataclass
class DeliveryTerm:
    term: str
    rows: list[DeliveryRow]


def delivery_record(plan: Any, version: PlanVersion | None) -> list[DeliveryTerm]:
    """Each term's confirmations of each provision item, newest term first (one query)."""
    if plan is None:
        return []
    items = provision_items(version)
    by_term: dict[str, dict[tuple[str, str], ProvisionConfirmation]] = {}
    for c in ProvisionConfirmation.objects.filter(plan=plan).order_by("-term"):
        by_term.setdefault(c.term, {})[(c.item_id, c.party)] = c
    record = []
    for term_key, found in by_term.items():
        known = {item_id for item_id, _ in found}
        term_items = items + [
            {
                "id": item_id,
                "text": next(c.item_text for (i, _), c in found.items() if i == item_id),
            }
            for item_id in sorted(known - {i["id"] for i in items})
        ]
        record.append(
            DeliveryTerm(
                term=term_key,
                rows=[
                    DeliveryRow(
                        item, found.get((item["id"], "school")), found.get((item["id"], "family"))
                    )
                    for item in term_items
                ],
            )
        )
    return record


def term_confirmations(plan: Any, term: Term, party: str) -> dict[str, ProvisionConfirmation]:
    return {
        c.item_id: c
        for c in ProvisionConfirmation.objects.filter(plan=plan, term=term.key, party=party)
    }


def review_papers(review: Review | None) -> dict[str, Any]:
    """The open review's dates (from the statutory clock) and the school's part."""
    if review is None:
        return {}
    school_review = SchoolReview.objects.filter(review=review).first()
    dates: dict[str, date] = {
        "complete_by": review.complete_by,
        "invitations_latest": review_invitations_latest(review.complete_by),
    }
    if review.meeting_on is not None:
        dates["papers_by"] = review_notice_by(review.meeting_on)
        dates["report_by"] = review_report_due(review.meeting_on)
        dates["decision_by"] = review_decision_due(review.meeting_on)
    return {
        "review": review,
        "school_review": school_review,
        "dates": dates,
        "invitations": list(school_review.invitations.all()) if school_review else [],
        "contributions": list(school_review.contributions.select_related("author"))
        if school_review
        else [],
    }


def latest_review(plan: Any) -> Review | None:
    if plan is None:
        return None
    return plan.reviews.order_by("decision_on", "-due_on", "-id").first() if plan else None


def outcomes_of(version: PlanVersion | None) -> list[dict[str, Any]]:
    return outcome_items(version)


# What a phase transfer list shows of each child and the invitation reads: not every column
# of the case, the child and the plan for each of a page's 50 rows.
TRANSFER_ROW_FIELDS = (
    "reference",
    "phase_transfer_post16",
    "child__first_name",
    "child__last_name",
    "child__setting_id",
    "plan__status",
)


def setting_phase_transfers(user: User, year: int) -> QuerySet[Case]:
    """The school's pupils (that it may see) transferring phase in `year` (reg 18)."""
    return (
        school_cases(user)
        .filter(phase_transfer_year=year, is_open=True)
        .select_related("child", "plan")
        .only(*TRANSFER_ROW_FIELDS)
        .prefetch_related(
            Prefetch(
                "plan__reviews",
                queryset=Review.objects.select_related("school_review").order_by("-due_on", "-id"),
                to_attr="all_reviews",
            )
        )
        .order_by("phase_transfer_post16", "child__last_name", "child__first_name", "reference")
    )


def area_phase_transfers(user: User, year: int) -> QuerySet[Case]:
    """The area's children transferring phase in `year` that the caseworker or manager works."""
    area_id = access.user_area_id(user)
    if area_id is None:
        return Case.objects.none()
    return (
        access.cases_for(user, access.CASE_WORK, within={"area_id": area_id})
        .filter(phase_transfer_year=year, is_open=True)
        .select_related("child", "child__setting", "plan")
        .only(*TRANSFER_ROW_FIELDS, "child__setting__name")
        .prefetch_related(
            Prefetch(
                "plan__reviews",
                queryset=Review.objects.select_related("school_review").order_by("-due_on", "-id"),
                to_attr="all_reviews",
            )
        )
        .order_by(*PHASE_TRANSFER_ORDER)  # the cohort's index order, as casework's list
    )


def review_standing(case: Case) -> str:
    """Where a child's review stands, in words, from the prefetched reviews."""
    if not _has_plan(case):
        return "No plan yet"
    reviews = getattr(case.plan, "all_reviews", [])
    if not reviews:
        return "Review not started"
    review = reviews[0]
    school_review = getattr(review, "school_review", None)
    if review.decision_on:
        return (
            f"Decided ({review.get_decision_display().lower()}) on {review.decision_on:%-d %B %Y}"
        )
    if school_review is not None and school_review.report_sent_on:
        return f"Report sent {school_review.report_sent_on:%-d %B %Y}; decision due"
    if review.meeting_on:
        return f"Meeting on {review.meeting_on:%-d %B %Y}"
    return f"Due by {review.complete_by:%-d %B %Y}; meeting not arranged"


# -- the dashboard's figures (cases.reporting reads these) -------------------------------------

# The alerts the dashboard counts, in its order: each a caseworker's task until it is done.
ALERT_FIGURES: tuple[tuple[str, str], ...] = (
    ("provision_gap", "Provision gaps (section F not delivered, disputed or unconfirmed)"),
    ("review_late", "Annual reviews not started in time"),
)


def school_alert_figures(area_id: int | None, start: date, end: date) -> list[dict[str, Any]]:
    """For each kind of alert: how many were raised in the period and how many are still open
    (the caseworker's task not done), in one aggregate query."""
    from django.db.models import Count

    from cases.schools.models import SchoolAlert

    alerts = SchoolAlert.objects.filter(kind__in=[k for k, _ in ALERT_FIGURES])
    if area_id is not None:
        alerts = alerts.filter(case__area_id=area_id)
    counted: dict[str, Any] = {
        row["kind"]: row
        for row in alerts.values("kind").annotate(
            raised=Count("pk", filter=Q(raised_on__gte=start, raised_on__lte=end)),
            open=Count("pk", filter=Q(task__done_at__isnull=True, task__isnull=False)),
        )
    }
    return [
        {
            "kind": kind,
            "label": label,
            "raised": counted.get(kind, {}).get("raised", 0),
            "open": counted.get(kind, {}).get("open", 0),
        }
        for kind, label in ALERT_FIGURES
    ]


def school_alert_cases(
    area_id: int | None, kind: str, part: str, start: date, end: date
) -> QuerySet[Case] | None:
    """The cases behind one of those figures (None for a figure that does not exist)."""
    from cases.schools.models import SchoolAlert

    if kind not in dict(ALERT_FIGURES) or part not in ("raised", "open"):
        return None
    alerts = SchoolAlert.objects.filter(kind=kind)
    if part == "raised":
        alerts = alerts.filter(raised_on__gte=start, raised_on__lte=end)
    else:
        alerts = alerts.filter(task__isnull=False, task__done_at__isnull=True)
    cases = Case.objects.filter(pk__in=alerts.values("case_id"))
    return cases if area_id is None else cases.filter(area_id=area_id)
