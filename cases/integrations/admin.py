"""Issuing API clients. The secret is shown once, on the page after saving; only its hash is
kept, so a lost secret is replaced (the "issue a new secret" action), never recovered. The
idempotency records are not shown: they hold answers with children's data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from cases.integrations.models import ApiClient, Scope
from cases.integrations.tokens import client_revoke, client_secret_issue


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices, widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = ApiClient
        fields = ["name", "owner", "scopes", "areas", "expires_at", "rate_per_minute"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ["name", "owner", "scope_list", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "owner__email"]
    filter_horizontal = ["areas"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    autocomplete_fields = ["owner"]
    actions = ["revoke", "new_secret"]

    @admin.display(description="Scopes")
    def scope_list(self, client: ApiClient) -> str:
        return ", ".join(client.scopes)

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token = client_secret_issue(client=obj)
        messages.warning(
            request,
            f"The token for {obj.name} is {token} — copy it now: it is not shown again.",
        )

    @admin.action(description="Revoke the chosen clients (they are refused at once)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset.filter(revoked_at__isnull=True):
            client_revoke(client=client, at=timezone.now())
        messages.success(request, "Revoked.")

    @admin.action(description="Issue a new secret (the old one stops working)")
    def new_secret(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            token = client_secret_issue(client=client)
            messages.warning(request, f"New token for {client.name}: {token} — shown once.")
