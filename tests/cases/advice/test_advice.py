"""Advice requests: a caseworker asks several sources at once; advice givers see only what is
addressed to them and answer through a structured form or decline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.advice.models import AdviceRequest
from cases.advice.selectors import advice_requests_for_case
from cases.advice.services import (
    AdviceAsk,
    AdviceRefused,
    advice_decline,
    advice_requests_send,
    advice_submit,
)
from cases.models import CaseEvent, Document, Stage
from cases.statutory import school_year_on
from ehcp_portal.accounts.models import Role
from notifications.models import Notification
from tests.factories import (
    AdviceRequestFactory,
    AdviceTeamFactory,
    CaseFactory,
    ChildFactory,
    TeamFactory,
    UserFactory,
    family_for,
)
from tests.families.helpers import PDF_BYTES


@pytest.fixture
def assessing_case(team, caseworker):
    return CaseFactory(team=team, caseworker=caseworker, stage=Stage.ASSESSING)


@pytest.fixture
def ep(db):
    return UserFactory(role=Role.ADVICE_GIVER, full_name="Dr Ada Psych", organisation="EP Service")


def test_requesting_advice_from_several_sources_sets_due_dates_and_waits(
    assessing_case, caseworker, ep
):
    health_lead = UserFactory(role=Role.ADVICE_GIVER)
    health_nurse = UserFactory(role=Role.ADVICE_GIVER)
    health = AdviceTeamFactory(name="Health (DCO)", members=[health_lead, health_nurse])
    on = date(2026, 11, 2)
    created = advice_requests_send(
        case=assessing_case,
        actor=caseworker,
        asks=[AdviceAsk(source="ep", addressee=ep), AdviceAsk(source="health", team=health)],
        on=on,
    )
    assessing_case.refresh_from_db()
    # reg 8(1): 6 weeks from the request, the same weekday.
    assert [r.due_on for r in created] == [date(2026, 12, 14)] * 2
    assert assessing_case.advice_requested_on == on
    assert assessing_case.waiting_on_others is True
    event = CaseEvent.objects.get(case=assessing_case, kind="advice_requested")
    assert "Educational psychologist" in event.summary and "Health" in event.summary
    emails = Notification.objects.filter(purpose="advice_requested", channel="email")
    assert {n.recipient for n in emails} == {ep, health_lead, health_nurse}
    assert all("14 December 2026" in n.body for n in emails)
    assert all(n.statutory for n in emails)
    bodies = {n.recipient: n.body for n in emails}
    assert "ask for your educational psychology advice" in bodies[ep]
    assert "ask for your medical advice" in bodies[health_nurse]
    assert not any("advice advice" in n.body for n in emails)


def test_advice_cannot_be_requested_outside_assessment(caseworker, team, ep):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    with pytest.raises(AdviceRefused, match="being assessed"):
        advice_requests_send(case=case, actor=caseworker, asks=[AdviceAsk("ep", addressee=ep)])
    assert not AdviceRequest.objects.exists()


def test_preparation_for_adulthood_only_from_year_9(team, caseworker, ep):
    on = date(2026, 11, 2)
    year8 = ChildFactory(date_of_birth=date(2013, 10, 1))  # 12 on 31 Aug 2026: Year 8
    year9 = ChildFactory(date_of_birth=date(2012, 10, 1))
    assert (school_year_on(year8.date_of_birth, on), school_year_on(year9.date_of_birth, on)) == (
        8,
        9,
    )
    young = CaseFactory(team=team, caseworker=caseworker, stage=Stage.ASSESSING, child=year8)
    with pytest.raises(AdviceRefused, match="Year 9"):
        advice_requests_send(
            case=young, actor=caseworker, asks=[AdviceAsk("pfa", addressee=ep)], on=on
        )
    older = CaseFactory(team=team, caseworker=caseworker, stage=Stage.ASSESSING, child=year9)
    assert advice_requests_send(
        case=older, actor=caseworker, asks=[AdviceAsk("pfa", addressee=ep)], on=on
    )


def test_case_stops_waiting_when_every_request_is_received_or_declined(
    assessing_case, caseworker, ep
):
    other = UserFactory(role=Role.ADVICE_GIVER)
    first, second = advice_requests_send(
        case=assessing_case,
        actor=caseworker,
        asks=[AdviceAsk("ep", addressee=ep), AdviceAsk("social_care", addressee=other)],
    )
    upload = SimpleUploadedFile("report.pdf", PDF_BYTES, content_type="application/pdf")
    advice_submit(
        advice_request=first,
        actor=ep,
        needs="Needs\x00 help with reading",
        outcomes="Reads fluently",
        provision="Weekly 1:1",
        files=[upload],
    )
    assessing_case.refresh_from_db()
    assert assessing_case.waiting_on_others is True
    first.refresh_from_db()
    assert first.state == "received" and first.needs == "Needs help with reading"
    document = first.attachments.get()
    assert document.kind == Document.Kind.ADVICE and document.case == assessing_case
    advice_decline(
        advice_request=second, actor=other, reason="existing_advice", detail="Given in March"
    )
    assessing_case.refresh_from_db()
    assert assessing_case.waiting_on_others is False
    # The case's advice deadline counts as met once nothing is outstanding.
    assert assessing_case.next_deadline_key != "advice"
    received = Notification.objects.filter(recipient=caseworker, channel="in_app")
    assert {n.purpose for n in received} == {"advice_received", "advice_declined"}
    with pytest.raises(AdviceRefused, match="already been answered"):
        advice_decline(advice_request=first, actor=ep, reason="other", detail="x")


def test_status_shows_overdue_when_due_date_passed_without_advice(db):
    request = AdviceRequestFactory(
        requested_on=timezone.localdate() - timedelta(weeks=7),
    )
    assert request.status_label == "Overdue"
    request.state = "received"
    assert request.status_label == "Received"


# -- pages -------------------------------------------------------------------------------------


def test_caseworker_requests_advice_in_one_form(client, assessing_case, caseworker, ep):
    team = AdviceTeamFactory(name="Social care inbox")
    client.force_login(caseworker)
    url = reverse("advice:request_new", args=[assessing_case.reference])
    page = client.get(url)
    assert page.status_code == 200
    assert "Dr Ada Psych" in page.content.decode()
    response = client.post(url, {"to_ep": f"u{ep.pk}", "to_social_care": f"t{team.pk}"})
    assert response.status_code == 302
    assert {(r.source, r.addressee_id, r.team_id) for r in AdviceRequest.objects.all()} == {
        ("ep", ep.pk, None),
        ("social_care", None, team.pk),
    }


def test_request_form_errors_are_shown_and_nothing_is_sent(client, assessing_case, caseworker):
    client.force_login(caseworker)
    url = reverse("advice:request_new", args=[assessing_case.reference])
    empty = client.post(url, {})
    assert empty.status_code == 200
    assert "Choose who to ask for at least one kind of advice" in empty.content.decode()
    forged = client.post(url, {"to_ep": "u999999"})
    assert forged.status_code == 200
    assert "Choose someone from the list" in forged.content.decode()
    assert not AdviceRequest.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.PARENT, Role.SCHOOL, Role.ADVICE_GIVER, Role.PANEL_MEMBER, Role.ELECTED_MEMBER]
)
def test_only_caseworkers_and_managers_may_request_advice(client, assessing_case, role):
    client.force_login(UserFactory(role=role))
    url = reverse("advice:request_new", args=[assessing_case.reference])
    assert client.get(url).status_code == 404


def test_caseworker_of_another_area_cannot_request_advice(client, assessing_case):
    client.force_login(UserFactory(role=Role.CASEWORKER, team=TeamFactory()))
    url = reverse("advice:request_new", args=[assessing_case.reference])
    assert client.get(url).status_code == 404


def test_advice_giver_submits_advice_through_the_form(client, ep):
    request = AdviceRequestFactory(addressee=ep)
    client.force_login(ep)
    url = reverse("advice:submit", args=[request.public_id])
    invalid = client.post(url, {"needs": "Reading", "outcomes": "", "provision": ""})
    assert invalid.status_code == 200
    body = invalid.content.decode()
    assert "There is a problem" in body and "Describe the outcomes you recommend" in body
    assert "Reading" in body  # what was typed is kept
    bad_file = client.post(
        url,
        {
            "needs": "Reading",
            "outcomes": "Reads",
            "provision": "1:1",
            "attachments": SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-dos"),
        },
    )
    assert "must be a PDF, Word document, JPG or PNG" in bad_file.content.decode()
    ok = client.post(
        url,
        {
            "needs": "Reading",
            "outcomes": "Reads",
            "provision": "1:1",
            "attachments": [
                SimpleUploadedFile("a.pdf", PDF_BYTES, content_type="application/pdf"),
                SimpleUploadedFile("b.png", b"\x89PNG b", content_type="image/png"),
            ],
        },
    )
    assert ok.status_code == 302
    request.refresh_from_db()
    assert request.state == "received" and request.attachments.count() == 2
    detail = client.get(reverse("advice:detail", args=[request.public_id]))
    assert (
        "Received" in detail.content.decode() and "Send your advice" not in detail.content.decode()
    )


def test_advice_giver_declines_with_a_reason(client, ep):
    request = AdviceRequestFactory(addressee=ep)
    client.force_login(ep)
    url = reverse("advice:decline", args=[request.public_id])
    missing = client.post(url, {"detail": ""})
    assert "Select why you cannot give this advice" in missing.content.decode()
    response = client.post(url, {"reason": "existing_advice", "detail": "Report of 3 May 2026"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.state, request.decline_detail) == ("declined", "Report of 3 May 2026")


def test_advice_home_lists_own_and_team_inbox_requests_only(client, ep, django_assert_num_queries):
    colleague = UserFactory(role=Role.ADVICE_GIVER)
    inbox = AdviceTeamFactory(name="EP duty inbox", members=[ep, colleague])
    mine = AdviceRequestFactory(addressee=ep)
    team_request = AdviceRequestFactory(addressee=None, team=inbox)
    someone_elses = AdviceRequestFactory()
    client.force_login(ep)
    # session, user, count for pagination, the page of requests, the unread count
    with django_assert_num_queries(5):
        response = client.get(reverse("advice:home"))
    body = response.content.decode()
    assert mine.case.reference in body and team_request.case.reference in body
    assert someone_elses.case.reference not in body
    for _ in range(5):
        AdviceRequestFactory(addressee=ep)
    with django_assert_num_queries(5):
        client.get(reverse("advice:home"))


# -- permissions: an advice giver sees nothing but their own requests ---------------------------


def _request_urls(request: AdviceRequest) -> list[str]:
    return [
        reverse("advice:detail", args=[request.public_id]),
        reverse("advice:submit", args=[request.public_id]),
        reverse("advice:decline", args=[request.public_id]),
    ]


def test_other_advice_givers_families_and_other_areas_get_404(client, ep, manager):
    request = AdviceRequestFactory(addressee=ep)
    other_giver = UserFactory(role=Role.ADVICE_GIVER)
    parent = family_for(request.case)
    other_area_caseworker = UserFactory(role=Role.CASEWORKER, team=TeamFactory())
    other_area_manager = UserFactory(role=Role.TEAM_MANAGER, team=TeamFactory())
    for user in (other_giver, parent, other_area_caseworker, other_area_manager):
        client.force_login(user)
        for url in _request_urls(request):
            assert client.get(url).status_code == 404, (user.role, url)
            assert client.post(url, {"reason": "other", "detail": "x"}).status_code == 404
    request.refresh_from_db()
    assert request.state == "sent"


def test_advice_giver_cannot_see_the_case_page(client, ep):
    request = AdviceRequestFactory(addressee=ep)
    client.force_login(ep)
    assert (
        client.get(reverse("casework:case_detail", args=[request.case.reference])).status_code
        == 404
    )


def test_caseworker_reads_the_advice_but_cannot_answer_it(client, db):
    request = AdviceRequestFactory()
    caseworker = UserFactory(role=Role.CASEWORKER, team=request.case.team)
    client.force_login(caseworker)
    detail = client.get(reverse("advice:detail", args=[request.public_id]))
    assert detail.status_code == 200 and "Send your advice" not in detail.content.decode()
    assert client.get(reverse("advice:submit", args=[request.public_id])).status_code == 404


def test_team_inbox_member_may_answer_and_leaver_may_not(client, db):
    member = UserFactory(role=Role.ADVICE_GIVER)
    inbox = AdviceTeamFactory(members=[member])
    request = AdviceRequestFactory(addressee=None, team=inbox)
    client.force_login(member)
    assert client.get(reverse("advice:submit", args=[request.public_id])).status_code == 200
    inbox.members.remove(member)
    assert client.get(reverse("advice:detail", args=[request.public_id])).status_code == 404


def test_case_panel_shows_each_request_state(client, assessing_case, caseworker):
    received = AdviceRequestFactory(case=assessing_case, source="ep", state="received")
    overdue = AdviceRequestFactory(
        case=assessing_case,
        source="health",
        requested_on=timezone.localdate() - timedelta(weeks=8),
    )
    requests = advice_requests_for_case(assessing_case)
    assert [r.pk for r in requests] == [received.pk, overdue.pk]
    from django.template.loader import render_to_string

    html = render_to_string(
        "cases/advice/_case_panel.html", {"advice_requests": requests, "case": assessing_case}
    )
    assert "Received" in html and "Overdue" in html and "Request advice" in html


def test_received_advice_is_there_to_draft_the_plan_from(db, django_assert_num_queries):
    from cases.advice.selectors import advice_received_for_plan

    ep_advice = AdviceRequestFactory(state="received", needs="Reading", provision="1:1")
    case = ep_advice.case
    AdviceRequestFactory(case=case, source="health")  # not yet received
    with django_assert_num_queries(2):  # the requests, their attachments
        advice = advice_received_for_plan(case)
        assert [(a.source, a.needs, a.provision) for a in advice] == [("ep", "Reading", "1:1")]
        assert list(advice[0].attachments.all()) == []


def test_refused_request_is_explained_on_the_page(client, caseworker, team, ep):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DRAFTING)
    client.force_login(caseworker)
    url = reverse("advice:request_new", args=[case.reference])
    response = client.post(url, {"to_ep": f"u{ep.pk}"})
    assert response.status_code == 200
    assert "Advice can only be requested while the case is being assessed" in (
        response.content.decode()
    )
    assert not AdviceRequest.objects.exists()
