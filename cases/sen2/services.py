"""Writes of the SEN2 app: putting a record right from the details page the validation report
links to (each write locks the case, changes only what the form covers and notes it on the
case's timeline), and preparing the return in the worker."""

from __future__ import annotations

import io
import logging
import tempfile
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from cases.events.models import EventType
from cases.events.services import event_record
from cases.models import Case
from cases.plans.models import Placement, Plan
from cases.sen2.models import Sen2Return
from cases.sen2.records import sen2_header, sen2_persons
from cases.sen2.scope import sen2_counts
from cases.sen2.validation import sen2_validate
from cases.sen2.xml import sen2_write
from cases.services import case_event_record

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

CHILD_FIELDS = ("upn", "uln", "upn_unknown", "sex", "ethnicity")
REQUEST_FIELDS = ("request_source", "in_youth_accommodation", "cease_reason")
PLAN_FIELDS = (
    "sen_setting",
    "sen_setting_other",
    "in_sen_unit",
    "in_resourced_provision",
    "residential",
    "work_based_learning",
    "personal_budget",
    "budget_organised",
    "direct_payments",
)
PLACEMENT_FIELDS = (
    "setting",
    "sen_setting",
    "sen_setting_other",
    "entry_date",
    "leaving_date",
    "in_sen_unit",
    "in_resourced_provision",
    "residential",
    "work_based_learning",
)


def _changed(obj: Any, data: dict[str, Any], fields: tuple[str, ...]) -> list[str]:
    changed = []
    for name in fields:
        if name in data and getattr(obj, name) != data[name]:
            setattr(obj, name, data[name])
            changed.append(name)
    return changed


@transaction.atomic
def case_sen2_details_update(
    *,
    case: Case,
    actor: User,
    child: dict[str, Any],
    request: dict[str, Any],
    plan: dict[str, Any] | None = None,
    placement: dict[str, Any] | None = None,
) -> list[str]:
    """Save what the details page covers; returns the names of the items changed."""
    case = Case.objects.select_for_update(of=("self",)).select_related("child").get(pk=case.pk)
    changed: list[str] = []
    child_changes = _changed(case.child, child, CHILD_FIELDS)
    if child_changes:
        case.child.save(update_fields=child_changes)
    if "upn" in child_changes:  # the number itself is read through the API, not in the event
        event_record(type=EventType.CHILD_UPN_UPDATED, case=case, data={"child": case.child_id})
    case_changes = _changed(case, request, REQUEST_FIELDS)
    if case_changes:
        case.save(update_fields=[*case_changes, "updated_at"])
    changed += child_changes + case_changes
    if plan is not None:
        row = Plan.objects.select_for_update().filter(case=case).first()
        if row is not None:
            plan_changes = _changed(row, plan, PLAN_FIELDS)
            if plan_changes:
                row.save(update_fields=plan_changes)
                changed += plan_changes
    if placement is not None:
        current = (
            Placement.objects.select_for_update()
            .filter(case=case, rank=1)
            .order_by("-entry_date", "-id")
            .first()
        )
        if current is None:
            Placement.objects.create(
                case=case, rank=1, **{k: placement[k] for k in PLACEMENT_FIELDS}
            )
            changed.append("placement")
        else:
            placement_changes = _changed(current, placement, PLACEMENT_FIELDS)
            if placement_changes:
                current.save(update_fields=placement_changes)
                changed.append("placement")
    if changed:
        case_event_record(
            case=case,
            kind="sen2_details",
            summary="Details for the SEN2 return corrected",
            actor=actor,
            data={"changed": sorted(set(changed))},
        )
    return changed


# -- preparing the return in the worker --------------------------------------------------------

SHOWN_PROBLEMS = 500  # kept for the page; the counts by rule are complete


@transaction.atomic
def sen2_return_request(*, reference_date: date, actor: User) -> Sen2Return:
    """Ask the worker to prepare the return for `reference_date`. Asking again while one is
    waiting or being prepared for that date returns it (a double click queues nothing twice)."""
    pending = (
        Sen2Return.objects.select_for_update()
        .filter(
            reference_date=reference_date,
            status__in=[Sen2Return.Status.QUEUED, Sen2Return.Status.RUNNING],
        )
        .first()
    )
    if pending is not None:
        return pending
    prepared = Sen2Return.objects.create(reference_date=reference_date, requested_by=actor)

    def enqueue() -> None:
        from cases.sen2.tasks import sen2_return_build_task

        try:
            sen2_return_build_task.apply_async(args=[prepared.pk], retry=False)
        except Exception:  # the broker is down: the page says it is waiting; ask again later
            logging.getLogger(__name__).warning("Broker unavailable; SEN2 %s waits", prepared.pk)

    transaction.on_commit(enqueue)
    return prepared


def sen2_return_build(*, return_id: int) -> Sen2Return | None:
    """Build the counts, the validation report and the file (the worker's task). Runs once: a
    redelivered task finds the return already being prepared or ready and does nothing."""
    with transaction.atomic():
        prepared = Sen2Return.objects.select_for_update().filter(pk=return_id).first()
        if prepared is None or prepared.status != Sen2Return.Status.QUEUED:
            return prepared
        prepared.status = Sen2Return.Status.RUNNING
        prepared.started_at = timezone.now()
        prepared.save(update_fields=["status", "started_at"])
    on = prepared.reference_date
    try:
        header = sen2_header(on)
        counts = sen2_counts(on)
        report = sen2_validate(header, sen2_persons(on), keep=SHOWN_PROBLEMS)
        with tempfile.TemporaryFile("w+b") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
            sen2_write(text, header, sen2_persons(on))
            text.flush()
            size = raw.tell()
            raw.seek(0)
            prepared.file.save(f"SEN2-{on.isoformat()}.xml", File(raw), save=False)
            text.detach()
    except Exception as error:
        logging.getLogger(__name__).exception("SEN2 return %s failed", return_id)
        prepared.status = Sen2Return.Status.FAILED
        prepared.error = type(error).__name__
        prepared.finished_at = timezone.now()
        prepared.save(update_fields=["status", "error", "finished_at"])
        return prepared
    prepared.counts = counts
    prepared.by_rule = report.by_rule
    prepared.problems = [
        {
            "rule": p.rule,
            "message": p.message,
            "case_reference": p.case_reference,
            "child_name": p.child_name,
            "fix": p.fix,
        }
        for p in report.problems
    ]
    prepared.persons, prepared.requests = report.persons, report.requests
    prepared.size = size
    prepared.status = Sen2Return.Status.READY
    prepared.finished_at = timezone.now()
    prepared.save()
    return prepared
