from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from ehcp_portal.admin_forms import LabelledListEditableMixin
from ehcp_portal.governance.models import ErasureRecord, LegalHold, LegalPage, RetentionRule


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "last_updated"]
    readonly_fields = ["slug"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the three pages are seeded; the portal links to them by slug

    def has_delete_permission(self, request: HttpRequest, obj: LegalPage | None = None) -> bool:
        return False


@admin.register(RetentionRule)
class RetentionRuleAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ["record_type", "trigger", "period_label", "action", "active"]
    list_editable = ["active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one rule per kind of record, seeded; a council edits or switches it off

    def has_delete_permission(self, request: HttpRequest, obj: RetentionRule | None = None) -> bool:
        return False


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    """Read only: the data protection officer sets and releases holds on their Retention page,
    so every hold records who set it and why."""

    list_display = ["pk", "case", "child", "set_by", "set_at", "released_at"]
    list_filter = ["released_at"]
    raw_id_fields = ["child", "case"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    """The audit of what retention removed: read only."""

    list_display = ["at", "kind", "count", "rule_description", "case_references"]
    list_filter = ["kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
