"""The dashboard's tables, built from the computed figures. The page prints them, draws charts
of them and offers each as a CSV or XLSX download: one list of tables, so a download holds
exactly what the page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cases.assignment.rules import load_percent
from cases.reporting.charts import Chart, bar_chart, column_chart
from cases.reporting.figures import (
    AGEING_BANDS_WEEKS,
    CASEWORKERS_ON_PAGE,
    FORECAST_WEEKS,
    OUTCOMES,
    ROUTES,
    Figure,
    band_label,
    caseworkers_by_load,
)
from cases.reporting.measures import Rate


@dataclass(frozen=True)
class Cell:
    value: Any
    figure: Figure | None = None  # the cases behind it (links for staff)

    @property
    def text(self) -> str:
        if self.value is None:
            return "–"
        if isinstance(self.value, float):
            return f"{self.value:g}"
        if isinstance(self.value, date):
            return f"{self.value:%-d %b %Y}"
        return str(self.value)


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    note: str = ""
    chart: Chart | None = None
    staff_only: bool = False
    numeric_from: int = 1  # columns from this one are numbers (right-aligned)
    extra: dict[str, Any] = field(default_factory=dict)
    # The rows the page shows, when a table can be long (an area's 2,000 caseworkers at
    # national scale was 190 KB of page): the first ones, and the download has them all.
    on_page: int | None = None
    # The table's length when only the page's rows were made (`dashboard_tables(page=True)`).
    total_rows: int | None = None

    @property
    def page_rows(self) -> list[list[Cell]]:
        return self.rows if self.on_page is None else self.rows[: self.on_page]

    @property
    def row_count(self) -> int:
        return len(self.rows) if self.total_rows is None else self.total_rows

    @property
    def rows_left_off(self) -> int:
        return self.row_count - len(self.page_rows)

    def download_rows(self) -> list[list[Any]]:
        return [[cell.value for cell in row] for row in self.rows]


def _rate(row: dict[str, Any]) -> Rate:
    return Rate(row["total"], row["on_time"], row["total_excl"], row["on_time_excl"])


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


RATE_HEADERS = [
    "Completed",
    "On time",
    "On time (%)",
    "With an exception",
    "Completed, excluding exceptions",
    "On time, excluding exceptions",
    "On time, excluding exceptions (%)",
]


def _rate_table(key: str, title: str, first: str, rows: list[dict[str, Any]], note: str) -> Table:
    lines = []
    for row in rows:
        rate = _rate(row)
        k = row["key"]
        lines.append(
            [
                Cell(row["label"]),
                Cell(rate.total, Figure(k, "all")),
                Cell(rate.on_time, Figure(k, "on_time")),
                Cell(rate.percent_including),
                Cell(rate.excepted, Figure(k, "excepted") if row["exceptions_apply"] else None),
                Cell(rate.total_excl, Figure(k, "counted")),
                Cell(rate.on_time_excl, Figure(k, "counted_on_time")),
                Cell(rate.percent_excluding),
            ]
        )
    chart = bar_chart(
        key,
        f"{title}: percentage on time",
        "Percentage of the work completed in the period that was on time, including and "
        "excluding exceptions, for each measure. The table gives the figures.",
        [
            (row["label"], [_rate(row).percent_including, _rate(row).percent_excluding])
            for row in rows
        ],
        series=["Including exceptions", "Excluding exceptions"],
        unit="%",
        maximum=100,
    )
    return Table(key, title, [first, *RATE_HEADERS], lines, note=note, chart=chart)


def dashboard_tables(
    figures: dict[str, Any], *, staff: bool, caseworkers: bool = True, page: bool = False
) -> list[Table]:
    """Every table of the dashboard; the per-caseworker table only for staff, and only when
    `caseworkers` (an area, not the whole council's hundreds of rows). For the `page`, a long
    table's rows only as far as the page shows them (a download makes them all)."""
    tables = [
        _rate_table(
            "timeliness",
            "Timeliness",
            "Measure",
            figures["timeliness"],
            "Work counts in the period it was completed. Following the Department for "
            "Education's method, the figures excluding exceptions remove work with a recorded "
            "exception (SEND Regulations 2014, reg 10(4)) from both the work on time and the "
            "work completed. No exception applies to reviews, phase transfers or amendments.",
        ),
        _rate_table(
            "advice",
            "Advice by agency",
            "Agency",
            figures["advice"],
            "Advice received in the period (declined requests are not counted), on time when "
            "received within the statutory period from the request (reg 8(1); exceptions "
            "reg 8(2)).",
        ),
    ]
    tables += _demand_tables(figures)
    tables.append(_backlog_table(figures))
    tables += _capacity_tables(figures, staff=staff, caseworkers=caseworkers, page=page)
    tables.append(_forecast_table(figures))
    tables.append(_disputes_table(figures))
    tables.append(_enquiries_table(figures))
    if "schools" in figures:  # snapshots computed before the schools app have none
        tables.append(_schools_table(figures))
    tables += _quality_tables(figures)
    return tables


def _demand_tables(figures: dict[str, Any]) -> list[Table]:
    requests = figures["requests"]
    routes = [r for r in ROUTES if any(r in w["by_route"] for w in requests["weeks"])]
    weekly = Table(
        "requests_weekly",
        "Requests received per week",
        ["Week beginning", "Requests", *[ROUTES[r] for r in routes]],
        [
            [
                Cell(date.fromisoformat(w["week"])),
                Cell(w["total"], Figure("requests", "all", w["week"])),
                *[Cell(w["by_route"].get(r, 0)) for r in routes],
            ]
            for w in requests["weeks"]
        ],
        note="A week that starts before the period or ends after it counts only the days "
        "inside the period.",
        chart=column_chart(
            "requests_weekly",
            "Requests received per week",
            "Number of requests for an assessment received in each week of the period, one "
            "column a week. The table gives the figures by route.",
            [(f"{date.fromisoformat(w['week']):%-d %b}", w["total"]) for w in requests["weeks"]],
        ),
    )
    total, previous = requests["total"], requests["previous_total"]
    change = _percent(total - previous, previous) if previous else None
    sources = Table(
        "requests_source",
        "Requests by route",
        ["Route", "Requests", "Share (%)"],
        [
            [
                Cell(ROUTES[r]),
                Cell(requests["by_route"].get(r, 0), Figure("requests", "all", r)),
                Cell(_percent(requests["by_route"].get(r, 0), total)),
            ]
            for r in ROUTES
        ]
        + [
            [Cell("All requests in the period"), Cell(total, Figure("requests")), Cell(None)],
            [
                Cell(f"All requests, {requests['previous_label']}"),
                Cell(previous, Figure("requests", "all", "previous")),
                Cell(None),
            ],
        ],
        note=(
            f"Trend: {total} requests against {previous} in the previous period"
            + (f" ({change:+g}%)." if change is not None else ".")
            + " The route is how the request reached the council; the request source of the "
            "DfE's SEN2 return (parent, school, health, social care) derives from it."
        ),
        extra={"change": change},
    )
    conversion = figures["conversion"]
    received = conversion["received"]
    steps = [
        ("received", "Requests received in the period"),
        ("decided", "Decided whether to assess"),
        ("assessed", "Decided to assess"),
        ("not_assessed", "Decided not to assess"),
        ("plans", "Final plan issued"),
    ]
    conversion_table = Table(
        "conversion",
        "Conversion of the period's requests",
        ["Step", "Cases", "Of requests received (%)"],
        [
            [
                Cell(label),
                Cell(conversion[key], Figure("conversion", key)),
                Cell(_percent(conversion[key], received)),
            ]
            for key, label in steps
        ],
        note="Of the requests received in the period, how many have reached each step so far.",
    )
    return [weekly, sources, conversion_table]


def _backlog_table(figures: dict[str, Any]) -> Table:
    rows = figures["backlog"]
    bands = [band_label(low, high) for low, high in AGEING_BANDS_WEEKS]
    return Table(
        "backlog",
        "Open cases by stage, and how long past their date",
        ["Stage", "Open cases", "Past their date", *bands],
        [
            [
                Cell(row["label"]),
                Cell(row["open"], Figure("backlog", "all", row["stage"])),
                Cell(row["past"], Figure("backlog", "past", row["stage"])),
                *[
                    Cell(n, Figure("backlog", f"band{i}", row["stage"]))
                    for i, n in enumerate(row["bands"])
                ],
            ]
            for row in rows
        ],
        note="Today's open cases. A case is past its date when its next statutory deadline "
        "has passed without a recorded exception.",
        chart=bar_chart(
            "backlog",
            "Open cases by stage",
            "Open cases at each stage and how many of them are past their date. The table "
            "gives the figures and how long past.",
            [(row["label"], [row["open"], row["past"]]) for row in rows],
            series=["Open", "Past their date"],
        ),
    )


def _capacity_tables(
    figures: dict[str, Any], *, staff: bool, caseworkers: bool, page: bool
) -> list[Table]:
    capacity = figures["capacity"]
    tables = [
        Table(
            "capacity_teams",
            "Caseload against capacity, by team",
            ["Team", "Area", "Caseworkers", "Open cases", "Capacity", "Load (%)"],
            [
                [
                    Cell(t["team"]),
                    Cell(t["area"]),
                    Cell(t["caseworkers"]),
                    Cell(t["open"]),
                    Cell(t["capacity"]),
                    Cell(load_percent(t["open"], t["capacity"])),
                ]
                for t in capacity["teams"]
            ],
            numeric_from=2,
            note="Capacity is each caseworker's target caseload scaled by their FTE, as the "
            "assignment rules use it."
            + (" Choose an area to see each caseworker." if staff and not caseworkers else ""),
        )
    ]
    if staff and caseworkers:
        # The most loaded first: those a manager acts on, and all a long list shows.
        ranked = caseworkers_by_load(capacity["caseworkers"])
        tables.append(
            Table(
                "capacity_caseworkers",
                "Caseload against capacity, by caseworker",
                ["Caseworker", "Team", "Open cases", "Capacity", "Load (%)"],
                [
                    [
                        Cell(c["name"]),
                        Cell(c["team"]),
                        Cell(c["open"]),
                        Cell(c["capacity"]),
                        Cell(load_percent(c["open"], c["capacity"])),
                    ]
                    for c in (ranked[:CASEWORKERS_ON_PAGE] if page else ranked)
                ],
                numeric_from=2,
                staff_only=True,
                note="The most loaded caseworkers first.",
                on_page=CASEWORKERS_ON_PAGE,
                # A snapshot keeps the page's caseworkers beside the figures, and all of
                # them apart (`FigureSnapshot.caseworkers`): it says how many there are.
                total_rows=capacity.get("caseworker_count", len(ranked)),
            )
        )
    return tables


def _forecast_table(figures: dict[str, Any]) -> Table:
    forecast = figures["forecast"]
    weeks = [f"Week from {date.fromisoformat(w):%-d %b}" for w in forecast["weeks"]]
    rows = [
        [
            Cell(row["label"]),
            *[
                Cell(n, Figure("forecast", f"week{i}", row["key"]))
                for i, n in enumerate(row["weeks"])
            ],
            Cell(row["total"], Figure("forecast", "all", row["key"])),
        ]
        for row in forecast["rows"]
    ]
    rows.append(
        [
            Cell("All deadlines"),
            *[Cell(n, Figure("forecast", f"week{i}")) for i, n in enumerate(forecast["totals"])],
            Cell(sum(forecast["totals"]), Figure("forecast")),
        ]
    )
    return Table(
        "forecast",
        f"Breaches ahead: deadlines due in the next {FORECAST_WEEKS} weeks",
        ["Deadline", *weeks, "Total"],
        rows,
        note="Each open case's next statutory deadline, from its own clock, falling due in the "
        "coming weeks without an exception: each one is a breach unless the work is done by "
        "then.",
    )


def _disputes_table(figures: dict[str, Any]) -> Table:
    return Table(
        "disputes",
        "Mediation and appeals, by decision disputed and outcome",
        ["Decision disputed", "Disputes", "Mediation", "Appeals", *OUTCOMES.values()],
        [
            [
                Cell(row["label"]),
                Cell(row["total"], Figure("disputes", "all", row["cause"])),
                Cell(row["mediation"], Figure("disputes", "mediation", row["cause"])),
                Cell(row["appeals"], Figure("disputes", "appeals", row["cause"])),
                *[Cell(row["outcomes"][o], Figure("disputes", o, row["cause"])) for o in OUTCOMES],
            ]
            for row in figures["disputes"]
        ],
        note="Disputes of decisions made in the period.",
    )


def _enquiries_table(figures: dict[str, Any]) -> Table:
    e = figures["enquiries"]
    return Table(
        "enquiries",
        "Elected members' enquiries against their target",
        ["Measure", "Enquiries"],
        [
            [Cell("Received in the period"), Cell(e["received"])],
            [Cell("Answered"), Cell(e["answered"])],
            [Cell("Answered by the target date"), Cell(e["on_time"])],
            [Cell("Answered by the target date (%)"), Cell(_percent(e["on_time"], e["answered"]))],
            [Cell("Still open"), Cell(e["open"])],
            [Cell("Open and past the target date"), Cell(e["overdue"])],
        ],
        note=f"The target is a reply within {e['target_working_days']} working days of "
        "receipt (the council's service standard, not a statutory period).",
    )


def _schools_table(figures: dict[str, Any]) -> Table:
    return Table(
        "schools",
        "Schools: provision gaps and late annual reviews",
        ["Alert", "Raised in the period", "Still open"],
        [
            [
                Cell(row["label"]),
                Cell(row["raised"], Figure("schools", "raised", row["kind"])),
                Cell(row["open"], Figure("schools", "open", row["kind"])),
            ]
            for row in figures["schools"]
        ],
        note="Raised by the daily check of each plan's section F (a provision not delivered, "
        "school and family disagreeing, or no confirmation by the end of term) and of annual "
        "reviews with no invitations sent 6 weeks before the decision is due (reg 20). Still "
        "open: the caseworker's task is not done.",
    )


# -- quality (cases.quality): audits, surveys, complaints, contacts ---------------------------

GRADE_LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
OUTCOME_LABELS = {
    "upheld": "Upheld",
    "partly_upheld": "Partly upheld",
    "not_upheld": "Not upheld",
    "withdrawn": "Withdrawn",
}


def _grade_row(first: str, counts: dict[str, int]) -> list[Cell]:
    return [Cell(first), *(Cell(counts.get(g, 0)) for g in GRADE_LABELS)]


def _quality_tables(figures: dict[str, Any]) -> list[Table]:
    q = figures.get("quality")
    if not q:  # a snapshot computed before the quality figures existed
        return []
    a = q["audits"]
    grades = list(GRADE_LABELS.values())
    tables = [
        Table(
            "audit_grades",
            "Plan quality audits by grade",
            ["Grade", "Plans"],
            [[Cell(GRADE_LABELS[g]), Cell(a["by_grade"].get(g, 0))] for g in GRADE_LABELS],
            note=f"Plans audited in the period ({a['total']}); the moderated grade where a "
            f"second auditor moderated. {a['waiting']} sampled plans are still to audit.",
            chart=bar_chart(
                "audit_grades",
                "Plan quality audits by grade",
                "Number of plans audited in the period at each grade.",
                [(GRADE_LABELS[g], [float(a["by_grade"].get(g, 0))]) for g in GRADE_LABELS],
            ),
        ),
        Table(
            "audit_criteria",
            "Plan quality audits by criterion",
            ["Criterion", *grades],
            [_grade_row(row["criterion"], row) for row in a["by_criterion"]],
            note="Each criterion of the council's audit framework, as the auditor graded it.",
        ),
        Table(
            "audit_teams",
            "Plan quality audits by team",
            ["Team", *grades],
            [_grade_row(row["team"], row) for row in a["by_team"]],
        ),
        Table(
            "audit_months",
            "Plan quality audits by month",
            ["Month", *grades],
            [_grade_row(row["month"], row) for row in a["by_month"]],
        ),
        Table(
            "surveys",
            "What families and schools told us",
            [
                "After",
                "Answers",
                "Rated good or very good",
                "Service (1 to 5)",
                "Listened to",
                "Clear",
                "Comments",
            ],
            [
                [
                    Cell(row["label"]),
                    Cell(row["answers"]),
                    Cell(row["good"]),
                    Cell(row["satisfaction"]),
                    Cell(row["listened_to"]),
                    Cell(row["clear"]),
                    Cell(row["comments"]),
                ]
                for row in q["surveys"]
            ],
            note="Anonymous survey answers after decisions and at plan issue, averages out of 5. "
            "Managers read the comments on the Family feedback page.",
        ),
    ]
    c = q["complaints"]
    tables.append(
        Table(
            "complaints",
            "Complaints and Ombudsman enquiries",
            ["Measure", "Number"],
            [
                [Cell("Complaints received in the period"), Cell(c["complaints"])],
                [Cell("Ombudsman enquiries received in the period"), Cell(c["lgsco"])],
                *[
                    [Cell(f"Closed in the period: {label.lower()}"), Cell(c["outcomes"].get(k, 0))]
                    for k, label in OUTCOME_LABELS.items()
                ],
                [Cell("Open now"), Cell(c["open"])],
                [Cell("Open and past the response date"), Cell(c["overdue"])],
            ],
            note="Response dates follow the council's complaint timescales.",
        )
    )
    tables.append(
        Table(
            "contacts",
            "Contacts with families and schools by type",
            ["Type of contact", "Contacts"],
            [[Cell(row["call_type"]), Cell(row["n"])] for row in q["contacts"]],
            note="Calls, emails and meetings logged on cases in the period.",
        )
    )
    return tables
