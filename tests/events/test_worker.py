"""A webhook travels through Redis to a real worker process, which posts it to a receiver."""

from __future__ import annotations

import time

import pytest

from cases.events import signing
from cases.events.models import EventType, WebhookDelivery, WebhookSubscription
from cases.events.services import event_record
from cases.events.tasks import webhooks_drain
from tests.events.receiver import webhook_receiver
from tests.factories import CaseFactory
from tests.worker import celery_worker, wait_until


@pytest.mark.worker
def test_a_real_worker_delivers_a_signed_webhook_once(transactional_db):
    case = CaseFactory()
    with webhook_receiver() as receiver, celery_worker() as worker:
        WebhookSubscription.objects.create(
            name="Warehouse", url=receiver.url, secret="k" * 64, event_types=["case.opened"]
        )
        event = event_record(type=EventType.CASE_OPENED, case=case)
        webhooks_drain.apply_async(queue=worker.queue)

        def delivered() -> bool:
            return WebhookDelivery.objects.filter(status="delivered").exists()

        assert wait_until(delivered), worker.log.read_text()[-2000:]
        webhooks_drain.apply_async(queue=worker.queue)  # a second drain finds nothing due

        def drained_twice() -> bool:
            return worker.log.read_text().count("webhooks_drain") >= 4  # received, succeeded

        assert wait_until(drained_twice), worker.log.read_text()[-2000:]
    (post,) = receiver.received
    assert post.headers["X-EHCP-Event-Id"] == str(event.pk)
    assert signing.signature_valid(
        "k" * 64, post.body, post.headers["X-EHCP-Signature"], now=int(time.time())
    )
    assert "succeeded in" in worker.log.read_text()
