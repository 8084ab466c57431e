from __future__ import annotations

from django.contrib import admin

from cases.advice.models import AdviceRequest, AdviceTeam


@admin.register(AdviceTeam)
class AdviceTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "lead"]
    filter_horizontal = ["members"]
    raw_id_fields = ["lead"]


@admin.register(AdviceRequest)
class AdviceRequestAdmin(admin.ModelAdmin):
    list_display = [
        "case",
        "source",
        "addressee",
        "team",
        "setting",
        "requested_on",
        "due_on",
        "state",
    ]
    list_filter = ["state", "source"]
    raw_id_fields = ["case", "addressee", "setting", "requested_by", "responded_by"]
    readonly_fields = ["public_id", "created_at"]
    filter_horizontal = ["attachments"]
