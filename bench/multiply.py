"""Make a database of N x the cases of a seeded one, by copying its caseworkers, children,
cases, advice requests and caseworker profiles N - 1 times in SQL (minutes, where
`seed_demo --cases 1000000` takes 20 minutes on an idle machine and over two hours on a busy
one). Each copy keeps the original's shape: the same areas and teams, ten times the caseworkers
(so caseloads per caseworker stay as seeded), the same advice givers (whose inboxes grow ten
times), references suffixed "-k".

    createdb -h 127.0.0.1 -U postgres -T ehcp_bench_100k ehcp_bench_1m
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ehcp_bench_1m \
        .venv/bin/python bench/multiply.py 10

The kept open-case counts follow by their triggers, as for any insert.
"""

from __future__ import annotations

import os
import sys
import time

import psycopg2

# table: {column: SQL for the copy's value, with {k} the copy's number and {o_*} the offsets}
OVERRIDES: dict[str, dict[str, str]] = {
    "accounts_user": {
        "id": "id + {k} * {o_user}",
        "email": "'copy{k}.' || email",
    },
    "assignment_caseworkerprofile": {
        "id": "id + {k} * {o_profile}",
        "user_id": "user_id + {k} * {o_user}",
    },
    "families_child": {"id": "id + {k} * {o_child}"},
    "cases_case": {
        "id": "id + {k} * {o_case}",
        "reference": "reference || '-{k}'",
        "child_id": "child_id + {k} * {o_child}",
        "caseworker_id": "caseworker_id + {k} * {o_user}",
        "requested_by_id": "NULL",
    },
    "advice_advicerequest": {
        "id": "id + {k} * {o_advice}",
        "public_id": "gen_random_uuid()",
        "case_id": "case_id + {k} * {o_case}",
        "requested_by_id": "NULL",
        "responded_by_id": "NULL",
    },
}
WHERE = {
    "accounts_user": "role = 'caseworker' AND id <= {o_user}",
    "assignment_caseworkerprofile": "id <= {o_profile}",
    "families_child": "id <= {o_child}",
    "cases_case": "id <= {o_case}",
    "advice_advicerequest": "id <= {o_advice}",
}
SEQUENCE_TABLES = list(OVERRIDES)


def main(times: int) -> None:
    conn = psycopg2.connect(os.environ["DATABASE_URL"])
    conn.autocommit = False
    cur = conn.cursor()
    offsets = {}
    for key, table in (
        ("o_user", "accounts_user"),
        ("o_profile", "assignment_caseworkerprofile"),
        ("o_child", "families_child"),
        ("o_case", "cases_case"),
        ("o_advice", "advice_advicerequest"),
    ):
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        offsets[key] = cur.fetchone()[0]
    print(offsets, flush=True)
    for table, overrides in OVERRIDES.items():
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "ORDER BY ordinal_position",
            [table],
        )
        columns = [row[0] for row in cur.fetchall()]
        for k in range(1, times):
            values = [
                overrides.get(c, c).format(k=k, **offsets) if c in overrides else c for c in columns
            ]
            where = WHERE[table].format(**offsets)
            started = time.monotonic()
            cur.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM {table} WHERE {where}"
            )
            print(f"{table} copy {k}: {cur.rowcount} rows, {time.monotonic() - started:.0f} s")
            sys.stdout.flush()
    for table in SEQUENCE_TABLES:
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        )
    conn.commit()
    conn.autocommit = True
    cur.execute("VACUUM ANALYZE")
    print("done", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
