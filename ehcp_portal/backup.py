"""Back up and restore the whole portal: the database and every private file (issue 21).

A backup is one folder:

    database.dump   pg_dump's custom format, taken from one consistent snapshot
    files/          every file in the portal's private storage (file system or bucket), by name
    manifest.json   written last: the row count of every table in that same snapshot, and the
                    size and SHA-256 of every file; a folder without it is not a backup

Restoring needs an empty database and an empty storage: it checks the backup's own checksums
first, restores the database in one transaction, puts every file back, then proves the result
(the same row counts, the same checksums read back from the storage). `ops/backup.sh` and
`ops/restore.sh` are the operations team's way in; README "Backup and restore".
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, models
from django.utils import timezone

from ehcp_portal.storage import stored_names

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILE = "database.dump"
FILES_DIR = "files"
CHUNK = 1024 * 1024

Say = Callable[[str], None]


class BackupError(Exception):
    """What an operator must put right; the message says what."""


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)


def _quiet(message: str) -> None:
    return None


def _libpq_env() -> dict[str, str]:
    """The database the portal uses, for pg_dump/pg_restore, with the password kept off the
    command line (where `ps` would show it)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backups are of PostgreSQL: DATABASE_URL must be a postgres:// URL.")
    env = {**os.environ, "PGDATABASE": str(db["NAME"])}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _run(args: list[str]) -> None:
    tool = args[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed: install the PostgreSQL client tools.")
    result = subprocess.run(args, env=_libpq_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed:\n{result.stderr.strip()[-3000:]}")


def table_row_counts() -> dict[str, int]:
    """Every table of the portal's schema and its exact number of rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
            "ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _referenced_file_names() -> set[str]:
    """The names every FileField of every model points at (to spot a file already missing)."""
    names: set[str] = set()
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                names.update(
                    n for n in model._default_manager.values_list(f.attname, flat=True) if n
                )
    return names


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"Refusing a file name outside the storage: {name!r}")
    return path


def _copy_hashing(source: IO[bytes], target: IO[bytes] | None) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest(), size


def backup_create(destination: Path, *, say: Say = _quiet) -> dict[str, Any]:
    """Write a backup of the database and every private file into `destination` (a new
    folder). The database and the row counts come from one snapshot; files are copied after
    it, so a file uploaded meanwhile is kept too (without its row, which does no harm)."""
    if destination.exists():
        raise BackupError(f"{destination} already exists: give a new folder for each backup.")
    env = _libpq_env()  # fails early on SQLite
    destination.mkdir(mode=0o700, parents=True)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        # One snapshot for pg_dump and for the counts: both see the same rows.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            say(f"Dumping database {env['PGDATABASE']} ...")
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={destination / DATABASE_FILE}",
                ]
            )
            counts = table_row_counts()
            referenced = _referenced_file_names()
        finally:
            cursor.execute("ROLLBACK")
    say(f"  {len(counts)} tables, {sum(counts.values())} rows")

    say("Copying private files ...")
    files: dict[str, dict[str, Any]] = {}
    root = destination / FILES_DIR
    root.mkdir(mode=0o700)
    for name in stored_names(default_storage):
        target = root.joinpath(*_safe_name(name).parts)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, target.open("wb") as out:
            sha256, size = _copy_hashing(source, out)
        files[name] = {"sha256": sha256, "size": size}
    missing = sorted(referenced - files.keys())
    say(f"  {len(files)} files, {sum(f['size'] for f in files.values())} bytes")
    if missing:
        say(f"  warning: {len(missing)} files the database names were not in the storage")

    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "storage": default_storage.__class__.__name__,
        "database": {"dump": DATABASE_FILE, "tables": counts},
        "files": files,
        "missing_at_backup": missing,
    }
    # Written last: a folder with a manifest is a complete backup.
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def manifest_read(source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} has no {MANIFEST}: it is not a complete backup.") from None
    except ValueError as exc:
        raise BackupError(f"{source / MANIFEST} is damaged: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is a backup of format {manifest.get('format')!r}.")
    return manifest


def backup_verify(source: Path, *, say: Say = _quiet) -> dict[str, Any]:
    """Check a backup's own files against its manifest, without touching anything else."""
    manifest = manifest_read(source)
    if not (source / manifest["database"]["dump"]).is_file():
        raise BackupError(f"{source} has no database dump.")
    damaged = []
    for name, expected in manifest["files"].items():
        path = source.joinpath(FILES_DIR, *_safe_name(name).parts)
        try:
            with path.open("rb") as fh:
                sha256, size = _copy_hashing(fh, None)
        except FileNotFoundError:
            damaged.append(f"missing: {name}")
            continue
        if (sha256, size) != (expected["sha256"], expected["size"]):
            damaged.append(f"changed: {name}")
    if damaged:
        raise BackupError("The backup is damaged:\n  " + "\n  ".join(damaged))
    say(f"Backup checked: {len(manifest['files'])} files match their checksums.")
    return manifest


def _refuse_unless_empty() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
        )
        tables = cursor.fetchone()[0]
    if tables:
        raise BackupError(
            f"The database {settings.DATABASES['default']['NAME']} is not empty ({tables} "
            "tables). Restore into a new, empty database (createdb), never over a live one."
        )
    if next(stored_names(default_storage), None) is not None:
        raise BackupError(
            "The private file storage is not empty. Restore into an empty folder or bucket."
        )


def backup_restore(source: Path, *, say: Say = _quiet) -> RestoreReport:
    """Restore a backup into an empty database and an empty storage, then prove it."""
    manifest = backup_verify(source, say=say)
    _refuse_unless_empty()

    say("Restoring the database ...")
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_libpq_env()['PGDATABASE']}",
            str(source / manifest["database"]["dump"]),
        ]
    )
    say("Restoring private files ...")
    for name in manifest["files"]:
        path = source.joinpath(FILES_DIR, *_safe_name(name).parts)
        with path.open("rb") as fh:
            saved = default_storage.save(name, File(fh, name=name))
        if saved != name:
            raise BackupError(f"The storage kept {name} as {saved}: it was not empty.")
    return restore_check(manifest, say=say)


def restore_check(manifest: dict[str, Any], *, say: Say = _quiet) -> RestoreReport:
    """Compare what is now in the database and the storage with the backup's manifest."""
    report = RestoreReport()
    counts = table_row_counts()
    for table, expected in manifest["database"]["tables"].items():
        found = counts.get(table)
        if found != expected:
            report.problems.append(f"table {table}: {found} rows, the backup had {expected}")
    report.tables = len(counts)
    report.rows = sum(counts.values())
    for name, expected in manifest["files"].items():
        try:
            with default_storage.open(name, "rb") as fh:
                sha256, _ = _copy_hashing(fh, None)
        except FileNotFoundError:
            sha256 = "missing"
        if sha256 != expected["sha256"]:
            report.problems.append(f"file {name}: not as backed up ({sha256})")
    report.files = len(manifest["files"])
    say(
        f"Restored {report.tables} tables ({report.rows} rows) and {report.files} files; "
        + (f"{len(report.problems)} problems" if report.problems else "all match the backup")
    )
    return report
