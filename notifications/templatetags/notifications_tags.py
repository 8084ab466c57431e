"""The "Messages sent" list, included on the case page (templates/cases/case_detail.html)."""

from __future__ import annotations

from typing import Any

from django import template

from notifications.selectors import case_deliveries

register = template.Library()


@register.inclusion_tag("notifications/case_deliveries.html")
def case_deliveries_list(case: Any) -> dict[str, Any]:
    return {"deliveries": case_deliveries(case.pk), "case": case}
