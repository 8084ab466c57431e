"""Who may send and follow bulk letters: a team manager for their own area, the head of service
for the whole council. Everyone else: the pages do not exist (404)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from ehcp_portal import access
from ehcp_portal.accounts.models import Role

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

BULK_SEND = "bulk_send"
BULK_VIEW = "bulk_send.view"
BULK_ROLES = (Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE)


def _managers_area(user: User) -> Q:
    area_id = access.user_area_id(user)
    return Q(area_id=area_id) if area_id is not None else access.NOTHING


def _council_wide(user: User) -> Q:
    return Q()


def register() -> None:
    from cases.correspondence.models import BulkSend

    access.subject_register(BULK_SEND, BulkSend)
    access.rule_register(BULK_SEND, BULK_VIEW, _managers_area, roles=[Role.TEAM_MANAGER])
    access.rule_register(BULK_SEND, BULK_VIEW, _council_wide, roles=[Role.HEAD_OF_SERVICE])


def bulk_area_or_404(user: User) -> int | None:
    """The area a user sends bulk letters to (None: every area, the head of service); 404 for
    anyone who may not send them."""
    access.role_required(user, *BULK_ROLES)
    if user.role == Role.HEAD_OF_SERVICE:
        return None
    return access.managed_area_id_or_404(user)
