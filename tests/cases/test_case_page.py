"""The case page: summary, deadlines, timeline, tasks, documents, messages and the actions the
stage allows; and the forms posted from it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases.casework.models import CaseTask
from cases.documents import document_store
from cases.models import CaseEvent, Document, Message, Stage
from ehcp_portal.accounts.models import Role
from notifications.models import Notification
from tests.factories import CaseFactory, UserFactory, family_for
from tests.families.helpers import PDF_BYTES


def _url(case, name: str = "casework:case_detail", *args) -> str:
    return reverse(name, args=[case.reference, *args])


def _fill(case, n: int, author) -> None:
    for i in range(n):
        CaseEvent.objects.create(case=case, kind="note", summary=f"Event {i}", actor=author)
        CaseTask.objects.create(case=case, title=f"Task {i}", assignee=author, created_by=author)
        Document.objects.create(
            case=case,
            kind=Document.Kind.EVIDENCE,
            title=f"Doc {i}",
            file="documents/x.pdf",
            content_type="application/pdf",
        )
        Message.objects.create(case=case, sender=author, body=f"Message {i}", from_family=i % 2)


# Every part: session, user, the case, its exceptions, the may-work check, the access log
# record (one INSERT), the unread notifications count in the header; then its own lists.
EVERY_PART = 7
PART_QUERIES = {
    # tasks, disputes, whether a decision may be disputed, the request behind the case, the
    # letters the worker is making (the task form offers people from the case and its tasks)
    "casework:case_detail": EVERY_PART + 5,
    "casework:case_plan": EVERY_PART + 1,  # the plan
    "casework:case_advice": EVERY_PART + 1,  # the advice requests
    # the papers (with their agenda items, meetings and decisions when there are papers:
    # tests/panels/test_case_panels_part.py)
    "casework:case_panels": EVERY_PART + 1,
    "casework:case_documents": EVERY_PART + 1,
    "casework:case_messages": EVERY_PART + 2,  # the messages; those sent by email, text, post
    "casework:case_timeline": EVERY_PART + 1,  # the newest page of events (no count)
}


@pytest.mark.parametrize("part", list(PART_QUERIES))
@pytest.mark.parametrize("n", [5, 50])
def test_each_part_of_the_case_page_runs_a_fixed_number_of_queries(
    client, case, caseworker, n, part, django_assert_num_queries
):
    _fill(case, n, caseworker)
    client.force_login(caseworker)
    with django_assert_num_queries(PART_QUERIES[part]):
        response = client.get(_url(case, part))
    assert response.status_code == 200
    body = response.content.decode()
    shown = {
        "casework:case_detail": "Task 4",
        "casework:case_documents": "Doc 4",
        "casework:case_messages": "Message 4",
        "casework:case_timeline": "Event 4",
    }
    assert shown.get(part, escape(case.child.full_name)) in body


@pytest.mark.parametrize("part", list(PART_QUERIES))
def test_each_part_is_its_own_page_in_the_sub_navigation_and_logged(client, case, caseworker, part):
    from ehcp_portal.audit.models import AccessRecord

    client.force_login(caseworker)
    body = client.get(_url(case, part)).content.decode()
    current = re.findall(
        r'<a class="moj-sub-navigation__link" href="([^"]+)" aria-current="page"', body
    )
    assert current == [_url(case, part)]
    assert body.count('class="moj-sub-navigation__link"') == len(PART_QUERIES)
    record = AccessRecord.objects.get(case_id=case.pk)
    assert record.user == caseworker and record.object_ref  # which part was read


@pytest.mark.parametrize("part", list(PART_QUERIES))
@pytest.mark.parametrize("role", [Role.PARENT, Role.SCHOOL, Role.ADVICE_GIVER, Role.ELECTED_MEMBER])
def test_each_part_is_404_for_roles_that_may_not_see_the_case(
    client, case, user_of_role, part, role
):
    client.force_login(user_of_role(role))
    assert client.get(_url(case, part)).status_code == 404


@pytest.mark.parametrize("part", list(PART_QUERIES))
def test_each_part_is_404_for_staff_of_another_area(client, case, user_of_role, part):
    for role in (Role.CASEWORKER, Role.TEAM_MANAGER):
        client.force_login(user_of_role(role))
        assert client.get(_url(case, part)).status_code == 404


def test_case_page_shows_deadlines_and_only_allowed_actions(client, case, caseworker):
    client.force_login(caseworker)
    response = client.get(_url(case))
    body = response.content.decode()
    assert "Decision whether to assess" in body
    assert (case.received_on + timedelta(weeks=6)).strftime("%-d %B %Y") in body
    actions = [a.name for a in response.context["actions"]]
    assert "agree_to_assess" in actions and "refuse_to_assess" in actions
    assert "issue_final" not in actions
    assert 'value="issue_final"' not in body


def test_recording_an_action_moves_the_stage(client, case, caseworker):
    client.force_login(caseworker)
    today = timezone.localdate()
    response = client.post(
        _url(case, "casework:case_action"),
        {"action": "agree_to_assess", "on_0": today.day, "on_1": today.month, "on_2": today.year},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.ASSESSING
    assert case.events.get(kind="agree_to_assess").actor == caseworker


def test_a_refused_transition_is_shown_in_the_error_summary(client, case, caseworker):
    client.force_login(caseworker)
    today = timezone.localdate()
    response = client.post(
        _url(case, "casework:case_action"),
        {
            "action": "refuse_to_assess",
            "on_0": today.day,
            "on_1": today.month,
            "on_2": today.year,
            "reasons": "   ",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Give the reasons for this decision" in body
    case.refresh_from_db()
    assert case.stage == Stage.DECIDING_ASSESS


def test_a_future_date_is_refused_with_the_workflows_reason(client, case, caseworker):
    client.force_login(caseworker)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        _url(case, "casework:case_action"),
        {
            "action": "agree_to_assess",
            "on_0": tomorrow.day,
            "on_1": tomorrow.month,
            "on_2": tomorrow.year,
        },
    )
    assert "cannot be in the future" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.DECIDING_ASSESS


def test_an_action_not_allowed_at_this_stage_and_a_bad_date_are_form_errors(
    client, case, caseworker
):
    client.force_login(caseworker)
    response = client.post(
        _url(case, "casework:case_action"),
        {"action": "issue_final", "on_0": "31", "on_1": "2", "on_2": "2026"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "That is not possible at this stage" in body
    assert "The date must be a real date" in body
    assert 'value="31"' in body  # what was typed is kept


def test_add_and_complete_a_task(client, case, caseworker):
    client.force_login(caseworker)
    response = client.post(_url(case, "casework:case_task_add"), {"title": "Ring the school"})
    assert response.status_code == 302
    task = case.tasks.get()
    assert task.assignee == caseworker and not task.is_done
    client.post(_url(case, "casework:case_task_done", task.pk))
    task.refresh_from_db()
    assert task.is_done
    assert list(case.events.values_list("kind", flat=True)) == ["task_done", "task_added"]


def test_a_task_needs_a_title(client, case, caseworker):
    client.force_login(caseworker)
    response = client.post(_url(case, "casework:case_task_add"), {"title": "   "})
    assert response.status_code == 200
    assert "Enter what needs doing" in response.content.decode()
    response = client.post(_url(case, "casework:case_task_add"), {"title": "a\x00b"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not case.tasks.exists()


def test_reply_to_the_family_marks_their_messages_read_and_notifies_them(client, case, caseworker):
    parent = family_for(case)
    Message.objects.create(case=case, sender=parent, from_family=True, body="Any news?")
    client.force_login(caseworker)
    assert "1 unread" in client.get(_url(case, "casework:case_messages")).content.decode()
    response = client.post(_url(case, "casework:case_message_send"), {"body": "We are on it."})
    assert response.status_code == 302
    assert response["Location"] == _url(case, "casework:case_messages")
    assert case.messages.filter(from_family=True, read_at__isnull=True).count() == 0
    reply = case.messages.get(from_family=False)
    assert reply.sender == caseworker and reply.body == "We are on it."
    assert Notification.objects.filter(recipient=parent, purpose="case_message").exists()
    body = client.get(_url(case, "casework:case_messages")).content.decode()
    assert "We are on it." in body and "Any news?" in body


def test_an_empty_reply_is_an_error(client, case, caseworker):
    client.force_login(caseworker)
    response = client.post(_url(case, "casework:case_message_send"), {"body": ""})
    assert response.status_code == 200
    assert "Enter your message" in response.content.decode()


POSTS = [
    ("casework:case_action", (), {"action": "agree_to_assess"}),
    ("casework:case_task_add", (), {"title": "x"}),
    ("casework:case_message_send", (), {"body": "x"}),
]


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.CASEWORKER, Role.TEAM_MANAGER)])
def test_case_forms_are_404_for_non_staff_roles(client, case, user_of_role, role):
    family_for(case)
    client.force_login(user_of_role(role))
    for name, args, data in POSTS:
        assert client.post(_url(case, name, *args), data).status_code == 404
    task = CaseTask.objects.create(case=case, title="t")
    assert client.post(_url(case, "casework:case_task_done", task.pk)).status_code == 404
    case.refresh_from_db()
    assert case.stage == Stage.DECIDING_ASSESS and not case.messages.exists()


def test_case_forms_are_404_for_staff_of_another_area(client, case, user_of_role):
    task = CaseTask.objects.create(case=case, title="t")
    for role in (Role.CASEWORKER, Role.TEAM_MANAGER):
        client.force_login(user_of_role(role))
        assert client.get(_url(case)).status_code == 404
        for name, args, data in POSTS:
            assert client.post(_url(case, name, *args), data).status_code == 404
        assert client.post(_url(case, "casework:case_task_done", task.pk)).status_code == 404
    task.refresh_from_db()
    assert not task.is_done


def test_a_task_of_another_case_is_404(client, case, caseworker, team):
    other = CaseFactory(team=team, caseworker=caseworker)
    task = CaseTask.objects.create(case=other, title="t")
    client.force_login(caseworker)
    assert client.post(_url(case, "casework:case_task_done", task.pk)).status_code == 404


def test_area_manager_and_team_colleague_may_work_the_case(client, case, manager, team):
    for user in (manager, UserFactory(role=Role.CASEWORKER, team=team)):
        client.force_login(user)
        response = client.post(_url(case, "casework:case_task_add"), {"title": f"by {user.pk}"})
        assert response.status_code == 302
    assert case.tasks.count() == 2


def test_reassign_link_only_for_the_area_manager(client, case, caseworker, manager):
    reassign = reverse("casework:reassign", args=[case.reference])
    client.force_login(caseworker)
    assert reassign not in client.get(_url(case)).content.decode()
    client.force_login(manager)
    assert reassign in client.get(_url(case)).content.decode()


def test_timeline_shows_the_reasons_given(client, case, caseworker):
    CaseEvent.objects.create(
        case=case,
        kind="reassigned",
        summary="Case reassigned",
        actor=caseworker,
        data={"reason": "Covering long-term leave"},
    )
    client.force_login(caseworker)
    body = client.get(_url(case, "casework:case_timeline")).content.decode()
    assert "Covering long-term leave" in body and "not shown to the family" in body


def test_caseworker_downloads_a_case_document_from_the_link_on_the_page(
    client, case, caseworker, django_assert_num_queries
):
    document = document_store(
        upload=SimpleUploadedFile("ep-report.pdf", PDF_BYTES, content_type="application/pdf"),
        kind=Document.Kind.EVIDENCE,
        uploaded_by=caseworker,
        case=case,
        title="Educational psychology report",
    )
    _fill(case, 3, caseworker)
    client.force_login(caseworker)
    # the links cost no query: same as without documents
    with django_assert_num_queries(PART_QUERIES["casework:case_documents"]):
        body = client.get(_url(case, "casework:case_documents")).content.decode()
    links = re.findall(r'<a class="govuk-link" href="([^"]+)">([^<]+)<', body)
    linked = {title: url for url, title in links}
    href = linked["Educational psychology report"]
    assert href == reverse("cases:document_download", args=[document.public_id])
    response = client.get(href)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES
    # Every document on the page is linked.
    for doc in Document.objects.filter(case=case, title__startswith="Doc "):
        assert linked[doc.title] == reverse("cases:document_download", args=[doc.public_id])

    # The family of the case does not get the staff-only document through that link.
    client.force_login(family_for(case))
    assert client.get(href).status_code == 404


def test_a_huge_year_for_an_action_is_a_form_error_not_a_server_error(case, caseworker):
    from django.test import Client

    client = Client(raise_request_exception=False)  # a crash shows as a 500
    client.force_login(caseworker)
    response = client.post(
        _url(case, "casework:case_action"),
        {"action": "agree_to_assess", "on_0": "1", "on_1": "3", "on_2": "99999999999"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Year must include 4 numbers" in body
    assert case.events.filter(kind="agree_to_assess").count() == 0
