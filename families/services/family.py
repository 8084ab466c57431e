"""Writes from the family tracker: consents, messages and withdrawal."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.documents import document_store
from cases.models import Case, Document, Message
from cases.services import case_event_record
from cases.workflow import case_transition
from ehcp_portal.accounts.models import User
from families.models import Consent
from families.services._common import strip_nul as _strip_nul
from notifications.services import notification_queue

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
            link=reverse("casework:case_detail", args=[case.reference]),
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
                link=reverse("casework:case_detail", args=[case.reference]),
                case=case,
            )
    return case
