"""Webhooks delivered to a real local HTTP receiver: signed, retried with back-off, once, and
replayed from the admin."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from cases.events import signing
from cases.events.admin import WebhookSubscriptionForm
from cases.events.models import Event, EventType, WebhookDelivery, WebhookSubscription
from cases.events.services import event_record, webhooks_drain
from cases.workflow import case_transition
from ehcp_portal.accounts.models import Role
from tests.events.receiver import webhook_receiver
from tests.factories import AreaFactory, CaseFactory, UserFactory

SECRET = "s3cret-shared-with-the-warehouse"


def _subscribe(url: str, *types: str, **extra: object) -> WebhookSubscription:
    return WebhookSubscription.objects.create(
        name="Council data warehouse",
        url=url,
        secret=SECRET,
        event_types=list(types) or [EventType.CASE_STAGE_CHANGED],
        **extra,
    )


def test_a_stage_change_is_posted_signed_to_the_subscriber(case, caseworker):
    with webhook_receiver() as receiver:
        _subscribe(receiver.url, EventType.CASE_STAGE_CHANGED)
        case_transition(case=case, action="agree_to_assess", actor=caseworker)
        assert webhooks_drain() == {"delivered": 1}

    (post,) = receiver.received
    event = Event.objects.get(case_id=case.pk, type=EventType.CASE_STAGE_CHANGED)
    assert event.data["stage"] == "assessing"
    assert json.loads(post.body) == {
        "id": event.pk,
        "type": "case.stage_changed",
        "occurred_at": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "case": case.reference,
        "data": event.data,
    }
    assert post.headers["X-EHCP-Event-Id"] == str(event.pk)
    assert post.headers["Content-Type"] == "application/json"
    header = post.headers["X-EHCP-Signature"]
    assert signing.signature_valid(SECRET, post.body, header, now=int(time.time()))
    # The receiver can tell a forged or altered body and a wrong secret.
    assert not signing.signature_valid(SECRET, post.body + b" ", header, now=int(time.time()))
    assert not signing.signature_valid("guess", post.body, header, now=int(time.time()))
    # ... and a delivery captured and sent again much later.
    assert not signing.signature_valid(SECRET, post.body, header, now=int(time.time()) + 600)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 204)


def test_only_chosen_types_and_the_chosen_area_are_sent(case):
    other_area_case = CaseFactory(area=AreaFactory())
    with webhook_receiver() as receiver:
        _subscribe(receiver.url, EventType.CASE_ASSIGNED, area=case.area)
        event_record(type=EventType.CASE_ASSIGNED, case=case)
        event_record(type=EventType.CASE_OPENED, case=case)  # not chosen
        event_record(type=EventType.CASE_ASSIGNED, case=other_area_case)  # another area
        inactive = _subscribe(receiver.url, EventType.CASE_ASSIGNED, active=False)
        event_record(type=EventType.CASE_ASSIGNED, case=case)
        webhooks_drain()
    assert [json.loads(p.body)["case"] for p in receiver.received] == [case.reference] * 2
    assert not inactive.deliveries.exists()


def test_a_receiver_answering_500_is_tried_again_after_a_back_off_then_succeeds(case):
    with webhook_receiver(500, 503) as receiver:
        _subscribe(receiver.url, EventType.CASE_OPENED)
        event_record(type=EventType.CASE_OPENED, case=case)
        assert webhooks_drain() == {"retry": 1}
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            "pending",
            1,
            500,
        )
        assert delivery.last_response == "busy, try later"
        first_wait = delivery.next_attempt_at - delivery.last_attempt_at
        assert webhooks_drain() == {}  # not due yet: nothing is sent again at once

        with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
            assert webhooks_drain() == {"retry": 1}
            delivery.refresh_from_db()
            assert delivery.next_attempt_at - delivery.last_attempt_at == 2 * first_wait
        with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
            assert webhooks_drain() == {"delivered": 1}
            assert webhooks_drain() == {}  # a re-run sends nothing twice

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 204)
    assert len(receiver.received) == 3
    assert len({p.headers["X-EHCP-Event-Id"] for p in receiver.received}) == 1


@override_settings(WEBHOOK_MAX_ATTEMPTS=2)
def test_a_delivery_that_keeps_failing_shows_as_failed_and_an_unreachable_one_says_why(case):
    with webhook_receiver(500, 500) as receiver:
        _subscribe(receiver.url, EventType.CASE_OPENED)
        event_record(type=EventType.CASE_OPENED, case=case)
        webhooks_drain()
        with time_machine.travel(timezone.now() + timedelta(hours=1)):
            assert webhooks_drain() == {"failed": 1}
        unreachable = receiver.url  # the server is gone after the block
    assert WebhookDelivery.objects.get().status == "failed"

    WebhookSubscription.objects.update(url=unreachable)
    event_record(type=EventType.CASE_OPENED, case=case)
    assert webhooks_drain() == {"retry": 1}
    retrying = WebhookDelivery.objects.get(status="pending")
    assert retrying.last_status_code is None
    assert "refused" in retrying.last_error.lower()


def test_a_delivery_claimed_by_a_worker_is_not_sent_by_another_until_its_lease_ends(case):
    with webhook_receiver() as receiver:
        _subscribe(receiver.url, EventType.CASE_OPENED)
        event_record(type=EventType.CASE_OPENED, case=case)
        delivery = WebhookDelivery.objects.get()
        # A worker claimed it and died mid-send.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status="sending", next_attempt_at=timezone.now() + timedelta(minutes=2)
        )
        assert webhooks_drain() == {}
        with time_machine.travel(timezone.now() + timedelta(minutes=3)):
            assert webhooks_drain() == {"delivered": 1}
    assert len(receiver.received) == 1


def test_the_administrator_replays_chosen_deliveries(client, case):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    with webhook_receiver() as receiver:
        _subscribe(receiver.url, EventType.CASE_OPENED)
        first = event_record(type=EventType.CASE_OPENED, case=case)
        event_record(type=EventType.CASE_OPENED, case=case)
        webhooks_drain()
        assert len(receiver.received) == 2

        client.force_login(admin)
        log = client.get("/admin/events/webhookdelivery/")
        assert log.status_code == 200
        assert b"Delivered" in log.content
        chosen = WebhookDelivery.objects.get(event=first)
        answer = client.post(
            "/admin/events/webhookdelivery/",
            {"action": "replay", "_selected_action": [chosen.pk]},
            follow=True,
        )
        assert b"1 deliveries queued to be sent again." in answer.content
        assert webhooks_drain() == {"delivered": 1}

    assert [p.headers["X-EHCP-Event-Id"] for p in receiver.received] == [
        str(first.pk),
        str(first.pk + 1),
        str(first.pk),
    ]
    chosen.refresh_from_db()
    assert (chosen.status, chosen.attempts) == ("delivered", 1)


def test_people_who_are_not_administrators_cannot_open_the_delivery_log(client, caseworker):
    client.force_login(caseworker)
    answer = client.get("/admin/events/webhookdelivery/")
    assert answer.status_code == 302  # to sign in as staff


def test_a_subscription_needs_https_and_a_known_event_type(db):
    form = WebhookSubscriptionForm(
        data={
            "name": "Warehouse",
            "url": "http://warehouse.example.gov.uk/hook",
            "event_types": ["case.opened"],
            "active": "on",
            "secret": "x" * 64,
        }
    )
    assert not form.is_valid()
    assert form.errors["url"] == ["The address must start with https://"]

    form = WebhookSubscriptionForm(
        data={
            "name": "Warehouse",
            "url": "https://warehouse.example.gov.uk/hook",
            "event_types": ["case.opened", "case.deleted"],
            "active": "on",
            "secret": "x" * 64,
        }
    )
    assert not form.is_valid()
    assert "event_types" in form.errors
    sub = WebhookSubscription(name="W", url="https://w.example/", event_types=["case.deleted"])
    with pytest.raises(ValidationError):
        sub.full_clean()


def test_a_new_subscription_gets_a_long_random_secret(db):
    a = WebhookSubscription.objects.create(name="A", url="https://a.example/", event_types=["x"])
    b = WebhookSubscription.objects.create(name="B", url="https://b.example/", event_types=["x"])
    assert len(a.secret) == 64 and a.secret != b.secret


@override_settings(WEBHOOK_DRAIN_BUDGET_SECONDS=0)
def test_a_drain_out_of_time_leaves_the_rest_unclaimed_for_the_next(case):
    with webhook_receiver() as receiver:
        _subscribe(receiver.url, EventType.CASE_OPENED)
        for _ in range(3):
            event_record(type=EventType.CASE_OPENED, case=case)
        first = webhooks_drain()
        assert sum(first.values()) <= 1  # the budget ran out before the next delivery
        assert WebhookDelivery.objects.filter(status="pending").count() >= 2
        with override_settings(WEBHOOK_DRAIN_BUDGET_SECONDS=120):
            webhooks_drain()
    assert len(receiver.received) == 3
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
