"""Which school or setting the final plan can name in section I (s.39, s.40), and where each
candidate came from: the settings consulted, the panel's named setting and the family's
preference (s.38(2)(b)).

The plans app sits below panels, so it does not read panel decisions itself: panels registers
a provider (`register_panel_setting_provider`, in `PanelsConfig.ready`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cases.plans.models import Consultation, FamilyResponse, Plan

if TYPE_CHECKING:
    from cases.models import Case, Setting

_panel_setting_providers: list[Callable[[Case], Setting | None]] = []


def register_panel_setting_provider(provider: Callable[[Case], Setting | None]) -> None:
    if provider not in _panel_setting_providers:
        _panel_setting_providers.append(provider)


def panel_named_setting(case: Case) -> Setting | None:
    """The setting the panel agreed for the case, if a panel named one."""
    for provider in _panel_setting_providers:
        setting = provider(case)
        if setting is not None:
            return setting
    return None


def family_preferred_setting(plan: Plan) -> Setting | None:
    """The setting the family asked for in their latest response to the draft."""
    response = plan.responses.select_related("preferred_setting").first()
    return response.preferred_setting if response else None


def case_family_preferred_setting(case: Case) -> Setting | None:
    """The family's preference on a case (for pages above plans, such as the panel's)."""
    response = (
        FamilyResponse.objects.filter(plan__case_id=case.pk, preferred_setting__isnull=False)
        .select_related("preferred_setting")
        .order_by("-created_at", "-id")
        .first()
    )
    return response.preferred_setting if response else None


@dataclass(frozen=True)
class SettingOption:
    setting: Setting
    consultation: Consultation | None
    panel: bool
    family: bool

    @property
    def label(self) -> str:
        notes = []
        if self.panel:
            notes.append("the panel's named setting")
        if self.family:
            notes.append("the family's preference")
        answer = self._answer()
        if answer:
            notes.append(answer)
        return self.setting.name + (f" ({'; '.join(notes)})" if notes else "")

    def _answer(self) -> str:
        c = self.consultation
        if c is None:
            return "not consulted yet"
        if c.responded_on is None:
            return "consulted, no answer yet"
        return "consulted: can meet needs" if c.can_meet_needs else "consulted: cannot meet needs"


def final_plan_setting_options(plan: Plan) -> tuple[list[SettingOption], list[SettingOption]]:
    """(the settings the plan can name, the panel's or family's settings not consulted yet).

    Only a consulted setting can be named (s.39(2), s.40(2)); the panel's named setting comes
    first, then the family's preference, then the other settings consulted.
    """
    panel = panel_named_setting(plan.case)
    family = family_preferred_setting(plan)
    consultations = {
        c.setting_id: c for c in plan.consultations.select_related("setting").order_by("-sent_on")
    }
    settings = {c.setting_id: c.setting for c in consultations.values()}
    for s in (panel, family):
        if s is not None:
            settings.setdefault(s.pk, s)

    def rank(s: Setting) -> tuple[int, str]:
        first = 0 if panel and s.pk == panel.pk else 1 if family and s.pk == family.pk else 2
        return (first, s.name)

    options = [
        SettingOption(
            setting=s,
            consultation=consultations.get(s.pk),
            panel=bool(panel and s.pk == panel.pk),
            family=bool(family and s.pk == family.pk),
        )
        for s in sorted(settings.values(), key=rank)
    ]
    return (
        [o for o in options if o.consultation is not None],
        [o for o in options if o.consultation is None],
    )
