"""The family's "Who has seen your information" and the data protection officer's search of the
access log, with its CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit import selectors
from ehcp_portal.audit.forms import AccessLogSearchForm
from ehcp_portal.audit.models import AccessRecord
from ehcp_portal.http import AuthenticatedHttpRequest

FAMILY_PAGE_SIZE = 25
SEARCH_PAGE_SIZE = 50
# Offsets past this are refused: a search that long should be narrowed or exported.
LAST_SEARCH_PAGE = 2000
ROLE_LABELS: dict[str, str] = dict(Role.choices)


@never_cache  # personal data: never kept by the browser or a proxy
@login_required
def seen_by(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Who has seen your information: the reads of the child's record by anyone outside the
    family, newest first. Queries: session, user, the case (the family's own, else 404), the
    count and one page of records."""
    case = access.case_or_404(
        request.user,
        reference,
        access.CASE_TRACK,
        queryset=access.case_queryset().select_related("child"),
    )
    page = Paginator(
        selectors.access_records_seen_by_others(case.child_id), FAMILY_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = [
        {"record": record, "day": timezone.localdate(record.at), "who": who, "where": where}
        for record in page.object_list
        for who, where in [selectors.reader_described(record)]
    ]
    return render(request, "audit/seen_by.html", {"case": case, "page": page, "rows": rows})


def _page_number(raw: str | None) -> int:
    number = int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 6 else 1
    return min(max(number, 1), LAST_SEARCH_PAGE)


@never_cache
@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The data protection officer's search of the log by child, reader and period. Pages go
    forward and back without counting the matches (the log grows with every page anyone reads).
    Queries: session, user, one page of records, the children's names."""
    access.role_required(request.user, Role.DPO)
    form = AccessLogSearchForm(request.GET if _searched(request) else None)
    if form.is_bound and not form.is_valid():
        return _search_page(request, form, [], number=1, has_next=False)
    search = form.search() if form.is_bound else selectors.AccessLogSearch()
    number = _page_number(request.GET.get("page"))
    start = (number - 1) * SEARCH_PAGE_SIZE
    records = list(selectors.access_records_search(search)[start : start + SEARCH_PAGE_SIZE + 1])
    has_next = len(records) > SEARCH_PAGE_SIZE and number < LAST_SEARCH_PAGE
    return _search_page(request, form, records[:SEARCH_PAGE_SIZE], number=number, has_next=has_next)


def _searched(request: AuthenticatedHttpRequest) -> bool:
    return any(key != "page" for key in request.GET)


def _search_page(
    request: AuthenticatedHttpRequest,
    form: AccessLogSearchForm,
    records: list[AccessRecord],
    *,
    number: int,
    has_next: bool,
    status: int = 200,
) -> HttpResponse:
    names = selectors.child_names({r.child_id for r in records if r.child_id is not None})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "rows": [
                {
                    "record": r,
                    "role_label": ROLE_LABELS.get(r.role, r.role),
                    "child_name": names.get(r.child_id) if r.child_id else None,
                }
                for r in records
            ],
            "number": number,
            "first_shown": (number - 1) * SEARCH_PAGE_SIZE + 1,
            "last_shown": (number - 1) * SEARCH_PAGE_SIZE + len(records),
            "has_previous": number > 1,
            "has_next": has_next,
            "query_string": query.urlencode(),
        },
        status=status,
    )


# Spreadsheets run a cell that starts with one of these as a formula (CSV injection): such a
# cell is written with a leading apostrophe, which they show as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_EXPORT_COLUMNS = (
    "at",
    "user_id",
    "user_name",
    "role",
    "organisation",
    "child_id",
    "case_reference",
    "kind",
    "object_ref",
    "route",
    "path",
    "channel",
)


def csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(records: Iterable[AccessRecord]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(_EXPORT_COLUMNS)
    for record in records:
        row = [getattr(record, column) for column in _EXPORT_COLUMNS]
        row[0] = timezone.localtime(record.at).isoformat()
        yield writer.writerow([csv_cell(value) for value in row])


@login_required
def export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The search's matches as CSV, every one (not just a page), streamed from a server-side
    cursor so that memory stays flat however many there are."""
    access.role_required(request.user, Role.DPO)
    form = AccessLogSearchForm(request.GET)
    if not form.is_valid():
        return _search_page(request, form, [], number=1, has_next=False, status=400)
    records = selectors.access_records_search(form.search()).iterator(chunk_size=2000)
    response = StreamingHttpResponse(_csv_lines(records), content_type="text/csv; charset=utf-8")
    filename = f"access-log-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
