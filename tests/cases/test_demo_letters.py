"""With the demo council (`make run`), a decision letter reads as a real one: the council's
address, the mediation adviser and SENDIASS with their contact details, and the dates."""

from __future__ import annotations

import subprocess
from io import StringIO

from django.core.management import call_command

from cases.models import Case, CouncilProfile, Document, Stage
from cases.workflow import case_transition


def _pdftotext(document: Document) -> str:
    with document.file.open("rb") as handle:
        pdf = handle.read()
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


def test_demo_council_letters_name_the_advisers_and_their_contact_details(db):
    call_command("seed_demo", "--cases", "60", "--seed", "3", stdout=StringIO())
    profile = CouncilProfile.current()
    assert profile.mediation_adviser_name and profile.sendiass_name and profile.phone

    case = Case.objects.filter(stage=Stage.DECIDING_ASSESS, caseworker__isnull=False).first()
    assert case is not None
    case_transition(
        case=case,
        action="refuse_to_assess",
        actor=case.caseworker,
        reasons="The school's SEN support plan is meeting the needs it describes.",
    )

    letter = Document.objects.filter(case=case, kind=Document.Kind.LETTER).latest("pk")
    text = _pdftotext(letter)
    assert profile.name in text and "Civic Hall" in text
    assert f"{profile.mediation_adviser_name}, telephone {profile.mediation_adviser_phone}" in text
    assert f"{profile.sendiass_name}" in text and profile.sendiass_phone in text
    assert case.caseworker.get_full_name() in text
    assert "Contact the mediation adviser by" in text and "The last day to appeal is" in text
