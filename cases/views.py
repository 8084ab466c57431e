from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.deadlines import case_deadlines
from cases.selectors import caseload_for
from ehcp_portal import access
from ehcp_portal.accounts.models import Role

PAGE_SIZE = 25


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.CASEWORKER, Role.TEAM_MANAGER)
    page = Paginator(caseload_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/caseload.html", {"page": page})


@login_required
def team_overview(request: HttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.TEAM_MANAGER)
    return render(request, "cases/team.html", {})


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = access.case_or_404(
        request.user,
        reference,
        access.CASE_VIEW,
        queryset=access.cases_for(request.user).select_related("child", "caseworker", "area"),
    )
    events = case.events.select_related("actor")[:50]
    return render(
        request,
        "cases/case_detail.html",
        {"case": case, "deadlines": case_deadlines(case), "events": events},
    )


@login_required
def advice_home(request: HttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.ADVICE_GIVER)
    return render(request, "cases/advice_home.html", {})


@login_required
def member_home(request: HttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.ELECTED_MEMBER)
    return render(request, "cases/member_home.html", {})
