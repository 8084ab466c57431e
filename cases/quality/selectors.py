"""Reads for quality: the council's settings, the framework, the sample and the case's lists."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from cases.quality.clock import ComplaintTimescales
from cases.quality.models import CallType, Complaint, Contact, Criterion, QualitySettings

if TYPE_CHECKING:
    from cases.models import Case


def quality_settings() -> QualitySettings:
    found = QualitySettings.objects.filter(pk=1).first()
    return found if found is not None else QualitySettings(pk=1)


def complaint_timescales(s: QualitySettings | None = None) -> ComplaintTimescales:
    s = s or quality_settings()
    return ComplaintTimescales(
        stage1=s.complaint_stage1_working_days,
        stage2=s.complaint_stage2_working_days,
        lgsco=s.lgsco_working_days,
        reminder=s.complaint_reminder_working_days,
    )


def criteria_active() -> list[Criterion]:
    return list(Criterion.objects.filter(active=True))


def call_types_active() -> QuerySet[CallType]:
    return CallType.objects.filter(active=True)


def month_start(d: date) -> date:
    return d.replace(day=1)


def case_complaints(case: Case) -> list[Complaint]:
    return list(Complaint.objects.filter(case=case).select_related("handler"))


def case_contacts(case: Case, limit: int = 20) -> list[Contact]:
    return list(
        Contact.objects.filter(case=case).select_related("call_type", "recorded_by")[:limit]
    )
