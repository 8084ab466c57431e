"""The bulk cohort route: a CSV of children (e.g. on Funding for Inclusion without a plan,
docs/requirements.md R8) becomes cases to assess, prioritised and assigned by the same rules as
any request.

Every row is judged on its own: a bad row is reported with its reasons and never stops the good
ones. A re-run never duplicates: a child with the same name and date of birth who already has an
open case is reported as a duplicate (imports are serialised by an advisory lock so two uploads
at once cannot both create the child).

Bulk throughout: a fixed number of queries for the whole file (areas, settings, possible
duplicates, candidates, then batched inserts), and caseloads updated in memory as cases are
placed so 5,000 children spread across caseworkers rather than all going to the least busy one.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from cases.assignment import rules
from cases.assignment.facts import assignment_rules_load, candidates_load, priority_weights_load
from cases.assignment.models import AssignmentDecision, CohortImport
from cases.events.models import EventType
from cases.events.services import events_record_bulk
from cases.models import (
    Area,
    Case,
    CaseEvent,
    CaseReferenceCounter,
    Route,
    SenNeed,
    Setting,
    Team,
)
from cases.postcodes import postcode_normalise
from cases.pupil_numbers import upn_normalise, upn_problem
from cases.selectors import areas_by_district, teams_by_area
from cases.services import case_prepare
from cases.statutory import school_year
from ehcp_portal.accounts.models import User
from families.models import Child
from notifications.services import notification_queue

COLUMNS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "postcode",
    "setting_urn",
    "looked_after",
    "needs",
    "upn",
)
REQUIRED_COLUMNS = ("first_name", "last_name", "date_of_birth", "postcode")
MAX_ROWS = 20000
MAX_AGE = 25  # EHC plans run to 25 (Children and Families Act 2014 s.46)
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
NEED_CODES = {n.value for n in SenNeed}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
_LOCK_KEY = 5_005_005  # pg advisory lock: one cohort import at a time


class CohortFileError(Exception):
    """The file as a whole cannot be read (not CSV, missing columns, too many rows)."""


@dataclass
class RowResult:
    row: int
    name: str
    status: str  # "created" | "rejected"
    reasons: list[str] = field(default_factory=list)
    reference: str = ""
    caseworker: str = ""
    area: str = ""
    priority: int = 0


def cohort_rows_read(data: bytes | str) -> list[dict[str, str]]:
    """Parse the CSV into dicts of stripped strings (NUL bytes removed: PostgreSQL refuses them)."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise CohortFileError("The file must be a CSV saved as UTF-8.") from exc
    else:
        text = data.lstrip("\ufeff")
    text = text.replace("\x00", "")
    if not text.strip():
        raise CohortFileError("The file is empty.")
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip().lower() for h in reader.fieldnames or []]
    except csv.Error as exc:
        raise CohortFileError(f"The file is not a readable CSV ({exc}).") from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CohortFileError(
            "The first line must name the columns "
            + ", ".join(COLUMNS)
            + ". Missing: "
            + ", ".join(missing)
            + "."
        )
    reader.fieldnames = header
    rows: list[dict[str, str]] = []
    try:
        for raw in reader:
            if len(rows) >= MAX_ROWS:
                raise CohortFileError(f"The file has more than {MAX_ROWS:,} children; split it.")
            rows.append({k: (v or "").strip() for k, v in raw.items() if isinstance(k, str)})
    except csv.Error as exc:
        raise CohortFileError(f"The file is not a readable CSV ({exc}).") from exc
    return rows


def _parse_date(value: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _names_check(raw: dict[str, str], reasons: list[str]) -> tuple[str, str]:
    first = raw.get("first_name", "")[:100]
    last = raw.get("last_name", "")[:100]
    if not first or not last:
        reasons.append("missing first name or last name")
    return first, last


def _date_of_birth_check(raw: dict[str, str], *, today: date, reasons: list[str]) -> date | None:
    dob_text = raw.get("date_of_birth", "")
    if not dob_text:
        reasons.append("missing date of birth")
        return None
    dob = _parse_date(dob_text)
    if dob is None:
        reasons.append(f"date of birth '{dob_text[:20]}' is not a date (use YYYY-MM-DD)")
    elif dob > today:
        reasons.append("date of birth is in the future")
    elif rules.age_on(dob, today) > MAX_AGE:
        reasons.append(f"over {MAX_AGE}: too old for an EHC plan")
    return dob


def _postcode_check(
    raw: dict[str, str], *, district_area: dict[str, Area], reasons: list[str]
) -> tuple[str, Area | None]:
    """The postcode as the front door stores it, and its area by the one district rule."""
    typed = " ".join(raw.get("postcode", "").upper().split())
    if not typed:
        reasons.append("missing postcode")
        return typed, None
    postcode = postcode_normalise(typed)
    if postcode is None:
        reasons.append(f"bad postcode '{typed[:20]}'")
        return typed, None
    district = postcode.split(" ")[0]
    area = district_area.get(district)
    if area is None:
        reasons.append(f"unknown area: postcode district {district} is not ours")
    return postcode, area


def _needs_check(raw: dict[str, str], reasons: list[str]) -> list[str]:
    needs = [n for n in re.split(r"[;,| ]+", raw.get("needs", "").upper()) if n]
    unknown = [n for n in needs if n not in NEED_CODES]
    if unknown:
        reasons.append(f"unknown need code {', '.join(u[:8] for u in unknown)}")
    return list(dict.fromkeys(needs))


def _validate(
    raw: dict[str, str],
    *,
    today: date,
    district_area: dict[str, Area],
    setting_ids: dict[str, int],
) -> tuple[dict[str, Any] | None, list[str]]:
    reasons: list[str] = []
    first, last = _names_check(raw, reasons)
    dob = _date_of_birth_check(raw, today=today, reasons=reasons)
    postcode, area = _postcode_check(raw, district_area=district_area, reasons=reasons)
    looked_after_text = raw.get("looked_after", "").lower()
    if looked_after_text not in YES | NO:
        reasons.append(f"looked_after must be yes or no, not '{looked_after_text[:10]}'")
    needs = _needs_check(raw, reasons)
    urn = raw.get("setting_urn", "")
    if urn and urn not in setting_ids:
        reasons.append(f"unknown setting URN {urn[:12]}")
    upn = upn_normalise(raw.get("upn", ""))
    problem = upn_problem(upn) if upn else None
    if problem:
        reasons.append(f"UPN {upn[:13]}: {problem}")
    if reasons:
        return None, reasons
    return (
        {
            "first_name": first,
            "last_name": last,
            "date_of_birth": dob,
            "postcode": postcode,
            "area": area,
            "looked_after": looked_after_text in YES,
            "needs": needs,
            "setting_id": setting_ids.get(urn) if urn else None,
            "upn": upn,
        },
        [],
    )


def _references_reserve(*, year: int, count: int) -> list[str]:
    """`count` consecutive references in one locked counter update."""
    counter, _ = CaseReferenceCounter.objects.select_for_update().get_or_create(year=year)
    # Never trust the counter alone: references made outside it (imports from a legacy system,
    # fixtures) would otherwise collide and fail the whole file.
    highest = Case.objects.filter(reference__startswith=f"EHC-{year}-").aggregate(
        m=Max("reference")
    )["m"]
    used = int(highest.rsplit("-", 1)[1]) if highest and highest.rsplit("-", 1)[1].isdigit() else 0
    start = max(counter.last, used) + 1
    counter.last = start + count - 1
    counter.save(update_fields=["last"])
    return [f"EHC-{year}-{n:06d}" for n in range(start, start + count)]


Accepted = tuple[RowResult, dict[str, Any], "int | None"]  # result, parsed row, known child


@dataclass
class _Known:
    """What the database already knows about the file's children (for duplicates/continuity)."""

    child_ids: dict[tuple[str, str, date], int] = field(default_factory=dict)
    # A UPN (check letter valid) with the same date of birth names the child even when the
    # name is spelt differently in the file.
    by_upn: dict[tuple[str, date], int] = field(default_factory=dict)
    open_reference: dict[int, str] = field(default_factory=dict)
    previous_workers: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))


def _child_key(first: str, last: str, dob: date) -> tuple[str, str, date]:
    return first.strip().casefold(), last.strip().casefold(), dob


def _rows_validate(
    rows: list[dict[str, str]], *, today: date
) -> tuple[list[RowResult], list[tuple[RowResult, dict[str, Any]]]]:
    district_area = areas_by_district()
    urns = {r.get("setting_urn", "") for r in rows} - {""}
    setting_ids = dict(Setting.objects.filter(urn__in=urns).values_list("urn", "pk"))
    results: list[RowResult] = []
    valid: list[tuple[RowResult, dict[str, Any]]] = []
    for index, raw in enumerate(rows, start=2):  # row 1 is the header
        name = f"{raw.get('first_name', '')} {raw.get('last_name', '')}".strip()[:200]
        parsed, reasons = _validate(
            raw, today=today, district_area=district_area, setting_ids=setting_ids
        )
        result = RowResult(row=index, name=name, status="rejected", reasons=reasons)
        results.append(result)
        if parsed is not None:
            valid.append((result, parsed))
    return results, valid


def _known_load(valid: list[tuple[RowResult, dict[str, Any]]]) -> _Known:
    """Children already held with the same name and date of birth, and their cases."""
    known = _Known()
    if not valid:
        return known
    dobs = {p["date_of_birth"] for _, p in valid}
    last_names = {p["last_name"].lower() for _, p in valid}
    for row in (
        Child.objects.annotate(last_lower=Lower("last_name"))
        .filter(date_of_birth__in=dobs, last_lower__in=last_names)
        .values("pk", "first_name", "last_name", "date_of_birth")
    ):
        known.child_ids.setdefault(
            _child_key(row["first_name"], row["last_name"], row["date_of_birth"]), row["pk"]
        )
    upns = {p["upn"] for _, p in valid if p.get("upn")}
    for pk, upn, born in (
        Child.objects.filter(upn__in=upns, date_of_birth__in=dobs)
        .order_by("pk")
        .values_list("pk", "upn", "date_of_birth")
    ):
        known.by_upn.setdefault((upn, born), pk)
    for child_id, is_open, reference, worker_id in Case.objects.filter(
        child_id__in=set(known.child_ids.values()) | set(known.by_upn.values())
    ).values_list("child_id", "is_open", "reference", "caseworker_id"):
        if is_open:
            known.open_reference[child_id] = reference
        elif worker_id:
            known.previous_workers[child_id].add(worker_id)
    return known


def _duplicates_reject(
    valid: list[tuple[RowResult, dict[str, Any]]], known: _Known
) -> list[Accepted]:
    """Duplicates: against children who already have an open case, and within the file."""
    seen: dict[tuple[str, str, date], int] = {}
    accepted: list[Accepted] = []
    for result, parsed in valid:
        k = _child_key(parsed["first_name"], parsed["last_name"], parsed["date_of_birth"])
        by_upn = known.by_upn.get((parsed.get("upn", ""), parsed["date_of_birth"]))
        child_id = by_upn if by_upn is not None else known.child_ids.get(k)
        if k in seen:
            result.reasons.append(f"duplicate child: same name and date of birth as row {seen[k]}")
        elif child_id is not None and child_id in known.open_reference:
            reference = known.open_reference[child_id]
            result.reasons.append(f"duplicate child: already has an open case {reference}")
        else:
            seen[k] = result.row
            accepted.append((result, parsed, child_id))
    return accepted


def _children_place(accepted: list[Accepted], *, today: date) -> list[Child]:
    """The child of each accepted row: a known child with no open case is reused (keeps their
    history, the import's looked-after status being the newer fact), else created."""
    new_children = [
        Child(
            first_name=p["first_name"],
            last_name=p["last_name"],
            date_of_birth=p["date_of_birth"],
            postcode=p["postcode"],
            looked_after=p["looked_after"],
            setting_id=p["setting_id"],
            year_group=school_year(p["date_of_birth"], today),
            upn=p.get("upn", ""),
        )
        for _, p, child_id in accepted
        if child_id is None
    ]
    Child.objects.bulk_create(new_children, batch_size=1000)
    reused = {child_id for _, _, child_id in accepted if child_id is not None}
    children_by_id = {c.pk: c for c in Child.objects.filter(pk__in=reused)}
    fresh = iter(new_children)
    children: list[Child] = []
    for _, parsed, child_id in accepted:
        if child_id is None:
            children.append(next(fresh))
        else:
            child = children_by_id[child_id]
            child.looked_after = parsed["looked_after"]
            children.append(child)
    if children_by_id:
        Child.objects.bulk_update(list(children_by_id.values()), ["looked_after"])
    return children


def _cases_prepare(
    accepted: list[Accepted], children: list[Child], known: _Known, *, today: date
) -> list[tuple[RowResult, Case, rules.CaseFacts]]:
    """An unsaved, prioritised case per accepted row, placed by the same rule as every route."""
    references = _references_reserve(year=today.year, count=len(accepted))
    weights = priority_weights_load()
    areas, teams = areas_by_district(), teams_by_area()
    planned: list[tuple[RowResult, Case, rules.CaseFacts]] = []
    for (result, parsed, child_id), child, reference in zip(
        accepted, children, references, strict=True
    ):
        case = case_prepare(
            child=child,
            postcode=parsed["postcode"],
            reference=reference,
            received_on=today,
            route=Route.COHORT,
            channel="import",
            needs=parsed["needs"],
            today=today,
            areas=areas,
            teams=teams,
        )
        # Rows in no area of ours were refused (_postcode_check), and case_prepare applies the
        # same district rule, so every case here has its area.
        area = case.area
        assert area is not None
        case.priority, case.priority_reasons = rules.case_priority(
            case, today=today, weights=weights
        )
        facts = rules.CaseFacts(
            area_id=area.pk,
            area_name=area.name,
            needs=tuple(parsed["needs"]),
            age=rules.age_on(child.date_of_birth, today),
            looked_after=parsed["looked_after"],
            home_language=child.home_language or "",
            previous_caseworker_ids=frozenset(known.previous_workers.get(child_id or 0, ())),
        )
        planned.append((result, case, facts))
    return planned


def _cases_assign(planned: list[tuple[RowResult, Case, rules.CaseFacts]]) -> list[rules.Choice]:
    """Choose each case's caseworker, most urgent first so they have the first pick of capacity;
    caseloads are counted up in memory as cases are placed."""
    configured = assignment_rules_load()
    area_rule = configured[rules.AREA_MATCH]
    if area_rule.enabled and area_rule.hard:
        candidates = candidates_load(
            area_ids={case.area_id for _, case, _ in planned if case.area_id is not None}
        )
    else:
        candidates = candidates_load()
    # One pool per eligibility context (the case's area when the area rule is hard): each
    # case scores the first few of each profile group of its area, not all 2,000 caseworkers
    # of an area at national scale, and the pool keeps its order as caseloads fill.
    pools: dict[tuple[int | None, frozenset[int]], rules.Pool] = {}
    choices: dict[int, rules.Choice] = {}
    for i in sorted(range(len(planned)), key=lambda i: -planned[i][1].priority):
        _, case, facts = planned[i]
        context = rules.eligibility_context(facts, configured)
        pool = pools.get(context)
        if pool is None:
            pool = pools[context] = rules.Pool(facts, candidates, configured)
        choice = pool.choose(facts, runners_up=2)
        choices[i] = choice
        if choice.winner is not None:
            pool.took(choice.winner)
            case.caseworker_id = choice.winner.user_id
            case.team_id = choice.winner.team_id
    return [choices[i] for i in range(len(planned))]


def _decision_and_events(
    case: Case, choice: rules.Choice, *, filename: str, actor: User | None, now: datetime
) -> tuple[AssignmentDecision, list[CaseEvent]]:
    decision = AssignmentDecision(
        case=case,
        kind=AssignmentDecision.Kind.COHORT,
        caseworker_id=choice.winner.user_id if choice.winner else None,
        total=choice.total,
        contributions=[c.as_dict() for c in choice.contributions],
        runners_up=choice.runners_up,
        considered=choice.considered,
        ineligible=choice.ineligible,
        reason=f"Cohort import {filename}"[:200],
        created_at=now,
    )
    received = CaseEvent(
        case=case,
        kind="request_received",
        summary=f"Added from a cohort import ({filename})"[:300],
        actor=actor,
        created_at=now,
    )
    assigned = CaseEvent(
        case=case,
        kind="assigned" if choice.winner else "assignment_unassigned",
        summary=(
            f"Assigned to {choice.winner.name} by the assignment rules"
            if choice.winner
            else "No caseworker was eligible: the case is in the area's unassigned queue"
        ),
        actor=actor,
        data={"explanation": rules.explanation(choice.contributions)},
        created_at=now,
    )
    return decision, [received, assigned]


def _cases_record(
    planned: list[tuple[RowResult, Case, rules.CaseFacts]],
    choices: list[rules.Choice],
    *,
    filename: str,
    actor: User | None,
) -> dict[int, list[str]]:
    """Save the cases, their decisions and timelines in batches; report each row. Returns the
    references left unassigned, by area."""
    Case.objects.bulk_create([c for _, c, _ in planned], batch_size=1000)
    now = timezone.now()
    decisions: list[AssignmentDecision] = []
    events: list[CaseEvent] = []
    unassigned_by_area: dict[int, list[str]] = defaultdict(list)
    for (result, case, _facts), choice in zip(planned, choices, strict=True):
        decision, case_events = _decision_and_events(
            case, choice, filename=filename, actor=actor, now=now
        )
        decisions.append(decision)
        events.extend(case_events)
        result.status = "created"
        result.reference = case.reference
        result.caseworker = choice.winner.name if choice.winner else ""
        assert case.area is not None  # every imported case was built with its area
        result.area = case.area.name
        result.priority = case.priority
        if choice.winner is None:
            unassigned_by_area[case.area.pk].append(case.reference)
    AssignmentDecision.objects.bulk_create(decisions, batch_size=1000)
    CaseEvent.objects.bulk_create(events, batch_size=2000)
    events_record_bulk(
        type=EventType.CASE_OPENED,
        cases=[
            (c, {"stage": c.stage, "route": c.route, "received_on": c.received_on})
            for _, c, _ in planned
        ],
    )
    return unassigned_by_area


def _managers_alert(
    record: CohortImport, unassigned_by_area: dict[int, list[str]], *, filename: str
) -> None:
    """One alert per area manager for the file, not one per child."""
    for team in Team.objects.filter(
        area_id__in=unassigned_by_area, manager__isnull=False
    ).select_related("manager", "area"):
        refs = unassigned_by_area[team.area_id]
        assert team.manager is not None  # the queryset has only teams with a manager
        notification_queue(
            recipient=team.manager,
            purpose="assignment_unassigned",
            event_key=f"cohort-import:{record.pk}:area:{team.area_id}",
            subject=f"{len(refs)} imported case{'s' if len(refs) != 1 else ''} need a caseworker",
            body=(
                f"The cohort import {filename} added {len(refs)} case(s) in {team.area} that no "
                f"caseworker was eligible for. They are waiting in your unassigned queue: "
                + ", ".join(refs[:20])
                + (" …" if len(refs) > 20 else "")
            ),
            link=reverse("assignment:queue"),
        )


@transaction.atomic
def cohort_import(
    *,
    rows: list[dict[str, str]],
    filename: str,
    actor: User | None = None,
    today: date | None = None,
) -> CohortImport:
    """Create, prioritise and assign a case for every good row; report every row."""
    today = today or timezone.localdate()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    results, valid = _rows_validate(rows, today=today)
    known = _known_load(valid)
    accepted = _duplicates_reject(valid, known)
    children = _children_place(accepted, today=today)
    planned = _cases_prepare(accepted, children, known, today=today)
    choices = _cases_assign(planned)
    unassigned_by_area = _cases_record(planned, choices, filename=filename, actor=actor)
    record = CohortImport.objects.create(
        filename=filename[:200],
        uploaded_by=actor,
        rows_total=len(rows),
        created_count=len(planned),
        rejected_count=len(rows) - len(planned),
        unassigned_count=sum(len(v) for v in unassigned_by_area.values()),
        report=[asdict(r) for r in results],
    )
    _managers_alert(record, unassigned_by_area, filename=filename)
    return record
