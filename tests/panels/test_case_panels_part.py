"""The case page's panels part: a case put forward shows its meeting, date and status, and the
panel's current decision, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from panels.models import Meeting

pytestmark = pytest.mark.django_db


def test_a_case_on_an_agenda_shows_the_meeting_its_date_and_status(
    client, case, caseworker, make_meeting, on_agenda, make_paper
):
    on = timezone.localdate() + timedelta(days=9)
    meeting = make_meeting(on=on, status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    make_paper(case, "placement")  # put forward again, not on an agenda yet
    client.force_login(caseworker)
    body = client.get(reverse("casework:case_panels", args=[case.reference])).content.decode()
    assert on.strftime("%-d %B %Y") in body
    assert "Agenda published" in body
    assert "Not yet on a meeting&#x27;s agenda" in body or "Not yet on a meeting's agenda" in body
    assert "Not decided yet" in body


@pytest.mark.parametrize("n", [1, 4])
def test_the_panels_part_runs_a_fixed_number_of_queries(
    client, case, caseworker, make_meeting, on_agenda, n, django_assert_num_queries
):
    for i in range(n):
        on_agenda(make_meeting(on=timezone.localdate() + timedelta(days=i + 1)), case)
    client.force_login(caseworker)
    # every part's 7 (tests/cases/test_case_page.py) + papers, agenda items, meetings, decisions
    with django_assert_num_queries(7 + 4):
        response = client.get(reverse("casework:case_panels", args=[case.reference]))
    assert response.status_code == 200
