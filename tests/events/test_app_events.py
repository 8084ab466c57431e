"""Events the apps above the core write from their services: advice and the SEN2 details (a
UPN), each with ids and codes only. Panels: tests/panels/test_events.py."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.advice.services import AdviceAsk, advice_requests_send, advice_submit
from cases.events.models import Event, EventType
from cases.models import Document, Stage
from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, UserFactory


def _events(case) -> list[Event]:
    return list(Event.objects.filter(case_id=case.pk).order_by("id"))


def test_advice_requested_and_received_name_the_requests_not_the_people(team, caseworker):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.ASSESSING)
    ep = UserFactory(role=Role.ADVICE_GIVER, full_name="Dr Ada Psych")
    (request,) = advice_requests_send(
        case=case, actor=caseworker, asks=[AdviceAsk(source="ep", addressee=ep)]
    )
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    advice_submit(
        advice_request=request,
        actor=ep,
        needs="Needs help with reading",
        outcomes="Reads fluently",
        provision="Weekly 1:1",
        files=[upload],
    )
    requested, received = _events(case)
    assert requested.type == EventType.ADVICE_REQUESTED
    assert requested.data == {
        "requests": [{"id": request.pk, "source": "ep", "due": request.due_on.isoformat()}]
    }
    document = Document.objects.get(case=case, kind=Document.Kind.ADVICE)
    assert received.type == EventType.ADVICE_RECEIVED
    assert received.data == {"request": request.pk, "source": "ep", "documents": [document.pk]}
    assert "Ada" not in str(requested.data) + str(received.data)
    assert "reading" not in str(received.data)


def test_a_corrected_upn_is_an_event_without_the_number(case, caseworker):
    from cases.sen2.services import case_sen2_details_update

    case_sen2_details_update(
        case=case, actor=caseworker, child={"upn": "A123456789012"}, request={}
    )
    (event,) = _events(case)
    assert event.type == EventType.CHILD_UPN_UPDATED
    assert event.data == {"child": case.child_id}
    case_sen2_details_update(
        case=case, actor=caseworker, child={"upn": "A123456789012"}, request={}
    )
    assert len(_events(case)) == 1  # unchanged: no event
