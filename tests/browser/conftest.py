"""Browser tests: Playwright driving Debian's Chromium against a real Streamlit server.

Fixtures
--------
``app_url``           base URL of the dashboard served on ``sample_db_url`` (one server per session)
``streamlit_server``  factory: ``streamlit_server(db_url, script=APP) -> base_url``, for another database
``wait_for_app``      ``wait_for_app(page)`` waits until Streamlit has connected and the script has finished
``open_app``          ``open_app(page, "/lao?lao=1234567") -> page``: go to the dashboard and wait for it
``console_errors``    list of console errors and page errors of ``page`` (base-path probe 404s left out)
``screenshot``        ``screenshot(page, "name") -> Path`` under test-artifacts/screenshots/
plus pytest-playwright's ``page``, ``context``, ``browser``.

Every test in this folder is marked ``browser`` (see tests/conftest.py for what that does).
Chromium cannot resolve any host name except localhost, so nothing outside the machine is reached;
a page that tries shows up in ``console_errors`` as net::ERR_NAME_NOT_RESOLVED.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
APP = "dashboard/app.py"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
SERVER_TIMEOUT = 60.0

CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root
    "--disable-gpu",  # WebGL still works through SwiftShader
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]


def pytest_configure(config: pytest.Config) -> None:
    # pytest-playwright's artefacts (failure screenshots, traces) go beside ours, not into ./test-results
    if getattr(config.option, "output", None) == "test-results":
        config.option.output = str(ARTIFACTS / "playwright")
    if getattr(config.option, "screenshot", None) == "off":
        config.option.screenshot = "only-on-failure"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # this hook sees the whole session's items, so only mark ours
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


# --- Chromium --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium_path: str) -> dict:
    """Debian's Chromium instead of a downloaded Playwright build (there is none)."""
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}, "timezone_id": "Asia/Bangkok"}


# --- Streamlit server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """`streamlit run SCRIPT` in a subprocess with DATABASE_URL=db_url; its log is kept under test-artifacts/logs."""

    def __init__(self, db_url: str, script: str | os.PathLike = APP, timeout: float = SERVER_TIMEOUT):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = ARTIFACTS / "logs" / f"streamlit-{self.port}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.headless", "true",
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ]  # fmt: skip
        env = {**os.environ, "DATABASE_URL": db_url, "PYTHONUNBUFFERED": "1"}
        with open(self.log_path, "wb") as log:
            # own process group, so stop() also ends anything the server started
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._wait_healthy(timeout)

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._fail(f"exited with code {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self._fail(f"not healthy after {timeout:.0f} s")

    def _fail(self, why: str) -> None:
        self.stop()
        log = self.log_path.read_text(errors="replace")[-8000:]
        pytest.fail(f"Streamlit server {why}; its log ({self.log_path}):\n{log}", pytrace=False)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


@pytest.fixture(scope="session")
def streamlit_server():
    """Factory: streamlit_server(db_url, script=APP) -> base URL. One server per (db_url, script) per session."""
    servers: dict[tuple[str, str], StreamlitServer] = {}

    def start(db_url: str, script: str | os.PathLike = APP) -> str:
        key = (db_url, str(script))
        if key not in servers:
            servers[key] = StreamlitServer(db_url, script)
        return servers[key].url

    yield start
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def app_url(streamlit_server, sample_db_url: str) -> str:
    """The dashboard on the small sample database (``sample_db_url`` comes from tests/conftest.py)."""
    return streamlit_server(sample_db_url)


# --- page helpers ----------------------------------------------------------------------------------

_APP_IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
        && !document.querySelector('[data-testid="stSkeleton"]')
        && document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]');
}"""


def _wait_for_app(page, timeout: float = 30_000) -> None:
    """Streamlit renders over a websocket after DOMContentLoaded: wait for the connection, then for the
    script run to finish with something drawn. Call it again after every interaction that reruns."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout)
    page.wait_for_function(_APP_IDLE_JS, timeout=timeout)


_COUNT_RUNS_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (window.__runStates === undefined) {
        window.__runStates = 0;
        new MutationObserver(() => { window.__runStates++; })
            .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    }
    return window.__runStates;
}"""


def after_run(page, action, timeout: float = 30_000) -> None:
    """Do `action` (a change that reruns the script or a fragment) and wait for that run to end. An idle page
    alone is not enough: it can be seen before the run has begun, and the next step then types into a form
    the run is still redrawing. So first wait (briefly) for the page to show a run's state change; a run so
    quick that the page never shows it running (React renders both states at once) is over by then."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = page.evaluate(_COUNT_RUNS_JS)
    action()
    with contextlib.suppress(PlaywrightTimeout):   # a run too quick to show is over by then
        page.wait_for_function(f"() => window.__runStates > {before}", timeout=5_000, polling=50)
    _wait_for_app(page, timeout)


@pytest.fixture(scope="session")
def wait_for_app():
    return _wait_for_app


@pytest.fixture
def open_app(app_url: str):
    """open_app(page, "/province?year=2567") -> page, loaded and idle."""

    def go(page, path: str = "/", timeout: float = 30_000):
        page.goto(app_url.rstrip("/") + "/" + path.lstrip("/"), wait_until="domcontentloaded")
        _wait_for_app(page, timeout)
        return page

    return go


# Streamlit probes <page>/_stcore/health and <page>/_stcore/host-config on deep links to find its
# base path; the 404s it gets there are normal.
_BASE_PATH_PROBE = re.compile(r"/.+/_stcore/(health|host-config)(\?.*)?$")


def _is_known_noise(text: str, url: str) -> bool:
    return "404" in text and bool(_BASE_PATH_PROBE.search(url))


@pytest.fixture
def console_errors(page) -> list[str]:
    """Console errors and uncaught page errors of `page`, collected from now on. Assert it is empty."""
    errors: list[str] = []

    def on_console(msg) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        if not _is_known_noise(msg.text, url):
            errors.append(f"console error: {msg.text} [{url}]")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    return errors


@pytest.fixture
def screenshot(request):
    """screenshot(page, name=None, full_page=True) -> Path of test-artifacts/screenshots/<name>.png."""

    def take(page, name: str | None = None, full_page: bool = True) -> Path:
        stem = re.sub(r"[^\w.-]+", "_", name or request.node.name).strip("_")
        path = SCREENSHOTS / f"{stem}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def fresh_url(streamlit_server, small_sqlite_template, tmp_path) -> str:
    """A server started just for this test, on its own copy of the sample (a "fresh server")."""
    path = tmp_path / "fresh.sqlite"
    shutil.copy(small_sqlite_template, path)
    return streamlit_server(f"sqlite:///{path}")


@pytest.fixture(scope="session")
def goto():
    """goto(page, base_url, "/path?query") -> page, loaded and idle."""

    def go(page, base: str, path: str, timeout: float = 30_000):
        page.goto(base.rstrip("/") + path, wait_until="domcontentloaded")
        _wait_for_app(page, timeout)
        return page

    return go


@contextlib.contextmanager
def accounts_env(path):
    """LAO_ACCOUNTS_FILE set to `path` while a server starts: inherited by the server process only."""
    old = os.environ.get("LAO_ACCOUNTS_FILE")
    os.environ["LAO_ACCOUNTS_FILE"] = str(path)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("LAO_ACCOUNTS_FILE", None)
        else:
            os.environ["LAO_ACCOUNTS_FILE"] = old


@pytest.fixture(scope="session")
def private_server(streamlit_server, small_sqlite_template, tmp_path_factory):
    """private_server(name) -> (base URL, database path): a server on its own copy of the sample, with
    the test accounts of tests/accounts.py, for tests that sign in or change data."""
    from tests.accounts import ACCOUNTS, write_accounts_file

    def start(name: str):
        root = tmp_path_factory.mktemp(name)
        db = root / f"{name}.sqlite"
        shutil.copy(small_sqlite_template, db)
        with sqlite3.connect(db) as con:     # the "lao" account: staff of the province-30 LAO first by code
            (staff_lao,), = con.execute("SELECT MIN(code) FROM lao WHERE province_code = '30'").fetchall()
        accounts = {**ACCOUNTS, "lao": {**ACCOUNTS["lao"], "lao": staff_lao}}
        with accounts_env(write_accounts_file(root / "accounts.toml", accounts)):
            return streamlit_server(f"sqlite:///{db}"), db

    return start
