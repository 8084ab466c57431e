"""Writes of the correspondence app: the council's wording, the letter outbox, bulk letters.

Letters made by the worker follow the outbox pattern: the decision's transaction writes a
`LetterJob`; after commit the worker is asked to make it, and the beat's drain asks again for any
job still waiting (the broker or worker was down). The worker locks the job row (skip locked),
so however many workers hold the same job, one letter is made; the family's notification is
written by the after-letter hooks in the same transaction as the PDF's document.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.correspondence.models import (
    LANGUAGES,
    BulkLetter,
    BulkSend,
    LetterIssue,
    LetterJob,
    LetterTemplate,
)
from cases.correspondence.wording import WordingInvalid, wording_fill, wording_parse
from cases.letters import (
    LETTER_BLOCKS,
    LetterDetails,
    LetterWording,
    decision_letter_pdf,
    letter_addressees,
    letter_placeholders,
    letter_postal_block,
)
from cases.models import Case, CaseEvent, CouncilProfile, Document
from cases.services import case_event_record
from cases.workflow import LetterOrder, LetterSent, case_letter_make
from ehcp_portal.accounts.models import User
from ehcp_portal.db import session_lock
from notifications.services import (
    family_without_account,
    notification_queue,
    notification_queue_postal,
)

logger = logging.getLogger(__name__)

# A job still waiting this long after it was written is asked for again by the drain.
LETTER_JOB_RETRY_AFTER = timedelta(seconds=60)
LETTER_JOB_MAX_ATTEMPTS = 5


# -- the council's wording -------------------------------------------------------------------------


def letter_template_check(*, kind: str, language: str, body: str) -> None:
    """Raise WordingInvalid if the wording could not be used: an English letter must place every
    statutory block; a translation (printed before the English letter) places none."""
    if language == "en":
        wording_parse(body, blocks=LETTER_BLOCKS, required=LETTER_BLOCKS)
    else:
        wording_parse(body, blocks=())


@transaction.atomic
def letter_template_save(
    *, kind: str, language: str, title: str, body: str, signature: str, actor: User | None
) -> LetterTemplate:
    """Write the next version of the wording (a version is never changed)."""
    letter_template_check(kind=kind, language=language, body=body)
    wording_parse(signature, blocks=())
    latest = (
        LetterTemplate.objects.select_for_update()
        .filter(kind=kind, language=language)
        .order_by("-version")
        .first()
    )
    return LetterTemplate.objects.create(
        kind=kind,
        language=language,
        version=(latest.version + 1) if latest else 1,
        title=title.strip(),
        body=body.replace("\x00", ""),
        signature=signature.replace("\x00", ""),
        created_by=actor,
    )


def _newest(kind: str, language: str) -> LetterTemplate | None:
    return LetterTemplate.objects.filter(kind=kind, language=language).order_by("-version").first()


def _language_code(home_language: str) -> str | None:
    wanted = home_language.strip().lower()
    return next((code for code, name in LANGUAGES if name.lower() == wanted), None)


def letter_wording(case: Case, letter: str, values: dict[str, str]) -> LetterWording | None:
    """The wording provider (`cases.letters.register_wording_provider`): the newest English
    version of the council's wording and, when the child's home language is recorded and the
    council has a translation, that translation."""
    return letter_wording_of(_newest(letter, "en"), case=case, values=values, letter=letter)


def letter_wording_of(
    template: LetterTemplate | None, *, case: Case, values: dict[str, str], letter: str
) -> LetterWording | None:
    translation = None
    code = _language_code(case.child.home_language or "")
    if code and code != "en":
        translated = _newest(letter, code)
        if translated is not None:
            name = dict(LANGUAGES)[code]
            translation = (code, name, wording_fill(translated.body, values))
    if template is None and translation is None:
        return None
    parts: tuple[tuple[str, str], ...] = ()
    if template is not None:
        try:
            parsed = wording_parse(template.body, blocks=LETTER_BLOCKS, required=LETTER_BLOCKS)
        except WordingInvalid:
            # Never reached through the admin, which refuses it; the portal's own wording then.
            logger.error("Letter template %s is invalid; using the portal's wording", template.pk)
            parsed = []
            template = None
        parts = tuple(
            (p.kind, wording_fill(p.value, values) if p.kind == "text" else p.value) for p in parsed
        )
    return LetterWording(
        template_id=template.pk if template else None,
        title=wording_fill(template.title, values) if template else "",
        parts=parts,
        signature=wording_fill(template.signature, values) if template else "",
        translation=translation,
    )


def letter_issue_record(sent: LetterSent) -> None:
    """After-letter hook: which wording this letter was made with."""
    LetterIssue.objects.get_or_create(
        document=sent.document, defaults={"template_id": sent.template_id}
    )


# -- decision letters made by the worker -----------------------------------------------------------


def letter_job_order(order: LetterOrder) -> None:
    """The letter deferrer (`cases.workflow.register_letter_deferrer`): inside the decision's
    transaction, so the job exists exactly when the decision does."""
    job, created = LetterJob.objects.get_or_create(
        event_id=order.event_id,
        defaults={
            "case_id": order.case_id,
            "letter": order.letter,
            "decision_on": order.on,
            "reasons": order.reasons,
            "actor_id": order.actor_id,
            "details": asdict(order.details) if order.details is not None else None,
        },
    )
    if created:
        transaction.on_commit(lambda: _enqueue_letter_job(job.pk))


def _enqueue_letter_job(job_id: int) -> None:
    from cases.correspondence.tasks import letter_job_make_task

    try:
        letter_job_make_task.delay(job_id)
    except Exception:  # the broker is down: the job waits in the outbox for the drain
        logger.warning("Broker unavailable; letter job %s waits for the drain", job_id)


def _details(data: dict[str, Any] | None) -> LetterDetails | None:
    if data is None:
        return None
    data = dict(data)
    data["agreed"] = tuple(tuple(row) for row in data.get("agreed", ()))
    data["next_steps"] = tuple(data.get("next_steps", ()))
    return LetterDetails(**data)


def letter_job_make(job_id: int) -> bool:
    """Make the job's letter if it is still waiting; True if this call made it."""
    try:
        with transaction.atomic():
            job = (
                LetterJob.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, status=LetterJob.Status.WAITING)
                .first()
            )
            if job is None:
                return False  # made already, or another worker is making it now
            case = Case.objects.select_related("child", "caseworker").get(pk=job.case_id)
            document = case_letter_make(
                case=case,
                letter=job.letter,
                event=CaseEvent.objects.get(pk=job.event_id),
                on=job.decision_on,
                reasons=job.reasons,
                actor=job.actor,
                details=_details(job.details),
            )
            job.status = LetterJob.Status.MADE
            job.document = document
            job.made_at = timezone.now()
            job.attempts = F("attempts") + 1
            job.save(update_fields=["status", "document", "made_at", "attempts"])
            return True
    except Exception as error:
        LetterJob.objects.filter(pk=job_id, status=LetterJob.Status.WAITING).update(
            attempts=F("attempts") + 1, error=str(error)[:2000]
        )
        LetterJob.objects.filter(
            pk=job_id, status=LetterJob.Status.WAITING, attempts__gte=LETTER_JOB_MAX_ATTEMPTS
        ).update(status=LetterJob.Status.FAILED)
        raise


def letter_jobs_retry(*, job_ids: list[int]) -> int:
    """Hand failed letters to the worker again (the admin's action, once the cause is fixed)."""
    failed = LetterJob.objects.filter(pk__in=job_ids, status=LetterJob.Status.FAILED)
    retried = list(failed.values_list("pk", flat=True))
    failed.update(status=LetterJob.Status.WAITING, attempts=0, error="")
    for pk in retried:
        transaction.on_commit(partial(_enqueue_letter_job, pk))
    return len(retried)


def letter_jobs_drain(*, now: Any = None) -> int:
    """Ask the worker again for every job still waiting (beat); returns how many."""
    now = now or timezone.now()
    waiting = list(
        LetterJob.objects.filter(
            status=LetterJob.Status.WAITING, created_at__lte=now - LETTER_JOB_RETRY_AFTER
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in waiting:
        _enqueue_letter_job(pk)
    return len(waiting)


# -- bulk letters ----------------------------------------------------------------------------------


def letter_preview_case() -> Case:
    """An unsaved case of a fictional child: previews never show a real family's details."""
    from families.models import Child

    today = timezone.localdate()
    child = Child(
        first_name="Alex",
        last_name="Example",
        date_of_birth=today.replace(year=today.year - 9),
        home_language="English",
    )
    return Case(reference="EHC-PREVIEW", child=child, received_on=today)


def letter_template_preview_pdf(template: LetterTemplate) -> bytes:
    """The letter as the family would get it with this (possibly unsaved) wording, for the demo
    case; raises if the wording cannot be rendered (the admin's test render)."""
    from cases.letters import decision_letter_context, letter_placeholders

    case = letter_preview_case()
    on = timezone.localdate()
    values = letter_placeholders(case, on)
    if template.language == "en":
        wording = letter_wording_of(template, case=case, values=values, letter=template.kind)
        wording = LetterWording(
            template_id=None,
            title=wording.title if wording else "",
            parts=wording.parts if wording else (),
            signature=wording.signature if wording else "",
        )
    else:
        name = dict(LANGUAGES)[template.language]
        wording = LetterWording(
            template_id=None,
            translation=(template.language, name, wording_fill(template.body, values)),
        )
    context = decision_letter_context(
        case=case,
        letter=template.kind,
        decision_on=on,
        reasons="(The reasons the caseworker gives are printed here.)",
        wording=wording,
    )
    return decision_letter_pdf(render_to_string("cases/letters/decision.html", context))


def bulk_cohort_cases(bulk: BulkSend) -> QuerySet[Case]:
    """The open cases of the bulk send's cohort, in its area (all areas: the head of service)."""
    cases = Case.objects.filter(is_open=True)
    if bulk.area_id is not None:
        cases = cases.filter(area_id=bulk.area_id)
    if bulk.cohort == BulkSend.Cohort.PHASE_TRANSFER:
        cases = cases.filter(phase_transfer_year=bulk.cohort_year)
    elif bulk.cohort == BulkSend.Cohort.SCHOOL:
        cases = cases.filter(child__setting_id=bulk.cohort_setting_id or 0)
    else:
        from cases.advice.models import AdviceRequest

        waiting = AdviceRequest.objects.filter(
            state__in=[AdviceRequest.State.SENT, AdviceRequest.State.REMINDED]
        ).values("case_id")
        cases = cases.filter(pk__in=waiting)
    return cases.order_by("pk")


class BulkCohortEmpty(Exception):
    """No open case is in the chosen cohort."""


@transaction.atomic
def bulk_send_create(
    *,
    actor: User,
    area_id: int | None,
    cohort: str,
    cohort_year: int | None,
    cohort_setting_id: int | None,
    title: str,
    body: str,
) -> BulkSend:
    """Record the bulk send and hand it to the worker; the request does nothing per letter.
    Raises BulkCohortEmpty when no open case is in the cohort."""
    wording_parse(body, blocks=())
    bulk = BulkSend.objects.create(
        cohort=cohort,
        cohort_year=cohort_year,
        cohort_setting_id=cohort_setting_id,
        area_id=area_id,
        title=title.strip(),
        body=body.replace("\x00", ""),
        created_by=actor,
    )
    bulk.total = bulk_cohort_cases(bulk).count()
    if bulk.total == 0:
        raise BulkCohortEmpty
    bulk.save(update_fields=["total"])
    transaction.on_commit(lambda: _enqueue_bulk(bulk.pk))
    return bulk


def _enqueue_bulk(bulk_id: int) -> None:
    from cases.correspondence.tasks import bulk_send_task

    try:
        bulk_send_task.delay(bulk_id)
    except Exception:
        logger.warning("Broker unavailable; bulk send %s waits for the drain", bulk_id)


def bulk_letters_fill(bulk: BulkSend) -> int:
    """One BulkLetter per case of the cohort, once (the unique key absorbs a rerun). Returns how
    many rows there were to write (new or already there)."""
    case_ids = list(bulk_cohort_cases(bulk).values_list("pk", flat=True))
    BulkLetter.objects.bulk_create(
        [BulkLetter(bulk=bulk, case_id=pk) for pk in case_ids],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return len(case_ids)


def bulk_letter_context(bulk: BulkSend, case: Case) -> dict[str, Any]:
    values = letter_placeholders(case, timezone.localdate())
    addressees = letter_addressees(case)
    return {
        "bulk": bulk,
        "case": case,
        "child": case.child,
        "council": CouncilProfile.current(),
        "addressees": addressees,
        "postal": letter_postal_block(case, addressees),
        "letter_date": timezone.localdate(),
        "caseworker": case.caseworker,
        "site_url": settings.SITE_URL,
        "title": wording_fill(bulk.title, values),
        "body": wording_fill(bulk.body, values),
        "sent_on": timezone.localdate(),
    }


def bulk_letter_pdf(bulk: BulkSend, case: Case) -> bytes:
    html = render_to_string("correspondence/bulk_letter.html", bulk_letter_context(bulk, case))
    return decision_letter_pdf(html)


def _bulk_letter_send(bulk: BulkSend, letter_id: int) -> bool:
    """Send one letter of the bulk send in its own transaction: the PDF on the case, the line on
    its timeline and the family's messages commit together or not at all."""
    with transaction.atomic():
        letter = (
            BulkLetter.objects.select_for_update(skip_locked=True)
            .filter(pk=letter_id, status=BulkLetter.Status.WAITING)
            .first()
        )
        if letter is None:
            return False
        case = Case.objects.select_related("child", "caseworker").get(pk=letter.case_id)
        pdf = bulk_letter_pdf(bulk, case)
        document = Document(
            case=case,
            kind=Document.Kind.LETTER,
            title=f"{bulk.title} ({timezone.localdate():%-d %B %Y})"[:200],
            content_type="application/pdf",
            size=len(pdf),
            family_visible=True,
            uploaded_by=bulk.created_by,
        )
        document.file.save(f"{case.reference}-bulk-{bulk.pk}.pdf", ContentFile(pdf), save=False)
        document.save()
        case_event_record(
            case=case,
            kind="bulk_letter",
            summary=f"Letter sent: {bulk.title}"[:300],
            actor=bulk.created_by,
            family_visible=True,
            data={"bulk_send": bulk.pk, "document": document.pk},
        )
        link = reverse("families:track", args=[case.reference]) + "#documents"
        message: dict[str, Any] = {
            "purpose": "bulk_letter",
            # (bulk send, case, recipient): the outbox never holds the same letter twice.
            "event_key": f"bulk:{bulk.pk}:case:{case.pk}",
            "subject": f"A letter from {CouncilProfile.current().name}: {bulk.title}"[:200],
            "body": f"We have sent you a letter about {case.child.first_name} ({case.reference}):"
            f" {bulk.title}. You can read it in the portal.",
            "link": link,
            "case": case,
            # Posted, the family gets this very letter (its page 1 carries their address).
            "document": document,
        }
        if family_without_account(case):
            notification_queue_postal(**message)  # a paper applicant: by post
        for member in User.objects.filter(memberships__child_id=case.child_id).order_by("pk"):
            notification_queue(recipient=member, **message)
        letter.status = BulkLetter.Status.SENT
        letter.document = document
        letter.sent_at = timezone.now()
        letter.save(update_fields=["status", "document", "sent_at"])
        BulkSend.objects.filter(pk=bulk.pk).update(sent=F("sent") + 1)
    return True


# pg_try_advisory_lock's first key: this app's bulk sends (the second is the send's id).
_BULK_LOCK_SPACE = 19_019


def bulk_send_run(bulk_id: int, *, chunk: int = 50) -> int:
    """Send every waiting letter of the bulk send; safe to run again (each letter is sent once,
    under its row lock). One run at a time per send (a session lock PostgreSQL frees if the
    worker dies), so the drain's re-asking never doubles the work. Returns how many letters this
    run sent."""
    bulk = BulkSend.objects.get(pk=bulk_id)
    if bulk.status == BulkSend.Status.DONE:
        return 0
    with session_lock(_BULK_LOCK_SPACE, bulk_id) as held:
        return _bulk_send_run_locked(bulk, chunk) if held else 0


def _bulk_send_run_locked(bulk: BulkSend, chunk: int) -> int:
    with transaction.atomic():
        bulk_letters_fill(bulk)
        BulkSend.objects.filter(pk=bulk.pk).update(status=BulkSend.Status.SENDING)
    sent = 0
    last = 0
    while True:
        ids = list(
            BulkLetter.objects.filter(
                bulk_id=bulk.pk, status=BulkLetter.Status.WAITING, pk__gt=last
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:chunk]
        )
        if not ids:
            break
        for letter_id in ids:
            try:
                sent += _bulk_letter_send(bulk, letter_id)
            except Exception as error:
                logger.exception("Bulk letter %s failed", letter_id)
                BulkLetter.objects.filter(pk=letter_id).update(
                    status=BulkLetter.Status.FAILED, error=str(error)[:2000]
                )
                BulkSend.objects.filter(pk=bulk.pk).update(failed=F("failed") + 1)
        last = ids[-1]
    if not BulkLetter.objects.filter(bulk_id=bulk.pk, status=BulkLetter.Status.WAITING).exists():
        BulkSend.objects.filter(pk=bulk.pk).exclude(status=BulkSend.Status.DONE).update(
            status=BulkSend.Status.DONE, finished_at=timezone.now()
        )
    return sent


def bulk_sends_drain() -> int:
    """Beat: pick up every bulk send not finished (a worker killed mid-run, a broker down)."""
    unfinished = list(
        BulkSend.objects.exclude(status=BulkSend.Status.DONE).values_list("pk", flat=True)
    )
    for pk in unfinished:
        _enqueue_bulk(pk)
    return len(unfinished)
