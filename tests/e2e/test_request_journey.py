"""A parent's whole journey in a real browser: sign up (verifying the email), add a child, answer
every question page, upload a report, send the request and see the tracker with the reference
and the 6-week date. axe-core checks every page on the way for WCAG 2.2 A/AA problems."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cases.models import Case
from tests.factories import AreaFactory, SettingFactory, TeamFactory
from tests.families.helpers import PDF_BYTES

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "a-long-Unusual-passphrase-42"


class AxeChecker:
    """Runs axe on each page visited and remembers every violation with the page it was on."""

    def __init__(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.problems: list[str] = []
        self.pages: list[str] = []

    def check(self, page, label: str) -> None:
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
        self.pages.append(label)
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            self.problems.append(f"{label}: {violation['id']} – {violation['help']} {targets}")


@pytest.fixture
def chromium_page(browser):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def fill_date(page, name: str, value: date) -> None:
    page.fill(f"[name={name}_0]", str(value.day))
    page.fill(f"[name={name}_1]", str(value.month))
    page.fill(f"[name={name}_2]", str(value.year))


def continue_(page) -> None:
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_parent_signs_up_requests_an_assessment_and_tracks_it(live_server, chromium_page, tmp_path):
    area = AreaFactory(name="North West", postcode_districts=["LS6"])
    TeamFactory(name="North West SEN team", area=area)
    SettingFactory(name="Meanwood Primary School")
    page = chromium_page
    axe = AxeChecker()
    base = live_server.url

    # Start page and sign-up, with the verification email.
    page.goto(f"{base}/")
    # The checker itself must be able to fail: a button with no accessible name is caught.
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<button></button>')"
    )
    probe = AxeChecker()
    probe.check(page, "probe")
    assert any("button-name" in p for p in probe.problems), probe.problems
    page.reload()
    axe.check(page, "start")
    page.get_by_role("button", name="Start now").click()
    page.wait_for_load_state()
    axe.check(page, "sign up")
    page.fill("[name=email]", "sara.khan@example.test")
    page.fill("[name=password1]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    page.fill("[name=full_name]", "Sara Khan")
    page.locator("input[name=applying_as][value=parent]").check()
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    axe.check(page, "verify your email")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    confirm_path = re.sub(r"^https?://[^/]+", "", link.group(0))
    page.goto(f"{base}{confirm_path}")
    axe.check(page, "confirm email")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        axe.check(page, "sign in")
        page.fill("[name=login]", "sara.khan@example.test")
        page.fill("[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    assert "/family/" in page.url, page.url
    axe.check(page, "family home")

    # Add a child: first with a mistake, to see the error page.
    page.get_by_role("link", name="Add a child").click()
    axe.check(page, "add a child")
    dob = timezone.localdate().replace(year=timezone.localdate().year - 8) - timedelta(days=3)
    page.fill("[name=first_name]", "Amira")
    page.fill("[name=last_name]", "Khan")
    fill_date(page, "date_of_birth", timezone.localdate() + timedelta(days=5))
    page.get_by_role("button", name="Add").click()
    page.wait_for_load_state()
    assert "Date of birth must be today or in the past" in page.content()
    axe.check(page, "add a child (error)")
    fill_date(page, "date_of_birth", dob)
    page.get_by_role("button", name="Add").click()
    page.wait_for_load_state()

    # The request, one question per page.
    page.get_by_role("link", name="Start a request").first.click()
    axe.check(page, "who is it for")
    page.get_by_label("Amira Khan").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()

    # Name and date of birth came from the child's record: resume lands on the address.
    assert "Where do they live?" in page.content()
    axe.check(page, "address")
    page.fill("[name=address]", "12 Example Street\nLeeds")
    page.fill("[name=postcode]", "not a postcode")
    continue_(page)
    assert "Enter a full UK postcode" in page.content()
    axe.check(page, "address (error)")
    page.fill("[name=postcode]", "ls6 2ab")
    continue_(page)

    axe.check(page, "sex and ethnic group")
    page.get_by_label("Female").check()
    page.select_option("[name=ethnicity]", "APKN")
    continue_(page)
    axe.check(page, "pupil number")
    page.fill("[name=upn]", "B201567815002")
    continue_(page)
    assert "check letter does not match" in page.content()
    axe.check(page, "pupil number (error)")
    page.fill("[name=upn]", "B201567815001")
    continue_(page)

    axe.check(page, "home language")
    page.fill("[name=home_language]", "Urdu")
    continue_(page)
    axe.check(page, "looked after")
    page.get_by_label("No").check()
    continue_(page)
    axe.check(page, "year group")
    page.select_option("[name=year_group]", label="Year 3")
    continue_(page)
    axe.check(page, "about you")
    page.fill("[name=your_name]", "Sara Khan")
    page.get_by_label("Parent", exact=True).check()
    continue_(page)
    axe.check(page, "setting")
    page.select_option("[name=setting]", label="Meanwood Primary School")
    continue_(page)
    axe.check(page, "main need")
    page.get_by_label("Autistic spectrum disorder").check()
    continue_(page)
    axe.check(page, "other needs")
    page.get_by_label("Speech, language and communication needs").check()
    continue_(page)
    axe.check(page, "needs description")
    page.fill("[name=needs_description]", "Finds noisy classrooms overwhelming.")
    continue_(page)
    axe.check(page, "all about me")
    page.fill("[name=child_views]", "I like trains and drawing. Loud noises hurt my ears.")
    continue_(page)
    axe.check(page, "parent views")
    page.fill("[name=parent_views]", "We hope Amira can stay at her school with the right help.")
    continue_(page)
    axe.check(page, "support")
    page.fill("[name=support_in_place]", "SEN support: a teaching assistant in the mornings.")
    continue_(page)
    axe.check(page, "professionals")
    page.fill("[name=professionals]", "Dr Patel, community paediatrician")
    continue_(page)

    axe.check(page, "evidence")
    report = tmp_path / "paediatrician-report.pdf"
    report.write_bytes(PDF_BYTES)
    page.set_input_files("#id_files", str(report))
    page.get_by_role("button", name="Upload file").click()
    page.wait_for_load_state()
    assert "paediatrician-report.pdf" in page.content()
    axe.check(page, "evidence (uploaded)")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()

    axe.check(page, "consent")
    page.get_by_label("The educational psychology service").check()
    page.get_by_label("Health services (NHS), for example doctors and therapists").check()
    continue_(page)
    axe.check(page, "declaration")
    page.get_by_label(re.compile("I confirm that the information")).check()
    continue_(page)

    assert "Check your answers" in page.content()
    axe.check(page, "check your answers")
    assert "LS6 2AB" in page.content()
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_load_state()

    case = Case.objects.get()
    decision_due = f"{case.received_on + timedelta(weeks=6):%-d %B %Y}"
    assert "Request sent" in page.content()
    assert case.reference in page.content()
    axe.check(page, "confirmation")
    page.get_by_role("link", name="Follow your request").click()
    page.wait_for_load_state()

    text = page.inner_text("main")
    assert case.reference in text
    assert f"We must tell you whether we will carry out an assessment by {decision_due}" in text
    assert "paediatrician-report.pdf" in text
    axe.check(page, "tracker")

    assert len(axe.pages) >= 25
    assert axe.problems == [], "\n".join(axe.problems)
