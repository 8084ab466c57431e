"""What every part of the sweep shares: which reminder a date is owed, how a due date reads, and
links built without a reverse() per message."""

from __future__ import annotations

from django.urls import reverse

# Cases (or advice requests) read, turned into messages and committed together.
BATCH = 5000


class LinkTemplate:
    """reverse() once per URL name, then fill in the argument: reverse() per message would be
    a third of the sweep's time at 100,000 cases."""

    def __init__(self, name: str, placeholder: str = "__ARG__") -> None:
        self.placeholder = placeholder
        self.template = reverse(name, args=[placeholder])

    def __call__(self, arg: object) -> str:
        return self.template.replace(self.placeholder, str(arg))


def reminder_owed(days_left: int, offsets: tuple[int, ...]) -> int | None:
    """The reminder a date `days_left` away is owed: the smallest offset not yet passed, so a
    run that was missed catches up (first seen 5 days out, it still gets its 7-day reminder)."""
    fitting = [o for o in offsets if o >= days_left]
    return min(fitting) if fitting else None


def due_when(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"
