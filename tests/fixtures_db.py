"""Database fixtures: the small sample, built once per session by the real generator, then copied
per test (SQLite: a file copy; PostgreSQL: CREATE DATABASE ... TEMPLATE), so every test starts from
the same known data and may change it freely."""
from __future__ import annotations

import shutil
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from store.db import make_engine
from store.seed import seed


@pytest.fixture(scope="session")
def small_sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("tpl") / "small.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    seed(engine, small=True)
    with engine.connect() as conn:          # fold the WAL into the file so a plain copy is complete
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return str(path)


@pytest.fixture
def sqlite_engine(tmp_path, small_sqlite_template):
    path = tmp_path / "db.sqlite"
    shutil.copy(small_sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def _admin(pg_url: str):
    return create_engine(make_url(pg_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template(pg_url) -> str:
    name = f"lao_tpl_{uuid.uuid4().hex[:8]}"
    admin = _admin(pg_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_url).set(drivername="postgresql+psycopg", database=name)
    engine = make_engine(url.render_as_string(hide_password=False))
    seed(engine, small=True)
    engine.dispose()
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_engine(pg_url, pg_template):
    name = f"lao_t_{uuid.uuid4().hex[:8]}"
    admin = _admin(pg_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(pg_template).database}"'))
    engine = make_engine(make_url(pg_template).set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request):
    """A fresh copy of the small sample, on SQLite and (marked postgres) on PostgreSQL."""
    return request.getfixturevalue({"sqlite": "sqlite_engine", "postgres": "pg_engine"}[request.param])


@pytest.fixture(scope="session")
def sample_db_url(small_sqlite_template, tmp_path_factory) -> str:
    """A read-mostly copy of the small sample for the app and browser tests."""
    path = tmp_path_factory.mktemp("app") / "app.sqlite"
    shutil.copy(small_sqlite_template, path)
    return f"sqlite:///{path}"
