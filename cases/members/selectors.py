"""Reads on member enquiries. Every queryset starts from the access policy; selectors own
select_related so list pages run a fixed number of queries."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db import connection, models
from django.db.models import Aggregate, Count, F, FloatField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cases.deadlines import LABELS
from cases.members import access as members_access
from cases.members.models import (
    OPEN_ENQUIRY_STATUSES,
    EnquiryCategory,
    EnquiryStatus,
    MemberEnquiry,
)
from cases.members.services import POSTCODE
from cases.models import Case, Stage
from ehcp_portal import access
from families.models import Child

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


# --- the member's side ------------------------------------------------------------------------


def _with_shared_case(qs: QuerySet[MemberEnquiry], user: User) -> QuerySet[MemberEnquiry]:
    """Annotate the case facts a member may see, and only those: the subquery is the access
    policy's CASE_MEMBER rule, so without the family's active consent every value is NULL and
    no case data reaches the template at all."""
    shared = access.cases_for(user, access.CASE_MEMBER).filter(pk=OuterRef("case_id"))
    return qs.annotate(
        shared_reference=Subquery(shared.values("reference")[:1]),
        shared_stage=Subquery(shared.values("stage")[:1]),
        shared_next_deadline_key=Subquery(shared.values("next_deadline_key")[:1]),
        shared_next_deadline_on=Subquery(shared.values("next_deadline_on")[:1]),
    )


def label_shared_case(enquiries: list[MemberEnquiry]) -> list[MemberEnquiry]:
    for enquiry in enquiries:
        stage = getattr(enquiry, "shared_stage", None)
        key = getattr(enquiry, "shared_next_deadline_key", None)
        # Display labels for the templates, set on the instance beside the annotations above.
        enquiry.shared_stage_label = Stage(stage).label if stage else ""  # type: ignore[attr-defined]
        enquiry.shared_next_deadline_label = LABELS.get(  # type: ignore[attr-defined]
            key or "", "Next statutory date"
        )
    return enquiries


def member_enquiries_of(user: User) -> QuerySet[MemberEnquiry]:
    """A member's own queries, newest first, with case facts only where the family consents."""
    qs = (
        members_access.member_enquiries_for(user, members_access.ENQUIRY_OWN)
        .select_related("assigned_officer")
        .order_by("-created_at", "-pk")
    )
    return _with_shared_case(qs, user)


def member_enquiry_for_member(user: User, public_id: object) -> MemberEnquiry:
    enquiry = members_access.member_enquiry_or_404(
        user,
        public_id,
        members_access.ENQUIRY_OWN,
        queryset=_with_shared_case(MemberEnquiry.objects.select_related("assigned_officer"), user),
    )
    label_shared_case([enquiry])
    return enquiry


# --- the council's side -----------------------------------------------------------------------

INBOX_VIEWS: dict[str, str] = {
    "open": "Open",
    "unassigned": "Not yet assigned",
    "overdue": "Overdue",
    "answered": "Answered",
    "closed": "Closed",
    "all": "All",
}


def member_inbox_for(user: User, show: str = "open") -> QuerySet[MemberEnquiry]:
    """The casework inbox: a manager's area (and unrouted queries), an officer's assigned."""
    qs = members_access.member_enquiries_for(user, members_access.ENQUIRY_HANDLE).select_related(
        "member", "assigned_officer", "case", "area"
    )
    today = timezone.localdate()
    if show == "open":
        qs = qs.filter(status__in=OPEN_ENQUIRY_STATUSES)
    elif show == "unassigned":
        qs = qs.filter(status=EnquiryStatus.RECEIVED)
    elif show == "overdue":
        qs = qs.filter(status__in=OPEN_ENQUIRY_STATUSES, target_reply_on__lt=today)
    elif show in (EnquiryStatus.ANSWERED, EnquiryStatus.CLOSED):
        qs = qs.filter(status=show)
    return qs.order_by("target_reply_on", "created_at", "pk")


def member_enquiry_for_staff(user: User, public_id: object) -> MemberEnquiry:
    return members_access.member_enquiry_or_404(
        user,
        public_id,
        members_access.ENQUIRY_HANDLE,
        queryset=MemberEnquiry.objects.select_related(
            "member", "assigned_officer", "case", "case__child", "area", "matched_by"
        ),
    )


@dataclass
class CaseCandidate:
    case: Case
    score: int
    reasons: list[str] = field(default_factory=list)


def _name_parts(name: str) -> tuple[str, str]:
    parts = name.split()
    if len(parts) < 2:
        return "", parts[0] if parts else ""
    return parts[0], parts[-1]


def _postcode(text: str) -> str:
    found = POSTCODE.search(text or "")
    return f"{found.group(1)}{found.group(2)}".upper() if found else ""


@dataclass(frozen=True)
class _Given:
    """What the enquirer told us about the child."""

    reference: str
    dob: date | None
    first: str
    last: str

    def weights(self) -> list[tuple[Q, int]]:
        """How much each matching fact counts towards a case's score."""
        weights: list[tuple[Q, int]] = []
        if self.reference:
            weights.append((Q(reference__iexact=self.reference), 100))
        if self.dob:
            weights.append((Q(child__date_of_birth=self.dob), 40))
        if self.last:
            weights.append((Q(child__last_name__iexact=self.last), 30))
        if self.first:
            weights.append((Q(child__first_name__iexact=self.first), 20))
        return weights

    def wanted(self) -> Q | None:
        """A case is a candidate on its reference, its child's date of birth, or the full name.

        The children are found first (one query on the date of birth and name indexes), so
        the cases are read by their reference and child indexes: one condition across both
        tables scanned every open case at 1,000,000 cases."""
        children = Q(pk__in=[])
        if self.dob:
            children |= Q(date_of_birth=self.dob)
        if self.first and self.last:
            children |= Q(first_name__iexact=self.first, last_name__iexact=self.last)
        wanted = Q(pk__in=[])
        if self.reference:
            # References are made in capitals (EHC-2026-000123): an exact match reads the
            # unique index, which any-case matching cannot.
            wanted |= Q(reference=self.reference.upper())
        if children != Q(pk__in=[]):
            child_ids = list(Child.objects.filter(children).values_list("pk", flat=True))
            wanted |= Q(child_id__in=child_ids)
        return None if wanted == Q(pk__in=[]) else wanted

    def reasons(self, case: Case) -> list[str]:
        """The facts the case matches, for the manager to judge the suggestion."""
        child = case.child
        matches = [
            (
                "Case reference",
                bool(self.reference) and case.reference.upper() == self.reference.upper(),
            ),
            ("Date of birth", bool(self.dob) and child.date_of_birth == self.dob),
            ("First name", bool(self.first) and child.first_name.lower() == self.first.lower()),
            ("Last name", bool(self.last) and child.last_name.lower() == self.last.lower()),
        ]
        return [reason for reason, matched in matches if matched]


def member_enquiry_candidates(
    enquiry: MemberEnquiry, user: User, limit: int = 10
) -> list[CaseCandidate]:
    """Cases the query may be about, best first: scored in the database on the reference, the
    child's date of birth and name, among the cases this manager may see. Two queries: the
    children, then their cases."""
    given = _Given(
        enquiry.case_reference_given.strip(),
        enquiry.child_date_of_birth,
        *_name_parts(enquiry.child_name),
    )
    weights = given.weights()
    if not weights:
        return []
    wanted = given.wanted()
    if wanted is None:
        return []
    score = sum(
        (models.Case(models.When(q, then=models.Value(w)), default=models.Value(0)))
        for q, w in weights
    )
    rows = (
        access.cases_for(user, access.CASE_VIEW)
        .filter(wanted)
        .select_related("child")
        .annotate(score=score)
        .order_by("-score", "-received_on", "reference")[:limit]
    )
    postcode = _postcode(enquiry.address)
    candidates = []
    for case in rows:
        reasons = given.reasons(case)
        score_value = case.score
        if postcode and case.child.postcode.replace(" ", "").upper() == postcode:
            reasons.append("Postcode")
            score_value += 10
        candidates.append(CaseCandidate(case=case, score=score_value, reasons=reasons))
    candidates.sort(key=lambda c: -c.score)
    return candidates


# --- reports for the scrutiny board -----------------------------------------------------------


class _Median(Aggregate):
    """PostgreSQL's exact median (percentile_cont(0.5))."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class WardRow:
    ward: str
    counts: list[int]
    total: int = 0
    answered: int = 0
    on_time: int = 0
    # Still open past the target date: late already, so they count against "on time"; leaving
    # them out made the rate look better the longer queries went unanswered.
    overdue_open: int = 0

    @property
    def due(self) -> int:
        return self.answered + self.overdue_open

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.due) if self.due else None


@dataclass
class RepeatConcern:
    reference: str
    enquiries: int
    members: int
    first_received: date
    last_received: date


@dataclass
class MemberEnquiryReport:
    categories: list[tuple[str, str]]
    rows: list[WardRow]
    totals: WardRow
    open: int
    overdue: int
    median_working_days: float | None
    repeat_case_count: int
    repeat_concerns: list[RepeatConcern]

    @property
    def on_time_percent(self) -> int | None:
        return self.totals.on_time_percent


def enquiry_answered_on_time() -> Q:
    """A query answered on or before its target date (the one rule the scrutiny report and the
    performance dashboard count by)."""
    return Q(replied_on__isnull=False, replied_on__lte=F("target_reply_on"))


def member_enquiry_report(
    user: User, *, since: date | None = None, until: date | None = None
) -> MemberEnquiryReport:
    """The scrutiny board's figures, council-wide, in four aggregate queries.

    1. volume, answered and answered-on-time by ward and category;
    2. open, overdue and the median working days to reply;
    3. how many cases had more than one query (council-wide);
    4. those repeat cases this manager may open, with how many queries and members.
    """
    qs = MemberEnquiry.objects.all()
    if since:
        qs = qs.filter(received_on__gte=since)
    if until:
        qs = qs.filter(received_on__lte=until)
    on_time = enquiry_answered_on_time()
    categories = list(EnquiryCategory.choices)
    index = {value: i for i, (value, _) in enumerate(categories)}
    by_ward: dict[str, WardRow] = {}
    totals = WardRow(ward="All wards", counts=[0] * len(categories))
    today = timezone.localdate()
    overdue_open = Q(status__in=OPEN_ENQUIRY_STATUSES, target_reply_on__lt=today)
    grouped = (
        qs.values("member_ward", "category")
        .annotate(
            n=Count("id"),
            answered=Count("id", filter=Q(replied_on__isnull=False)),
            on_time=Count("id", filter=on_time),
            overdue_open=Count("id", filter=overdue_open & Q(replied_on__isnull=True)),
        )
        .order_by()
    )
    for row in grouped:
        ward = row["member_ward"] or "No ward recorded"
        line = by_ward.setdefault(ward, WardRow(ward=ward, counts=[0] * len(categories)))
        for target in (line, totals):
            target.counts[index[row["category"]]] += row["n"]
            target.total += row["n"]
            target.answered += row["answered"]
            target.on_time += row["on_time"]
            target.overdue_open += row["overdue_open"]
    summary_fields: dict[str, object] = {
        "open": Count("id", filter=Q(status__in=OPEN_ENQUIRY_STATUSES)),
        "overdue": Count(
            "id", filter=Q(status__in=OPEN_ENQUIRY_STATUSES, target_reply_on__lt=today)
        ),
    }
    postgres = connection.vendor == "postgresql"
    if postgres:
        summary_fields["median"] = _Median("reply_working_days")
    summary = qs.aggregate(**summary_fields)
    if postgres:
        median = summary["median"]
    else:  # the embedded SQLite demo has no percentile function
        days = [
            d
            for d in qs.filter(reply_working_days__isnull=False).values_list(
                "reply_working_days", flat=True
            )
            if d is not None
        ]
        median = float(statistics.median(days)) if days else None
    repeats = (
        qs.filter(case__isnull=False)
        .values("case_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by()
    )
    visible = access.cases_for(user, access.CASE_VIEW).values("pk")
    repeat_rows = (
        qs.filter(case__in=visible)
        .values("case__reference")
        .annotate(
            n=Count("id"),
            members=Count("member", distinct=True),
            first=models.Min("received_on"),
            last=models.Max("received_on"),
        )
        .filter(n__gte=2)
        .order_by("-n", "-last", "case__reference")[:50]
    )
    return MemberEnquiryReport(
        categories=categories,
        rows=sorted(by_ward.values(), key=lambda r: r.ward),
        totals=totals,
        open=summary["open"],
        overdue=summary["overdue"],
        median_working_days=median,
        repeat_case_count=repeats.count(),
        repeat_concerns=[
            RepeatConcern(
                reference=r["case__reference"],
                enquiries=r["n"],
                members=r["members"],
                first_received=r["first"],
                last_received=r["last"],
            )
            for r in repeat_rows
        ],
    )
