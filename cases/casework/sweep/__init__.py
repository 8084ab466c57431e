"""The daily sweep: statutory deadline alerts, breaches, advice reminders, family reminders and
the caseworkers' morning digest.

Incremental and idempotent: every message's idempotency key names the thing it is about and its
"bucket" (the reminder offset, the overdue week, the day or week of a digest), so a second run
the same day, or a beat that fires twice, creates nothing. A run that was missed catches up: a
deadline first seen 5 days out still gets its 7-day alert (the smallest offset not yet passed).

Batched: a fixed number of queries whatever the number of cases. Cases and advice requests are
read through server-side cursors, family members and teams in one query each, and every message
is collected in one `NotificationBatch` that the notifications app writes in one statement.

- `deadlines`: caseworker alerts and manager breach alerts from each due case's deadlines
- `family`: the family's reminders (draft comments closing, annual review coming)
- `digests`: the caseworkers' morning digest and the managers' weekly breach digest
- `advice`: advice givers' reminders, chasers and escalations
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from cases.casework.sweep.advice import advice_reminders_add, advice_requests_mark_reminded
from cases.casework.sweep.deadlines import case_deadlines_sweep
from cases.casework.sweep.digests import breach_digests_add, morning_digests_add
from cases.casework.sweep.family import family_reminders_add
from notifications.outbox import NotificationBatch, notifications_queue_bulk
from notifications.services import notification_wordings


@dataclass
class SweepResult:
    queued: int = 0
    advice_reminded: int = 0


def statutory_sweep_run(*, today: date | None = None) -> int:
    """Run the daily sweep; returns the number of messages queued (0 on a repeat run)."""
    return statutory_sweep(today=today).queued


def statutory_sweep(*, today: date | None = None) -> SweepResult:
    today = today or timezone.localdate()
    outbox = NotificationBatch(wordings=notification_wordings())
    findings = case_deadlines_sweep(outbox, today)
    family_reminders_add(outbox, findings.family_reminders)
    morning_digests_add(outbox, findings.due, today)
    breach_digests_add(outbox, findings.breaches, findings.excepted, today)
    reminders = advice_reminders_add(outbox, today)
    with transaction.atomic():
        new_keys = notifications_queue_bulk(batch=outbox)
        reminded = advice_requests_mark_reminded(reminders, new_keys, today)
    return SweepResult(queued=len(new_keys), advice_reminded=reminded)
