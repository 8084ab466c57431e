"""Sent messages keep their text for NOTIFICATION_BODY_RETENTION_DAYS, then only what the portal
still reads of them (subject, status, times, idempotency key)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.models import Stage
from ehcp_portal.celery import app
from notifications.models import Notification
from notifications.retention import notification_bodies_trim
from tests.factories import CaseFactory, UserFactory
from tests.notifications.test_sweep import MONDAY, _case

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 16)
OLD = TODAY - timedelta(days=settings.NOTIFICATION_BODY_RETENTION_DAYS + 1)
RECENT = TODAY - timedelta(days=settings.NOTIFICATION_BODY_RETENTION_DAYS - 1)


def _message(key: str, made: date, **fields) -> Notification:
    fields.setdefault("recipient", UserFactory())
    fields.setdefault("channel", Notification.Channel.EMAIL)
    fields.setdefault("status", Notification.Status.SENT)
    return Notification.objects.create(
        idempotency_key=key,
        purpose="deadline_alert",
        subject=f"Subject {key}",
        body=f"The whole text of {key}",
        created_at=timezone.make_aware(datetime.combine(made, datetime.min.time())),
        **fields,
    )


def _body(key: str) -> str:
    return Notification.objects.get(idempotency_key=key).body


def test_done_messages_past_the_period_lose_their_text_and_nothing_else(settings):
    case = CaseFactory()
    _message("old-sent", OLD, case=case)
    _message("old-delivered", OLD, status=Notification.Status.DELIVERED, case=case)
    _message("old-skipped", OLD, status=Notification.Status.SKIPPED)
    _message("old-read", OLD, channel="in_app", read_at=timezone.now())
    _message("old-unread", OLD, channel="in_app")
    _message("old-failed", OLD, status=Notification.Status.FAILED, statutory=True)
    _message("old-pending", OLD, status=Notification.Status.PENDING)
    _message("recent-sent", RECENT)

    assert notification_bodies_trim(today=TODAY, batch_size=2) == 4

    for key in ("old-sent", "old-delivered", "old-skipped", "old-read"):
        assert _body(key) == ""
        # The row, its subject and its key stay: the case page and the sweep still read them.
        assert Notification.objects.get(idempotency_key=key).subject == f"Subject {key}"
    for key in ("old-unread", "old-failed", "old-pending", "recent-sent"):
        assert _body(key) == f"The whole text of {key}"
    assert notification_bodies_trim(today=TODAY) == 0  # a second run trims nothing


def test_the_period_is_configurable(settings):
    _message("ten-days", TODAY - timedelta(days=10))
    assert notification_bodies_trim(today=TODAY) == 0
    settings.NOTIFICATION_BODY_RETENTION_DAYS = 7
    assert notification_bodies_trim(today=TODAY) == 1
    assert _body("ten-days") == ""


def test_the_inbox_says_the_text_is_no_longer_kept(client):
    user = UserFactory()
    _message("read-long-ago", OLD, recipient=user, channel="in_app", read_at=timezone.now())
    notification_bodies_trim(today=TODAY)
    client.force_login(user)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Subject read-long-ago" in page
    assert "The text of this message is no longer kept." in page


def test_a_breach_alert_trimmed_is_not_sent_again(caseworker, manager, team):
    """The key outlives the text: the sweep does not alert the manager again about a deadline
    still passed months later."""
    from cases.casework.sweep import statutory_sweep_run

    # reg 4(1), 5(1): the decision whether to assess was due 6 weeks after the request.
    _case(stage=Stage.DECIDING_ASSESS, received_on=MONDAY - timedelta(weeks=7), team=team)
    statutory_sweep_run(today=MONDAY)
    breach = Notification.objects.get(purpose="deadline_breach", channel="email")
    Notification.objects.filter(pk=breach.pk).update(  # sent long ago
        status=Notification.Status.SENT,
        created_at=timezone.make_aware(datetime.combine(OLD, datetime.min.time())),
    )
    later = MONDAY + timedelta(days=120)
    assert notification_bodies_trim(today=later) >= 1
    assert Notification.objects.get(pk=breach.pk).body == ""
    statutory_sweep_run(today=later)  # other deadlines have passed since: alerts about them
    same_deadline = breach.idempotency_key.rsplit(":", 3)[0]  # breach:<case>:<deadline>:<due>
    alerts = Notification.objects.filter(
        purpose="deadline_breach", channel="email", idempotency_key__startswith=same_deadline
    )
    assert list(alerts.values_list("pk", flat=True)) == [breach.pk]


def test_the_trim_runs_nightly_from_the_beat_schedule():
    app.loader.import_default_modules()  # the worker's autodiscovery
    entry = settings.CELERY_BEAT_SCHEDULE["notification-bodies-trim"]
    assert entry["task"] in app.tasks
    # Once a day, in the hour the retention schedule runs, after it.
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {50}
    _message("old", OLD)
    with time_machine.travel(TODAY):
        assert app.tasks[entry["task"]].apply().get() == 1
    assert _body("old") == ""
