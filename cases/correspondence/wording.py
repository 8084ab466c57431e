"""The council's wording of a letter: a small sandboxed template language, pure Python.

A council writes plain text with named placeholders (`{child}`, `{reference}`, ...) and puts the
portal's statutory blocks where it wants them with markers (`[[decision]]`, `[[next_steps]]`,
`[[rights]]`, `[[contact]]`). Nothing else is code: no Django template tags, no attribute
access, so a template can show only the values offered and can never leave out a block that
carries a statutory date or right (the blocks are rendered by the portal itself).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

PLACEHOLDERS: dict[str, str] = {
    "child": "the child's first name",
    "child_full_name": "the child's full name",
    "reference": "the case reference",
    "council": "the council's name",
    "caseworker": "the caseworker's name",
    "date": "the date of the letter",
}

# Django's own template syntax first, so "{% ... %}" is refused as code, not read as a name.
_TOKEN = re.compile(
    r"(?P<code>\{\{|\}\}|\{%|%\}|\{#|#\})"
    r"|\[\[\s*(?P<block>[^\]]*?)\s*\]\]"
    r"|\{(?P<name>[^{}]*)\}"
    r"|(?P<stray>[{}]|\[\[|\]\])"
)


class WordingInvalid(ValueError):
    """The wording cannot be used; `errors` say why, in words a council officer understands."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Part:
    kind: str  # "text" or "block"
    value: str


def wording_parse(text: str, *, blocks: Iterable[str], required: Iterable[str] = ()) -> list[Part]:
    """The wording as text and block parts, or WordingInvalid listing every problem.

    `blocks` are the markers this letter offers; `required` those it must place, each once.
    """
    offered, needed = list(blocks), list(required)
    errors: list[str] = []
    parts: list[Part] = []
    placed: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        parts.append(Part("text", text[position : match.start()]))
        position = match.end()
        code, block, name, stray = match.groups()
        stray = code or stray
        if block is not None:
            if block not in offered:
                errors.append(
                    f"[[{block}]] is not a block of this letter: use "
                    + ", ".join(f"[[{b}]]" for b in offered)
                )
            elif block in placed:
                errors.append(f"[[{block}]] appears more than once: place it once")
            else:
                placed.append(block)
                parts.append(Part("block", block))
        elif name is not None:
            if name.strip() not in PLACEHOLDERS:
                errors.append(
                    f"{{{name}}} is not a placeholder you can use: use "
                    + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
                )
            else:
                parts.append(Part("text", "{" + name.strip() + "}"))
        else:
            errors.append(
                f"'{stray}' is not allowed: write placeholders as {{child}} and blocks as "
                "[[rights]]"
            )
    parts.append(Part("text", text[position:]))
    for block in needed:
        if block not in placed:
            errors.append(
                f"The letter must keep [[{block}]]: it carries statutory content "
                "(dates and rights) the portal inserts and the family must receive"
            )
    if errors:
        raise WordingInvalid(errors)
    return _joined(parts)


def _joined(parts: list[Part]) -> list[Part]:
    joined: list[Part] = []
    for part in parts:
        if part.kind == "text" and joined and joined[-1].kind == "text":
            joined[-1] = Part("text", joined[-1].value + part.value)
        elif part.kind == "block" or part.value:
            joined.append(part)
    return [p for p in joined if p.kind == "block" or p.value.strip()]


def wording_fill(text: str, values: Mapping[str, str]) -> str:
    """Replace each placeholder of already-parsed text with its value (plain text: the letter
    template escapes it)."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)
