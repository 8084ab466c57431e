"""Reads on advice requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case as SqlCase
from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Value, When

from cases.advice import access as advice_access
from cases.advice.models import AdviceRequest, AdviceSource, AdviceTeam
from cases.models import Document, Setting
from ehcp_portal.accounts.models import Role, User

if TYPE_CHECKING:
    from cases.models import Case


def advice_requests_for_case(case: Case) -> list[AdviceRequest]:
    """Every request on a case, for the caseworker's case page (one query)."""
    return list(
        AdviceRequest.objects.filter(case=case)
        .select_related("addressee", "team", "setting")
        .order_by("source", "id")
    )


def advice_requests_addressed_to(user: User) -> QuerySet[AdviceRequest]:
    """An advice giver's inbox: open requests first, soonest due first."""
    return (
        AdviceRequest.objects.filter(
            advice_access.advice_request_filter(user, advice_access.ADVICE_RESPOND)
        )
        .select_related("case", "case__child", "team", "setting")
        .annotate(
            answered=SqlCase(
                When(state__in=AdviceRequest.OPEN_STATES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("answered", "due_on", "id")
    )


def _setting_choices(case: Case) -> list[tuple[str, str]]:
    """Educational advice (reg 6(1)(b)): the child's own school or setting first, then every
    other setting whose staff can sign in to answer."""
    staffed = Setting.objects.filter(
        Exists(User.objects.filter(role=Role.SCHOOL, is_active=True, setting_id=OuterRef("pk")))
    ).exclude(pk=case.child.setting_id or 0)
    own = [(f"s{case.child.setting_id}", f"{case.child.setting} (the child's school)")]
    return (own if case.child.setting_id else []) + [(f"s{s.pk}", s.name) for s in staffed]


def advice_addressee_choices(case: Case) -> dict[str, list[tuple[str, str]]]:
    """Who each kind of advice may be asked of: team inboxes and advice givers; the family for
    parental advice; the child's school or setting first, then other settings, for the
    setting's educational advice."""
    teams = [(f"t{t.pk}", f"{t.name} (team inbox)") for t in AdviceTeam.objects.all()]
    givers = [
        (f"u{u.pk}", f"{u}{', ' + u.organisation if u.organisation else ''}")
        for u in User.objects.filter(role=Role.ADVICE_GIVER, is_active=True)
    ]
    family = [
        (f"u{u.pk}", f"{u} (family)")
        for u in User.objects.filter(memberships__child_id=case.child_id, is_active=True)
    ]
    setting_options = _setting_choices(case)
    choices: dict[str, list[tuple[str, str]]] = {}
    for source in AdviceSource.values:
        options = list(teams)
        if source == AdviceSource.PARENT:
            options = family + options
        elif source == AdviceSource.SETTING:
            options = setting_options + options
        else:
            options = options + givers
        choices[source] = options
    return choices


def advice_received_for_plan(case: Case) -> list[AdviceRequest]:
    """The advice received on a case, in the order of the sources, to draft the plan from
    (needs feed sections B-D, outcomes section E, provision sections F-H; the advice itself is
    listed in section K)."""
    return list(
        AdviceRequest.objects.filter(case=case, state=AdviceRequest.State.RECEIVED)
        .select_related("addressee", "team", "responded_by")
        .prefetch_related("attachments")
        .order_by("source", "responded_on", "id")
    )


@dataclass
class FamilyContact:
    name: str
    relationship: str
    email: str
    phone: str


@dataclass
class AdviceBrief:
    """What an advice giver needs to assess the child (reg 6), and nothing more."""

    school: Setting | None
    contacts: list[FamilyContact]
    needs_description: str
    support_in_place: str
    evidence: list[Document]
    evidence_consented: bool


def advice_evidence(advice_request: AdviceRequest) -> list[Document]:
    """The request's evidence the family consented to share with this advice giver's service;
    the same documents the access policy lets them download (advice_access)."""
    return list(
        Document.objects.filter(
            advice_access.consented_request_evidence(advice_request_ids=[advice_request.pk])
        ).order_by("pk")
    )


def advice_brief(advice_request: AdviceRequest) -> AdviceBrief:
    """In four queries: the family, the request's answers, the consent and its evidence."""
    from families.models import FamilyMembership, RequestDraft

    case = advice_request.case
    child = case.child
    family = (
        FamilyMembership.objects.filter(
            child_id=child.pk,
            relationship__in=[
                FamilyMembership.Relationship.PARENT,
                FamilyMembership.Relationship.CARER,
                FamilyMembership.Relationship.SELF,
                FamilyMembership.Relationship.CORPORATE_PARENT,
            ],
        )
        .select_related("user")
        .order_by("pk")
    )
    contacts = [
        FamilyContact(
            name=m.user.get_full_name() or "",
            relationship=m.get_relationship_display(),
            # A phone-only account signs in with a placeholder address: not a way to reach them.
            email="" if m.user.email.endswith(".invalid") else m.user.email,
            phone=m.user.phone,
        )
        for m in family
    ]
    draft = RequestDraft.objects.filter(case_id=case.pk).only("answers").first()
    answers = draft.answers if draft is not None else {}

    def answer(slug: str, field: str) -> str:
        return str(((answers.get(slug) or {}).get("data") or {}).get(field) or "")

    evidence = advice_evidence(advice_request)
    return AdviceBrief(
        school=child.setting,
        contacts=contacts,
        needs_description=answer("needs-description", "needs_description"),
        support_in_place=answer("support", "support_in_place"),
        evidence=evidence,
        evidence_consented=advice_request.source in advice_access.CONSENT_PARTY_FOR_SOURCE,
    )


def advice_received_for_family(case_id: int) -> QuerySet[AdviceRequest]:
    """The advice received on a case, which the family gets with the draft plan (one query)."""
    return AdviceRequest.objects.filter(
        case_id=case_id, state=AdviceRequest.State.RECEIVED
    ).order_by("responded_on", "pk")
