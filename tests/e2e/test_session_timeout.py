"""The staff timeout warning in a real browser: it opens two minutes before an idle session ends,
as an accessible modal (axe, focus inside, Escape or "Stay signed in" keeps the session), and
when the time runs out the sign-in page says why. The browser's clock and the server's clock are
moved forward together (Playwright's clock, time-machine)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from ehcp_portal.accounts.models import Role
from tests.e2e.conftest import axe_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _seconds_left(page) -> int:
    return page.evaluate("fetch('/accounts/session/').then((r) => r.json())")["seconds_left"]


def test_timeout_warning_keeps_or_ends_the_session(live_server, page, sign_in_as, team):
    worker = UserFactory(role=Role.CASEWORKER, team=team)
    with time_machine.travel(timezone.now(), tick=True) as server_clock:
        sign_in_as(worker)
        page.clock.install()
        page.goto(live_server.url + reverse("casework:caseload"))
        dialog = page.get_by_role("dialog", name="You’re about to be signed out")
        expect(dialog).to_be_hidden()

        server_clock.shift(timedelta(minutes=28, seconds=5))
        page.clock.run_for("28:05")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("we will sign you out in")
        assert page.evaluate("document.activeElement.closest('dialog') !== null")
        assert axe_violations(page) == []

        page.keyboard.press("Escape")  # means "stay signed in"
        expect(dialog).to_be_hidden()
        assert _seconds_left(page) > 29 * 60

        server_clock.shift(timedelta(minutes=28, seconds=5))
        page.clock.run_for("28:05")
        expect(dialog).to_be_visible()
        dialog.get_by_role("button", name="Stay signed in").click()
        expect(dialog).to_be_hidden()
        assert _seconds_left(page) > 29 * 60

        # Nobody answers this time: the server ends the session and the sign-in page says why.
        server_clock.shift(timedelta(minutes=28, seconds=5))
        page.clock.run_for("28:05")
        expect(dialog).to_be_visible()
        server_clock.shift(timedelta(minutes=2, seconds=30))
        page.clock.run_for("02:30")
        page.wait_for_url("**/accounts/login/**")
        expect(
            page.get_by_text("we signed you out because you did not do anything")
        ).to_be_visible()
        assert axe_violations(page) == []


def test_sign_out_from_the_timeout_warning(live_server, page, sign_in_as, team):
    worker = UserFactory(role=Role.TEAM_MANAGER, team=team)
    with time_machine.travel(timezone.now(), tick=True) as server_clock:
        sign_in_as(worker)
        page.clock.install()
        page.goto(live_server.url + reverse("casework:team"))
        server_clock.shift(timedelta(minutes=28, seconds=30))
        page.clock.run_for("28:30")
        dialog = page.get_by_role("dialog", name="You’re about to be signed out")
        expect(dialog).to_be_visible()
        dialog.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
        expect(page.locator("header").get_by_role("link", name="Sign in")).to_be_visible()
        page.goto(live_server.url + reverse("casework:team"))
        assert "/accounts/login/" in page.url


def test_families_get_no_timeout_warning(live_server, page, sign_in_as):
    parent = UserFactory(role=Role.PARENT)
    sign_in_as(parent)
    page.goto(live_server.url + reverse("families:home"))
    assert page.locator("dialog[data-session-timeout]").count() == 0


TYPED = "Reads well one to one.\nStruggles in a class of thirty."


def _school_question_page(live_server, page, sign_in_as):
    from families.models import RequestDraft
    from families.services import request_draft_start
    from tests.factories import SettingFactory

    senco = UserFactory(role=Role.SCHOOL, setting=SettingFactory())
    draft = request_draft_start(user=senco, route=RequestDraft.Route.SCHOOL, setting=senco.setting)
    sign_in_as(senco)
    page.clock.install()
    page.goto(
        live_server.url
        + reverse("families:request_step", args=[draft.public_id, "needs-description"])
    )
    page.locator("main textarea").first.fill(TYPED)
    return draft


def _saved(draft) -> bool:
    draft.refresh_from_db()
    return "Struggles in a class of thirty." in str(draft.answers)


def test_signing_out_from_the_warning_on_a_question_page_keeps_the_answers(
    live_server, page, sign_in_as
):
    with time_machine.travel(timezone.now(), tick=True) as server_clock:
        draft = _school_question_page(live_server, page, sign_in_as)
        server_clock.shift(timedelta(minutes=28, seconds=5))
        page.clock.run_for("28:05")
        dialog = page.get_by_role("dialog", name="You’re about to be signed out")
        dialog.get_by_role("button", name="Sign out").click()
        expect(
            page.get_by_text("Your answers have been saved and you have signed out")
        ).to_be_visible()
    assert _saved(draft)


def test_running_out_of_time_on_a_question_page_keeps_the_answers(live_server, page, sign_in_as):
    with time_machine.travel(timezone.now(), tick=True) as server_clock:
        draft = _school_question_page(live_server, page, sign_in_as)
        server_clock.shift(timedelta(minutes=28, seconds=5))
        page.clock.run_for("28:05")
        expect(page.get_by_role("dialog", name="You’re about to be signed out")).to_be_visible()
        # The server's session has a few seconds left when the page saves and signs out.
        server_clock.shift(timedelta(minutes=1, seconds=25))
        page.clock.run_for("01:55")
        expect(
            page.get_by_text("Your answers have been saved and you have signed out")
        ).to_be_visible()
    assert _saved(draft)
