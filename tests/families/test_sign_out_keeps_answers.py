"""Nothing typed is lost on sign-out. "Sign out" from a question page sends the page's
answers with signout=1 (static/js/app.js); the view keeps them in the draft, valid or not, and
then signs the person out."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ehcp_portal.accounts.models import Role
from families.models import FamilyMembership, RequestDraft
from families.services import request_draft_start
from tests.factories import ChildFactory, UserFactory
from tests.families.helpers import step_url


@pytest.fixture
def draft(db):
    parent = UserFactory(role=Role.PARENT, full_name="Sara Khan")
    child = ChildFactory(first_name="Amira", last_name="Khan", date_of_birth=date(2018, 5, 4))
    FamilyMembership.objects.create(user=parent, child=child, relationship="parent")
    return request_draft_start(user=parent, route=RequestDraft.Route.FAMILY, child=child)


def test_question_page_marks_its_form_and_the_header_sign_out(client, draft):
    client.force_login(draft.created_by)
    body = client.get(step_url(draft, "child-views")).content.decode()
    assert "data-save-on-sign-out" in body
    assert "data-sign-out" in body


def test_sign_out_keeps_what_was_typed_and_signs_out(client, draft):
    client.force_login(draft.created_by)
    response = client.post(
        step_url(draft, "child-views"), {"child_views": "Half a thought", "signout": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"  # where the header's "Sign out" goes too
    # Signed out: the family home now asks them to sign in.
    home = client.get(reverse("families:home"))
    assert home.status_code == 302
    assert reverse("account_login") in home["Location"]
    draft.refresh_from_db()
    assert draft.answers["child-views"]["data"] == {"child_views": ["Half a thought"]}
    # Signed in again, the page shows what was typed.
    client.force_login(draft.created_by)
    assert "Half a thought" in client.get(step_url(draft, "child-views")).content.decode()


def test_sign_out_keeps_an_answer_that_is_not_valid_yet(client, draft):
    client.force_login(draft.created_by)
    response = client.post(
        step_url(draft, "child-address"),
        {"address": "1 Road", "postcode": "NOT A CODE", "signout": "1"},
    )
    assert response.status_code == 302
    assert client.get(reverse("families:home")).status_code == 302
    client.force_login(draft.created_by)
    body = client.get(step_url(draft, "child-address")).content.decode()
    assert 'value="NOT A CODE"' in body
    assert "1 Road" in body


def test_sign_out_from_another_familys_draft_is_404_and_saves_nothing(client, draft):
    stranger = UserFactory(role=Role.PARENT)
    client.force_login(stranger)
    response = client.post(
        step_url(draft, "child-views"), {"child_views": "Not mine", "signout": "1"}
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert "child-views" not in draft.answers
    # Still signed in: a refused page does not sign anyone out.
    assert client.get(reverse("families:home")).status_code == 200
