"""What families read: a young person's own home, and every request page with a heading."""

from __future__ import annotations

from django.urls import reverse

from ehcp_portal.accounts.models import Role
from families.models import FamilyMembership
from families.services import request_draft_start
from tests.factories import CaseFactory, ChildFactory, UserFactory, family_for


def test_a_young_persons_home_speaks_to_them(client, db):
    case = CaseFactory()
    young_person = UserFactory(role=Role.YOUNG_PERSON)
    FamilyMembership.objects.create(
        user=young_person, child=case.child, relationship=FamilyMembership.Relationship.SELF
    )
    client.force_login(young_person)
    page = client.get(reverse("families:home")).content.decode()
    assert "Your requests and your plan" in page
    assert "Your children" not in page
    assert "Add a child" not in page
    assert "See your request and your plan" in page


def test_a_parents_home_is_about_their_children(client, db):
    case = CaseFactory()
    parent = family_for(case)
    client.force_login(parent)
    page = client.get(reverse("families:home")).content.decode()
    assert "Your children and requests" in page
    assert "Add a child" in page


def test_the_declaration_page_has_a_heading(client, db):
    parent = UserFactory(role=Role.PARENT)
    child = ChildFactory()
    FamilyMembership.objects.create(user=parent, child=child, relationship="parent")
    draft = request_draft_start(user=parent, route="family", child=child)
    client.force_login(parent)
    url = reverse("families:request_step", args=[draft.public_id, "declaration"])
    page = client.get(url).content.decode()
    assert '<h1 class="govuk-heading-l">Declaration</h1>' in page
    assert "I confirm that the information I have given is correct" in page
