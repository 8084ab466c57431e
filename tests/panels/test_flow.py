"""The whole panel journey through the pages: a caseworker puts a case forward, the chair
builds and publishes the agenda, the meeting is held, the decision moves the case, the family
gets a letter with the real dates, and the minutes are produced."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from cases.models import CaseEvent, Document, Stage
from ehcp_portal.accounts.models import Discipline
from notifications.models import Notification
from panels.models import Decision, Meeting, PanelPaper
from tests.factories import CaseFactory, family_for
from tests.letters import letters_made_by_worker, minutes_made_by_worker

LONDON = ZoneInfo("Europe/London")


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@time_machine.travel(datetime(2026, 6, 10, 11, 0, tzinfo=LONDON), tick=False)
def test_case_put_forward_agenda_published_decided_and_letter_reaches_the_family(
    client, team, caseworker, manager, panellists, make_meeting
):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    parent = family_for(case)
    chair = panellists[Discipline.EDUCATION]
    health = panellists[Discipline.HEALTH]
    meeting = make_meeting()

    # 1. The caseworker puts the case forward with a short paper.
    client.force_login(caseworker)
    response = client.post(
        reverse("panels:put_forward", args=[case.reference]),
        {
            "panel_type": meeting.panel_type.pk,
            "summary": "Attends mainstream primary; SEN support in place for two terms.",
            "recommendation": "Refuse: needs can be met at SEN support.",
        },
        follow=True,
    )
    assert "put forward to the Decision to assess panel" in response.content.decode()
    paper = PanelPaper.objects.get(case=case)

    # 2. Before the agenda is published, members see neither the case nor its paper.
    client.force_login(health)
    assert (
        case.reference
        not in client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    )

    # 3. The chair builds the agenda from the cases ready for this panel, then publishes it.
    client.force_login(chair)
    page = client.get(reverse("panels:agenda_build", args=[meeting.pk])).content.decode()
    assert case.reference in page
    response = client.post(
        reverse("panels:agenda_build", args=[meeting.pk]), {"papers": [paper.pk]}
    )
    assert response.status_code == 302
    assert client.post(reverse("panels:publish", args=[meeting.pk])).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    item = meeting.items.get()

    # 4. Now a member reads the paper.
    client.force_login(health)
    page = client.get(reverse("panels:item", args=[meeting.pk, item.pk])).content.decode()
    assert "SEN support in place for two terms" in page

    # 5. Everyone attends: the meeting is quorate.
    client.force_login(chair)
    response = client.post(
        reverse("panels:attendance", args=[meeting.pk]),
        {"attended": [m.pk for m in meeting.members.all()]},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD and meeting.quorate is True

    # 6. The decision: refuse, with reasons the family will read.
    reasons = "Leo is making good progress with the support his school already gives him."
    response = client.post(
        reverse("panels:decision", args=[meeting.pk]),
        {
            "case": case.reference,
            "outcome": "refuse",
            "reasons": reasons,
            "actions": "Caseworker: phone the family before the letter arrives",
        },
    )
    assert response.status_code == 302, response.content.decode()

    # 7. The case has moved on, with who decided on the timeline.
    case.refresh_from_db()
    assert case.stage == Stage.NOT_ASSESSING
    assert case.assessment_decision_on.isoformat() == "2026-06-10"
    event = CaseEvent.objects.get(case=case, kind="refuse_to_assess")
    assert event.actor == chair and event.data["source"] == "panel"
    assert event.data["decision"] == Decision.objects.get().pk

    # 8. The letter: made by the worker (the page says it is being prepared), a PDF with the
    # reasons and the actual dates to act by.
    page = client.get(response["Location"]).content.decode()
    assert "The letter is being prepared" in page and "(letter being prepared)" in page
    # Nothing about the decision reaches the family before its letter: not even the short
    # survey asking how the decision went, which follows the letter.
    assert not Notification.objects.filter(recipient=parent).exists()
    assert letters_made_by_worker() == 1
    surveys = Notification.objects.filter(recipient=parent, purpose="survey_invitation")
    assert surveys.filter(channel="email").count() == 1
    about_the_decision = Notification.objects.exclude(purpose="survey_invitation")
    assert "(letter sent 10 Jun 2026)" in client.get(response["Location"]).content.decode()
    letter = Document.objects.get(case=case, kind=Document.Kind.LETTER)
    assert letter.family_visible is True
    text = pdf_text(letter)
    assert reasons in text
    assert "10 June 2026" in text  # date of the letter
    # Mediation: within 2 months of the letter.
    assert "10 August 2026" in text
    # Appeal: 2 months, not counting the days of August (HESC r.12(3)): 10 September 2026.
    assert "10 September 2026" in text
    assert "First-tier Tribunal" in text

    # 9. The family sees it among their case's documents and is emailed, statutorily.
    assert list(Document.objects.filter(case=case, family_visible=True)) == [letter]
    emails = about_the_decision.filter(recipient=parent, channel="email")
    assert emails.count() == 1
    assert emails.get().statutory
    assert emails.get().link == f"/track/{case.reference}/#documents"
    client.force_login(parent)
    assert client.get(reverse("families:track", args=[case.reference])).status_code == 200

    # 10. The chair closes the meeting; the minutes record attendance, quorum and the decision.
    client.force_login(chair)
    response = client.post(reverse("panels:close", args=[meeting.pk]))
    assert response.status_code == 302
    # The page answers at once; the worker makes the PDF and the page then links to it.
    page = client.get(response["Location"]).content.decode()
    assert "The minutes are being prepared" in page and "Download the minutes" not in page
    assert minutes_made_by_worker() == 1
    assert "Download the minutes" in client.get(response["Location"]).content.decode()
    meeting.refresh_from_db()
    minutes = meeting.minutes
    assert minutes.kind == Document.Kind.MINUTES and not minutes.family_visible
    minutes_text = pdf_text(minutes)
    assert "was quorate" in minutes_text
    assert health.get_full_name() in minutes_text and "Health" in minutes_text
    assert reasons in minutes_text
    response = client.get(reverse("panels:minutes", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="panel-minutes-{meeting.date:%Y-%m-%d}.pdf"'
    )
    client.force_login(manager)
    assert client.get(reverse("panels:minutes", args=[meeting.pk])).status_code == 200


@pytest.mark.parametrize(
    "slug,stage,outcome,action_stage",
    [
        ("decision-to-assess", Stage.DECIDING_ASSESS, "agree", Stage.ASSESSING),
        ("decision-to-issue", Stage.DECIDING_ISSUE, "agree", Stage.DRAFTING),
        ("decision-to-issue", Stage.DECIDING_ISSUE, "refuse", Stage.NOT_ISSUING),
        ("ceasing", Stage.MAINTAINED, "cease", Stage.CEASED),
        ("placement", Stage.DRAFTING, "agree", Stage.DRAFTING),
    ],
)
def test_each_outcome_moves_the_case_as_configured(
    team, caseworker, panellists, make_meeting, on_agenda, slug, stage, outcome, action_stage
):
    from panels.services import decision_record
    from tests.panels.conftest import hold

    case = CaseFactory(
        team=team, caseworker=caseworker, stage=stage, assessing=stage != Stage.DECIDING_ASSESS
    )
    case.stage = stage
    case.save()
    family_for(case)
    meeting = make_meeting(slug, status=Meeting.Status.PUBLISHED)
    on_agenda(meeting, case)
    hold(meeting)
    decision = decision_record(
        meeting=meeting,
        case=case,
        actor=meeting.chair,
        outcome=outcome,
        reasons="The reasons, written for the family.",
    )
    case.refresh_from_db()
    assert case.stage == action_stage
    assert decision.letter_being_prepared
    assert letters_made_by_worker() == 1
    decision.refresh_from_db()
    assert decision.letter is not None and decision.letter.family_visible
    assert CaseEvent.objects.filter(case=case, data__decision=decision.pk).exists()
