"""`python -m dashboard bench`: performance figures on the national sample, one JSON object per line.
The command line imports this module; it lives in tools/ because the running product never needs it.

Works on a fresh national sample in a temporary SQLite file (never the user's database), so the
figures are comparable from run to run. Budgets are those of docs/design.md.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from store.settings import raw

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")

BUDGETS = {"seed_s": 90, "score_rows_per_s": 1_000_000, "import_s": 30, "page_warm_s": 0.5, "page_cold_s": 4,
           "province_map_kb": 250, "district_map_kb": 800, "pdf_s": 3, "memory_mb": 800,
           "entry_save_s": 0.3, "entry_submit_s": 1.0, "entry_workbook_s": 1.0, "provision_s": 60}
PAGE_VIEWS = {  # default view of each page; the largest province (30) and one scorecard where a page needs one.
    # admin is left out: it shows nothing until an administrator signs in.
    "overview": {}, "province": {"province": "30"}, "lao": {"lao": "6810404", "year": "2568"}, "indicators": {},
    "submissions": {},
    "methodology": {},
}


def record(name: str, value: float, unit: str, budget_key: str | None = None, **extra) -> dict:
    out = {"bench": name, "value": round(value, 3), "unit": unit, **extra}
    if budget_key:
        budget = BUDGETS[budget_key]
        out["budget"] = budget
        out["ok"] = bool(value >= budget) if budget_key == "score_rows_per_s" else bool(value <= budget)
    return out


def bench_seed(ctx):
    from store.db import make_engine
    from store.seed import seed
    info = seed(make_engine(ctx["url"]))
    ctx["rows"] = info["indicator_rows"]
    yield record("seed", info["seconds"], "s", "seed_s", laos=info["laos"], indicator_rows=info["indicator_rows"])


def bench_scoring(ctx):
    import pandas as pd
    from sqlalchemy import text

    from scoring.engine import score_submissions
    from store.db import make_engine
    from store.materialise import catalogue_frame
    engine = make_engine(ctx["url"])
    with engine.connect() as conn:
        subs = pd.read_sql(text("SELECT s.id AS submission_id, s.lao_code, s.year, l.type FROM submission s "
                                "JOIN lao l ON l.code = s.lao_code WHERE s.counted"), conn)
        vals = pd.read_sql(text("SELECT submission_id, indicator_code, frame, delivered FROM indicator_value"), conn)
        cat = catalogue_frame(conn)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        out = score_submissions(vals, subs, cat)
        times.append(time.perf_counter() - t0)
    best = min(times)
    yield record("scoring", len(out) / best, "rows/s", "score_rows_per_s", rows=len(out), seconds=round(best, 3))


def bench_import(ctx):
    from sample_data.round_file import national_round_file
    from store.db import make_engine
    from store.imports import import_submissions
    work = Path(ctx["dir"]) / "import.sqlite"
    shutil.copy(ctx["path"], work)
    engine = make_engine(f"sqlite:///{work}")
    csv = Path(ctx["dir"]) / "round-2569.csv"
    national_round_file(engine, 2569, csv)
    t0 = time.perf_counter()
    report = import_submissions(engine, csv, who="bench")
    yield record("import_sqlite", time.perf_counter() - t0, "s", "import_s", rows=report.rows)
    pg = raw("LAO_BENCH_PG_URL")
    if pg:
        from store.seed import seed
        pg_engine = make_engine(pg)
        seed(pg_engine)
        t0 = time.perf_counter()
        report = import_submissions(pg_engine, csv, who="bench")
        yield record("import_postgres", time.perf_counter() - t0, "s", "import_s", rows=report.rows)


PAGE_SCRIPT = """
import json, os, sys, time
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash
page, params = sys.argv[1], json.loads(sys.argv[2])
at = AppTest.from_file(sys.argv[3], default_timeout=120)
for k, v in params.items():
    at.query_params[k] = v
at._page_hash = calc_hash(page)
t0 = time.perf_counter(); at.run(); cold = time.perf_counter() - t0
warm = []
for _ in range(3):
    t0 = time.perf_counter(); at.run(); warm.append(time.perf_counter() - t0)
warm = sorted(warm)[1]      # the median of three reruns
print(json.dumps({"cold": cold, "warm": warm, "errors": len(at.exception)}))
"""


def bench_pages(ctx):
    env = {**os.environ, "DATABASE_URL": ctx["url"]}
    for page, params in PAGE_VIEWS.items():
        # A fresh process per page: the first run includes imports and empty caches, as after a restart.
        out = subprocess.run([sys.executable, "-c", PAGE_SCRIPT, page, json.dumps(params), APP], env=env,
                             capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            yield {"bench": f"page_{page}", "error": out.stderr.strip().splitlines()[-1:]}
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        yield record(f"page_{page}_cold", r["cold"], "s", "page_cold_s", errors=r["errors"])
        yield record(f"page_{page}_warm", r["warm"], "s", "page_warm_s", errors=r["errors"])


def bench_maps(ctx):
    import geo
    from scoring.areas import area_table
    from store import queries
    from store.access import PUBLIC
    from store.db import make_engine
    engine = make_engine(ctx["url"])
    s = queries.summaries(engine, PUBLIC, year=2568, domain="all")
    laos = queries.laos(engine)
    for level, key, budget in (("province", "province_code", "province_map_kb"),
                               ("district", "district_code", "district_map_kb")):
        t = area_table(s, laos.dropna(subset=[key]), key)
        names = (queries.provinces if level == "province" else queries.districts)(engine)
        t = t.merge(names, on=key)
        t["hover"] = [f"{n}<br>อัตราผ่าน: {v:.1f}%<br>ส่งแล้ว {a} / {b} แห่ง" for n, v, a, b in
                      zip(t["name_th"], t["pass_rate"], t["n_submitted"], t["n_laos"], strict=True)]
        fn = geo.province_map if level == "province" else geo.district_map
        t0 = time.perf_counter()
        size = len(fn(t, "pass_rate", code_col=key, hover_col="hover", low_coverage_col="low_coverage").to_json())
        yield record(f"{level}_map_size", size / 1024, "KB", budget, build_s=round(time.perf_counter() - t0, 3))


def bench_pdf(ctx):
    try:
        from dashboard.cli import write_report
    except ImportError:
        return
    from store.db import make_engine
    engine = make_engine(ctx["url"])
    with engine.connect() as conn:
        from sqlalchemy import text
        code = conn.execute(text("SELECT lao_code FROM summary WHERE year = 2568 AND domain = 'all' "
                                 "ORDER BY lao_code LIMIT 1")).scalar_one()
    out = Path(ctx["dir"]) / "report.pdf"
    write_report(engine, code, 2568, out)        # warm the fonts and word breaker once
    t0 = time.perf_counter()
    write_report(engine, code, 2568, out)
    yield record("pdf", time.perf_counter() - t0, "s", "pdf_s", lao=code, kb=round(out.stat().st_size / 1024, 1))


MEMORY_SCRIPT = """
import json, sys, psutil
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash
for page, params in json.loads(sys.argv[1]).items():
    at = AppTest.from_file(sys.argv[2], default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at._page_hash = calc_hash(page)
    at.run()
print(psutil.Process().memory_info().rss / 2**20)
"""


def bench_memory(ctx):
    out = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, json.dumps(PAGE_VIEWS), APP],
                         env={**os.environ, "DATABASE_URL": ctx["url"]}, capture_output=True, text=True, timeout=600)
    if out.returncode == 0:
        yield record("memory_after_all_pages", float(out.stdout.strip().splitlines()[-1]), "MB", "memory_mb",
                     note="resident memory of one process that ran every page (AppTest)")


def bench_entry(ctx):
    """An LAO's own entry on the national sample: one domain saved as a draft, the submit with that LAO's
    rescoring, its offline workbook, and accounts with one-time passwords for every LAO (the median of 5
    where a figure is quick)."""
    import pandas as pd
    from sqlalchemy import text

    from dashboard.entry_workbook import workbook
    from store import accounts, entry
    from store.access import Scope
    from store.db import make_engine
    engine = make_engine(ctx["url"])
    with engine.connect() as conn:
        laos = [r[0] for r in conn.execute(text(
            "SELECT l.code FROM lao l WHERE l.type = 'sao' AND NOT EXISTS (SELECT 1 FROM submission s WHERE "
            "s.lao_code = l.code AND s.year = 2569) ORDER BY l.code LIMIT 5"))]
    admin = Scope(role="admin", user="bench")
    saves, submits, books = [], [], []
    for code in laos:
        form = entry.load_form(engine, admin, code, 2569)
        typed = pd.DataFrame({"frame_raw": "100", "delivered_raw": "90", "not_done": False,
                              "explanation": "bench"}, index=form.indicators.index)
        typed.loc[form.indicators["measure"] != "ratio", ["frame_raw", "delivered_raw"]] = "1"
        for d in sorted(form.indicators["domain"].unique()):
            form = entry.load_form(engine, admin, code, 2569)
            t0 = time.perf_counter()
            entry.save(engine, admin, form, int(d), typed, form.mark(int(d)))
            saves.append(time.perf_counter() - t0)
        form = entry.load_form(engine, admin, code, 2569)
        t0 = time.perf_counter()
        workbook(form, "th")
        books.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        entry.submit(engine, admin, form, "ผู้บริหาร", "นายก", form.mark())
        submits.append(time.perf_counter() - t0)
    yield record("entry_save_domain", float(np.median(saves)), "s", "entry_save_s", max_s=round(max(saves), 3),
                 saves=len(saves))
    yield record("entry_submit", float(np.median(submits)), "s", "entry_submit_s", max_s=round(max(submits), 3))
    yield record("entry_workbook", float(np.median(books)), "s", "entry_workbook_s")
    t0 = time.perf_counter()
    made = accounts.provision_laos(engine, admin)
    yield record("provision_all_laos", time.perf_counter() - t0, "s", "provision_s", accounts=len(made))


BENCHES = {"seed": bench_seed, "scoring": bench_scoring, "import": bench_import, "pages": bench_pages,
           "maps": bench_maps, "pdf": bench_pdf, "memory": bench_memory, "entry": bench_entry}


def run(args):
    only = [b.strip() for b in (args.only or "").split(",") if b.strip()] or list(BENCHES)
    unknown = [b for b in only if b not in BENCHES]
    if unknown:                 # before the national sample is built, not 20 s later
        raise ValueError(f"unknown bench {', '.join(unknown)}: choose from {', '.join(BENCHES)}")
    with tempfile.TemporaryDirectory(prefix="lao-bench-") as tmp:
        path = Path(tmp) / "national.sqlite"
        ctx = {"dir": tmp, "path": path, "url": f"sqlite:///{path}"}
        yield {"bench": "machine", "cores": os.cpu_count(), "python": sys.version.split()[0],
               "date": time.strftime("%Y-%m-%d"), "numpy": np.__version__}
        if "seed" not in only:
            from store.db import make_engine
            from store.seed import seed
            seed(make_engine(ctx["url"]))
        for name in only:
            yield from BENCHES[name](ctx)
