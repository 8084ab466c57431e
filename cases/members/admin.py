from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from cases.members.models import MemberEnquiry, MemberEnquiryEvent


class MemberEnquiryEventInline(admin.TabularInline):
    model = MemberEnquiryEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "summary", "actor", "created_at"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(MemberEnquiry)
class MemberEnquiryAdmin(admin.ModelAdmin):
    list_display = ["public_id", "member", "member_ward", "category", "status", "target_reply_on"]
    list_filter = ["status", "category", "area"]
    search_fields = ["public_id", "member__email", "member__full_name", "case__reference"]
    raw_id_fields = ["member", "case", "assigned_officer", "matched_by", "replied_by", "closed_by"]
    readonly_fields = ["public_id", "created_at", "received_on", "target_reply_on"]
    inlines = [MemberEnquiryEventInline]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # A query is never lost: it is closed with a reason, not deleted.
        return False
