"""Two real database sessions: an event's id is committed in order, so a follower reading
"after N" never skips an event that commits late with a smaller id."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from cases.events.models import Event, EventType
from cases.events.services import event_record
from tests.factories import CaseFactory


@pytest.mark.django_db(transaction=True)
def test_a_second_writer_waits_for_the_first_to_commit_before_taking_an_id():
    case = CaseFactory()
    first_recorded, first_may_commit = threading.Event(), threading.Event()
    second_done = threading.Event()
    ids: dict[str, int] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                ids["first"] = event_record(type=EventType.CASE_OPENED, case=case).pk
                first_recorded.set()
                first_may_commit.wait(10)
        finally:
            connection.close()

    def second() -> None:
        try:
            with transaction.atomic():
                ids["second"] = event_record(type=EventType.CASE_ASSIGNED, case=case).pk
            second_done.set()
        finally:
            connection.close()

    writer_one = threading.Thread(target=first)
    writer_one.start()
    assert first_recorded.wait(10)
    writer_two = threading.Thread(target=second)
    writer_two.start()
    # While the first change is uncommitted the second cannot record its event, so no reader
    # can see a later id before this one.
    assert not second_done.wait(1)
    assert not Event.objects.exists()
    first_may_commit.set()
    writer_one.join(10)
    writer_two.join(10)
    assert second_done.is_set()
    assert ids["first"] < ids["second"]
    assert list(Event.objects.values_list("type", flat=True)) == ["case.opened", "case.assigned"]
