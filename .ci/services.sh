#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are up for the tests.
# Start them if installed but stopped; install them with apt when root on Debian; otherwise
# stop with a message that says what to install. Never fall back to SQLite.
set -euo pipefail

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

if ! command -v pg_ctlcluster >/dev/null || ! command -v redis-server >/dev/null; then
  if can_apt; then
    echo "Installing PostgreSQL and Redis with apt…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
  fi
fi

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null; then
    echo "Starting PostgreSQL…"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  fi
fi
if ! pg_up; then
  echo "PostgreSQL is not reachable on 127.0.0.1:5432. Install it (apt-get install postgresql)" >&2
  echo "or set DATABASE_URL to a reachable postgres:// database." >&2
  exit 1
fi

if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "Starting Redis…"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  fi
fi
if ! redis_up; then
  echo "Redis is not reachable on 127.0.0.1:6379. Install it (apt-get install redis-server)." >&2
  exit 1
fi

# Tests connect as the postgres role over TCP (trust auth on the project's machines); make sure
# it may create the test database.
if [ "$(id -u)" = 0 ] && command -v psql >/dev/null; then
  su postgres -c "psql -qtAc 'ALTER ROLE postgres CREATEDB'" >/dev/null 2>&1 || true
fi
echo "PostgreSQL and Redis are up."
