"""The panel's decision letter reaches the family through their tracker, and the panel
paper (summary, recommendation, evidence, minutes) never does."""

from __future__ import annotations

import io
import re

from django.urls import reverse
from pypdf import PdfReader

from cases.models import Stage
from panels.models import Meeting
from panels.services import decision_record, meeting_close
from tests.factories import CaseFactory, family_for
from tests.letters import letters_made_by_worker, minutes_made_by_worker
from tests.panels.conftest import hold

REASONS = "Leo is making good progress with the support his school already gives him."


def test_family_downloads_the_panel_letter_from_the_tracker_but_never_the_paper(
    client, team, caseworker, make_meeting, on_agenda
):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    parent = family_for(case)
    meeting = make_meeting(status=Meeting.Status.PUBLISHED)
    item = on_agenda(meeting, case)
    paper = item.paper
    evidence = paper.evidence.get()
    hold(meeting)
    decision = decision_record(
        meeting=meeting, case=case, actor=meeting.chair, outcome="refuse", reasons=REASONS
    )
    meeting_close(meeting=meeting, actor=meeting.chair)
    minutes_made_by_worker()
    meeting.refresh_from_db()
    letters_made_by_worker()
    decision.refresh_from_db()

    client.force_login(parent)
    response = client.get(reverse("families:track", args=[case.reference]))
    assert response.status_code == 200
    body = response.content.decode()

    # The letter is listed and linked; following the link gives the PDF with the reasons.
    links = dict(re.findall(r'<a class="govuk-link" href="(/documents/[^"]+)">([^<]+)</a>', body))
    letter_url = reverse("cases:document_download", args=[decision.letter.public_id])
    assert letter_url in links, links
    download = client.get(letter_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    pdf = b"".join(download.streaming_content)
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert REASONS in text

    # Nothing of the panel paper is on the tracker ...
    assert paper.summary not in body
    assert paper.recommendation not in body
    assert str(evidence.public_id) not in body
    assert str(meeting.minutes.public_id) not in body
    assert list(links) == [letter_url]
    # ... nor reachable by any URL a family member might try.
    for url in (
        reverse("panels:item", args=[meeting.pk, item.pk]),
        reverse("panels:evidence", args=[meeting.pk, item.pk, evidence.public_id]),
        reverse("cases:document_download", args=[evidence.public_id]),
        reverse("panels:minutes", args=[meeting.pk]),
        reverse("cases:document_download", args=[meeting.minutes.public_id]),
        reverse("panels:meeting", args=[meeting.pk]),
    ):
        assert client.get(url).status_code == 404, url
