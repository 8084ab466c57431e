"""Issue 19: the case page's "Messages sent" list, with a delivered text, a letter that was
not delivered and an email waiting, has no axe-core violations."""

from __future__ import annotations

import pytest

from ehcp_portal.accounts.models import NO_EMAIL_DOMAIN
from notifications.models import Notification
from notifications.services import notification_queue
from tests.e2e.conftest import axe_violations
from tests.factories import UserFactory, family_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_messages_sent_on_the_case_page(live_server, page, sign_in_as, case, caseworker):
    texting = family_for(
        case, UserFactory(email=f"t@{NO_EMAIL_DOMAIN}", phone="07700900123", contact_channel="sms")
    )
    emailed = family_for(case)
    for n, (who, status) in enumerate(((texting, "delivered"), (emailed, "pending"))):
        [_, outward] = notification_queue(
            recipient=who,
            purpose="decision_letter",
            event_key=f"e2e:{n}",
            subject=f"A decision on {case.reference}",
            body="b",
            case=case,
        )
        Notification.objects.filter(pk=outward.pk).update(status=status)
    Notification.objects.filter(channel="sms").update(status="delivered")
    Notification.objects.create(
        recipient=emailed,
        channel="letter",
        purpose="decision_letter",
        idempotency_key="e2e:letter",
        subject="Decision letter",
        body="b",
        case=case,
        statutory=True,
        status="failed",
        last_error="GOV.UK Notify: permanent-failure. The letter was returned.",
    )
    sign_in_as(caseworker)
    page.goto(f"{live_server.url}/cases/{case.reference}/messages/")
    table = page.locator("#messages-sent + table")
    assert table.get_by_text("Delivered", exact=True).is_visible()
    assert table.get_by_text("Not delivered").is_visible()
    assert table.get_by_role("cell", name="Text message").is_visible()
    assert axe_violations(page) == []
