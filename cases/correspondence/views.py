"""Bulk letters (team managers for their area, the head of service for the council) and the
status of decision letters the worker is making."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.correspondence import selectors, services
from cases.correspondence.access import bulk_area_or_404
from cases.correspondence.forms import BulkLetterForm
from cases.correspondence.models import BulkSend, LetterJob
from ehcp_portal import access
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.http import AuthenticatedHttpRequest


@login_required
@require_GET
def case_letters_status(request: AuthenticatedHttpRequest, reference: str) -> JsonResponse:
    """The case page's status line, polled by static/js/letter-status.js."""
    case = access.case_or_404(request.user, reference, access.CASE_VIEW)
    jobs = selectors.case_letter_jobs(case)
    return JsonResponse(
        {
            "waiting": sum(job.status == LetterJob.Status.WAITING for job in jobs),
            "failed": sum(job.status == LetterJob.Status.FAILED for job in jobs),
            "made": [
                {
                    "title": job.document.title,
                    "url": reverse("cases:document_download", args=[job.document.public_id]),
                }
                for job in jobs
                if job.status == LetterJob.Status.MADE and job.document is not None
            ],
        }
    )


@login_required
@require_GET
def bulk_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    bulk_area_or_404(request.user)
    sends = list(selectors.bulk_sends_for(request.user)[:50])
    return render(request, "correspondence/bulk_list.html", {"sends": sends})


def _bulk_form(request: AuthenticatedHttpRequest, area_id: int | None) -> BulkLetterForm:
    return BulkLetterForm(request.POST or None, settings=selectors.bulk_setting_choices(area_id))


def _unsaved_bulk(form: BulkLetterForm, area_id: int | None, user: Any) -> BulkSend:
    data = form.cleaned_data
    cohort = data["cohort"]
    return BulkSend(
        cohort=cohort,
        cohort_year=data.get("cohort_year") if cohort == BulkSend.Cohort.PHASE_TRANSFER else None,
        cohort_setting_id=(
            int(data["cohort_setting"]) if cohort == BulkSend.Cohort.SCHOOL else None
        ),
        area_id=area_id,
        title=data["title"],
        body=data["body"],
        created_by=user,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bulk_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Write the letter and choose the cohort; then check the count and a sample; then send."""
    area_id = bulk_area_or_404(request.user)
    form = _bulk_form(request, area_id)
    if request.method == "POST" and form.is_valid():
        bulk = _unsaved_bulk(form, area_id, request.user)
        try:
            if "confirm" in request.POST:
                saved = services.bulk_send_create(
                    actor=request.user,
                    area_id=area_id,
                    cohort=bulk.cohort,
                    cohort_year=bulk.cohort_year,
                    cohort_setting_id=bulk.cohort_setting_id,
                    title=bulk.title,
                    body=bulk.body,
                )
                return redirect("correspondence:bulk_detail", pk=saved.pk)
            count = services.bulk_cohort_cases(bulk).count()
            if count == 0:
                raise services.BulkCohortEmpty
        except services.BulkCohortEmpty:
            form.add_error("cohort", "No open cases are in this group: choose another")
        else:
            return render(
                request,
                "correspondence/bulk_check.html",
                {"form": form, "bulk": bulk, "count": count},
            )
    return render(
        request, "correspondence/bulk_new.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def bulk_sample(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One letter of the cohort as its family would get it, before anything is sent."""
    area_id = bulk_area_or_404(request.user)
    form = _bulk_form(request, area_id)
    if form.is_valid():
        bulk = _unsaved_bulk(form, area_id, request.user)
        first = services.bulk_cohort_cases(bulk).select_related("child", "caseworker").first()
        if first is not None:
            # One real child's letter: a read of their record, and (like every download) an
            # attachment, never opened inside the portal's pages.
            access_record(
                request.user,
                kind=AccessKind.CASE,
                case=first,
                object_ref="bulk letter sample",
                request=request,
            )
            response = HttpResponse(
                services.bulk_letter_pdf(bulk, first), content_type="application/pdf"
            )
            response["Content-Disposition"] = 'attachment; filename="sample-letter.pdf"'
            response["Cache-Control"] = "private, no-store"
            return response
        form.add_error("cohort", "No open cases are in this group: choose another")
    return render(request, "correspondence/bulk_new.html", {"form": form}, status=400)


@login_required
@require_GET
def bulk_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    bulk_area_or_404(request.user)
    bulk = selectors.bulk_send_or_404(request.user, pk)
    return render(
        request,
        "correspondence/bulk_detail.html",
        {
            "bulk": bulk,
            "failed_letters": selectors.bulk_failed_letters(bulk) if bulk.failed else [],
            "status_url": reverse("correspondence:bulk_status", args=[bulk.pk]),
        },
    )


@login_required
@require_GET
def bulk_status(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    bulk_area_or_404(request.user)
    bulk = selectors.bulk_send_or_404(request.user, pk)
    return JsonResponse(
        {
            "status": bulk.status,
            "status_label": bulk.get_status_display(),
            "total": bulk.total,
            "sent": bulk.sent,
            "failed": bulk.failed,
        }
    )
