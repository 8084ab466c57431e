"""What the worker does with the letter outbox, run in the test's own process (tests with a real
worker process are marked `worker`)."""

from __future__ import annotations


def letters_made_by_worker() -> int:
    """Make every decision letter still waiting, as the worker's task would; returns how many."""
    from cases.correspondence.models import LetterJob
    from cases.correspondence.services import letter_job_make

    waiting = LetterJob.objects.filter(status=LetterJob.Status.WAITING).order_by("pk")
    return sum(letter_job_make(pk) for pk in waiting.values_list("pk", flat=True))


def minutes_made_by_worker() -> int:
    """Make every panel's minutes still wanted, as the worker's task would; returns how many."""
    from panels.models import Meeting
    from panels.services import minutes_make

    wanted = Meeting.objects.filter(minutes_wanted_at__isnull=False).order_by("pk")
    return sum(minutes_make(pk) for pk in wanted.values_list("pk", flat=True))
