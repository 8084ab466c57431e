"""Thin Celery tasks: they take ids and call the governance services."""

from __future__ import annotations

from celery import shared_task

from ehcp_portal.governance.retention import retention_run
from ehcp_portal.governance.subject_access import subject_access_bundle_build


# A child with many years of documents makes a large zip: longer limits than the default.
@shared_task(time_limit=30 * 60, soft_time_limit=28 * 60)
def subject_access_bundle_task(bundle_id: int) -> None:
    subject_access_bundle_build(bundle_id)


@shared_task(time_limit=60 * 60, soft_time_limit=58 * 60)
def retention_run_daily() -> int:
    """The daily retention job (beat). Returns how many erasure records it wrote."""
    return len(retention_run(dry_run=False).erasures)
