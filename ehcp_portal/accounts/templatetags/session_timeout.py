from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from ehcp_portal.accounts import sessions

register = template.Library()


@register.inclusion_tag("includes/session_timeout_dialog.html", takes_context=True)
def session_timeout_dialog(context: template.Context) -> dict[str, Any]:
    """The timeout warning, on every page of a timed (staff) session; nothing for anyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not sessions.session_timed(user):
        return {"timed": False}
    return {
        "timed": True,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "seconds_left": sessions.session_seconds_left(request.session),
        "warning_seconds": settings.SESSION_TIMEOUT_WARNING_SECONDS,
        "idle_minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES,
    }
