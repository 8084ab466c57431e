"""Reads on cases. Selectors own select_related/prefetch_related so pages run a fixed number
of queries whatever the caseload size."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, Count, Expression, F, Q, QuerySet, Value
from django.utils import timezone

from cases.assignment.rules import load_percent
from cases.assignment.selectors import capacity_of, default_target_once
from cases.casework.models import CaseTask, Dispute, SavedFilter
from cases.deadlines import CLOCK_FIELDS, Deadline, case_deadlines, phase_transfer_met_q
from cases.models import (
    Area,
    Case,
    CaseEvent,
    Document,
    Message,
    OpenCaseCount,
)
from cases.selectors import open_case_count, open_cases_of, phase_transfer_count
from cases.statutory import ADVICE_WEEKS, add_weeks, transition_point
from ehcp_portal import access
from ehcp_portal.accounts.models import Role, User

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User as UserT


# "Due this week" on the caseload and "at risk this week" on the team page: the same 7 days.
WEEK_AHEAD = timedelta(days=7)


def with_exceptions(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with their recorded exceptions prefetched (one query for the whole list), so the
    one reader of the clock (cases.deadlines.case_deadlines) applies them at no further cost."""
    return qs.prefetch_related("deadline_exceptions")  # who recorded one is not shown


def caseload_for(user: UserT) -> QuerySet[Case]:
    """The open cases a caseworker (or manager) works, most urgent first.

    A caseworker's caseload is the cases assigned to them; a manager's is their area's.
    """
    if user.role == Role.CASEWORKER:
        qs = access.cases_for(user, access.CASE_WORK).filter(caseworker_id=user.pk)
    else:
        # The policy also lets a manager work the council's triage queue (cases with no area,
        # which has its own page); naming the area here lets the area's list indexes
        # (cases.models.Case.Meta) read the page in order instead of sorting every open case,
        # and the policy is applied knowing it (no "or no area" the planner misjudges).
        qs = access.cases_for(user, access.CASE_WORK, within={"area_id": access.user_area_id(user)})
    qs = qs.filter(is_open=True)
    # Priority already weighs the days to the next statutory deadline with the looked-after,
    # transition, complexity and waiting indicators (cases.assignment.rules); ties go to the
    # nearer deadline.
    return qs.select_related("child", "caseworker", "area").order_by(*CASELOAD_SORTS[DEFAULT_SORT])


# The caseload's sortable columns: the `sort` parameter must be one of these keys (a leading
# "-" reverses it); anything else is the default order. Each ends on the reference, so pages
# never overlap. The deadline order reads the (caseworker|area, is_open, next_deadline_on)
# indexes; priority is the default the caseload always had.
_DEADLINE = F("next_deadline_on").asc(nulls_last=True)
CASELOAD_SORTS: dict[str, tuple[Any, ...]] = {
    "priority": ("-priority", _DEADLINE, "reference"),
    "deadline": (_DEADLINE, "reference"),
    "reference": ("reference",),
    "child": ("child__last_name", "child__first_name", "reference"),
    "stage": ("stage", _DEADLINE, "reference"),
}
DEFAULT_SORT = "priority"


def caseload_sort(value: str | None) -> tuple[str, bool]:
    """The column and direction asked for, or the default (a bad value is not an error)."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value[1:] if descending else value
    if key not in CASELOAD_SORTS:
        return DEFAULT_SORT, False
    return key, descending


def _reversed(term: Any) -> Any:
    if isinstance(term, str):
        return term[1:] if term.startswith("-") else f"-{term}"
    # F(...).asc(nulls_last=True) -> desc(nulls_last=True): cases with no deadline stay last.
    return F(term.expression.name).desc(nulls_last=True)


def caseload_ordered(qs: QuerySet[Case], key: str, descending: bool) -> QuerySet[Case]:
    terms = CASELOAD_SORTS[key]
    if descending:
        terms = tuple(_reversed(t) for t in terms)
    return qs.order_by(*terms)


@dataclass(frozen=True)
class CaseloadFilters:
    stage: str = ""
    area_id: int | None = None
    due_this_week: bool = False
    overdue: bool = False
    waiting_on_others: bool = False
    search: str = ""
    caseworker_id: int | None = None


def caseload_kept_count(user: UserT) -> int:
    """The length of the unfiltered caseload, from the kept counts: a caseworker's own open
    cases, or a manager's area's."""
    if user.role == Role.CASEWORKER:
        return open_case_count(OpenCaseCount.Scope.CASEWORKER, user.pk)
    return open_case_count(OpenCaseCount.Scope.AREA, access.user_area_id(user))


def caseload_filtered(
    user: UserT, filters: CaseloadFilters, *, today: date | None = None
) -> QuerySet[Case]:
    today = today or timezone.localdate()
    qs = caseload_for(user)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.area_id:
        qs = qs.filter(area_id=filters.area_id)
    if filters.caseworker_id:
        qs = qs.filter(caseworker_id=filters.caseworker_id)
    # "Due this week" and "overdue" are either/or when both are ticked: show both groups.
    due_q = Q()
    if filters.due_this_week:
        due_q |= Q(next_deadline_on__gte=today, next_deadline_on__lte=today + WEEK_AHEAD)
    if filters.overdue:
        # reg 10(4): a passed deadline with a recorded exception is not overdue.
        due_q |= Q(next_deadline_on__lt=today, next_deadline_excepted=False)
    if due_q:
        qs = qs.filter(due_q)
    if filters.waiting_on_others:
        qs = qs.filter(waiting_on_others=True)
    search = filters.search.replace("\x00", "").strip()
    if search:
        if search.upper().startswith("EHC-") or search[:1].isdigit():
            qs = qs.filter(reference__icontains=search)
        else:
            # On the names the case keeps of its child: the cases walked in the list's order
            # are filtered as they are read, with no lookup of each one's child.
            for word in search.split()[:4]:
                qs = qs.filter(
                    Q(child_first_name__istartswith=word) | Q(child_last_name__istartswith=word)
                )
    return qs


# What a caseload page shows of each case (its row, its flags, its link's cursor): read alone,
# so a page of 25 rows does not build every column of the case, the child and the caseworker
# (at 1,000,000 cases reading the page took 11.6 ms with every column, 7.7 ms with these).
CASELOAD_ROW_FIELDS = (
    "reference",
    "stage",
    "priority",
    "waiting_on_others",
    "advice_requested_on",
    "next_deadline_on",
    "next_deadline_key",
    "next_deadline_excepted",
    "child__first_name",
    "child__last_name",
    "child__looked_after",
    "child__year_group",
    "caseworker__full_name",
    "caseworker__email",
)


def caseload_rows_only(qs: QuerySet[Case]) -> QuerySet[Case]:
    """The caseload's cases with only what its page shows (`CASELOAD_ROW_FIELDS`)."""
    return qs.select_related(None).select_related("child", "caseworker").only(*CASELOAD_ROW_FIELDS)


@dataclass(frozen=True)
class Flag:
    label: str
    tag: str  # GOV.UK tag colour class


def case_flags(case: Case, *, today: date | None = None) -> list[Flag]:
    """Flags on a caseload row, from the case and child already loaded (no queries)."""
    today = today or timezone.localdate()
    flags: list[Flag] = []
    if case.child.looked_after:
        flags.append(Flag("Looked after", "govuk-tag--purple"))
    move = transition_point(case.child.year_group)
    if move:
        flags.append(Flag(f"Transition: {move}", "govuk-tag--turquoise"))
    if (
        case.waiting_on_others
        and case.advice_requested_on is not None
        and add_weeks(case.advice_requested_on, ADVICE_WEEKS) < today
    ):
        flags.append(Flag("Advice overdue", "govuk-tag--red"))
    if case.next_deadline_excepted and case.next_deadline_on and case.next_deadline_on < today:
        flags.append(Flag("Exception recorded", "govuk-tag--grey"))
    return flags


def case_for_page(user: UserT, reference: str, action: str = access.CASE_VIEW) -> Case:
    return access.case_or_404(
        user,
        reference,
        action,
        queryset=with_exceptions(
            # What every part shows of the case (its team is not shown: 0.35 ms a page).
            Case.objects.select_related("child", "caseworker", "area")
        ),
    )


# -- the case page's parts: one list each, so each part runs a fixed number of queries --------


def case_tasks(case: Case) -> list[CaseTask]:
    return list(case.tasks.select_related("assignee"))


def task_assignees_offered(case: Case, tasks: list[CaseTask]) -> list[User]:
    """Who the task form offers by name, with no query: the case's caseworker and whoever has a
    task on the case already. An area has thousands of caseworkers (2,222 at 1,000,000 cases):
    anyone else is found by `area_caseworkers_matching`."""
    people = [case.caseworker, *(t.assignee for t in tasks)]
    offered: dict[int, User] = {}
    for person in people:
        if person is not None and person.is_active:
            offered.setdefault(person.pk, person)
    return sorted(offered.values(), key=lambda u: (u.full_name.lower(), u.email))


# More matches than this and the form asks for the email address instead.
ASSIGNEE_MATCHES_SHOWN = 5


def area_caseworkers_matching(area_id: int | None, text: str) -> list[User]:
    """The area's caseworkers whose email address or full name is `text` (any case), else whose
    name contains it; at most ASSIGNEE_MATCHES_SHOWN + 1 (one or two queries)."""
    text = text.strip()
    if area_id is None or not text:
        return []
    caseworkers = User.objects.filter(role=Role.CASEWORKER, is_active=True, team__area_id=area_id)
    limit = ASSIGNEE_MATCHES_SHOWN + 1
    exact = list(
        caseworkers.filter(Q(email__iexact=text) | Q(full_name__iexact=text)).order_by(
            "full_name", "email"
        )[:limit]
    )
    if exact:
        return exact
    named = caseworkers.filter(full_name__icontains=text).order_by("full_name", "email")
    return list(named[:limit])


def case_disputes(case: Case) -> list[Dispute]:
    return list(case.disputes.select_related("decision_event"))


def case_has_disputable_decision(case: Case, kinds: Any) -> bool:
    return case.events.filter(kind__in=list(kinds)).exists()


def case_documents(case: Case) -> list[Document]:
    return list(case.documents.only("public_id", "title", "kind", "created_at", "case"))


def case_messages(case: Case) -> list[Message]:
    return list(case.messages.select_related("sender"))


def case_events(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("-created_at", "-id")


@dataclass(frozen=True)
class PanelPaperRow:
    paper: Any
    meeting: Any  # the meeting whose agenda it is on, or None
    decision: Any  # the panel's current decision on it, or None


def case_panel_papers(case: Case) -> list[PanelPaperRow]:
    """The case's panel papers, each with the meeting it is on (date, status) and the panel's
    current decision. Read through the ORM relations (the panels app sits beside casework, so
    casework does not import it): four queries whatever the number of papers."""
    rows = []
    papers = case.panel_papers.select_related("panel_type", "author").prefetch_related(
        "agenda_items__meeting", "agenda_items__decisions"
    )
    for paper in papers:
        item = next(iter(paper.agenda_items.all()), None)
        current = [d for d in item.decisions.all() if d.is_current] if item else []
        rows.append(
            PanelPaperRow(
                paper=paper,
                meeting=item.meeting if item else None,
                decision=current[0] if current else None,
            )
        )
    return rows


# -- the team manager's overview ---------------------------------------------------------------


@dataclass(frozen=True)
class CaseworkerLoad:
    caseworker: User
    open_cases: int
    at_risk_this_week: int
    breaches: int
    # The one capacity model (cases.assignment.rules.caseworker_capacity): the FTE-weighted
    # target the assignment rules and rebalancing also read.
    capacity: int

    @property
    def load_percent(self) -> int | None:
        return load_percent(self.open_cases, self.capacity)

    @property
    def full(self) -> bool:
        """The assignment rules give this caseworker no new case (at or over capacity)."""
        return self.open_cases >= self.capacity

    @property
    def over_capacity(self) -> bool:
        return self.open_cases > self.capacity


def manager_area(user: UserT) -> Area | None:
    """The area a manager's team works in (one query)."""
    if not user.team_id:
        return None
    return Area.objects.filter(teams__id=user.team_id).first()


def area_caseworkers(area_id: int | None) -> QuerySet[User]:
    if area_id is None:
        return User.objects.none()
    return (
        User.objects.filter(role=Role.CASEWORKER, is_active=True, team__area_id=area_id)
        .select_related("assignment_profile")
        .order_by("full_name", "email")
    )


def area_caseworkers_counted(area_id: int | None) -> QuerySet[User]:
    """The area's active caseworkers by name, each with its kept open-case count
    (`open_cases`) and profile (for capacity): what `team_caseloads` reads, and only that
    (their name, and their profile's FTE and target caseload)."""
    return (
        area_caseworkers(area_id)
        .annotate(open_cases=open_cases_of(OpenCaseCount.Scope.CASEWORKER))
        .only(
            "full_name", "email", "assignment_profile__fte", "assignment_profile__target_caseload"
        )
    )


def team_caseloads(
    area_id: int | None, *, today: date | None = None, caseworkers: Iterable[User] | None = None
) -> list[CaseworkerLoad]:
    """Each caseworker of the area (or just `caseworkers`: a page of them, from
    `area_caseworkers_counted`) with open cases, deadlines at risk this week and breaches.

    Two queries: the caseworkers with their kept open-case counts, and one aggregate of the
    deadlines this week and the breaches of those caseworkers' open cases, read from the
    (caseworker, is_open, next_deadline_on) index alone: only the rows that are at risk or
    breached, never the area's every open case.
    """
    today = today or timezone.localdate()
    if area_id is None:
        return []
    users = list(area_caseworkers_counted(area_id) if caseworkers is None else caseworkers)
    week_end = today + WEEK_AHEAD
    counts = {
        row["caseworker_id"]: row
        for row in Case.objects.filter(
            caseworker_id__in=[u.pk for u in users],
            is_open=True,
            next_deadline_on__lte=week_end,
        )
        .values("caseworker_id")
        .annotate(
            # Counted on the caseworker column (never null in these rows), not the id: the
            # index holds every column these read, and not the id.
            n_risk=Count("caseworker", filter=Q(next_deadline_on__gte=today)),
            n_breach=Count(
                "caseworker", filter=Q(next_deadline_on__lt=today, next_deadline_excepted=False)
            ),
        )
        .order_by()
    }
    empty = {"n_risk": 0, "n_breach": 0}
    default_target = default_target_once()
    return [
        CaseworkerLoad(
            caseworker=user,
            open_cases=getattr(user, "open_cases", 0),
            at_risk_this_week=counts.get(user.pk, empty)["n_risk"],
            breaches=counts.get(user.pk, empty)["n_breach"],
            capacity=capacity_of(user, default_target),
        )
        for user in users
    ]


def unassigned_queue(area_id: int | None) -> QuerySet[Case]:
    if area_id is None:
        return Case.objects.none()
    return (
        Case.objects.filter(area_id=area_id, is_open=True, caseworker__isnull=True)
        .select_related("child")
        .order_by(F("next_deadline_on").asc(nulls_last=True), "received_on", "reference")
    )


# -- the phase transfer cohort (reg 18) ----------------------------------------------------------


def transfer_year_now(today: date) -> int:
    """The calendar year of the transfers this school year leads to: the September coming."""
    return today.year + 1 if today.month >= 9 else today.year


@dataclass(frozen=True)
class CohortRow:
    case: Case
    deadline: Deadline | None  # the phase transfer deadline, from the case's one clock reader


PHASE_TRANSFER_ORDER = ("phase_transfer_post16", "reference")


def phase_transfer_cohort(user: UserT, year: int) -> QuerySet[Case]:
    """The children of the user's area due to transfer phase in `year` that the user may work
    (a caseworker: their own and their team's; a manager: the area), in the page's order, on
    the (phase_transfer_year, area) index. `phase_transfer_rows` adds each one's deadline."""
    area_id = access.user_area_id(user)
    if area_id is None:
        return Case.objects.none()
    return with_exceptions(
        access.cases_for(user, access.CASE_WORK, within={"area_id": area_id})
        .filter(phase_transfer_year=year, is_open=True)
        .select_related("child", "caseworker")
        # What the list and its download show, and what the clock reads: not every column of
        # the case, the child and the caseworker for each of a page's 50 rows.
        .only(
            "reference",
            *CLOCK_FIELDS,
            "child__first_name",
            "child__last_name",
            "caseworker__full_name",
            "caseworker__email",
        )
        # In order of request within each kind of move: read from the cohort's index a page at
        # a time. (By the child's name, all 20,000 children of an area's cohort at 1,000,000
        # cases were joined and sorted for each page: 400 ms.)
        .order_by(*PHASE_TRANSFER_ORDER)
    )


def phase_transfer_rows(cases: Iterable[Case], *, today: date | None = None) -> list[CohortRow]:
    """Each case with its reg 18 deadline and progress, from the case's one clock reader."""
    today = today or timezone.localdate()
    rows = []
    for case in cases:
        deadline = next(
            (d for d in case_deadlines(case, today=today) if d.key.startswith("phase_transfer")),
            None,
        )
        rows.append(CohortRow(case=case, deadline=deadline))
    return rows


def phase_transfer_progress(user: UserT, cohort: QuerySet[Case], year: int) -> tuple[int, int]:
    """(children in the cohort, plans already amended for the move), in one query: kept for
    an area (`PhaseTransferCount`) when the user may work every case of it (a manager: the
    area's 20,000 at 1,000,000 cases took 2 ms to count), else counted (a caseworker's own and
    team's)."""
    area_id = access.user_area_id(user)
    if area_id is not None and access.may_all(
        user, access.CASE, access.CASE_WORK, {"area_id": area_id}
    ):
        return phase_transfer_count(area_id, year)
    totals = cohort.order_by().aggregate(
        # Columns of the cohort's index (case_open_transfer_order), so it is counted there.
        children=Count("*"),
        amended=Count("reference", filter=phase_transfer_met_q(year)),
    )
    return totals["children"], totals["amended"]


# -- saved filters ----------------------------------------------------------------------------


def saved_filters_for(user: UserT) -> QuerySet[SavedFilter]:
    """The user's own saved filters and those their team shared (one query)."""
    visible = Q(owner_id=user.pk)
    if user.team_id:
        visible |= Q(shared=True, team_id=user.team_id)
    # What the caseload shows of each: its name, whose it is and whether it is shared.
    return (
        SavedFilter.objects.filter(visible)
        .select_related("owner")
        .only("name", "owner", "team", "shared", "query", "owner__full_name", "owner__email")
    )


# -- keyset ("cursor") pages of the caseload ------------------------------------------------------
# A deep page by OFFSET reads and joins every row before it (3 s for page 400 of an area); a
# cursor names the last row shown, so each page starts where the last ended, in index order.


@dataclass(frozen=True)
class SortTerm:
    path: str  # a field of the case, or through the child ("child__last_name")
    descending: bool
    nulls_last: bool  # where a nullable column's empty values go (the deadline)


def caseload_sort_terms(key: str, descending: bool) -> list[SortTerm]:
    terms = CASELOAD_SORTS[key]
    if descending:
        terms = tuple(_reversed(t) for t in terms)
    out = []
    for term in terms:
        if isinstance(term, str):
            out.append(SortTerm(term.lstrip("-"), term.startswith("-"), nulls_last=False))
        else:
            out.append(SortTerm(term.expression.name, term.descending, nulls_last=True))
    return out


def _term_value(case: Case, path: str) -> Any:
    value: Any = case
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def caseload_cursor(case: Case, terms: list[SortTerm]) -> str:
    """The row's values of the sort's columns, as a link carries them."""
    values = [_term_value(case, term.path) for term in terms]
    raw = json.dumps([v.isoformat() if isinstance(v, date) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def caseload_cursor_read(text: str | None, terms: list[SortTerm]) -> list[Any] | None:
    """A cursor from a link, each value checked against its column; None for anything that is
    not one (a typed or stale link shows the first page, never an error)."""
    if not text or len(text) > 800:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != len(terms):
        return None
    out: list[Any] = []
    for term, value in zip(terms, values, strict=True):
        if term.path == "next_deadline_on":
            if value is None:
                out.append(None)
                continue
            try:
                out.append(date.fromisoformat(str(value)))
            except ValueError:
                return None
        elif term.path == "priority":
            if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 2**31 - 1:
                return None
            out.append(value)
        elif isinstance(value, str) and "\x00" not in value and len(value) <= 200:
            out.append(value)
        else:
            return None
    return out


def _ranges_after(term: SortTerm, value: Any, reverse: bool) -> list[Q]:
    """The rows strictly after `value` in this column's order, read forwards or (`reverse`)
    backwards, as ranges of the column in the order they come: at most two, the values past
    it and then the empty ones (the deadline, empty last)."""
    descending = term.descending != reverse
    nulls_at_end = term.nulls_last and not reverse
    if value is None:
        # Empty values are all together at one end: after them is nothing (at the end), or
        # every row with a value (at the start, reading backwards).
        return [] if nulls_at_end or not term.nulls_last else [Q(**{f"{term.path}__isnull": False})]
    ranges = [Q(**{f"{term.path}__{'lt' if descending else 'gt'}": value})]
    if nulls_at_end:
        ranges.append(Q(**{f"{term.path}__isnull": True}))
    return ranges


def _equal(term: SortTerm, value: Any) -> Q:
    if value is None:
        return Q(**{f"{term.path}__isnull": True})
    return Q(**{term.path: value})


class _RowsAfter(Expression):
    """`(a, b) > (x, y)` (`<` for a descending pair): the rows after (x, y) in the order of two
    adjacent columns of an index, read by PostgreSQL as one range of it."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, columns: tuple[str, str], values: tuple[Any, Any], *, less: bool):
        super().__init__()
        self.parts: list[Any] = [F(columns[0]), F(columns[1]), Value(values[0]), Value(values[1])]
        self.less = less

    def get_source_expressions(self) -> list[Any]:
        return self.parts

    def set_source_expressions(self, exprs: Any) -> None:
        self.parts = list(exprs)

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        sql, params = [], []
        for part in self.parts:
            part_sql, part_params = compiler.compile(part)
            sql.append(part_sql)
            params += part_params
        op = "<" if self.less else ">"
        return f"({sql[0]}, {sql[1]}) {op} ({sql[2]}, {sql[3]})", params


def _pair_after(
    first: SortTerm, second: SortTerm, values: tuple[Any, Any], reverse: bool
) -> _RowsAfter | None:
    """The two last ranges of `caseload_keyset` as one, where they are one range of the index:
    two columns of the case read the same way round, neither value empty, the second column
    never empty (else its empty values would come between the two)."""
    if (
        "__" in first.path
        or "__" in second.path
        or first.descending != second.descending
        or second.nulls_last
        or None in values
    ):
        return None
    return _RowsAfter((first.path, second.path), values, less=first.descending != reverse)


def caseload_keyset(
    qs: QuerySet[Case], terms: list[SortTerm], cursor: list[Any], *, reverse: bool = False
) -> list[QuerySet[Case]]:
    """The cases after the cursor in the sort's order (`reverse`: before it, nearest first),
    as querysets to read in turn, each one range of the sort's index: first the rows equal to
    the cursor in every column but the last and after it in the last, then those equal in all
    but the last two and after it in the one before, and so on to the rows after it in the
    first column. So a page starts exactly at the cursor however many rows tie with it: with
    one condition that bounded only the first column, a cursor 10,000 rows into one deadline
    (or one stage) read and dropped those 10,000 rows for every page. Reading stops once a page
    is full (`caseload_keyset_rows`): usually at the first range, at most one query per range."""
    if len(cursor) != len(terms):
        raise ValueError("cursor does not match the sort")
    if reverse:
        qs = qs.order_by(*[_order_term(t, reverse=True) for t in terms])
    parts = []
    level = len(terms) - 1
    while level >= 0:
        pair = (
            _pair_after(terms[level - 1], terms[level], (cursor[level - 1], cursor[level]), reverse)
            if level >= 1
            else None
        )
        if pair is not None:
            # The rows tying with the cursor up to the last column and after it there, then
            # those after it in the column before: one range (at a page boundary inside a run
            # of one priority and deadline, two queries became one).
            level -= 1
            prefix = _equal_prefix(terms, cursor, level)
            parts.append(qs.filter(prefix, pair))
            rest = _ranges_after(terms[level], cursor[level], reverse)[1:]  # its empty values
        else:
            prefix = _equal_prefix(terms, cursor, level)
            rest = _ranges_after(terms[level], cursor[level], reverse)
        parts += [qs.filter(prefix, after) for after in rest]
        level -= 1
    return parts


def _equal_prefix(terms: list[SortTerm], cursor: list[Any], level: int) -> Q:
    prefix = Q()
    for term, value in zip(terms[:level], cursor[:level], strict=True):
        prefix &= _equal(term, value)
    return prefix


def caseload_keyset_rows(parts: list[QuerySet[Case]], limit: int) -> list[Case]:
    """Up to `limit` rows from the parts in turn (the next part is read only when the page is
    not full yet: at the end of a run of rows that tie with the cursor)."""
    rows: list[Case] = []
    for part in parts:
        rows += list(part[: limit - len(rows)])
        if len(rows) >= limit:
            break
    return rows


def _order_term(term: SortTerm, *, reverse: bool) -> Any:
    descending = term.descending != reverse
    if not term.nulls_last:
        return f"-{term.path}" if descending else term.path
    column = F(term.path)
    if reverse:  # the empty values, last forwards, come first backwards
        return column.desc(nulls_first=True) if descending else column.asc(nulls_first=True)
    return column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
