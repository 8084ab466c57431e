"""Who may see an elected member's enquiry, and what a member may see of a case; registered with
the access policy's engine by `MembersConfig.ready`.

A member sees a case's stage and next statutory date only while the family consents to that
member's involvement and the case is one their query was matched to. Withdrawing consent takes
effect on the next page load: nothing is copied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from cases.members.models import MemberEnquiry
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from families.models import Consent

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

ENQUIRY = "member_enquiry"
ENQUIRY_OWN = "member_enquiry.own"  # the member who raised it: status, officer, reply
ENQUIRY_HANDLE = "member_enquiry.handle"  # council side: read, reply, close
ENQUIRY_TRIAGE = "member_enquiry.triage"  # council side: match to a case, route, assign


def _member_with_consent(user: User) -> Q:
    consented = Consent.objects.filter(
        child_id=OuterRef("child_id"),
        party=Consent.Party.ELECTED_MEMBER,
        member_id=user.pk,
        revoked_at__isnull=True,
    )
    linked = MemberEnquiry.objects.filter(case_id=OuterRef("pk"), member_id=user.pk)
    return Q(Exists(consented)) & Q(Exists(linked))


def _own_enquiries(user: User) -> Q:
    return Q(member_id=user.pk)


def _area_or_unrouted_enquiries(user: User) -> Q:
    # One inbox for all member queries: a query not yet routed to an area is every manager's.
    area_id = access.user_area_id(user)
    q = Q(area__isnull=True)
    return q | Q(area_id=area_id) if area_id else q


def _assigned_enquiries(user: User) -> Q:
    return Q(assigned_officer_id=user.pk)


def register() -> None:
    access.rule_register(
        access.CASE, access.CASE_MEMBER, _member_with_consent, roles=[Role.ELECTED_MEMBER]
    )
    access.subject_register(ENQUIRY, MemberEnquiry)
    access.rule_register(ENQUIRY, ENQUIRY_OWN, _own_enquiries, roles=[Role.ELECTED_MEMBER])
    access.rule_register(
        ENQUIRY, ENQUIRY_HANDLE, _area_or_unrouted_enquiries, roles=[Role.TEAM_MANAGER]
    )
    access.rule_register(ENQUIRY, ENQUIRY_HANDLE, _assigned_enquiries, roles=[Role.CASEWORKER])
    access.rule_register(
        ENQUIRY, ENQUIRY_TRIAGE, _area_or_unrouted_enquiries, roles=[Role.TEAM_MANAGER]
    )


def member_enquiries_for(user: User, action: str) -> QuerySet[MemberEnquiry]:
    return access.objects_for(user, ENQUIRY, action)


def member_enquiry_or_404(
    user: User, public_id: object, action: str, queryset: QuerySet[MemberEnquiry] | None = None
) -> MemberEnquiry:
    """The enquiry with this public id if the user may do `action` to it; otherwise 404."""
    enquiry: MemberEnquiry = access.object_or_404(
        user, ENQUIRY, action, queryset, public_id=public_id
    )
    return enquiry
