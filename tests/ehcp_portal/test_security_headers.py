"""Headers every response carries (issue 14): a Content-Security-Policy with no inline script or
style, a Permissions-Policy switching off the browser features the portal never uses, and
`Cache-Control: no-store` on every page and download (static files stay cacheable)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases.documents import document_store
from cases.models import Document
from tests.families.helpers import PDF_BYTES

# Rendered only to PDF by WeasyPrint (letters, plans, minutes), never sent to a browser as HTML.
PDF_ONLY_TEMPLATES = {
    "cases/plans/plan_pdf.html",
    "cases/letters/decision.html",
    "cases/advice/advice_pdf.html",
    "panels/letters/_style.html",
    "governance/bundle_summary.html",
    "notifications/letter.html",
    "correspondence/bulk_letter.html",
}


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def _pages(client: Client, case, caseworker) -> list:
    anonymous = [client.get("/"), client.get("/accounts/login/")]
    client.force_login(caseworker)
    return [*anonymous, client.get(reverse("casework:case_detail", args=[case.reference]))]


def test_every_page_has_a_csp_that_refuses_inline_script_and_style(client, case, caseworker):
    for response in _pages(client, case, caseworker):
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert "unsafe" not in response["Content-Security-Policy"]


def test_every_page_switches_off_camera_microphone_location_payment_and_usb(
    client, case, caseworker
):
    for response in _pages(client, case, caseworker):
        features = dict(
            part.strip().split("=", 1) for part in response["Permissions-Policy"].split(",")
        )
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()", feature


def test_pages_redirects_and_downloads_are_never_stored(client, case, caseworker):
    document = document_store(
        upload=SimpleUploadedFile("report.pdf", PDF_BYTES, "application/pdf"),
        kind=Document.Kind.EVIDENCE,
        uploaded_by=caseworker,
        case=case,
    )
    responses = _pages(client, case, caseworker)
    responses.append(client.get(reverse("cases:document_download", args=[document.public_id])))
    client.logout()
    responses.append(client.get(reverse("casework:case_detail", args=[case.reference])))
    assert responses[-1].status_code == 302  # to sign in
    for response in responses:
        assert response["Cache-Control"] == "private, no-store"


def test_static_files_stay_cacheable(settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Permissions-Policy" not in response


def _served_templates() -> list[Path]:
    base = Path(settings.BASE_DIR)
    roots = [base / "templates", *base.glob("*/templates"), *base.glob("*/*/templates")]
    return [
        path
        for root in roots
        for path in root.rglob("*.html")
        if str(path.relative_to(root)) not in PDF_ONLY_TEMPLATES
    ]


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("inline script", r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"),
        ("style attribute", r"\sstyle=\""),
        ("style element", r"<style[\s>]"),
        ("event handler attribute", r"\son[a-z]+=\""),
        ("javascript: link", r"href=\"javascript:"),
    ],
)
def test_no_template_has_what_the_policy_would_block(what, pattern):
    templates = _served_templates()
    assert len(templates) > 100
    found = [
        str(path.relative_to(settings.BASE_DIR))
        for path in templates
        if re.search(pattern, path.read_text())
    ]
    assert found == [], f"{what} in {found}"


def test_the_pdf_only_templates_are_only_rendered_to_pdf():
    """Their <style> is fine only because a browser never receives them as a page."""
    code = "\n".join(
        path.read_text()
        for path in Path(settings.BASE_DIR).rglob("*.py")
        if ".venv" not in path.parts and "tests" not in path.parts
    )
    for template in PDF_ONLY_TEMPLATES - {"panels/letters/_style.html"}:
        for use in re.finditer(re.escape(template), code):
            line = code[code.rfind("\n", 0, use.start()) : code.find("\n", use.end())]
            assert "render(" not in line, line
