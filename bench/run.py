"""`make bench`: every benchmark in turn, each on its own PostgreSQL database (created if
missing), so one run gives all the figures in bench/README.md side by side on one machine.
Exits non-zero if any benchmark failed (each still runs).

    .venv/bin/python bench/run.py [name ...]      # names: seed, caseload, ... (default: all)
    .venv/bin/python bench/run.py --list

Every bench/*.py is a benchmark: those in BENCHMARKS with the environment listed there, any
other with its own database `ehcp_bench_<name>` (as DATABASE_URL and BENCH_DATABASE_URL), so a
new benchmark is never left out of `make bench`.

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
    "events": ([PYTHON, "bench/events.py"], {"BENCH_DATABASE_URL": f"{SERVER}/ehcp_bench_events"}),
    "bulk_letters": (
        [PYTHON, "bench/bulk_letters.py"],
        {"DATABASE_URL": f"{SERVER}/ehcp_bench_letters", "REDIS_URL": "redis://127.0.0.1:6379/10"},
    ),
}


# Tools beside the benchmarks: this runner, and the copier that makes a large database.
NOT_BENCHMARKS = {"run", "multiply"}


def benchmarks() -> dict[str, tuple[list[str], dict[str, str]]]:
    """BENCHMARKS and every other bench/*.py, each on its own database."""
    found = dict(BENCHMARKS)
    for path in sorted((ROOT / "bench").glob("*.py")):
        name = path.stem
        if (
            name in NOT_BENCHMARKS
            or name in found
            or any(path.name in " ".join(c) for c, _ in found.values())
        ):
            continue
        url = f"{SERVER}/ehcp_bench_{name}"
        found[name] = (
            [PYTHON, f"bench/{path.name}"],
            {"DATABASE_URL": url, "BENCH_DATABASE_URL": url},
        )
    return found


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
    every = benchmarks()
    if names == ["--list"]:
        print("\n".join(f"{name}: {' '.join(every[name][0])}" for name in every))
        return 0
    unknown = [name for name in names if name not in every]
    if unknown:
        print(f"Unknown benchmark {', '.join(unknown)}; one of: {', '.join(every)}")
        return 2
    failed = []
    for name in names or list(every):
        command, env = every[name]
        for key in ("DATABASE_URL", "BENCH_DATABASE_URL"):
            if key in env:
                database_ensure(env[key])
        print(f"\n=== {name}: {' '.join(command)}", flush=True)
        result = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, check=False)
        if result.returncode != 0:
            print(f"=== {name} FAILED (exit {result.returncode})", flush=True)
            failed.append(name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
