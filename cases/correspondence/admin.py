"""The council's letter wording in the admin: every save is tested (the wording parsed, the
statutory blocks present, the letter rendered for a demo case) and written as a new version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path

from cases.correspondence.models import BulkSend, LetterJob, LetterTemplate
from cases.correspondence.services import (
    letter_jobs_retry,
    letter_template_check,
    letter_template_preview_pdf,
    letter_template_save,
)
from cases.correspondence.wording import WordingInvalid, wording_parse


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["kind", "language", "title", "body", "signature"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, language = data.get("kind"), data.get("language")
        if not kind or not language:
            return data
        for name in ("title", "body", "signature"):
            if "\x00" in (data.get(name) or ""):
                self.add_error(name, "Remove the invisible control character from this text.")
        try:
            letter_template_check(kind=kind, language=language, body=data.get("body") or "")
        except WordingInvalid as invalid:
            for error in invalid.errors:
                self.add_error("body", error)
        for name in ("title", "signature"):
            try:
                wording_parse(data.get(name) or "", blocks=())
            except WordingInvalid as invalid:
                for error in invalid.errors:
                    self.add_error(name, error)
        if not self.errors:
            # The test render: the letter is made for the demo case before anything is saved.
            try:
                self.preview_pdf = letter_template_preview_pdf(self._unsaved(data))
            except Exception as error:  # any failure to render is the template's to fix
                raise forms.ValidationError(
                    f"The letter could not be made with this wording: {error}"
                ) from error
        return data

    @staticmethod
    def _unsaved(data: dict[str, Any]) -> LetterTemplate:
        return LetterTemplate(
            kind=data["kind"],
            language=data["language"],
            title=data.get("title") or "",
            body=data.get("body") or "",
            signature=data.get("signature") or "",
        )


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    form = LetterTemplateForm
    list_display = ["kind", "language", "version", "created_at", "created_by"]
    list_filter = ["kind", "language"]
    readonly_fields = ["version", "created_at", "created_by"]
    change_form_template = "admin/correspondence/lettertemplate/change_form.html"

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # every version stays: letters record the one they used

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = letter_template_save(
            kind=obj.kind,
            language=obj.language,
            title=obj.title,
            body=obj.body,
            signature=obj.signature,
            actor=request.user,  # type: ignore[arg-type]
        )
        obj.pk, obj.version, obj.created_at = saved.pk, saved.version, saved.created_at
        obj.created_by = saved.created_by
        messages.info(request, f"Saved as version {saved.version}: the next letter uses it.")

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST" and "_preview" in request.POST:
            form = LetterTemplateForm(request.POST)
            if form.is_valid():
                return _pdf(form.preview_pdf, "preview")
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="correspondence_lettertemplate_preview",
            )
        ]
        return own + super().get_urls()

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            from django.http import Http404

            raise Http404
        template = get_object_or_404(LetterTemplate, pk=pk)
        return _pdf(letter_template_preview_pdf(template), f"preview-v{template.version}")


def _pdf(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{name}.pdf"'
    return response


@admin.register(LetterJob)
class LetterJobAdmin(admin.ModelAdmin):
    list_display = ["case", "letter", "status", "attempts", "created_at", "made_at"]
    list_filter = ["status", "letter"]
    readonly_fields = [f.name for f in LetterJob._meta.fields]
    actions = ["letters_try_again"]

    @admin.action(description="Try again to make the selected letters that failed")
    def letters_try_again(self, request: HttpRequest, queryset: Any) -> None:
        count = letter_jobs_retry(job_ids=list(queryset.values_list("pk", flat=True)))
        messages.info(request, f"{count} letter(s) handed to the worker again.")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(BulkSend)
class BulkSendAdmin(admin.ModelAdmin):
    list_display = ["title", "cohort", "status", "total", "sent", "failed", "created_at"]
    list_filter = ["status", "cohort"]
    readonly_fields = [f.name for f in BulkSend._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
