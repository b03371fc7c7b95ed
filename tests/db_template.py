"""A migrated PostgreSQL template for the test databases, so that a test run migrates once, not once per worker.

pytest-django creates a test database for every xdist worker and runs all migrations in each (about 35 s on
a loaded 2-core machine, both workers at once). Here the first worker builds ``test_<name>_tpl_<hash>`` with
``manage.py migrate``, under an advisory lock, and every worker's database is created from it
(``CREATE DATABASE ... TEMPLATE``); the migrate that pytest-django still runs then finds nothing to do.

The hash covers every migration file of every installed app (ours and the packages') and the Django version,
so a template is only reused for exactly the schema a fresh migrate would build; a changed migration makes a
new template, and the old ones of this database name are dropped. With ``--no-migrations``, or on another
database engine, nothing changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import django
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def migrations_hash() -> str:
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256(django.get_version().encode())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for app_label, name in sorted(loader.disk_migrations):
        module = sys.modules[loader.disk_migrations[app_label, name].__module__]
        digest.update(f"{app_label}.{name}\n".encode())
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:12]


def _url(db: dict, name: str) -> str:
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{name}"


def use_migrated_template() -> None:
    """Build the template if it is missing and let the test databases be created from it."""
    if connection.vendor != "postgresql":
        return
    import psycopg
    from psycopg import sql

    db = settings.DATABASES["default"]
    base = f"test_{db['NAME']}"
    template = f"{base}_tpl_{migrations_hash()}"
    building = f"{template}_new"
    lock = int(hashlib.sha256(base.encode()).hexdigest()[:15], 16)
    with psycopg.connect(_url(db, "postgres"), autocommit=True) as maintenance:
        maintenance.execute("SELECT pg_advisory_lock(%s)", [lock])
        try:
            exists = maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
            if not exists:
                # Built under another name and renamed when complete, so a failed build is never used.
                maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(building)))
                maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
                subprocess.run(
                    [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                    cwd=ROOT,
                    env={**os.environ, "DATABASE_URL": _url(db, building)},
                    check=True,
                )
                maintenance.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(building), sql.Identifier(template))
                )
                old = maintenance.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                    [f"{base}\\_tpl\\_%", template],
                ).fetchall()
                for (name,) in old:
                    with contextlib.suppress(psycopg.errors.ObjectInUse):  # being copied; a later run drops it
                        maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        finally:
            maintenance.execute("SELECT pg_advisory_unlock(%s)", [lock])
    db.setdefault("TEST", {})["TEMPLATE"] = template
