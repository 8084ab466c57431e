from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ehcp_portal.audit.models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only (the database refuses changes, see migration 0002) and
    only the retention schedule removes records."""

    list_display = ("at", "user_name", "role", "organisation", "case_reference", "kind", "channel")
    list_filter = ("kind", "role", "channel")
    search_fields = ("case_reference", "user_name")
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
