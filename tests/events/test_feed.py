"""The event feed: what changes write to it, what a reader sees of it, and how they page it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.test import Client
from django.utils import timezone

from cases.events.models import Event, EventType
from cases.events.selectors import cursor_encode
from cases.events.services import event_record
from cases.models import Case, Route
from cases.services import case_open
from cases.workflow import case_transition
from ehcp_portal.accounts.models import Role
from tests.factories import AreaFactory, CaseFactory, ChildFactory, TeamFactory, UserFactory

FEED = "/api/v1/events/"


def _feed(client: Client, **params: object) -> dict:
    response = client.get(FEED, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_opening_a_case_and_deciding_to_assess_write_events_with_no_names(caseworker):
    area = caseworker.team.area
    area.postcode_districts = ["LS6"]
    area.save()
    child = ChildFactory(postcode="LS6 2AB", first_name="Amara", last_name="Okafor")
    case = case_open(
        child=child,
        received_on=timezone.localdate(),
        route=Route.FAMILY,
        channel="online",
        needs=["ASD"],
        requested_by=None,
        actor=None,
    )
    case_transition(case=case, action="agree_to_assess", actor=caseworker)

    events = list(Event.objects.filter(case_id=case.pk))
    types = [e.type for e in events]
    assert types[0] == EventType.CASE_OPENED
    assert EventType.CASE_ASSIGNED in types  # the assignment hook runs after the case opened
    assert types[-2:] == [EventType.CASE_STAGE_CHANGED, EventType.DOCUMENT_ADDED]  # and a letter
    stage_changed = events[-2]
    case.refresh_from_db()
    assert stage_changed.data == {
        "action": "agree_to_assess",
        "stage": "assessing",
        "on": timezone.localdate().isoformat(),
        "next_deadline": case.next_deadline_key,
        "next_deadline_on": case.next_deadline_on.isoformat(),
    }
    assert all(e.case_reference == case.reference and e.area_id == area.pk for e in events)
    assert "Amara" not in str([e.data for e in events])
    assert "Okafor" not in str([e.data for e in events])


def test_an_event_is_written_in_the_transaction_of_the_change(case):
    with pytest.raises(RuntimeError), transaction.atomic():
        case_transition(case=case, action="agree_to_assess", actor=None)
        raise RuntimeError("the change fails after the event was recorded")
    assert not Event.objects.filter(case_id=case.pk).exists()


def test_the_database_refuses_to_change_or_remove_an_event(case):
    event = event_record(type=EventType.CASE_OPENED, case=case)
    for statement in (
        "UPDATE events_event SET type = 'case.assigned' WHERE id = %s",
        "DELETE FROM events_event WHERE id = %s",
    ):
        with (
            pytest.raises((InternalError, ProgrammingError, IntegrityError)) as refused,
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
        assert "append-only" in str(refused.value)
    event.refresh_from_db()
    assert event.type == EventType.CASE_OPENED


def test_the_feed_pages_forward_with_an_opaque_cursor(client, caseworker, case):
    recorded = [
        event_record(type=EventType.CASE_STAGE_CHANGED, case=case, data={"n": n}) for n in range(5)
    ]
    client.force_login(caseworker)

    first = _feed(client, limit=2)
    assert [e["id"] for e in first["results"]] == [recorded[0].pk, recorded[1].pk]
    assert first["results"][0] == {
        "id": recorded[0].pk,
        "type": "case.stage_changed",
        "occurred_at": first["results"][0]["occurred_at"],
        "case": case.reference,
        "data": {"n": 0},
    }
    assert str(recorded[1].pk) not in first["next"]  # opaque, not the id itself

    second = _feed(client, limit=2, after=first["next"])
    third = _feed(client, limit=2, after=second["next"])
    assert [e["data"]["n"] for e in second["results"] + third["results"]] == [2, 3, 4]
    assert third["next"] is None  # caught up
    # Polling later from where the reader stopped finds only what happened since.
    later = event_record(type=EventType.CASE_ASSIGNED, case=case)
    assert [e["id"] for e in _feed(client, after=third["resume"])["results"]] == [later.pk]


@pytest.mark.parametrize(
    "after",
    [
        "not-a-cursor",
        "MTIz",
        cursor_encode(5)[:-2] + "!!",
        cursor_encode(10**30),  # beyond any id the database can hold
        "\x00",
        "é",
    ],
)
def test_a_cursor_the_feed_did_not_give_is_a_400_with_a_message(caseworker, after):
    client = Client(raise_request_exception=False)
    client.force_login(caseworker)
    answer = client.get(FEED, {"after": after})
    assert answer.status_code == 400
    assert answer.json()["errors"]["after"]


@pytest.mark.parametrize("limit", ["0", "501", "ten"])
def test_a_page_size_out_of_range_is_a_400(caseworker, limit):
    client = Client(raise_request_exception=False)
    client.force_login(caseworker)
    answer = client.get(FEED, {"limit": limit})
    assert answer.status_code == 400
    assert "limit" in answer.json()["errors"]


def test_a_page_runs_a_fixed_number_of_queries(
    client, caseworker, team, django_assert_max_num_queries
):
    client.force_login(caseworker)
    for _ in range(3):
        case = CaseFactory(team=team, caseworker=caseworker)
        event_record(type=EventType.CASE_OPENED, case=case)
    # session, user, the page of events (the reader's cases are a subquery)
    with django_assert_max_num_queries(3):
        few = _feed(client)
    for _ in range(30):
        case = CaseFactory(team=team, caseworker=caseworker)
        event_record(type=EventType.CASE_OPENED, case=case)
    with django_assert_max_num_queries(3):
        many = _feed(client)
    assert len(few["results"]) == 3 and len(many["results"]) == 33


# -- who sees what -----------------------------------------------------------------------------


@pytest.fixture
def two_areas(db):
    """A case in each of two areas, each with an event, and a caseworker in each."""
    north, south = TeamFactory(area=AreaFactory()), TeamFactory(area=AreaFactory())
    north_worker = UserFactory(role=Role.CASEWORKER, team=north)
    south_worker = UserFactory(role=Role.CASEWORKER, team=south)
    north_case = CaseFactory(team=north, caseworker=north_worker)
    south_case = CaseFactory(team=south, caseworker=south_worker)
    event_record(type=EventType.CASE_OPENED, case=north_case)
    event_record(type=EventType.CASE_OPENED, case=south_case)
    return north_worker, north_case, south_case


def test_a_caseworker_follows_only_the_cases_they_may_see(client, two_areas):
    north_worker, north_case, south_case = two_areas
    client.force_login(north_worker)
    assert {e["case"] for e in _feed(client)["results"]} == {north_case.reference}
    assert _feed(client, case=north_case.reference)["results"][0]["case"] == north_case.reference
    # Another area's case is as unknown as a reference that does not exist.
    hidden = client.get(FEED, {"case": south_case.reference})
    missing = client.get(FEED, {"case": "EHC-1999-000001"})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert missing.json()["status"] == 404


def test_the_head_of_service_follows_every_area(client, two_areas):
    _, north_case, south_case = two_areas
    client.force_login(UserFactory(role=Role.HEAD_OF_SERVICE))
    assert {e["case"] for e in _feed(client)["results"]} == {
        north_case.reference,
        south_case.reference,
    }


@pytest.mark.parametrize(
    "role",
    [
        Role.PARENT,
        Role.YOUNG_PERSON,
        Role.SCHOOL,
        Role.ADVICE_GIVER,
        Role.PANEL_MEMBER,
        Role.ELECTED_MEMBER,
        Role.DPO,
    ],
)
def test_roles_that_may_not_see_cases_get_an_empty_feed_and_404s(client, two_areas, role):
    _, north_case, _ = two_areas
    client.force_login(UserFactory(role=role))
    assert _feed(client) == {"results": [], "next": None, "resume": None}
    assert client.get(FEED, {"case": north_case.reference}).status_code == 404


def test_the_family_of_the_child_does_not_follow_the_staff_feed(client, two_areas):
    from tests.factories import family_for

    _, north_case, _ = two_areas
    client.force_login(family_for(north_case))
    assert _feed(client)["results"] == []


def test_someone_not_signed_in_is_refused(client, two_areas):
    answer = client.get(FEED)
    assert answer.status_code in (401, 403)
    assert "detail" in answer.json()


def test_a_cohort_import_writes_an_opened_event_for_each_case_it_creates(team):
    from cases.assignment.cohort import cohort_import, cohort_rows_read

    district = team.area.postcode_districts[0]
    rows = cohort_rows_read(
        "first_name,last_name,date_of_birth,postcode,setting_urn,looked_after,needs\n"
        f"Amira,Khan,2018-04-02,{district} 1AA,,no,SEMH\n"
        f"Ava,Green,2017-03-01,{district} 3CD,,yes,ASD\n"
    )
    cohort_import(rows=rows, filename="cohort.csv")
    cases = Case.objects.filter(route=Route.COHORT)
    opened = Event.objects.filter(type=EventType.CASE_OPENED)
    assert sorted(opened.values_list("case_reference", flat=True)) == sorted(
        cases.values_list("reference", flat=True)
    )
    assert {e.data["route"] for e in opened} == {"cohort"}
    assert all(e.area_id == team.area_id for e in opened)


def test_the_demo_feed_starts_with_every_case_opened_and_survives_a_reset(client, db):
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", "--cases", "60", "--seed", "7", stdout=StringIO())
    opened = Event.objects.filter(type=EventType.CASE_OPENED)
    assert set(opened.values_list("case_id", flat=True)) == set(
        Case.objects.values_list("pk", flat=True)
    )
    # A reset cannot remove events (append-only); the old cases' events drop out of the feed.
    call_command("seed_demo", "--cases", "60", "--seed", "7", "--reset", stdout=StringIO())
    client.force_login(UserFactory(role=Role.HEAD_OF_SERVICE))
    page = _feed(client, limit=500)
    assert {e["case"] for e in page["results"]} == set(
        Case.objects.values_list("reference", flat=True)
    )


def test_the_demo_writes_in_one_statement_the_opened_events_the_bulk_service_writes(db):
    """The demo's feed is written by one INSERT on PostgreSQL (a million cases); with a
    subscription to deliver to, by `events_record_bulk`. Both give the same events in order."""
    from io import StringIO

    from django.core.management import call_command

    from cases.events.demo import build_events
    from cases.events.models import WebhookSubscription

    call_command("seed_demo", "--cases", "60", "--seed", "7", stdout=StringIO())
    opened = Event.objects.filter(type=EventType.CASE_OPENED).order_by("id")

    def shape(events):
        return [(e.case_id, e.case_reference, e.area_id, e.data) for e in events]

    by_statement = shape(opened)
    last = opened.last().pk
    WebhookSubscription.objects.create(name="A", url="https://a.example/", event_types=["x"])
    build_events()  # now through the service
    assert len(by_statement) == Case.objects.count()
    assert shape(opened.filter(pk__gt=last)) == by_statement


def test_the_feed_and_the_webhooks_give_an_event_the_shape_the_schema_says(case):
    from cases.events.api import EventSerializer
    from cases.events.services import event_body

    event = event_record(type=EventType.CASE_OPENED, case=case, data={"stage": "received"})
    event.refresh_from_db()
    assert EventSerializer(event).data == event_body(event)


def test_an_exception_to_a_time_limit_says_the_case_clock_changed(case, caseworker):
    from cases.casework.services import deadline_exception_record

    today = timezone.localdate()
    deadline_exception_record(
        case=case,
        deadline_key="decision_to_assess",
        reason="personal_circumstances",
        starts_on=today,
        ends_on=None,
        evidence="The family asked for a delay (letter on file).",
        family_told_on=today,
        actor=caseworker,
    )
    event = Event.objects.get(case_id=case.pk, type=EventType.CASE_DEADLINE_CHANGED)
    case.refresh_from_db()
    assert event.data == {
        "next_deadline": case.next_deadline_key,
        "next_deadline_on": case.next_deadline_on.isoformat(),
        "excepted": case.next_deadline_excepted,
    }
    assert "letter on file" not in str(event.data)  # the evidence stays on the case


@pytest.mark.parametrize("reference", ["EHC-2026\x00", "x" * 41])
def test_a_case_reference_that_cannot_exist_is_a_400_not_a_500(caseworker, reference):
    client = Client(raise_request_exception=False)
    client.force_login(caseworker)
    answer = client.get(FEED, {"case": reference})
    assert answer.status_code == 400
    assert answer.json()["errors"]["case"]
