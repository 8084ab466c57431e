"""Writes of the front door: children, drafts, their pages and evidence, the school's
invitation to the parent, and submission.

A request is a draft until it is submitted; submission opens exactly one case (cases.services.
case_open), which starts the statutory clock on the date the council received the request
(s.36 CFA 2014; reg 4(1) SEND Regulations 2014) and puts it in its area's unassigned queue.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.documents import document_store
from cases.models import Case, Document, Route, Setting
from cases.services import case_open
from cases.statutory import timeline
from ehcp_portal.accounts.models import FAMILY_ROLES, Role, User
from families import steps as flow
from families.choices import SETTING_HOME, SETTING_NONE
from families.models import Child, Consent, FamilyMembership, RequestDraft
from families.services._common import strip_nul as _strip_nul
from notifications.services import notification_queue, notification_queue_postal

INVITE_KEY = "_parent_invitation"  # in draft.answers: who the school's invitation went to

ROUTE_OF_DRAFT: dict[str, Route] = {
    RequestDraft.Route.FAMILY: Route.FAMILY,
    RequestDraft.Route.SCHOOL: Route.SCHOOL,
    RequestDraft.Route.ASSISTED: Route.ASSISTED,
}


class RequestIncomplete(Exception):
    """Submission refused: `problems` are plain-English reasons, `steps` the pages to fix."""

    def __init__(self, problems: list[str], steps: list[flow.Step] | None = None) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.steps = steps or []


class InviteRefused(Exception):
    pass


# --- Children and drafts ------------------------------------------------------------------------


@transaction.atomic
def child_add(*, user: User, first_name: str, last_name: str, date_of_birth: date) -> Child:
    child = Child.objects.create(
        first_name=first_name.strip(), last_name=last_name.strip(), date_of_birth=date_of_birth
    )
    relationship = (
        FamilyMembership.Relationship.SELF
        if user.role == Role.YOUNG_PERSON
        else FamilyMembership.Relationship.PARENT
    )
    FamilyMembership.objects.create(user=user, child=child, relationship=relationship)
    return child


def _answers_from_child(child: Child) -> dict[str, dict[str, Any]]:
    """Pre-fill the child pages from what we already know."""
    now = timezone.now().isoformat()
    answers: dict[str, dict[str, Any]] = {
        "child-name": {"data": {"first_name": [child.first_name], "last_name": [child.last_name]}},
        "child-dob": {
            "data": {
                "date_of_birth_0": [str(child.date_of_birth.day)],
                "date_of_birth_1": [str(child.date_of_birth.month)],
                "date_of_birth_2": [str(child.date_of_birth.year)],
            }
        },
    }
    if child.address and child.postcode:
        answers["child-address"] = {
            "data": {"address": [child.address], "postcode": [child.postcode]}
        }
    for entry in answers.values():
        entry["at"] = now
    return answers


@transaction.atomic
def request_draft_start(
    *, user: User, route: str, child: Child | None = None, setting: Setting | None = None
) -> RequestDraft:
    if route == RequestDraft.Route.FAMILY and child is not None:
        existing = (
            RequestDraft.objects.filter(child=child, route=route, case__isnull=True)
            .order_by("-updated_at")
            .first()
        )
        if existing is not None:
            return existing  # one open draft per child: resume it rather than start again
    return RequestDraft.objects.create(
        route=route,
        created_by=user,
        child=child,
        setting=setting,
        answers=_answers_from_child(child) if child is not None else {},
    )


def request_step_save(
    *, draft: RequestDraft, step: flow.Step, data: dict[str, list[str]], user: User
) -> RequestDraft:
    """Keep what was typed on a page, valid or not; the page re-shows it from here."""
    clean = {
        _strip_nul(k): [_strip_nul(v) for v in values]
        for k, values in data.items()
        if k not in ("csrfmiddlewaretoken", "next", "save_later", "signout")
    }
    with transaction.atomic():
        locked = RequestDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.case_id:
            return locked
        locked.answers[step.slug] = {
            "data": clean,
            "by": user.pk,
            "at": timezone.now().isoformat(),
        }
        fields = ["answers", "updated_at"]
        if step.slug == "parent-told":
            form = flow.bound_form(locked, step, user)
            if form.is_valid():
                locked.parent_told_on = form.cleaned_data["told_on"]
                locked.parent_told_how = form.cleaned_data["told_how"]
            else:
                locked.parent_told_on, locked.parent_told_how = None, ""
            fields += ["parent_told_on", "parent_told_how"]
        locked.save(update_fields=fields)
    draft.answers = locked.answers
    draft.parent_told_on, draft.parent_told_how = locked.parent_told_on, locked.parent_told_how
    return draft


@transaction.atomic
def request_evidence_add(*, draft: RequestDraft, upload: UploadedFile, user: User) -> Document:
    """Raises django ValidationError with the GOV.UK message when the file is refused."""
    locked = RequestDraft.objects.select_for_update().get(pk=draft.pk)
    if locked.case_id:
        raise ValidationError("This request has already been sent", code="submitted")
    document = document_store(
        upload=upload,
        kind=Document.Kind.EVIDENCE,
        uploaded_by=user,
        family_visible=locked.route != RequestDraft.Route.SCHOOL or user.is_family,
    )
    locked.documents.add(document)
    locked.answers.setdefault("evidence", {"data": {}})["at"] = timezone.now().isoformat()
    locked.save(update_fields=["answers", "updated_at"])
    draft.answers = locked.answers
    return document


@transaction.atomic
def request_evidence_remove(*, draft: RequestDraft, public_id: Any) -> bool:
    document = draft.documents.filter(public_id=public_id, case__isnull=True).first()
    if document is None:
        return False
    draft.documents.remove(document)
    document.file.delete(save=False)
    document.delete()
    return True


# --- School route: the parent must know -----------------------------------------------------------


def _child_from_answers(cleaned: dict[str, dict[str, Any]], child: Child | None) -> Child:
    child = child or Child()
    name = cleaned.get("child-name", {})
    if name:
        child.first_name = name["first_name"].strip()
        child.last_name = name["last_name"].strip()
    if "child-dob" in cleaned:
        child.date_of_birth = cleaned["child-dob"]["date_of_birth"]
    if "child-address" in cleaned:
        child.address = cleaned["child-address"]["address"].strip()
        child.postcode = cleaned["child-address"]["postcode"]
    if "child-identity" in cleaned:
        child.sex = cleaned["child-identity"]["sex"]
        child.ethnicity = cleaned["child-identity"]["ethnicity"]
    if "child-pupil-number" in cleaned:
        # A number known already (from a school or an earlier request) is not wiped by a blank.
        child.upn = cleaned["child-pupil-number"]["upn"] or child.upn
        child.uln = cleaned["child-pupil-number"]["uln"] or child.uln
    if "child-language" in cleaned:
        child.home_language = cleaned["child-language"]["home_language"].strip()
    if "child-looked-after" in cleaned:
        child.looked_after = cleaned["child-looked-after"]["looked_after"] == "yes"
    if "child-year-group" in cleaned:
        child.year_group = cleaned["child-year-group"]["year_group"]
    return child


@transaction.atomic
def request_parent_invite(*, draft: RequestDraft, user: User) -> User:
    """Email the parent named on a school's request, linking them to the child so they can add
    their views and consent. Needs the child's name and date of birth."""
    draft = RequestDraft.objects.select_for_update().get(pk=draft.pk)
    steps = [flow.BY_SLUG[s] for s in ("child-name", "child-dob", "parent-contact")]
    cleaned, problems = flow.cleaned_answers(draft, user, steps)
    if problems:
        raise InviteRefused(
            "Answer the child's name, date of birth and the parent's details before inviting "
            "the parent."
        )
    contact = cleaned["parent-contact"]
    email = contact["parent_email"].strip().lower()
    parent = User.objects.filter(email__iexact=email).first()
    if parent is None:
        parent = User(email=email, full_name=contact["parent_name"].strip(), role=Role.PARENT)
        parent.set_unusable_password()  # they set one through "forgotten password"
        parent.save()
    elif parent.role not in FAMILY_ROLES:
        raise InviteRefused(
            "That email address belongs to an account that is not a parent's. Use the parent's "
            "own email address."
        )
    if draft.child_id is None:
        numbers, _ = flow.cleaned_answers(draft, user, [flow.BY_SLUG["child-pupil-number"]])
        known = child_known_by_upn(draft, {**cleaned, **numbers})
        child = _child_from_answers(cleaned, known)
        child.setting = draft.setting
        child.save()
        draft.child = child
    assert draft.child is not None  # created just above when the draft had none
    previous = draft.answers.get(INVITE_KEY) or {}
    previous_membership = previous.get("membership")
    if (
        previous.get("email") not in (None, email)
        and previous.get("membership_created")
        and previous_membership is not None
    ):
        # The school corrected the address: whoever the first invitation linked to the child
        # (a typo can be someone else's account) must not keep access to this child.
        FamilyMembership.objects.filter(pk=previous_membership).delete()
    membership, created = FamilyMembership.objects.get_or_create(
        user=parent,
        child=draft.child,
        defaults={"relationship": FamilyMembership.Relationship.PARENT},
    )
    draft.answers[INVITE_KEY] = {
        "email": email,
        "user": parent.pk,
        "membership": membership.pk,
        "membership_created": created or previous.get("membership") == membership.pk,
    }
    draft.parent_invited_at = timezone.now()
    draft.save(update_fields=["child", "answers", "parent_invited_at", "updated_at"])
    school = draft.setting.name if draft.setting else "Your child's school"
    first_step = next(s for s in flow.STEPS if s.family_part)
    link = reverse("families:request_step", args=[draft.public_id, first_step.slug])
    notification_queue(
        recipient=parent,
        purpose="school_request_invite",
        event_key=f"draft:{draft.pk}:invite:{draft.parent_invited_at:%Y%m%d%H%M%S}",
        subject=f"{school} is asking for an EHC needs assessment for {draft.child.first_name}",
        body=(
            f"{school} is asking {settings.COUNCIL_NAME} to carry out an education, health and "
            f"care (EHC) needs assessment for {draft.child.full_name}.\n\n"
            "Please add your views and your child's views, and tell us who we may share "
            "information with. If you do not have an account yet, use 'Forgotten your password?' "
            f"on the sign-in page with this email address ({email}) to set one."
        ),
        link=link,
        statutory=True,
    )
    return parent


# --- Submission ---------------------------------------------------------------------------------


def _consents_create(
    *,
    child: Child,
    parties: list[str],
    given_by: User,
    setting: Setting | None,
    detail: str,
    other_agency: str = "",
) -> None:
    active = set(
        Consent.objects.filter(child=child, revoked_at__isnull=True).values_list("party", flat=True)
    )
    Consent.objects.bulk_create(
        [
            Consent(
                child=child,
                party=party,
                setting=setting if party == Consent.Party.SETTING else None,
                detail=(f"{other_agency}. {detail}" if party == Consent.Party.OTHER else detail)[
                    :200
                ],
                given_by=given_by,
            )
            for party in parties
            if party not in active
        ]
    )


def _problem_messages(draft: RequestDraft, problems: list[flow.Step]) -> list[str]:
    return [f"{step.title}: answer or correct this page" for step in problems]


def child_known_by_upn(draft: RequestDraft, cleaned: dict[str, dict[str, Any]]) -> Child | None:
    """The child the council already knows, when a school or caseworker gives their UPN (its
    check letter already validated by the form) and the same date of birth: a second record
    would split the child's history. Not for a family's own request: knowing a child's UPN and
    birthday must never make someone a member of that child's family."""
    upn = cleaned.get("child-pupil-number", {}).get("upn")
    born = cleaned.get("child-dob", {}).get("date_of_birth")
    if draft.route == RequestDraft.Route.FAMILY or not upn or born is None:
        return None
    return Child.objects.filter(upn=upn, date_of_birth=born).order_by("pk").first()


@transaction.atomic
def request_submit(*, draft: RequestDraft, user: User) -> tuple[Case, bool]:
    """Turn the draft into its case. Returns (case, created). A second submission of the same
    draft — a double-click, a retry, the back button — returns the case the first one made."""
    draft = (
        RequestDraft.objects.select_for_update(of=("self",))
        .select_related("child", "setting")
        .get(pk=draft.pk)
    )
    if draft.case_id is not None:
        return Case.objects.get(pk=draft.case_id), False

    owner_steps = [
        s
        for s in flow.STEPS
        if draft.route in s.routes and not (draft.route == flow.SCHOOL and s.family_part)
    ]
    cleaned, problems = flow.cleaned_answers(draft, user, owner_steps)
    messages = _problem_messages(draft, problems)
    if draft.route == RequestDraft.Route.SCHOOL:
        # CoP 9.9: a school's request is made with the parent's knowledge.
        if draft.parent_told_on is None:
            messages.append(
                "You cannot submit this request until you have told the parent or carer. "
                "Record when and how you told them."
            )
        family_steps = [s for s in flow.STEPS if s.family_part and draft.route in s.routes]
        family_cleaned, _ = flow.cleaned_answers(draft, user, family_steps)
        cleaned.update(family_cleaned)
    if messages:
        raise RequestIncomplete(messages, problems)

    received_on = timezone.localdate()
    channel = "online"
    request_source = ""  # the case's route says who asked (cases.services.case_prepare)
    if draft.route == RequestDraft.Route.ASSISTED:
        received_on = cleaned["received"]["received_on"]
        channel = cleaned["received"]["channel"]
        request_source = cleaned["received"]["request_source"]

    child = _child_from_answers(cleaned, draft.child or child_known_by_upn(draft, cleaned))
    if draft.route == RequestDraft.Route.SCHOOL:
        child.setting = draft.setting
    elif "setting" in cleaned:
        choice = cleaned["setting"]["setting"]
        child.setting = (
            None
            if choice in (SETTING_NONE, SETTING_HOME)
            else Setting.objects.filter(pk=choice).first()
        )
    child.save()

    if draft.route == RequestDraft.Route.FAMILY:
        FamilyMembership.objects.get_or_create(
            user=user,
            child=child,
            defaults={"relationship": cleaned["parents"]["relationship"]},
        )

    needs = [cleaned["needs-primary"]["primary_need"]] + list(
        cleaned.get("needs-secondary", {}).get("secondary_needs", [])
    )
    case = case_open(
        child=child,
        received_on=received_on,
        route=ROUTE_OF_DRAFT[draft.route],
        channel=channel,
        needs=needs,
        requested_by=user,
        actor=user,
        request_source=request_source,
        data={
            "route": draft.route,
            "channel": channel,
            "received_on": received_on.isoformat(),
            "draft": str(draft.public_id),
            "parent_told_on": draft.parent_told_on.isoformat() if draft.parent_told_on else None,
            "parent_told_how": draft.parent_told_how,
        },
    )

    draft.case = case
    draft.child = child
    draft.submitted_at = timezone.now()
    # The record of what was sent, as the case page shows it (`request_answers_for_case`).
    draft.sections_sent = flow.answer_sections(draft, user, flow.steps_of_route(draft.route))
    draft.save(update_fields=["case", "child", "submitted_at", "sections_sent", "updated_at"])
    Document.objects.filter(request_drafts=draft, case__isnull=True).update(case=case)

    if "consent" in cleaned and cleaned["consent"]["parties"]:
        consent_by = user
        detail = "Given in the request for an assessment"
        consent_answer = draft.answers.get("consent", {})
        if draft.route == RequestDraft.Route.SCHOOL:
            consent_by = User.objects.filter(pk=consent_answer.get("by")).first() or user
        elif draft.route == RequestDraft.Route.ASSISTED:
            detail = f"Given on the {channel} request; recorded by {user.get_full_name()}"
        _consents_create(
            child=child,
            parties=list(cleaned["consent"]["parties"]),
            given_by=consent_by,
            setting=child.setting,
            detail=detail,
            other_agency=cleaned["consent"].get("other_agency", ""),
        )

    decision_due = timeline(received_on)["decision_to_assess"]
    _notify_family_received(case=case, decision_due=decision_due)
    return case, True


def _family_members(child: Child) -> list[User]:
    return list(
        User.objects.filter(memberships__child=child, is_active=True, role__in=FAMILY_ROLES)
    )


def _notify_family_received(*, case: Case, decision_due: date) -> None:
    message: dict[str, Any] = {
        "purpose": "request_received",
        "event_key": f"case:{case.pk}:received",
        "subject": f"We have received your request {case.reference}",
        "body": (
            f"We received the request for an EHC needs assessment for "
            f"{case.child.full_name} on {case.received_on:%-d %B %Y}. Your reference is "
            f"{case.reference}.\n\nWe must tell you whether we will carry out an assessment "
            f"by {decision_due:%-d %B %Y}."
        ),
        "link": reverse("families:track", args=[case.reference]),
        "statutory": True,
        "case": case,
    }
    members = _family_members(case.child)
    if not members:
        # A paper or phone request from a family with no account: the acknowledgement is posted.
        notification_queue_postal(**message)
    for member in members:
        notification_queue(recipient=member, **message)


def request_invited_email(draft: RequestDraft) -> str:
    return (draft.answers.get(INVITE_KEY) or {}).get("email", "")
