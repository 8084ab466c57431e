"""`make bench`: every benchmark in turn, each on its own PostgreSQL database (created if
missing), so one run gives all the figures in bench/README.md side by side on one machine.

    .venv/bin/python bench/run.py [caseload|assignment|sweep|reporting|seed|sen2|api|pages ...]

Seeding 100,000 cases takes about a minute and each benchmark seeds its own database only when
it does not already hold the data, so a second run is quicker.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
PYTHON = sys.executable

# name: (command, the environment it needs)
BENCHMARKS: dict[str, tuple[list[str], dict[str, str]]] = {
    "seed": (["bash", "bench/seed_demo.sh"], {"BENCH_DB": "ehcp_bench"}),
    "caseload": ([PYTHON, "bench/caseload.py"], {"BENCH_DATABASE_URL": f"{SERVER}/ehcp_bench3"}),
    "assignment": ([PYTHON, "bench/assignment.py"], {"DATABASE_URL": f"{SERVER}/ehcp_bench5"}),
    "sweep": ([PYTHON, "bench/sweep.py"], {"DATABASE_URL": f"{SERVER}/ehcp_bench6"}),
    "reporting": (
        [PYTHON, "bench/reporting.py"],
        {"BENCH_DATABASE_URL": f"{SERVER}/ehcp_bench_reporting"},
    ),
    "sen2": ([PYTHON, "bench/sen2.py"], {"DATABASE_URL": f"{SERVER}/ehcp_bench_sen2"}),
    "api": ([PYTHON, "bench/api.py"], {"DATABASE_URL": f"{SERVER}/ehcp_bench_api"}),
    # Every list page at 100,000 and 1,000,000 cases beside a bare page (issue 21): both
    # databases must hold their seed (bench/seed_demo.sh, or bench/multiply.py for the large one).
    "pages": ([PYTHON, "bench/pages.py"], {}),
}


def database_ensure(url: str) -> None:
    import psycopg2

    server, name = url.rsplit("/", 1)
    conn = psycopg2.connect(f"{server}/postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def main(names: list[str]) -> int:
    failed = []
    for name in names or list(BENCHMARKS):
        command, env = BENCHMARKS[name]
        if "DATABASE_URL" in env:
            database_ensure(env["DATABASE_URL"])
        print(f"\n=== {name}: {' '.join(command)}", flush=True)
        result = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, check=False)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
