#!/usr/bin/env bash
# Back up the EHCP portal: the database and every private file (documents, letters, plans...).
#
#   ops/backup.sh [BACKUP_ROOT]
#
# Run it with the portal's own environment (DJANGO_SETTINGS_MODULE, DATABASE_URL, and S3_* or
# PRIVATE_MEDIA_ROOT), e.g. daily from cron or a scheduled container, while the portal runs.
# It writes BACKUP_ROOT/ehcp-<UTC time>/ (database.dump, files/, manifest.json), readable only
# by its owner, then removes backups older than BACKUP_KEEP_DAYS days (default 35; 0 keeps
# all). A backup holds every child's record: keep it encrypted and off this machine.
set -euo pipefail
umask 077
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
[ -x .venv/bin/python ] && [ "$PYTHON" = python ] && PYTHON=.venv/bin/python

root=${1:-${BACKUP_ROOT:-backups}}
keep=${BACKUP_KEEP_DAYS:-35}
mkdir -p "$root"
folder="$root/ehcp-$(date -u +%Y%m%dT%H%M%SZ)"

"$PYTHON" manage.py backup_create "$folder"

if [ "$keep" -gt 0 ]; then
  # Only complete backups (with a manifest) of this script's naming are ever removed.
  find "$root" -mindepth 1 -maxdepth 1 -type d -name 'ehcp-20*' -mtime +"$keep" \
    -exec test -f '{}/manifest.json' ';' -print -exec rm -rf '{}' +
fi
echo "$folder"
