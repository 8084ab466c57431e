"""The same POST sent twice at once (a client that retries before the first answer arrives):
two real database sessions, one case, the same answer to both."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from cases.integrations.models import Scope
from cases.models import Case
from ehcp_portal.accounts.models import Role
from tests.factories import AreaFactory, SettingFactory, TeamFactory, UserFactory
from tests.integrations.conftest import ApiCaller, issue_client
from tests.integrations.test_writes import school_answers

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_copies_of_one_call_at_once_open_one_case():
    area = AreaFactory(postcode_districts=["LS6"])
    TeamFactory(area=area)
    senco = UserFactory(role=Role.SCHOOL, setting=SettingFactory())
    _, token = issue_client(senco, [Scope.REQUESTS_WRITE])
    start = threading.Barrier(2)
    answers: list[tuple[int, dict]] = []

    def send() -> None:
        try:
            caller = ApiCaller(token)
            start.wait()
            response = caller.post("/api/v1/requests/", school_answers(), key="same-call")
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [code for code, _ in answers] == [201, 201]
    assert answers[0][1] == answers[1][1]
    assert Case.objects.count() == 1
