"""Factories for member enquiries (kept beside their tests: tests/factories.py is shared)."""

from __future__ import annotations

from datetime import date

import factory
from django.utils import timezone

from cases.members import sla
from cases.members.models import EnquiryCategory, EnquiryStatus, MemberEnquiry
from ehcp_portal.accounts.models import Role
from tests.factories import UserFactory


class MemberFactory(UserFactory):
    role = Role.ELECTED_MEMBER
    ward = factory.Sequence(lambda n: f"Ward {n}")


class MemberEnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberEnquiry

    member = factory.SubFactory(MemberFactory)
    member_ward = factory.SelfAttribute("member.ward")
    child_name = "Amelia Smith"
    child_date_of_birth = date(2016, 5, 4)
    parent_name = "Jo Smith"
    address = "1 Church Lane, Leeds LS6 1AA"
    category = EnquiryCategory.DELAY
    concern = "The family has waited a long time for a decision."
    declared_constituent_asked = True
    received_on = factory.LazyFunction(timezone.localdate)
    target_reply_on = factory.LazyAttribute(lambda o: sla.target_reply_on(o.received_on))
    status = EnquiryStatus.RECEIVED
