"""Who sees the dashboard, about which area, and who may follow a figure to its cases.

- A team manager: their own area's figures, and the cases behind them.
- The head of service: the whole council or any one area, and the cases behind them.
- An elected member on the scrutiny board: the whole council or any one area, aggregate only:
  no list of cases, no names of caseworkers, nothing that names a child.
- Anyone else: the pages do not exist (404), as everywhere in the portal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404

from ehcp_portal import access
from ehcp_portal.accounts.models import Role

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


@dataclass(frozen=True)
class Viewer:
    staff: bool  # may follow a figure to the cases behind it
    area_id: int | None  # the area a manager is held to; None: they may choose
    chooses_area: bool


def dashboard_viewer(user: User) -> Viewer:
    if not user.is_authenticated:
        raise Http404("Not found")
    if user.role == Role.TEAM_MANAGER:
        return Viewer(staff=True, area_id=access.managed_area_id_or_404(user), chooses_area=False)
    if user.role == Role.HEAD_OF_SERVICE:
        return Viewer(staff=True, area_id=None, chooses_area=True)
    if user.role == Role.ELECTED_MEMBER and user.scrutiny_board:
        return Viewer(staff=False, area_id=None, chooses_area=True)
    raise Http404("Not found")


def staff_viewer(user: User) -> Viewer:
    """The cases behind a figure: staff only; for a member of the scrutiny board they do not
    exist."""
    viewer = dashboard_viewer(user)
    if not viewer.staff:
        raise Http404("Not found")
    return viewer
