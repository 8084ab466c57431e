"""The three 500s issue 14 found, each answered at its root: a NUL character anywhere a person
types (PostgreSQL refuses NUL in text), and a year too big for any date (removing an item
from a final plan: tests/cases/plans/test_final_plan_item_remove.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ehcp_portal.accounts.models import Role
from ehcp_portal.forms import GovUKDateField
from tests.factories import UserFactory


@pytest.fixture
def browser_client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "url",
    [
        "/track/%00/",
        "/cases/%00/",
        "/cases/%00/plan/",
        "/members/cases/%00/",
        "/school/plans/%00/",
        "/panels/cases/%00/put-forward/",
    ],
)
def test_a_nul_in_the_address_is_a_400_page_for_any_signed_in_role(browser_client, url, db):
    for role in (Role.PARENT, Role.CASEWORKER, Role.HEAD_OF_SERVICE, Role.ELECTED_MEMBER):
        browser_client.force_login(UserFactory(role=role))
        response = browser_client.get(url)
        assert response.status_code == 400, (role, url)
        assert "a character that is not allowed" in response.content.decode()


def test_a_nul_in_the_api_address_is_a_400_with_a_json_body(browser_client, caseworker):
    browser_client.force_login(caseworker)
    response = browser_client.get("/api/cases/%00/")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The web address contains a character that is not allowed."
    }


def test_a_nul_in_a_form_field_is_the_forms_error_and_what_was_typed_is_kept(
    browser_client, case, caseworker
):
    browser_client.force_login(caseworker)
    response = browser_client.post(
        reverse("casework:case_task_add", args=[case.reference]),
        {"title": "Call the school\x00", "due_on_0": "3", "due_on_1": "", "due_on_2": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert not case.tasks.exists()


def test_a_form_body_that_cannot_be_read_is_a_400(browser_client, case, caseworker):
    browser_client.force_login(caseworker)
    response = browser_client.post(
        reverse("casework:case_message_send", args=[case.reference]),
        data=b"--x\r\nnot a part",
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("99999", "Year must include 4 numbers"),
        ("9" * 5000, "Year must include 4 numbers"),
        ("9999", "Date of birth must be the same as or before 31 December 2199"),
        ("0000", "Date of birth must be a real date"),
        ("0001", "Date of birth must be the same as or after 1 January 1900"),
    ],
)
def test_a_huge_year_is_a_gov_uk_error_not_an_overflow(year, message):
    field = GovUKDateField(label="Date of birth")
    with pytest.raises(ValidationError) as error:
        field.clean(["1", "1", year])
    assert error.value.messages == [message]


def test_django_s_own_400s_use_the_same_page(browser_client, db):
    response = browser_client.get("/", HTTP_HOST="not-the-council.example")
    assert response.status_code == 400
    assert "There is a problem with what was sent" in response.content.decode()
