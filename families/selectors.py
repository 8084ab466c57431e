from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from cases.models import Case
from families.models import Child

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


def children_of(user: User) -> QuerySet[Child]:
    """The children this family member is linked to, each with their cases."""
    return (
        Child.objects.filter(memberships__user_id=user.pk)
        .prefetch_related(
            Prefetch(
                "cases", queryset=Case.objects.select_related("caseworker").order_by("-received_on")
            )
        )
        .order_by("first_name")
    )
