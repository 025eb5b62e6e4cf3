"""Alembic environment: the engine comes from store.db (see store.db.upgrade), never from an ini file."""
from alembic import context

from store.db import make_engine
from store.models import Base

config = context.config
engine = config.attributes.get("engine") or make_engine()

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
