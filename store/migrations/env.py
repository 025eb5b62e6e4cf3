"""Alembic environment: the engine comes from store.db (see store.db.upgrade), never from an ini file."""
from alembic import context

from store.db import make_engine
from store.models import Base

config = context.config
engine = config.attributes.get("engine") or make_engine()

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite rebuilds a table to change its constraints; with foreign keys enforced, dropping the old
        # copy of a referenced table fails. The pragma only takes effect outside a transaction.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()              # ends SQLAlchemy's autobegun transaction around the pragma
    try:
        with connection.begin():
            context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=sqlite)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
