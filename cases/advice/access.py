"""Who may see and answer an advice request (reg 6, reg 8); registered with the access policy's
engine by `AdviceConfig.ready`.

Advice givers (and parents or settings asked for advice) see only the requests addressed to them,
to a team inbox they belong to or, for a school's staff, to their school or setting; caseworkers
and managers see the requests on the cases they may view. Everyone else sees none. Whoever gave
a piece of advice may read back the files they sent with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from cases.access import DOCUMENT, DOCUMENT_VIEW
from cases.advice.models import AdviceRequest, AdviceSource, AdviceTeam
from ehcp_portal import access
from ehcp_portal.accounts.models import Role

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

ADVICE_VIEW = "advice.view"  # read the request (and the advice once given)
ADVICE_RESPOND = "advice.respond"  # submit or decline: only whoever it is addressed to

STAFF = (Role.CASEWORKER, Role.TEAM_MANAGER)


def _addressed_to(user: User) -> Q:
    addressed = Q(addressee_id=user.pk) | Q(
        team_id__in=AdviceTeam.objects.filter(members=user).values("pk")
    )
    if user.role == Role.SCHOOL and user.setting_id is not None:
        # reg 6(1)(b): a request to a school or setting is for every member of its staff.
        addressed |= Q(setting_id=user.setting_id)
    return addressed


def advice_request_filter(user: User, action: str = ADVICE_VIEW) -> Q:
    if not user.is_authenticated or not user.is_active:
        return access.NOTHING
    addressed = _addressed_to(user)
    if action == ADVICE_RESPOND:
        return addressed
    if user.role in STAFF:
        return Q(case__in=access.cases_for(user, access.CASE_VIEW).values("pk"))
    if user.role == Role.ADMIN:
        return access.NOTHING
    return addressed


def advice_request_or_404(
    user: User, public_id: UUID | str, action: str = ADVICE_VIEW
) -> AdviceRequest:
    request = (
        AdviceRequest.objects.filter(advice_request_filter(user, action), public_id=public_id)
        .select_related("case", "case__child", "case__caseworker", "addressee", "team", "setting")
        .first()
    )
    if request is None:
        raise Http404("No such advice request")
    return request


def _own_advice_attachments(user: User) -> Q:
    """The person who submitted a piece of advice, or anyone the request is addressed to (named,
    team inbox, or the staff of the school or setting asked). Staff already see them through the
    case; families through family_visible."""
    if user.role in (*STAFF, Role.ADMIN):
        return access.NOTHING
    answered = AdviceRequest.objects.filter(
        advice_request_filter(user, ADVICE_RESPOND) | Q(responded_by_id=user.pk)
    )
    return Q(
        pk__in=AdviceRequest.attachments.through.objects.filter(
            advicerequest__in=answered.values("pk")
        ).values("document_id")
    )


# The party a family consents to share their request's evidence with, for each kind of advice
# (families.models.Consent). Advice with no matching party gets no evidence: only what the
# family agreed to share leaves the council.
CONSENT_PARTY_FOR_SOURCE: dict[str, str] = {
    AdviceSource.EDUCATIONAL_PSYCHOLOGIST: "ep",
    AdviceSource.HEALTH: "health",
    AdviceSource.SOCIAL_CARE: "social_care",
    AdviceSource.SETTING: "setting",
}


def consented_request_evidence(
    *, user: User | None = None, advice_request_ids: list[int] | None = None
) -> Q:
    """Evidence documents sent with the family's request, for the advice requests addressed to
    `user` (or the given ones) whose service the family consented to share with: an active
    Consent for the child and the service's party (for a school, that school)."""
    from families.models import Consent, RequestDraft

    asked = AdviceRequest.objects.all()
    if user is not None:
        asked = asked.filter(_addressed_to(user))
    if advice_request_ids is not None:
        asked = asked.filter(pk__in=advice_request_ids)
    consented = Q(pk__in=[])
    for source, party in CONSENT_PARTY_FOR_SOURCE.items():
        consent = Consent.objects.filter(
            child_id=OuterRef("case__child_id"), party=party, revoked_at__isnull=True
        )
        if party == "setting":
            consent = consent.filter(setting_id=OuterRef("setting_id"))
        consented |= Q(source=source) & Q(Exists(consent))
    cases = asked.filter(consented).values("case_id")
    return Q(
        pk__in=RequestDraft.documents.through.objects.filter(
            requestdraft__case_id__in=cases
        ).values("document_id")
    )


def _consented_evidence_for(user: User) -> Q:
    if user.role in (*STAFF, Role.ADMIN):
        return access.NOTHING  # staff see request evidence through the case
    return consented_request_evidence(user=user)


def register() -> None:
    access.rule_register(DOCUMENT, DOCUMENT_VIEW, _own_advice_attachments)
    access.rule_register(DOCUMENT, DOCUMENT_VIEW, _consented_evidence_for)
