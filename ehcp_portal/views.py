from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ehcp_portal import schema
from ehcp_portal.celery import app as celery_app
from ehcp_portal.http import AuthenticatedHttpRequest
from ehcp_portal.roles import HOME_URL_NAME


def start(request: HttpRequest) -> HttpResponse:
    """The front door: explains what an EHC plan is, then sends each signed-in role home."""
    if request.user.is_authenticated:
        return redirect(HOME_URL_NAME.get(request.user.role, "account_login"))
    return render(request, "pages/start.html")


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect(HOME_URL_NAME.get(request.user.role, "start"))


def static_page(request: HttpRequest, template: str) -> HttpResponse:
    return render(request, f"pages/{template}.html")


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # any failure means "down" to a health check
        return False, type(exc).__name__


def _broker_ok() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:
        return False, type(exc).__name__


@never_cache
@require_GET
def livez(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Nothing outside it is asked, so a database or broker
    outage never has the orchestrator restart healthy web processes."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: may this process take requests? Not without the database or while a migration
    of this code is unapplied (503). A broker outage only delays the worker's jobs (the outbox
    keeps them), so it is reported as "degraded" with a 200 and web stays in the load balancer."""
    db_ok, db_detail = _database_ok()
    unapplied: list[str] = []
    if db_ok:
        try:
            unapplied = schema.migrations_unapplied()
        except Exception as exc:
            db_ok, db_detail = False, type(exc).__name__
    migrations_ok = db_ok and not unapplied
    broker_ok, broker_detail = _broker_ok()
    if not (db_ok and migrations_ok):
        status = "unavailable"
    elif not broker_ok:
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {
            "status": status,
            "database": {"ok": db_ok, "detail": db_detail, "vendor": connection.vendor},
            "migrations": {"ok": migrations_ok, "unapplied": len(unapplied)},
            "broker": {
                "ok": broker_ok,
                "detail": broker_detail,
                "transport": settings.CELERY_BROKER_URL.split(":", 1)[0],
            },
        },
        status=200 if status != "unavailable" else 503,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a GOV.UK page saying what to do (usually an old or signed-out page),
    not Django's technical one; the API answers JSON like its other 4xx."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "CSRF check failed: reload the page and try again"}, status=403
        )
    return render(request, "403_csrf.html", status=403)
