"""Staff sessions end after SESSION_IDLE_TIMEOUT_MINUTES without a request and after
STAFF_SESSION_MAX_HOURS however active, on the server; the sign-in page then says why.
Families keep their session."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ehcp_portal.accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.CASEWORKER, team=team)


def test_an_idle_staff_session_is_signed_out_and_told_why(client, worker):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(worker)
        # Working steadily, with gaps under the timeout, keeps the session.
        for _ in range(3):
            clock.shift(timedelta(minutes=29))
            assert client.get(reverse("casework:caseload")).status_code == 200
        clock.shift(timedelta(minutes=30))
        response = client.get(reverse("casework:caseload"))
        assert response.status_code == 302
        assert response["Location"] == reverse("account_login") + "?next=/caseload/"
        assert not signed_in(client)
        body = client.get(response["Location"]).content.decode()
        assert "we signed you out because you did not do anything for 30 minutes" in body


def test_the_idle_timeout_is_the_councils_to_set(client, worker, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 10
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(worker)
        clock.shift(timedelta(minutes=11))
        assert client.get(reverse("casework:caseload")).status_code == 302
        assert not signed_in(client)


def test_a_staff_session_ends_after_twelve_hours_however_busy(client, worker):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(worker)
        for _ in range(11 * 3):  # a request every 20 minutes for 11 hours
            clock.shift(timedelta(minutes=20))
            assert client.get(reverse("casework:caseload")).status_code == 200
        clock.shift(timedelta(minutes=60))
        response = client.get(reverse("casework:caseload"))
        assert response.status_code == 302
        body = client.get(response["Location"]).content.decode()
        assert "you had been signed in for 12 hours" in body


def test_families_keep_their_session_when_idle(client, db):
    parent = UserFactory(role=Role.PARENT)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(parent)
        clock.shift(timedelta(hours=3))
        assert client.get(reverse("families:home")).status_code == 200
        assert signed_in(client)


def test_asking_how_long_is_left_does_not_keep_the_session_alive(client, worker):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(worker)
        clock.shift(timedelta(minutes=20))
        response = client.get(reverse("accounts:session_status"))
        assert response.json() == {"timed": True, "seconds_left": 600}
        clock.shift(timedelta(minutes=10))
        response = client.get(reverse("accounts:session_status"))
        assert response.status_code == 403
        assert "did not do anything for 30 minutes" in response.json()["detail"]
        assert not signed_in(client)


def test_stay_signed_in_extends_the_session(client, worker):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(worker)
        clock.shift(timedelta(minutes=28, seconds=30))
        response = client.post(reverse("accounts:session_extend"))
        assert response.json() == {"timed": True, "seconds_left": 30 * 60}
        clock.shift(timedelta(minutes=28))
        assert client.get(reverse("casework:caseload")).status_code == 200


def test_the_session_endpoints_refuse_what_they_should(client, worker):
    assert client.get(reverse("accounts:session_status")).status_code == 403
    assert client.post(reverse("accounts:session_extend")).status_code == 403
    client.force_login(worker)
    assert client.get(reverse("accounts:session_extend")).status_code == 405
    assert client.post(reverse("accounts:session_status")).status_code == 405


def test_an_idle_api_session_gets_a_json_answer(client, worker):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(worker)
        clock.shift(timedelta(minutes=31))
        response = client.get("/api/cases/")
        assert response.status_code == 403
        assert "signed you out" in response.json()["detail"]


def test_staff_pages_carry_the_timeout_warning_and_family_pages_do_not(client, worker):
    client.force_login(worker)
    body = client.get(reverse("casework:caseload")).content.decode()
    assert "data-session-timeout" in body
    assert "You’re about to be signed out" in body
    assert "session-timeout.js" in body
    client.force_login(UserFactory(role=Role.PARENT))
    body = client.get(reverse("families:home")).content.decode()
    assert "data-session-timeout" not in body
