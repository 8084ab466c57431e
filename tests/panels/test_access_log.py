"""Reading a case's panel papers and their evidence is recorded in the access log, as the
panel; a member not on the meeting is refused and nothing is recorded."""

from __future__ import annotations

from django.urls import reverse

from ehcp_portal.accounts.models import Discipline, Role
from ehcp_portal.audit.models import AccessRecord
from panels.models import Meeting
from tests.factories import UserFactory


def test_papers_and_evidence_reads_are_recorded(client, make_meeting, on_agenda, case, panellists):
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    item = on_agenda(meeting, case)
    evidence = item.paper.evidence.get()
    member = panellists[Discipline.HEALTH]
    client.force_login(member)
    assert client.get(reverse("panels:item", args=[meeting.pk, item.pk])).status_code == 200
    url = reverse("panels:evidence", args=[meeting.pk, item.pk, evidence.public_id])
    download = client.get(url)
    assert download.status_code == 200
    b"".join(download.streaming_content)
    papers, evidence_read = AccessRecord.objects.order_by("id")
    assert (papers.kind, papers.role, papers.organisation) == (
        "panel_paper",
        Role.PANEL_MEMBER,
        "SEN panel",
    )
    assert papers.case_reference == case.reference and papers.route == "panels:item"
    assert evidence_read.object_ref == "Evidence: School SEN support plan"
    assert evidence_read.route == "panels:evidence"


def test_a_member_not_on_the_meeting_records_nothing(client, make_meeting, on_agenda, case):
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    item = on_agenda(meeting, case)
    client.force_login(UserFactory(role=Role.PANEL_MEMBER, discipline=Discipline.HEALTH))
    assert client.get(reverse("panels:item", args=[meeting.pk, item.pk])).status_code == 404
    assert not AccessRecord.objects.exists()
