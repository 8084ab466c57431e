"""The code sets of the DfE SEN2 person-level return, and every item still to check.

Pure Python, no Django: the forms that collect SEN2 data (families, cases, plans) and the export
(`cases/sen2/`) read the same lists. The source is /work/shared/domain/sen2.md, a summary of the
DfE specification; every point it marks uncertain ([U]) is in `UNCERTAIN` below, and
docs/sen2.md lists them so a council can check them against its own copy of the DfE
specification and validation rules for the collection year. Where they differ, the DfE wins:
change the code here, in one place.
"""

from __future__ import annotations

from typing import Final

Choices = list[tuple[str, str]]

# Person: Sex (the 2024 XSD; "U" unknown is [U] for later years).
SEX: Choices = [("F", "Female"), ("M", "Male"), ("U", "Not known")]

# Person: Ethnicity. The CBDS main codes, each with the extended codes that roll up to it.
# The extended list is [U]: taken from the CBDS extended list as remembered here and the 2026
# reader (source D); check it against CBDS before relying on an extended code.
ETHNICITY_GROUPS: list[tuple[str, str, Choices]] = [
    (
        "WBRI",
        "White - British",
        [
            ("WCOR", "White - Cornish"),
            ("WENG", "White - English"),
            ("WSCO", "White - Scottish"),
            ("WWEL", "White - Welsh"),
            ("WOWB", "Other White British"),
        ],
    ),
    ("WIRI", "White - Irish", []),
    ("WIRT", "Traveller of Irish heritage", []),
    (
        "WOTH",
        "Any other White background",
        [
            ("WALB", "Albanian"),
            ("WBOS", "Bosnian-Herzegovinian"),
            ("WCRO", "Croatian"),
            ("WGRE", "Greek"),
            ("WGRC", "Greek Cypriot"),
            ("WITA", "Italian"),
            ("WKOS", "Kosovan"),
            ("WPOR", "Portuguese"),
            ("WSER", "Serbian"),
            ("WTUK", "Turkish"),
            ("WTUC", "Turkish Cypriot"),
            ("WEUR", "White European"),
            ("WEEU", "White Eastern European"),
            ("WWEU", "White Western European"),
            ("WOTW", "White other"),
        ],
    ),
    (
        "WROM",
        "Gypsy / Roma",
        [("WROG", "Gypsy"), ("WROR", "Roma"), ("WROO", "Other Gypsy/Roma")],
    ),
    ("MWBC", "White and Black Caribbean", []),
    ("MWBA", "White and Black African", []),
    ("MWAS", "White and Asian", []),
    (
        "MOTH",
        "Any other mixed background",
        [
            ("MAOE", "Asian and any other ethnic group"),
            ("MABL", "Asian and Black"),
            ("MACH", "Asian and Chinese"),
            ("MBOE", "Black and any other ethnic group"),
            ("MBCH", "Black and Chinese"),
            ("MCOE", "Chinese and any other ethnic group"),
            ("MWOE", "White and any other ethnic group"),
            ("MWCH", "White and Chinese"),
            ("MOTM", "Other mixed background"),
        ],
    ),
    ("AIND", "Indian", []),
    (
        "APKN",
        "Pakistani",
        [
            ("AMPK", "Mirpuri Pakistani"),
            ("AKPA", "Kashmiri Pakistani"),
            ("AOPK", "Other Pakistani"),
        ],
    ),
    ("ABAN", "Bangladeshi", []),
    (
        "AOTH",
        "Any other Asian background",
        [
            ("AAFR", "African Asian"),
            ("AKAO", "Kashmiri other"),
            ("ANEP", "Nepali"),
            ("ASNL", "Sri Lankan Sinhalese"),
            ("ASLT", "Sri Lankan Tamil"),
            ("ASRO", "Sri Lankan other"),
            ("AOTA", "Other Asian"),
        ],
    ),
    ("BCRB", "Black Caribbean", []),
    (
        "BAFR",
        "Black - African",
        [
            ("BANN", "Angolan"),
            ("BCON", "Congolese"),
            ("BGHA", "Ghanaian"),
            ("BNGN", "Nigerian"),
            ("BSLN", "Sierra Leonean"),
            ("BSOM", "Somali"),
            ("BSUD", "Sudanese"),
            ("BAOF", "Other Black African"),
        ],
    ),
    (
        "BOTH",
        "Any other Black background",
        [("BEUR", "Black European"), ("BNAM", "Black North American"), ("BOTB", "Other Black")],
    ),
    (
        "CHNE",
        "Chinese",
        [
            ("CHKC", "Hong Kong Chinese"),
            ("CMAL", "Malaysian Chinese"),
            ("CSNG", "Singaporean Chinese"),
            ("CTWN", "Taiwanese"),
            ("COCH", "Other Chinese"),
        ],
    ),
    (
        "OOTH",
        "Any other ethnic group",
        [
            ("OAFG", "Afghan"),
            ("OARA", "Arab other"),
            ("OEGY", "Egyptian"),
            ("OFIL", "Filipino"),
            ("OIRN", "Iranian"),
            ("OIRQ", "Iraqi"),
            ("OJPN", "Japanese"),
            ("OKOR", "Korean"),
            ("OKRD", "Kurdish"),
            ("OLAM", "Latin/South/Central American"),
            ("OLEB", "Lebanese"),
            ("OLIB", "Libyan"),
            ("OMAL", "Malay"),
            ("OMRC", "Moroccan"),
            ("OPOL", "Polynesian"),
            ("OTHA", "Thai"),
            ("OVIE", "Vietnamese"),
            ("OYEM", "Yemeni"),
            ("OOEG", "Other ethnic group"),
        ],
    ),
    ("REFU", "Refused", []),
    ("NOBT", "Information not yet obtained", []),
]
ETHNICITY: Choices = [
    choice
    for main, label, extended in ETHNICITY_GROUPS
    for choice in [(main, label), *[(code, f"{label}: {text}") for code, text in extended]]
]
ETHNICITY_CODES: Final = frozenset(code for code, _ in ETHNICITY)

# Person: UPNunknown, why there is no UPN or ULN. The meaning of each code is [U] (CBDS list).
UPN_UNKNOWN: Choices = [(f"UN{n}", f"UN{n}") for n in range(1, 11)]

# Requests: RequestSource (new in 2025, mandatory in 2026).
REQUEST_SOURCE: Choices = [
    ("1", "The young person or a parent"),
    ("2", "A school or other education setting"),
    ("3", "Health care professionals"),
    ("4", "Social care professionals"),
    ("5", "Someone else"),
]

# RequestOutcome / AssessmentOutcome.
OUTCOMES: Final = frozenset({"Y", "N", "A", "W", "H"})

# NamedPlan / PlacementDetail: SENSetting when the place has no URN or UKPRN.
SEN_SETTING: Choices = [
    ("OLA", "Other arrangements made by the council (section 61, education otherwise)"),
    ("OPA", "Other arrangements made by the parents or young person (section 42(5))"),
    ("EHE", "Elective home education"),
    ("EYP", "Early years provider without a URN"),
    ("OTH", "Other (only a type of setting is named)"),
    ("NEET", "Not in education, employment or training (16 to 25)"),
    ("NIEC", "Not in education or training: notice to cease issued"),
    ("NIEO", "Not in education or training: other"),
]
# SENSettingOther is given only with these codes (NIEO is [U]).
SEN_SETTING_WITH_OTHER: Final = frozenset({"OTH", "NIEO"})

# PlanRes / Res, with the meanings of CBDS RFC 1299 (late 2024).
RESIDENTIAL: Choices = [("A", "Residential, up to 38 weeks"), ("B", "Residential, 39 to 52 weeks")]

# PlanWBP / WBP. Whether T is still valid now traineeships have ended is [U].
WORK_BASED_LEARNING: Choices = [
    ("A", "Apprenticeship"),
    ("T", "Traineeship"),
    ("S", "Supported internship"),
]

# DP: direct payments.
DIRECT_PAYMENTS: Choices = [
    ("E", "Education only"),
    ("S", "Social care only"),
    ("H", "Health only"),
    ("I", "Integrated (a combination)"),
]

# CeaseReason (2025 guide wording).
CEASE_REASON: Choices = [
    ("1", "Reached maximum age"),
    ("2", "Needs met without an EHC plan"),
    ("3", "Moved on to higher education"),
    ("4", "Moved on to paid employment (not an apprenticeship)"),
    ("5", "Transferred to another council in England"),
    ("6", "No longer wishes to engage in education or training"),
    ("7", "Moved outside England"),
    ("8", "Deceased"),
    ("9", "Other"),
]

# SENtype: the codes of cases.models.SenNeed (DS added by the 2025 guide).
SEN_TYPES: Final = frozenset(
    {"SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "DS", "OTH"}
)

# ReviewOutcome: the annual review decision.
REVIEW_OUTCOME: Final = {"amend": "A", "cease": "C", "maintain": "M"}

# Header: DMO / DCO / DSCO. The meaning of R is [U].
LA_OFFICER: Choices = [("Y", "Yes"), ("N", "No"), ("R", "R (see the DfE guide)")]

COLLECTION = "SEN2"
SOURCE_LEVEL = "L"
SOFTWARE_CODE = "EHCP-Portal"

# Every point of the export resting on an uncertain reading of the specification, in one place.
# docs/sen2.md repeats this list; tests/sen2/test_codes.py keeps the two in step.
UNCERTAIN: dict[str, str] = {
    "U1-dsco": "Header/Source/DSCO: element name, position (after DCO) and codes (Y/N/R).",
    "U2-officer-r": "Meaning of R in DMO, DCO and DSCO.",
    "U3-sex-u": "Whether Sex U (not known) is still accepted.",
    "U4-ethnicity-extended": "The extended 4-letter ethnicity codes (CBDS) and their roll-up.",
    "U5-upn-unknown": "The meanings of UPNunknown UN1 to UN10.",
    "U6-request-source-position": "RequestSource straight after ReceivedDate.",
    "U7-review-2025": "ReviewDraft, PhaseTransferDueDate, PhaseTransferFinalDate: names and "
    "positions (between ReviewOutcome and LastReview).",
    "U8-wbp-t": "Whether work-based learning T (traineeship) is still valid.",
    "U9-sen-setting-other": "SENSettingOther allowed with NIEO as well as OTH.",
    "U10-mediation-flags": "Which decision each mediation/tribunal flag refers to: "
    "Request* = decision not to assess, Assessment* = decision not to issue, Other* = plan "
    "contents, placement or ceasing.",
    "U11-scope-ceased": "Ceased plans in scope: those whose CeaseDate falls in the calendar year "
    "before the reference date (plans ceased between 1 January and the reference date are in "
    "neither 'active' nor 'ceased').",
    "U12-scope-withdrawn": "Requests withdrawn in the calendar year are in scope (outcome W).",
    "U13-historical": "H (historical): requests and assessments decided before the calendar "
    "year, and plans transferred in, are sent as H with no dates.",
    "U14-business-rules": "The business rules in cases/sen2/validation.py marked [U] follow "
    "the obvious reading of the item definitions, not the DfE rule numbers and messages.",
    "U15-uln-check": "The ULN check digit: 10 minus (the first nine digits weighted 10 to 2, "
    "mod 11); a result of 10 is never valid.",
    "U16-week20": "Week20 is 1 when the case has a reg 13(3) exception recorded against the "
    "final plan deadline (cases.DeadlineException, key final_plan).",
}
