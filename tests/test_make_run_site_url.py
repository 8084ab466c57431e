"""`make run PORT=…`: the links in emails and letters (SITE_URL) follow the port the portal is
served on, unless SITE_URL is set (issue 20: every link pointed to port 8000).

The real `run` recipe is run by make, with its virtual environment swapped for stand-ins: the
`python` that would migrate and seed records the environment the recipe gave it, the one that
would start the server loads the portal's own settings (those `manage.py` uses) in that
environment and prints the address an email's link and a letter carry; the Celery processes
only wait. Nothing is installed, migrated or served.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What the stand-in for the server prints: the settings `manage.py` uses (the embedded default),
# the link a notification carries and the address a letter prints.
PRINT_LINKS = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ehcp_portal.settings.local")
django.setup()
from django.conf import settings
from notifications.models import Notification
from notifications.services import _portal_url
print("EMAIL_LINK=" + _portal_url(Notification(link="/track/EHC-2026-000001/")))
print("LETTER_SITE_URL=" + settings.SITE_URL)
"""


def _stand_in_venv(tmp_path: Path) -> Path:
    venv = tmp_path / "venv"
    bin_dir = venv / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    script, out = tmp_path / "links.py", tmp_path / "links.txt"
    script.write_text(PRINT_LINKS)
    python.write_text(
        "#!/bin/bash\n"
        'if [ "$2" = runserver ]; then\n'
        # From standard input, so the repository (the recipe's directory) is on the path.
        f'  exec "{sys.executable}" - < "{script}" > "{out}" 2>&1\n'
        "fi\n"
        f'echo "$2 SITE_URL=$SITE_URL" >> "{tmp_path / "recipe.txt"}"\n'
    )
    celery = bin_dir / "celery"
    celery.write_text("#!/bin/bash\nsleep 60\n")
    for script in (python, celery):
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    installed = venv / ".installed"
    installed.touch()
    later = time.time() + 60  # newer than the lock file and the python: nothing to install
    os.utime(installed, (later, later))
    return venv


def _make_run(tmp_path: Path, *args: str, site_url: str | None = None) -> dict[str, str]:
    venv = _stand_in_venv(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT", "MAKEFLAGS")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if site_url is not None:
        env["SITE_URL"] = site_url
    # The recipe ends with `kill 0` (its whole process group): a session of its own.
    subprocess.run(
        ["make", "--no-print-directory", "run", f"VENV={venv}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
    )
    recipe = (tmp_path / "recipe.txt").read_text()
    links = (tmp_path / "links.txt").read_text()
    found = dict(
        line.split("=", 1) for line in links.splitlines() if line.startswith(("EMAIL", "LETTER"))
    )
    assert found, links
    found["recipe"] = recipe
    return found


def test_links_follow_the_port_given_to_make_run(tmp_path):
    found = _make_run(tmp_path, "PORT=8123")
    assert "migrate SITE_URL=http://127.0.0.1:8123" in found["recipe"]
    assert "seed_demo SITE_URL=http://127.0.0.1:8123" in found["recipe"]
    assert found["EMAIL_LINK"] == "http://127.0.0.1:8123/track/EHC-2026-000001/"
    assert found["LETTER_SITE_URL"] == "http://127.0.0.1:8123"


def test_without_a_port_links_use_the_default_8000(tmp_path):
    found = _make_run(tmp_path)
    assert found["EMAIL_LINK"] == "http://127.0.0.1:8000/track/EHC-2026-000001/"


def test_a_site_url_that_is_set_wins_over_the_port(tmp_path):
    found = _make_run(tmp_path, "PORT=8123", site_url="https://ehcp.example.gov.uk")
    assert found["EMAIL_LINK"] == "https://ehcp.example.gov.uk/track/EHC-2026-000001/"
    assert found["LETTER_SITE_URL"] == "https://ehcp.example.gov.uk"
    assert "8123" not in found["recipe"]
