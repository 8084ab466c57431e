"""Writes of the front door and the family tracker.

A request is a draft until it is submitted; submission creates exactly one case, starts the
statutory clock on the date the council received the request (s.36 CFA 2014; reg 4(1) SEND
Regulations 2014) and puts the case in its area's unassigned queue.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.documents import document_store
from cases.models import Area, Case, Document, Message, Route, Setting, Stage
from cases.services import case_event_record, case_reference_next, case_refresh_deadline
from cases.statutory import timeline
from cases.workflow import case_transition
from ehcp_portal.accounts.models import FAMILY_ROLES, Role, User
from ehcp_portal.db import json_list_has
from families import steps as flow
from families.forms import SETTING_HOME, SETTING_NONE, postcode_district
from families.models import Child, ClaimCode, Consent, FamilyMembership, RequestDraft
from notifications.services import notification_queue

logger = logging.getLogger(__name__)

CLAIM_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CLAIM_CODE_LENGTH = 12
CLAIM_CODE_DAYS = 90
CLAIM_MAX_FAILURES = 5
INVITE_KEY = "_parent_invitation"  # in draft.answers: who the school's invitation went to


class RequestIncomplete(Exception):
    """Submission refused: `problems` are plain-English reasons, `steps` the pages to fix."""

    def __init__(self, problems: list[str], steps: list[flow.Step] | None = None) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.steps = steps or []


class ClaimRefused(Exception):
    pass


class InviteRefused(Exception):
    pass


def _strip_nul(value: str) -> str:
    # PostgreSQL rejects NUL in text and JSON: remove it at the boundary.
    return value.replace("\x00", "")


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
        child = _child_from_answers(cleaned, None)
        child.setting = draft.setting
        child.save()
        draft.child = child
    assert draft.child is not None  # created just above when the draft had none
    previous = draft.answers.get(INVITE_KEY) or {}
    if previous.get("email") not in (None, email) and previous.get("membership_created"):
        # The school corrected the address: whoever the first invitation linked to the child
        # (a typo can be someone else's account) must not keep access to this child.
        FamilyMembership.objects.filter(pk=previous["membership"]).delete()
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


def _area_for(postcode: str) -> Area | None:
    district = postcode_district(postcode)
    if not district:
        return None
    return (
        Area.objects.filter(json_list_has("postcode_districts", district)).order_by("name").first()
    )


def _hand_to_assignment(case: Case) -> None:
    """Assign a caseworker by the business rules (cases.assignment) at once. A failure there
    must not lose the family's request: the case stays in the area's unassigned queue, the error
    is logged, and the assignment sweep picks the case up again."""
    from cases.assignment import case_assign

    try:
        with transaction.atomic():
            case_assign(case=case)
    except Exception:  # the request is received whatever assignment does
        logger.exception("Assignment failed for %s; it stays in the unassigned queue", case)


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

    today = timezone.localdate()
    received_on = today
    channel = "online"
    if draft.route == RequestDraft.Route.ASSISTED:
        received_on = cleaned["received"]["received_on"]
        channel = cleaned["received"]["channel"]

    child = _child_from_answers(cleaned, draft.child)
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

    area = _area_for(child.postcode)
    team = area.teams.order_by("name").first() if area else None
    needs = [cleaned["needs-primary"]["primary_need"]] + list(
        cleaned.get("needs-secondary", {}).get("secondary_needs", [])
    )
    case = Case(
        reference=case_reference_next(year=received_on.year),
        child=child,
        received_on=received_on,
        route={
            RequestDraft.Route.FAMILY: Route.FAMILY,
            RequestDraft.Route.SCHOOL: Route.SCHOOL,
            RequestDraft.Route.ASSISTED: Route.ASSISTED,
        }[RequestDraft.Route(draft.route)],
        channel=channel,
        stage=Stage.RECEIVED,
        is_open=True,
        area=area,
        team=team,
        caseworker=None,
        requested_by=user,
        needs=needs,
    )
    case_refresh_deadline(case=case, today=today)
    case.save()

    draft.case = case
    draft.child = child
    draft.submitted_at = timezone.now()
    draft.save(update_fields=["case", "child", "submitted_at", "updated_at"])
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
    case_event_record(
        case=case,
        kind="request_received",
        summary="We received the request for an EHC needs assessment",
        actor=user,
        family_visible=True,
        data={
            "route": draft.route,
            "channel": channel,
            "received_on": received_on.isoformat(),
            "draft": str(draft.public_id),
            "parent_told_on": draft.parent_told_on.isoformat() if draft.parent_told_on else None,
            "parent_told_how": draft.parent_told_how,
        },
    )
    _hand_to_assignment(case)
    _notify_family_received(case=case, decision_due=decision_due)
    return case, True


def _family_members(child: Child) -> list[User]:
    return list(
        User.objects.filter(memberships__child=child, is_active=True, role__in=FAMILY_ROLES)
    )


def _notify_family_received(*, case: Case, decision_due: date) -> None:
    for member in _family_members(case.child):
        notification_queue(
            recipient=member,
            purpose="request_received",
            event_key=f"case:{case.pk}:received",
            subject=f"We have received your request {case.reference}",
            body=(
                f"We received the request for an EHC needs assessment for "
                f"{case.child.full_name} on {case.received_on:%-d %B %Y}. Your reference is "
                f"{case.reference}.\n\nWe must tell you whether we will carry out an assessment "
                f"by {decision_due:%-d %B %Y}."
            ),
            link=reverse("families:track", args=[case.reference]),
            statutory=True,
            case=case,
        )


# --- Assisted digital: claim codes ---------------------------------------------------------------


def _code_normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _code_hash(code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), _code_normalise(code).encode(), hashlib.sha256
    ).hexdigest()


@transaction.atomic
def claim_code_issue(*, case: Case, user: User) -> str:
    """A new one-time code for the family's letter; any earlier unused code stops working."""
    now = timezone.now()
    ClaimCode.objects.filter(case=case, used_at__isnull=True, voided_at__isnull=True).update(
        voided_at=now
    )
    code = "".join(secrets.choice(CLAIM_CODE_ALPHABET) for _ in range(CLAIM_CODE_LENGTH))
    ClaimCode.objects.create(
        case=case,
        code_hash=_code_hash(code),
        created_by=user,
        expires_at=now + timedelta(days=CLAIM_CODE_DAYS),
    )
    case_event_record(
        case=case,
        kind="claim_code_issued",
        summary="A claim code was issued for the family's letter",
        actor=user,
    )
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


CLAIM_REFUSED = (
    "The reference, claim code and date of birth do not match a request we hold, or the code "
    "has expired. Check the letter, or contact us for a new code."
)


def case_claim(*, user: User, reference: str, code: str, date_of_birth: date) -> Case:
    """Link a family account to an assisted-digital case. Every failure gives the same message,
    so the form reveals nothing about which part was wrong."""
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.select_related("child").filter(reference=reference.upper()).first()
        claim = None
        if case is not None:
            claim = (
                ClaimCode.objects.select_for_update()
                .filter(case=case, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=now)
                .order_by("-created_at")
                .first()
            )
        if claim is None or case is None:
            raise ClaimRefused(CLAIM_REFUSED)
        matches = hmac.compare_digest(claim.code_hash, _code_hash(code)) and (
            case.child.date_of_birth == date_of_birth
        )
        if not matches:
            claim.failed_attempts += 1
            fields = ["failed_attempts"]
            if claim.failed_attempts >= CLAIM_MAX_FAILURES:
                claim.voided_at = now  # guessing stops here: the family asks for a new letter
                fields.append("voided_at")
            claim.save(update_fields=fields)
            failed = True
        else:
            failed = False
            claim.used_at, claim.used_by = now, user
            claim.save(update_fields=["used_at", "used_by"])
            relationship = (
                FamilyMembership.Relationship.SELF
                if user.role == Role.YOUNG_PERSON
                else FamilyMembership.Relationship.PARENT
            )
            FamilyMembership.objects.get_or_create(
                user=user, child=case.child, defaults={"relationship": relationship}
            )
            case_event_record(
                case=case,
                kind="family_claimed",
                summary="The family linked the request to their online account",
                actor=user,
                family_visible=True,
            )
    if failed:
        raise ClaimRefused(CLAIM_REFUSED)
    return case


# --- The tracker: consents, messages, withdrawal ---


@transaction.atomic
def consent_revoke(*, consent: Consent, user: User) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_at is None:
        consent.revoked_at = timezone.now()
        consent.revoked_by = user
        consent.save(update_fields=["revoked_at", "revoked_by"])
        for case in consent.child.cases.filter(is_open=True):
            case_event_record(
                case=case,
                kind="consent_revoked",
                summary=f"Consent to share with {consent.get_party_display()} was withdrawn",
                actor=user,
                family_visible=True,
                data={"consent": consent.pk, "party": consent.party},
            )
    return consent


@transaction.atomic
def message_send_from_family(
    *, case: Case, user: User, body: str, upload: UploadedFile | None = None
) -> Message:
    attachment = None
    if upload is not None:
        attachment = document_store(
            upload=upload,
            kind=Document.Kind.ATTACHMENT,
            uploaded_by=user,
            case=case,
            family_visible=True,
        )
    message = Message.objects.create(
        case=case,
        sender=user,
        from_family=True,
        body=_strip_nul(body).strip(),
        attachment=attachment,
    )
    case_event_record(
        case=case,
        kind="family_message",
        summary="The family sent a message",
        actor=user,
        data={"message": message.pk},
    )
    if case.caseworker and case.caseworker.is_active:
        notification_queue(
            recipient=case.caseworker,
            purpose="family_message",
            event_key=f"message:{message.pk}",
            subject=f"New message from the family on {case.reference}",
            body=f"{user.get_full_name()} sent a message about {case.reference}.",
            link=reverse("cases:case_detail", args=[case.reference]),
            case=case,
        )
    return message


@transaction.atomic
def request_withdraw(*, case: Case, user: User, reasons: str) -> Case:
    """The family withdraws their request; the workflow's guards decide if it still can be."""
    case = case_transition(
        case=case, action="withdraw", actor=user, reasons=_strip_nul(reasons), data={"by": "family"}
    )
    if case.caseworker_id:
        caseworker = User.objects.filter(pk=case.caseworker_id, is_active=True).first()
        if caseworker is not None:
            notification_queue(
                recipient=caseworker,
                purpose="family_withdrew",
                event_key=f"case:{case.pk}:withdrawn",
                subject=f"The family withdrew request {case.reference}",
                body=(
                    f"{user.get_full_name()} withdrew the request. "
                    f"Their reasons: {_strip_nul(reasons)}"
                ),
                link=reverse("cases:case_detail", args=[case.reference]),
                case=case,
            )
    return case


def request_invited_email(draft: RequestDraft) -> str:
    return (draft.answers.get(INVITE_KEY) or {}).get("email", "")
