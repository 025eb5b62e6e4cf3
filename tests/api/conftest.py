"""The HTTP routes in process (Starlette's TestClient) on a fresh copy of the small sample, SQLite and
(marked postgres) PostgreSQL; test_server.py checks them in a real `streamlit run` server."""
from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from dashboard.api import OpenData
from dashboard.routes import SecurityHeaders

PUBLISHED, OPEN = 2568, 2569          # the sample's newest published round and its open one


def client_for(engine) -> TestClient:
    app = Starlette(routes=OpenData(lambda: engine).routes(), middleware=[Middleware(SecurityHeaders)])
    return TestClient(app)


@pytest.fixture
def client(db) -> TestClient:
    """A client of the routes on `db` (tests/fixtures_db.py); `client.engine` is that database."""
    c = client_for(db)
    c.engine = db
    return c
