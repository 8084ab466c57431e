from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from notifications.models import Notification
from notifications.services import notifications_mark_read


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("notifications:inbox")
    qs = Notification.objects.filter(
        recipient=request.user, channel=Notification.Channel.IN_APP
    ).order_by("-created_at")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    unread = qs.filter(read_at__isnull=True).count()
    return render(request, "notifications/inbox.html", {"page": page, "unread": unread})
