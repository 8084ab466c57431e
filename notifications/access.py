"""Who may see (and retry) failed deliveries: administrators all; a team manager those about
their area's cases or to people in their area's teams."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from ehcp_portal import access
from ehcp_portal.accounts.models import Role

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


def failed_notifications_filter(user: User) -> Q:
    if not user.is_authenticated or not user.is_active:
        return access.NOTHING
    if user.role == Role.ADMIN:
        return Q()
    if user.role == Role.TEAM_MANAGER:
        area_id = access.user_area_id(user)
        if not area_id:
            return access.NOTHING
        return Q(case__area_id=area_id) | Q(recipient__team__area_id=area_id)
    return access.NOTHING
