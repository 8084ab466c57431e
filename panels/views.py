from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ehcp_portal import access
from ehcp_portal.accounts.models import Role


@login_required
def panels_home(request: HttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.PANEL_MEMBER)
    return render(request, "panels/home.html", {})
