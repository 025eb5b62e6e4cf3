"""Database connection: SQLite file by default, PostgreSQL when DATABASE_URL says so."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, exc as sa_exc, inspect

from . import settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SQLITE = PROJECT_ROOT / "data" / "lao.sqlite"
MIGRATIONS = Path(__file__).parent / "migrations"
# How long SQLite waits for another writer's lock before giving up ("database is locked").
BUSY_TIMEOUT_ENV = "LAO_SQLITE_BUSY_TIMEOUT"


def database_url(url: str | None = None) -> str:
    """`--db URL`, else DATABASE_URL, else the default SQLite file."""
    if url:
        return url
    configured = settings.raw("DATABASE_URL")
    # The default names a file relative to the project, wherever the command runs from.
    return f"sqlite:///{DEFAULT_SQLITE}" if configured == settings.SETTINGS[0].default else configured


def make_engine(url: str | None = None, **pool) -> Engine:
    """An engine on `url` (see database_url); `pool` options (pool_size, max_overflow) go to SQLAlchemy."""
    url = database_url(url)
    if url.startswith("postgres://"):          # the form many hosts hand out
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not path.startswith("file:"):    # file: URIs name an existing file
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": settings.number(BUSY_TIMEOUT_ENV)}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")       # readers (the app) never block on a writer (an import)
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    command.upgrade(alembic_config(engine), "head")


def has_schema(engine: Engine) -> bool:
    return inspect(engine).has_table("lao")


def sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite database (also for a `file:` URI), None for PostgreSQL or an in-memory one.
    The app checks it exists before connecting: connecting would create an empty file."""
    if engine.dialect.name != "sqlite":
        return None
    name = engine.url.database or ""
    if name.startswith("file:"):
        name = name[len("file:"):].split("?", 1)[0]
    return Path(name) if name and name != ":memory:" else None


def fault_kind(exc: BaseException) -> str | None:
    """The kind of database fault behind `exc`, for a plain message instead of a traceback:
    'read_only' (a read-only file or database), 'locked' (another job holds the lock longer than the
    wait), 'unreachable' (server down or restarting, connection lost, file cannot be opened); None when
    `exc` is not a database fault (a bug, which must show as one). Looks through SQLAlchemy's wrapper
    and through the driver's own errors (bulk writes use the driver's cursor directly)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, sa_exc.TimeoutError):         # no pooled connection came free in time
            return "unreachable"
        driver = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc if _is_driver_error(exc) else None
        if driver is not None:
            text = str(driver).lower()
            if "readonly" in text or "read-only" in text:
                return "read_only"
            if "locked" in text or "lock timeout" in text or "could not obtain lock" in text:
                return "locked"
            names = {c.__name__ for c in type(driver).__mro__}
            invalidated = getattr(exc, "connection_invalidated", False)
            return "unreachable" if names & {"OperationalError", "InterfaceError"} or invalidated else None
        exc = exc.__cause__ or exc.__context__
    return None


def _is_driver_error(exc: BaseException) -> bool:
    import sqlite3

    kinds: tuple[type, ...] = (sqlite3.Error,)
    try:
        import psycopg
        kinds += (psycopg.Error,)
    except ImportError:
        pass
    return isinstance(exc, kinds)
