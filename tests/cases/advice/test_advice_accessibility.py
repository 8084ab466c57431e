"""axe-core finds no WCAG 2.2 A/AA violations on the advice and notification pages, with and
without errors shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Stage
from ehcp_portal.accounts.models import Role
from notifications.models import Notification
from tests.conftest import axe_violations
from tests.factories import (
    AdviceRequestFactory,
    CaseFactory,
    ChildFactory,
    SettingFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _check(page, url: str) -> None:
    page.goto(url)
    assert page.locator("h1").count() == 1, url
    assert axe_violations(page) == [], url


def _notify(user, case, status: str, n: int) -> None:
    Notification.objects.create(
        recipient=user,
        channel="email" if status == "failed" else "in_app",
        purpose="advice_reminder",
        idempotency_key=f"a11y:{user.pk}:{status}:{n}",
        subject=f"{case.reference}: advice due in 7 days",
        body="Please send your advice.",
        link="/advice/",
        case=case,
        status=status,
        last_error="SMTP 550 mailbox unavailable" if status == "failed" else "",
    )


def test_advice_giver_pages(live_server, page, sign_in_as, team, caseworker):
    giver = UserFactory(role=Role.ADVICE_GIVER, organisation="Educational Psychology")
    case = CaseFactory(team=team, caseworker=caseworker, stage=Stage.ASSESSING)
    request = AdviceRequestFactory(case=case, addressee=giver)
    AdviceRequestFactory(addressee=giver, state="received", needs="Reading", provision="1:1")
    for n in range(2):
        _notify(giver, case, "sent", n)
    sign_in_as(giver)
    base = live_server.url
    _check(page, base + reverse("advice:home"))
    _check(page, base + reverse("advice:detail", args=[request.public_id]))
    _check(page, base + reverse("advice:submit", args=[request.public_id]))
    page.locator("main form button[type=submit]").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
    _check(page, base + reverse("advice:decline", args=[request.public_id]))
    page.locator("main form button[type=submit]").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
    _check(page, base + reverse("notifications:inbox"))
    _check(page, base + reverse("notifications:preferences"))


def test_school_user_advice_pages(live_server, page, sign_in_as, team, caseworker):
    """A SENCO asked for the school's educational advice (reg 6(1)(b))."""
    school = SettingFactory(name="Meadow Primary")
    senco = UserFactory(role=Role.SCHOOL, setting=school)
    case = CaseFactory(
        team=team, caseworker=caseworker, stage=Stage.ASSESSING, child=ChildFactory(setting=school)
    )
    request = AdviceRequestFactory(case=case, source="setting", addressee=None, setting=school)
    AdviceRequestFactory(
        source="setting",
        addressee=None,
        setting=school,
        state="received",
        needs="Reading",
        provision="1:1",
    )
    sign_in_as(senco)
    base = live_server.url
    _check(page, base + reverse("advice:home"))
    assert page.locator("main table tbody tr").count() == 2
    _check(page, base + reverse("advice:detail", args=[request.public_id]))
    _check(page, base + reverse("advice:submit", args=[request.public_id]))
    page.locator("main form button[type=submit]").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
    _check(page, base + reverse("advice:decline", args=[request.public_id]))
    page.locator("main form button[type=submit]").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []


def test_caseworker_request_advice_form(live_server, page, sign_in_as, team, caseworker):
    school = SettingFactory(name="Meadow Primary")
    case = CaseFactory(
        team=team, caseworker=caseworker, stage=Stage.ASSESSING, child=ChildFactory(setting=school)
    )
    UserFactory(role=Role.ADVICE_GIVER)
    UserFactory(role=Role.SCHOOL, setting=SettingFactory())
    sign_in_as(caseworker)
    _check(page, live_server.url + reverse("advice:request_new", args=[case.reference]))
    page.locator("main form button[type=submit]").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []


def test_sign_in_link_request_page(live_server, page):
    _check(page, live_server.url + reverse("advice:sign_in"))
    page.locator("main form button[type=submit]").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []


def test_failed_notifications_page(live_server, page, sign_in_as, team, manager, caseworker):
    case = CaseFactory(team=team, caseworker=caseworker)
    for n in range(2):
        _notify(caseworker, case, "failed", n)
    sign_in_as(manager)
    _check(page, live_server.url + reverse("notifications:failed"))
    assert page.get_by_text("SMTP 550 mailbox unavailable").count() >= 1
