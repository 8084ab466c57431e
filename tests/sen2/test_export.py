"""The XML: it parses, follows the structure of the shared summary (element names, nesting,
order, formats, code sets), holds exactly the expected records for a hand-built caseload, and is
the same bytes every time."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core.management import call_command

from cases import sen2_codes
from cases.sen2.records import sen2_header, sen2_persons
from cases.sen2.validation import sen2_validate
from cases.sen2.xml import sen2_write
from tests.sen2.caseload import R, build_caseload

pytestmark = pytest.mark.django_db

# Each element's children, in the order the XSD's xs:sequence requires (sen2.md §2).
ORDER: dict[str, list[str]] = {
    "Message": ["Header", "Persons"],
    "Header": ["CollectionDetails", "Source"],
    "CollectionDetails": ["Collection", "Year", "ReferenceDate"],
    "Source": ["SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime", "DMO",
               "DCO", "DSCO"],
    "Persons": ["Person"],
    "Person": ["Surname", "Forename", "PersonBirthDate", "Sex", "Ethnicity", "PostCode", "UPN",
               "UniqueLearnerNumber", "UPNunknown", "Requests"],
    "Requests": ["ReceivedDate", "RequestSource", "RYA", "RequestOutcomeDate", "RequestOutcome",
                 "RequestMediation", "RequestTribunal", "Exported", "Assessment", "ActivePlans"],
    "Assessment": ["AssessmentOutcome", "AssessmentOutcomeDate", "AssessmentMediation",
                   "AssessmentTribunal", "OtherMediation", "OtherTribunal", "Week20",
                   "NamedPlan"],
    "NamedPlan": ["StartDate", "PlanDetail", "PlanRes", "PlanWBP", "PB", "OA", "DP", "CeaseDate",
                  "CeaseReason"],
    "PlanDetail": ["URN", "UKPRN", "SENSetting", "SENSettingOther", "PlacementRank",
                   "SENunitIndicator", "ResourcedProvisionIndicator"],
    "ActivePlans": ["TransferLA", "PlacementDetail", "SENneed", "ReviewMeeting", "ReviewOutcome",
                    "ReviewDraft", "PhaseTransferDueDate", "PhaseTransferFinalDate",
                    "LastReview"],
    "PlacementDetail": ["URN", "UKPRN", "SENSetting", "SENSettingOther", "PlacementRank",
                        "EntryDate", "LeavingDate", "SENunitIndicator",
                        "ResourcedProvisionIndicator", "Res", "WBP"],
    "SENneed": ["SENtype", "SENtypeRank"],
}  # fmt: skip
REQUIRED = {
    "Person": {"Surname", "Forename", "PersonBirthDate", "Sex", "Ethnicity", "PostCode"},
    "Requests": {"RequestOutcome"},
    "Assessment": {"AssessmentOutcome"},
    "NamedPlan": {"StartDate"},
    "PlanDetail": {"PlacementRank", "SENunitIndicator", "ResourcedProvisionIndicator"},
    "PlacementDetail": {"PlacementRank", "EntryDate", "SENunitIndicator",
                        "ResourcedProvisionIndicator"},
    "SENneed": {"SENtype", "SENtypeRank"},
}  # fmt: skip
MANY = {"Person": (1, None), "Requests": (1, None), "PlanDetail": (0, 2), "SENneed": (0, 2),
        "PlacementDetail": (0, 2)}  # fmt: skip
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YES_NO = {"RYA", "RequestMediation", "RequestTribunal", "AssessmentMediation",
          "AssessmentTribunal", "OtherMediation", "OtherTribunal", "Week20", "PB", "OA",
          "SENunitIndicator", "ResourcedProvisionIndicator"}  # fmt: skip
CODES = {
    "Sex": {c for c, _ in sen2_codes.SEX},
    "Ethnicity": sen2_codes.ETHNICITY_CODES,
    "RequestSource": {c for c, _ in sen2_codes.REQUEST_SOURCE},
    "RequestOutcome": sen2_codes.OUTCOMES,
    "AssessmentOutcome": sen2_codes.OUTCOMES,
    "SENSetting": {c for c, _ in sen2_codes.SEN_SETTING},
    "CeaseReason": {c for c, _ in sen2_codes.CEASE_REASON},
    "SENtype": sen2_codes.SEN_TYPES,
    "DP": {c for c, _ in sen2_codes.DIRECT_PAYMENTS},
    "PlacementRank": {"1", "2"},
    "SENtypeRank": {"1", "2"},
    "ReviewOutcome": {"A", "C", "M"},
}
PATTERNS = {
    "URN": r"^\d{6}$",
    "UKPRN": r"^\d{8}$",
    "LEA": r"^\d{3}$",
    "SerialNo": r"^\d{3}\d*$",
    "UPN": r"^[A-Z]\d{11}[0-9A-Z]$",
    "DateTime": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$",
}


def export_text(chunk: int = 2000) -> str:
    out = io.StringIO()
    sen2_write(out, sen2_header(R), sen2_persons(R, chunk=chunk))
    return out.getvalue()


def check_structure(element: ET.Element) -> None:
    names = [child.tag for child in element]
    if element.tag in ORDER:
        allowed = ORDER[element.tag]
        assert set(names) <= set(allowed), (element.tag, names)
        positions = [allowed.index(n) for n in names]
        assert positions == sorted(positions), (element.tag, names)  # xs:sequence
        missing = REQUIRED.get(element.tag, set()) - set(names)
        assert not missing, (element.tag, missing)
        for name, (low, high) in MANY.items():
            if name in allowed:
                n = names.count(name)
                assert n >= low and (high is None or n <= high), (element.tag, name, n)
        for child in element:
            check_structure(child)
        return
    text = element.text or ""
    assert text.strip() == text and text, element.tag  # no empty tags
    if element.tag.endswith("Date") or element.tag in {"LastReview", "ReviewMeeting"}:
        assert DATE.match(text), (element.tag, text)
    if element.tag in YES_NO:
        assert text in {"0", "1"}, (element.tag, text)
    if element.tag in CODES:
        assert text in CODES[element.tag], (element.tag, text)
    if element.tag in PATTERNS:
        assert re.match(PATTERNS[element.tag], text), (element.tag, text)


def test_the_export_parses_and_follows_the_structure():
    build_caseload()
    root = ET.fromstring(export_text().encode())
    assert root.tag == "Message" and root.attrib == {}  # no namespace on the root
    check_structure(root)
    assert root.findtext("Header/CollectionDetails/Collection") == "SEN2"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-01-15"
    assert root.findtext("Header/Source/LEA") == "383"
    # The hand-built caseload is complete: the report finds nothing to put right.
    report = sen2_validate(sen2_header(R), sen2_persons(R))
    assert report.problems == [] and report.persons == 8 and report.requests == 9


def _person(root: ET.Element, surname: str) -> ET.Element:
    found = [p for p in root.iter("Person") if p.findtext("Surname") == surname]
    assert len(found) == 1, surname
    return found[0]


def test_the_export_holds_exactly_the_expected_records():
    build_caseload()
    root = ET.fromstring(export_text().encode())
    surnames = sorted(p.findtext("Surname") or "" for p in root.iter("Person"))
    assert surnames == sorted(
        ["Active", "Historic", "Ceased", "Sibling", "Refused", "Withdrawn", "Issuing", "Assessing"]
    )
    outcomes = {
        p.findtext("Surname"): [
            (r.findtext("RequestOutcome"), r.findtext("Assessment/AssessmentOutcome"))
            for r in p.iter("Requests")
        ]
        for p in root.iter("Person")
    }
    assert outcomes == {
        "Active": [("Y", "Y")],
        "Historic": [("H", "H")],
        "Ceased": [("H", "H")],
        "Sibling": [("Y", "N"), ("A", None)],  # one child, two requests, oldest first
        "Refused": [("N", None)],
        "Withdrawn": [("W", None)],
        "Issuing": [("Y", "Y")],
        "Assessing": [("Y", "A")],
    }

    active = _person(root, "Active").find("Requests")
    assert active is not None
    assert active.findtext("ReceivedDate") == "2025-02-10"
    assert active.findtext("RequestSource") == "2"
    assert active.findtext("RequestOutcomeDate") == "2025-03-20"
    assert active.findtext("Assessment/Week20") == "1"  # the recorded reg 13(3) exception
    assert active.findtext("Assessment/OtherMediation") == "1"  # mediation on the final plan
    assert active.findtext("Assessment/AssessmentMediation") == "0"
    assert active.findtext("Assessment/NamedPlan/StartDate") == "2025-06-27"
    assert active.findtext("Assessment/NamedPlan/PlanDetail/URN") == "123456"
    assert active.findtext("Assessment/NamedPlan/PlanDetail/ResourcedProvisionIndicator") == "1"
    assert active.findtext("Assessment/NamedPlan/PB") == "1"
    assert active.findtext("Assessment/NamedPlan/DP") == "S"
    places = active.findall("ActivePlans/PlacementDetail")
    assert [
        (p.findtext("URN"), p.findtext("UKPRN"), p.findtext("PlacementRank")) for p in places
    ] == [
        ("123456", None, "1"),
        (None, "10012345", "2"),  # a college's 8-digit number is a UKPRN
    ]
    needs = [(n.findtext("SENtype"), n.findtext("SENtypeRank")) for n in active.iter("SENneed")]
    assert needs == [("ASD", "1"), ("SLCN", "2")]

    historic = _person(root, "Historic").find("Requests")
    assert historic is not None
    assert historic.findtext("ReceivedDate") is None  # historical records carry no dates
    assert historic.findtext("Assessment/NamedPlan/StartDate") == "2020-05-01"
    # No plan record (a plan from before the portal): the place named is the first placement.
    assert historic.findtext("Assessment/NamedPlan/PlanDetail/SENSetting") == "OLA"
    assert historic.findtext("ActivePlans/LastReview") == "2025-04-20"

    ceased = _person(root, "Ceased").find("Requests")
    assert ceased is not None
    assert ceased.findtext("Assessment/NamedPlan/PlanDetail/UKPRN") == "10012345"
    assert ceased.findtext("Assessment/NamedPlan/CeaseDate") == "2025-07-01"
    assert ceased.findtext("Assessment/NamedPlan/CeaseReason") == "3"
    assert ceased.find("ActivePlans") is None

    withdrawn = _person(root, "Withdrawn").find("Requests")
    assert withdrawn is not None and withdrawn.findtext("RequestOutcomeDate") == "2025-09-01"


def test_the_export_is_the_same_bytes_every_time_and_chunking_changes_nothing():
    build_caseload()
    first = export_text()
    assert export_text() == first
    assert export_text(chunk=1) == first  # a child's requests are never split between chunks


def test_the_command_prints_the_report_and_writes_the_file(tmp_path):
    load = build_caseload()
    load.children["Refused"].ethnicity = ""
    load.children["Refused"].save()
    out = StringIO()
    target = tmp_path / "sen2.xml"
    call_command("sen2_export", "--reference-date", "2026-01-15", "--output", str(target),
                 stdout=out)  # fmt: skip
    text = out.getvalue()
    assert "Active plans at the reference date: 2" in text
    assert "Total requests in scope: 9" in text
    assert "Validation: 1 problem(s)" in text
    reference = load.cases["not_assessing"].reference
    assert f"{reference}: The child's ethnicity is not recorded" in text
    assert f"/sen2/cases/{reference}/#child" in text
    assert target.read_text(encoding="utf-8") == export_text()


def test_the_command_refuses_a_bad_date(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("sen2_export", "--reference-date", "15/01/2026", "--output",
                     str(tmp_path / "x.xml"))  # fmt: skip


def test_the_needs_come_from_section_b_of_the_final_plan_when_it_names_them():
    from cases.plans.models import Plan, PlanVersion

    load = build_caseload()
    plan = Plan.objects.get(case=load.cases["active"])
    items = [
        {"id": "B1", "text": "Down syndrome", "code": "DS"},
        {"id": "B2", "text": "Hears little in noisy rooms", "code": "HI"},
        {"id": "B3", "text": "A need written without a code"},
    ]
    PlanVersion.objects.create(plan=plan, number=1, sections={"B": {"items": items}}, change="x")
    plan.final_version = 1
    plan.save()
    root = ET.fromstring(export_text().encode())
    active = _person(root, "Active")
    assert [n.findtext("SENtype") for n in active.iter("SENneed")] == ["DS", "HI"]
