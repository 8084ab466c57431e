"""The performance dashboard, its downloads, and the cases behind a figure (staff only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote_plus

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from cases.deadlines import LABELS
from cases.models import Area, Case
from cases.reporting.access import Viewer, dashboard_viewer, staff_viewer
from cases.reporting.figures import Figure, cases_behind
from cases.reporting.forms import DashboardFilterForm
from cases.reporting.measures import MEASURES, TIMELINESS_KEYS, Rate
from cases.reporting.periods import Period, default_period
from cases.reporting.selectors import dashboard_snapshot, figures_in_full
from cases.reporting.tables import Table, dashboard_tables
from ehcp_portal import access, exports
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.http import AuthenticatedHttpRequest

CASES_PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    period: Period
    area: Area | None
    area_id: int | None

    def query(self, **extra: str) -> str:
        params = QueryDict(mutable=True)
        params["period"] = self.period.key
        if self.area is not None:
            params["area"] = str(self.area.pk)
        for name, value in extra.items():
            if value:
                params[name] = value
        return params.urlencode()


def _filters(
    request: AuthenticatedHttpRequest, viewer: Viewer, today: date, *, strict: bool
) -> tuple[DashboardFilterForm, Filters]:
    """The page's filters; on a download or a list (`strict`) a filter that is not valid is a
    404, so a file never holds rows of another filter than the one asked for."""
    form = DashboardFilterForm(request.GET, today=today, chooses_area=viewer.chooses_area)
    period, area = default_period(today), None
    if form.is_valid():
        period = form.cleaned_data["period"] or period
        area = form.cleaned_data.get("area")
    elif strict:
        raise Http404("No such filter")
    area_id = viewer.area_id if viewer.area_id is not None else (area.pk if area else None)
    if viewer.area_id is not None:
        area = Area.objects.filter(pk=viewer.area_id).first()
    return form, Filters(period=period, area=area, area_id=area_id)


def _rates(figures: dict[str, Any]) -> dict[str, Rate]:
    return {
        row["key"]: Rate(row["total"], row["on_time"], row["total_excl"], row["on_time_excl"])
        for row in figures["timeliness"] + figures["advice"]
    }


def _links(filters: Filters) -> Callable[[Figure | None], str]:
    """The link to the cases behind a figure (one `reverse` for the whole page)."""
    base = reverse("reporting:cases") + "?" + filters.query()

    def link(figure: Figure | None) -> str:
        if figure is None:
            return ""
        # As urlencode would write them, for each of the page's ~900 cells.
        url = f"{base}&figure={quote_plus(str(figure.name))}&part={quote_plus(str(figure.part))}"
        if figure.value:
            url += f"&value={quote_plus(str(figure.value))}"
        return url

    return link


def _tables(
    figures: dict[str, Any], viewer: Viewer, filters: Filters, *, page: bool = False
) -> list[Table]:
    # One row per caseworker for an area; for the whole council the teams are enough.
    return dashboard_tables(
        figures,
        staff=viewer.staff,
        caseworkers=viewer.staff and filters.area_id is not None,
        page=page,
    )


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    viewer = dashboard_viewer(request.user)
    today = timezone.localdate()
    form, filters = _filters(request, viewer, today, strict=False)
    snapshot = dashboard_snapshot(area_id=filters.area_id, period=filters.period, today=today)
    tables = _tables(snapshot.figures, viewer, filters, page=True)
    # Each cell with the link to the cases behind it; a scrutiny member gets no links.
    link = _links(filters)
    linked = {
        table.key: [
            [(cell, link(cell.figure) if viewer.staff else "") for cell in row]
            for row in table.page_rows
        ]
        for table in tables
    }
    return render(
        request,
        "cases/reporting/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "viewer": viewer,
            "tables": [(table, linked[table.key]) for table in tables],
            "rates": _rates(snapshot.figures),
            "figures": snapshot.figures,
            "computed_at": snapshot.computed_at,
            "query": filters.query(),
            "timeliness_keys": TIMELINESS_KEYS,
        },
    )


@login_required
def table_download(request: AuthenticatedHttpRequest, table: str, fmt: str) -> Any:
    viewer = dashboard_viewer(request.user)
    today = timezone.localdate()
    _, filters = _filters(request, viewer, today, strict=True)
    snapshot = dashboard_snapshot(
        area_id=filters.area_id, period=filters.period, today=today, every_caseworker=True
    )
    found: Table | None = next(
        (t for t in _tables(figures_in_full(snapshot), viewer, filters) if t.key == table),
        None,
    )
    if found is None:
        raise Http404("No such table")
    scope = filters.area.name if filters.area else "council"
    return exports.table_response(
        fmt,
        f"{found.key}-{filters.period.key}-{scope}".replace(" ", "-").lower(),
        found.headers,
        found.download_rows(),
        title=found.title,
    )


# -- the cases behind a figure -----------------------------------------------------------------

CASE_HEADERS = [
    "Reference",
    "Child",
    "Stage",
    "Area",
    "Caseworker",
    "Request received",
    "Next deadline",
    "Due",
    "Exception recorded",
]


def _figure_cases(request: AuthenticatedHttpRequest) -> tuple[Filters, Figure, Any]:
    viewer = staff_viewer(request.user)
    today = timezone.localdate()
    _, filters = _filters(request, viewer, today, strict=True)
    figure = Figure(
        name=request.GET.get("figure", ""),
        part=request.GET.get("part", "") or "all",
        value=request.GET.get("value", ""),
    )
    cases = cases_behind(figure, area_id=filters.area_id, period=filters.period, today=today)
    if cases is None:
        raise Http404("No such figure")
    # The same rule as every case list: only cases this user may open.
    visible = access.cases_for(request.user, access.CASE_VIEW)
    cases = (
        cases.filter(pk__in=visible.values("pk"))
        .select_related("child", "area", "caseworker")
        .order_by("received_on", "reference")
    )
    return filters, figure, cases


def _figure_title(figure: Figure) -> str:
    measure = MEASURES.get(figure.name)
    words = {
        "all": "",
        "on_time": "on time",
        "late": "late",
        "excepted": "with an exception",
        "counted": "excluding exceptions",
        "counted_on_time": "on time, excluding exceptions",
    }
    if measure is not None:
        return f"{measure.label}: {words.get(figure.part, figure.part)}".rstrip(": ")
    titles = {
        "requests": "Requests received",
        "conversion": "Requests received in the period",
        "backlog": "Open cases",
        "forecast": "Deadlines due in the coming weeks",
        "disputes": "Cases with a dispute",
    }
    return titles.get(figure.name, "Cases")


def _case_row(case: Case) -> list[Any]:
    return [
        case.reference,
        f"{case.child.first_name} {case.child.last_name}",
        case.get_stage_display(),
        str(case.area) if case.area else "Not placed",
        str(case.caseworker) if case.caseworker else "Unassigned",
        case.received_on,
        LABELS.get(case.next_deadline_key, case.next_deadline_key),
        case.next_deadline_on,
        case.next_deadline_excepted,
    ]


@login_required
def figure_cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters, figure, cases = _figure_cases(request)
    page = Paginator(cases, CASES_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/reporting/cases.html",
        {
            "page": page,
            "filters": filters,
            "title": _figure_title(figure),
            "figure": figure,
            "query_string": query.urlencode(),
            "back": reverse("reporting:dashboard") + "?" + filters.query(),
        },
    )


@login_required
def figure_cases_export(request: AuthenticatedHttpRequest, fmt: str) -> Any:
    if fmt not in exports.FORMATS:
        raise Http404("No such format")
    filters, figure, cases = _figure_cases(request)
    access_record(request.user, kind=AccessKind.CASE, object_ref="export", request=request)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return exports.table_response(
        fmt,
        f"cases-{figure.name}-{filters.period.key}-{stamp}",
        CASE_HEADERS,
        (_case_row(case) for case in cases.iterator(chunk_size=2000)),
        title=_figure_title(figure),
    )
