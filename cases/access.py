"""Who may see and work on a case and its documents; registered with the access policy's engine
(`ehcp_portal.access`) by `CasesConfig.ready`. Other apps add their own rules for cases (panel
members, elected members) and documents (draft evidence, advice attachments) the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from cases.models import Case, Document
from ehcp_portal import access
from ehcp_portal.accounts.models import Role

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

DOCUMENT = "document"
DOCUMENT_VIEW = "document.view"

STAFF = (Role.CASEWORKER, Role.TEAM_MANAGER)
FAMILY = (Role.PARENT, Role.YOUNG_PERSON)


def _own_caseload_or_team(user: User) -> Q:
    q = Q(caseworker_id=user.pk)
    if user.team_id:
        q |= Q(team_id=user.team_id)
    return q


def _managers_area(user: User) -> Q:
    area_id = access.user_area_id(user)
    return Q(area_id=area_id) if area_id else access.NOTHING


def _council_triage(user: User) -> Q:
    # A case no rule could place (a postcode outside every configured area) belongs to no area,
    # so no area rule reaches it: every team manager sees it in the council-wide triage queue
    # until one of them places it. Nobody is accountable for a case nobody can open.
    return Q(area__isnull=True)


def _council_wide(user: User) -> Q:
    # The head of service answers for the whole council's service: every area's cases, to read.
    return Q()


def _entered_before_placed(user: User) -> Q:
    # The caseworker who took a paper or phone request can still open it while it waits in
    # triage, to answer the family's call about it.
    return Q(area__isnull=True, requested_by_id=user.pk)


def _family(user: User) -> Q:
    return Q(child__memberships__user_id=user.pk)


def _documents_of_viewable_cases(user: User) -> Q:
    # Staff who may view a case see all its documents; the family only those marked for them.
    return Q(case__in=access.cases_for(user, access.CASE_VIEW).values("pk")) | Q(
        family_visible=True, case__in=access.cases_for(user, access.CASE_TRACK).values("pk")
    )


def register() -> None:
    access.subject_register(access.CASE, Case)
    access.rule_register(
        access.CASE, access.CASE_VIEW, _own_caseload_or_team, roles=[Role.CASEWORKER]
    )
    access.rule_register(access.CASE, access.CASE_VIEW, _managers_area, roles=[Role.TEAM_MANAGER])
    access.rule_register(
        access.CASE, access.CASE_WORK, _own_caseload_or_team, roles=[Role.CASEWORKER]
    )
    access.rule_register(access.CASE, access.CASE_WORK, _managers_area, roles=[Role.TEAM_MANAGER])
    access.rule_register(
        access.CASE, access.CASE_REASSIGN, _managers_area, roles=[Role.TEAM_MANAGER]
    )
    for action in (access.CASE_VIEW, access.CASE_WORK, access.CASE_REASSIGN):
        access.rule_register(access.CASE, action, _council_triage, roles=[Role.TEAM_MANAGER])
    access.rule_register(
        access.CASE, access.CASE_VIEW, _entered_before_placed, roles=[Role.CASEWORKER]
    )
    access.rule_register(access.CASE, access.CASE_VIEW, _council_wide, roles=[Role.HEAD_OF_SERVICE])
    access.rule_register(access.CASE, access.CASE_TRACK, _family, roles=FAMILY)

    access.subject_register(DOCUMENT, Document, distinct=True)
    access.rule_register(DOCUMENT, DOCUMENT_VIEW, _documents_of_viewable_cases)


def documents_for(user: User) -> QuerySet[Document]:
    """Every document the user may read: from the cases they may see, the drafts they work on
    and the advice they gave (rules registered by cases, families and advice)."""
    return access.objects_for(user, DOCUMENT, DOCUMENT_VIEW)


def document_or_404(user: User, public_id: UUID | str) -> Document:
    # The case rides along: the download records the read against it (the access log).
    document = documents_for(user).select_related("case").filter(public_id=public_id).first()
    if document is None:
        raise Http404("No such document")
    return document
