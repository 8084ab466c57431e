"""The statutory sweep runs once a day at the council's configured local time, whatever time
beat started, across beat restarts and deploys; a missed run happens once when beat returns;
the admin's changes to the schedule survive restarts and deploys."""

from __future__ import annotations

import io
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import redis
import time_machine
from django.conf import settings
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from ehcp_portal.beat import PortalScheduler, periodic_tasks_install
from ehcp_portal.celery import app as celery_app
from tests.beat import celery_beat, manage_at, tasks_sent
from tests.worker import wait_until

LONDON = ZoneInfo("Europe/London")
SWEEP = "cases.casework.tasks.statutory_sweep"
DRAIN = "notifications.tasks.outbox_drain"


def _london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def _sweep() -> PeriodicTask:
    return PeriodicTask.objects.select_related("crontab").get(name="statutory-sweep")


def _scheduler() -> PortalScheduler:
    scheduler = PortalScheduler(app=celery_app)
    # Not written back when the test process exits (by then to the development database).
    scheduler._finalize.cancel()
    return scheduler


def test_the_sweep_is_seeded_at_six_in_the_morning_london_time_with_every_periodic_task(db):
    out = io.StringIO()
    call_command("beat_schedule_install", stdout=out)
    assert f"{len(settings.CELERY_BEAT_SCHEDULE)} periodic task(s) created" in out.getvalue()
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert set(settings.CELERY_BEAT_SCHEDULE) <= names
    sweep = _sweep()
    assert (sweep.crontab.hour, sweep.crontab.minute) == ("6", "0")
    assert str(sweep.crontab.timezone) == "Europe/London"
    assert sweep.task == SWEEP and sweep.enabled


def test_installing_again_keeps_the_admins_changes_and_restores_only_what_is_missing(db):
    periodic_tasks_install(settings.CELERY_BEAT_SCHEDULE)
    sweep = _sweep()
    sweep.crontab = CrontabSchedule.objects.create(hour="7", minute="15", timezone="Europe/London")
    sweep.save()
    PeriodicTask.objects.filter(name="retention-run").update(enabled=False)
    PeriodicTask.objects.filter(name="drain-outbox").delete()

    created = periodic_tasks_install(settings.CELERY_BEAT_SCHEDULE)

    assert created == ["drain-outbox"]
    assert (_sweep().crontab.hour, _sweep().crontab.minute) == ("7", "15")
    assert PeriodicTask.objects.get(name="retention-run").enabled is False


def test_a_starting_beat_keeps_the_admins_time_for_the_sweep(transactional_db):
    periodic_tasks_install(settings.CELERY_BEAT_SCHEDULE)
    sweep = _sweep()
    sweep.crontab = CrontabSchedule.objects.create(hour="7", minute="15", timezone="Europe/London")
    sweep.save()

    scheduler = _scheduler()

    entry = scheduler.schedule["statutory-sweep"]
    assert entry.schedule.hour == {7} and entry.schedule.minute == {15}
    assert (_sweep().crontab.hour, _sweep().crontab.minute) == ("7", "15")


def test_a_sweep_missed_while_beat_was_down_is_due_once_when_it_returns(transactional_db):
    with time_machine.travel(_london(2026, 6, 1, 12, 0), tick=False):
        periodic_tasks_install(settings.CELERY_BEAT_SCHEDULE)
    PeriodicTask.objects.filter(name="statutory-sweep").update(
        last_run_at=_london(2026, 6, 9, 6, 0, 1)
    )
    # Beat was down from before 06:00 on 10 June and comes back at 10:00.
    with time_machine.travel(_london(2026, 6, 10, 10, 0), tick=False):
        # The stock scheduler leaves a crontab entry out of its schedule a few hours after its
        # hour, so the day's alerts would never go.
        stock = DatabaseScheduler(app=celery_app, lazy=True)
        stock._finalize.cancel()
        assert "statutory-sweep" not in stock.schedule
        scheduler = _scheduler()
        entry = scheduler.schedule["statutory-sweep"]
        assert entry.is_due().is_due
        ran = scheduler.reserve(entry)  # what beat does when it sends the task
        assert not ran.is_due().is_due
        # Next due at 06:00 tomorrow, not 24 hours after the late run.
        assert round(ran.is_due().next) == 20 * 60 * 60


def _wait_for_drain_after(queue: str, count: int) -> None:
    # Beat sends the outbox drain every 30 s: once another one is in the queue, beat has looked
    # at every entry of its schedule since the last check.
    assert wait_until(lambda: tasks_sent(queue).count(DRAIN) > count, timeout=45), tasks_sent(queue)


def _deploy(at: datetime) -> None:
    """The deploy's one-shot step (docker-compose.yml's `migrate` service), in new processes."""
    manage_at(at, "migrate", "--no-input")
    manage_at(at, "beat_schedule_install")


@pytest.mark.worker
def test_a_real_beat_sends_the_sweep_once_a_day_at_the_set_time_across_restarts_and_deploys(
    transactional_db,
):
    queue = f"test-beat-{uuid.uuid4().hex[:8]}"
    try:
        _deploy(_london(2026, 6, 10, 5, 0))

        # Day 1, beat starts a few seconds before six: the sweep goes at 06:00, not at start.
        with celery_beat(at=_london(2026, 6, 10, 5, 59, 45), queue=queue, name="day1"):
            _wait_for_drain_after(queue, 0)
            assert tasks_sent(queue).count(SWEEP) == 0
            assert wait_until(lambda: tasks_sent(queue).count(SWEEP) == 1, timeout=30)
        sent_at = _sweep().last_run_at.astimezone(LONDON)
        assert (sent_at.date().isoformat(), sent_at.hour) == ("2026-06-10", 6)

        # Beat restarts just after the sweep went: it does not send it again that day.
        drains = tasks_sent(queue).count(DRAIN)
        with celery_beat(at=_london(2026, 6, 10, 6, 0, 25), queue=queue, name="restart"):
            _wait_for_drain_after(queue, drains)
        assert tasks_sent(queue).count(SWEEP) == 1

        # The council moves the sweep to 06:30 in the admin, then a deploy (migrate step, new
        # beat) happens at 05:59 the next day: 06:00 from the settings does not come back.
        with time_machine.travel(_london(2026, 6, 10, 14, 0), tick=False):
            sweep = _sweep()
            sweep.crontab = CrontabSchedule.objects.create(
                hour="6", minute="30", timezone="Europe/London"
            )
            sweep.save()
        _deploy(_london(2026, 6, 11, 5, 59))
        drains = tasks_sent(queue).count(DRAIN)
        with celery_beat(at=_london(2026, 6, 11, 5, 59, 50), queue=queue, name="deploy"):
            _wait_for_drain_after(queue, drains + 1)  # the second drain goes at 06:00:20
            assert tasks_sent(queue).count(SWEEP) == 1
        with celery_beat(at=_london(2026, 6, 11, 6, 29, 45), queue=queue, name="day2"):
            assert wait_until(lambda: tasks_sent(queue).count(SWEEP) == 2, timeout=30)
        assert _sweep().last_run_at.astimezone(LONDON).strftime("%d %H:%M") == "11 06:30"

        # Day 3: beat is down at 06:30 and returns at 10:00: the missed sweep goes once, at once,
        # and neither that beat nor the next one sends it again.
        drains = tasks_sent(queue).count(DRAIN)
        with celery_beat(at=_london(2026, 6, 12, 10, 0, 0), queue=queue, name="missed"):
            assert wait_until(lambda: tasks_sent(queue).count(SWEEP) == 3, timeout=30)
            _wait_for_drain_after(queue, drains + 1)
        drains = tasks_sent(queue).count(DRAIN)
        with celery_beat(at=_london(2026, 6, 12, 10, 1, 0), queue=queue, name="again"):
            _wait_for_drain_after(queue, drains)
        assert tasks_sent(queue).count(SWEEP) == 3
    finally:
        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)
