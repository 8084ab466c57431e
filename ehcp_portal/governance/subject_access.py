"""The subject access bundle (UK GDPR Art 15): everything the portal holds about one child, in
one zip, put together by the worker for the data protection officer.

The zip holds `summary.pdf` (a readable, tagged PDF), `data.json` (every record, machine
readable), `timeline.json` and `access-log.json`, and every file: documents and letters of every
case, and evidence uploaded to requests. Records are read generically (every model that points
at a case, and what points at those), so a part of a case added by a new app is in the bundle
without changing this module. The officer checks it for other people's information before it
is sent (Art 15(4); Data Protection Act 2018 Sch 2 Part 3).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core import serializers
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cases.models import Case, CaseEvent, CouncilProfile, Document
from ehcp_portal.accounts.models import User
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.selectors import access_records_for_child
from ehcp_portal.audit.services import access_record
from ehcp_portal.governance.models import SubjectAccessBundle
from ehcp_portal.governance.retention import (
    SUBJECT_ACCESS_BUNDLE_DAYS,
    case_relations,
    reverse_relations,
)
from ehcp_portal.governance.selectors import member_enquiries_naming
from families.models import Child, Consent, FamilyMembership, RequestDraft

logger = logging.getLogger(__name__)
# WeasyPrint logs every rendering step at INFO.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Never in a bundle: secrets that guard sign-in, not information about the child.
SECRET_FIELDS = frozenset({"password", "code_hash", "token", "token_hash", "idempotency_key"})
# The readable summary lists this many lines of the access log; data.json has them all.
SUMMARY_ACCESS_LINES = 500


def _rows(queryset: Iterable[models.Model], people: set[int] | None = None) -> list[dict[str, Any]]:
    """Each row's fields by name (foreign keys as ids). The ids of people (users) the rows name
    are added to `people`, so the bundle can say who they are."""
    rows = []
    items = list(queryset)
    user_fields: list[str] = []
    if items:
        user_fields = [
            f.name
            for f in items[0]._meta.concrete_fields
            if f.is_relation and f.related_model is User
        ]
    for item in serializers.serialize("python", items):
        fields = {k: v for k, v in item["fields"].items() if k not in SECRET_FIELDS}
        if people is not None:
            people.update(fields[f] for f in user_fields if fields.get(f) is not None)
        rows.append({"id": item["pk"], **fields})
    return rows


def _label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def case_records(case_ids: list[int], people: set[int]) -> dict[str, list[dict[str, Any]]]:
    """Every row of every model that points at these cases, and the rows that point at those
    (a plan's versions, a meeting item's decisions, an enquiry's events), by model label."""
    found: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[str, Any]] = set()

    def add(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        label = _label(model)
        for row in rows:
            if (label, row["id"]) not in seen:
                seen.add((label, row["id"]))
                found.setdefault(label, []).append(row)

    for model, fk in case_relations():
        if model in (CaseEvent,):
            continue  # the timeline has its own file
        rows = list(model._base_manager.filter(**{f"{fk}__in": case_ids}).order_by("pk"))
        add(model, _rows(rows, people))
        if not rows or model is Document:
            continue
        for child_model, child_fk in reverse_relations(model):
            if child_model in (Case, Document):
                continue
            add(
                child_model,
                _rows(
                    child_model._base_manager.filter(
                        **{f"{child_fk}__in": [r.pk for r in rows]}
                    ).order_by("pk"),
                    people,
                ),
            )
    return found


def child_bundle_data(child: Child) -> dict[str, Any]:
    """Everything held about the child, as plain data (the content of data.json)."""
    cases = list(Case.objects.filter(child=child).order_by("received_on", "pk"))
    case_ids = [c.pk for c in cases]
    memberships = list(
        FamilyMembership.objects.filter(child=child).select_related("user").order_by("pk")
    )
    events = list(CaseEvent.objects.filter(case_id__in=case_ids).order_by("created_at", "pk"))
    access_log = list(access_records_for_child(child.pk))
    people: set[int] = set()
    data: dict[str, Any] = {
        "produced_at": timezone.now(),
        "council": CouncilProfile.current().name,
        "child": _rows([child])[0],
        "family": [
            {
                "name": m.user.get_full_name(),
                "email": m.user.email,
                "phone": m.user.phone,
                "relationship": m.get_relationship_display(),
                "since": m.created_at,
            }
            for m in memberships
        ],
        "consents": _rows(Consent.objects.filter(child=child).order_by("pk"), people),
        "requests": _rows(RequestDraft.objects.filter(child=child).order_by("pk"), people),
        "cases": _rows(cases, people),
        "records": case_records(case_ids, people),
        # A councillor's enquiry names the child before (or without) being matched to a case.
        "member_enquiries_not_matched": _rows(member_enquiries_naming(child), people),
        "timeline": _rows(events, people),
        "access_log": _rows(access_log, people),
    }
    # The records name people by id: who each one is, by name and role.
    data["people"] = {
        str(u.pk): {"name": u.get_full_name(), "role": u.get_role_display()}
        for u in User.objects.filter(pk__in=people)
    }
    return data


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:80] or "file"


def child_files(child: Child) -> list[tuple[str, Document]]:
    """(path in the zip, document) for every file about the child: documents and letters of
    every case, evidence sent with requests, advice attachments."""
    cases = {c.pk: c.reference for c in Case.objects.filter(child=child)}
    documents = Document.objects.filter(
        models.Q(case_id__in=list(cases))
        | models.Q(request_drafts__child=child)
        | models.Q(pk__in=_advice_attachment_ids(list(cases)))
    ).distinct()
    out = []
    for doc in documents.order_by("created_at", "pk"):
        folder = "letters" if doc.kind == Document.Kind.LETTER else "documents"
        where = cases.get(doc.case_id or 0, "requests")
        name = str(doc.file.name)
        extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
        out.append((f"{folder}/{where}/{doc.pk}-{_safe(doc.title)}.{extension}", doc))
    return out


def _advice_attachment_ids(case_ids: list[int]) -> list[int]:
    from cases.advice.models import AdviceRequest

    through = AdviceRequest.attachments.through
    return list(
        through.objects.filter(advicerequest__case_id__in=case_ids).values_list(
            "document_id", flat=True
        )
    )


def summary_pdf(child: Child, data: dict[str, Any], files: list[tuple[str, Document]]) -> bytes:
    import weasyprint

    cases = list(Case.objects.filter(child=child).order_by("received_on", "pk"))
    events_by_case: dict[int, list[CaseEvent]] = {}
    for event in CaseEvent.objects.filter(case__in=cases).order_by("created_at", "pk"):
        events_by_case.setdefault(event.case_id, []).append(event)
    access_log = list(access_records_for_child(child.pk)[:SUMMARY_ACCESS_LINES])
    html = render_to_string(
        "governance/bundle_summary.html",
        {
            "child": child,
            "council": CouncilProfile.current(),
            "produced_at": data["produced_at"],
            "family": data["family"],
            "consents": Consent.objects.filter(child=child).order_by("given_at"),
            "cases": [(c, events_by_case.get(c.pk, [])) for c in cases],
            "files": files,
            "records": sorted((label, len(rows)) for label, rows in data["records"].items()),
            "access_log": access_log,
            "access_total": len(data["access_log"]),
            "access_shown": SUMMARY_ACCESS_LINES,
        },
    )
    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def _progress(bundle: SubjectAccessBundle, percent: int, step: str) -> None:
    SubjectAccessBundle.objects.filter(pk=bundle.pk).update(
        progress=percent, step=step, status=SubjectAccessBundle.Status.BUILDING
    )


README = """Subject access bundle for {name}, produced {when} by {council}.

summary.pdf       a readable summary: the child, family, consents, each case with its
                  timeline, the list of files, and who has read the record
data.json         every record held, machine readable (UTF-8 JSON): the child, family,
                  consents, requests, cases, every record linked to a case (plans and their
                  versions, messages, advice requests, panel papers and decisions, councillors'
                  enquiries, ...), the timeline, the access log, and the people named by id
timeline.json     each case's timeline on its own
access-log.json   who read the child's record, when, in what role and through which route
letters/          every letter sent, by case reference
documents/        every other document, by case reference ("requests": sent with a request)
"""


def subject_access_bundle_build(bundle_id: int) -> SubjectAccessBundle:
    """Put the bundle together and store it privately; records the read in the access log."""
    bundle = SubjectAccessBundle.objects.select_related("child", "requested_by").get(pk=bundle_id)
    if bundle.status == SubjectAccessBundle.Status.READY:
        return bundle  # a redelivered task: already done
    child = bundle.child
    try:
        _progress(bundle, 5, "Collecting the records")
        data = child_bundle_data(child)
        files = child_files(child)
        with tempfile.TemporaryFile() as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                missing = []
                for index, (path, document) in enumerate(files, start=1):
                    try:
                        with document.file.open("rb") as fh, zf.open(path, "w") as out:
                            shutil.copyfileobj(fh, out, 1024 * 1024)
                    except (FileNotFoundError, OSError):
                        missing.append(path)
                    if index % 10 == 0 or index == len(files):
                        _progress(bundle, 5 + 75 * index // len(files), "Adding documents")
                data["files"] = [{"path": p, "document_id": d.pk} for p, d in files]
                data["files_missing"] = missing
                _progress(bundle, 85, "Writing the summary")
                zf.writestr("summary.pdf", summary_pdf(child, data, files))
                dump = lambda v: json.dumps(v, cls=DjangoJSONEncoder, indent=2)  # noqa: E731
                zf.writestr("data.json", dump(data))
                zf.writestr("timeline.json", dump(data["timeline"]))
                zf.writestr("access-log.json", dump(data["access_log"]))
                zf.writestr(
                    "README.txt",
                    README.format(
                        name=child.full_name,
                        when=f"{timezone.localtime(data['produced_at']):%-d %B %Y %H:%M}",
                        council=data["council"],
                    ),
                )
            tmp.seek(0)
            with transaction.atomic():
                bundle.file.save(
                    f"sar-{child.pk}-{timezone.now():%Y%m%d%H%M%S}.zip", File(tmp), save=False
                )
                bundle.size = bundle.file.size
                bundle.files_included = len(files) - len(missing)
                bundle.status = SubjectAccessBundle.Status.READY
                bundle.progress = 100
                bundle.step = "Ready"
                bundle.completed_at = timezone.now()
                bundle.save()
                if bundle.requested_by is not None:
                    access_record(
                        bundle.requested_by,
                        kind=AccessKind.SUBJECT_ACCESS,
                        child_id=child.pk,
                        object_ref=f"bundle {bundle.public_id}",
                    )
    except Exception as exc:
        logger.exception("Subject access bundle %s failed", bundle.pk)
        SubjectAccessBundle.objects.filter(pk=bundle.pk).update(
            status=SubjectAccessBundle.Status.FAILED, error=type(exc).__name__[:300]
        )
        raise
    return bundle


def subject_access_bundle_request(*, child: Child, actor: User) -> SubjectAccessBundle:
    """Ask the worker for a bundle; the officer's page follows its progress."""
    from ehcp_portal.governance.tasks import subject_access_bundle_task

    bundle = SubjectAccessBundle.objects.create(
        child=child,
        requested_by=actor,
        expires_at=timezone.now() + timedelta(days=SUBJECT_ACCESS_BUNDLE_DAYS),
        step="Waiting for the worker",
    )
    transaction.on_commit(lambda: subject_access_bundle_task.delay(bundle.pk))
    return bundle
