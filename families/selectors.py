from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Prefetch, Q, QuerySet

from cases.models import Case, Document, Message
from families.access import drafts_for
from families.models import Child, Consent, RequestDraft

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


def children_of(user: User) -> QuerySet[Child]:
    """The children this family member is linked to, each with their cases."""
    return (
        Child.objects.filter(memberships__user_id=user.pk)
        .prefetch_related(
            Prefetch(
                "cases", queryset=Case.objects.select_related("caseworker").order_by("-received_on")
            )
        )
        .order_by("first_name")
    )


def drafts_open_for(user: User) -> QuerySet[RequestDraft]:
    """Requests this user may still work on, most recently touched first."""
    return (
        drafts_for(user)
        .filter(case__isnull=True)
        .select_related("child", "setting", "created_by")
        .order_by("-updated_at")
    )


def drafts_submitted_by_setting(user: User) -> QuerySet[RequestDraft]:
    return (
        drafts_for(user)
        .filter(case__isnull=False)
        .select_related("child", "case")
        .order_by("-submitted_at")
    )


def tracker_documents(case: Case) -> QuerySet[Document]:
    """Letters, plans and files the family may download (never staff-only papers)."""
    return case.documents.filter(family_visible=True).order_by("-created_at")


def tracker_messages(case: Case) -> QuerySet[Message]:
    return case.messages.select_related("sender", "attachment").order_by("created_at", "id")


def consents_for_child(child: Child) -> QuerySet[Consent]:
    return child.consents.select_related("given_by", "revoked_by", "setting").order_by(
        "revoked_at", "-given_at"
    )


def request_answers_for_case(case: Case, user: User) -> list[dict]:
    """What the request said (every page, whoever answered it), for the staff case page.

    Empty for cases that did not come through the front door (imports, demo data). Callers check
    access to the case first; this reads only the request behind it.
    """
    from families import steps as flow

    sent = RequestDraft.objects.filter(case=case).values_list("pk", "sections_sent").first()
    if sent is None:
        return []
    if sent[1] is not None:  # the record kept when it was sent
        return sent[1]
    # Sent before the record was kept: read from the answers once, and kept from then on.
    draft = RequestDraft.objects.prefetch_related("documents").get(pk=sent[0])
    sections = flow.answer_sections(draft, user, flow.steps_of_route(draft.route))
    RequestDraft.objects.filter(pk=draft.pk, sections_sent__isnull=True).update(
        sections_sent=sections
    )
    return sections


def plan_for_tracker(case: Case) -> Model | None:
    """The case's plan through the reverse one-to-one (`case.plan`), or None before there is
    one. Through the relation, so the families app reads it without importing cases.plans;
    the tracker's case query select_related's it."""
    try:
        return case.plan
    except ObjectDoesNotExist:
        return None


# -- the access log's look-ups (registered with ehcp_portal.audit in FamiliesConfig.ready) ---


def child_ids_named(text: str) -> QuerySet[Child, Any]:
    """The ids of the children whose first or last name holds every word of `text`."""
    words = text.split()[:4]
    if not words:
        return Child.objects.none().values("pk")
    match = Q()
    for word in words:
        match &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return Child.objects.filter(match).values("pk")


def child_names_by_id(ids: Collection[int]) -> dict[int, str]:
    return {
        pk: f"{first} {last}"
        for pk, first, last in Child.objects.filter(pk__in=list(ids)).values_list(
            "pk", "first_name", "last_name"
        )
    }
