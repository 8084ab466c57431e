from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from cases.models import Area
from cases.reporting.periods import Period, offered_periods, period_from_key


class DashboardFilterForm(forms.Form):
    """The period and, for those who may choose, the area. A GET form: the URL names the
    figures, so a link or a download gives exactly what the page showed."""

    period = forms.CharField(label="Period", required=False)
    area = forms.CharField(label="Area", required=False)

    def __init__(self, *args: Any, today: date, chooses_area: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.chooses_area = chooses_area
        self.period_groups = offered_periods(today)
        self.areas = list(Area.objects.order_by("name")) if chooses_area else []
        if not chooses_area:
            del self.fields["area"]

    def clean_period(self) -> Period | None:
        key = self.cleaned_data["period"]
        if not key:
            return None
        period = period_from_key(key)
        if period is None:
            raise forms.ValidationError("Choose a period from the list")
        return period

    def clean_area(self) -> Area | None:
        value = self.cleaned_data.get("area", "")
        if not value:
            return None
        area = next((a for a in self.areas if str(a.pk) == value), None)
        if area is None:
            raise forms.ValidationError("Choose an area from the list")
        return area
