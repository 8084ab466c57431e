from __future__ import annotations

from typing import Any

from django.contrib import admin

from cases.sen2.models import Sen2Return


@admin.register(Sen2Return)
class Sen2ReturnAdmin(admin.ModelAdmin):
    """Prepared returns, read only: an administrator may delete old ones (and their files)."""

    list_display = ["reference_date", "status", "requested_by", "requested_at", "persons", "size"]
    list_filter = ["status"]
    exclude = ["problems", "file"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: Any, obj: Sen2Return) -> None:
        obj.file.delete(save=False)  # the file holds every child in the return
        super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for prepared in queryset:
            prepared.file.delete(save=False)
        super().delete_queryset(request, queryset)
