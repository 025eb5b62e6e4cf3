"""How long a page takes to be drawn in Chromium: not a pass/fail budget (budgets are checked by benchmarks,
and this machine is shared), but the figures of the README's performance section, written to
test-artifacts/timings.json on every run.

* first view: a new browser (empty cache) opens the page's URL on a server that has started and answered once;
* warm: the same browser loads the URL again.
"Drawn" means the script run has ended and every visible chart has its SVG and every visible table its canvas
(plotly draws after the script ends, so "idle" alone would stop the clock too early).
"""
from __future__ import annotations

import json
import statistics
import time

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.views import SIGNED_IN, VIEWS, facts, paths

DRAWN_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    const shown = (e) => e.checkVisibility() && !e.closest('details:not([open])');
    for (const c of [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(shown)) {
        const svg = c.querySelector('.main-svg');
        if (!svg || svg.getBoundingClientRect().width < 10) return false;
    }
    for (const t of [...document.querySelectorAll('[data-testid="stDataFrame"]')].filter(shown))
        if (!t.querySelector('canvas')) return false;
    return !!document.querySelector('[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]');
}"""
RESULTS: dict[str, dict[str, float]] = {}


@pytest.fixture(scope="module")
def served(private_server):
    base, db = private_server("timing")
    yield base, db
    out = ARTIFACTS / "timings.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(RESULTS, indent=1), encoding="utf-8")


def drawn_after(page, url: str) -> float:
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(DRAWN_JS, timeout=60_000, polling=50)
    return time.perf_counter() - start


@pytest.mark.parametrize("name", [v for v in VIEWS if v not in SIGNED_IN])
def test_time_to_a_drawn_page(browser, served, name):
    base, db = served
    url = base + paths(facts(db))[name][0]
    warmup = browser.new_context()
    drawn_after(warmup.new_page(), url)          # the server has answered this page once
    warmup.close()
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    first = drawn_after(page, url)
    warm = statistics.median(drawn_after(page, url) for _ in range(3))
    context.close()
    RESULTS[name] = {"first_view_s": round(first, 2), "warm_s": round(warm, 2)}
    print(f"{name}: first view {first:.2f} s, warm {warm:.2f} s")
