"""The council's legal pages as safe HTML: the admin's plain text, escaped, in GOV.UK styles."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from cases.models import CouncilProfile
from ehcp_portal.governance.defaults import defaults_seed
from ehcp_portal.governance.models import LegalPage, RetentionRule


@dataclass(frozen=True)
class Block:
    kind: str  # "h2", "p" or "ul"
    lines: tuple[str, ...]


def legal_blocks(text: str) -> list[Block]:
    """Blank lines separate blocks; "## " starts a heading, a run of "- " lines is a list."""
    blocks: list[Block] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## ") and len(lines) == 1:
            blocks.append(Block("h2", (lines[0][3:].strip(),)))
        elif all(line.startswith("- ") for line in lines):
            blocks.append(Block("ul", tuple(line[2:].strip() for line in lines)))
        elif lines[0].startswith("## "):
            blocks.append(Block("h2", (lines[0][3:].strip(),)))
            blocks.append(Block("p", tuple(lines[1:])))
        else:
            blocks.append(Block("p", tuple(lines)))
    return blocks


def legal_html(text: str, *, council: str, service: str = "") -> SafeString:
    """Every character the council typed is escaped: no HTML reaches the page."""
    text = text.replace("{council}", council).replace("{service}", service or "this service")
    parts = []
    for block in legal_blocks(text):
        if block.kind == "h2":
            parts.append(format_html('<h2 class="govuk-heading-m">{}</h2>', block.lines[0]))
        elif block.kind == "ul":
            items = format_html_join("", "<li>{}</li>", ((line,) for line in block.lines))
            parts.append(format_html('<ul class="govuk-list govuk-list--bullet">{}</ul>', items))
        else:
            parts.append(format_html('<p class="govuk-body">{}</p>', " ".join(block.lines)))
    return SafeString("\n".join(parts))


def legal_page_render(slug: str) -> tuple[LegalPage | None, SafeString]:
    page = LegalPage.objects.filter(slug=slug).first()
    if page is None and slug in LegalPage.Slug.values:
        defaults_seed(LegalPage, RetentionRule)
        page = LegalPage.objects.filter(slug=slug).first()
    if page is None:
        return None, SafeString("")
    return page, legal_html(
        page.body, council=CouncilProfile.current().name, service=settings.SERVICE_NAME
    )
