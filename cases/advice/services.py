"""Writes on advice requests. Each change appends a timeline event and queues its messages in
the same transaction, so a message exists if and only if the event does."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.advice.models import (
    AdviceRequest,
    AdviceSource,
    AdviceTeam,
    SignInLink,
    advice_in_words,
)
from cases.events.models import EventType
from cases.events.services import event_record
from cases.models import Case, Document, Setting, Stage
from cases.services import case_event_record, case_refresh_deadline
from cases.statutory import school_year_on, timeline
from ehcp_portal.accounts.models import Role, User
from notifications.services import notification_queue_event


class AdviceRefused(Exception):
    """The advice action is not possible now; `reason` says why in plain English."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AdviceAsk:
    """Who one kind of advice is asked of: exactly one person, team inbox or setting."""

    source: str
    addressee: User | None = None
    team: AdviceTeam | None = None
    setting: Setting | None = None

    @property
    def addressed_once(self) -> bool:
        return [self.addressee, self.team, self.setting].count(None) == 2


def preparation_for_adulthood_applies(date_of_birth: date, on: date) -> bool:
    # reg 6(1)(f): advice on preparing for adulthood is sought from Year 9 onwards.
    return school_year_on(date_of_birth, on) >= 9


def _strip(text: str) -> str:
    return text.replace("\x00", "").strip()


def advice_request_link(advice_request: AdviceRequest) -> str:
    return reverse("advice:detail", args=[advice_request.public_id])


def setting_staff(setting: Setting) -> list[User]:
    """Who answers a request addressed to a school or setting: its active staff accounts."""
    return list(User.objects.filter(role=Role.SCHOOL, setting=setting, is_active=True))


def _recipients(advice_request: AdviceRequest) -> list[User]:
    if advice_request.addressee is not None:
        return [advice_request.addressee]
    if advice_request.setting is not None:
        return setting_staff(advice_request.setting)
    assert advice_request.team is not None  # a request goes to a person, a team or a setting
    return list(advice_request.team.members.filter(is_active=True))


def _check_ask(ask: AdviceAsk, case: Case, on: date) -> None:
    if not ask.addressed_once:
        raise AdviceRefused("Each request goes to one person, one team inbox or one setting.")
    if ask.source == AdviceSource.PREPARATION_FOR_ADULTHOOD and not (
        preparation_for_adulthood_applies(case.child.date_of_birth, on)
    ):
        raise AdviceRefused(
            "Advice on preparing for adulthood is only asked for from Year 9 (reg 6(1)(f))."
        )
    if ask.setting is not None and not setting_staff(ask.setting):
        # A request nobody can open would run its 6 weeks unseen.
        raise AdviceRefused(
            f"Nobody at {ask.setting} can sign in to the portal yet, so they could not see the "
            "request. Ask the administrator to add an account for their SENCO first."
        )


@transaction.atomic
def advice_requests_send(
    *, case: Case, actor: User | None, asks: list[AdviceAsk], on: date | None = None
) -> list[AdviceRequest]:
    """Ask several advice givers at once (reg 6(1)); each has 6 weeks to answer (reg 8(1))."""
    on = on or timezone.localdate()
    case = Case.objects.select_for_update().select_related("child").get(pk=case.pk)
    if case.stage != Stage.ASSESSING:
        raise AdviceRefused("Advice can only be requested while the case is being assessed.")
    if not asks:
        raise AdviceRefused("Choose who to ask for at least one kind of advice.")
    for ask in asks:
        _check_ask(ask, case, on)
    due = timeline(case.received_on, advice_requested=on)["advice"]  # reg 8(1): 6 weeks
    created = [
        AdviceRequest.objects.create(
            case=case,
            source=ask.source,
            addressee=ask.addressee,
            team=ask.team,
            setting=ask.setting,
            requested_by=actor,
            requested_on=on,
            due_on=due,
        )
        for ask in asks
    ]
    fields = ["waiting_on_others", "next_deadline_key", "next_deadline_on", "updated_at"]
    if case.advice_requested_on is None:
        case.advice_requested_on = on
        fields.append("advice_requested_on")
    case.waiting_on_others = True
    case_refresh_deadline(case=case)
    case.save(update_fields=fields)
    sources = [r.get_source_display().split(" (")[0] for r in created]
    case_event_record(
        case=case,
        kind="advice_requested",
        summary=f"We asked for advice: {', '.join(sources)}"[:300],
        actor=actor,
        family_visible=True,
        data={
            "requests": [
                {"id": r.pk, "source": r.source, "to": r.addressed_to, "due": due.isoformat()}
                for r in created
            ]
        },
    )
    event_record(
        type=EventType.ADVICE_REQUESTED,
        case=case,
        data={
            "requests": [{"id": r.pk, "source": r.source, "due": due.isoformat()} for r in created]
        },
    )
    for r in created:
        context = {
            "reference": case.reference,
            "source": advice_in_words(r.source),
            "due_date": f"{due:%-d %B %Y}",
        }
        for recipient in _recipients(r):
            notification_queue_event(
                recipient=recipient,
                purpose="advice_requested",
                event_key=f"advice:{r.pk}:requested",
                context=context,
                link=advice_request_link(r),
                case=case,
            )
    return created


def _settle_case(case_id: int) -> None:
    """When every request is answered or declined, the case no longer waits on others."""
    case = Case.objects.select_for_update().get(pk=case_id)
    still_open = AdviceRequest.objects.filter(
        case_id=case_id, state__in=AdviceRequest.OPEN_STATES
    ).exists()
    if case.waiting_on_others != still_open:
        case.waiting_on_others = still_open
        case_refresh_deadline(case=case)
        case.save(
            update_fields=[
                "waiting_on_others",
                "next_deadline_key",
                "next_deadline_on",
                "updated_at",
            ]
        )


def _lock_open(advice_request: AdviceRequest) -> AdviceRequest:
    locked = (
        AdviceRequest.objects.select_for_update(of=("self",))
        .select_related("case", "case__caseworker")
        .get(pk=advice_request.pk)
    )
    if not locked.is_open:
        raise AdviceRefused("This request has already been answered.")
    return locked


def _tell_caseworker(advice_request: AdviceRequest, purpose: str, context: dict) -> None:
    caseworker = advice_request.case.caseworker
    if caseworker is None:
        return
    notification_queue_event(
        recipient=caseworker,
        purpose=purpose,
        event_key=f"advice:{advice_request.pk}:{purpose}",
        context=context,
        link=advice_request_link(advice_request),
        case=advice_request.case,
    )


@transaction.atomic
def advice_submit(
    *,
    advice_request: AdviceRequest,
    actor: User,
    needs: str,
    outcomes: str,
    provision: str,
    files: list[UploadedFile] | tuple[UploadedFile, ...] = (),
    on: date | None = None,
) -> AdviceRequest:
    r = _lock_open(advice_request)
    r.needs, r.outcomes, r.provision = _strip(needs), _strip(outcomes), _strip(provision)
    r.state = AdviceRequest.State.RECEIVED
    r.responded_by = actor
    r.responded_on = on or timezone.localdate()
    r.save(
        update_fields=["needs", "outcomes", "provision", "state", "responded_by", "responded_on"]
    )
    source = advice_in_words(r.source).capitalize()
    for upload in files:
        document = Document.objects.create(
            case=r.case,
            kind=Document.Kind.ADVICE,
            title=f"{source} advice: {_strip(upload.name or '')}"[:200],
            file=upload,
            content_type=(upload.content_type or "application/octet-stream")[:100],
            size=upload.size or 0,
            uploaded_by=actor,
        )
        r.attachments.add(document)
    case_event_record(
        case=r.case,
        kind="advice_received",
        summary=f"{source} advice received",
        actor=actor,
        family_visible=True,
        data={"request": r.pk, "late": r.responded_on > r.due_on},
    )
    _tell_caseworker(
        r,
        "advice_received",
        {
            "reference": r.case.reference,
            "source": advice_in_words(r.source),
            "responder": str(actor),
        },
    )
    _settle_case(r.case_id)
    event_record(
        type=EventType.ADVICE_RECEIVED,
        case=r.case,
        data={
            "request": r.pk,
            "source": r.source,
            "documents": [d.pk for d in r.attachments.all()],
        },
    )
    return r


@transaction.atomic
def advice_decline(
    *,
    advice_request: AdviceRequest,
    actor: User,
    reason: str,
    detail: str = "",
    on: date | None = None,
) -> AdviceRequest:
    """Decline, e.g. because advice from the last year can be reused if the advice giver, the
    council and the family all agree (reg 6(4)); the caseworker checks the family agrees."""
    if reason not in AdviceRequest.DeclineReason.values:
        raise AdviceRefused("Choose why you cannot give this advice.")
    r = _lock_open(advice_request)
    r.state = AdviceRequest.State.DECLINED
    r.decline_reason = reason
    r.decline_detail = _strip(detail)
    r.responded_by = actor
    r.responded_on = on or timezone.localdate()
    r.save(
        update_fields=["state", "decline_reason", "decline_detail", "responded_by", "responded_on"]
    )
    source = advice_in_words(r.source).capitalize()
    case_event_record(
        case=r.case,
        kind="advice_declined",
        summary=f"{source} advice declined: {r.get_decline_reason_display()}"[:300],
        actor=actor,
        family_visible=False,
        data={"request": r.pk, "reason": reason, "detail": r.decline_detail},
    )
    _tell_caseworker(
        r,
        "advice_declined",
        {
            "reference": r.case.reference,
            "source": advice_in_words(r.source),
            "responder": str(actor),
            "reason": r.get_decline_reason_display(),
        },
    )
    _settle_case(r.case_id)
    return r


# -- one-time sign-in links ---------------------------------------------------------------------

SIGN_IN_ROLES = ("advice_giver", "school")
# At most this many links per person per quarter hour, so the page cannot be used to flood
# someone's inbox.
SIGN_IN_LINKS_PER_15_MINUTES = 3


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def sign_in_link_create(*, user: User, now: datetime | None = None) -> str:
    """A new single-use link; returns the raw token, which is never stored."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        user=user,
        token_hash=_token_hash(token),
        created_at=now,
        expires_at=now + timedelta(minutes=settings.SIGN_IN_LINK_MINUTES),
    )
    return token


def sign_in_link_email(*, email: str, base_url: str) -> None:
    """Email a sign-in link if a professional has this address. Says nothing either way, so
    the page cannot be used to find out who has an account.

    Sent straight away rather than through the outbox: the raw token must never be written to
    the database, and the person is waiting for it (they can ask again)."""

    user = User.objects.filter(
        email__iexact=_strip(email), is_active=True, role__in=SIGN_IN_ROLES
    ).first()
    if user is None:
        return
    recent = SignInLink.objects.filter(
        user=user, created_at__gte=timezone.now() - timedelta(minutes=15)
    ).count()
    if recent >= SIGN_IN_LINKS_PER_15_MINUTES:
        return
    token = sign_in_link_create(user=user)
    url = base_url.rstrip("/") + reverse("advice:sign_in_use", args=[token])
    send_mail(
        f"Sign in to {settings.SERVICE_NAME}",
        f"Use this link to sign in. It works once, within {settings.SIGN_IN_LINK_MINUTES} "
        f"minutes:\n\n{url}\n\nIf you did not ask to sign in, you can ignore this email.",
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


def sign_in_link_peek(*, token: str) -> SignInLink | None:
    """The link if it could still be used (for the confirmation page; does not use it)."""
    return (
        SignInLink.objects.filter(
            token_hash=_token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("user")
        .first()
    )


@transaction.atomic
def sign_in_link_use(*, token: str) -> User | None:
    """Use the link: works once (the update is atomic, so two clicks cannot both win)."""
    now = timezone.now()
    link = (
        SignInLink.objects.select_for_update()
        .filter(token_hash=_token_hash(token), used_at__isnull=True, expires_at__gt=now)
        .select_related("user")
        .first()
    )
    if link is None or not link.user.is_active:
        return None
    # Using one link retires every other unused link of the same person.
    SignInLink.objects.filter(user=link.user, used_at__isnull=True).update(used_at=now)
    return link.user
