# ruff: noqa: E501  (each line is one paragraph of the page, as the admin stores and edits it)
"""The legal pages' first text, seeded by migration 0002 and then the council's to edit in the
admin. "{council}" and "{service}" are filled in when the page is shown. Kept in a module (not
in the migration) so a test can check the seeded pages carry every section the law asks for.

The default retention schedule is here too, for the same migration; `retention.py` explains each
period and its source."""

from __future__ import annotations

from typing import Any

PRIVACY = """\
This notice explains how {council} uses information about children, young people and their families in {service}, and your rights.

## Who is responsible for your information

{council} is the controller of the information in this service. Our data protection officer answers questions about it and handles requests to see, correct or restrict it. Contact them through the contact page or your caseworker.

## What information we hold

- about the child or young person: name, date of birth, address, school or setting, year group, home language, whether they are looked after, their special educational needs and disabilities, health and care needs, and the advice, reports, plans and decisions about them
- about parents, carers and young people who use the service: name, email address, phone number and relationship to the child
- messages, documents and evidence you or professionals send us, and the letters we send
- who in the council, a school, an advice service, a panel or a councillor has read the child's record, and when

Information about health, disability and special educational needs is special category data and is protected more strictly.

## Why we use it and our lawful basis

We use this information to carry out our duties under Part 3 of the Children and Families Act 2014 and the Special Educational Needs and Disability Regulations 2014: to decide whether to carry out an education, health and care (EHC) needs assessment, to carry it out, to issue, maintain and review an EHC plan, and to keep to the time limits the law sets.

- UK GDPR Article 6(1)(e): the processing is necessary for a task carried out in the public interest and in the exercise of official authority vested in us (the Children and Families Act 2014)
- UK GDPR Article 9(2)(g): reasons of substantial public interest, with the Data Protection Act 2018 Schedule 1 paragraph 6 (statutory and government purposes) and paragraph 18 (safeguarding of children)
- UK GDPR Article 9(2)(h): the provision of health or social care, or the management of health or social care systems, with the Data Protection Act 2018 Schedule 1 paragraph 2

We share a child's information with an elected member (councillor) only with your consent, which you can see and withdraw at any time in the service.

## Who we share it with

- schools, colleges and settings we consult about naming them in a plan, or that are named in it
- the professionals who give advice for an assessment: educational psychologists, health services (NHS) and children's social care
- the council's panels that make decisions about assessments, plans, funding and placements
- the independent mediation service and the First-tier Tribunal (Special Educational Needs and Disability), if you use them
- the Department for Education, in the yearly SEN2 return and other statistics it requires
- an elected member, only with your consent
- companies that host and support this service for us, under contract and only on our instructions

We do not sell information or use it for marketing. Decisions about assessments and plans are always made by people, not by a computer.

## How long we keep it

We keep each kind of record for the period in our retention schedule, shown in the table below, and then delete it or remove everything that could identify the child and keep only figures for statistics. Records are kept longer only when the law requires it, for example during a complaint, an appeal or a claim.

## Your rights

- to see the information we hold (a subject access request): ask the data protection officer, and we will answer within one month
- to have information corrected if it is wrong
- to ask us to restrict how we use it, or to object to how we use it
- to have information deleted where we no longer need it (the law may require us to keep some of it)
- to withdraw consent you have given, at any time

A young person aged 16 or over makes decisions about their own information under the Children and Families Act 2014. From the tracker, a family can see who has looked at their information.

## How to complain

Contact our data protection officer first. If you are not happy with our answer, you can complain to the Information Commissioner's Office (ICO): www.ico.org.uk/make-a-complaint, telephone 0303 123 1113, or write to Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF.
"""

ACCESSIBILITY = """\
This accessibility statement applies to {service}, run by {council}.

We want as many people as possible to be able to use this service. For example, you should be able to:

- change colours, contrast levels and fonts using your browser or device settings
- zoom in up to 400% without the text spilling off the screen
- move through the whole service using just a keyboard
- use the service with speech recognition software
- listen to it with a screen reader (including recent versions of JAWS, NVDA and VoiceOver)

The text is written to be as simple as possible to understand. AbilityNet has advice on making your device easier to use if you have a disability: mcmw.abilitynet.org.uk.

## How accessible this service is

Some parts of this service are not fully accessible:

- documents uploaded by families and professionals (for example scanned reports) may not work with a screen reader
- some older PDF documents may not be tagged for screen readers

## Feedback and contact information

If you need information in a different format, such as accessible PDF, large print, easy read, audio recording or braille, contact us through the contact page or your caseworker. We will consider your request and get back to you within 5 working days.

If you cannot use the online form, phone or write to us and a caseworker will make the request for you. The date we receive your request starts the legal time limits, not the date we type it in.

## Reporting accessibility problems with this service

We are always looking to improve the accessibility of this service. If you find any problems not listed on this page or think we are not meeting accessibility requirements, tell us through the contact page.

## Enforcement procedure

The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the accessibility regulations). If you are not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS): www.equalityadvisoryservice.com. (In Northern Ireland, the Equality Commission for Northern Ireland (ECNI) enforces the regulations.)

## Technical information about this service's accessibility

{council} is committed to making its websites accessible, in accordance with the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018.

## Compliance status

This service is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, due to the non-compliances listed below.

## Non-accessible content

The content listed below is non-accessible for the following reasons.

- Non-compliance with the accessibility regulations: documents uploaded by families and professionals are shown as they were sent, and may not meet WCAG 2.2 success criterion 1.1.1 (non-text content) or 1.3.1 (info and relationships). Letters and plans the service writes are produced as tagged PDF (PDF/UA) with the same content as the web pages.
- Disproportionate burden: we are not claiming disproportionate burden for any part of this service.
- Content that's not within the scope of the accessibility regulations: documents sent to us by third parties that we neither fund, develop nor control.

## What we're doing to improve accessibility

Every page is built with the GOV.UK Design System and checked automatically with axe-core in a real browser against WCAG 2.2 A and AA before each release.

## Preparation of this accessibility statement

This statement was prepared on 27 November 2026. It was last reviewed on 27 November 2026.

This service was last tested on 27 November 2026 by the team that builds it, with automated checks (axe-core, WCAG 2.2 A and AA) on every page type and manual checks with a keyboard. The council should commission a full audit and update this statement with its date and findings.
"""

COOKIES = """\
Cookies are small files saved on your phone, tablet or computer when you visit a website.

{service} uses only the cookies it needs to work: to keep you signed in, to keep your forms secure and to show you confirmation messages. These are strictly necessary cookies, so we do not ask for your consent to set them (the Privacy and Electronic Communications Regulations 2003, regulation 6(4)).

We do not use analytics cookies, advertising cookies or any cookie from another company, and we do not track you across other websites.

## Changing your settings

You can set your browser to refuse cookies, but then you will not be able to sign in to this service.
"""


# (record type, trigger, years, action, source)
RETENTION_SCHEDULE: list[tuple[str, str, int, str, str]] = [
    (
        "child_record",
        "date_of_birth",
        31,
        "anonymise",
        "IRMS Information Management Toolkit for Schools (v5, 2019): SEN files, reviews and EHC "
        "plans, date of birth of the pupil + 31 years (plan to age 25 + 6 years' limitation, "
        "Limitation Act 1980 s.2).",
    ),
    (
        "access_log",
        "created",
        6,
        "delete",
        "Limitation Act 1980 s.2: 6 years in which a claim about the use of the record can be "
        "brought.",
    ),
    (
        "notification",
        "created",
        2,
        "delete",
        "Council's decision: copies of messages whose letters and decisions are kept on the case.",
    ),
    (
        "request_draft",
        "created",
        1,
        "delete",
        "Council's decision: a request never sent is not a record of the council's work.",
    ),
]


LEGAL_PAGES: list[tuple[str, str, str]] = [
    ("privacy", "Privacy notice", PRIVACY),
    ("accessibility", "Accessibility statement", ACCESSIBILITY),
    ("cookies", "Cookies", COOKIES),
]


def defaults_seed(legal_page_model: Any, retention_rule_model: Any) -> None:
    """Add any legal page or retention rule that is missing, leaving the council's edits alone.
    Takes the models so migration 0002 can pass its historical ones; the portal calls it too
    when a row is missing (a database flushed by a test, or restored without it), as
    `CouncilProfile.current()` does. The admin cannot delete either: a council switches a
    rule off instead."""
    for slug, title, body in LEGAL_PAGES:
        legal_page_model.objects.get_or_create(slug=slug, defaults={"title": title, "body": body})
    for record_type, trigger, years, action, source in RETENTION_SCHEDULE:
        retention_rule_model.objects.get_or_create(
            record_type=record_type,
            defaults={
                "trigger": trigger,
                "period_years": years,
                "action": action,
                "source": source,
            },
        )
