"""The council's configuration of quality: the audit framework, the sampling rule, QA sign-off,
complaint timescales and call types. Accessible admin pages as the others are."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.quality.models import CallType, Complaint, Criterion, PlanAudit, QualitySettings
from ehcp_portal.admin_forms import LabelledListEditableMixin


@admin.register(QualitySettings)
class QualitySettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        (
            "Sampling plans for audit",
            {"fields": ["sample_percent", "sample_caseworker", "sample_setting"]},
        ),
        ("Sign-off", {"fields": ["qa_signoff_required"]}),
        (
            "Complaint timescales",
            {
                "fields": [
                    "complaint_stage1_working_days",
                    "complaint_stage2_working_days",
                    "lgsco_working_days",
                    "complaint_reminder_working_days",
                ]
            },
        ),
    ]
    raw_id_fields = ["sample_caseworker", "sample_setting"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not QualitySettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Criterion)
class CriterionAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ["text", "heading", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["heading", "active"]


@admin.register(CallType)
class CallTypeAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ["name", "order", "active"]
    list_editable = ["order", "active"]


@admin.register(PlanAudit)
class PlanAuditAdmin(admin.ModelAdmin):
    list_display = ["case", "month", "status", "grade", "moderated_grade"]
    list_filter = ["status", "grade", "month"]
    readonly_fields = [f.name for f in PlanAudit._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "stage", "received_on", "response_due_on", "outcome"]
    list_filter = ["kind", "stage", "outcome"]
    readonly_fields = [f.name for f in Complaint._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
