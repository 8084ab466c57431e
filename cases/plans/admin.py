from __future__ import annotations

from django.contrib import admin

from cases.plans.models import (
    Consultation,
    FamilyResponse,
    Placement,
    Plan,
    PlanComment,
    PlanVersion,
    Review,
)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["case", "status", "named_setting", "twenty_week_due", "twenty_week_met"]
    list_filter = ["status", "twenty_week_met"]
    raw_id_fields = ["case", "named_setting", "final_document"]
    search_fields = ["case__reference"]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["case", "rank", "setting", "sen_setting", "entry_date", "leaving_date"]
    raw_id_fields = ["case", "setting"]
    search_fields = ["case__reference", "setting__urn"]


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "change", "created_by", "created_at"]
    raw_id_fields = ["plan", "created_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # versions are an audit trail


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["plan", "setting", "sent_on", "response_due", "responded_on", "can_meet_needs"]
    raw_id_fields = ["plan", "setting", "sent_by", "responded_by"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["plan", "due_on", "phase_transfer_due", "meeting_on", "decision", "decision_on"]
    raw_id_fields = ["plan", "letter", "created_by"]


admin.site.register(PlanComment, raw_id_fields=["plan", "author"])
admin.site.register(FamilyResponse, raw_id_fields=["plan", "preferred_setting", "submitted_by"])
