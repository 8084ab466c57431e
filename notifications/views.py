from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.http import AuthenticatedHttpRequest
from notifications.forms import ContactPreferenceForm
from notifications.receipts import delivery_status_record
from notifications.selectors import notifications_failed_for, notifications_in_app_for
from notifications.services import (
    notification_retry,
    notifications_mark_read,
    user_contact_preference_set,
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
    user = request.user
    if request.method == "POST":
        form = ContactPreferenceForm(request.POST, user=user)
        if form.is_valid():
            user_contact_preference_set(
                user=user,
                email_opt_in=form.cleaned_data["email_opt_in"],
                contact_channel=form.cleaned_data.get("contact_channel") or user.contact_channel,
                phone=form.cleaned_data.get("phone", ""),
            )
            messages.success(request, "Your preferences have been saved.")
            return redirect("notifications:preferences")
    else:
        form = ContactPreferenceForm(
            initial={
                "email_opt_in": "yes" if user.email_opt_in else "no",
                "contact_channel": user.contact_channel,
                "phone": user.phone,
            },
            user=user,
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


def _callback_refused(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


@csrf_exempt
@require_POST
def notify_callback(request: HttpRequest) -> JsonResponse:
    """GOV.UK Notify's delivery receipt for one email, text or letter.

    Notify sends the bearer token set on the service's callback
    (https://docs.notifications.service.gov.uk/rest-api.html#delivery-receipts); anything else
    is refused. Unknown messages are acknowledged, so Notify does not keep retrying them.
    """
    expected = settings.NOTIFY_CALLBACK_TOKEN
    given = request.headers.get("Authorization", "")
    if not expected or not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        return _callback_refused("A valid bearer token is required.", 401)
    try:
        receipt = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _callback_refused("The body must be JSON.", 400)
    if not isinstance(receipt, dict) or not isinstance(receipt.get("status"), str):
        return _callback_refused("A delivery receipt needs a status.", 400)
    provider_id = str(receipt.get("id") or "").replace("\x00", "")
    reference = str(receipt.get("reference") or "").replace("\x00", "")
    completed = receipt.get("completed_at")
    completed_at = parse_datetime(completed) if isinstance(completed, str) else None
    notification = delivery_status_record(
        provider_id=provider_id[:64],
        reference=reference[:200],
        status=receipt["status"].replace("\x00", ""),
        completed_at=completed_at,
    )
    return JsonResponse({"recorded": notification is not None})
