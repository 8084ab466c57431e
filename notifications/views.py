from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.http import AuthenticatedHttpRequest
from notifications.forms import EmailPreferenceForm
from notifications.selectors import notifications_failed_for, notifications_in_app_for
from notifications.services import (
    notification_retry,
    notifications_mark_read,
    user_email_preference_set,
)

PAGE_SIZE = 25


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("notifications:inbox")
    page = Paginator(notifications_in_app_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = EmailPreferenceForm(request.POST)
        if form.is_valid():
            user_email_preference_set(
                user=request.user, email_opt_in=form.cleaned_data["email_opt_in"]
            )
            messages.success(request, "Your email preferences have been saved.")
            return redirect("notifications:preferences")
    else:
        form = EmailPreferenceForm(
            initial={"email_opt_in": "yes" if request.user.email_opt_in else "no"}
        )
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
def failed(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.ADMIN, Role.TEAM_MANAGER)
    page = Paginator(notifications_failed_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/failed.html", {"page": page})


@login_required
@require_POST
def retry(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    access.role_required(request.user, Role.ADMIN, Role.TEAM_MANAGER)
    notification = notifications_failed_for(request.user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404("No such failed notification")
    notification_retry(notification=notification)
    messages.success(request, f"'{notification.subject}' will be sent again.")
    return redirect("notifications:failed")
