"""Panel evidence is a download, never opened inside the portal (issue 14: it was served inline,
so an HTML or SVG file a school uploaded would have run as a page of the portal)."""

from __future__ import annotations

from django.urls import reverse

from ehcp_portal.accounts.models import Discipline
from panels.models import Meeting


def test_panel_evidence_is_an_attachment_named_by_its_title(
    client, make_meeting, on_agenda, case, panellists
):
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    item = on_agenda(meeting, case)
    evidence = item.paper.evidence.get()
    client.force_login(panellists[Discipline.EDUCATION])
    response = client.get(
        reverse("panels:evidence", args=[meeting.pk, item.pk, evidence.public_id])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="School SEN support plan.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == b"SEN support plan"
