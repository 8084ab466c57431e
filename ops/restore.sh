#!/usr/bin/env bash
# Restore the EHCP portal from a backup written by ops/backup.sh.
#
#   ops/restore.sh BACKUP_FOLDER            check the backup, restore it, check the result
#   ops/restore.sh --check-only BACKUP_FOLDER   only check the backup's checksums
#
# Run it with the environment of the portal being restored (DJANGO_SETTINGS_MODULE,
# DATABASE_URL, and S3_* or PRIVATE_MEDIA_ROOT) after:
#   1. stopping web, worker and beat (nothing may write while it runs);
#   2. creating an EMPTY database (createdb) and an empty folder or bucket for the files.
# It refuses a database that has tables or a storage that has files. It restores the
# database in one transaction, puts every file back, and fails unless every table's row
# count and every file's SHA-256 match the backup. Then run `manage.py migrate` (a backup of
# an older release is brought up to date) and start the portal again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
[ -x .venv/bin/python ] && [ "$PYTHON" = python ] && PYTHON=.venv/bin/python

if [ "${1:-}" = "--check-only" ]; then
  [ $# -eq 2 ] || { echo "usage: $0 --check-only BACKUP_FOLDER" >&2; exit 2; }
  exec "$PYTHON" manage.py backup_restore --check-only "$2"
fi
[ $# -eq 1 ] || { echo "usage: $0 [--check-only] BACKUP_FOLDER" >&2; exit 2; }
exec "$PYTHON" manage.py backup_restore "$1"
