"""Webhooks in the admin: subscriptions, the delivery log and replay. Events are read-only
(the database refuses to change them anyway)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from cases.events.models import Event, EventType, WebhookDelivery, WebhookSubscription
from cases.events.services import webhook_deliveries_replay


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label="Address", max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events sent to this address.",
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "event_types", "area", "active", "secret"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ["name", "url", "area", "active", "created_at"]
    list_filter = ["active", "area"]
    search_fields = ["name", "url"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["id", "type", "case_reference", "occurred_at"]
    list_filter = ["type"]
    search_fields = ["case_reference"]
    readonly_fields = ["id", "type", "occurred_at", "case_id", "case_reference", "area_id", "data"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "event",
        "subscription",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "subscription"]
    list_select_related = ["event", "subscription"]
    search_fields = ["event__case_reference"]
    readonly_fields = [
        "event",
        "subscription",
        "status",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "last_response",
        "last_error",
        "delivered_at",
        "created_at",
    ]
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Replay: send the chosen deliveries again", permissions=["change"])
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = webhook_deliveries_replay(deliveries=queryset)
        self.message_user(
            request, f"{count} deliveries queued to be sent again.", level=messages.SUCCESS
        )
