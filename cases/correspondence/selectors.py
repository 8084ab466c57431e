"""Reads of the correspondence app, each a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.correspondence.access import BULK_SEND, BULK_VIEW
from cases.correspondence.models import BulkLetter, BulkSend, LetterJob
from cases.models import Case, Setting
from ehcp_portal import access

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

# A letter made this recently is still announced on the case page ("ready").
RECENT = timedelta(hours=1)


def case_letter_jobs(case: Case) -> list[LetterJob]:
    """The case's letters being prepared, and those made in the last hour (one query)."""
    since = timezone.now() - RECENT
    return list(
        LetterJob.objects.filter(case=case, created_at__gte=since)
        .exclude(status=LetterJob.Status.MADE, made_at__lt=since)
        .select_related("document")
        .order_by("created_at", "pk")
    )


def bulk_sends_for(user: User) -> QuerySet[BulkSend]:
    return access.objects_for(user, BULK_SEND, BULK_VIEW).select_related("created_by", "area")


def bulk_send_or_404(user: User, pk: int) -> BulkSend:
    return access.object_or_404(
        user, BULK_SEND, BULK_VIEW, queryset=BulkSend.objects.select_related("created_by"), pk=pk
    )


def bulk_failed_letters(bulk: BulkSend) -> list[BulkLetter]:
    return list(
        bulk.letters.filter(status=BulkLetter.Status.FAILED)
        .select_related("case", "case__child")
        .order_by("pk")[:200]
    )


def bulk_setting_choices(area_id: int | None) -> list[tuple[str, str]]:
    settings = Setting.objects.order_by("name")
    if area_id is not None:
        settings = settings.filter(Q(area_id=area_id) | Q(area__isnull=True))
    return [(str(s.pk), s.name) for s in settings]
