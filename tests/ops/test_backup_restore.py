"""The restore drill (issue 21), run as a council's operations team would run it: seed a
portal with cases and documents, back it up with ops/backup.sh, wipe it (drop the database,
empty the storage), restore it with ops/restore.sh, and find the same rows in every table and
the same files, byte for byte. Once with the files on disk and once in a bucket.

The row counts and checksums the test compares are taken by the test itself before the wipe,
not read from the backup's manifest, so a backup that lost something cannot pass.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from cases.documents import document_store
from cases.models import Document
from tests.database import other_connection
from tests.factories import CaseFactory, family_for
from tests.families.helpers import pdf_bytes
from tests.objectstore import ObjectStore

ROOT = Path(__file__).resolve().parents[2]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _admin(sql: str) -> None:
    conn = other_connection("postgres")
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def _database_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{db.get('USER') or 'postgres'}{password}@{host}:{port}/{name}"


def _row_counts(name: str) -> dict[str, int]:
    conn = other_connection(name)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = sorted(row[0] for row in cursor.fetchall())
            counts = {}
            for table in tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
            return counts
    finally:
        conn.close()


class Disk:
    def __init__(self, root: Path) -> None:
        self.root = root

    def env(self) -> dict[str, str]:
        return {"PRIVATE_MEDIA_ROOT": str(self.root)}

    def storage_options(self) -> dict:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(self.root)},
        }

    def checksums(self) -> dict[str, str]:
        return {
            p.relative_to(self.root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in self.root.rglob("*")
            if p.is_file()
        }

    def wipe(self) -> None:
        for p in sorted(self.root.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()


class Bucket:
    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    def env(self) -> dict[str, str]:
        return self.store.env()

    def storage_options(self) -> dict:
        return self.store.storage_options()

    def checksums(self) -> dict[str, str]:
        return {
            name: hashlib.sha256(self.store.read(name)).hexdigest()
            for name in self.store.object_names()
        }

    def wipe(self) -> None:
        for name in self.store.object_names():
            self.store.client().delete_object(Bucket=self.store.bucket, Key=name)


@pytest.fixture(params=["disk", "bucket"])
def files(request, tmp_path):
    if request.param == "disk":
        return Disk(tmp_path / "private")
    return Bucket(request.getfixturevalue("bucket"))


def _ops(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ROOT / "ops" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.django_db(transaction=True)
def test_the_restore_drill_brings_back_every_row_and_every_file(files, settings, tmp_path):
    # Seed: cases with families, and documents stored where the portal keeps them.
    settings.STORAGES = {**settings.STORAGES, "default": files.storage_options()}
    for n in range(3):
        case = CaseFactory()
        parent = family_for(case)
        document_store(
            upload=SimpleUploadedFile(f"report-{n}.pdf", pdf_bytes()),
            kind=Document.Kind.EVIDENCE,
            uploaded_by=parent,
            case=case,
            family_visible=True,
        )
        document_store(
            upload=SimpleUploadedFile("photo.png", PNG),
            kind="attachment",
            case=case,
            uploaded_by=None,
        )
    # The drill's own database: a copy of the seeded test database.
    source = connection.settings_dict["NAME"]
    drill = f"{source}_drill"
    # A template database must have no other session: close this process's, and end any an
    # earlier test's thread or subprocess left behind (a copy would otherwise be refused).
    connections.close_all()
    _admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{source}' AND pid <> pg_backend_pid()"
    )
    _admin(f'DROP DATABASE IF EXISTS "{drill}"')
    _admin(f'CREATE DATABASE "{drill}" TEMPLATE "{connection.settings_dict["NAME"]}"')
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DJANGO_SETTINGS_MODULE": "ehcp_portal.settings.production",
        "SECRET_KEY": "restore-drill-" + "k" * 60,
        "DATABASE_URL": _database_url(drill),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "ALLOWED_HOSTS": "portal.example.gov.uk",
        "SITE_URL": "https://portal.example.gov.uk",
        "EHCP_VAR_DIR": str(tmp_path / "var"),
        "BACKUP_KEEP_DAYS": "0",
        **files.env(),
    }
    try:
        rows_before = _row_counts(drill)
        files_before = files.checksums()
        assert rows_before["cases_case"] == 3 and rows_before["cases_document"] == 6
        assert len(files_before) == 6

        backed_up = _ops("backup.sh", str(tmp_path / "backups"), env=env)
        assert backed_up.returncode == 0, backed_up.stdout + backed_up.stderr
        folder = Path(backed_up.stdout.strip().splitlines()[-1])
        assert (folder / "database.dump").is_file() and (folder / "manifest.json").is_file()
        assert oct(folder.stat().st_mode & 0o777) == "0o700"  # personal data: owner only

        # Wipe: the database dropped and created empty, the storage emptied.
        _admin(f'DROP DATABASE "{drill}"')
        _admin(f'CREATE DATABASE "{drill}"')
        files.wipe()
        assert _row_counts(drill) == {} and files.checksums() == {}

        restored = _ops("restore.sh", str(folder), env=env)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "all match the backup" in restored.stdout

        assert _row_counts(drill) == rows_before
        assert files.checksums() == files_before

        # Restoring again over the restored portal is refused, and changes nothing.
        again = _ops("restore.sh", str(folder), env=env)
        assert again.returncode != 0
        assert "is not empty" in again.stderr
        assert _row_counts(drill) == rows_before
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{drill}"')


def test_a_damaged_backup_is_refused_before_anything_is_touched(tmp_path):
    folder = tmp_path / "ehcp-20260101T000000Z"
    (folder / "files" / "documents").mkdir(parents=True)
    (folder / "database.dump").write_bytes(b"PGDMP")
    (folder / "files" / "documents" / "a.pdf").write_bytes(b"%PDF-1.7 changed")
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                "format": 1,
                "database": {"dump": "database.dump", "tables": {"cases_case": 1}},
                "files": {
                    "documents/a.pdf": {
                        "sha256": hashlib.sha256(b"%PDF-1.7 original").hexdigest(),
                        "size": 17,
                    }
                },
            }
        )
    )
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DJANGO_SETTINGS_MODULE": "ehcp_portal.settings.test",
        # Nothing listens on port 1: the check must not need the database at all.
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/none",
    }
    result = _ops("restore.sh", "--check-only", str(folder), env=env)
    assert result.returncode != 0
    assert "The backup is damaged" in result.stderr and "changed: documents/a.pdf" in result.stderr
    result = _ops("restore.sh", str(folder), env=env)
    assert result.returncode != 0
    assert "changed: documents/a.pdf" in result.stderr
    # A folder without a manifest is not a backup.
    (folder / "manifest.json").unlink()
    result = _ops("restore.sh", "--check-only", str(folder), env=env)
    assert "not a complete backup" in result.stderr


def test_the_file_walk_finds_nested_files_and_nothing_in_a_missing_folder(tmp_path):
    from ehcp_portal.storage import stored_names

    storage = FileSystemStorage(location=tmp_path / "private")
    assert list(stored_names(storage)) == []
    storage.save("documents/2026/01/b.pdf", SimpleUploadedFile("b", b"b"))
    storage.save("a.txt", SimpleUploadedFile("a", b"a"))
    assert list(stored_names(storage)) == ["a.txt", "documents/2026/01/b.pdf"]
