"""The daily sweep: statutory deadline alerts, breaches, advice reminders, family reminders and
the caseworkers' morning digest.

Incremental and idempotent: every message's idempotency key names the thing it is about and its
"bucket" (the reminder offset, the overdue week, the day or week of a digest), so a second run
the same day, or a beat that fires twice, creates nothing. A run that was missed catches up: a
deadline first seen 5 days out still gets its 7-day alert (the smallest offset not yet passed).

Batched and resumable: cases, then advice requests, are read a batch at a time in order of id
(`BATCH`, keyset), and each batch's messages are written in one statement
(`notifications_queue_bulk`) and committed with the day's `SweepRun` progress. A fixed number
of queries per batch, memory bounded by the batch (and the digests' lines). A run stopped
part-way loses nothing it committed; the next run that day resumes after the last committed
batch, reading the earlier cases again only for the digests' lines (no messages made for them).
A day already finished runs again from the start, and queues nothing new unless something
changed.

- `deadlines`: caseworker alerts and manager breach alerts from each due case's deadlines
- `family`: the family's reminders (draft comments closing, annual review coming)
- `digests`: the caseworkers' morning digest and the managers' weekly breach digest
- `advice`: advice givers' reminders, chasers and escalations
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.casework.models import SweepRun
from cases.casework.sweep.advice import (
    AdviceReminder,
    AdviceTeams,
    advice_reminders_add,
    advice_request_batch,
    advice_requests_mark_reminded,
)
from cases.casework.sweep.deadlines import CaseDeadlinesSweep, ReminderOffsets, due_case_batch
from cases.casework.sweep.digests import breach_digests_add, morning_digests_add
from cases.casework.sweep.family import family_reminders_add
from cases.casework.sweep.reminders import BATCH
from ehcp_portal.db import BatchWriter, commit_without_waiting_for_disk, session_lock
from notifications.outbox import NotificationBatch, notifications_queue_bulk
from notifications.services import notification_wordings

logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    queued: int = 0
    advice_reminded: int = 0
    batches: int = 0
    resumed: bool = False
    # Another sweep was already running (a beat and a hand-run, two beats): this one did nothing.
    already_running: bool = False


# pg_try_advisory_lock's first key for the sweep (the second is the day swept).
_SWEEP_LOCK_SPACE = 6_006


def statutory_sweep_run(*, today: date | None = None, batch_size: int = BATCH) -> int:
    """Run the daily sweep; returns the number of messages queued (0 on a repeat run)."""
    return statutory_sweep(today=today, batch_size=batch_size).queued


def statutory_sweep(*, today: date | None = None, batch_size: int = BATCH) -> SweepResult:
    """One sweep of a day at a time: a second started meanwhile (on any node) leaves at once,
    and the day's next run resumes whatever the first did not finish."""
    today = today or timezone.localdate()
    with session_lock(_SWEEP_LOCK_SPACE, today.toordinal()) as held:
        if not held:
            logger.warning("Statutory sweep of %s is already running: not started again", today)
            return SweepResult(already_running=True)
        return _statutory_sweep(today, batch_size)


def _statutory_sweep(today: date, batch_size: int) -> SweepResult:
    run, resumed = _sweep_run_start(today)
    result = SweepResult(resumed=resumed)
    wordings = notification_wordings()

    # 1. Cases: alerts, breaches and family reminders, a batch at a time; the digests' lines
    # gathered from every case, including those an earlier attempt already committed.
    sweep = CaseDeadlinesSweep(
        today, ReminderOffsets.from_settings(), breach_lines=_breach_digest_owed(today)
    )
    after = 0
    resume_after = run.last_case_id  # what an earlier attempt of the day committed
    with BatchWriter() as writer:
        while rows := due_case_batch(today, sweep.offsets.horizon, after, batch_size):
            after = rows[-1][0]
            done_before = after <= resume_after
            sweep.outbox = None if done_before else NotificationBatch(wordings=wordings)
            sweep.findings.family_reminders = []
            for values in rows:
                sweep.case(values)
            if sweep.outbox is None:
                continue
            family_reminders_add(sweep.outbox, sweep.findings.family_reminders)
            writer.write(_case_batch_write, sweep.outbox, run, result, len(rows), after)

    # 2. The digests, once every case has been read.
    if not run.digests_done:
        outbox = NotificationBatch(wordings=wordings)
        morning_digests_add(outbox, sweep.findings.due, today)
        breach_digests_add(outbox, sweep.findings.breaches, sweep.findings.excepted, today)
        with transaction.atomic():
            new_keys = notifications_queue_bulk(batch=outbox)
            _progress(run, result, 0, len(new_keys), digests_done=True)
    del sweep

    # 3. Advice requests: reminders, chasers, escalations; a request reminded today is marked
    # in the same transaction as its message.
    teams = AdviceTeams.load()
    after = run.last_advice_id
    with BatchWriter() as writer:
        while requests := advice_request_batch(today, after, batch_size):
            after = requests[-1]["pk"]
            outbox = NotificationBatch(wordings=wordings)
            reminders = advice_reminders_add(outbox, today, requests, teams)
            writer.write(_advice_batch_write, outbox, reminders, run, result, today, after)

    SweepRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    logger.info(
        "Statutory sweep of %s: %d messages queued in %d batches%s",
        today,
        result.queued,
        result.batches,
        " (resumed)" if resumed else "",
    )
    return result


def _case_batch_write(
    outbox: NotificationBatch, run: SweepRun, result: SweepResult, cases: int, after: int
) -> None:
    """One batch of cases: its messages and the day's progress, committed together (so the
    commit need not wait for the disk: a batch lost in a crash is lost with its progress, and
    the next run does it again)."""
    with transaction.atomic():
        commit_without_waiting_for_disk()
        new_keys = notifications_queue_bulk(batch=outbox)
        _progress(run, result, cases, len(new_keys), last_case_id=after)


def _advice_batch_write(
    outbox: NotificationBatch,
    reminders: dict[str, AdviceReminder],
    run: SweepRun,
    result: SweepResult,
    today: date,
    after: int,
) -> None:
    """One batch of advice requests: their messages, each request reminded today marked, and
    the day's progress, committed together (as `_case_batch_write`)."""
    with transaction.atomic():
        commit_without_waiting_for_disk()
        new_keys = notifications_queue_bulk(batch=outbox)
        result.advice_reminded += advice_requests_mark_reminded(reminders, new_keys, today)
        _progress(run, result, 0, len(new_keys), last_advice_id=after)


def _breach_digest_owed(today: date) -> bool:
    """Whether this week's breach digest is still to send today: from the configured weekday
    on, until a day of the week has queued its digests (a run that finished its digests on such
    a day). Gathering the lines of 600,000 breaches for a digest already sent was a tenth of a
    day's sweep at 1,000,000 cases."""
    if today.weekday() < settings.BREACH_DIGEST_WEEKDAY:
        return False
    week_start = today - timedelta(days=today.weekday())
    sent_on = [
        day
        for day in SweepRun.objects.filter(
            day__gte=week_start, day__lt=today, digests_done=True
        ).values_list("day", flat=True)
        if day.weekday() >= settings.BREACH_DIGEST_WEEKDAY
    ]
    return not sent_on


def _sweep_run_start(today: date) -> tuple[SweepRun, bool]:
    """The day's run record: resumed where an unfinished attempt stopped, or started again
    from the beginning when the day was finished (a repeat run queues nothing new)."""
    with transaction.atomic():
        run, created = SweepRun.objects.select_for_update().get_or_create(day=today)
        if created:
            return run, False
        resumed = run.finished_at is None
        if not resumed:
            run.last_case_id = run.last_advice_id = 0
            run.digests_done = False
            run.finished_at = None
        run.attempts += 1
        run.started_at = timezone.now()
        run.save()
    return run, resumed


def _progress(run: SweepRun, result: SweepResult, cases: int, queued: int, **done: object) -> None:
    """Record a batch as committed, inside the batch's transaction (one UPDATE)."""
    result.batches += 1
    result.queued += queued
    SweepRun.objects.filter(pk=run.pk).update(
        batches=F("batches") + 1,
        cases_read=F("cases_read") + cases,
        queued=F("queued") + queued,
        **done,
    )
    for field, value in done.items():
        setattr(run, field, value)
