from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.advice.selectors import advice_requests_for_case
from cases.assignment.decisions import (
    AssignmentConflict,
    AssignmentRefused,
    case_assignment_override,
)
from cases.assignment.forms import based_on_initial, caseworker_ids_probe, conflict_data
from cases.assignment.selectors import UNASSIGNED_ROW_FIELDS, with_load
from cases.casework import selectors
from cases.casework.forms import (
    BulkReassignForm,
    CaseActionForm,
    CaseloadFilterForm,
    CaseTaskForm,
    ClockFactForm,
    DeadlineExceptionForm,
    DisputeForm,
    MessageReplyForm,
    PhaseTransferAmendedForm,
    ReassessmentForm,
    ReassignForm,
    SavedFilterForm,
    TransferInForm,
    TribunalComplyForm,
    TribunalOrderForm,
)
from cases.casework.models import CaseTask, Dispute, SavedFilter
from cases.casework.services import (
    DISPUTABLE_EVENT_KINDS,
    CaseworkRefused,
    case_message_reply,
    case_task_complete,
    case_task_create,
    cases_reassign,
    deadline_exception_record,
    dispute_record,
    dispute_update,
    phase_transfer_amended_record,
    reassessment_notify_record,
    saved_filter_create,
    transfer_in_record,
    tribunal_order_comply,
    tribunal_order_record,
)
from cases.correspondence.selectors import case_letter_jobs
from cases.deadlines import LABELS, case_deadlines
from cases.event_pages import case_events_page
from cases.models import EXCEPTABLE_KEYS, Case
from cases.plans.selectors import plan_of
from cases.statutory import PHASE_TRANSFER_BY, PHASE_TRANSFER_POST16_BY
from cases.workflow import (
    ACTIONS,
    Action,
    TransitionRefused,
    action_page,
    allowed_actions,
    case_transition_record,
)
from ehcp_portal import access, exports
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.http import AuthenticatedHttpRequest
from ehcp_portal.pagination import CappedPaginator, CountedPaginator, KeysFirstPaginator
from families.selectors import request_answers_for_case

PAGE_SIZE = 25
UNASSIGNED_SHOWN = 50
TEAM_PAGE_SIZE = 50
PHASE_TRANSFERS_PAGE = 50
CASELOAD_COUNT_CAP = 1_000
# One caseworker's cases (a caseworker's own list, or a manager's filtered to one caseworker)
# are a few hundred at most: a filter or search on them is counted to CASELOAD_COUNT_CAP. An
# area's list is 280,000 open cases at national scale: filtered or searched, it is counted to
# one page, and past that the page asks for a narrower filter. Counting further read most of
# the matching rows (to 1,000 at 1,000,000 cases: 15 ms for the overdue cases, 23 ms for those
# being assessed and waiting on others, 37 ms for a common surname; to 25, 1 to 5 ms).
CASELOAD_AREA_COUNT_CAP = PAGE_SIZE


# -- My caseload --------------------------------------------------------------------------------


def _caseload_filter_caseworkers(user: Any) -> Any:
    """The caseworkers a manager may filter by (their area's); None for a caseworker."""
    if user.role != Role.TEAM_MANAGER:
        return None
    return selectors.area_caseworkers(access.user_area_id(user))


def _caseload_filters(
    request: AuthenticatedHttpRequest, caseworker_ids: list[int] | None = None
) -> tuple[CaseloadFilterForm, selectors.CaseloadFilters]:
    form = CaseloadFilterForm(
        request.GET or None,
        caseworkers=_caseload_filter_caseworkers(request.user),
        caseworker_ids=caseworker_ids,
    )
    filters = selectors.CaseloadFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.CaseloadFilters(
            stage=data["stage"],
            area_id=data["area"].pk if data["area"] else None,
            due_this_week="week" in data["due"],
            overdue="overdue" in data["due"],
            waiting_on_others=data["waiting"],
            search=data["q"],
            caseworker_id=data["caseworker"].pk if data.get("caseworker") else None,
        )
    return form, filters


def _caseload_cases(
    request: AuthenticatedHttpRequest, today: date, caseworker_ids: list[int] | None = None
) -> Any:
    """The caseload as the page's filters and sort ask (the page and its download)."""
    form, filters = _caseload_filters(request, caseworker_ids)
    key, descending = selectors.caseload_sort(request.GET.get("sort"))
    cases = selectors.caseload_ordered(
        selectors.caseload_filtered(request.user, filters, today=today), key, descending
    )
    return form, filters, key, descending, cases


# (sort key, column heading); columns without a key are not sortable.
CASELOAD_COLUMNS = [
    ("reference", "Case"),
    ("child", "Child"),
    ("stage", "Stage"),
    ("deadline", "Next deadline"),
    ("", "Days left"),
    ("priority", "Priority"),
    ("", "Flags"),
]


def _caseload_headers(query: Any, key: str, descending: bool) -> list[dict[str, Any]]:
    """Each column heading with the link that sorts by it and its aria-sort state."""
    headers = []
    for column, label in CASELOAD_COLUMNS:
        header: dict[str, Any] = {"label": label, "key": column}
        if column:
            current = column == key
            # A second click on the current column reverses it; priority starts highest first.
            reverse_next = current and not descending
            link = query.copy()
            link.pop("page", None)
            link["sort"] = f"-{column}" if reverse_next else column
            header["url"] = "?" + link.urlencode()
            shown_descending = descending != (column == "priority")
            header["aria_sort"] = (
                ("descending" if shown_descending else "ascending") if current else "none"
            )
        headers.append(header)
    return headers


def _caseload_title(user: Any, filters: selectors.CaseloadFilters, form: Any) -> str:
    if user.role == Role.CASEWORKER:
        return "My caseload"
    if filters.caseworker_id and form.is_valid() and form.cleaned_data.get("caseworker"):
        return f"Caseload of {form.cleaned_data['caseworker'].get_full_name()}"
    return "Team caseload"


def _caseload_page(
    request: AuthenticatedHttpRequest,
    *,
    save_form: SavedFilterForm | None = None,
    bulk_form: BulkReassignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    may_bulk = user.role == Role.TEAM_MANAGER
    # A manager's page has two lists of the area's caseworkers (the filter, the reassignment):
    # whether they fit a list is asked once for both.
    caseworker_ids = (
        caseworker_ids_probe(selectors.area_caseworkers(access.user_area_id(user)))
        if may_bulk
        else None
    )
    form, filters, key, descending, cases = _caseload_cases(request, today, caseworker_ids)
    cases = selectors.caseload_rows_only(cases)
    # The whole caseload's length is kept (no COUNT over an area's 280,000 open cases); a
    # filtered one is counted only as far as its cap.
    one_caseworker = user.role == Role.CASEWORKER or filters.caseworker_id is not None
    cap = CASELOAD_COUNT_CAP if one_caseworker else CASELOAD_AREA_COUNT_CAP
    paginator: Paginator = (
        CappedPaginator(cases, PAGE_SIZE, cap=cap)
        if filters != selectors.CaseloadFilters()
        else CountedPaginator(cases, PAGE_SIZE, selectors.caseload_kept_count(user))
    )
    query = request.GET.copy()
    for param in ("page", "after", "before"):
        query.pop(param, None)
    page = _caseload_cursor_page(request, paginator, cases, query, key, descending)
    rows = [(case, selectors.case_flags(case, today=today)) for case in page.object_list]
    if may_bulk and bulk_form is None:
        bulk_form = BulkReassignForm(
            prefix="bulk",
            caseworkers=_bulk_caseworkers(user),
            caseworker_ids=caseworker_ids,
            initial={"next_query": query.urlencode()},
        )
    selected = set()
    if bulk_form is not None and bulk_form.is_bound:
        ticked = cast(QueryDict, bulk_form.data).getlist("bulk-cases")
        selected = {str(v).partition(":")[0] for v in ticked}
    return render(
        request,
        "cases/caseload.html",
        {
            "title": _caseload_title(user, filters, form),
            "page": page,
            "rows": rows,
            "form": form,
            "filtered": filters != selectors.CaseloadFilters(),
            "sorted_by": key,
            "sort_descending": descending,
            "headers": _caseload_headers(query, key, descending),
            "query_string": query.urlencode(),
            "saved_filters": list(selectors.saved_filters_for(user)),
            "save_form": save_form
            or SavedFilterForm(prefix="save", initial={"query": query.urlencode()}),
            "bulk_form": bulk_form,
            "selected": selected,
        },
        status=status,
    )


@dataclass
class CursorPage:
    """A page of the caseload, reached by page number (the first pages, old bookmarks) or by
    the cursor of the row before (`after`) or after it (`before`), as its links are."""

    object_list: list[Case]
    paginator: Paginator
    previous_url: str | None
    next_url: str | None


def _caseload_cursor_page(
    request: AuthenticatedHttpRequest,
    paginator: Paginator,
    cases: Any,
    query: QueryDict,
    key: str,
    descending: bool,
) -> CursorPage:
    terms = selectors.caseload_sort_terms(key, descending)
    after = selectors.caseload_cursor_read(request.GET.get("after"), terms)
    before = selectors.caseload_cursor_read(request.GET.get("before"), terms)
    previous_url = None
    if after is not None:
        rows = selectors.caseload_keyset_rows(
            selectors.caseload_keyset(cases, terms, after), PAGE_SIZE + 1
        )
        more_after, more_before = len(rows) > PAGE_SIZE, True
        rows = rows[:PAGE_SIZE]
    elif before is not None:
        rows = selectors.caseload_keyset_rows(
            selectors.caseload_keyset(cases, terms, before, reverse=True), PAGE_SIZE + 1
        )
        more_after, more_before = True, len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
    elif (
        isinstance(paginator, CappedPaginator)
        and paginator.cap <= PAGE_SIZE
        and request.GET.get("page", "1") == "1"
    ):
        # The first page of a list counted no further than one page: reading one row more than
        # the page answers the count as well, so it is not counted separately.
        rows = list(cases[: PAGE_SIZE + 1])
        paginator.counted_as(len(rows))
        more_after, more_before = len(rows) > PAGE_SIZE, False
        rows = rows[:PAGE_SIZE]
    else:
        numbered = paginator.get_page(request.GET.get("page"))
        offset = (numbered.number - 1) * PAGE_SIZE
        if offset:
            # A numbered page past the first (an old bookmark): find the sort's values of the
            # row before it, reading only those columns, then the page after it as Next does.
            # Selecting every joined column for the 10,000 rows before page 400 took 350 ms.
            before_page = cases.values_list(*[t.path for t in terms])[offset - 1 : offset]
            edge = list(before_page)
            rows = (
                selectors.caseload_keyset_rows(
                    selectors.caseload_keyset(cases, terms, list(edge[0])), PAGE_SIZE
                )
                if edge
                else []
            )
        else:
            rows = list(numbered.object_list)
        more_after, more_before = numbered.has_next(), numbered.has_previous()
        if more_before:
            link = query.copy()
            link["page"] = str(numbered.previous_page_number())
            previous_url = "?" + link.urlencode()

    def link_to(param: str, case: Case) -> str:
        link = query.copy()
        link[param] = selectors.caseload_cursor(case, terms)
        return "?" + link.urlencode()

    if more_before and previous_url is None and rows:
        previous_url = link_to("before", rows[0])
    return CursorPage(
        object_list=rows,
        paginator=paginator,
        previous_url=previous_url,
        next_url=link_to("after", rows[-1]) if more_after and rows else None,
    )


@login_required
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.CASEWORKER, Role.TEAM_MANAGER)
    return _caseload_page(request)


@login_required
@require_POST
def saved_filter_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Name the caseload's current filters (and sort), for oneself or the team."""
    access.role_required(request.user, Role.CASEWORKER, Role.TEAM_MANAGER)
    form = SavedFilterForm(request.POST, prefix="save")
    if form.is_valid():
        saved = saved_filter_create(
            owner=request.user,
            name=form.cleaned_data["name"],
            query=form.cleaned_data["query"],
            shared=form.cleaned_data["shared"],
        )
        messages.success(request, f"Filters saved as '{saved.name}'.")
        return redirect(reverse("casework:caseload") + "?" + saved.query)
    # The page the filters were typed on, with the error and the name kept.
    request.GET = QueryDict(form.data.get("save-query", "")[:500])
    return _caseload_page(request, save_form=form)


@login_required
@require_POST
def saved_filter_remove(request: AuthenticatedHttpRequest, filter_id: int) -> HttpResponse:
    """Only the owner removes a saved filter; anyone else's is not found."""
    access.role_required(request.user, Role.CASEWORKER, Role.TEAM_MANAGER)
    saved = get_object_or_404(SavedFilter, pk=filter_id, owner=request.user)
    saved.delete()
    messages.success(request, f"Saved filters '{saved.name}' removed.")
    return redirect("casework:caseload")


def _bulk_caseworkers(user: Any) -> Any:
    return with_load(selectors.area_caseworkers(access.user_area_id(user)))


@login_required
@require_POST
def caseload_reassign(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A manager gives the ticked cases to one caseworker of the area. Each case goes through
    the one reassignment service on its own (row lock, checked against the caseworker the page
    showed), so a case another manager moved meanwhile is reported and the rest still move."""
    access.role_required(request.user, Role.TEAM_MANAGER)
    form = BulkReassignForm(
        request.POST, prefix="bulk", caseworkers=_bulk_caseworkers(request.user)
    )
    next_query = QueryDict(request.POST.get("bulk-next_query", "")[:1000])
    if not form.is_valid():
        request.GET = next_query
        return _caseload_page(request, bulk_form=form)
    result = cases_reassign(
        user=request.user,
        picked=form.cleaned_data["cases"],
        caseworker=form.cleaned_data["caseworker"],
        reason=form.cleaned_data["reason"],
    )
    to = form.cleaned_data["caseworker"].get_full_name()
    if result.moved:
        messages.success(
            request,
            f"{len(result.moved)} case{pluralize(len(result.moved))} reassigned to {to}: "
            + ", ".join(result.moved)
            + ".",
        )
    for reference, reason in result.not_moved:
        messages.warning(request, f"{reference} was not reassigned. {reason}")
    return redirect(
        reverse("casework:caseload") + (f"?{next_query.urlencode()}" if next_query else "")
    )


CASE_EXPORT_HEADERS = [
    "Reference",
    "Child",
    "Stage",
    "Area",
    "Caseworker",
    "Request received",
    "Next deadline",
    "Due",
    "Exception recorded",
    "Priority",
    "Flags",
]


def _case_export_row(case: Case, today: date) -> list[Any]:
    return [
        case.reference,
        case.child.full_name,
        case.get_stage_display(),
        str(case.area) if case.area else "Not placed",
        case.caseworker.get_full_name() if case.caseworker else "Unassigned",
        case.received_on,
        LABELS.get(case.next_deadline_key, case.next_deadline_key),
        case.next_deadline_on,
        case.next_deadline_excepted,
        case.priority,
        "; ".join(flag.label for flag in selectors.case_flags(case, today=today)),
    ]


def _export_recorded(request: AuthenticatedHttpRequest, fmt: str) -> None:
    """A list of children leaving the portal: refuse an unknown format, then log the read."""
    if fmt not in exports.FORMATS:
        raise Http404("No such format")
    access_record(request.user, kind=AccessKind.CASE, object_ref="export", request=request)


@login_required
def caseload_export(request: AuthenticatedHttpRequest, fmt: str) -> Any:
    """The caseload with the page's filters, every page of it, as CSV or XLSX."""
    access.role_required(request.user, Role.CASEWORKER, Role.TEAM_MANAGER)
    _export_recorded(request, fmt)
    today = timezone.localdate()
    *_, cases = _caseload_cases(request, today)
    return exports.table_response(
        fmt,
        f"caseload-{today:%Y-%m-%d}",
        CASE_EXPORT_HEADERS,
        (_case_export_row(case, today) for case in cases.iterator(chunk_size=2000)),
        title="Caseload",
    )


# -- The case page: one URL per part, each a fixed number of queries ----------------------------


@dataclass(frozen=True)
class CasePart:
    key: str
    label: str
    url_name: str


# The case page's parts, in the order of its sub-navigation. The summary keeps the address the
# case page always had (letters and emails print it).
CASE_PARTS = [
    CasePart("summary", "Summary and deadlines", "casework:case_detail"),
    CasePart("plan", "Plan", "casework:case_plan"),
    CasePart("advice", "Advice", "casework:case_advice"),
    CasePart("panels", "Panels", "casework:case_panels"),
    CasePart("documents", "Documents", "casework:case_documents"),
    CasePart("messages", "Messages", "casework:case_messages"),
    CasePart("timeline", "Timeline", "casework:case_timeline"),
]


def _may_work_and_reassign(user: Any, case: Case) -> dict[str, bool]:
    answers = access.may_each(user, [access.CASE_WORK, access.CASE_REASSIGN], case)
    return {
        "may_work": answers[access.CASE_WORK],
        "may_reassign": answers[access.CASE_REASSIGN],
    }


def _recorded_here(actions: list[Action]) -> list[Action]:
    """The actions the case page records itself; the others are done on their own page."""
    return [a for a in actions if action_page(a.name) is None]


def _done_elsewhere(case: Case, actions: list[Action]) -> list[tuple[Action, str]]:
    return [
        (a, reverse(url_name, args=[case.reference]))
        for a in actions
        if (url_name := action_page(a.name)) is not None
    ]


def _case_part(
    request: AuthenticatedHttpRequest,
    case: Case,
    part: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """Render one part of the case page, with what every part shows (the heading, the
    sub-navigation), and record the read in the access log: one record per part viewed."""
    user = request.user
    access_record(user, kind=AccessKind.CASE, case=case, object_ref=part, request=request)
    context = {
        "case": case,
        "part": part,
        "parts": [
            {
                "label": p.label,
                "url": reverse(p.url_name, args=[case.reference]),
                "current": p.key == part,
            }
            for p in CASE_PARTS
        ],
        "today": timezone.localdate(),
        **context,
    }
    if "may_work" not in context:
        context["may_work"] = access.may_each(user, [access.CASE_WORK], case)[access.CASE_WORK]
    return render(request, f"cases/case/{part}.html", context, status=status)


def _case_page(
    request: AuthenticatedHttpRequest, case: Case, status: int = 200, **forms: Any
) -> HttpResponse:
    """The summary and deadlines: the clock, what has happened, tasks, disputes, the request."""
    user = request.user
    today = timezone.localdate()
    allowed = allowed_actions(case, on=today)
    actions = _recorded_here(allowed)
    exceptions_by_key: dict[str, list[Any]] = {}
    for exception in case.deadline_exceptions.all():  # prefetched by case_for_page
        exceptions_by_key.setdefault(exception.deadline_key, []).append(exception)
    tasks = selectors.case_tasks(case)
    context = {
        "deadlines": case_deadlines(case, today=today),
        "page": {"exceptions_by_key": exceptions_by_key},
        "exceptable_keys": EXCEPTABLE_KEYS,
        # One question to the policy where working and reassigning are the same rule.
        **_may_work_and_reassign(user, case),
        "action_form": forms.get("action_form") or CaseActionForm(actions=actions),
        "task_form": forms.get("task_form") or _task_form(case, tasks),
        "actions": actions,
        "actions_elsewhere": _done_elsewhere(case, allowed),
        "tasks": tasks,
        "disputes": selectors.case_disputes(case),
        "disputable": selectors.case_has_disputable_decision(case, DISPUTABLE_EVENT_KINDS),
        "request_sections": request_answers_for_case(case, user),
        "letter_jobs": case_letter_jobs(case),
    }
    return _case_part(request, case, "summary", context, status=status)


@login_required
def case_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_for_page(request.user, reference)
    return _case_page(request, case)


@login_required
def case_plan(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_for_page(request.user, reference)
    return _case_part(request, case, "plan", {"plan": plan_of(case)})


@login_required
def case_advice(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_for_page(request.user, reference)
    return _case_part(request, case, "advice", {"advice_requests": advice_requests_for_case(case)})


@login_required
def case_panels(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_for_page(request.user, reference)
    return _case_part(request, case, "panels", {"papers": selectors.case_panel_papers(case)})


@login_required
def case_documents(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_for_page(request.user, reference)
    return _case_part(request, case, "documents", {"documents": selectors.case_documents(case)})


def _messages_part(
    request: AuthenticatedHttpRequest, case: Case, reply_form: MessageReplyForm | None = None
) -> HttpResponse:
    case_messages = selectors.case_messages(case)
    return _case_part(
        request,
        case,
        "messages",
        {
            "case_messages": case_messages,
            "unread_from_family": sum(1 for m in case_messages if m.from_family and not m.read_at),
            "reply_form": reply_form or MessageReplyForm(),
        },
    )


@login_required
def case_messages(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The messages with the family (GET); a reply to them (POST, for those who work the case)."""
    if request.method == "POST":
        return case_message_send(request, reference)
    case = selectors.case_for_page(request.user, reference)
    return _messages_part(request, case)


@login_required
def case_timeline(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Newest first, a page at a time after a cursor (keyset): the same queries for a case with
    2,000 events as for one with 20, on the first page or the hundredth."""
    case = selectors.case_for_page(request.user, reference)
    page = case_events_page(
        selectors.case_events(case),
        before=request.GET.get("before"),
        after=request.GET.get("after"),
    )
    return _case_part(request, case, "timeline", {"events": page.events, "event_page": page})


@login_required
@require_POST
def case_action(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_for_page(request.user, reference, access.CASE_WORK)
    actions = _recorded_here(allowed_actions(case))
    form = CaseActionForm(request.POST, actions=actions + _just_decided(case, actions, request))
    if form.is_valid():
        try:
            done = case_transition_record(
                case=case,
                action=form.cleaned_data["action"],
                actor=request.user,
                on=form.cleaned_data["on"],
                reasons=form.cleaned_data["reasons"],
                # The PDF takes seconds: the worker makes it; the page says it is being prepared.
                letter_later=True,
                data=(
                    {"cease_reason": form.cleaned_data["cease_reason"]}
                    if form.cleaned_data["action"] == "cease"
                    else None
                ),
            )
        except TransitionRefused as refused:
            form.add_error(None, refused.reason)
        else:
            if done.repeated:
                messages.info(
                    request, "That decision was already recorded. Nothing was sent again."
                )
            else:
                messages.success(request, "The case has been updated.")
            return redirect("casework:case_detail", reference=case.reference)
    return _case_page(request, case, action_form=form)


def _just_decided(
    case: Case, actions: list[Action], request: AuthenticatedHttpRequest
) -> list[Action]:
    """The decision posted again after it was recorded (a second click, the back button): the
    workflow recognises the same decision and does nothing twice, so the page says so instead of
    "not possible at this stage"."""
    spec = ACTIONS.get(request.POST.get("action", ""))
    if spec is None or spec in actions or spec.letter is None or case.stage != spec.target:
        return []
    return [spec]


def _task_form(case: Case, tasks: list[Any], data: Any = None) -> CaseTaskForm:
    """The task form offers a short list by name and finds anyone else in the area by email or
    name on submit: a fixed number of queries, however many caseworkers the area has."""
    return CaseTaskForm(
        data,
        offered=selectors.task_assignees_offered(case, tasks),
        find=partial(selectors.area_caseworkers_matching, case.area_id),
    )


@login_required
@require_POST
def case_task_add(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_for_page(request.user, reference, access.CASE_WORK)
    form = _task_form(case, selectors.case_tasks(case), request.POST)
    if form.is_valid():
        try:
            case_task_create(
                case=case,
                title=form.cleaned_data["title"],
                due_on=form.cleaned_data["due_on"],
                assignee=form.cleaned_data["assignee"] or request.user,
                actor=request.user,
            )
        except CaseworkRefused as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(request, "Task added.")
            return redirect(reverse("casework:case_detail", args=[case.reference]) + "#tasks")
    return _case_page(request, case, task_form=form)


@login_required
@require_POST
def case_task_done(request: AuthenticatedHttpRequest, reference: str, task_id: int) -> HttpResponse:
    case = selectors.case_for_page(request.user, reference, access.CASE_WORK)
    task = get_object_or_404(CaseTask, pk=task_id, case=case)
    case_task_complete(task=task, actor=request.user)
    messages.success(request, f"Task done: {task.title}")
    return redirect(reverse("casework:case_detail", args=[case.reference]) + "#tasks")


@login_required
@require_POST
def case_message_send(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_for_page(request.user, reference, access.CASE_WORK)
    form = MessageReplyForm(request.POST)
    if form.is_valid():
        case_message_reply(case=case, sender=request.user, body=form.cleaned_data["body"])
        messages.success(request, "Your message has been sent to the family.")
        return redirect("casework:case_messages", reference=case.reference)
    return _messages_part(request, case, reply_form=form)


# -- Deadline exceptions ------------------------------------------------------------------------


@login_required
def deadline_exception_add(
    request: AuthenticatedHttpRequest, reference: str, key: str
) -> HttpResponse:
    case = selectors.case_for_page(request.user, reference, access.CASE_WORK)
    if key not in EXCEPTABLE_KEYS or key not in {d.key for d in case_deadlines(case)}:
        raise Http404("No such deadline on this case")
    form = DeadlineExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            deadline_exception_record(
                case=case, deadline_key=key, actor=request.user, **form.cleaned_data
            )
        except CaseworkRefused as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(request, f"Exception recorded against '{LABELS[key]}'.")
            return redirect("casework:case_detail", reference=case.reference)
    return render(
        request,
        "cases/deadline_exception_form.html",
        {"case": case, "form": form, "deadline_label": LABELS[key], "key": key},
    )


# -- The other statutory clocks: facts recorded from the case page -----------------------------


@dataclass(frozen=True)
class ClockFact:
    title: str
    form: type[ClockFactForm]
    record: Callable[..., Case]
    done: str


CLOCK_FACTS: dict[str, ClockFact] = {
    "tribunal-order": ClockFact(
        "Record a tribunal order",
        TribunalOrderForm,
        tribunal_order_record,
        "Tribunal order recorded.",
    ),
    "tribunal-order-complied": ClockFact(
        "Record that we complied with the tribunal order",
        TribunalComplyForm,
        tribunal_order_comply,
        "Compliance with the tribunal order recorded.",
    ),
    "reassessment": ClockFact(
        "Record a re-assessment",
        ReassessmentForm,
        reassessment_notify_record,
        "Re-assessment recorded.",
    ),
    "transfer-in": ClockFact(
        "Record a plan transferred from another council",
        TransferInForm,
        transfer_in_record,
        "Transfer recorded.",
    ),
    "phase-transfer": ClockFact(
        "Record the plan amended for the phase transfer",
        PhaseTransferAmendedForm,
        phase_transfer_amended_record,
        "Amended plan for the phase transfer recorded.",
    ),
}


@login_required
def clock_fact(request: AuthenticatedHttpRequest, reference: str, fact: str) -> HttpResponse:
    case = selectors.case_for_page(request.user, reference, access.CASE_WORK)
    spec = CLOCK_FACTS.get(fact)
    if spec is None:
        raise Http404("No such fact")
    form = spec.form(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            spec.record(case=case, actor=request.user, **form.cleaned_data)
        except CaseworkRefused as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(request, spec.done)
            return redirect(reverse("casework:case_detail", args=[case.reference]) + "#deadlines")
    return render(
        request, "cases/clock_fact_form.html", {"case": case, "form": form, "title": spec.title}
    )


# -- The phase transfer cohort (reg 18) ---------------------------------------------------------


def _transfer_year(request: AuthenticatedHttpRequest, today: date) -> int:
    year = selectors.transfer_year_now(today)
    asked = request.GET.get("year", "")
    if asked.isdigit() and abs(int(asked) - year) <= 5:
        year = int(asked)
    return year


@login_required
def phase_transfers(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.CASEWORKER, Role.TEAM_MANAGER)
    today = timezone.localdate()
    year = _transfer_year(request, today)
    cohort = selectors.phase_transfer_cohort(request.user, year)
    children, amended = selectors.phase_transfer_progress(request.user, cohort, year)
    page = CountedPaginator(cohort, PHASE_TRANSFERS_PAGE, count=children).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/phase_transfers.html",
        {
            "rows": selectors.phase_transfer_rows(page.object_list, today=today),
            "page": page,
            "children": children,
            "year": year,
            "years": [year - 1, year, year + 1],
            "by_date": date(year, *PHASE_TRANSFER_BY),
            "post16_by_date": date(year, *PHASE_TRANSFER_POST16_BY),
            "amended": amended,
            "year_query": f"year={year}",
        },
    )


@login_required
def phase_transfers_export(request: AuthenticatedHttpRequest, fmt: str) -> Any:
    access.role_required(request.user, Role.CASEWORKER, Role.TEAM_MANAGER)
    _export_recorded(request, fmt)
    today = timezone.localdate()
    year = _transfer_year(request, today)
    rows = selectors.phase_transfer_rows(
        selectors.phase_transfer_cohort(request.user, year).iterator(chunk_size=2000), today=today
    )
    return exports.table_response(
        fmt,
        f"phase-transfers-{year}",
        ["Reference", "Child", "Move", "Caseworker", "Plan amended by", "Progress", "Amended on"],
        (
            [
                row.case.reference,
                row.case.child.full_name,
                "Secondary to post-16" if row.case.phase_transfer_post16 else "To a new school",
                row.case.caseworker.get_full_name() if row.case.caseworker else "Not assigned",
                row.deadline.due if row.deadline else None,
                row.deadline.status if row.deadline else "",
                row.deadline.met_on if row.deadline else None,
            ]
            for row in rows
        ),
        title=f"Phase transfers {year}",
    )


# -- Mediation and appeals -----------------------------------------------------------------------


def _disputable(case: Case) -> Any:
    return case.events.filter(kind__in=DISPUTABLE_EVENT_KINDS).order_by("-created_at", "-id")


@login_required
def dispute_add(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_for_page(request.user, reference, access.CASE_WORK)
    form = DisputeForm(request.POST or None, events=_disputable(case))
    if request.method == "POST" and form.is_valid():
        try:
            dispute_record(case=case, actor=request.user, **form.cleaned_data)
        except CaseworkRefused as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(request, "Mediation and appeal details recorded.")
            return redirect(reverse("casework:case_detail", args=[case.reference]) + "#disputes")
    return render(request, "cases/dispute_form.html", {"case": case, "form": form})


@login_required
def dispute_edit(
    request: AuthenticatedHttpRequest, reference: str, dispute_id: int
) -> HttpResponse:
    case = selectors.case_for_page(request.user, reference, access.CASE_WORK)
    dispute = get_object_or_404(
        Dispute.objects.select_related("decision_event"), pk=dispute_id, case=case
    )
    initial = {
        name: getattr(dispute, name)
        for name in (
            "mediation_contacted_on",
            "mediation_certificate_on",
            "appeal_registered_on",
            "hearing_on",
            "outcome",
            "outcome_on",
            "notes",
        )
    }
    form = DisputeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dispute_update(dispute=dispute, actor=request.user, **form.cleaned_data)
        except CaseworkRefused as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(request, "Mediation and appeal details updated.")
            return redirect(reverse("casework:case_detail", args=[case.reference]) + "#disputes")
    return render(
        request, "cases/dispute_form.html", {"case": case, "form": form, "dispute": dispute}
    )


# -- Team manager ---------------------------------------------------------------------------------


@login_required
def team_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.TEAM_MANAGER)
    area = selectors.manager_area(request.user)
    area_id = area.pk if area else None
    today = timezone.localdate()
    # A page of caseworkers at a time: an area of a national service has thousands.
    page = KeysFirstPaginator(selectors.area_caseworkers_counted(area_id), TEAM_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    loads = selectors.team_caseloads(area_id, today=today, caseworkers=page.object_list)
    queue = list(
        selectors.unassigned_queue(area_id).only(*UNASSIGNED_ROW_FIELDS)[: UNASSIGNED_SHOWN + 1]
    )
    return render(
        request,
        "cases/team.html",
        {
            "area": area,
            "loads": loads,
            "page": page,
            "unassigned": queue[:UNASSIGNED_SHOWN],
            "more_unassigned": len(queue) > UNASSIGNED_SHOWN,
            "week_end": today + selectors.WEEK_AHEAD,
        },
    )


@login_required
def team_export(request: AuthenticatedHttpRequest, fmt: str) -> Any:
    """The team page's caseloads against capacity (staff figures: no child in it)."""
    access.role_required(request.user, Role.TEAM_MANAGER)
    area = selectors.manager_area(request.user)
    today = timezone.localdate()
    loads = selectors.team_caseloads(area.pk if area else None, today=today)
    return exports.table_response(
        fmt,
        f"team-caseloads-{today:%Y-%m-%d}",
        ["Caseworker", "Open cases", "Capacity", "Of capacity (%)", "Due this week", "Breaches"],
        (
            [
                load.caseworker.get_full_name(),
                load.open_cases,
                load.capacity,
                load.load_percent,
                load.at_risk_this_week,
                load.breaches,
            ]
            for load in loads
        ),
        title="Team caseloads",
    )


@login_required
def reassign(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """A manager gives the case to another caseworker of its area, through the assignment
    app's one reassignment service: the reason is kept with the decision, and a change made by
    someone else since the page was opened is reported, not overwritten."""
    case = selectors.case_for_page(request.user, reference, access.CASE_REASSIGN)
    caseworkers = with_load(selectors.area_caseworkers(case.area_id))
    form = ReassignForm(
        request.POST or None,
        caseworkers=caseworkers,
        initial={"based_on": based_on_initial(case.caseworker_id)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_assignment_override(
                case=case,
                caseworker=form.cleaned_data["caseworker"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_caseworker_id=form.cleaned_data["based_on"],
            )
        except AssignmentConflict as conflict:
            # What they typed is kept; the page now shows, and is based on, today's caseworker.
            case = selectors.case_for_page(request.user, reference, access.CASE_REASSIGN)
            form = ReassignForm(
                conflict_data(request.POST, conflict.current), caseworkers=caseworkers
            )
            form.is_valid()
            form.add_error(None, conflict.reason)
        except AssignmentRefused as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(
                request, f"{case.reference} reassigned to {form.cleaned_data['caseworker']}."
            )
            # The manager goes on with the case they just moved.
            return redirect("casework:case_detail", reference=case.reference)
    return render(request, "cases/reassign.html", {"case": case, "form": form})


@login_required
def timeliness(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The old address of the final-plans report, kept for bookmarks: the performance
    dashboard (cases.reporting) now reports every timeliness measure, this one included."""
    access.role_required(request.user, Role.TEAM_MANAGER)
    year = request.GET.get("year", "")
    query = f"?period=calendar-{year}" if year.isdigit() and len(year) == 4 else ""
    return redirect(reverse("reporting:dashboard") + query + "#timeliness")
