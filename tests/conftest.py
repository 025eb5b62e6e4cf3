"""Test-suite wide set-up: markers for tests that need outside services, and Streamlit cache hygiene.

Markers (registered here because pyproject uses --strict-markers):

* ``@pytest.mark.postgres`` needs ``DATABASE_URL`` to point at PostgreSQL (``scripts/test.sh`` starts a
  throwaway one).
* ``@pytest.mark.browser`` needs Chromium (``LAO_CHROMIUM``, else ``chromium`` on PATH). Everything under
  ``tests/browser`` gets it automatically.
* ``@pytest.mark.proxy`` needs Debian's nginx (``scripts/setup.sh --system`` installs it). Everything under
  ``tests/proxy`` gets it automatically.

Without the service such a test is skipped, but with ``LAO_REQUIRE_ALL=1`` (set by ``.ci/run``) it
fails instead, so CI never passes by silently skipping.
"""

from __future__ import annotations

import os
import shutil
import sys

import pytest

pytest_plugins = ["tests.fixtures_db"]

REQUIRE_ALL = os.environ.get("LAO_REQUIRE_ALL") == "1"


def postgres_url() -> str | None:
    """DATABASE_URL when it names a PostgreSQL database, else None."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgresql", "postgres:")) else None


def chromium_executable() -> str | None:
    """Path of the Chromium to drive (LAO_CHROMIUM, else the first one found on PATH), or None."""
    env = os.environ.get("LAO_CHROMIUM")
    if env:
        return env if os.access(env, os.X_OK) else None
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def nginx_executable() -> str | None:
    path = shutil.which("nginx") or "/usr/sbin/nginx"
    return path if os.access(path, os.X_OK) else None


def _unavailable(message: str) -> None:
    if REQUIRE_ALL:
        pytest.fail(f"{message}, and LAO_REQUIRE_ALL=1 forbids skipping (run scripts/test.sh)", pytrace=False)
    pytest.skip(message)


def need_tool(tool: str, package: str) -> None:
    """Skip (fail under LAO_REQUIRE_ALL=1) a test that needs a command-line tool from a Debian package."""
    if shutil.which(tool) is None:
        _unavailable(f"needs {tool} (apt-get install {package})")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgres: needs DATABASE_URL=postgresql...; skipped without one (fails if LAO_REQUIRE_ALL=1)"
    )
    config.addinivalue_line(
        "markers", "browser: needs Chromium (LAO_CHROMIUM or PATH); skipped without it (fails if LAO_REQUIRE_ALL=1)"
    )
    config.addinivalue_line(
        "markers", "proxy: needs nginx (scripts/setup.sh --system); skipped without it (fails if LAO_REQUIRE_ALL=1)"
    )


# Folders whose files take longest (servers, browsers, killed processes): collected first, so that with one file
# per worker (scripts/test.sh runs pytest-xdist with --dist loadfile) the long files start early and the short
# ones fill in around them, instead of one worker finishing a long file alone at the end.
SLOW_FIRST = ("browser", "proxy", "faults", "tools")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath / "tests"

    def rank(item: pytest.Item) -> int:
        parts = item.path.relative_to(root).parts if root in item.path.parents else ()
        return SLOW_FIRST.index(parts[0]) if parts and parts[0] in SLOW_FIRST else len(SLOW_FIRST)
    items.sort(key=rank)        # stable: within a folder, files and tests keep their order


@pytest.hookimpl(tryfirst=True)  # before any fixture is set up: no server is started for a test that won't run
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and not postgres_url():
        _unavailable("needs PostgreSQL: DATABASE_URL is not a postgresql:// URL")
    if item.get_closest_marker("browser") and not chromium_executable():
        _unavailable("needs Chromium: LAO_CHROMIUM unset or not executable and no chromium on PATH")
    if item.get_closest_marker("proxy") and not nginx_executable():
        _unavailable("needs nginx: install it with scripts/setup.sh --system (apt-get install nginx)")


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The PostgreSQL URL from DATABASE_URL (skips, or fails under LAO_REQUIRE_ALL=1, when there is none)."""
    url = postgres_url()
    if not url:
        _unavailable("needs PostgreSQL: DATABASE_URL is not a postgresql:// URL")
    return url


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Chromium to drive (skips, or fails under LAO_REQUIRE_ALL=1, when there is none)."""
    path = chromium_executable()
    if not path:
        _unavailable("needs Chromium: LAO_CHROMIUM unset or not executable and no chromium on PATH")
    return path


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """st.cache_data / st.cache_resource are process-global and leak between AppTest runs.

    Only when Streamlit is already imported: pure tests stay fast and never import it.
    """
    if "streamlit" in sys.modules:
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()
    yield
