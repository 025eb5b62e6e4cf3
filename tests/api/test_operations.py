"""/healthz says whether the database answers (503 while it is down, 200 once it is back, without a
restart) and /metrics counts what the process did, database faults included."""
from __future__ import annotations

import os

import pytest
from prometheus_client import REGISTRY

from store.db import make_engine, upgrade

from .conftest import client_for


def sample(name: str, labels: dict) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_health_follows_a_sqlite_file_away_and_back(sqlite_engine):
    client = client_for(sqlite_engine)
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.json()["status"] == "ok" and ok.json()["data_version"] >= 1
    path = sqlite_engine.url.database
    moved = path + ".away"
    sqlite_engine.dispose()
    os.rename(path, moved)
    try:
        down = client.get("/healthz")
        assert down.status_code == 503 and down.json()["status"] == "unavailable"
        assert client.get("/api/v1/laos").status_code == 503
        assert client.get("/data/2568.zip").status_code == 503
        assert not os.path.exists(path)                   # asking never makes an empty database
    finally:
        os.rename(moved, path)
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/laos?limit=1").status_code == 200


@pytest.mark.postgres
def test_health_follows_a_postgresql_server_down_and_back():
    from tests.faults.pgcluster import Cluster

    cluster = Cluster()
    try:
        engine = make_engine(cluster.url())
        upgrade(engine)
        client = client_for(engine)
        assert client.get("/healthz").status_code == 200
        faults = sample("lao_database_faults_total", {"kind": "unreachable"})
        cluster.stop()
        down = client.get("/healthz")
        assert down.status_code == 503 and down.json()["reason"] == "unreachable"
        api = client.get("/api/v1/summary?limit=1")
        assert api.status_code == 503 and api.json()["error"]["status"] == 503 and api.json()["error"]["message_th"]
        assert sample("lao_database_faults_total", {"kind": "unreachable"}) >= faults + 2
        cluster.start()
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/v1/summary?limit=1").status_code == 200
        engine.dispose()
    finally:
        cluster.remove()


def test_metrics_count_requests_by_route_and_status(client):
    ok = {"route": "/api/v1/laos", "status": "200"}
    bad = {"route": "/api/v1/laos", "status": "400"}
    before_ok, before_bad = sample("lao_http_requests_total", ok), sample("lao_http_requests_total", bad)
    client.get("/api/v1/laos?limit=1")
    client.get("/api/v1/laos?limit=1")
    client.get("/api/v1/laos?limit=x")
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert sample("lao_http_requests_total", ok) == before_ok + 2
    assert sample("lao_http_requests_total", bad) == before_bad + 1
    body = r.text
    for name in ("lao_page_run_seconds", "lao_page_errors_total", "lao_database_faults_total",
                 "lao_http_requests_total", "lao_http_request_seconds", "lao_sessions_active"):
        assert f"# TYPE {name.removesuffix('_total')}" in body, name
    assert 'lao_http_requests_total{route="/api/v1/laos",status="200"}' in body
