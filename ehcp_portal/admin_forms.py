"""Accessible admin list pages: a list-editable input sits in a table cell with no label of its
own, so axe (and a screen reader) finds "weight" three times with no name. Each input is named
after its column and its row ("Weight: Area match")."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class LabelledListEditableMixin(admin.ModelAdmin):
    def get_changelist_formset(self, request: HttpRequest, **kwargs: Any) -> Any:
        formset = super().get_changelist_formset(request, **kwargs)

        class Labelled(formset):  # type: ignore[misc, valid-type]
            def _construct_form(self, i: int, **kw: Any) -> Any:
                form = super()._construct_form(i, **kw)
                for field in form.fields.values():
                    # form.fields is the form's own deep copy: labels do not leak between rows.
                    field.widget.attrs["aria-label"] = f"{field.label}: {form.instance}"
                return form

        return Labelled
