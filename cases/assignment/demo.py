"""Assignment in the demo council: caseworker profiles the rules can choose between, and the
real priority rule (`rules.case_priority`, configured weights) for every demo case."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from cases.assignment import rules
from cases.assignment.facts import priority_weights_load
from cases.assignment.models import CaseworkerProfile
from cases.assignment.priorities import consent_is_agency
from cases.demo import BATCH, CasePriority, DemoCouncil
from cases.models import Case
from families.models import Consent

# fte, target caseload, specialisms, languages: targets match the demo's scale of roughly 150
# open cases per caseworker.
PROFILE_PATTERNS = [
    (Decimal("1.00"), 140, ["early_years", "asd"], ["Urdu", "Punjabi"]),
    (Decimal("0.80"), 130, ["semh", "looked_after"], ["Polish"]),
    (Decimal("0.60"), 140, ["post16", "learning"], []),
    (Decimal("1.00"), 150, ["sensory", "slcn"], ["Arabic"]),
    (Decimal("0.50"), 140, ["physical", "early_years"], ["Romanian", "Kurdish"]),
]


def build_assignment_profiles(council: DemoCouncil) -> None:
    """Caseworker profiles with different hours, caseloads, specialisms and languages, so the
    assignment rules have something to choose between (one bulk insert)."""
    profiles = []
    for workers in council.caseworkers.values():
        for i, user in enumerate(workers):
            fte, target, specialisms, languages = PROFILE_PATTERNS[i % len(PROFILE_PATTERNS)]
            profiles.append(
                CaseworkerProfile(
                    user=user,
                    fte=fte,
                    target_caseload=target,
                    specialisms=specialisms,
                    languages=languages,
                )
            )
    # One caseworker away, so the rebalancing page has someone to move cases from.
    if len(profiles) > 2:
        profiles[-1].taking_new_cases = False
        profiles[-1].not_taking_reason = CaseworkerProfile.NotTakingReason.ABSENT
        profiles[-1].not_taking_note = "On leave for six weeks"
    CaseworkerProfile.objects.bulk_create(profiles, batch_size=BATCH)


def case_priority_rule(council: DemoCouncil, consents: Iterable[Consent]) -> CasePriority:
    """The real priority rule with the configured weights, for cases the demo bulk-creates.
    Agencies are counted as `case_priority_refresh` counts them: the distinct parties the
    family has consented to share with (not elected members), from the batch's consents as
    made (they are written beside the cases, on another connection)."""
    weights = priority_weights_load()
    parties: dict[int, set[str]] = defaultdict(set)
    for consent in consents:
        if consent_is_agency(consent):
            parties[consent.child_id].add(consent.party)
    agencies = {child_id: len(agreed) for child_id, agreed in parties.items()}

    def priority(case: Case) -> tuple[int, list[dict[str, Any]]]:
        return rules.case_priority(
            case, today=council.today, weights=weights, agencies=agencies.get(case.child_id, 0)
        )

    return priority
