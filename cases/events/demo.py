"""The demo's feed: an opened event for every case the demo built, so a system following the
feed against `make run` sees the demo council's cases from the first page."""

from __future__ import annotations

from django.db import connection

from cases.events.models import Event, EventType, WebhookSubscription
from cases.events.services import events_record_bulk, feed_lock
from cases.models import Case

BATCH = 2000


def build_events() -> None:
    """Oldest case first, as the feed would have had them. On PostgreSQL, with no webhook
    subscription to queue deliveries for (the demo has none), one statement writes the rows
    `events_record_bulk` would: making and writing a million Event instances was a tenth of
    `seed_demo --cases 1000000`."""
    if connection.vendor == "postgresql" and not WebhookSubscription.objects.exists():
        feed_lock()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {Event._meta.db_table}
                    (type, occurred_at, case_id, case_reference, area_id, data)
                SELECT %s, now(), id, reference, area_id,
                       jsonb_build_object(
                           'stage', stage, 'route', route,
                           'received_on', to_char(received_on, 'YYYY-MM-DD')
                       )
                FROM {Case._meta.db_table}
                ORDER BY received_on, id
                """,  # noqa: S608 (table names from the models)
                [EventType.CASE_OPENED],
            )
        return
    cases = Case.objects.only("pk", "reference", "area_id", "stage", "route", "received_on")
    batch: list = []
    for case in cases.order_by("received_on", "pk").iterator(chunk_size=BATCH):
        data = {"stage": case.stage, "route": case.route, "received_on": case.received_on}
        batch.append((case, data))
        if len(batch) == BATCH:
            events_record_bulk(type=EventType.CASE_OPENED, cases=batch)
            batch = []
    events_record_bulk(type=EventType.CASE_OPENED, cases=batch)
