"""The retention schedule applied: what is past its period (the dry run) and removing it (the
run), honouring legal holds and writing an ErasureRecord for everything removed.

Default periods (`defaults.RETENTION_SCHEDULE`, seeded by migration 0002, editable in the admin):

- A child's SEN and EHC record: the child's date of birth + 31 years, then anonymise. Source:
  Information and Records Management Society (IRMS), "Information Management Toolkit for
  Schools" (version 5, 2019; the 2024 Academies toolkit gives the same), pupil's educational
  record, special educational needs files, reviews and EHC plans: "Date of birth of the pupil
  + 31 years" (an EHC plan can last to age 25, plus the 6-year limitation period for a claim,
  Limitation Act 1980 s.2). The IRMS retention guidelines for local authorities could not be
  checked from here; the schools figure is the one councils commonly adopt for the SEN file and
  it outlasts every claim period for the plan, so it is the default until a council sets its own.
- The access log: 6 years from the day of the read, then delete (the Limitation Act 1980 s.2
  period in which a claim about a misuse of the record can be brought; a council may keep it
  longer, never longer than the child's record).
- Notifications: 2 years from when they were made, then delete. They are copies: every letter
  and decision they announce is kept on the case itself.
- Requests started but never sent: 1 year since they were last changed, then delete.

What "anonymise" keeps and removes (UK GDPR recital 26: data is anonymous when the person can
no longer be identified by any means reasonably likely to be used):

- kept, for the council's statistics (SEN2, timeliness): the case's stage, route, SEN need
  codes, area and team, milestone dates and deadlines, the kind and date of each timeline event,
  exceptions' reasons and dates, the child's year of birth and whether they were looked after;
- removed: the child's names, day and month of birth, address, postcode, home language, school
  and year group; the case reference (renamed ANON-<id>: families and schools hold letters
  that print it); every document and file, message, plan, advice request, panel paper and
  decision, member enquiry, task, dispute, notification, request draft, consent and family
  link; the timeline's summaries, details and who did each step; exceptions' evidence text.

The access log is not rewritten by anonymisation: it has its own period.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Max, ProtectedError, QuerySet
from django.utils import timezone

from cases.models import Case, CaseEvent, DeadlineException, Document
from ehcp_portal.audit.models import AccessRecord
from ehcp_portal.audit.services import access_records_delete
from ehcp_portal.governance.defaults import RETENTION_SCHEDULE, defaults_seed
from ehcp_portal.governance.models import (
    ErasureRecord,
    LegalHold,
    LegalPage,
    RecordType,
    RetentionAction,
    RetentionRule,
    SubjectAccessBundle,
    Trigger,
)
from ehcp_portal.governance.selectors import member_enquiries_naming
from families.models import Child, Consent, FamilyMembership, RequestDraft
from notifications.models import Notification
from panels.models import Decision

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


def years_before(day: date, years: int, days: int = 0) -> date:
    """`day` moved back by whole years (29 February becomes 28 February) and then days."""
    try:
        shifted = day.replace(year=day.year - years)
    except ValueError:
        shifted = day.replace(year=day.year - years, day=28)
    return shifted - timedelta(days=days)


def years_after(day: date, years: int, days: int = 0) -> date:
    try:
        shifted = day.replace(year=day.year + years)
    except ValueError:
        shifted = day.replace(year=day.year + years, day=28)
    return shifted + timedelta(days=days)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class Candidate:
    """One thing past its period: a child's record, or a batch of log lines, messages or
    drafts. `held`: a legal hold keeps it."""

    rule: RetentionRule
    kind: str
    due_on: date
    count: int = 1
    child_id: int | None = None
    case_ids: list[int] = field(default_factory=list)
    case_references: list[str] = field(default_factory=list)
    held: bool = False
    birth_year: int | None = None

    @property
    def description(self) -> str:
        if self.child_id is not None:
            refs = ", ".join(self.case_references) or "no cases"
            return (
                f"Child {self.child_id} (born {self.birth_year}; {refs}), past its period on "
                f"{self.due_on:%-d %B %Y}"
            )
        one, many = BULK_NOUNS[self.rule.record_type]
        return (
            f"{self.count} {one if self.count == 1 else many} made before {self.due_on:%-d %B %Y}"
        )


# How the report counts a batch of records: (one, many).
BULK_NOUNS: dict[str, tuple[str, str]] = {
    RecordType.ACCESS_LOG: ("line of the access log", "lines of the access log"),
    RecordType.NOTIFICATION: ("notification", "notifications"),
    RecordType.REQUEST_DRAFT: ("request started but never sent", "requests started but never sent"),
}


@dataclass
class RetentionReport:
    today: date
    dry_run: bool
    candidates: list[Candidate] = field(default_factory=list)
    erasures: list[ErasureRecord] = field(default_factory=list)

    @property
    def to_remove(self) -> list[Candidate]:
        return [c for c in self.candidates if not c.held and c.rule.active]

    @property
    def kept_by_hold(self) -> list[Candidate]:
        return [c for c in self.candidates if c.held]

    def lines(self) -> Iterator[str]:
        mode = "Dry run: nothing was removed" if self.dry_run else "Retention run"
        yield f"{mode} ({self.today:%-d %B %Y})."
        if not self.candidates:
            yield "Nothing is past its retention period."
        for c in self.candidates:
            if c.held:
                state = "kept: legal hold"
            elif not c.rule.active:
                state = "kept: rule switched off"
            elif self.dry_run:
                state = f"would {c.rule.action}"
            else:
                state = f"{c.rule.action}d"
            yield (
                f"- {c.description}: {state} (rule: {c.rule.period_label} from "
                f"{c.rule.get_trigger_display().lower()})"
            )


def held_child_ids() -> set[int]:
    """Children whose record a legal hold keeps: held directly or through one of their cases."""
    active = LegalHold.objects.filter(released_at__isnull=True)
    ids = set(active.filter(child__isnull=False).values_list("child_id", flat=True))
    ids |= set(
        Case.objects.filter(pk__in=active.filter(case__isnull=False).values("case_id")).values_list(
            "child_id", flat=True
        )
    )
    return ids


def _anonymised_child_ids() -> QuerySet[ErasureRecord, Any]:
    return ErasureRecord.objects.filter(kind=ErasureRecord.Kind.CHILD_ANONYMISED).values(
        "child_id_erased"
    )


def _child_candidates(rule: RetentionRule, today: date, held: set[int]) -> list[Candidate]:
    cutoff = years_before(today, rule.period_years, rule.period_days)
    # A child with a case still open is never past the period, whatever their age.
    children = Child.objects.exclude(cases__is_open=True).exclude(pk__in=_anonymised_child_ids())
    if rule.trigger == Trigger.DATE_OF_BIRTH:
        children = children.filter(date_of_birth__lte=cutoff).annotate(
            clock_from=models.F("date_of_birth")
        )
    else:
        children = children.annotate(clock_from=Max("cases__closed_on")).filter(
            clock_from__isnull=False, clock_from__lte=cutoff
        )
    rows = list(children.order_by("pk").values("pk", "date_of_birth", "clock_from"))
    cases: dict[int, list[tuple[int, str]]] = {}
    for pk, child_id, reference in (
        Case.objects.filter(child_id__in=[r["pk"] for r in rows])
        .order_by("pk")
        .values_list("pk", "child_id", "reference")
    ):
        cases.setdefault(child_id, []).append((pk, reference))
    return [
        Candidate(
            rule=rule,
            kind=(
                ErasureRecord.Kind.CHILD_ANONYMISED
                if rule.action == RetentionAction.ANONYMISE
                else ErasureRecord.Kind.CHILD_DELETED
            ),
            due_on=years_after(row["clock_from"], rule.period_years, rule.period_days),
            child_id=row["pk"],
            case_ids=[pk for pk, _ in cases.get(row["pk"], [])],
            case_references=[ref for _, ref in cases.get(row["pk"], [])],
            held=row["pk"] in held,
            birth_year=row["date_of_birth"].year,
        )
        for row in rows
    ]


def _access_log_due(cutoff: date, held: set[int]) -> QuerySet[AccessRecord, AccessRecord]:
    # A legal hold also keeps the log of who read the held child's record, so retention chooses
    # the lines with the hold applied and deletes them through the audit app's purge (the only
    # DELETE its append-only trigger allows).
    return AccessRecord.objects.filter(at__lt=_start_of(cutoff)).exclude(child_id__in=held)


def _notifications_due(cutoff: date, held: set[int]) -> QuerySet[Notification, Notification]:
    return Notification.objects.filter(created_at__lt=_start_of(cutoff)).exclude(
        case__child_id__in=held
    )


def _drafts_due(cutoff: date, held: set[int]) -> QuerySet[RequestDraft, RequestDraft]:
    return RequestDraft.objects.filter(case__isnull=True, updated_at__lt=_start_of(cutoff)).exclude(
        child_id__in=held
    )


_BULK: dict[str, tuple[Any, str]] = {
    RecordType.ACCESS_LOG: (_access_log_due, ErasureRecord.Kind.ACCESS_LOG_PURGED),
    RecordType.NOTIFICATION: (_notifications_due, ErasureRecord.Kind.NOTIFICATIONS_DELETED),
    RecordType.REQUEST_DRAFT: (_drafts_due, ErasureRecord.Kind.DRAFTS_DELETED),
}


def _bulk_candidates(rule: RetentionRule, today: date, held: set[int]) -> list[Candidate]:
    due, kind = _BULK[rule.record_type]
    cutoff = years_before(today, rule.period_years, rule.period_days)
    found = due(cutoff, set())
    count = found.count()
    kept = count - due(cutoff, held).count() if held else 0
    out = []
    if count - kept:
        out.append(Candidate(rule=rule, kind=kind, due_on=cutoff, count=count - kept))
    if kept:
        out.append(Candidate(rule=rule, kind=kind, due_on=cutoff, count=kept, held=True))
    return out


def retention_candidates(today: date | None = None) -> RetentionReport:
    """The dry run: everything past its period under the current schedule."""
    today = today or timezone.localdate()
    held = held_child_ids()
    report = RetentionReport(today=today, dry_run=True)
    rules = list(RetentionRule.objects.all())
    if len(rules) < len(RETENTION_SCHEDULE):
        defaults_seed(LegalPage, RetentionRule)
        rules = list(RetentionRule.objects.all())
    for rule in rules:
        if rule.record_type == RecordType.CHILD_RECORD:
            report.candidates += _child_candidates(rule, today, held)
        elif rule.record_type in _BULK:
            report.candidates += _bulk_candidates(rule, today, held)
    return report


def retention_run(
    *, dry_run: bool, today: date | None = None, actor: User | None = None
) -> RetentionReport:
    """Apply the schedule: anonymise or delete what is past its period, except what a legal
    hold keeps, and record each removal. With `dry_run`, report only."""
    report = retention_candidates(today)
    report.dry_run = dry_run
    if dry_run:
        return report
    held = held_child_ids()
    for candidate in report.to_remove:
        if candidate.child_id is not None:
            erasure = _child_record_apply(candidate, actor)
        else:
            erasure = _bulk_apply(candidate, report.today, held, actor)
        if erasure is not None:
            report.erasures.append(erasure)
    expired = subject_access_bundles_expire()
    if expired is not None:
        report.erasures.append(expired)
    return report


def _erasure(candidate: Candidate, actor: User | None, count: int) -> ErasureRecord:
    rule = candidate.rule
    return ErasureRecord.objects.create(
        kind=candidate.kind,
        rule=rule,
        rule_description=(
            f"{rule.get_record_type_display()}: {rule.period_label} from "
            f"{rule.get_trigger_display().lower()}, then {rule.action}"
        )[:300],
        child_id_erased=candidate.child_id,
        case_ids=candidate.case_ids,
        case_references=candidate.case_references,
        count=count,
        due_on=candidate.due_on,
        run_by=actor,
    )


def _bulk_apply(
    candidate: Candidate, today: date, held: set[int], actor: User | None
) -> ErasureRecord | None:
    """Delete in batches, each in its own transaction with its count added to the erasure
    record, so a million log lines never sit in one transaction and a run stopped half way has
    recorded exactly what it removed."""
    rule = candidate.rule
    due, _ = _BULK[rule.record_type]
    cutoff = years_before(today, rule.period_years, rule.period_days)
    erasure: ErasureRecord | None = None
    while True:
        with transaction.atomic():
            rows = due(cutoff, held)
            ids = list(rows.values_list("pk", flat=True)[:DELETE_BATCH])
            if not ids:
                break
            batch = rows.model._base_manager.filter(pk__in=ids)
            files: list[str] = []
            if rule.record_type == RecordType.REQUEST_DRAFT:
                files = _draft_documents_delete(batch)
            if rule.record_type == RecordType.ACCESS_LOG:
                access_records_delete(ids)
            else:
                batch.delete()
            _files_delete_on_commit(files)
            if erasure is None:
                erasure = _erasure(candidate, actor, len(ids))
            else:
                ErasureRecord.objects.filter(pk=erasure.pk).update(
                    count=models.F("count") + len(ids)
                )
    if erasure is not None:
        erasure.refresh_from_db()
    return erasure


# Rows deleted per transaction by the bulk rules.
DELETE_BATCH = 5000


def _draft_documents_delete(drafts: QuerySet[RequestDraft, RequestDraft]) -> list[str]:
    """Evidence uploaded to drafts that never became a case belongs to nothing else."""
    documents = Document.objects.filter(case__isnull=True, request_drafts__in=drafts).distinct()
    files = [str(d.file.name) for d in documents if d.file]
    Document.objects.filter(pk__in=list(documents.values_list("pk", flat=True))).delete()
    return files


def _files_delete_on_commit(names: Iterable[str]) -> None:
    names = [n for n in names if n]
    if names:

        def delete() -> None:
            for name in names:
                default_storage.delete(name)

        transaction.on_commit(delete)


def case_relations() -> list[tuple[type[models.Model], str]]:
    """Every model that points at a case (including relations hidden with related_name "+"),
    so a relation added by a new app is covered without changing this module."""
    return reverse_relations(Case)


def reverse_relations(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(model, foreign key name) for every model with a foreign key or one-to-one to `model`."""
    found: list[tuple[type[models.Model], str]] = []
    for rel in model._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            related = rel.related_model
            if isinstance(related, type) and issubclass(related, models.Model):
                found.append((related, rel.field.name))  # type: ignore[union-attr]
    return found


def _delete_in_order(querysets: list[QuerySet[Any, Any]]) -> None:
    """Delete each queryset; one that another still protects waits for the next pass."""
    waiting = querysets
    while waiting:
        blocked = []
        for qs in waiting:
            try:
                with transaction.atomic():
                    qs.delete()
            except ProtectedError:
                blocked.append(qs)
        if len(blocked) == len(waiting):
            raise ProtectedError("Records still protect each other", set())
        waiting = blocked


def _case_dependents_delete(case_ids: list[int], *, keep: frozenset[type[models.Model]]) -> None:
    # A later decision names the one it replaces (PROTECT): unchain them before they go.
    Decision.objects.filter(item__case_id__in=case_ids).update(supersedes=None)
    _delete_in_order(
        [
            model._base_manager.filter(**{f"{fk}__in": case_ids})
            for model, fk in case_relations()
            if model not in keep and model is not Document
        ]
        + [Document.objects.filter(case_id__in=case_ids)]
    )


def _child_links_delete(child: Child) -> list[str]:
    child_id = child.pk
    member_enquiries_naming(child).delete()
    drafts = RequestDraft.objects.filter(child_id=child_id)
    files = _draft_documents_delete(drafts)
    drafts.delete()
    FamilyMembership.objects.filter(child_id=child_id).delete()
    Consent.objects.filter(child_id=child_id).delete()
    bundles = SubjectAccessBundle.objects.filter(child_id=child_id)
    files += [str(b.file.name) for b in bundles if b.file]
    bundles.delete()
    return files


@transaction.atomic
def _child_record_apply(candidate: Candidate, actor: User | None) -> ErasureRecord | None:
    assert candidate.child_id is not None
    child = Child.objects.select_for_update().filter(pk=candidate.child_id).first()
    # Checked again under the lock: a case reopened, a hold set or another run finished since
    # the list was made leaves the record alone.
    if (
        child is None
        or Case.objects.filter(child_id=child.pk, is_open=True).exists()
        or child.pk in held_child_ids()
        or _anonymised_child_ids().filter(child_id_erased=child.pk).exists()
    ):
        return None
    case_ids = list(Case.objects.filter(child_id=child.pk).values_list("pk", flat=True))
    files = [
        str(d.file.name)
        for d in Document.objects.filter(case_id__in=case_ids).only("file")
        if d.file
    ]
    files += _child_links_delete(child)
    if candidate.rule.action == RetentionAction.DELETE:
        _case_dependents_delete(case_ids, keep=frozenset())
        Case.objects.filter(pk__in=case_ids).delete()
        child.delete()
    else:
        _case_dependents_delete(case_ids, keep=frozenset({CaseEvent, DeadlineException}))
        _case_anonymise(case_ids)
        _child_anonymise(child)
    _files_delete_on_commit(files)
    return _erasure(candidate, actor, 1 + len(case_ids))


def _case_anonymise(case_ids: list[int]) -> None:
    for pk in case_ids:
        Case.objects.filter(pk=pk).update(
            reference=f"ANON-{pk}", requested_by=None, priority_reasons=[], channel=""
        )
    # The one rewrite of the append-only timeline: what happened and when stay, the words and
    # the people go (a summary can name the child or the family).
    CaseEvent.objects.filter(case_id__in=case_ids).update(
        summary=models.F("kind"), data={}, actor=None
    )
    DeadlineException.objects.filter(case_id__in=case_ids).update(evidence="", recorded_by=None)


def _child_anonymise(child: Child) -> None:
    # The year of birth stays for age-band statistics (SEN2 reports age at 31 August).
    child.first_name = "Anonymised"
    child.last_name = f"child {child.pk}"
    child.date_of_birth = date(child.date_of_birth.year, 1, 1)
    child.address = ""
    child.postcode = ""
    child.home_language = ""
    child.year_group = ""
    child.setting = None
    child.save()


def subject_access_bundles_expire(now: datetime | None = None) -> ErasureRecord | None:
    """Delete subject access bundles past their expiry, with their files."""
    now = now or timezone.now()
    expired = SubjectAccessBundle.objects.filter(expires_at__lte=now)
    files = [str(b.file.name) for b in expired if b.file]
    with transaction.atomic():
        count = expired.count()
        if not count:
            return None
        expired.delete()
        _files_delete_on_commit(files)
        return ErasureRecord.objects.create(
            kind=ErasureRecord.Kind.BUNDLES_EXPIRED,
            rule_description="Subject access bundles are kept for "
            f"{SUBJECT_ACCESS_BUNDLE_DAYS} days",
            count=count,
        )


# A bundle is for sending to the person who asked: kept long enough to send it, not longer.
SUBJECT_ACCESS_BUNDLE_DAYS = 30
