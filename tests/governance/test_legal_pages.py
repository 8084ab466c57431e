"""The legal pages: seeded with what the law asks for, edited in the admin, shown safely."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from cases.models import CouncilProfile
from ehcp_portal.governance.legal import legal_html
from ehcp_portal.governance.models import LegalPage


def _text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_privacy_notice_names_the_controller_lawful_bases_rights_and_the_ico(client, db):
    CouncilProfile.objects.update_or_create(pk=1, defaults={"name": "Leeds City Council"})
    page = _text(client, "/privacy/")
    for words in (
        "Leeds City Council is the controller",
        "Article 6(1)(e)",
        "Article 9(2)(g)",
        "Article 9(2)(h)",
        "Children and Families Act 2014",
        "Who we share it with",
        "How long we keep it",
        "Our retention schedule",
        "31 years from the child&#x27;s date of birth",
        "Your rights",
        "Information Commissioner",
        "0303 123 1113",
    ):
        assert words in page, words


def test_the_privacy_notice_shows_the_schedule_as_the_council_set_it(client, db):
    from ehcp_portal.governance.models import RetentionRule

    RetentionRule.objects.filter(record_type="notification").update(period_years=3)
    RetentionRule.objects.filter(record_type="request_draft").update(active=False)
    page = _text(client, "/privacy/")
    assert "3 years from the day the record was made" in page
    assert "Requests started but never sent" not in page


def test_the_accessibility_statement_has_the_sections_the_regulations_require(client, db):
    page = _text(client, "/accessibility/")
    for heading in (
        "Feedback and contact information",
        "Reporting accessibility problems",
        "Enforcement procedure",
        "Technical information about this service",
        "Compliance status",
        "Non-accessible content",
        "Disproportionate burden",
        "Preparation of this accessibility statement",
    ):
        assert heading in page, heading
    assert "Equality and Human Rights Commission (EHRC)" in page
    assert "Equality Commission for Northern Ireland (ECNI)" in page
    assert "(No. 2) Accessibility Regulations 2018" in page


def test_the_cookies_page_lists_the_cookies_the_portal_sets(client, db):
    page = _text(client, "/cookies/")
    assert f"<code>{settings.SESSION_COOKIE_NAME}</code>" in page
    assert f"<code>{settings.CSRF_COOKIE_NAME}</code>" in page
    assert "<code>messages</code>" in page
    assert "analytics" in page


@override_settings(SESSION_COOKIE_NAME="__Host-ehcp-session", SESSION_COOKIE_AGE=30 * 60)
def test_the_cookies_table_follows_the_settings(client, db):
    page = _text(client, "/cookies/")
    assert "<code>__Host-ehcp-session</code>" in page
    assert "30 minutes" in page


def test_what_the_council_types_is_shown_as_text_never_as_html(client, db):
    LegalPage.objects.filter(slug="privacy").update(
        body='## Who we are\n\n<script>alert("x")</script> <a href="https://evil">{council}</a>'
        "\n\n- first\n- second"
    )
    page = _text(client, "/privacy/")
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page
    assert '<h2 class="govuk-heading-m">Who we are</h2>' in page
    assert "<li>first</li><li>second</li>" in page


def test_headings_lists_and_paragraphs():
    html = legal_html("Intro line\ncontinues\n\n## Heading\nBody after\n\n- a\n- b", council="C")
    assert html == (
        '<p class="govuk-body">Intro line continues</p>\n'
        '<h2 class="govuk-heading-m">Heading</h2>\n'
        '<p class="govuk-body">Body after</p>\n'
        '<ul class="govuk-list govuk-list--bullet"><li>a</li><li>b</li></ul>'
    )


def test_a_missing_page_comes_back_with_its_default_text(client, db):
    LegalPage.objects.filter(slug="cookies").delete()
    assert "strictly necessary" in _text(client, "/cookies/")


@pytest.mark.parametrize("path", ["/privacy/", "/accessibility/", "/cookies/"])
def test_every_page_links_to_the_legal_pages_in_the_footer(client, db, path):
    page = _text(client, path)
    for link in ('href="/privacy/"', 'href="/accessibility/"', 'href="/cookies/"'):
        assert link in page


def test_the_admin_edits_a_page(client, db):
    from tests.factories import UserFactory

    admin = UserFactory(role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = LegalPage.objects.get(slug="cookies")
    response = client.post(
        f"/admin/governance/legalpage/{page.pk}/change/",
        {"title": "Cookies", "body": "We set only one cookie.", "last_updated": "2026-12-01"},
    )
    assert response.status_code == 302
    assert "We set only one cookie." in _text(client, "/cookies/")
