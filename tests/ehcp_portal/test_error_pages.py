"""GOV.UK error pages: "Page not found", "You do not have access", "Sorry, there is a problem
with the service" and a page for a form that failed its CSRF check, instead of Django's."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from cases.models import CouncilProfile
from ehcp_portal.accounts.models import Role
from tests.factories import UserFactory


def test_an_unknown_address_is_the_govuk_page_not_found(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in body
    assert "If you typed the web address, check it is correct." in body


def test_a_refused_action_is_the_govuk_you_do_not_have_access(admin_client):
    CouncilProfile.current()  # one profile: adding a second is refused with a 403
    response = admin_client.get(reverse("admin:cases_councilprofile_add"))
    assert response.status_code == 403
    assert "You do not have access" in response.content.decode()


def test_the_500_page_needs_no_database_and_no_request_context(settings):
    # No django_db mark: any database access here raises, as it would with the database down.
    settings.DEBUG = False
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body
    assert "Try again later." in body
    assert "<script>" not in body  # the strict CSP allows no inline script


@pytest.mark.django_db
def test_a_form_that_fails_its_csrf_check_explains_what_to_do():
    client = Client(enforce_csrf_checks=True)
    user = UserFactory(role=Role.PARENT)
    client.force_login(user)
    response = client.post(reverse("families:child_add"), {"first_name": "Sam"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Sorry, what you sent could not be saved" in body
    assert "reload the page" in body


@pytest.mark.django_db
def test_the_api_answers_a_csrf_failure_with_json():
    from ehcp_portal.views import csrf_failure

    response = csrf_failure(RequestFactory().post("/api/v1/cases/"), reason="no token")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
