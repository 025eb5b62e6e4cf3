"""`python -m tools.loadtest [--mode browser|ws|save] --sessions N`: many people on one server at once
(not run in CI; tests/tools/test_wsload.py runs the browserless modes on a small sample).

Starts `streamlit run dashboard/app.py` on the database of `--db`, else DATABASE_URL, else the default
SQLite file (the national sample), unless `--url` names a dashboard already running on this machine.

* `--mode browser` (the default): one Chromium (Debian's: LAO_CHROMIUM, else `chromium` on PATH) opens N
  browser contexts at the same moment. Each is a separate person: it loads the overview, then picks another
  round in the sidebar's year selectbox. A session is correct when the page has its heading, the year box
  shows the round chosen, and no error element is on the page. One JSON object per session, then a summary
  (median and slowest times, the server's CPU seconds and memory). Chromium resolves only localhost unless
  `--url` names a dashboard elsewhere. The browsers draw the national maps in software, so on a small
  machine they, not the server, take most of the CPU: compare `server_cpu_s` with `wall_s` × cores.
* `--mode ws`: no browser; N sessions speak Streamlit's websocket protocol (tools/stclient.py). For each
  page of `--pages` (default: every public page's default view, the largest province, one scorecard) all N
  open it at once and rerun it `--runs` times; Streamlit's floor (tools/floor.py, started here too) is
  measured the same way before and after. One JSON line per page: runs/s, p50/p95/max seconds, mean KB
  per run, errors, and the rate as a share of the floor's (x_floor); then a summary line.
* `--mode save`: N LAO officers on their own entry form (tools/wsload.py): accounts, sign-in cookies,
  domain 1 filled with valid figures, save pressed by all at once; the save runs' p50/p95/max and errors,
  and a check that the database holds every draft. It WRITES to the database (accounts `loadtest-<code>`
  and drafts of LAOs that had not started the open round), so `--db` is required: give it a copy.

Exit 0 when every session was correct (ws, save: no error; save: every draft as typed).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def resolver_rule(base: str) -> str:
    """Chromium resolves no host name but localhost and the dashboard's own host."""
    from urllib.parse import urlsplit

    host = urlsplit(base).hostname or "localhost"
    extra = "" if host in ("127.0.0.1", "localhost") else f" , EXCLUDE {host}"
    return f"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost{extra}"
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
        && !document.querySelector('[data-testid="stSkeleton"]')
        && document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]');
}"""


def chromium() -> str:
    from store.settings import raw

    found = (raw("LAO_CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"))
    path = next((p for p in found if p and os.access(p, os.X_OK)), None)
    if not path:
        raise SystemExit("loadtest: no Chromium (apt-get install chromium, or set LAO_CHROMIUM)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The dashboard in a subprocess of its own process group, stopped by stop()."""

    def __init__(self, db_url: str, log: Path, script: str = "dashboard/app.py"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        self.log = open(log, "wb")      # noqa: SIM115 - stays open while the server runs; stop() closes it
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "DATABASE_URL": db_url},
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"loadtest: the server exited ({self.proc.returncode}); see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"loadtest: the server was not healthy after {timeout:.0f} s; see {self.log.name}")

    def rss_mb(self) -> float | None:
        try:
            import psutil
            return round(psutil.Process(self.proc.pid).memory_info().rss / 2**20, 1)
        except Exception:  # noqa: BLE001 - a figure we can do without
            return None

    def cpu_s(self) -> float | None:
        """CPU seconds the server has used so far (its share of the machine while browsers draw)."""
        try:
            import psutil
            t = psutil.Process(self.proc.pid).cpu_times()
            return t.user + t.system
        except Exception:  # noqa: BLE001
            return None

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.log.close()


async def idle(page, timeout_ms: float) -> None:
    await page.wait_for_function(IDLE_JS, timeout=timeout_ms)


async def choose(page, label: str, option: str) -> None:
    """Pick `option` in the selectbox `label` by clicking (a first click may only focus it)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    item = page.get_by_role("option", name=option, exact=True)
    for _ in range(5):
        await box.click()
        try:
            await item.wait_for(timeout=2_000)
            break
        except Exception:  # noqa: BLE001 - not open yet: click again
            continue
    await item.click()


async def session(browser, n: int, base: str, year: int, start: asyncio.Event, timeout_ms: float) -> dict:
    from dashboard.i18n import messages, year_label

    msgs = messages()
    out: dict = {"session": n, "year": year, "ok": False, "problems": []}
    context = await browser.new_context(viewport={"width": 1440, "height": 900}, timezone_id="Asia/Bangkok")
    page = await context.new_page()
    try:
        await start.wait()
        t0 = time.perf_counter()
        await page.goto(base + "/overview", wait_until="domcontentloaded", timeout=timeout_ms)
        await idle(page, timeout_ms)
        out["load_s"] = round(time.perf_counter() - t0, 2)
        t1 = time.perf_counter()
        label = year_label(year, "th")
        await choose(page, msgs["year"]["th"], label)
        # done when the server has drawn the page of that round: the line under the heading names it
        await page.get_by_test_id("stCaptionContainer").get_by_text(label, exact=True).wait_for(timeout=timeout_ms)
        await idle(page, timeout_ms)
        out["change_s"] = round(time.perf_counter() - t1, 2)
        heading = (await page.locator("h1").first.inner_text()).strip()
        shown = await page.get_by_role("combobox", name=msgs["year"]["th"], exact=True).input_value()
        errors = await page.locator(ERRORS).count()
        if heading != msgs["overview_title"]["th"].format(scope=msgs["scope_nation"]["th"]):
            out["problems"].append(f"heading {heading!r}")
        if shown != label:
            out["problems"].append(f"year box shows {shown!r}")
        if f"year={year}" not in page.url:
            out["problems"].append(f"URL {page.url}")
        if errors:
            out["problems"].append(f"{errors} error element(s)")
        out["ok"] = not out["problems"]
    except Exception as exc:  # noqa: BLE001 - a failed session is a result, not a crash of the test
        out["problems"].append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    finally:
        out["total_s"] = round(time.perf_counter() - t0, 2) if "load_s" in out else None
        await context.close()
    return out


def years_to_pick(db_url: str) -> tuple[int, list[int]]:
    """(default year the overview opens on, the other published years to switch to)."""
    from sqlalchemy import text

    from store.db import make_engine
    engine = make_engine(db_url)
    with engine.connect() as conn:
        years = [int(y) for (y,) in conn.execute(text("SELECT year FROM round WHERE state = 'published' "
                                                      "ORDER BY year"))]
    engine.dispose()
    if len(years) < 2:
        raise SystemExit("loadtest: the database needs at least two published rounds")
    return years[-1], years[:-1]


async def run(n_sessions: int, base: str, others: list[int], timeout_ms: float) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium(), args=[*CHROMIUM_ARGS, resolver_rule(base)])
        start = asyncio.Event()
        tasks = [asyncio.create_task(session(browser, i + 1, base, others[i % len(others)], start, timeout_ms))
                 for i in range(n_sessions)]
        await asyncio.sleep(1.0)            # every context is open before anyone starts
        start.set()
        results = await asyncio.gather(*tasks)
        await browser.close()
    return list(results)


def summary(results: list[dict], rss_mb: float | None, warm: bool, wall_s: float, cpu_s: float | None) -> dict:
    def stats(key):
        xs = [r[key] for r in results if r.get(key) is not None]
        return (round(statistics.median(xs), 2), round(max(xs), 2)) if xs else (None, None)
    (load_med, load_max), (chg_med, chg_max) = stats("load_s"), stats("change_s")
    return {"summary": True, "sessions": len(results), "ok": sum(r["ok"] for r in results),
            "server_warm": warm, "load_median_s": load_med, "load_slowest_s": load_max,
            "change_year_median_s": chg_med, "change_year_slowest_s": chg_max, "wall_s": round(wall_s, 2),
            "server_cpu_s": None if cpu_s is None else round(cpu_s, 2), "server_rss_mb": rss_mb}


def emit(line: dict) -> None:
    print(json.dumps(line, ensure_ascii=False), flush=True)


def machine() -> dict:
    """Where and when a figure was measured: other work on the machine changes it."""
    import platform
    from datetime import datetime

    return {"date": datetime.now().isoformat(timespec="minutes"), "cores": os.cpu_count(),
            "python": platform.python_version(), "load_avg_1m": round(os.getloadavg()[0], 2)}


STEP = re.compile(r"^[a-z_]+(\?[^\s,]*)?$")      # a page's url path and its query string


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tools.loadtest", description=__doc__.split("\n")[0])
    p.add_argument("--mode", choices=("browser", "ws", "save"), default="browser",
                   help="browser: Chromium sessions (default); ws: pages without browsers, beside the floor; "
                        "save: LAO officers saving their forms at once")
    p.add_argument("--sessions", type=int, help="simultaneous sessions (default 10; save: 50)")
    p.add_argument("--db", help="database URL (default: DATABASE_URL, else data/lao.sqlite; save: required)")
    p.add_argument("--warm", action="store_true", help="browser: load the overview once before the sessions start")
    p.add_argument("--timeout", type=float, default=120, help="seconds a session may wait for a page")
    p.add_argument("--url", help="test a dashboard already running there (e.g. behind the proxy, or from another "
                                 "machine for browsers) instead of starting one; ws and save: this machine only")
    p.add_argument("--pages", help="ws: comma-separated page views (url path and query), e.g. "
                                   "'overview,lao?lao=6300101&year=2568' (default: every public page)")
    p.add_argument("--runs", type=int, default=3, help="ws: runs of each page per session (default 3)")
    return p


def check_args(p: argparse.ArgumentParser, args) -> None:
    from urllib.parse import urlsplit

    args.sessions = args.sessions if args.sessions is not None else (50 if args.mode == "save" else 10)
    if args.sessions < 1:
        p.error("--sessions must be at least 1")
    if args.runs < 1:
        p.error("--runs must be at least 1")
    if args.mode == "save" and not args.db:
        p.error("--mode save writes accounts and drafts: name the database (a copy) with --db")
    if args.pages is not None and args.mode != "ws":
        p.error("--pages is for --mode ws")
    if args.pages is not None:
        args.pages = [step.strip() for step in args.pages.split(",") if step.strip()]
        bad = [step for step in args.pages if not STEP.match(step)]
        if bad or not args.pages:
            p.error(f"--pages: {', '.join(map(repr, bad)) or 'no page'}: give url paths like 'overview' or "
                    f"'lao?lao=6300101&year=2568', separated by commas")
    if args.url:
        u = urlsplit(args.url)
        if u.scheme not in ("http", "https") or not u.hostname:
            p.error(f"--url: {args.url!r} is not an http:// address")
        if args.mode != "browser" and u.hostname not in ("127.0.0.1", "localhost"):
            p.error("--url: the browserless modes only talk to this machine (127.0.0.1)")


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    check_args(p, args)
    from store.db import DEFAULT_SQLITE, database_url

    url = database_url(args.db)
    if url.startswith("sqlite") and not Path(url.split("///", 1)[-1]).exists():
        raise SystemExit(f"loadtest: no database at {url} (python -m dashboard seed builds the national sample;"
                         f" default {DEFAULT_SQLITE})")
    logs = Path(os.environ.get("TMPDIR", "/tmp"))
    servers: list[Server] = []

    def serve(script: str, tag: str) -> Server:
        server = Server(url, logs / f"lao-loadtest-{os.getpid()}-{tag}.log", script)
        servers.append(server)
        server.wait_healthy()
        return server

    try:
        server = None if args.url else serve("dashboard/app.py", "app")
        base = args.url.rstrip("/") if args.url else server.url
        if args.mode == "browser":
            return browser_mode(args, url, base, server)
        from store.db import make_engine

        from . import wsload
        engine = make_engine(url)
        before = machine()
        cpu0 = server.cpu_s() if server else None
        if args.mode == "ws":
            floor = serve("tools/floor.py", "floor")
            out = wsload.pages(base, floor.url, args.pages or wsload.default_pages(engine), args.sessions,
                               args.runs, args.timeout, report=emit)
            ok = out["errors"] == 0
        else:
            out = wsload.saves(base, engine, args.sessions, args.timeout, report=emit,
                               cpu=server.cpu_s if server else None)
            out.pop("typed")
            ok = out["errors"] == 0 and out["drafts_wrong"] == 0
        cpu1 = server.cpu_s() if server else None
        emit({"summary": True, "mode": args.mode, "sessions": args.sessions, **out,
              "server_cpu_s": None if cpu0 is None or cpu1 is None else round(cpu1 - cpu0, 1),
              "server_rss_mb": server.rss_mb() if server else None, **before,
              "load_avg_1m_after": round(os.getloadavg()[0], 2)})
        engine.dispose()
        return 0 if ok else 1
    finally:
        for server in servers:
            server.stop()


def browser_mode(args, url: str, base: str, server: Server | None) -> int:
    default_year, others = years_to_pick(url)
    if args.warm:
        asyncio.run(run(1, base, others, args.timeout * 1000))
    cpu0, t0 = server.cpu_s() if server else None, time.perf_counter()
    results = asyncio.run(run(args.sessions, base, others, args.timeout * 1000))
    wall, cpu1 = time.perf_counter() - t0, server.cpu_s() if server else None
    for r in results:
        emit(r)
    cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    rss = server.rss_mb() if server else None
    emit(summary(results, rss, args.warm, wall, cpu) | {"opened_on": default_year})
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
