from __future__ import annotations

import os

import pytest
from django.conf import settings

from ehcp_portal.accounts.models import Role
from tests.factories import CaseFactory, TeamFactory, UserFactory, family_for


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def caseworker(team):
    return UserFactory(role=Role.CASEWORKER, team=team)


@pytest.fixture
def manager(team):
    user = UserFactory(role=Role.TEAM_MANAGER, team=team)
    team.manager = user
    team.save()
    return user


@pytest.fixture
def case(team, caseworker):
    return CaseFactory(team=team, caseworker=caseworker)


@pytest.fixture
def parent(case):
    return family_for(case)


@pytest.fixture
def user_of_role(db):
    """Make a signed-in-able user of any role (in a fresh team/area for staff)."""

    def make(role: str, **extra):
        if role in (Role.CASEWORKER, Role.TEAM_MANAGER) and "team" not in extra:
            extra["team"] = TeamFactory()
        return UserFactory(role=role, **extra)

    return make


# --- Browser tests: one Playwright driver and one Chromium for the whole session ----------
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists("/usr/bin/chromium"):
        pytest.fail("Debian's chromium is required at /usr/bin/chromium (apt-get install chromium)")
    # Playwright's sync driver keeps an event loop in the test thread; the ORM calls the tests
    # make between browser steps are ordinary synchronous ones.
    with pytest.MonkeyPatch.context() as mp, sync_playwright() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page; a test fails if the Content-Security-Policy refused anything on it (an
    inline script or style left in a template, a handler attribute)."""
    context = browser.new_context()
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text and not getattr(page, "axe_running", 0)
            else None
        ),
    )
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused something on the page"


@pytest.fixture
def sign_in_as(client, live_server, page):
    """Put a signed-in session for `user` into the browser."""

    def sign_in(user) -> None:
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in


def axe_violations(page) -> list[str]:
    """WCAG 2.2 A/AA violations axe-core finds on the current page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    # axe-core itself sets inline styles on some pages while it measures contrast: what the
    # policy refuses during its run is the checker's, not the page's.
    page.axe_running = 1
    try:
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    finally:
        page.axe_running = 0
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]
