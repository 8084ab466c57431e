from __future__ import annotations

from django.contrib import admin

from notifications.forms import NotificationTemplateAdminForm
from notifications.models import Notification, NotificationTemplate


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    form = NotificationTemplateAdminForm
    list_display = ["name", "purpose", "statutory", "updated_at"]
    search_fields = ["name", "purpose", "subject"]
    readonly_fields = ["updated_at"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "channel", "status", "attempts", "created_at"]
    list_filter = ["status", "channel", "purpose", "statutory"]
    search_fields = ["subject", "recipient__email", "idempotency_key"]
    raw_id_fields = ["recipient", "case", "document"]
    readonly_fields = [
        "idempotency_key",
        "created_at",
        "sent_at",
        "read_at",
        "provider_id",
        "provider_status",
        "delivered_at",
    ]
