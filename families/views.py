from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.deadlines import case_deadlines
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from families.selectors import children_of


@login_required
def family_home(request: HttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.PARENT, Role.YOUNG_PERSON)
    return render(request, "families/home.html", {"children": children_of(request.user)})


@login_required
def school_home(request: HttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.SCHOOL)
    return render(request, "families/school_home.html", {"setting": request.user.setting})


@login_required
def track(request: HttpRequest, reference: str) -> HttpResponse:
    case = access.case_or_404(
        request.user,
        reference,
        access.CASE_TRACK,
        queryset=access.cases_for(request.user, access.CASE_TRACK).select_related(
            "child", "caseworker"
        ),
    )
    deadlines = [d for d in case_deadlines(case) if d.owner in ("council", "family")]
    events = case.events.filter(family_visible=True)[:50]
    return render(
        request, "families/track.html", {"case": case, "deadlines": deadlines, "events": events}
    )
