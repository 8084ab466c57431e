"""Nothing typed is lost on sign-out, in a real browser: a parent types on a question page and
clicks "Sign out" in the header without saving; after signing in again and resuming the draft,
what they typed is there."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ehcp_portal.accounts.models import Role
from families.models import FamilyMembership, RequestDraft
from families.services import request_draft_start
from tests.factories import ChildFactory, UserFactory

TYPED = "Amira loves trains.\nLoud rooms make her anxious."


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_sign_out_from_a_question_page_keeps_what_was_typed(live_server, page, sign_in_as):
    parent = UserFactory(role=Role.PARENT, full_name="Sara Khan")
    child = ChildFactory(first_name="Amira", last_name="Khan", date_of_birth=date(2018, 5, 4))
    FamilyMembership.objects.create(user=parent, child=child, relationship="parent")
    draft = request_draft_start(user=parent, route=RequestDraft.Route.FAMILY, child=child)
    step = live_server.url + reverse("families:request_step", args=[draft.public_id, "child-views"])

    sign_in_as(parent)
    page.goto(step)
    page.get_by_label("All about me").fill(TYPED)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    # Signed out: the header offers "Sign in" and the family pages ask for it.
    assert page.locator("header").get_by_role("link", name="Sign in").is_visible()
    assert page.get_by_text("Your answers have been saved and you have signed out").is_visible()
    page.goto(live_server.url + reverse("families:home"))
    assert "/accounts/login/" in page.url

    sign_in_as(parent)  # a new session
    page.goto(live_server.url + reverse("families:home"))
    page.get_by_role("link", name="Continue the request for Amira Khan").click()
    page.wait_for_load_state()
    page.goto(step)
    assert page.get_by_label("All about me").input_value() == TYPED
