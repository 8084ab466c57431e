#!/usr/bin/env bash
# Times `seed_demo --cases 100000` on a fresh PostgreSQL database (issue 2: under 5 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${BENCH_DB:-ehcp_bench}
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -qc "CREATE DATABASE $DB"
.venv/bin/python manage.py migrate -v0
/usr/bin/time -f "wall %e s, max RSS %M KB" .venv/bin/python manage.py seed_demo --cases "${CASES:-100000}"
