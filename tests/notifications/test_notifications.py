"""Templates, preferences, the in-app list, failed deliveries and the GOV.UK Notify backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ehcp_portal.accounts.models import Role
from notifications.forms import NotificationTemplateAdminForm
from notifications.models import Notification, NotificationTemplate
from notifications.notify import NotifyError, notify_send_email
from notifications.services import (
    notification_queue,
    notification_queue_event,
    notification_send,
    notification_wording,
)
from tests.factories import CaseFactory, TeamFactory, UserFactory
from tests.notifications.fake_notify import API_KEY, FakeNotify


def _email(recipient, **extra) -> Notification:
    return notification_queue(
        recipient=recipient,
        purpose=extra.pop("purpose", "digest"),
        event_key=extra.pop("event_key", "e:1"),
        subject="Your plan",
        body="Body",
        link="/track/EHC-2026-000001/",
        channels=(Notification.Channel.EMAIL,),
        **extra,
    )[0]


def test_templates_are_seeded_and_administrators_edits_are_used(db):
    # The data migration seeded one template per purpose.
    assert NotificationTemplate.objects.filter(purpose="advice_reminder").exists()
    NotificationTemplate.objects.filter(purpose="advice_reminder").update(
        subject="Please send advice for {reference} by {due_date}"
    )
    subject, body, statutory = notification_wording(
        "advice_reminder", {"reference": "EHC-2026-000007", "due_date": "1 May 2027"}
    )
    assert subject == "Please send advice for EHC-2026-000007 by 1 May 2027"
    assert statutory is False


def test_a_broken_template_falls_back_to_the_default_wording(db):
    NotificationTemplate.objects.filter(purpose="advice_reminder").update(subject="Due {oops")
    subject, _, _ = notification_wording(
        "advice_reminder", {"reference": "EHC-1", "due_when": "in 7 days"}
    )
    assert subject == "Reminder: advice for EHC-1 is due in 7 days"


def test_admin_form_refuses_unbalanced_braces(db):
    template = NotificationTemplate.objects.get(purpose="deadline_alert")
    form = NotificationTemplateAdminForm(
        data={"purpose": "deadline_alert", "name": "x", "subject": "Due {when", "body": "b"},
        instance=template,
    )
    assert not form.is_valid()
    assert "matching braces" in str(form.errors["subject"])


def test_admin_can_edit_a_template_in_the_admin(client, db):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    template = NotificationTemplate.objects.get(purpose="deadline_alert")
    url = reverse("admin:notifications_notificationtemplate_change", args=[template.pk])
    assert client.get(url).status_code == 200


def test_queued_event_uses_the_template_and_statutory_flag(db):
    recipient = UserFactory(email_opt_in=False)
    notification_queue_event(
        recipient=recipient,
        purpose="advice_requested",
        event_key="advice:1:requested",
        context={"reference": "EHC-2026-000001", "source": "health", "due_date": "1 May 2027"},
        link="/advice/x/",
    )
    email = Notification.objects.get(recipient=recipient, channel="email")
    # Advice requests are statutory (reg 6): they go even to someone who turned emails off.
    assert email.status == "pending" and "1 May 2027" in email.body


# -- preferences ---------------------------------------------------------------------------------


def test_preferences_page_turns_non_statutory_email_off(client, db):
    user = UserFactory()
    client.force_login(user)
    url = reverse("notifications:preferences")
    assert client.get(url).status_code == 200
    missing = client.post(url, {})
    assert missing.status_code == 200
    assert "Select whether you want emails about updates" in missing.content.decode()
    assert client.post(url, {"email_opt_in": "no"}).status_code == 302
    user.refresh_from_db()
    assert user.email_opt_in is False
    assert _email(user).status == "skipped"
    assert _email(user, event_key="e:2", statutory=True).status == "pending"


def test_preferences_need_sign_in(client, db):
    assert client.get(reverse("notifications:preferences")).status_code == 302


# -- in-app list and unread count ----------------------------------------------------------------


def test_unread_count_is_in_the_header_and_cleared_when_read(client, db, django_assert_num_queries):
    user = UserFactory(role=Role.PARENT)
    other = UserFactory(role=Role.PARENT)
    for i in range(3):
        notification_queue(recipient=user, purpose="p", event_key=f"k{i}", subject=f"S{i}", body="")
    notification_queue(recipient=other, purpose="p", event_key="k", subject="Not yours", body="")
    client.force_login(user)
    # session, user, pagination count, the page, the unread count in the header
    with django_assert_num_queries(5):
        page = client.get(reverse("notifications:inbox"))
    body = page.content.decode()
    assert "Notifications (3 unread)" in body and "Not yours" not in body
    client.post(reverse("notifications:inbox"))
    assert "Notifications (3 unread)" not in client.get(reverse("families:home")).content.decode()


def test_a_hundred_unread_or_more_reads_99_plus_counted_no_further(client, db):
    """A team manager of a national service can have 50,000 unread breach alerts: the header
    says 99+ and its count stops at 100 rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.selectors import UNREAD_COUNTED_TO

    user = UserFactory(role=Role.PARENT)
    for i in range(UNREAD_COUNTED_TO + 1):
        notification_queue(recipient=user, purpose="p", event_key=f"k{i}", subject="S", body="")
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("notifications:inbox")).content.decode()
    assert f"Notifications ({UNREAD_COUNTED_TO}+ unread)" in body
    assert f"{UNREAD_COUNTED_TO}+ unread." in body
    counts = [q["sql"] for q in queries if "read_at" in q["sql"] and "COUNT" in q["sql"]]
    assert counts and all(f"LIMIT {UNREAD_COUNTED_TO + 1}" in sql for sql in counts)
    Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP
    ).first().delete()
    body = client.get(reverse("notifications:inbox")).content.decode()
    assert f"Notifications ({UNREAD_COUNTED_TO} unread)" in body


# -- failed deliveries ---------------------------------------------------------------------------


def test_delivery_failures_retry_with_backoff_then_show_as_failed(db, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_notifications.BrokenBackend"
    recipient = UserFactory()
    email = _email(recipient)
    outcomes = []
    for _ in range(settings.NOTIFICATION_MAX_ATTEMPTS):
        Notification.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        outcomes.append(notification_send(notification_id=email.pk))
        email.refresh_from_db()
        if email.status != "failed":
            # Waits double each time: 2, 4, 8, 16 minutes.
            wait = email.next_attempt_at - timezone.now()
            assert (
                timedelta(minutes=2**email.attempts - 1)
                < wait
                <= timedelta(minutes=2**email.attempts)
            )
    assert outcomes == ["retry"] * 4 + ["failed"]
    assert email.status == "failed" and "SMTP down" in email.last_error


class BrokenBackend:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise ConnectionRefusedError("SMTP down")


@pytest.fixture
def failed_email(db):
    team = TeamFactory()
    case = CaseFactory(team=team)
    email = _email(UserFactory(team=team), case=case)
    Notification.objects.filter(pk=email.pk).update(
        status="failed", attempts=5, last_error="SMTPServerDisconnected"
    )
    return email


def test_managers_see_failed_messages_of_their_area_and_send_again(
    client, failed_email, django_assert_num_queries
):
    manager = UserFactory(role=Role.TEAM_MANAGER, team=failed_email.case.team)
    client.force_login(manager)
    # session, user, pagination count, team area, the page (recipients and cases joined), unread
    with django_assert_num_queries(6):
        page = client.get(reverse("notifications:failed"))
    assert "SMTPServerDisconnected" in page.content.decode()
    response = client.post(reverse("notifications:retry", args=[failed_email.pk]))
    assert response.status_code == 302
    failed_email.refresh_from_db()
    assert (failed_email.status, failed_email.attempts) == ("pending", 0)
    assert notification_send(notification_id=failed_email.pk) == "sent"
    assert mail.outbox[-1].subject == "Your plan"


def test_admin_sees_every_failed_message(client, failed_email):
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True))
    assert "Your plan" in client.get(reverse("notifications:failed")).content.decode()


@pytest.mark.parametrize(
    "role", [Role.PARENT, Role.CASEWORKER, Role.ADVICE_GIVER, Role.SCHOOL, Role.PANEL_MEMBER]
)
def test_failed_page_is_for_managers_and_administrators_only(client, failed_email, role):
    client.force_login(UserFactory(role=role, team=failed_email.case.team))
    assert client.get(reverse("notifications:failed")).status_code == 404
    assert client.post(reverse("notifications:retry", args=[failed_email.pk])).status_code == 404


def test_manager_of_another_area_cannot_see_or_retry(client, failed_email):
    client.force_login(UserFactory(role=Role.TEAM_MANAGER, team=TeamFactory()))
    assert "Your plan" not in client.get(reverse("notifications:failed")).content.decode()
    assert client.post(reverse("notifications:retry", args=[failed_email.pk])).status_code == 404
    failed_email.refresh_from_db()
    assert failed_email.status == "failed"


# -- GOV.UK Notify -------------------------------------------------------------------------------


def test_emails_go_through_notify_when_a_key_is_set(db, settings):
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    with FakeNotify() as notify:
        settings.NOTIFY_BASE_URL = notify.url
        email = _email(UserFactory(email="sam@example.test"))
        assert notification_send(notification_id=email.pk) == "sent"
    sent = notify.accepted[0]
    assert sent["email_address"] == "sam@example.test"
    assert sent["template_id"] == "f33517ff-2a88-4f6e-b855-c550268ce08a"
    assert sent["personalisation"]["subject"] == "Your plan"
    assert sent["personalisation"]["body"].endswith("/track/EHC-2026-000001/\n")
    assert sent["reference"] == email.idempotency_key
    assert mail.outbox == []


def test_notify_server_errors_are_retried_and_bad_requests_fail_at_once(db, settings):
    settings.NOTIFY_API_KEY = API_KEY
    with FakeNotify(statuses=[500, 400]) as notify:
        settings.NOTIFY_BASE_URL = notify.url
        first = _email(UserFactory())
        assert notification_send(notification_id=first.pk) == "retry"
        Notification.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now())
        assert notification_send(notification_id=first.pk) == "failed"
    first.refresh_from_db()
    assert first.attempts == 2 and "400" in first.last_error


def test_notify_with_a_wrong_key_is_refused(settings):
    # The fake server checks each request's token as Notify does (HS256 with the key's secret).
    settings.NOTIFY_API_KEY = f"wrong-{'0' * 36}-{'1' * 36}"
    with FakeNotify() as notify, pytest.raises(NotifyError) as refused:
        settings.NOTIFY_BASE_URL = notify.url
        notify_send_email(email_address="a@example.test", subject="s", body="b", reference="r")
    assert refused.value.status == 403 and refused.value.permanent and notify.accepted == []


def test_inbox_links_managers_to_failed_messages_only(client, db):
    manager = UserFactory(role=Role.TEAM_MANAGER, team=TeamFactory())
    client.force_login(manager)
    assert "could not be sent" in client.get(reverse("notifications:inbox")).content.decode()
    client.force_login(UserFactory(role=Role.PARENT))
    assert "could not be sent" not in client.get(reverse("notifications:inbox")).content.decode()


def test_the_notification_list_shows_only_the_users_own_messages(client, db):
    from notifications.services import notification_queue
    from tests.factories import UserFactory

    mine, theirs = UserFactory(), UserFactory()
    notification_queue(recipient=mine, purpose="p", event_key="e1", subject="For me", body="x")
    notification_queue(recipient=theirs, purpose="p", event_key="e2", subject="Not mine", body="y")
    client.force_login(mine)
    body = client.get(reverse("notifications:inbox")).content.decode()
    assert "For me" in body
    assert "Not mine" not in body
    client.logout()
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_one_rule_decides_whether_an_email_is_skipped():
    from notifications.services import notification_first_status

    def status(channel: str, statutory: bool, opt_in: bool) -> str:
        return notification_first_status(channel=channel, statutory=statutory, email_opt_in=opt_in)

    assert status("in_app", False, False) == "sent"
    assert status("email", False, True) == "pending"
    assert status("email", False, False) == "skipped"  # turned email off
    assert status("email", True, False) == "pending"  # statutory: sent anyway
