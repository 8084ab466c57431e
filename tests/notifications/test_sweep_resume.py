"""The daily sweep commits batch by batch: stopped part-way it loses nothing it committed, and
the next run that day finishes the rest, every message exactly once. Run by hand with
`manage.py statutory_sweep`, and on its own day by the clock (time travel)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction

import cases.casework.sweep as sweep_module
from cases.advice.models import AdviceRequest
from cases.casework.models import SweepRun
from cases.casework.sweep import statutory_sweep
from cases.models import CaseEvent
from notifications.models import Notification
from tests.database import other_connection
from tests.notifications.test_sweep import MONDAY, _world

pytestmark = pytest.mark.django_db


class WorkerDied(Exception):
    """What a worker killed mid-batch looks like to the database: the batch never commits."""


def _fail_on_write(monkeypatch: pytest.MonkeyPatch, *, write: int) -> None:
    """The sweep's real bulk write, which raises on its `write`-th call after writing (so that
    batch's transaction rolls back, as when the process dies before the commit)."""
    real = sweep_module.notifications_queue_bulk
    calls = Counter[str]()

    def write_then_die(*, batch):
        new_keys = real(batch=batch)
        calls["writes"] += 1
        if calls["writes"] == write:
            raise WorkerDied
        return new_keys

    monkeypatch.setattr(sweep_module, "notifications_queue_bulk", write_then_die)


def _state() -> tuple:
    return (
        sorted(Notification.objects.values_list("idempotency_key", "status")),
        sorted(AdviceRequest.objects.values_list("pk", "state", "last_reminded_on")),
        sorted(CaseEvent.objects.filter(kind="advice_reminded").values_list("case_id", "data")),
    )


def _uninterrupted(day: date, batch_size: int) -> tuple:
    """What one whole run gives (then rolled back, so the test can do it the hard way)."""
    with transaction.atomic():
        statutory_sweep(today=day, batch_size=batch_size)
        state = _state()
        transaction.set_rollback(True)
    assert not Notification.objects.exists()
    return state


@pytest.mark.parametrize("dies_at_write", [2, 3, 4])
def test_a_sweep_stopped_part_way_then_run_again_sends_each_message_once(
    monkeypatch, team, caseworker, manager, dies_at_write
):
    """30 due cases and 30 advice requests in batches of 10: writes 1-3 are the case batches,
    4 the digests, 5-7 the advice batches. Stopped at write 2, 3 (cases) or 4 (digests)."""
    _world(30, team, caseworker, manager)
    expected = _uninterrupted(MONDAY, batch_size=10)

    _fail_on_write(monkeypatch, write=dies_at_write)
    with pytest.raises(WorkerDied):
        statutory_sweep(today=MONDAY, batch_size=10)
    monkeypatch.undo()

    run = SweepRun.objects.get(day=MONDAY)
    assert run.finished_at is None
    kept = Notification.objects.count()
    assert 0 < kept < len(expected[0])  # the batches before the stop were committed
    assert run.batches == dies_at_write - 1
    assert run.digests_done is False

    result = statutory_sweep(today=MONDAY, batch_size=10)
    assert result.resumed
    assert _state() == expected  # every message once, each reminded request marked once
    assert result.queued == len(expected[0]) - kept
    run.refresh_from_db()
    assert run.finished_at is not None and run.attempts == 2
    assert run.queued == len(expected[0])


def test_a_stop_in_the_advice_pass_marks_each_request_reminded_once(
    monkeypatch, team, caseworker, manager
):
    _world(30, team, caseworker, manager)
    expected = _uninterrupted(MONDAY, batch_size=10)
    _fail_on_write(monkeypatch, write=6)  # the second batch of advice requests
    with pytest.raises(WorkerDied):
        statutory_sweep(today=MONDAY, batch_size=10)
    monkeypatch.undo()
    # The first advice batch is committed with its "reminded" marks and timeline lines.
    reminded_before = AdviceRequest.objects.filter(last_reminded_on=MONDAY).count()
    assert reminded_before > 0

    result = statutory_sweep(today=MONDAY, batch_size=10)
    assert _state() == expected
    assert (
        result.advice_reminded == len([r for r in expected[1] if r[2] == MONDAY]) - reminded_before
    )
    events = CaseEvent.objects.filter(kind="advice_reminded").values_list("data", flat=True)
    assert len(events) == len({e["request"] for e in events})  # no request noted twice


def test_a_finished_day_run_again_queues_nothing(team, caseworker, manager):
    _world(8, team, caseworker, manager)
    first = statutory_sweep(today=MONDAY, batch_size=5)
    before = _state()
    second = statutory_sweep(today=MONDAY, batch_size=5)
    assert not second.resumed and second.queued == 0
    assert _state() == before
    assert SweepRun.objects.get(day=MONDAY).queued == first.queued


def test_the_command_runs_the_sweep_and_reports_progress(team, caseworker, manager):
    _world(6, team, caseworker, manager)
    out = StringIO()
    with time_machine.travel(date(2026, 11, 20)):
        call_command("statutory_sweep", "--date", MONDAY.isoformat(), stdout=out)
        assert "Swept 2026-11-16" in out.getvalue()
        queued = Notification.objects.count()
        assert queued > 0
        call_command("statutory_sweep", "--date", MONDAY.isoformat(), stdout=out)
        assert Notification.objects.count() == queued  # idempotent
        status = StringIO()
        call_command("statutory_sweep", "--status", stdout=status)
    assert "2026-11-16  finished" in status.getvalue()
    assert "attempts 2" in status.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "16/11/2026"], "--date must be YYYY-MM-DD"),
        (["--date", "2099-01-01"], "cannot be in the future"),
        (["--batch-size", "0"], "at least 1"),
    ],
)
def test_the_command_refuses_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("statutory_sweep", *args, stdout=StringIO())


def test_each_day_by_the_clock_sends_what_that_day_owes(team, caseworker, manager):
    """Without --date the sweep is as of the local day: time travel over a week sends the
    7-day alert on Monday, the 2-day alert on Friday, and nothing twice."""
    _world(4, team, caseworker, manager)
    keys_by_day: dict[date, set[str]] = {}
    for offset in range(7):
        day = MONDAY + timedelta(days=offset)
        with time_machine.travel(day):
            before = set(Notification.objects.values_list("idempotency_key", flat=True))
            call_command("statutory_sweep", stdout=StringIO())
            call_command("statutory_sweep", stdout=StringIO())  # a beat that fires twice
            after = set(Notification.objects.values_list("idempotency_key", flat=True))
        keys_by_day[day] = after - before
        assert SweepRun.objects.get(day=day).finished_at is not None
    assert any(k.startswith("digest:2026-11-16") for k in keys_by_day[MONDAY])
    assert all(
        not any(k.startswith(f"digest:{d.isoformat()}") for k in keys)
        for day, keys in keys_by_day.items()
        for d in keys_by_day
        if d != day
    )


def test_a_second_sweep_of_the_day_started_meanwhile_does_nothing(team, caseworker, manager):
    """A hand-run while beat's sweep is going (or two beats): the second leaves at once and
    says so, and the day is still swept in full afterwards, each message once."""
    _world(6, team, caseworker, manager)
    expected = _uninterrupted(MONDAY, batch_size=2)
    assert expected[0]  # the day owes messages
    other = other_connection()  # the first sweep, holding the day's lock in another process
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s, %s)",
                [sweep_module._SWEEP_LOCK_SPACE, MONDAY.toordinal()],
            )
        result = statutory_sweep(today=MONDAY, batch_size=2)
        assert result.already_running and result.queued == 0
        assert not Notification.objects.exists()
        with pytest.raises(CommandError, match="already running elsewhere"):
            call_command("statutory_sweep", "--date", MONDAY.isoformat(), stdout=StringIO())
        # Another day's sweep is not held up by it.
        assert not statutory_sweep(today=MONDAY - timedelta(days=1)).already_running
    finally:
        with other.cursor() as cursor:  # the first sweep ends
            cursor.execute("SELECT pg_advisory_unlock_all()")
        other.close()
    Notification.objects.all().delete()
    SweepRun.objects.all().delete()
    AdviceRequest.objects.update(last_reminded_on=None)
    assert not statutory_sweep(today=MONDAY, batch_size=2).already_running
    assert sorted(Notification.objects.values_list("idempotency_key", "status")) == expected[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("dies_at_write", [None, 2, 3, 6])
def test_the_batches_written_beside_the_next_one_commit_in_order_and_resume_alike(
    monkeypatch, team, caseworker, manager, dies_at_write
):
    """Outside a transaction (beat's worker, the command) each batch is written on a second
    connection while the next is read: the outcome is a sweep's in turn, and a write that
    fails stops the sweep with its error, every batch before it committed, the next run
    finishing the rest, each message once."""
    from django.db import connection

    _world(30, team, caseworker, manager)
    expected = _uninterrupted(MONDAY, batch_size=10)  # in a transaction: written in turn
    assert not connection.in_atomic_block
    if dies_at_write is not None:
        _fail_on_write(monkeypatch, write=dies_at_write)
        with pytest.raises(WorkerDied):
            statutory_sweep(today=MONDAY, batch_size=10)
        monkeypatch.undo()
        run = SweepRun.objects.get(day=MONDAY)
        assert run.batches == dies_at_write - 1 and run.finished_at is None
        assert 0 < Notification.objects.count() < len(expected[0])
    import threading

    writers = set()
    for name in ("_case_batch_write", "_advice_batch_write"):
        real_write = getattr(sweep_module, name)

        def write_noting_thread(*args, real_write=real_write):
            writers.add(threading.get_ident())
            return real_write(*args)

        monkeypatch.setattr(sweep_module, name, write_noting_thread)
    result = statutory_sweep(today=MONDAY, batch_size=10)
    assert result.resumed == (dies_at_write is not None)
    assert _state() == expected
    assert SweepRun.objects.get(day=MONDAY).queued == len(expected[0])
    assert writers and threading.get_ident() not in writers  # written beside, not in turn
