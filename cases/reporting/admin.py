from __future__ import annotations

from django.contrib import admin

from cases.reporting.models import FigureSnapshot


@admin.register(FigureSnapshot)
class FigureSnapshotAdmin(admin.ModelAdmin):
    list_display = ("scope", "period", "computed_at")
    list_filter = ("scope",)
    readonly_fields = ("scope", "period", "computed_at", "figures")

    def has_add_permission(self, request: object) -> bool:
        return False
