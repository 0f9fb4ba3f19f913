"""The benchmark databases: one per catalogue size, cloned from a migrated and seeded base.

PostgreSQL (preferred): the base database is ``bench`` (or the name in
BENCH_DATABASE_URL); a size N lives in ``<base>_n<N>``, created from the base with
``CREATE DATABASE ... TEMPLATE``, so migrating (~1.5 min) and seeding happen once.
SQLite: the same layout as files under ``bench/results/sqlite/``.

Each database has its media directory under ``bench/results/media/<name>/`` (the demo's
pictures and the thumbnails rendered from them belong with the rows that name them).
"""

import getpass
import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SECRET_KEY = secrets.token_urlsafe(50)
PREP_SETTINGS = "marketplace.settings.dev"  # seed_demo refuses production settings (it creates known passwords)
BENCH_SETTINGS = "bench.settings"


class BenchError(RuntimeError):
    """The benchmark itself cannot run (as opposed to a slow page)."""


@dataclass(frozen=True)
class Database:
    engine: str  # "postgresql" or "sqlite"
    name: str  # database name, or the SQLite file's stem
    url: str
    server: dict  # PostgreSQL connection parameters (without dbname); empty for SQLite

    @property
    def media_root(self) -> Path:
        return RESULTS / "media" / self.name

    @property
    def path(self) -> Path:
        return RESULTS / "sqlite" / f"{self.name}.sqlite3"

    def describe(self) -> str:
        if self.engine == "sqlite":
            return f"SQLite {sqlite3.sqlite_version} ({self.path.relative_to(ROOT)})"
        return f"PostgreSQL {self.server.get('version', '?')} ({self.server['host']}:{self.server['port']}/{self.name})"


# --------------------------------------------------------------------------- choosing


def _pg_params(url: str) -> tuple[dict, str]:
    parts = urlsplit(url)
    params = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username) if parts.username else getpass.getuser(),
        "password": unquote(parts.password) if parts.password else None,
    }
    return params, unquote(parts.path.lstrip("/"))


def _pg_url(params: dict, name: str) -> str:
    auth = quote(params["user"], safe="")
    if params.get("password"):
        auth += ":" + quote(params["password"], safe="")
    return f"postgres://{auth}@{params['host']}:{params['port']}/{quote(name, safe='')}"


def _pg_connect(params: dict, dbname: str = "postgres"):
    import psycopg

    kwargs = {key: value for key, value in params.items() if key in ("host", "port", "user", "password") and value}
    return psycopg.connect(dbname=dbname, connect_timeout=5, autocommit=True, **kwargs)


def _pg_server(params: dict) -> dict | None:
    """The server's parameters plus its version, or None if it cannot be reached."""
    try:
        with _pg_connect(params) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
    except Exception:
        return None
    return {**params, "version": version.split()[0]}


def choose(explicit_url: str | None = None, force_sqlite: bool = False) -> Database:
    """BENCH_DATABASE_URL, else DATABASE_URL's PostgreSQL server, else local PostgreSQL, else SQLite.

    From DATABASE_URL only the server is taken: the application's own database is never
    touched, the benchmark's is always named ``bench``. ``sqlite://`` (or --sqlite) forces SQLite.
    """
    url = explicit_url or os.environ.get("BENCH_DATABASE_URL", "")
    if force_sqlite or url.startswith("sqlite:"):
        return _sqlite("bench")
    if url:
        params, name = _pg_params(url)
        server = _pg_server(params)
        if server is None:
            raise BenchError(f"cannot connect to the PostgreSQL server in BENCH_DATABASE_URL ({params['host']})")
        return Database("postgresql", name or "bench", _pg_url(params, name or "bench"), server)
    candidates = []
    app_url = os.environ.get("DATABASE_URL", "")
    if app_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        candidates.append(_pg_params(app_url)[0])
    candidates += [
        {"host": "127.0.0.1", "port": 5432, "user": "postgres", "password": None},
        {"host": "127.0.0.1", "port": 5432, "user": getpass.getuser(), "password": None},
    ]
    for params in candidates:
        server = _pg_server(params)
        if server is not None:
            return Database("postgresql", "bench", _pg_url(params, "bench"), server)
    return _sqlite("bench")


def _sqlite(name: str) -> Database:
    return Database("sqlite", name, f"sqlite:///{RESULTS / 'sqlite' / (name + '.sqlite3')}", {})


def for_size(base: Database, size: int) -> Database:
    name = f"{base.name}_n{size}"
    if base.engine == "sqlite":
        return _sqlite(name)
    return Database("postgresql", name, _pg_url(base.server, name), base.server)


# --------------------------------------------------------------------------- environment


def django_env(db: Database, *, settings: str = BENCH_SETTINGS, static_root: Path | None = None, site_cache=False):
    """Environment for a Django subprocess on ``db``: production's variables plus the bench's own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "BENCH_", "CELERY_", "CACHE_URL", "REDIS_URL", "EMAIL_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=db.url,
        DATABASE_CONN_MAX_AGE="60",
        DJANGO_MEDIA_ROOT=str(db.media_root),
        BENCH_MEDIA_ROOT=str(db.media_root),
        # Production requires these; bench.settings replaces them with in-process services
        # (and switches the production services check off), so nothing here is contacted.
        CACHE_URL="locmemcache://bench",
        EMAIL_URL="dummymail://",
        REDIS_URL="",
        CELERY_BROKER_URL="memory://",
        CELERY_TASK_ALWAYS_EAGER="true",
        DJANGO_SITE_URL="http://127.0.0.1",
        PYTHONUNBUFFERED="1",
        PYTHONWARNINGS="ignore",
    )
    if static_root is not None:
        env["BENCH_STATIC_ROOT"] = str(static_root)
    if site_cache:
        env["BENCH_SITE_CACHE"] = "1"
    return env


def run_django(args: list[str], env: dict, *, what: str, timeout: float = 900) -> str:
    """Run ``python <args>`` in the project with ``env``; its stdout, or BenchError with its stderr's tail."""
    try:
        done = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"{what} did not finish within {timeout:.0f} s") from None
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise BenchError(f"{what} failed (exit {done.returncode}):\n{tail}")
    return done.stdout


def _json_tail(output: str) -> dict:
    for line in reversed(output.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise BenchError(f"no JSON in the output: {output[-300:]}")


# --------------------------------------------------------------------------- preparing


def exists(db: Database) -> bool:
    if db.engine == "sqlite":
        return db.path.exists()
    with _pg_connect(db.server) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db.name]).fetchone() is not None


def backend_pids(db: Database) -> list[int]:
    """PostgreSQL server processes serving ``db`` (to count their CPU), if the server is this machine."""
    if db.engine != "postgresql" or db.server["host"] not in ("127.0.0.1", "localhost", "::1"):
        return []
    with _pg_connect(db.server) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [db.name]
        ).fetchall()
    return [row[0] for row in rows]


def create_empty(db: Database) -> None:
    if db.engine == "sqlite":
        db.path.parent.mkdir(parents=True, exist_ok=True)
        sqlite3.connect(db.path).close()
        return
    from psycopg import sql

    with _pg_connect(db.server) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db.name)))


def clone(source: Database, target: Database) -> None:
    """Copy ``source`` (database and media) to a new ``target``."""
    if source.engine == "sqlite":
        target.path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(source.path) as src, sqlite3.connect(target.path) as dst:
            src.backup(dst)
    else:
        from psycopg import sql

        with _pg_connect(source.server) as connection:
            connection.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(target.name), sql.Identifier(source.name)
                )
            )
    if source.media_root.exists():
        shutil.copytree(source.media_root, target.media_root, dirs_exist_ok=True)


def state(db: Database) -> dict:
    return _json_tail(run_django(["-m", "bench.populate", "check"], django_env(db), what=f"checking {db.name}"))


def migrate_and_seed(db: Database, current: dict, log) -> None:
    env = django_env(db, settings=PREP_SETTINGS)
    db.media_root.mkdir(parents=True, exist_ok=True)
    if current["pending_migrations"]:
        log(f"  migrating {db.name} ({current['pending_migrations']} migrations; ~1-2 min the first time)")
        started = time.perf_counter()
        run_django(["manage.py", "migrate", "--noinput"], env, what=f"migrate on {db.name}")
        log(f"  migrated in {time.perf_counter() - started:.0f} s")
    if not current["seeded"]:
        log(f"  seeding {db.name} (manage.py seed_demo)")
        started = time.perf_counter()
        run_django(["manage.py", "seed_demo"], env, what=f"seed_demo on {db.name}")
        log(f"  seeded in {time.perf_counter() - started:.0f} s")


# --------------------------------------------------------------------------- re-use

# What a prepared database depends on. The schema (migrations, hashed by content so that
# migrations edited in place are noticed, and the pinned requirements) forces a rebuild;
# the demo data only a fresh seed_demo; the bulk loader only fresh per-size copies.
SCHEMA_SOURCES = ["requirements.txt"]
DATA_SOURCES = [
    "marketplace/demo/*.py",
    "partners/data/*",
    "partners/services.py",
    "marketplace/demo/management/commands/seed_demo.py",
]
FILL_SOURCES = ["bench/populate.py", "cms/bulk.py"]
SKIP_DIRS = {".venv", ".git", "bench", "media", "staticfiles", "node_modules", "docs", "locale", "tests"}
OWNED_NAME = re.compile(r"^bench(_n\d+)?$")


def _digest(paths) -> str:
    digest = hashlib.sha256()
    for path in sorted(set(paths)):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _files(patterns: list[str]) -> list[Path]:
    return [path for pattern in patterns for path in ROOT.glob(pattern) if path.is_file()]


def fingerprint() -> dict[str, str]:
    migrations = [
        path
        for top in ROOT.iterdir()
        if top.is_dir() and top.name not in SKIP_DIRS and not top.name.startswith(".")
        for path in top.rglob("migrations/*.py")
    ]
    return {
        "schema": _digest(migrations + _files(SCHEMA_SOURCES)),
        "data": _digest(_files(DATA_SOURCES)),
        "fill": _digest(_files(FILL_SOURCES)),
    }


def _mark_path(db: Database) -> Path:
    where = "sqlite" if db.engine == "sqlite" else f"pg-{db.server['host']}-{db.server['port']}"
    return RESULTS / "state" / f"{where}-{db.name}.json"


def read_mark(db: Database) -> dict | None:
    try:
        return json.loads(_mark_path(db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_mark(db: Database, fingerprint_: dict, *, owned: bool) -> None:
    path = _mark_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**fingerprint_, "owned": owned}), encoding="utf-8")


def drop(db: Database) -> None:
    """Remove a database the benchmark made, with its media and its mark."""
    if db.engine == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(db.path) + suffix).unlink(missing_ok=True)
    else:
        from psycopg import sql

        with _pg_connect(db.server) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db.name)))
    shutil.rmtree(db.media_root, ignore_errors=True)
    _mark_path(db).unlink(missing_ok=True)


def stale_parts(db: Database, fingerprint_: dict) -> list[str]:
    """Which of schema, data and fill changed since ``db`` was prepared (all of them if unknown)."""
    mark = read_mark(db) if exists(db) else None
    if not mark:
        return list(fingerprint_)
    return [part for part, value in fingerprint_.items() if mark.get(part) != value]


class Preparer:
    """Brings per-size databases to N products (and the jobs and project indexes to ``posts``
    open labor posts and ``projects`` projects), building the shared base once when needed.

    A database is re-used while what it was built from is unchanged. A changed schema
    rebuilds the base; changed demo data re-runs seed_demo on it; either, or a changed
    bulk loader, re-clones the per-size copies. Only databases the benchmark made are
    ever dropped: a base database given in BENCH_DATABASE_URL that existed before is
    migrated and seeded in place instead.
    """

    def __init__(self, base: Database, log, *, posts: int = 2_000, projects: int = 2_000):
        self.base = base
        self.log = log
        self.posts = posts
        self.projects = projects
        self.base_ready = False
        self.fingerprint = fingerprint()
        self.base_parts = {key: self.fingerprint[key] for key in ("schema", "data")}

    def ensure_base(self) -> None:
        if self.base_ready:
            return
        stale = stale_parts(self.base, self.base_parts)
        if not stale:
            self.base_ready = True
            return
        mark = read_mark(self.base)
        owned = mark.get("owned", False) if mark else bool(OWNED_NAME.match(self.base.name))
        if "schema" in stale and exists(self.base) and owned:
            self.log(f"  {self.base.name}: migrations changed (or it is unknown): rebuilding it")
            drop(self.base)
        if not exists(self.base):
            self.log(f"  creating base database {self.base.name}")
            create_empty(self.base)
            owned = True
        current = state(self.base)
        if "data" in stale:
            current["seeded"] = False  # seed_demo is idempotent: run it again for the changed demo data
        migrate_and_seed(self.base, current, self.log)
        write_mark(self.base, self.base_parts, owned=owned)
        self.base_ready = True

    def prepare(self, size: int) -> tuple[Database, dict]:
        db = for_size(self.base, size)
        self.ensure_base()
        if stale_parts(db, self.fingerprint):
            if exists(db):
                self.log(f"  {db.name} is out of date: re-cloning it")
                drop(db)
            self.log(f"  cloning {self.base.name} -> {db.name}")
            try:
                clone(self.base, db)
            except Exception as exc:  # e.g. someone else connected to the template: build it directly
                self.log(f"  clone failed ({exc}); building {db.name} from scratch")
                if not exists(db):
                    create_empty(db)
            write_mark(db, self.fingerprint, owned=True)
        current = state(db)
        if current["pending_migrations"] or not current["seeded"]:
            migrate_and_seed(db, current, self.log)
        started = time.perf_counter()
        command = ["-m", "bench.populate", "fill", "--target", str(size)]
        command += ["--posts", str(self.posts), "--projects", str(self.projects)]
        filled = _json_tail(run_django(command, django_env(db), what=f"filling {db.name}"))
        if filled["products"] != size:
            raise BenchError(f"{db.name} holds {filled['products']} products, not {size}")
        # The demo's own pages are never removed, so an index may hold more than asked for.
        for key, wanted, what in (
            ("labor_posts", self.posts, "open labor posts"),
            ("projects", self.projects, "projects"),
        ):
            if filled[key] < wanted:
                raise BenchError(f"{db.name} holds {filled[key]} {what}, not {wanted}")
        changes = [
            f"{filled[key] - filled[f'{key}_before']:+,d} {what}"
            for key, what in (("products", "products"), ("labor_posts", "open labor posts"), ("projects", "projects"))
            if filled[key] != filled[f"{key}_before"]
        ]
        held = f"{size:,} products, {filled['labor_posts']:,} open labor posts, {filled['projects']:,} projects"
        if changes:
            self.log(f"  {db.name}: {', '.join(changes)} in {time.perf_counter() - started:.1f} s (bulk); {held}")
        else:
            self.log(f"  {db.name}: re-used, already {held}")
        return db, filled
