"""A decision recorded on the case page reaches the family: the workflow produces the letter and
queues the family's notification once, linking to their tracker where the letter is listed."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import CouncilProfile, Document, Stage
from notifications.models import Notification
from tests.factories import CaseFactory, family_for
from tests.letters import letters_made_by_worker

REASONS = "Amira is making good progress with the support her school already gives."


def _post_decision(client, case, action: str, reasons: str = REASONS):
    """Record the decision on the case page, then let the worker make its letter."""
    today = timezone.localdate()
    response = client.post(
        reverse("casework:case_action", args=[case.reference]),
        {
            "action": action,
            "on_0": today.day,
            "on_1": today.month,
            "on_2": today.year,
            "reasons": reasons,
        },
    )
    letters_made_by_worker()
    return response


def _pdf_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_refusal_on_the_case_page_tells_the_family_and_links_to_the_letter(
    client, team, caseworker
):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    parent = family_for(case)
    client.force_login(caseworker)

    response = _post_decision(client, case, "refuse_to_assess")
    assert response.status_code == 302

    letter = Document.objects.get(case=case, kind=Document.Kind.LETTER)
    messages = Notification.objects.filter(recipient=parent, case=case, purpose="decision_letter")
    assert {n.channel for n in messages} == {"in_app", "email"}
    # The decision starts the appeal period, so the email goes even to a family that opted out.
    assert all(n.statutory for n in messages)
    in_app = messages.get(channel="in_app")
    track = reverse("families:track", args=[case.reference])
    assert in_app.link.startswith(track)
    assert "Decision not to carry out an EHC needs assessment" in in_app.body

    client.force_login(parent)
    page = client.get(in_app.link).content.decode()
    assert reverse("cases:document_download", args=[letter.public_id]) in page


def test_agreeing_to_assess_on_the_case_page_sends_a_letter_too(client, team, caseworker):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    parent = family_for(case)
    client.force_login(caseworker)

    assert _post_decision(client, case, "agree_to_assess", reasons="").status_code == 302

    letter = Document.objects.get(case=case, kind=Document.Kind.LETTER)
    assert letter.family_visible
    assert (
        Notification.objects.filter(
            recipient=parent, case=case, channel="in_app", purpose="decision_letter"
        ).count()
        == 1
    )
    text = _pdf_text(letter)
    assert "Decision to carry out an EHC needs assessment" in text


def test_a_repeated_case_page_decision_does_the_work_once(client, team, caseworker):
    """A second click after the first has finished (or the back button and submit again)."""
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    parent = family_for(case)
    client.force_login(caseworker)

    first = _post_decision(client, case, "refuse_to_assess")
    second = _post_decision(client, case, "refuse_to_assess")

    assert first.status_code == 302
    assert second.status_code == 302  # the same decision: recognised, not an error
    page = client.get(second["Location"]).content.decode()
    assert "That decision was already recorded. Nothing was sent again." in page
    assert case.events.filter(kind="refuse_to_assess").count() == 1
    assert Document.objects.filter(case=case, kind=Document.Kind.LETTER).count() == 1
    assert (
        Notification.objects.filter(
            recipient=parent, channel="email", purpose="decision_letter"
        ).count()
        == 1
    )


def test_the_letter_names_the_family_caseworker_and_advisers_with_the_dates(
    client, team, caseworker
):
    caseworker.full_name = "Priya Shah"
    caseworker.phone = "0113 555 0142"
    caseworker.save()
    profile = CouncilProfile.current()
    profile.name = "Northbrook City Council"
    profile.mediation_adviser_name = "Calm Waters Mediation"
    profile.mediation_adviser_phone = "0800 555 0199"
    profile.sendiass_name = "Northbrook SENDIASS"
    profile.sendiass_phone = "0113 555 0100"
    profile.save()
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    parent = family_for(case)
    parent.full_name = "Dana Okafor"
    parent.save()
    client.force_login(caseworker)

    _post_decision(client, case, "refuse_to_assess")

    text = _pdf_text(Document.objects.get(case=case, kind=Document.Kind.LETTER))
    assert "Dana Okafor" in text
    assert "Priya Shah" in text and "0113 555 0142" in text and caseworker.email in text
    assert "Calm Waters Mediation" in text and "0800 555 0199" in text
    assert "Northbrook SENDIASS" in text and "0113 555 0100" in text
    assert "Northbrook City Council" in text
    assert "Contact the mediation adviser by" in text
    assert "The last day to appeal is" in text


def test_recording_the_same_decision_again_returns_it_and_sends_nothing(db, team, caseworker):
    from cases.workflow import TransitionRefused, case_transition_record

    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    parent = family_for(case)
    first = case_transition_record(
        case=case, action="refuse_to_assess", actor=caseworker, reasons=REASONS
    )
    again = case_transition_record(
        case=case, action="refuse_to_assess", actor=caseworker, reasons=f"  {REASONS} "
    )
    assert not first.repeated and first.letter is not None
    assert again.repeated and again.event == first.event and again.letter is None
    assert (
        Notification.objects.filter(
            recipient=parent, channel="email", purpose="decision_letter"
        ).count()
        == 1
    )
    # A different decision is not a repeat: it is refused as before.
    with pytest.raises(TransitionRefused, match="not possible while the case is at the stage"):
        case_transition_record(
            case=case, action="refuse_to_assess", actor=caseworker, reasons="Other reasons."
        )


def test_a_different_decision_after_the_stage_moved_is_still_refused(client, team, caseworker):
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    family_for(case)
    client.force_login(caseworker)
    assert _post_decision(client, case, "refuse_to_assess").status_code == 302
    again = _post_decision(client, case, "refuse_to_assess", reasons="Other reasons entirely.")
    assert again.status_code == 200
    assert "There is a problem" in again.content.decode()
    assert case.events.filter(kind="refuse_to_assess").count() == 1
