"""Issue 19: email, text message and posted letter through GOV.UK Notify, chosen per family.

Notify is faked at its HTTP boundary only: the official client library talks to a stub server
on 127.0.0.1 (tests/notifications/fake_notify.py) that checks each request's token as Notify
does. No real network.
"""

from __future__ import annotations

import base64
import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cases.casework.models import CaseTask
from cases.models import Document
from ehcp_portal.accounts.models import NO_EMAIL_DOMAIN, Role
from notifications.channels import Reach, outward_channel
from notifications.models import Notification
from notifications.receipts import delivery_statuses_poll
from notifications.services import notification_queue, notification_send
from tests.factories import CaseFactory, UserFactory, family_for
from tests.notifications.fake_notify import API_KEY, FakeNotify

SMS_TEMPLATE = "a7b4cb4f-70d5-4c4a-a1ab-0a7d1b0ad1b1"
CALLBACK_TOKEN = "callback-secret-0123456789"
PDF = b"%PDF-1.7\n% the decision letter\n%%EOF\n"


@pytest.fixture
def notify(settings):
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_SMS_TEMPLATE_ID = SMS_TEMPLATE
    settings.NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN
    with FakeNotify() as fake:
        settings.NOTIFY_BASE_URL = fake.url
        yield fake


def _texting_family(case):
    """A family who gave only a mobile number (no email address held)."""
    return family_for(
        case,
        UserFactory(
            email=f"texts-{case.pk}@{NO_EMAIL_DOMAIN}", phone="07700 900 123", contact_channel="sms"
        ),
    )


def _posted_family(case):
    """An assisted-digital family: the council holds only the child's postal address."""
    case.child.address = "1 Example Street, Leeds"
    case.child.postcode = "LS1 1AA"
    case.child.save()
    return family_for(
        case, UserFactory(email=f"post-{case.pk}@{NO_EMAIL_DOMAIN}", contact_channel="post")
    )


def _letter(case) -> Document:
    document = Document(case=case, kind=Document.Kind.LETTER, title="Decision", family_visible=True)
    document.file.save("decision.pdf", ContentFile(PDF), save=False)
    document.content_type, document.size = "application/pdf", len(PDF)
    document.save()
    return document


def _outward(recipient, case, *, statutory=False, document=None, key="decision:1"):
    rows = notification_queue(
        recipient=recipient,
        purpose="decision_letter",
        event_key=key,
        subject=f"A decision on {case.reference}",
        body="A decision has been made. The letter is on your tracker.",
        link=f"/track/{case.reference}/",
        statutory=statutory,
        case=case,
        document=document,
    )
    return next(n for n in rows if n.channel != Notification.Channel.IN_APP)


# -- the rule --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preference", "email", "mobile", "address", "statutory_letter", "expected"),
    [
        ("email", True, True, True, False, "email"),
        ("sms", True, True, True, False, "sms"),
        ("post", True, True, True, False, "letter"),
        ("sms", True, False, True, False, "email"),  # no mobile held: the next that reaches
        ("email", False, True, False, False, "sms"),  # only a phone number
        ("email", False, False, True, False, "letter"),  # only a postal address
        ("sms", False, True, True, True, "letter"),  # statutory letter, no email: by post
        ("sms", True, True, True, True, "sms"),  # statutory, email held: their choice
        ("email", False, False, False, True, None),  # nothing held: shown as failed
    ],
)
def test_one_rule_chooses_the_channel(
    preference, email, mobile, address, statutory_letter, expected
):
    reach = Reach(preference=preference, has_email=email, has_mobile=mobile, has_address=address)
    assert outward_channel(reach, statutory_letter=statutory_letter) == expected


# -- each channel through Notify -----------------------------------------------------------------


def test_email_goes_to_notify(db, notify):
    case = CaseFactory()
    family = family_for(case, UserFactory(email="sam@example.test"))
    email = _outward(family, case)
    assert email.channel == "email"
    assert notification_send(notification_id=email.pk) == "sent"
    path, body = notify.sent[0]
    assert path == "/v2/notifications/email" and body["email_address"] == "sam@example.test"
    email.refresh_from_db()
    assert email.provider_id == "n-1"


def test_a_family_with_only_a_phone_number_gets_a_short_text_linking_to_the_portal(db, notify):
    case = CaseFactory()
    family = _texting_family(case)
    text = _outward(family, case)
    assert text.channel == "sms"
    assert notification_send(notification_id=text.pk) == "sent"
    path, body = notify.sent[0]
    assert path == "/v2/notifications/sms"
    assert body["phone_number"] == "+447700900123"
    assert body["template_id"] == SMS_TEMPLATE
    message = body["personalisation"]["body"]
    assert message.startswith(f"A decision on {case.reference}")
    assert message.endswith(f"/track/{case.reference}/")
    assert "A decision has been made" not in message  # the detail stays in the portal
    assert len(message) <= 160
    assert body["reference"] == text.idempotency_key


def test_an_assisted_digital_family_gets_the_same_pdf_by_post(db, notify):
    case = CaseFactory()
    family = _posted_family(case)
    letter = _outward(family, case, statutory=True, document=_letter(case))
    assert letter.channel == "letter"
    assert notification_send(notification_id=letter.pk) == "sent"
    path, body = notify.sent[0]
    assert path == "/v2/notifications/letter"
    assert base64.b64decode(body["content"]) == PDF  # the very letter on the tracker
    assert body["reference"] == letter.idempotency_key
    assert body["postage"] == "second"


def test_a_statutory_letter_goes_by_post_when_no_email_is_held(db, notify):
    case = CaseFactory()
    family = _posted_family(case)
    family.contact_channel, family.phone = "sms", "07700900124"
    family.save()
    assert _outward(family, case, statutory=True, document=_letter(case)).channel == "letter"
    # A message with no letter still follows their choice.
    assert _outward(family, case, key="reminder:1").channel == "sms"


def test_notify_errors_are_retried_then_sent_once(db, notify):
    notify.statuses = [500, 429, 201]
    case = CaseFactory()
    text = _outward(_texting_family(case), case)
    outcomes = []
    for _ in range(3):
        Notification.objects.filter(pk=text.pk).update(next_attempt_at=timezone.now())
        outcomes.append(notification_send(notification_id=text.pk))
    assert outcomes == ["retry", "retry", "sent"]
    assert len(notify.sent) == 1
    text.refresh_from_db()
    assert (text.status, text.attempts) == ("sent", 3)
    # A later drain or a duplicate task finds nothing to send.
    assert notification_send(notification_id=text.pk) == "not-claimed"
    assert len(notify.sent) == 1


def test_nobody_to_reach_is_failed_at_once_and_raises_a_task_if_statutory(
    django_capture_on_commit_callbacks, case
):
    family = family_for(case, UserFactory(email=f"none@{NO_EMAIL_DOMAIN}"))
    with django_capture_on_commit_callbacks(execute=True):
        row = _outward(family, case, statutory=True, document=_letter(case))
    assert row.status == "failed" and "No email address" in row.last_error
    assert CaseTask.objects.filter(case=case, assignee=case.caseworker).count() == 1


# -- delivery receipts ---------------------------------------------------------------------------


def _callback(client, payload, token=CALLBACK_TOKEN):
    return client.post(
        reverse("notifications:notify_callback"),
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_callbacks_record_delivery_and_a_failed_statutory_letter_raises_one_task(
    client, notify, case, caseworker, django_capture_on_commit_callbacks
):
    text = _outward(_texting_family(case), case, key="reminder:2")
    notification_send(notification_id=text.pk)
    letter = _outward(_posted_family(case), case, statutory=True, document=_letter(case))
    notification_send(notification_id=letter.pk)
    letter.refresh_from_db()

    delivered = _callback(
        client,
        {
            "id": "n-1",
            "reference": text.idempotency_key,
            "status": "delivered",
            "notification_type": "sms",
            "completed_at": "2026-11-28T10:00:00.000000Z",
        },
    )
    assert delivered.status_code == 200 and delivered.json() == {"recorded": True}
    text.refresh_from_db()
    assert text.status == "delivered" and text.delivered_at is not None

    for _ in range(2):  # Notify may send the same receipt twice
        with django_capture_on_commit_callbacks(execute=True):
            _callback(
                client,
                {"id": letter.provider_id, "reference": None, "status": "permanent-failure"},
            )
    letter.refresh_from_db()
    assert letter.status == "failed" and "permanent-failure" in letter.last_error
    tasks = CaseTask.objects.filter(case=case)
    assert tasks.count() == 1
    assert tasks[0].assignee == caseworker and "Not delivered (letter by post)" in tasks[0].title

    # The caseworker sees what happened on the case page.
    client.force_login(caseworker)
    page = client.get(reverse("casework:case_messages", args=[case.reference])).content.decode()
    assert "Messages sent" in page
    assert "Delivered" in page and "Not delivered" in page and "Text message" in page


def test_a_text_that_failed_raises_no_task_when_not_statutory(client, notify, case):
    text = _outward(_texting_family(case), case, key="reminder:3")
    notification_send(notification_id=text.pk)
    _callback(client, {"id": "n-1", "status": "temporary-failure"})
    text.refresh_from_db()
    assert text.status == "failed"
    assert not CaseTask.objects.filter(case=case).exists()


@pytest.mark.parametrize("token", ["", "wrong-token"])
def test_callbacks_without_the_bearer_token_are_refused(client, db, notify, token):
    response = _callback(client, {"id": "n-1", "status": "delivered"}, token=token)
    assert response.status_code == 401 and "bearer token" in response.json()["detail"]


def test_callbacks_are_refused_when_no_token_is_configured(client, db, settings):
    settings.NOTIFY_CALLBACK_TOKEN = ""
    response = _callback(client, {"id": "n-1", "status": "delivered"}, token="")
    assert response.status_code == 401


def test_a_malformed_callback_is_a_4xx_with_a_json_body(client, db, notify):
    url = reverse("notifications:notify_callback")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {CALLBACK_TOKEN}"}
    bad_json = client.post(url, data="{nope", content_type="application/json", **auth)
    assert bad_json.status_code == 400 and "JSON" in bad_json.json()["detail"]
    no_status = client.post(url, data="[1]", content_type="application/json", **auth)
    assert no_status.status_code == 400
    unknown = _callback(client, {"id": "not-ours", "status": "delivered"})
    assert unknown.status_code == 200 and unknown.json() == {"recorded": False}


def test_polling_records_statuses_when_no_callback_came(db, notify):
    case = CaseFactory()
    text = _outward(_texting_family(case), case)
    notification_send(notification_id=text.pk)
    notify.delivery_states["n-1"] = "delivered"
    assert delivery_statuses_poll() == 1
    text.refresh_from_db()
    assert text.status == "delivered" and text.provider_status == "delivered"


# -- the embedded default: everything lands in var/ ---------------------------------------------


def test_without_a_key_texts_and_letters_are_written_under_var(db, settings, tmp_path):
    settings.NOTIFY_API_KEY = ""
    settings.SMS_DIR, settings.LETTERS_DIR = tmp_path / "sms", tmp_path / "letters"
    case = CaseFactory()
    text = _outward(_texting_family(case), case)
    letter = _outward(_posted_family(case), case, statutory=True, document=_letter(case))
    # A message about a case whose child has no address, to a family with no email or mobile.
    other = CaseFactory()
    unreachable = _outward(_posted_family(CaseFactory()), other, key="reminder:9")
    for row in (text, letter):
        assert notification_send(notification_id=row.pk) == "sent"
    [sms_file] = (tmp_path / "sms").iterdir()
    assert "To: +447700900123" in sms_file.read_text()
    assert f"/track/{case.reference}/" in sms_file.read_text()
    [pdf_file] = (tmp_path / "letters").iterdir()
    assert pdf_file.read_bytes() == PDF
    assert unreachable.status == "failed"  # nothing held can carry it: managers see it


def test_a_letter_without_a_document_is_made_from_the_message(db, settings, tmp_path):
    settings.NOTIFY_API_KEY = ""
    settings.LETTERS_DIR = tmp_path
    case = CaseFactory()
    letter = _outward(_posted_family(case), case, key="reminder:4")
    assert letter.channel == "letter"
    assert notification_send(notification_id=letter.pk) == "sent"
    [pdf_file] = tmp_path.iterdir()
    from pypdf import PdfReader

    text = PdfReader(pdf_file).pages[0].extract_text()
    # The address typed on one line is printed a line a part in the envelope window.
    assert "1 Example Street\nLeeds\nLS1 1AA" in text and f"A decision on {case.reference}" in text


# -- the family's choices ------------------------------------------------------------------------


def test_a_family_chooses_texts_and_gives_a_uk_mobile_number(client, db):
    family = UserFactory(role=Role.PARENT)
    client.force_login(family)
    url = reverse("notifications:preferences")
    wrong = client.post(
        url, {"email_opt_in": "yes", "contact_channel": "sms", "phone": "0113 496 0000"}
    )
    assert wrong.status_code == 200
    body = wrong.content.decode()
    assert "Enter a UK mobile number" in body and 'value="0113 496 0000"' in body
    assert "govuk-error-summary" in body
    missing = client.post(url, {"email_opt_in": "yes", "contact_channel": "sms"})
    assert "Enter a mobile phone number to get text messages" in missing.content.decode()
    ok = client.post(
        url, {"email_opt_in": "yes", "contact_channel": "sms", "phone": "+44 7700 900982"}
    )
    assert ok.status_code == 302
    family.refresh_from_db()
    assert (family.contact_channel, family.phone) == ("sms", "+447700900982")


def test_staff_are_not_offered_texts_or_post(client, caseworker):
    client.force_login(caseworker)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "How should we send you" not in page


def test_a_long_subject_is_shortened_so_the_text_stays_one_message(db, settings):
    from notifications.services import SMS_LENGTH, sms_text

    settings.SITE_URL = "https://send.example.gov.uk"
    case = CaseFactory()
    text = _outward(_texting_family(case), case)
    text.subject = "A very long subject about the plan " * 6
    message = sms_text(text)
    assert len(message) <= SMS_LENGTH and "…" in message
    assert message.endswith(f"https://send.example.gov.uk/track/{case.reference}/")
