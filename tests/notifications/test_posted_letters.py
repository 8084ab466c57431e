"""Posted letters (issue 19): the recipient's address where GOV.UK Notify reads it, nothing
posted without an address Notify would accept (a task for the caseworker instead), and paper
applicants without an account reached by post through the same outbox.

Notify is faked at its HTTP boundary only (tests/notifications/fake_notify.py); each posted PDF
is a real letter rendered by WeasyPrint and measured with poppler.
"""

from __future__ import annotations

import base64

import pytest
from django.utils import timezone

from cases.casework.models import CaseTask
from cases.correspondence import services as correspondence
from cases.models import Document
from cases.services import case_event_record
from cases.workflow import case_letter_send
from ehcp_portal.accounts.models import NO_EMAIL_DOMAIN
from notifications.models import Notification
from notifications.receipts import delivery_status_record
from notifications.services import notification_queue, notification_send
from tests.cases.test_postal_layout import assert_posted_layout
from tests.factories import SettingFactory, UserFactory, family_for
from tests.notifications.fake_notify import API_KEY, FakeNotify


@pytest.fixture
def notify(settings):
    settings.NOTIFY_API_KEY = API_KEY
    with FakeNotify() as fake:
        settings.NOTIFY_BASE_URL = fake.url
        yield fake


def _address(case, address="7 Canal Wharf\nLeeds", postcode="LS11 5PS"):
    case.child.address, case.child.postcode = address, postcode
    case.child.save()


def _posted_name(case) -> str:
    name = f"The parent or carer of {case.child.full_name}"
    return name if len(name) <= 45 else "The parent or carer"  # one line in the window


def _decide(case, django_capture_on_commit_callbacks):
    """A decision to assess through the real workflow: the letter, then the family's hooks."""
    with django_capture_on_commit_callbacks(execute=False):
        event = case_event_record(case=case, kind="decision", summary="Decided to assess")
        return case_letter_send(
            case=case,
            letter="agree_to_assess",
            event=event,
            on=timezone.localdate(),
            reasons="The evidence shows the child may have special educational needs.",
            actor=None,
        )


def test_a_paper_applicant_without_an_account_is_posted_the_decision_letter(
    case, notify, django_capture_on_commit_callbacks
):
    _address(case)
    document = _decide(case, django_capture_on_commit_callbacks)
    posted = Notification.objects.get(case=case, purpose="decision_letter")
    assert posted.recipient is None and posted.channel == "letter" and posted.statutory
    assert posted.document == document
    assert notification_send(notification_id=posted.pk) == "sent"
    path, body = notify.sent[0]
    assert path == "/v2/notifications/letter"
    pdf = base64.b64decode(body["content"])
    with document.file.open("rb") as handle:
        assert pdf == handle.read()  # the very letter the portal holds
    name = _posted_name(case)
    assert_posted_layout(pdf, (name, "7 Canal Wharf", "Leeds", "LS11 5PS"))

    # The same decision's hooks again (a retry): nothing is posted twice.
    from cases.workflow import LetterSent
    from notifications.services import decision_letter_family_notify

    decision_letter_family_notify(
        LetterSent(
            case=case,
            letter="agree_to_assess",
            document=document,
            event_key=posted.idempotency_key.split(":case-")[0],
            template_id=None,
        )
    )
    assert Notification.objects.filter(case=case, purpose="decision_letter").count() == 1

    # Notify's receipt comes back to the row; a returned letter becomes the caseworker's task.
    with django_capture_on_commit_callbacks(execute=True):
        delivery_status_record(provider_id="n-1", reference="", status="permanent-failure")
    task = CaseTask.objects.get(case=case)
    assert "The family's postal address" in task.title


def test_the_name_on_a_paper_request_heads_the_address(case, django_capture_on_commit_callbacks):
    from families.models import RequestDraft

    _address(case)
    RequestDraft.objects.create(
        route=RequestDraft.Route.ASSISTED,
        created_by=case.caseworker,
        child=case.child,
        case=case,
        answers={"parents": {"your_name": "Morgan Ellis"}},
    )
    from cases.letters import letter_postal_block

    assert letter_postal_block(case).lines == ("Morgan Ellis", "7 Canal Wharf", "Leeds", "LS11 5PS")


def test_with_no_usable_address_nothing_is_posted_and_the_caseworker_gets_a_task(
    case, notify, django_capture_on_commit_callbacks
):
    _address(case, address="", postcode="LS11 5PS")
    with django_capture_on_commit_callbacks(execute=True):
        _decide(case, django_capture_on_commit_callbacks)
    posted = Notification.objects.get(case=case, purpose="decision_letter")
    assert posted.status == "failed" and "no usable postal address" in posted.last_error
    assert notification_send(notification_id=posted.pk) == "not-claimed"
    assert notify.sent == []
    assert CaseTask.objects.filter(case=case, assignee=case.caseworker).count() == 1


def test_an_address_that_became_unusable_before_posting_fails_with_the_reason(
    case, notify, django_capture_on_commit_callbacks
):
    _address(case)
    family = family_for(case, UserFactory(email=f"p@{NO_EMAIL_DOMAIN}", contact_channel="post"))
    document = Document.objects.create(
        case=case, kind=Document.Kind.LETTER, title="Letter", family_visible=True
    )
    (row,) = notification_queue(
        recipient=family,
        purpose="decision_letter",
        event_key="decision:9",
        subject="A decision",
        body="Read it.",
        statutory=True,
        case=case,
        document=document,
        channels=(Notification.Channel.EMAIL,),
    )
    assert row.channel == "letter"
    _address(case, address="1 A Road", postcode="nope")
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_send(notification_id=row.pk) == "failed"
    row.refresh_from_db()
    assert "No UK postcode" in row.last_error and notify.sent == []
    assert CaseTask.objects.filter(case=case).count() == 1


def test_a_letter_made_from_a_message_carries_the_address_block(case, settings, tmp_path):
    settings.LETTERS_DIR = tmp_path
    _address(case)
    family = family_for(
        case,
        UserFactory(full_name="Pat Quinn", email=f"q@{NO_EMAIL_DOMAIN}", contact_channel="post"),
    )
    (row,) = notification_queue(
        recipient=family,
        purpose="reminder",
        event_key="reminder:1",
        subject="Your child's advice is due",
        body="We are waiting for advice.",
        case=case,
        channels=(Notification.Channel.EMAIL,),
    )
    assert row.channel == "letter"
    assert notification_send(notification_id=row.pk) == "sent"
    (written,) = tmp_path.iterdir()  # the embedded default posts to var/letters/
    assert_posted_layout(written.read_bytes(), ("Pat Quinn", "7 Canal Wharf", "Leeds", "LS11 5PS"))


def test_a_bulk_letter_is_posted_itself_to_a_paper_applicant(case, manager, notify):
    school = SettingFactory(area=case.area)
    case.child.setting = school
    case.child.save()
    _address(case)
    bulk = correspondence.bulk_send_create(
        actor=manager,
        area_id=case.area_id,
        cohort="school",
        cohort_year=None,
        cohort_setting_id=school.pk,
        title="Open evening",
        body="Come to our open evening.",
    )
    assert correspondence.bulk_send_run(bulk.pk) == 1
    posted = Notification.objects.get(case=case, purpose="bulk_letter")
    assert posted.recipient is None and posted.document is not None
    assert notification_send(notification_id=posted.pk) == "sent"
    pdf = base64.b64decode(notify.sent[0][1]["content"])
    name = _posted_name(case)
    assert_posted_layout(pdf, (name, "7 Canal Wharf", "Leeds", "LS11 5PS"))


def test_a_bulk_letter_that_cannot_be_posted_becomes_a_task_though_not_statutory(
    case, manager, notify, django_capture_on_commit_callbacks
):
    school = SettingFactory(area=case.area)
    case.child.setting = school
    case.child.save()
    _address(case, address="", postcode="")
    bulk = correspondence.bulk_send_create(
        actor=manager,
        area_id=case.area_id,
        cohort="school",
        cohort_year=None,
        cohort_setting_id=school.pk,
        title="Open evening",
        body="Come to our open evening.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        correspondence.bulk_send_run(bulk.pk)
    posted = Notification.objects.get(case=case, purpose="bulk_letter")
    assert posted.status == "failed" and not posted.statutory and notify.sent == []
    assert CaseTask.objects.filter(case=case, title__contains="Open evening").count() == 1


@pytest.mark.worker
def test_a_real_worker_posts_a_paper_applicants_letter(transactional_db, tmp_path):
    from notifications.services import notification_queue_postal
    from notifications.tasks import notification_deliver
    from tests.factories import CaseFactory
    from tests.worker import celery_worker, wait_until

    case = CaseFactory()
    _address(case)
    with celery_worker(extra_env={"EHCP_VAR_DIR": str(tmp_path)}) as worker:
        row = notification_queue_postal(
            case=case,
            purpose="request_received",
            event_key=f"case:{case.pk}:received",
            subject=f"We have received your request {case.reference}",
            body="We will tell you by 16 March 2027 whether we will assess.",
            statutory=True,
        )
        assert row is not None
        notification_deliver.apply_async(args=[row.pk], queue=worker.queue)

        def posted() -> bool:
            row.refresh_from_db()
            return row.status == Notification.Status.SENT

        assert wait_until(posted), worker.log.read_text()[-2000:]
    (pdf,) = (tmp_path / "letters").iterdir()
    name = _posted_name(case)
    assert_posted_layout(pdf.read_bytes(), (name, "7 Canal Wharf", "Leeds", "LS11 5PS"))
