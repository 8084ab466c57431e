"""A task travels through Redis to a real worker process and changes the database."""

from __future__ import annotations

import pytest

from ehcp_portal.accounts.models import Role
from notifications.models import Notification
from notifications.services import notification_queue
from notifications.tasks import notification_deliver
from tests.factories import UserFactory
from tests.worker import celery_worker, wait_until


@pytest.mark.worker
def test_queued_email_is_delivered_by_a_real_worker_through_redis(transactional_db):
    recipient = UserFactory(role=Role.PARENT, email="family@example.test")
    with celery_worker() as worker:
        email = notification_queue(
            recipient=recipient,
            purpose="request_received",
            event_key="case:1:received",
            subject="We have received your request",
            body="We will tell you by 16 March 2027 whether we will assess.",
            channels=(Notification.Channel.EMAIL,),
        )[0]
        notification_deliver.apply_async(args=[email.pk], queue=worker.queue)

        def sent() -> bool:
            email.refresh_from_db()
            return email.status == Notification.Status.SENT

        assert wait_until(sent), worker.log.read_text()[-2000:]
        assert email.attempts == 1
        assert "notification_deliver" in worker.log.read_text()


def test_same_event_recipient_and_purpose_is_queued_once(db):
    recipient = UserFactory()
    kwargs = {
        "recipient": recipient,
        "purpose": "reminder",
        "event_key": "advice:7:due-7",
        "subject": "Reminder",
        "body": "Advice is due in 7 days.",
    }
    first = notification_queue(**kwargs)
    second = notification_queue(**kwargs)
    assert len(first) == 2  # in-app and email
    assert second == []
    assert Notification.objects.filter(recipient=recipient).count() == 2


def test_non_statutory_email_is_skipped_when_the_user_turned_email_off(db):
    recipient = UserFactory(email_opt_in=False)
    notification_queue(
        recipient=recipient, purpose="digest", event_key="d:1", subject="Digest", body="…"
    )
    notification_queue(
        recipient=recipient,
        purpose="decision",
        event_key="d:2",
        subject="Decision",
        body="…",
        statutory=True,
    )
    emails = Notification.objects.filter(recipient=recipient, channel="email")
    assert {(n.purpose, n.status) for n in emails} == {
        ("digest", "skipped"),
        ("decision", "pending"),
    }
