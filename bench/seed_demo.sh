#!/usr/bin/env bash
# Times `seed_demo --cases N` on a fresh PostgreSQL database and reports its size.
#   bench/seed_demo.sh [database] [cases]       (or BENCH_DB=... CASES=...; default ehcp_bench, 100000)
# Target (issue 21): 1,000,000 cases within 10 minutes and 1 GB of memory.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-${BENCH_DB:-ehcp_bench}}
N=${2:-${CASES:-100000}}
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -qc "CREATE DATABASE $DB"
.venv/bin/python manage.py migrate -v0
/usr/bin/time -f "wall %e s, user %U s, sys %S s, max RSS %M KB" \
  .venv/bin/python manage.py seed_demo --cases "$N"
psql -h 127.0.0.1 -U postgres -d "$DB" -qc "VACUUM (ANALYZE)"  # as autovacuum would after the load
psql -h 127.0.0.1 -U postgres -Atc \
  "SELECT 'database size: ' || pg_size_pretty(pg_database_size('$DB')) || ' for $N cases, '
          || pg_size_pretty(pg_database_size('$DB') * 100000 / $N) || ' per 100,000 cases'"
uptime
