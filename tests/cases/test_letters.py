"""Decision letters: generated as PDFs with the reasons and the actual mediation and appeal
dates, stored on the case for the family."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from django.utils import timezone
from pypdf import PdfReader

from cases.models import Document, Stage
from cases.workflow import case_transition
from tests.factories import CaseFactory


def _pdf_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_not_assessing_letter_has_reasons_and_dates_over_christmas(db, caseworker, team):
    case = CaseFactory(team=team, caseworker=caseworker, received_on=date(2025, 9, 22))
    case_transition(
        case=case,
        action="refuse_to_assess",
        actor=caseworker,
        on=date(2025, 10, 31),
        reasons="Amira is making good progress with the support her school already gives.",
    )
    letter = Document.objects.get(case=case)
    assert letter.kind == Document.Kind.LETTER and letter.family_visible
    assert letter.content_type == "application/pdf" and letter.size > 1000
    text = _pdf_text(letter)
    assert "Decision not to carry out an EHC needs assessment" in text
    assert "making good progress with the support her school already gives" in text
    assert case.reference in text and case.child.full_name in text
    # mediation: 31 Oct + 2 months = 31 Dec 2025 (month end)
    assert "Contact the mediation adviser by 31 December 2025" in text
    # appeal: 31 Dec, extended over 25 Dec-1 Jan (8 days not counted) = 8 January 2026
    assert "The last day to appeal is 8 January 2026" in text


def test_not_issuing_letter_with_an_august_extension(db, caseworker, team):
    case = CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.DECIDING_ISSUE,
        received_on=date(2026, 2, 23),
        assessment_decision_on=date(2026, 3, 30),
        advice_requested_on=date(2026, 3, 31),
    )
    case_transition(
        case=case,
        action="refuse_to_issue",
        actor=caseworker,
        on=date(2026, 6, 15),
        reasons="The assessment shows needs can be met from the school's resources.",
    )
    text = _pdf_text(Document.objects.get(case=case))
    assert "Decision not to issue an EHC plan" in text
    assert "can be met from the school's resources" in text
    assert "Contact the mediation adviser by 15 August 2026" in text
    # 15 Jun + 2 months, not counting the 31 days of August: 15 September 2026
    assert "The last day to appeal is 15 September 2026" in text


def test_the_letter_follows_from_the_action_not_from_who_recorded_it(db, caseworker, team):
    # Whoever records it (here with a panel's provenance), a refusal produces its one letter.
    panel_case = CaseFactory(team=team, caseworker=caseworker)
    case_transition(
        case=panel_case,
        action="refuse_to_assess",
        actor=caseworker,
        reasons="Panel decided",
        data={"source": "panel"},
    )
    assert Document.objects.filter(case=panel_case, kind=Document.Kind.LETTER).count() == 1
    # Agreeing to assess is a decision too: a letter, with the dates ahead and no appeal.
    received = timezone.localdate() - timedelta(weeks=3)
    agreed = CaseFactory(team=team, caseworker=caseworker, received_on=received)
    case_transition(case=agreed, action="agree_to_assess", actor=caseworker)
    text = _pdf_text(Document.objects.get(case=agreed))
    assert "Decision to carry out an EHC needs assessment" in text
    # reg 13(2): the final plan within 20 weeks of the request.
    assert f"the final plan will be issued by {received + timedelta(weeks=20):%-d %B %Y}" in text
    assert "The last day to appeal" not in text
    # An action that is not a decision sends no letter.
    moving = CaseFactory(team=team, caseworker=caseworker, stage=Stage.RECEIVED)
    case_transition(case=moving, action="start_deciding", actor=caseworker)
    assert not Document.objects.filter(case=moving).exists()


def test_cease_letter_says_the_plan_stays_during_an_appeal_and_is_listed_on_the_case(
    client, caseworker, team
):
    case = CaseFactory(
        team=team,
        caseworker=caseworker,
        stage=Stage.MAINTAINED,
        received_on=date(2023, 1, 9),
        final_issued_on=date(2023, 5, 22),
    )
    case_transition(
        case=case,
        action="cease",
        actor=caseworker,
        on=date(2026, 3, 10),
        reasons="Sam has left education and started paid employment.",
    )
    letter = Document.objects.get(case=case)
    text = _pdf_text(letter)
    assert "Decision to cease to maintain the EHC plan" in text
    assert "keep the plan in place until the appeal is decided" in text
    assert "Contact the mediation adviser by 10 May 2026" in text
    # 10 May 2026 is a Sunday: the last day moves to Monday 11 May (HESC r.12(2))
    assert "The last day to appeal is 11 May 2026" in text
    client.force_login(caseworker)
    page = client.get(f"/cases/{case.reference}/documents/").content.decode()
    assert "Decision to cease to maintain the EHC plan (10 March 2026)" in page
