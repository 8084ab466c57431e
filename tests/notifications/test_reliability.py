"""Reliability with a REAL worker process and Redis: a worker killed mid-send, Redis down, and
the whole advice flow from request to reminders stopping.

Emails go through the GOV.UK Notify backend to a fake Notify on 127.0.0.1 started here, so the
test can count what the provider accepted from the worker process.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.advice.models import AdviceRequest
from cases.advice.services import AdviceAsk, advice_requests_send, advice_submit
from cases.casework.sweep import statutory_sweep_run
from cases.models import CaseEvent, Stage
from ehcp_portal.accounts.models import Role
from ehcp_portal.celery import app as celery_app
from notifications import services
from notifications.models import Notification
from notifications.services import notification_queue
from notifications.tasks import notification_deliver, outbox_drain
from tests.factories import CaseFactory, TeamFactory, UserFactory
from tests.notifications.fake_notify import API_KEY, FakeNotify
from tests.worker import celery_worker, wait_until

pytestmark = pytest.mark.worker

LEASE_SECONDS = 2


def _worker_env(notify: FakeNotify) -> dict[str, str]:
    return {
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_BASE_URL": notify.url,
        "NOTIFY_EMAIL_TEMPLATE_ID": "f33517ff-2a88-4f6e-b855-c550268ce08a",
        "NOTIFY_TIMEOUT_SECONDS": "120",
        "NOTIFICATION_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS),
    }


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Point this process's Celery producer at another broker URL (e.g. a closed port)."""
    original = celery_app.conf.broker_url

    def switch(to: str) -> None:
        celery_app.conf.broker_url = to
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    switch(url)
    try:
        yield
    finally:
        switch(original)
        services.broker_circuit_reset()


def _status(pk: int) -> str:
    return Notification.objects.get(pk=pk).status


def test_worker_killed_mid_send_delivers_exactly_once_after_restart(transactional_db, settings):
    recipient = UserFactory(email="family@example.test")
    with FakeNotify(statuses=["hang"]) as notify:
        env = {
            **_worker_env(notify),
            # Redis gives the dead worker's unacknowledged task back after 4 s (> the lease).
            "CELERY_VISIBILITY_TIMEOUT": str(LEASE_SECONDS * 2),
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        }
        with celery_worker(extra_env=env) as worker:
            queue = worker.queue
            settings.NOTIFICATION_QUEUE = queue
            email = notification_queue(
                recipient=recipient,
                purpose="decision",
                event_key="case:1:agree_to_assess",
                subject="We will assess",
                body="We decided to carry out an EHC needs assessment.",
                statutory=True,
                channels=(Notification.Channel.EMAIL,),
            )[0]
            # The worker claimed the message and is waiting on the provider: kill it there.
            assert notify.hanging.wait(60), worker.log.read_text()[-2000:]
            assert _status(email.pk) == "sending"
            (task_id,) = re.findall(
                r"notification_deliver\[([^\]]+)\] received", worker.log.read_text()
            )
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        assert notify.accepted == []
        assert _status(email.pk) == "sending"  # nothing lost, nothing marked sent

        # Restart on the same queue: the task was never acknowledged (acks_late), so Redis
        # redelivers it, and with the dead worker's lease expired it claims and sends.
        with celery_worker(queue=queue, extra_env=env) as worker:
            assert wait_until(lambda: _status(email.pk) == "sent", timeout=60), (
                worker.log.read_text()[-3000:]
            )
            # It was the same task, redelivered, that sent it (not a drain).
            assert f"notification_deliver[{task_id}] succeeded" in worker.log.read_text()
            # A second delivery of the task and the beat's drains find nothing to send.
            notification_deliver.apply_async(args=[email.pk], queue=queue)
            outbox_drain.apply_async(queue=queue)
            assert wait_until(lambda: worker.log.read_text().count("succeeded") >= 3, timeout=30)
            assert "'not-claimed'" in worker.log.read_text()
    assert len(notify.accepted) == 1
    # Both attempts carried the same reference, so the provider can match a lost answer too.
    assert {body["reference"] for body in notify.seen} == {email.idempotency_key}
    email.refresh_from_db()
    assert email.attempts == 1 and email.sent_at is not None


def test_with_redis_down_events_commit_and_the_backlog_drains_when_it_returns(
    transactional_db, settings
):
    team = TeamFactory()
    caseworker = UserFactory(role=Role.CASEWORKER, team=team)
    givers = [UserFactory(role=Role.ADVICE_GIVER) for _ in range(3)]
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.ASSESSING)
    with broker_at("redis://127.0.0.1:1/0"):
        started = time.monotonic()
        advice_requests_send(
            case=case,
            actor=caseworker,
            asks=[
                AdviceAsk(s, addressee=g)
                for s, g in zip(["ep", "health", "social_care"], givers, strict=True)
            ],
        )
        # One refused connection opens the circuit: the caseworker's page is not held up.
        assert time.monotonic() - started < 15
    assert AdviceRequest.objects.filter(case=case).count() == 3
    assert CaseEvent.objects.filter(case=case, kind="advice_requested").exists()
    backlog = Notification.objects.filter(channel="email", status="pending")
    assert sorted(backlog.values_list("recipient_id", flat=True)) == sorted(g.pk for g in givers)

    with FakeNotify() as notify, celery_worker(extra_env=_worker_env(notify)) as worker:
        outbox_drain.apply_async(queue=worker.queue)
        assert wait_until(lambda: not backlog.exists(), timeout=60), worker.log.read_text()[-2000:]
    assert sorted(b["email_address"] for b in notify.accepted) == sorted(g.email for g in givers)
    assert Notification.objects.filter(channel="email", status="sent").count() == 3


def test_advice_flow_reminder_at_the_offset_then_advice_stops_reminders(transactional_db, settings):
    team = TeamFactory()
    caseworker = UserFactory(role=Role.CASEWORKER, team=team, email="cw@example.test")
    ep = UserFactory(role=Role.ADVICE_GIVER, email="ep@example.test")
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.ASSESSING)
    today = timezone.localdate()
    requested = today - timedelta(weeks=6) + timedelta(days=7)  # due in 7 days

    def subjects_to(email: str) -> list[str]:
        return [
            b["personalisation"]["subject"] for b in notify.accepted if b["email_address"] == email
        ]

    with FakeNotify() as notify, celery_worker(extra_env=_worker_env(notify)) as worker:
        settings.NOTIFICATION_QUEUE = worker.queue
        # The worker runs in real time, so the sweep is moved (in this process) instead: the
        # request is made 5 weeks ago, and the sweep runs on the days in between and today.
        with time_machine.travel(requested):
            (request,) = advice_requests_send(
                case=case, actor=caseworker, asks=[AdviceAsk("ep", addressee=ep)], on=requested
            )
        assert wait_until(lambda: len(subjects_to(ep.email)) == 1, timeout=60)
        assert subjects_to(ep.email)[0].startswith("Advice requested")

        # Weeks before the first offset (14 days): nothing.
        with time_machine.travel(requested + timedelta(days=20)):
            assert statutory_sweep_run() == 0

        # The 7-day offset: the worker delivers the reminder.
        statutory_sweep_run()
        assert wait_until(lambda: len(subjects_to(ep.email)) == 2, timeout=60), (
            worker.log.read_text()[-2000:]
        )
        assert subjects_to(ep.email)[1] == f"Reminder: advice for {case.reference} is due in 7 days"
        request.refresh_from_db()
        assert request.state == "reminded"

        advice_submit(advice_request=request, actor=ep, needs="n", outcomes="o", provision="p")
        received = f"{case.reference}: educational psychology advice received"
        assert wait_until(lambda: received in subjects_to(caseworker.email), timeout=60)
        # The caseworker also had the sweep's alert that the advice was due in 7 days.
        assert f"{case.reference}: Advice from professionals due in 7 days" in subjects_to(
            caseworker.email
        )

        # Reminders stop: on the due day and weeks later nothing more is queued.
        for days in (5, 7, 8, 15, 30):
            with time_machine.travel(today + timedelta(days=days)):
                statutory_sweep_run()
        done = worker.log.read_text().count("outbox_drain")
        outbox_drain.apply_async(queue=worker.queue)
        assert wait_until(lambda: worker.log.read_text().count("outbox_drain") > done + 1)
    assert not Notification.objects.filter(
        recipient=ep, purpose__in=["advice_overdue", "advice_escalation"]
    ).exists()
    assert len(subjects_to(ep.email)) == 2
    case.refresh_from_db()
    assert case.waiting_on_others is False
