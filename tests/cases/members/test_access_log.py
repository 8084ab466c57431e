"""A councillor's view of a case (with the family's consent) is recorded in the access log with
their ward; without consent the page does not exist and nothing is recorded."""

from __future__ import annotations

from django.urls import reverse

from cases.members.services import member_consent_grant
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessRecord
from tests.cases.members.factories import MemberEnquiryFactory
from tests.factories import family_for


def test_the_councillors_view_is_recorded_with_their_ward(client, member, case):
    parent = family_for(case)
    MemberEnquiryFactory(member=member, case=case)
    client.force_login(member)
    url = reverse("members:case", args=[case.reference])
    assert client.get(url).status_code == 404  # no consent yet
    assert not AccessRecord.objects.exists()
    member_consent_grant(case=case, member=member, actor=parent)
    assert client.get(url).status_code == 200
    record = AccessRecord.objects.get()
    assert (record.kind, record.role) == ("member_view", Role.ELECTED_MEMBER)
    assert record.organisation == "Councillor, Headingley"
    assert record.case_reference == case.reference
