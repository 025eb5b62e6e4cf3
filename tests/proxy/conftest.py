"""Two dashboard processes behind nginx, started by the documented command (scripts/serve.sh) on a
throwaway PostgreSQL database of their own (a copy of the small sample) with the test accounts.

Fixtures: ``served`` (module): a ``Served`` with the nginx URL, each process's port and the database URL;
plus the browser fixtures of tests/browser (Debian's Chromium). Every test here is marked ``proxy``
(tests/conftest.py: fails instead of skipping under LAO_REQUIRE_ALL=1 when nginx is missing).
"""
from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.browser.conftest import browser_context_args, browser_type_launch_args, wait_for_app  # noqa: F401
from tests.fixtures_db import _admin

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LOGS = ROOT / "test-artifacts" / "logs"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.proxy)
            item.add_marker(pytest.mark.postgres)


def free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def free_ports(n: int) -> list[int]:
    """n consecutive free ports (serve.sh numbers its processes from --app-port on)."""
    for _ in range(200):
        base = random.randint(20_000, 60_000)
        if all(free(base + i) for i in range(n)):
            return [base + i for i in range(n)]
    raise RuntimeError("no free ports")


def get(url: str, timeout: float = 10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


@dataclass
class Served:
    url: str                 # nginx
    ports: list[int]         # the processes behind it
    db_url: str
    proc: subprocess.Popen

    def process(self, port: int) -> str:
        return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def served(pg_url, pg_template, tmp_path_factory):
    from tests.accounts import write_accounts_file

    name = f"lao_proxy_{uuid.uuid4().hex[:8]}"
    admin = _admin(pg_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(pg_template).database}"'))
    db_url = make_url(pg_template).set(database=name).render_as_string(hide_password=False)
    accounts = write_accounts_file(tmp_path_factory.mktemp("proxy") / "accounts.toml")
    nginx_port, *ports = free_ports(3)
    LOGS.mkdir(parents=True, exist_ok=True)
    log = open(LOGS / f"serve-{nginx_port}.log", "wb")
    env = {**os.environ, "DATABASE_URL": db_url, "LAO_ACCOUNTS_FILE": str(accounts), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(["bash", "scripts/serve.sh", "--processes", "2", "--port", str(nginx_port),
                             "--address", "127.0.0.1", "--app-port", str(ports[0])],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    s = Served(f"http://127.0.0.1:{nginx_port}", ports, db_url, proc)
    deadline = time.monotonic() + 180
    while True:
        if proc.poll() is not None:
            pytest.fail(f"serve.sh exited ({proc.returncode}):\n{(LOGS / f'serve-{nginx_port}.log').read_text()}")
        try:
            if get(f"{s.url}/healthz", 2)[0] == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("serve.sh did not come up in 180 s")
        time.sleep(0.5)
    yield s
    proc.send_signal(signal.SIGTERM)                 # what Ctrl-C or a service manager does
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)
        pytest.fail("serve.sh did not stop within 30 s of SIGTERM")
    log.close()
    still = [p for p in (nginx_port, *ports) if listening(p)]
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    assert not still, f"something still listens on {still} after serve.sh stopped"
