"""The demo's feed: an opened event for every case the demo built, so a system following the
feed against `make run` sees the demo council's cases from the first page."""

from __future__ import annotations

from cases.events.models import EventType
from cases.events.services import events_record_bulk, events_record_opened_for_every_case
from cases.models import Case

BATCH = 2000


def build_events() -> None:
    """Oldest case first, as the feed would have had them: in one statement where it can be
    (`events_record_opened_for_every_case`), else through `events_record_bulk`."""
    if events_record_opened_for_every_case():
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
