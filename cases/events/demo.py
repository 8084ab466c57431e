"""The demo's feed: an opened event for every case the demo built, so a system following the
feed against `make run` sees the demo council's cases from the first page."""

from __future__ import annotations

from cases.events.models import EventType
from cases.events.services import events_record_bulk
from cases.models import Case

BATCH = 2000


def build_events() -> None:
    cases = Case.objects.only("pk", "reference", "area_id", "stage", "route", "received_on")
    batch: list = []
    for case in cases.order_by("received_on", "pk").iterator(chunk_size=BATCH):
        data = {"stage": case.stage, "route": case.route, "received_on": case.received_on}
        batch.append((case, data))
        if len(batch) == BATCH:
            events_record_bulk(type=EventType.CASE_OPENED, cases=batch)
            batch = []
    events_record_bulk(type=EventType.CASE_OPENED, cases=batch)
