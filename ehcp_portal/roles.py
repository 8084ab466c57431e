"""Where each role lands after sign-in, and what its navigation holds."""

from __future__ import annotations

from ehcp_portal.accounts.models import Role

HOME_URL_NAME: dict[str, str] = {
    Role.PARENT: "families:home",
    Role.YOUNG_PERSON: "families:home",
    Role.SCHOOL: "families:school_home",
    Role.ADVICE_GIVER: "cases:advice_home",
    Role.CASEWORKER: "cases:caseload",
    Role.TEAM_MANAGER: "cases:team",
    Role.PANEL_MEMBER: "panels:home",
    Role.ELECTED_MEMBER: "cases:member_home",
    Role.ADMIN: "admin:index",
}

# (label, url name) per role; the first is the role's home.
NAVIGATION: dict[str, list[tuple[str, str]]] = {
    Role.PARENT: [("Your children and requests", "families:home")],
    Role.YOUNG_PERSON: [("Your requests", "families:home")],
    Role.SCHOOL: [("Your pupils", "families:school_home")],
    Role.ADVICE_GIVER: [("Advice requests", "cases:advice_home")],
    Role.CASEWORKER: [("My caseload", "cases:caseload")],
    Role.TEAM_MANAGER: [("Team caseloads", "cases:team"), ("Caseload list", "cases:caseload")],
    Role.PANEL_MEMBER: [("Panels", "panels:home")],
    Role.ELECTED_MEMBER: [("Your casework queries", "cases:member_home")],
    Role.ADMIN: [("Configuration", "admin:index")],
}

# School users answer consultations about naming their setting and read plans that name it.
NAVIGATION[Role.SCHOOL].append(("Consultations and plans", "cases:consultation_list"))
