"""Answers a person would type on each question page, and a helper to walk the pages."""

from __future__ import annotations

import io
from datetime import date

from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import NameObject


def pdf_bytes(**root_entries: object) -> bytes:
    """A real one-page PDF (uploads must be PDFs pypdf can read), with extra entries in its
    catalogue when a test needs them (an /OpenAction, /Names)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    for key, value in root_entries.items():
        writer._root_object[NameObject(f"/{key}")] = value
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = pdf_bytes()
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def dob_parts(value: date, name: str = "date_of_birth") -> dict[str, str]:
    return {
        f"{name}_0": str(value.day),
        f"{name}_1": str(value.month),
        f"{name}_2": str(value.year),
    }


def answers(*, dob: date, postcode: str = "LS6 2AB", setting: str = "none") -> dict[str, dict]:
    return {
        "child-name": {"first_name": "Amira", "last_name": "Khan"},
        "child-dob": dob_parts(dob),
        "child-address": {"address": "1 Example Street\nLeeds", "postcode": postcode},
        "child-identity": {"sex": "F", "ethnicity": "APKN"},
        "child-pupil-number": {"upn": "B201567815001", "uln": ""},
        "child-language": {"home_language": "Urdu"},
        "child-looked-after": {"looked_after": "no"},
        "child-year-group": {"year_group": "year3"},
        "parents": {"your_name": "Sara Khan", "relationship": "parent", "phone": "0113 000 0000"},
        "parent-contact": {"parent_name": "Sara Khan", "parent_email": "sara@example.test"},
        "setting": {"setting": setting},
        "needs-primary": {"primary_need": "ASD"},
        "needs-secondary": {"secondary_needs": ["SLCN", "SEMH"]},
        "needs-description": {"needs_description": "Finds noisy rooms very hard."},
        "child-views": {"child_views": "I like trains and drawing."},
        "parent-views": {"parent_views": "We hope she can stay in her school."},
        "support": {"support_in_place": "SEN support with a teaching assistant."},
        "professionals": {"professionals": "Dr Patel, paediatrician"},
        "consent": {"parties": ["ep", "health"]},
        "declaration": {"confirm": "on"},
    }


def step_url(draft, slug: str) -> str:
    return reverse("families:request_step", args=[draft.public_id, slug])


def answer_pages(client, draft, pages: dict[str, dict], slugs: list[str]) -> None:
    for slug in slugs:
        if slug == "evidence":
            response = client.post(reverse("families:request_evidence", args=[draft.public_id]))
        else:
            response = client.post(step_url(draft, slug), pages[slug])
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
