"""Reading the access log."""

from __future__ import annotations

from django.db.models import QuerySet

from ehcp_portal.audit.models import AccessRecord


def access_records_for_child(child_id: int) -> QuerySet[AccessRecord]:
    """Every read of one child's record, newest first (index audit_child_at)."""
    return AccessRecord.objects.filter(child_id=child_id).order_by("-at", "-id")
