"""Getting a web process ready to serve (called by `ehcp_portal.wsgi` once the application is
loaded, and by the page benchmark so that it measures what production runs)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.template import engines


def settle_for_serving() -> None:
    """Compile every template of the portal now (the cached loader keeps them for the life of
    the process), then put everything loaded so far out of the garbage collector's reach
    (`gc.freeze`). Without this, each full collection walked the ~170,000 objects of the code,
    URL patterns and templates, all alive until the process ends, adding 80 to 110 ms to one
    request in twenty-five: the p95 of the busiest pages at 1,000,000 cases."""
    for engine in engines.all():
        for name in portal_template_names(engine.template_dirs):
            engine.get_template(name)
    gc.collect()
    gc.freeze()


def portal_template_names(template_dirs: Iterable[str | Path]) -> list[str]:
    """The names of the portal's own templates (not Django's or the libraries', which are
    compiled when first used: some belong to features the portal leaves off)."""
    project = Path(settings.BASE_DIR).resolve()
    installed = Path(sys.prefix).resolve()  # a virtualenv may sit inside the project
    names = []
    for directory in map(Path, template_dirs):
        where = directory.resolve()
        if not where.is_relative_to(project) or where.is_relative_to(installed):
            continue
        names += [
            path.relative_to(directory).as_posix()
            for path in sorted(directory.rglob("*"))
            if path.is_file() and path.suffix in {".html", ".txt"}
        ]
    return names
