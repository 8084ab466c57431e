"""Where each role lands after sign-in, and what its navigation holds."""

from __future__ import annotations

from dataclasses import dataclass

from ehcp_portal.accounts.models import Role

HOME_URL_NAME: dict[str, str] = {
    Role.PARENT: "families:home",
    Role.YOUNG_PERSON: "families:home",
    Role.SCHOOL: "schools:home",
    Role.ADVICE_GIVER: "advice:home",
    Role.CASEWORKER: "casework:caseload",
    Role.TEAM_MANAGER: "casework:team",
    Role.PANEL_MEMBER: "panels:home",
    Role.ELECTED_MEMBER: "members:home",
    # The head of service answers for the council's performance: the dashboard is their home.
    Role.HEAD_OF_SERVICE: "reporting:dashboard",
    Role.DPO: "audit:search",
    Role.QA_OFFICER: "quality:home",
    Role.ADMIN: "admin:index",
}

# (label, url name) per role; the first is the role's home.
NAVIGATION: dict[str, list[tuple[str, str]]] = {
    Role.PARENT: [("Your children and requests", "families:home")],
    Role.YOUNG_PERSON: [("Your requests", "families:home")],
    Role.SCHOOL: [("Your pupils", "schools:home")],
    Role.ADVICE_GIVER: [("Advice requests", "advice:home")],
    Role.CASEWORKER: [
        ("My caseload", "casework:caseload"),
        ("Phase transfers", "casework:phase_transfers"),
    ],
    Role.TEAM_MANAGER: [
        ("Team caseloads", "casework:team"),
        ("Team's cases", "casework:caseload"),
        ("Phase transfers", "casework:phase_transfers"),
    ],
    Role.PANEL_MEMBER: [("Panels", "panels:home")],
    Role.ELECTED_MEMBER: [("Your casework queries", "members:home")],
    Role.HEAD_OF_SERVICE: [("Performance", "reporting:dashboard")],
    Role.DPO: [("Access log", "audit:search")],
    Role.QA_OFFICER: [("Plan audits", "quality:home")],
    Role.ADMIN: [("Configuration", "admin:index")],
}

# Panels: team managers oversee their area's meetings (agendas, ratification, minutes).
NAVIGATION[Role.TEAM_MANAGER].append(("Panels", "panels:meetings"))
# The council's casework inbox for elected members' queries (docs/requirements.md R3).
NAVIGATION[Role.TEAM_MANAGER].append(("Member queries", "members:inbox"))
NAVIGATION[Role.TEAM_MANAGER].append(("Scrutiny report", "members:reports"))
NAVIGATION[Role.CASEWORKER].append(("Member queries", "members:inbox"))
NAVIGATION[Role.TEAM_MANAGER] += [
    ("Unassigned queue", "assignment:queue"),
    ("Triage queue", "assignment:triage"),
    ("Rebalance caseloads", "assignment:rebalance"),
    ("Import a cohort", "assignment:cohort"),
]
# The front door (docs/requirements.md R2): caseworkers and managers key requests that arrive on
# paper, by phone or by email (assisted digital).
NAVIGATION[Role.CASEWORKER].append(
    ("Enter a paper or phone request", "families:assisted_request_start")
)
NAVIGATION[Role.TEAM_MANAGER].append(
    ("Enter a paper or phone request", "families:assisted_request_start")
)
# School users answer consultations about naming their setting and read plans that name it.
NAVIGATION[Role.SCHOOL].append(("Consultations and plans", "plans:consultation_list"))
# Schools and settings give educational advice for an assessment (reg 6(1)(b)).
NAVIGATION[Role.SCHOOL].append(("Advice requests", "advice:home"))
# Schools' pupils moving phase in September (reg 18), and the caseworker's view with the
# reviews' progress and the bulk invitation to start them early (cases.schools).
NAVIGATION[Role.SCHOOL].append(("Moving school", "schools:phase_transfers"))
# The head of service ratifies non-quorate panel decisions in any area (panels/access.py).
NAVIGATION.setdefault(Role.HEAD_OF_SERVICE, []).append(
    ("Decisions to ratify", "panels:ratification")
)
# The data protection officer: subject access bundles, the retention schedule and legal holds.
NAVIGATION[Role.DPO].append(("Subject access requests", "governance:subject_access"))
NAVIGATION[Role.DPO].append(("Retention", "governance:retention"))
# The performance dashboard (cases.reporting): managers see their area's figures. Members of
# the scrutiny board see the council's, aggregate only; the page itself refuses (404) other
# elected members, so the link is offered to the members who sit on the board (see
# `navigation_for`).
NAVIGATION[Role.TEAM_MANAGER].insert(1, ("Performance", "reporting:dashboard"))
# Bulk letters (cases.correspondence): a manager writes to a cohort of their area, the head of
# service to the council's.
NAVIGATION[Role.TEAM_MANAGER].append(("Bulk letters", "correspondence:bulk_list"))
NAVIGATION[Role.HEAD_OF_SERVICE].append(("Bulk letters", "correspondence:bulk_list"))
# Quality (cases.quality): complaints on the cases staff work; managers read survey comments.
NAVIGATION[Role.CASEWORKER].append(("Complaints", "quality:complaints"))
NAVIGATION[Role.TEAM_MANAGER].append(("Complaints", "quality:complaints"))
NAVIGATION[Role.TEAM_MANAGER].append(("Family feedback", "quality:survey_comments"))
NAVIGATION[Role.HEAD_OF_SERVICE].append(("Complaints", "quality:complaints"))
NAVIGATION[Role.HEAD_OF_SERVICE].append(("Family feedback", "quality:survey_comments"))
SCRUTINY_NAVIGATION: list[tuple[str, str]] = [("Service performance", "reporting:dashboard")]


def navigation_for(user: object) -> list[tuple[str, str]]:
    """The user's navigation: their role's, and the dashboard for the scrutiny board."""
    items = list(NAVIGATION.get(getattr(user, "role", ""), []))
    if getattr(user, "role", "") == Role.ELECTED_MEMBER and getattr(user, "scrutiny_board", False):
        items += SCRUTINY_NAVIGATION
    return items


# The head of service sends the council's SEN2 return to the DfE (cases/sen2).
NAVIGATION[Role.HEAD_OF_SERVICE].append(("SEN2 return", "sen2:report"))
# Roles whose pages are case-working tools: the full width of the screen (MOJ Frontend's pattern
# for case-working services). Citizens, schools and advice givers keep the 960 px reading column.
WIDE_ROLES: frozenset[str] = frozenset(
    {
        Role.CASEWORKER,
        Role.TEAM_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.PANEL_MEMBER,
        Role.DPO,
        Role.QA_OFFICER,
        Role.ADMIN,
    }
)

# A role's destinations grouped under fewer top items: (top label, [url names]). The top item
# links to its first destination; on any page of the group a sub-navigation lists them all, so
# every destination of NAVIGATION stays one click from the group's pages.
GROUPS: dict[str, list[tuple[str, list[str]]]] = {
    Role.TEAM_MANAGER: [
        (
            "Team",
            [
                "casework:team",
                "assignment:queue",
                "assignment:triage",
                "assignment:rebalance",
                "assignment:cohort",
                "casework:phase_transfers",
            ],
        ),
        (
            "Cases",
            [
                "casework:caseload",
                "families:assisted_request_start",
                "correspondence:bulk_list",
            ],
        ),
        ("Member queries", ["members:inbox", "members:reports"]),
        ("Complaints and feedback", ["quality:complaints", "quality:survey_comments"]),
    ],
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    children: tuple[tuple[str, str], ...] = ()


def navigation_grouped(user: object) -> list[NavItem]:
    """The user's navigation with its groups folded: each group appears once, where its first
    destination was, and holds its destinations as children."""
    items = navigation_for(user)
    labels = {name: label for label, name in items}
    group_of: dict[str, tuple[str, list[str]]] = {}
    for group in GROUPS.get(getattr(user, "role", ""), []):
        for name in group[1]:
            group_of[name] = group
    grouped: list[NavItem] = []
    seen: set[str] = set()
    for label, name in items:
        found = group_of.get(name)
        if found is None:
            grouped.append(NavItem(label, name))
            continue
        if found[0] in seen:
            continue
        seen.add(found[0])
        members = [(labels[n], n) for n in found[1] if n in labels]
        grouped.append(NavItem(found[0], members[0][1], tuple(members)))
    return grouped
