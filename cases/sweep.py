"""The daily statutory sweep: alerts caseworkers before deadlines and managers on breaches.

Incremental and idempotent: each alert's idempotency key names the case, the deadline, its due
date and the offset, so a second run the same day (or a beat that fires twice) creates nothing.
Batched: one query per chunk of cases, whatever the number of open cases.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.deadlines import LABELS
from cases.models import Case
from notifications.models import Notification

ALERT_OFFSETS_DAYS = getattr(settings, "DEADLINE_ALERT_OFFSETS_DAYS", (7, 2, 0))
CHUNK = 2000


def _alert_rows(case: dict, today: date) -> list[Notification]:
    due: date = case["next_deadline_on"]
    days = (due - today).days
    label = LABELS.get(case["next_deadline_key"], "Statutory deadline")
    link = reverse("cases:case_detail", args=[case["reference"]])
    rows: list[Notification] = []
    if days < 0 and case["team__manager_id"]:
        key = f"breach:{case['id']}:{case['next_deadline_key']}:{due.isoformat()}"
        subject = f"{case['reference']}: {label} missed ({due:%d %B %Y})"
        body = (
            f"The statutory deadline '{label}' for case {case['reference']} was {due:%d %B %Y} "
            f"and has passed without being met."
        )
        recipient = case["team__manager_id"]
        purpose = "deadline_breach"
    elif days in ALERT_OFFSETS_DAYS and case["caseworker_id"]:
        key = f"deadline:{case['id']}:{case['next_deadline_key']}:{due.isoformat()}:{days}"
        when = "today" if days == 0 else f"in {days} days"
        subject = f"{case['reference']}: {label} due {when}"
        body = f"'{label}' for case {case['reference']} is due {when}, on {due:%d %B %Y}."
        recipient = case["caseworker_id"]
        purpose = "deadline_alert"
    else:
        return rows
    now = timezone.now()
    for channel in (Notification.Channel.IN_APP, Notification.Channel.EMAIL):
        rows.append(
            Notification(
                recipient_id=recipient,
                channel=channel,
                purpose=purpose,
                idempotency_key=f"{key}:{recipient}:{purpose}:{channel}"[:200],
                subject=subject,
                body=body,
                link=link,
                statutory=False,
                case_id=case["id"],
                status=(
                    Notification.Status.SENT
                    if channel == Notification.Channel.IN_APP
                    else Notification.Status.PENDING
                ),
                sent_at=now if channel == Notification.Channel.IN_APP else None,
            )
        )
    return rows


def statutory_sweep_run(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(ALERT_OFFSETS_DAYS))
    cases = (
        Case.objects.filter(is_open=True, next_deadline_on__lte=horizon)
        .order_by("id")
        .values(
            "id",
            "reference",
            "next_deadline_key",
            "next_deadline_on",
            "caseworker_id",
            "team__manager_id",
        )
    )
    queued = 0
    batch: list[Notification] = []
    for case in cases.iterator(chunk_size=CHUNK):
        batch.extend(_alert_rows(case, today))
        if len(batch) >= CHUNK:
            queued += _write(batch)
            batch = []
    if batch:
        queued += _write(batch)
    return queued


def _write(rows: list[Notification]) -> int:
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(created)
