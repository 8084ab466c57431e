"""Writing the SEN2 message (sen2.md §2): the element names, their order (the XSD's
xs:sequence) and their formats in one place.

Written with the standard library's streaming XML writer (`xml.sax.saxutils.XMLGenerator`):
one person at a time, escaped by the writer, never by hand. Optional items with no value are
left out (an empty tag would fail the code lists). The file is reproducible: the only
date-time in it, the header's `DateTime`, is the reference date at midnight.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import IO
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from cases import sen2_codes
from cases.sen2.records import (
    ActivePlansRecord,
    AssessmentRecord,
    HeaderRecord,
    NamedPlanRecord,
    PersonRecord,
    PlaceDetail,
    RequestRecord,
)

Item = tuple[str, str | int | bool | date | None]
NO_ATTRIBUTES: AttributesImpl[str] = AttributesImpl({})  # SEN2 elements carry no attributes


def _text(value: str | int | bool | date) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"  # sen2.md §2: yes/no items as 1/0
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class Sen2Writer:
    """Writes a message: `start(header)`, `person(p)` for each, `end()`."""

    def __init__(self, out: IO[str]) -> None:
        self._xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=False)  # type: ignore[arg-type]
        self._depth = 0

    def _newline(self) -> None:
        self._xml.ignorableWhitespace("\n" + "  " * self._depth)

    def _open(self, name: str) -> None:
        self._newline()
        self._xml.startElement(name, NO_ATTRIBUTES)
        self._depth += 1

    def _close(self, name: str) -> None:
        self._depth -= 1
        self._newline()
        self._xml.endElement(name)

    def _items(self, items: Iterable[Item]) -> None:
        for name, value in items:
            if value is None or value == "":
                continue
            self._newline()
            self._xml.startElement(name, NO_ATTRIBUTES)
            self._xml.characters(_text(value))
            self._xml.endElement(name)

    def start(self, header: HeaderRecord) -> None:
        self._xml.startDocument()
        self._xml.startElement("Message", NO_ATTRIBUTES)
        self._depth = 1
        self._open("Header")
        self._open("CollectionDetails")
        self._items(
            [
                ("Collection", sen2_codes.COLLECTION),
                ("Year", header.year),
                ("ReferenceDate", header.reference_date),
            ]
        )
        self._close("CollectionDetails")
        self._open("Source")
        self._items(
            [
                ("SourceLevel", sen2_codes.SOURCE_LEVEL),
                ("LEA", header.la_code),
                ("SoftwareCode", sen2_codes.SOFTWARE_CODE),
                ("Release", header.release),
                ("SerialNo", header.serial_no),
                # Derived from the reference date, not the clock, so the file is reproducible.
                ("DateTime", f"{header.reference_date.isoformat()}T00:00:00"),
                ("DMO", header.dmo),
                ("DCO", header.dco),
                ("DSCO", header.dsco),  # U1
            ]
        )
        self._close("Source")
        self._close("Header")
        self._open("Persons")

    def person(self, person: PersonRecord) -> None:
        self._open("Person")
        self._items(
            [
                ("Surname", person.surname),
                ("Forename", person.forename),
                ("PersonBirthDate", person.birth_date),
                ("Sex", person.sex),
                ("Ethnicity", person.ethnicity),
                ("PostCode", person.postcode),
                ("UPN", person.upn),
                ("UniqueLearnerNumber", person.uln),
                ("UPNunknown", person.upn_unknown),
            ]
        )
        for request in person.requests:
            self._request(request)
        self._close("Person")

    def _request(self, request: RequestRecord) -> None:
        self._open("Requests")
        self._items(
            [
                ("ReceivedDate", request.received_date),
                ("RequestSource", request.request_source),  # U6
                ("RYA", request.in_youth_accommodation),
                ("RequestOutcomeDate", request.outcome_date),
                ("RequestOutcome", request.outcome),
                ("RequestMediation", request.mediation),
                ("RequestTribunal", request.tribunal),
            ]
        )
        if request.assessment is not None:
            self._assessment(request.assessment)
        if request.active_plans is not None:
            self._active_plans(request.active_plans)
        self._close("Requests")

    def _assessment(self, assessment: AssessmentRecord) -> None:
        self._open("Assessment")
        self._items(
            [
                ("AssessmentOutcome", assessment.outcome),
                ("AssessmentOutcomeDate", assessment.outcome_date),
                ("AssessmentMediation", assessment.mediation),
                ("AssessmentTribunal", assessment.tribunal),
                ("OtherMediation", assessment.other_mediation),
                ("OtherTribunal", assessment.other_tribunal),
                ("Week20", assessment.week20),
            ]
        )
        if assessment.named_plan is not None:
            self._named_plan(assessment.named_plan)
        self._close("Assessment")

    def _place_id(self, place: PlaceDetail) -> list[Item]:
        return [
            ("URN", place.urn),
            ("UKPRN", place.ukprn),
            ("SENSetting", place.sen_setting),
            ("SENSettingOther", place.sen_setting_other if place.sen_setting else ""),
            ("PlacementRank", place.rank),
        ]

    def _named_plan(self, plan: NamedPlanRecord) -> None:
        self._open("NamedPlan")
        self._items([("StartDate", plan.start_date)])
        for detail in plan.details:
            self._open("PlanDetail")
            self._items(
                self._place_id(detail)
                + [
                    ("SENunitIndicator", detail.sen_unit),
                    ("ResourcedProvisionIndicator", detail.resourced_provision),
                ]
            )
            self._close("PlanDetail")
        self._items(
            [
                ("PlanRes", plan.residential),
                ("PlanWBP", plan.work_based_learning),
                ("PB", plan.personal_budget),
                ("OA", plan.budget_organised if plan.personal_budget else None),
                ("DP", plan.direct_payments if plan.personal_budget else None),
                ("CeaseDate", plan.cease_date),
                ("CeaseReason", plan.cease_reason),
            ]
        )
        self._close("NamedPlan")

    def _active_plans(self, active: ActivePlansRecord) -> None:
        self._open("ActivePlans")
        for place in active.placements:
            self._open("PlacementDetail")
            self._items(
                self._place_id(place)
                + [
                    ("EntryDate", place.entry_date),
                    ("LeavingDate", place.leaving_date),
                    ("SENunitIndicator", place.sen_unit),
                    ("ResourcedProvisionIndicator", place.resourced_provision),
                    ("Res", place.residential),
                    ("WBP", place.work_based_learning),
                ]
            )
            self._close("PlacementDetail")
        for rank, need in enumerate(active.needs, start=1):
            self._open("SENneed")
            self._items([("SENtype", need), ("SENtypeRank", rank)])
            self._close("SENneed")
        self._items(
            [
                ("ReviewMeeting", active.review_meeting),
                ("ReviewOutcome", active.review_outcome),
                ("ReviewDraft", active.review_draft),  # U7
                ("PhaseTransferDueDate", active.phase_transfer_due),  # U7
                ("PhaseTransferFinalDate", active.phase_transfer_final),  # U7
                ("LastReview", active.last_review),
            ]
        )
        self._close("ActivePlans")

    def end(self) -> None:
        self._close("Persons")
        self._depth = 0
        self._newline()
        self._xml.endElement("Message")
        self._xml.ignorableWhitespace("\n")
        self._xml.endDocument()


def sen2_write(out: IO[str], header: HeaderRecord, persons: Iterable[PersonRecord]) -> int:
    """Write the whole message; returns how many persons were written."""
    writer = Sen2Writer(out)
    writer.start(header)
    count = 0
    for person in persons:
        writer.person(person)
        count += 1
    writer.end()
    return count
