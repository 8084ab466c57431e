"""Service rules that hold whatever page calls them."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from cases.members import services
from cases.members.models import EnquiryStatus, MemberEnquiry, MemberEnquiryEvent
from tests.cases.members.factories import MemberEnquiryFactory, MemberFactory

DETAILS = services.EnquiryDetails(
    category="delay",
    concern="No decision yet.",
    declared_constituent_asked=True,
    child_name="Amelia Smith",
    address="1 Church Lane LS6 1AA",
)


def test_a_query_cannot_be_answered_without_a_reply_or_closed_without_a_reason(db):
    enquiry = MemberEnquiryFactory()
    for status in (EnquiryStatus.ANSWERED, EnquiryStatus.CLOSED):
        with pytest.raises(IntegrityError), transaction.atomic():
            MemberEnquiry.objects.filter(pk=enquiry.pk).update(status=status)


def test_only_elected_members_with_the_declaration_can_raise(db, caseworker):
    with pytest.raises(services.EnquiryRefused):
        services.member_enquiry_raise(member=caseworker, details=DETAILS)
    undeclared = dataclasses.replace(DETAILS, declared_constituent_asked=False)
    with pytest.raises(services.EnquiryRefused):
        services.member_enquiry_raise(member=MemberFactory(), details=undeclared)
    assert not MemberEnquiry.objects.exists()


def test_events_are_append_only(db):
    enquiry = MemberEnquiryFactory()
    event = MemberEnquiryEvent.objects.create(enquiry=enquiry, kind="x", summary="x")
    event.summary = "changed"
    with pytest.raises(ValueError):
        event.save()


def test_flood_limit_holds_under_concurrent_posts(transactional_db, settings):
    """Six simultaneous posts against a limit of 3: the member's row lock lets exactly 3 in."""
    settings.MEMBER_ENQUIRY_MAX_PER_HOUR = 3
    member = MemberFactory()
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def post() -> None:
        try:
            barrier.wait()
            services.member_enquiry_raise(member=member, details=DETAILS)
            outcomes.append("raised")
        except services.EnquiryRateLimited:
            outcomes.append("limited")
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["limited"] * 3 + ["raised"] * 3
    assert MemberEnquiry.objects.filter(member=member).count() == 3
