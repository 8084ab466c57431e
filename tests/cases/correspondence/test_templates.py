"""A council administrator edits a letter's wording in the admin: each save is tested and kept as
a new version, the next letter uses it, and a wording that would drop a statutory date is
refused. The statutory content stays the portal's."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.correspondence.models import LetterIssue, LetterTemplate
from cases.letters import letter_dates
from cases.models import Document, Stage
from cases.workflow import case_transition_record
from tests.factories import CaseFactory, family_for

WORDING = (
    "Thank you for asking us to assess {child}. We have looked carefully at everything.\n\n"
    "[[decision]]\n\nOur promise: we answer every message within two working days.\n\n"
    "[[next_steps]]\n\n[[rights]]\n\n[[contact]]"
)


def _text(document: Document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _post(admin_client, **fields):
    data = {
        "kind": "refuse_to_assess",
        "language": "en",
        "title": "",
        "body": WORDING,
        "signature": "Jo Bloggs\nHead of SEND",
        "_save": "Save",
        **fields,
    }
    return admin_client.post(reverse("admin:correspondence_lettertemplate_add"), data)


def _refuse(case):
    return case_transition_record(
        case=case,
        action="refuse_to_assess",
        actor=case.caseworker,
        on=timezone.localdate(),
        reasons="Needs are met through SEN support.",
    )


def test_the_next_letter_uses_the_wording_saved_in_the_admin(admin_client, team, caseworker):
    response = _post(admin_client)
    assert response.status_code == 302
    template = LetterTemplate.objects.get()
    assert template.version == 1

    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    family_for(case)
    letter = _refuse(case).letter
    text = _text(letter)
    assert f"Thank you for asking us to assess {case.child.first_name}" in text
    assert "Our promise: we answer every message within two working days." in text
    assert "Jo Bloggs Head of SEND" in text
    # The statutory content is still there, with its dates, in the council's order.
    dates = letter_dates(timezone.localdate())
    assert f"{dates['appeal_by']:%-d %B %Y}" in text
    assert f"{dates['mediation_contact_by']:%-d %B %Y}" in text
    assert text.index("Thank you for asking") < text.index("We have decided not to carry out")
    assert LetterIssue.objects.get(document=letter).template == template


def test_a_change_is_a_new_version_and_the_old_one_is_kept(admin_client, team, caseworker):
    _post(admin_client)
    first = LetterTemplate.objects.get()
    change = reverse("admin:correspondence_lettertemplate_change", args=[first.pk])
    new_wording = WORDING.replace("two working days", "one working day")
    response = admin_client.post(
        change,
        {
            "kind": "refuse_to_assess",
            "language": "en",
            "title": "",
            "body": new_wording,
            "signature": "",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert "two working days" in first.body  # the version letters were made with is unchanged
    newest = LetterTemplate.objects.order_by("-version").first()
    assert (newest.version, newest.pk != first.pk) == (2, True)

    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    letter = _refuse(case).letter
    assert "one working day" in _text(letter)
    assert LetterIssue.objects.get(document=letter).template == newest


def test_a_wording_that_drops_the_appeal_and_mediation_dates_is_refused(admin_client):
    response = _post(admin_client, body=WORDING.replace("[[rights]]", ""))
    assert response.status_code == 200
    page = response.content.decode()
    assert "must keep [[rights]]" in page
    assert "errornote" in page or "errorlist" in page
    assert not LetterTemplate.objects.exists()


@pytest.mark.parametrize("body", ["[[decision]] {{ case.child }}", "[[decision]] {% debug %}"])
def test_template_code_is_refused_with_a_clear_error(admin_client, body):
    response = _post(admin_client, body=body + " [[next_steps]] [[rights]] [[contact]]")
    assert response.status_code == 200
    assert "is not allowed" in response.content.decode()
    assert not LetterTemplate.objects.exists()


def test_preview_renders_the_letter_for_a_demo_child_without_saving(admin_client):
    response = _post(admin_client, _preview="Preview")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = re.sub(r"\s+", " ", PdfReader(io.BytesIO(response.content)).pages[0].extract_text())
    assert "Thank you for asking us to assess Alex" in text  # the demo child, never a real one
    assert not LetterTemplate.objects.exists()


def test_a_saved_version_can_be_previewed(admin_client):
    _post(admin_client)
    template = LetterTemplate.objects.get()
    response = admin_client.get(
        reverse("admin:correspondence_lettertemplate_preview", args=[template.pk])
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_versions_cannot_be_deleted(admin_client):
    _post(admin_client)
    template = LetterTemplate.objects.get()
    delete = reverse("admin:correspondence_lettertemplate_delete", args=[template.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert LetterTemplate.objects.exists()


def test_a_family_whose_language_is_recorded_gets_the_translation_with_english_alongside(
    admin_client, team, caseworker
):
    _post(admin_client)
    response = _post(
        admin_client,
        language="pl",
        body="Szanowni Państwo, to jest list o {child}. Wersja angielska jest poniżej.",
    )
    assert response.status_code == 302
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    case.child.home_language = "Polish"
    case.child.save()
    text = _text(_refuse(case).letter)
    assert f"to jest list o {case.child.first_name}" in text
    assert "The letter in English follows" in text
    assert "Thank you for asking us to assess" in text
    assert f"{letter_dates(timezone.localdate())['appeal_by']:%-d %B %Y}" in text


def test_a_family_without_a_translation_gets_english_only(team, caseworker, admin_client):
    _post(admin_client)
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.DECIDING_ASSESS)
    case.child.home_language = "Somali"
    case.child.save()
    text = _text(_refuse(case).letter)
    assert "The letter in English follows" not in text
    assert "Thank you for asking us to assess" in text
