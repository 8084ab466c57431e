"""The SEN2 return as plain records, built from the portal's own facts (sen2.md §2).

Nothing here is typed in for the census: the child's identifiers, sex and ethnicity come from
the child's record (asked on the request form), the request's source from the case, outcome
codes and dates from the case's milestones, the 20-week exception from the case's recorded
exceptions, mediation and tribunal flags from its disputes, the named plan from the final
plan, placements from the plan's placements and needs from the case's needs (section B).

`sen2_persons` streams: it reads the cases in scope a few thousand children at a time (a fixed
number of queries per chunk, whatever the caseload), in a stable order (child, request date,
case), so the same data always gives the same records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import F

from cases import sen2_codes
from cases.casework.models import Dispute
from cases.models import CouncilProfile, DeadlineException, Route, Stage
from cases.plans.models import Placement, Plan, PlanVersion, Review
from cases.sen2.scope import ACTIVE, Period, sen2_cases, sen2_period
from cases.statutory import phase_transfer_deadline

CHUNK = 2000  # children per round of queries


@dataclass
class PlaceDetail:
    """A PlanDetail (what the plan names) or a PlacementDetail (where the child is)."""

    urn: str = ""
    ukprn: str = ""
    sen_setting: str = ""
    sen_setting_other: str = ""
    rank: int = 1
    entry_date: date | None = None  # placements only
    leaving_date: date | None = None
    sen_unit: bool = False
    resourced_provision: bool = False
    residential: str = ""  # placements: Res; the plan's is on NamedPlanRecord
    work_based_learning: str = ""


@dataclass
class NamedPlanRecord:
    start_date: date
    details: list[PlaceDetail] = field(default_factory=list)
    residential: str = ""
    work_based_learning: str = ""
    personal_budget: bool = False
    budget_organised: bool = False
    direct_payments: str = ""
    cease_date: date | None = None
    cease_reason: str = ""


@dataclass
class AssessmentRecord:
    outcome: str
    outcome_date: date | None = None
    mediation: bool = False
    tribunal: bool = False
    other_mediation: bool = False
    other_tribunal: bool = False
    week20: bool = False
    named_plan: NamedPlanRecord | None = None


@dataclass
class ActivePlansRecord:
    placements: list[PlaceDetail] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)  # SENtype, primary first
    review_meeting: date | None = None
    review_outcome: str = ""
    review_draft: date | None = None
    phase_transfer_due: date | None = None
    phase_transfer_final: date | None = None
    last_review: date | None = None


@dataclass
class RequestRecord:
    case_reference: str
    category: str
    outcome: str
    received_date: date | None = None
    request_source: str = ""
    in_youth_accommodation: bool = False
    outcome_date: date | None = None
    mediation: bool = False
    tribunal: bool = False
    assessment: AssessmentRecord | None = None
    active_plans: ActivePlansRecord | None = None


@dataclass
class PersonRecord:
    surname: str
    forename: str
    birth_date: date
    sex: str = ""
    ethnicity: str = ""
    postcode: str = ""
    upn: str = ""
    uln: str = ""
    upn_unknown: str = ""
    requests: list[RequestRecord] = field(default_factory=list)


@dataclass
class HeaderRecord:
    reference_date: date
    la_code: str
    dmo: str
    dco: str
    dsco: str
    serial_no: str = "001"
    release: str = "1"

    @property
    def year(self) -> int:
        return self.reference_date.year


def sen2_header(reference_date: date) -> HeaderRecord:
    profile = CouncilProfile.current()
    return HeaderRecord(
        reference_date=reference_date,
        la_code=profile.la_code,
        dmo=profile.designated_medical_officer,
        dco=profile.designated_clinical_officer,
        dsco=profile.designated_social_care_officer,
    )


CASE_FIELDS = (
    "id",
    "reference",
    "child_id",
    "received_on",
    "route",
    "stage",
    "request_source",
    "in_youth_accommodation",
    "cease_reason",
    "needs",
    "assessment_decision_on",
    "issue_decision_on",
    "final_issued_on",
    "closed_on",
    "transferred_in_on",
    "transfer_plan_dated_on",
    "review_meeting_on",
    "last_review_decision_on",
    "amendments_sent_on",
    "phase_transfer_year",
    "phase_transfer_post16",
    "phase_transfer_amended_on",
    "sen2_category",
    "child__first_name",
    "child__last_name",
    "child__date_of_birth",
    "child__sex",
    "child__ethnicity",
    "child__postcode",
    "child__upn",
    "child__uln",
    "child__upn_unknown",
)
PLAN_FIELDS = (
    "id",
    "case_id",
    "named_setting__urn",
    "sen_setting",
    "sen_setting_other",
    "in_sen_unit",
    "in_resourced_provision",
    "residential",
    "work_based_learning",
    "personal_budget",
    "budget_organised",
    "direct_payments",
)
PLACEMENT_FIELDS = (
    "case_id",
    "setting__urn",
    "sen_setting",
    "sen_setting_other",
    "rank",
    "entry_date",
    "leaving_date",
    "in_sen_unit",
    "in_resourced_provision",
    "residential",
    "work_based_learning",
)

# Which decision a dispute is about decides which SEN2 flag it sets (U10).
_DISPUTE_LEVEL = {"refuse_to_assess": "request", "refuse_to_issue": "assessment"}
CLOSED_WITHOUT_DECISION = frozenset({Stage.WITHDRAWN, Stage.TRANSFERRED_OUT})


def sen2_persons(reference_date: date, *, chunk: int = CHUNK) -> Iterator[PersonRecord]:
    """Every child in scope, with their requests, in a stable order."""
    period = sen2_period(reference_date)
    pairs = list(
        sen2_cases(reference_date)
        .order_by("child_id", "received_on", "id")
        .values_list("child_id", "id")
    )
    start = 0
    while start < len(pairs):
        end = min(start + chunk, len(pairs))
        # Never split one child's cases between two chunks.
        while end < len(pairs) and pairs[end][0] == pairs[end - 1][0]:
            end += 1
        yield from _persons_of(period, [case_id for _, case_id in pairs[start:end]])
        start = end


def _persons_of(period: Period, case_ids: list[int]) -> Iterator[PersonRecord]:
    r = period.reference_date
    rows = list(
        sen2_cases(r)
        .filter(pk__in=case_ids)
        .order_by("child_id", "received_on", "id")
        .values(*CASE_FIELDS)
    )
    plans = {
        p["case_id"]: p for p in Plan.objects.filter(case_id__in=case_ids).values(*PLAN_FIELDS)
    }
    placements: dict[int, list[dict[str, Any]]] = defaultdict(list)
    current = Placement.objects.filter(case_id__in=case_ids, entry_date__lte=r).exclude(
        leaving_date__lt=period.start
    )
    for row in current.order_by("case_id", "rank", "-entry_date", "id").values(*PLACEMENT_FIELDS):
        placements[row["case_id"]].append(row)
    excepted = set(
        DeadlineException.objects.filter(
            case_id__in=case_ids, deadline_key="final_plan"
        ).values_list("case_id", flat=True)
    )
    disputes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for dispute in Dispute.objects.filter(case_id__in=case_ids).values(
        "case_id",
        "decision_event__kind",
        "mediation_contacted_on",
        "mediation_certificate_on",
        "appeal_registered_on",
    ):
        disputes[dispute["case_id"]].append(dict(dispute))
    # Section B of the final plan names the needs, each with its SEN2 code (cases/plans/prefill).
    section_b: dict[int, list[str]] = {}
    for case_id, items in PlanVersion.objects.filter(
        plan__case_id__in=case_ids, number=F("plan__final_version")
    ).values_list("plan__case_id", "sections__B__items"):
        codes = [i.get("code") for i in items or [] if isinstance(i, dict)]
        section_b[case_id] = list(dict.fromkeys(c for c in codes if c in sen2_codes.SEN_TYPES))
    review_outcomes: dict[int, str] = {}
    for case_id, decision in (
        Review.objects.filter(plan__case_id__in=case_ids, decision_on__lte=r)
        .order_by("plan__case_id", "decision_on", "id")
        .values_list("plan__case_id", "decision")
    ):
        review_outcomes[case_id] = sen2_codes.REVIEW_OUTCOME.get(decision, "")

    person: PersonRecord | None = None
    child_id = None
    for row in rows:
        row["needs"] = section_b.get(row["id"]) or row["needs"]
        if row["child_id"] != child_id:
            if person is not None:
                yield person
            child_id = row["child_id"]
            person = PersonRecord(
                surname=row["child__last_name"],
                forename=row["child__first_name"],
                birth_date=row["child__date_of_birth"],
                sex=row["child__sex"],
                ethnicity=row["child__ethnicity"],
                postcode=row["child__postcode"],
                upn=row["child__upn"],
                uln=row["child__uln"],
                upn_unknown=row["child__upn_unknown"],
            )
        assert person is not None
        person.requests.append(
            request_record(
                period,
                row,
                plan=plans.get(row["id"]),
                placements=placements.get(row["id"], []),
                excepted=row["id"] in excepted,
                disputes=disputes.get(row["id"], []),
                review_outcome=review_outcomes.get(row["id"], ""),
            )
        )
    if person is not None:
        yield person


def _by(day: date | None, r: date) -> date | None:
    """The date if it had happened by the reference date."""
    return day if day is not None and day <= r else None


def _decision(
    period: Period, decided: date | None, *, refused: bool, closed: date | None
) -> tuple[str, date | None]:
    """The outcome code and its date: Y/N a decision in the year, H one before it (U13),
    W closed before any decision, A still to decide."""
    if decided is None:
        return ("W", closed) if closed is not None else ("A", None)
    if decided < period.start:
        return "H", None
    return ("N" if refused else "Y"), decided


def request_record(
    period: Period,
    row: dict[str, Any],
    *,
    plan: dict[str, Any] | None,
    placements: list[dict[str, Any]],
    excepted: bool,
    disputes: list[dict[str, Any]],
    review_outcome: str,
) -> RequestRecord:
    r = period.reference_date
    closed = _by(row["closed_on"], r)
    closed_undecided = closed if row["stage"] in CLOSED_WITHOUT_DECISION else None
    transferred_in = row["route"] == Route.TRANSFER_IN and _by(row["transferred_in_on"], r)
    flags = _dispute_flags(disputes, r)

    if transferred_in and row["assessment_decision_on"] is None:
        outcome, outcome_date = "H", None  # a plan transferred in: no request of ours (U13)
    else:
        outcome, outcome_date = _decision(
            period,
            _by(row["assessment_decision_on"], r),
            refused=row["stage"] == Stage.NOT_ASSESSING,
            closed=closed_undecided,
        )
    request = RequestRecord(
        case_reference=row["reference"],
        category=row["sen2_category"],
        outcome=outcome,
        received_date=row["received_on"] if outcome != "H" else None,
        request_source=row["request_source"],
        in_youth_accommodation=row["in_youth_accommodation"],
        outcome_date=outcome_date,
        mediation=flags["request_mediation"],
        tribunal=flags["request_tribunal"],
    )
    if outcome in ("Y", "H"):
        request.assessment = _assessment(
            period, row, plan, excepted, flags, closed_undecided, placements
        )
    if row["sen2_category"] == ACTIVE:
        request.active_plans = _active_plans(period, row, placements, review_outcome)
    return request


def _assessment(
    period: Period,
    row: dict[str, Any],
    plan: dict[str, Any] | None,
    excepted: bool,
    flags: dict[str, bool],
    closed_undecided: date | None,
    placements: list[dict[str, Any]],
) -> AssessmentRecord:
    r = period.reference_date
    transferred = row["route"] == Route.TRANSFER_IN and _by(row["transferred_in_on"], r)
    if transferred and row["issue_decision_on"] is None:
        outcome, outcome_date = "H", None
    else:
        outcome, outcome_date = _decision(
            period,
            _by(row["issue_decision_on"], r),
            refused=row["stage"] == Stage.NOT_ISSUING,
            closed=closed_undecided,
        )
    assessment = AssessmentRecord(
        outcome=outcome,
        outcome_date=outcome_date,
        mediation=flags["assessment_mediation"],
        tribunal=flags["assessment_tribunal"],
        other_mediation=flags["other_mediation"],
        other_tribunal=flags["other_tribunal"],
        # reg 13(3): a recorded exception to the 20 weeks (U16).
        week20=excepted,
    )
    start = _by(row["final_issued_on"], r) or (
        (row["transfer_plan_dated_on"] or row["transferred_in_on"]) if transferred else None
    )
    if outcome in ("Y", "H") and start is not None:
        assessment.named_plan = _named_plan(row, plan, start, r, placements)
    return assessment


def _setting_ids(urn: str | None) -> tuple[str, str]:
    """(URN, UKPRN) from a setting's number: GIAS URNs have 6 digits, UKPRNs 8."""
    number = (urn or "").strip()
    if len(number) == 8:
        return "", number
    return number, ""


def _named_plan(
    row: dict[str, Any],
    plan: dict[str, Any] | None,
    start: date,
    r: date,
    placements: list[dict[str, Any]],
) -> NamedPlanRecord:
    named = NamedPlanRecord(start_date=start)
    if plan is None:
        # A plan made before the portal (imported, or transferred in) has no plan record here:
        # the place it named is the child's first placement under it.
        first = min(
            (p for p in placements if p["rank"] == 1),
            key=lambda p: p["entry_date"],
            default=None,
        )
        if first is not None:
            place = _place(first, r)
            place.entry_date = place.leaving_date = None
            named.details.append(place)
            named.residential = place.residential
            named.work_based_learning = place.work_based_learning
            place.residential = place.work_based_learning = ""
    else:
        urn, ukprn = _setting_ids(plan["named_setting__urn"])
        if urn or ukprn or plan["sen_setting"]:
            named.details.append(
                PlaceDetail(
                    urn=urn,
                    ukprn=ukprn,
                    sen_setting="" if (urn or ukprn) else plan["sen_setting"],
                    sen_setting_other=plan["sen_setting_other"],
                    rank=1,
                    sen_unit=plan["in_sen_unit"],
                    resourced_provision=plan["in_resourced_provision"],
                )
            )
        named.residential = plan["residential"]
        named.work_based_learning = plan["work_based_learning"]
        named.personal_budget = plan["personal_budget"]
        named.budget_organised = plan["budget_organised"]
        named.direct_payments = plan["direct_payments"]
    ceased = (
        _by(row["closed_on"], r) if row["stage"] in (Stage.CEASED, Stage.TRANSFERRED_OUT) else None
    )
    if ceased is not None:
        named.cease_date = ceased
        # Moving to another council is cease reason 5 whatever was typed (s.47; reg 15).
        named.cease_reason = "5" if row["stage"] == Stage.TRANSFERRED_OUT else row["cease_reason"]
    return named


def _place(row: dict[str, Any], r: date) -> PlaceDetail:
    urn, ukprn = _setting_ids(row["setting__urn"])
    return PlaceDetail(
        urn=urn,
        ukprn=ukprn,
        sen_setting="" if (urn or ukprn) else row["sen_setting"],
        sen_setting_other=row["sen_setting_other"],
        rank=row["rank"],
        entry_date=row["entry_date"],
        leaving_date=_by(row["leaving_date"], r),
        sen_unit=row["in_sen_unit"],
        resourced_provision=row["in_resourced_provision"],
        residential=row["residential"],
        work_based_learning=row["work_based_learning"],
    )


def _active_plans(
    period: Period, row: dict[str, Any], placements: list[dict[str, Any]], review_outcome: str
) -> ActivePlansRecord:
    r = period.reference_date
    # The place of each rank current at the reference date (the latest entered, first).
    chosen: dict[int, dict[str, Any]] = {}
    for p in placements:
        if p["leaving_date"] is not None and p["leaving_date"] <= r:
            continue
        chosen.setdefault(p["rank"], p)
    active = ActivePlansRecord(
        placements=[_place(chosen[rank], r) for rank in sorted(chosen)],
        needs=list(row["needs"] or [])[:2],
        review_meeting=_by(row["review_meeting_on"], r),
        review_outcome=review_outcome if row["last_review_decision_on"] else "",
        review_draft=_by(row["amendments_sent_on"], r),
        phase_transfer_final=_by(row["phase_transfer_amended_on"], r),
        last_review=_by(row["last_review_decision_on"], r),
    )
    year = row["phase_transfer_year"]
    if year and year <= r.year:
        due = phase_transfer_deadline(year, bool(row["phase_transfer_post16"]))
        active.phase_transfer_due = _by(due, r)
    return active


def _dispute_flags(disputes: list[dict[str, Any]], r: date) -> dict[str, bool]:
    flags = {
        f"{level}_{kind}": False
        for level in ("request", "assessment", "other")
        for kind in ("mediation", "tribunal")
    }
    for d in disputes:
        level = _DISPUTE_LEVEL.get(d["decision_event__kind"], "other")
        if _by(d["mediation_contacted_on"], r) or _by(d["mediation_certificate_on"], r):
            flags[f"{level}_mediation"] = True
        if _by(d["appeal_registered_on"], r):
            flags[f"{level}_tribunal"] = True
    return flags
