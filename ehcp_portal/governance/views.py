"""The data protection officer's pages (subject access, retention, legal holds) and the legal
pages every visitor can read. Every officer page is a 404 for any other role."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.governance import selectors
from ehcp_portal.governance.forms import ChildSearchForm, LegalHoldForm
from ehcp_portal.governance.legal import legal_page_render
from ehcp_portal.governance.models import (
    LegalHold,
    LegalPage,
    RetentionRule,
    SubjectAccessBundle,
)
from ehcp_portal.governance.retention import retention_candidates
from ehcp_portal.governance.services import legal_hold_release, legal_hold_set
from ehcp_portal.governance.subject_access import subject_access_bundle_request
from ehcp_portal.http import AuthenticatedHttpRequest
from families.models import Child


def _dpo_only(request: AuthenticatedHttpRequest) -> None:
    access.role_required(request.user, Role.DPO)


# -- Legal pages ---------------------------------------------------------------------------------


@require_safe
def legal_page(request: HttpRequest, slug: str) -> HttpResponse:
    page, body = legal_page_render(slug)
    if page is None:
        raise Http404("No such page")
    context = {"page": page, "body": body}
    if slug == LegalPage.Slug.COOKIES:
        context["cookies"] = cookies_set()
    if slug == LegalPage.Slug.PRIVACY:
        # The schedule as the council has set it, so the notice cannot drift from what is done.
        context["retention_rules"] = list(RetentionRule.objects.filter(active=True))
    return render(request, "governance/legal_page.html", context)


def _duration(seconds: int) -> str:
    if seconds % 86400 == 0:
        days = seconds // 86400
        if days % 365 == 0:
            years = days // 365
            return f"{years} year" + ("s" if years != 1 else "")
        return f"{days} day" + ("s" if days != 1 else "")
    minutes = seconds // 60
    return f"{minutes} minute" + ("s" if minutes != 1 else "")


def cookies_set() -> list[tuple[str, str, str]]:
    """(name, purpose, expiry) of every cookie the portal sets, from the settings that name
    them, so the page stays true when the settings change. All are strictly necessary
    (PECR reg 6(4)): no consent banner is needed, and no analytics cookie is set."""
    if getattr(settings, "SESSION_EXPIRE_AT_BROWSER_CLOSE", False):
        session_expiry = "When you close your browser"
    else:
        session_expiry = _duration(settings.SESSION_COOKIE_AGE)
    csrf_expiry = (
        "When you close your browser"
        if settings.CSRF_COOKIE_AGE is None
        else _duration(settings.CSRF_COOKIE_AGE)
    )
    found = [
        (
            settings.SESSION_COOKIE_NAME,
            "Keeps you signed in as you move between pages, and remembers answers you have not "
            "yet saved",
            session_expiry,
        ),
    ]
    if not getattr(settings, "CSRF_USE_SESSIONS", False):
        found.append(
            (
                settings.CSRF_COOKIE_NAME,
                "Protects the forms you send from being sent by another website",
                csrf_expiry,
            )
        )
    storage = getattr(
        settings, "MESSAGE_STORAGE", "django.contrib.messages.storage.fallback.FallbackStorage"
    )
    if not storage.endswith("SessionStorage"):
        found.append(
            (
                getattr(settings, "MESSAGES_COOKIE_NAME", "messages"),
                "Shows a confirmation message (for example, 'Your request has been sent') on "
                "the next page, then is removed",
                "When you close your browser, or when the message is shown",
            )
        )
    return found


# -- Subject access ------------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def subject_access(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a child (name, case reference, date of birth) and produce their bundle."""
    _dpo_only(request)
    searched = bool(request.GET)
    form = ChildSearchForm(request.GET if searched else None)
    children: list[Child] = []
    if searched and form.is_valid():
        children = selectors.children_search(
            text=form.cleaned_data["q"], date_of_birth=form.cleaned_data["date_of_birth"]
        )
    return render(
        request,
        "governance/subject_access.html",
        {
            "form": form,
            "searched": searched and form.is_valid(),
            "children": children,
            "bundles": list(selectors.bundles_recent()),
        },
    )


@login_required
@require_POST
def subject_access_bundle_create(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    _dpo_only(request)
    child = get_object_or_404(Child, pk=child_id)
    bundle = subject_access_bundle_request(child=child, actor=request.user)
    return redirect("governance:bundle", public_id=bundle.public_id)


def _bundle_or_404(request: AuthenticatedHttpRequest, public_id: str) -> SubjectAccessBundle:
    _dpo_only(request)
    return get_object_or_404(
        SubjectAccessBundle.objects.select_related("child", "requested_by"), public_id=public_id
    )


@login_required
@never_cache
@require_GET
def bundle(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    found = _bundle_or_404(request, public_id)
    return render(
        request,
        "governance/bundle.html",
        {
            "bundle": found,
            "status_url": reverse("governance:bundle_status", args=[found.public_id]),
        },
    )


@login_required
@never_cache
@require_GET
def bundle_status(request: AuthenticatedHttpRequest, public_id: str) -> JsonResponse:
    """What the bundle page's script polls; a 404 here is JSON like any API answer."""
    try:
        found = _bundle_or_404(request, public_id)
    except Http404:
        return JsonResponse({"error": "Not found"}, status=404)
    return JsonResponse(
        {
            "status": found.status,
            "status_label": found.get_status_display(),
            "progress": found.progress,
            "step": found.step,
            "ready": found.is_ready,
        }
    )


@login_required
@require_GET
def bundle_download(request: AuthenticatedHttpRequest, public_id: str) -> FileResponse:
    found = _bundle_or_404(request, public_id)
    if not found.is_ready or not found.file:
        raise Http404("Not ready or expired")
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=f"subject-access-{found.child_id}-{found.completed_at:%Y%m%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# -- Retention and legal holds -------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def retention(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dry run as it stands today: what the next run would remove, and what holds keep."""
    _dpo_only(request)
    report = retention_candidates()
    return render(
        request,
        "governance/retention.html",
        {
            "report": report,
            "holds": list(selectors.holds_active()),
            "erasures": list(selectors.erasures_recent()),
        },
    )


@login_required
@never_cache
def legal_hold_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    _dpo_only(request)
    form = LegalHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = form.cleaned_data["case_reference"]
        legal_hold_set(case=case, reason=form.cleaned_data["reason"], actor=request.user)
        messages.success(request, f"Legal hold set on {case.reference}")
        return redirect("governance:retention")
    return render(request, "governance/legal_hold_form.html", {"form": form})


@login_required
@require_POST
def legal_hold_release_view(request: AuthenticatedHttpRequest, hold_id: int) -> HttpResponse:
    _dpo_only(request)
    hold = get_object_or_404(LegalHold, pk=hold_id)
    legal_hold_release(hold=hold, actor=request.user)
    messages.success(request, "Legal hold released")
    return redirect("governance:retention")
