"""Who may see a request draft (the front door) and its evidence; registered with the access
policy's engine by `FamiliesConfig.ready`.

The person who started a draft sees it; for a school's request, the setting's staff and (for
their own pages) the invited family; for a family's own request, every family member of the
child. Submitted drafts stay visible so the confirmation page works.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from cases.access import DOCUMENT, DOCUMENT_VIEW
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from families.models import FamilyMembership, RequestDraft

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

DRAFT = "request_draft"
DRAFT_WORK = "request_draft.work"

FAMILY = (Role.PARENT, Role.YOUNG_PERSON)


def _draft_filter(user: User) -> Q:
    q = Q(created_by_id=user.pk)
    if user.role in FAMILY:
        # A subquery, not a join through the memberships: a draft is listed once without a
        # DISTINCT over every column of it (PostgreSQL took 2 ms more to plan each list).
        q |= Q(child_id__in=FamilyMembership.objects.filter(user_id=user.pk).values("child_id"))
    elif user.role == Role.SCHOOL and user.setting_id:
        q |= Q(route="school", setting_id=user.setting_id)
    return q


def _draft_evidence(user: User) -> Q:
    """Files not yet on a case: evidence in a draft the user works on. A parent invited to a
    school's request sees the school's files only if marked for them."""
    drafts = drafts_for(user)
    if user.role not in FAMILY:
        return Q(case__isnull=True, request_drafts__in=drafts.values("pk"))
    return (
        Q(case__isnull=True, request_drafts__in=drafts.exclude(route="school").values("pk"))
        | Q(case__isnull=True, uploaded_by_id=user.pk, request_drafts__in=drafts.values("pk"))
        | Q(
            case__isnull=True,
            family_visible=True,
            request_drafts__in=drafts.filter(route="school").values("pk"),
        )
    )


def register() -> None:
    access.subject_register(DRAFT, RequestDraft)
    access.rule_register(DRAFT, DRAFT_WORK, _draft_filter)
    access.rule_register(DOCUMENT, DOCUMENT_VIEW, _draft_evidence)


def drafts_for(user: User) -> QuerySet[RequestDraft]:
    return access.objects_for(user, DRAFT, DRAFT_WORK)


def draft_or_404(user: User, public_id: UUID | str) -> RequestDraft:
    draft = (
        drafts_for(user)
        .select_related("child", "case", "setting")
        .filter(public_id=public_id)
        .first()
    )
    if draft is None:
        raise Http404("No such request")
    return draft
