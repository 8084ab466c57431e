"""Who sees what of a panel: members of the meeting only, papers only from publication,
overseeing team managers of the area; everyone else gets 404 on every panel URL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Stage
from ehcp_portal.accounts.models import Discipline, Role
from panels.models import Meeting
from panels.services import decision_record
from tests.factories import CaseFactory, TeamFactory, UserFactory, family_for
from tests.letters import minutes_made_by_worker
from tests.panels.conftest import hold


@pytest.fixture
def world(team, caseworker, make_meeting, on_agenda):
    """A held, quorate, closed meeting with one decided item and minutes."""
    from panels.services import meeting_close

    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    parent = family_for(case)
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    item = on_agenda(meeting, case)
    hold(meeting)
    decision = decision_record(
        meeting=meeting, case=case, actor=meeting.chair, outcome="agree", reasons="Reasons."
    )
    meeting_close(meeting=meeting, actor=meeting.chair)
    minutes_made_by_worker()
    return {"meeting": meeting, "item": item, "case": case, "parent": parent, "decision": decision}


def every_url(world) -> list[tuple[str, str]]:
    meeting, item = world["meeting"], world["item"]
    evidence = item.paper.evidence.get()
    return [
        ("get", reverse("panels:meeting", args=[meeting.pk])),
        ("get", reverse("panels:agenda_build", args=[meeting.pk])),
        ("post", reverse("panels:agenda_remove", args=[meeting.pk, item.pk])),
        ("post", reverse("panels:publish", args=[meeting.pk])),
        ("get", reverse("panels:attendance", args=[meeting.pk])),
        ("post", reverse("panels:close", args=[meeting.pk])),
        ("get", reverse("panels:minutes", args=[meeting.pk])),
        ("get", reverse("panels:decision", args=[meeting.pk])),
        ("post", reverse("panels:decision", args=[meeting.pk])),
        ("get", reverse("panels:item", args=[meeting.pk, item.pk])),
        ("post", reverse("panels:item", args=[meeting.pk, item.pk])),
        ("get", reverse("panels:evidence", args=[meeting.pk, item.pk, evidence.public_id])),
        ("post", reverse("panels:ratify", args=[world["decision"].pk])),
    ]


def test_a_panel_member_not_on_the_meeting_sees_nothing_of_it(client, world):
    outsider = UserFactory(role=Role.PANEL_MEMBER, discipline=Discipline.HEALTH)
    client.force_login(outsider)
    for method, url in every_url(world):
        assert getattr(client, method)(url).status_code == 404, url
    home = client.get(reverse("panels:home")).content.decode()
    assert world["case"].reference not in home and "Decision to assess" not in home


@pytest.mark.parametrize(
    "role",
    [
        Role.PARENT,
        Role.YOUNG_PERSON,
        Role.SCHOOL,
        Role.ADVICE_GIVER,
        Role.ELECTED_MEMBER,
        Role.CASEWORKER,
    ],
)
def test_other_roles_get_404_on_every_panel_url(client, world, user_of_role, role):
    client.force_login(user_of_role(role))
    for method, url in every_url(world):
        assert getattr(client, method)(url).status_code == 404, url


def test_the_cases_own_family_and_caseworker_never_see_the_paper(client, world, caseworker):
    for user in (world["parent"], caseworker):
        client.force_login(user)
        for method, url in every_url(world):
            assert getattr(client, method)(url).status_code == 404, url


def test_a_manager_of_another_area_gets_404_and_the_areas_manager_oversees(
    client, world, manager, user_of_role
):
    meeting, item = world["meeting"], world["item"]
    client.force_login(user_of_role(Role.TEAM_MANAGER))
    for method, url in every_url(world):
        assert getattr(client, method)(url).status_code == 404, url
    client.force_login(manager)
    assert client.get(reverse("panels:meeting", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("panels:minutes", args=[meeting.pk])).status_code == 200
    # Overseeing is not sitting: the papers are for the panel.
    assert client.get(reverse("panels:item", args=[meeting.pk, item.pk])).status_code == 404
    assert client.get(reverse("panels:agenda_build", args=[meeting.pk])).status_code == 404


def test_members_see_papers_only_from_publication(
    client, make_meeting, on_agenda, case, panellists
):
    meeting = make_meeting()
    item = on_agenda(meeting, case)
    member = panellists[Discipline.HEALTH]
    client.force_login(member)
    page = client.get(reverse("panels:meeting", args=[meeting.pk]))
    assert page.status_code == 200  # they know they sit on it
    assert case.reference not in page.content.decode()
    assert client.get(reverse("panels:item", args=[meeting.pk, item.pk])).status_code == 404
    evidence = item.paper.evidence.get()
    url = reverse("panels:evidence", args=[meeting.pk, item.pk, evidence.public_id])
    assert client.get(url).status_code == 404

    meeting.status = Meeting.Status.PUBLISHED
    meeting.save()
    page = client.get(reverse("panels:item", args=[meeting.pk, item.pk]))
    assert page.status_code == 200 and item.paper.summary in page.content.decode()
    download = client.get(url)
    assert (
        download.status_code == 200 and b"".join(download.streaming_content) == b"SEN support plan"
    )


def test_only_the_chair_builds_publishes_and_holds(client, make_meeting, panellists):
    meeting = make_meeting()
    client.force_login(panellists[Discipline.HEALTH])
    assert client.get(reverse("panels:agenda_build", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("panels:publish", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("panels:attendance", args=[meeting.pk])).status_code == 404


def test_put_forward_is_for_staff_who_work_the_case(client, case, caseworker, user_of_role):
    url = reverse("panels:put_forward", args=[case.reference])
    client.force_login(caseworker)
    assert client.get(url).status_code == 200
    for role in Role:
        if role == Role.ADMIN:
            continue
        client.force_login(user_of_role(role))  # staff in a fresh team of another area
        assert client.get(url).status_code == 404, role
    client.force_login(family_for(case))
    assert client.get(url).status_code == 404


def test_putting_forward_with_missing_answers_shows_govuk_errors(client, case, caseworker):
    client.force_login(caseworker)
    response = client.post(
        reverse("panels:put_forward", args=[case.reference]), {"summary": "x\x00"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert "Choose the panel" in body and "Enter your recommendation to the panel" in body


def test_meeting_lists_are_per_role(client, world, manager, panellists, user_of_role):
    client.force_login(manager)
    assert "Decision to assess" in client.get(reverse("panels:meetings")).content.decode()
    assert client.get(reverse("panels:home")).status_code == 404
    client.force_login(panellists[Discipline.EDUCATIONAL_PSYCHOLOGY])
    assert "Decision to assess" in client.get(reverse("panels:home")).content.decode()
    assert client.get(reverse("panels:meetings")).status_code == 404
    client.force_login(user_of_role(Role.PARENT))
    assert client.get(reverse("panels:ratification")).status_code == 404


def test_agenda_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, make_meeting, on_agenda, team, caseworker, panellists
):
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    url = reverse("panels:meeting", args=[meeting.pk])
    client.force_login(panellists[Discipline.HEALTH])

    def add_cases(n: int) -> None:
        for _ in range(n):
            case = CaseFactory(team=team, caseworker=caseworker)
            on_agenda(meeting, case)

    add_cases(1)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add_cases(6)
    # session, user, meeting (with the access filter), members, agenda items, declarations,
    # decisions: the same with 7 items as with 1.
    with django_assert_num_queries(len(one.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count("EHC-") >= 7
    assert len(one.captured_queries) <= 8


def test_agenda_is_ordered_by_statutory_urgency(client, make_meeting, make_paper, team, caseworker):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    later = CaseFactory(team=team, caseworker=caseworker, received_on=today - timedelta(days=5))
    sooner = CaseFactory(team=team, caseworker=caseworker, received_on=today - timedelta(days=30))
    not_ready = CaseFactory(team=team, caseworker=caseworker, assessing=True)
    elsewhere = CaseFactory(team=TeamFactory(), stage=Stage.DECIDING_ASSESS)
    for c in (later, sooner, not_ready, elsewhere):
        c.next_deadline_on = c.received_on + timedelta(weeks=6)
        c.save()
        make_paper(c)
    meeting = make_meeting()
    client.force_login(meeting.chair)
    page = client.get(reverse("panels:agenda_build", args=[meeting.pk])).content.decode()
    assert sooner.reference in page and later.reference in page
    assert not_ready.reference not in page and elsewhere.reference not in page
    assert page.index(sooner.reference) < page.index(later.reference)
    papers = [later.panel_papers.get().pk, sooner.panel_papers.get().pk]
    client.post(reverse("panels:agenda_build", args=[meeting.pk]), {"papers": papers})
    assert [i.case for i in meeting.items.order_by("position")] == [sooner, later]
    # A paper for a case not ready for this panel is refused with a GOV.UK error.
    response = client.post(
        reverse("panels:agenda_build", args=[meeting.pk]),
        {"papers": [not_ready.panel_papers.get().pk]},
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
