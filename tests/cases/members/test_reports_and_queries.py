"""The scrutiny board's figures, and list pages that cost the same queries whatever their size."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from cases.members.models import EnquiryCategory, EnquiryStatus
from ehcp_portal.accounts.models import Role
from tests.cases.members.factories import MemberEnquiryFactory, MemberFactory
from tests.factories import CaseFactory, TeamFactory, UserFactory


def _answered(member, received, replied, days, **extra):
    return MemberEnquiryFactory(
        member=member,
        received_on=received,
        replied_on=replied,
        reply_working_days=days,
        reply="Answered",
        status=EnquiryStatus.ANSWERED,
        **extra,
    )


def test_report_volume_on_time_median_and_repeats(client, manager, case):
    headingley = MemberFactory(ward="Headingley")
    otley = MemberFactory(ward="Otley")
    # Headingley: 2 delay (one on time: 7 Jan target; one late), 1 transport still open.
    _answered(headingley, date(2026, 12, 21), date(2027, 1, 7), 10, case=case)
    _answered(headingley, date(2026, 12, 21), date(2027, 1, 8), 11, case=case)
    MemberEnquiryFactory(
        member=headingley, category=EnquiryCategory.TRANSPORT, received_on=date(2027, 1, 4)
    )
    # Otley: 1 placement answered in 2 working days, about the same case: 3 queries on it.
    _answered(
        otley,
        date(2027, 1, 4),
        date(2027, 1, 6),
        2,
        category=EnquiryCategory.PLACEMENT,
        case=case,
    )
    # A repeat elsewhere counts council-wide but is not listed to this manager.
    elsewhere = CaseFactory(team=TeamFactory())
    MemberEnquiryFactory.create_batch(2, member=otley, case=elsewhere)

    client.force_login(manager)
    response = client.get(reverse("members:reports"))
    report = response.context["report"]
    rows = {r.ward: r for r in report.rows}
    delay = [v for v, _ in report.categories].index("delay")
    transport = [v for v, _ in report.categories].index("transport")
    assert rows["Headingley"].counts[delay] == 2
    assert rows["Headingley"].counts[transport] == 1
    assert rows["Headingley"].total == 3
    assert rows["Otley"].total == 3
    assert report.totals.total == 6
    # Answered: 3, of which on time 2 (the 11-day reply was late).
    assert (report.totals.answered, report.totals.on_time, report.on_time_percent) == (3, 2, 67)
    assert report.median_working_days == 10.0  # median of 2, 10, 11
    assert report.repeat_case_count == 2
    assert [(r.reference, r.enquiries, r.members) for r in report.repeat_concerns] == [
        (case.reference, 3, 2)
    ]
    page = response.content.decode()
    assert "67% (2 of 3 due: 3 answered and 0 still open past their target date)" in page
    assert "10 working days" in page
    assert elsewhere.reference not in page
    assert "Cases with more than one query, council-wide" in page


def test_open_queries_past_their_target_count_against_on_time(client, manager, case):
    """Issue 20: "answered on time" left out the overdue open ones, so the rate rose the longer
    queries waited. A query still open after its target date is late already."""
    member = MemberFactory(ward="Adel")
    _answered(member, date(2026, 10, 1), date(2026, 10, 5), 2, case=case)
    waiting = MemberEnquiryFactory(member=member, received_on=date(2026, 10, 1))
    waiting.target_reply_on = date(2026, 10, 15)
    waiting.save(update_fields=["target_reply_on"])
    client.force_login(manager)
    response = client.get(reverse("members:reports"))
    report = response.context["report"]
    assert (report.totals.on_time, report.totals.due, report.on_time_percent) == (1, 2, 50)
    assert report.overdue == 1
    page = response.content.decode()
    assert "50% (1 of 2 due: 1 answered and 1 still open past their target date)" in page
    # The same query twice gives the same figures.
    again = client.get(reverse("members:reports")).context["report"]
    assert (again.totals.on_time, again.totals.due, again.overdue) == (1, 2, 1)


def test_repeat_cases_outside_the_managers_area_are_explained(client, manager):
    elsewhere = CaseFactory(team=TeamFactory())
    MemberEnquiryFactory.create_batch(2, member=MemberFactory(), case=elsewhere)
    client.force_login(manager)
    page = client.get(reverse("members:reports")).content.decode()
    assert "None of the 1 case with more than one query council-wide is in your area." in page


def test_report_period_filter_and_bad_dates_do_not_break_it(client, manager):
    member = MemberFactory(ward="Adel")
    _answered(member, date(2026, 12, 21), date(2026, 12, 22), 1)
    _answered(member, date(2027, 2, 1), date(2027, 2, 2), 1)
    client.force_login(manager)
    response = client.get(reverse("members:reports"), {"from": "2027-01-01"})
    assert response.context["report"].totals.total == 1
    response = client.get(reverse("members:reports"), {"from": "31/12/2026\x00", "to": "x"})
    assert response.status_code == 200
    assert response.context["report"].totals.total == 2


def test_report_with_no_queries(client, manager):
    client.force_login(manager)
    page = client.get(reverse("members:reports")).content.decode()
    assert "No queries due yet" in page
    assert "No queries in this period." in page


def test_report_runs_a_fixed_number_of_queries(client, manager, case, django_assert_num_queries):
    for _ in range(6):
        _answered(MemberFactory(), date(2027, 1, 4), date(2027, 1, 6), 2, case=case)
    client.force_login(manager)
    # session, user, manager's area, the four report queries (ward×category; open, overdue
    # and median; repeat count; repeat list).
    # + the unread notifications count in the header
    with django_assert_num_queries(8):
        assert client.get(reverse("members:reports")).status_code == 200


def test_inbox_query_count_does_not_grow_with_the_queries(
    client, manager, case, caseworker, django_assert_num_queries
):
    def make(n):
        for _ in range(n):
            MemberEnquiryFactory(area=case.area, case=case, assigned_officer=caseworker)

    client.force_login(manager)
    make(2)
    # session, user, manager's area, count, page (enquiries with member, officer, case, area).
    # + the unread notifications count in the header
    with django_assert_num_queries(6):
        assert client.get(reverse("members:inbox")).status_code == 200
    make(20)
    # + the unread notifications count in the header
    with django_assert_num_queries(6):
        response = client.get(reverse("members:inbox"), {"show": "all"})
    assert response.context["page"].paginator.count == 22


def test_member_list_query_count_does_not_grow_with_the_queries(
    client, member, case, caseworker, django_assert_num_queries
):
    client.force_login(member)
    MemberEnquiryFactory(member=member, case=case, assigned_officer=caseworker)
    # session, user, count, page (officer joined; consented case facts as subqueries).
    # + the unread notifications count in the header
    with django_assert_num_queries(5):
        assert client.get(reverse("members:home")).status_code == 200
    MemberEnquiryFactory.create_batch(15, member=member, case=case, assigned_officer=caseworker)
    # + the unread notifications count in the header
    with django_assert_num_queries(5):
        response = client.get(reverse("members:home"))
    assert len(response.context["page"].object_list) == 16


def test_caseworker_inbox_lists_only_their_assigned_queries(client, caseworker, case):
    mine = MemberEnquiryFactory(area=case.area, assigned_officer=caseworker)
    colleague = UserFactory(role=Role.CASEWORKER, team=caseworker.team)
    theirs = MemberEnquiryFactory(area=case.area, assigned_officer=colleague)
    client.force_login(caseworker)
    page = client.get(reverse("members:inbox")).content.decode()
    assert str(mine.public_id) in page
    assert str(theirs.public_id) not in page


def test_inbox_filters(client, manager, case):
    overdue = MemberEnquiryFactory(
        area=case.area, received_on=date(2026, 1, 5), target_reply_on=date(2026, 1, 19)
    )
    answered = MemberEnquiryFactory(area=case.area, status=EnquiryStatus.ANSWERED, reply="Done")
    client.force_login(manager)
    url = reverse("members:inbox")
    open_page = client.get(url).content.decode()
    assert str(overdue.public_id) in open_page and str(answered.public_id) not in open_page
    assert open_page.count('govuk-tag--red">Overdue') == 1
    assert str(answered.public_id) in client.get(url, {"show": "answered"}).content.decode()
    overdue_page = client.get(url, {"show": "overdue"}).content.decode()
    assert str(overdue.public_id) in overdue_page
    assert client.get(url, {"show": "nonsense\x00"}).status_code == 200
