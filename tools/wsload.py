"""The load test's two modes without browsers (`python -m tools.loadtest --mode ws|save`), driven by the
project's own client (tools/stclient.py).

* pages(): N sessions at once open one page (each reruns it `runs` times), page after page, and the floor
  app (tools/floor.py) the same way before and after them: runs per second, p50/p95/max seconds, KB per
  run and errors per page, and each page's rate as a share of the floor's, measured in one run.
* saves(): N LAO staff at once on their own entry form. Each gets an account and a signed-in cookie
  (LAOs of the open round that have not started), opens its form on domain 1, fills every field of the
  domain with valid figures, and all press save at the same moment. A save run counts as an error when
  it shows an exception or an error box (the "not saved" conflict message is one) or lacks the "saved"
  message; afterwards the database must hold each LAO's draft with exactly those figures.
"""
from __future__ import annotations

import asyncio
import random
import secrets
import time
from datetime import date

from sqlalchemy import Engine, text

from .stclient import Session, in_thread, load, summarise

DOMAIN = 1
SAVE_BUDGET_P95_S = 2.0             # issue 10: 50 sessions saving at once, one process
ACCOUNT_PREFIX = "loadtest-"        # accounts made by saves(), one per LAO: loadtest-<code>
FLOOR = ""                          # the floor app's one page is its default page, whatever its url path


# --- pages -------------------------------------------------------------------------------------------

def default_pages(engine: Engine) -> list[str]:
    """Every public page's default view, the largest province and one scorecard of the newest published
    round (the views `python -m dashboard bench` times)."""
    with engine.connect() as conn:
        year = conn.execute(text("SELECT MAX(year) FROM round WHERE state = 'published'")).scalar()
        province = conn.execute(text("SELECT province_code FROM lao GROUP BY province_code "
                                     "ORDER BY COUNT(*) DESC, province_code LIMIT 1")).scalar()
        lao = conn.execute(text("SELECT MIN(code) FROM lao WHERE province_code = :p"), {"p": province}).scalar()
    if year is None or lao is None:
        raise SystemExit("loadtest: the database has no published round or no LAO")
    return ["overview", f"province?province={province}", f"lao?lao={lao}&year={year}", "indicators",
            "submissions", "methodology"]


def pages(url: str, floor_url: str, steps: list[str], sessions: int, runs: int, timeout: float,
          report=print) -> dict:
    """Each step warmed once, then measured with `sessions` at once; the floor measured before and after.
    `report` gets each page's line as it is measured. Returns the summary."""
    for step in steps:
        load(url, 1, [step], timeout)                       # warm: each page's first run fills its caches
    load(floor_url, 1, [FLOOR], timeout)

    def measure(base: str, step: str) -> dict:
        out = load(base, sessions, [step] * runs, timeout)
        return {"page": step, "sessions": sessions, "runs_per_session": runs, **_counts(out)}

    before = measure(floor_url, FLOOR)
    lines = [measure(url, step) for step in steps]
    after = measure(floor_url, FLOOR)
    floor_rate = (before["runs_per_s"] + after["runs_per_s"]) / 2
    report({**before, "page": "floor (before)"})
    for line in lines:
        line["x_floor"] = round(line["runs_per_s"] / floor_rate, 2) if floor_rate else None
        report(line)
    report({**after, "page": "floor (after)"})
    return {"floor_runs_per_s": [before["runs_per_s"], after["runs_per_s"]],
            "x_floor": {line["page"]: line["x_floor"] for line in lines},
            "errors": sum(line["errors"] for line in (before, *lines, after))}


def _counts(summary: dict) -> dict:
    """A load() summary as one output line: the error count and the first few of them."""
    errors = summary.pop("errors")
    summary.pop("expected_runs", None)
    return {**summary, "errors": len(errors), "error_sample": errors[:3]}


# --- saves -------------------------------------------------------------------------------------------

def open_round(engine: Engine, today: date | None = None) -> int:
    """The round whose entry window is open today, else SystemExit saying why."""
    from store.entry import window

    with engine.connect() as conn:
        rows = conn.execute(text("SELECT year, state, window_open, window_close FROM round WHERE state = 'open' "
                                 "ORDER BY year DESC")).all()
    today = today or date.today()
    for year, state, opens, closes in rows:
        if window(state, _day(opens), _day(closes), today) == "open":
            return int(year)
    raise SystemExit("loadtest: no round is open for entries today (python -m dashboard round open ...)")


def _day(value):
    return date.fromisoformat(str(value)[:10]) if value is not None else None


def not_started(engine: Engine, year: int, n: int) -> list[str]:
    """n LAOs without a revision in `year`, spread over the registry (every type, many provinces)."""
    with engine.connect() as conn:
        codes = [r[0] for r in conn.execute(text(
            "SELECT l.code FROM lao l WHERE NOT EXISTS (SELECT 1 FROM submission s WHERE s.lao_code = l.code "
            "AND s.year = :y) ORDER BY l.code"), {"y": year})]
    if len(codes) < n:
        raise SystemExit(f"loadtest: only {len(codes)} LAOs have not started round {year}; {n} are needed")
    return random.Random(year).sample(codes, n)


def staff_cookie(engine: Engine, code: str) -> tuple[str, str]:
    """(cookie value, session token) of a new sign-in as the LAO's load-test account (made once)."""
    from store import accounts, sessions
    from store.access import Scope

    name = f"{ACCOUNT_PREFIX}{code}"
    with engine.connect() as conn:
        user, _ = accounts.find(conn, name)
    if user is None:
        user = accounts.add(engine, Scope(role="admin", user="loadtest"), name, "lao", secrets.token_urlsafe(18),
                            lao=code)
    elif user.role != "lao" or user.lao_code != code or not user.active or user.must_change:
        raise SystemExit(f"loadtest: the account {name} exists but is not {code}'s active LAO account")
    token = sessions.start(engine, user_id=user.id)
    return sessions.sign(engine, token), token


def figures_for(engine: Engine, code: str, year: int, n: int) -> dict[str, tuple[str, str]]:
    """Valid figures for every indicator of the domain on the LAO's form: {code: ((1), (2))}, as typed.
    A ratio gets a frame and a smaller delivered count (different per session, so each draft is its own);
    yes/no and count indicators get 1 and 1."""
    from store.access import Scope
    from store.entry import load_form

    form = load_form(engine, Scope(role="admin", user="loadtest"), code, year)
    ind = form.indicators[form.indicators["domain"] == DOMAIN]
    if ind.empty:
        raise SystemExit(f"loadtest: {code}'s form has no indicator in domain {DOMAIN}")
    return {c: (str(100 + n), str(60 + n % 40)) if m == "ratio" else ("1", "1") for c, m in ind["measure"].items()}


def save_problems(run) -> list[str]:
    """Why a save run did not save: what it showed as an error (an exception, an error box such as the
    conflict's "not saved"), or the "saved" message missing."""
    from streamlit.proto.Alert_pb2 import Alert

    from dashboard.i18n import t

    saved = t("entry_saved", "th", domain=DOMAIN) in run.alerts(Alert.SUCCESS)
    return list(run.errors) + ([] if saved else ["the save run did not say the draft was saved"])


async def _one_lao(url: str, year: int, code: str, cookie: str, figures: dict, gate, timeout: float) -> dict:
    """One LAO's officer: open the form, fill the domain (one fragment run), wait for everyone, save."""
    from store.sessions import COOKIE

    out: dict = {"lao": code, "problems": []}
    try:
        async with Session.connect(url, cookies={COOKIE: cookie}, timeout=timeout) as s:
            out["open"] = await s.open(f"entry?lao={code}&year={year}&domain={DOMAIN}")
            boxes = []
            for c, pair in figures.items():
                for part, value in zip(("(1)", "(2)"), pair, strict=True):
                    box = s.one("text_input", label=f"{c} {part}")
                    s.set(box, value)
                    boxes.append(box)
            out["fill"] = await s.rerun(boxes[0].fragment)
            gate.arrive()
            await gate.all_there.wait()
            out["save"] = await s.click(s.one("button", key="entry_save"))
            out["save"].errors = save_problems(out["save"])
    except Exception as exc:  # noqa: BLE001 - a failed session is a finding, reported
        out["problems"].append(f"{type(exc).__name__}: {exc}"[:300])
        gate.arrive()
    return out


class _Gate:
    """Everyone presses save at the same moment: once every session is ready (or has failed). Notes the
    server's CPU seconds then, so the saves' own CPU time can be told."""

    def __init__(self, n: int, cpu):
        self.n, self.all_there, self.cpu, self.cpu_at_open = n, asyncio.Event(), cpu, None

    def arrive(self) -> None:
        self.n -= 1
        if self.n <= 0 and not self.all_there.is_set():
            self.cpu_at_open = self.cpu()
            self.all_there.set()


def check_drafts(engine: Engine, year: int, wanted: dict[str, dict]) -> list[str]:
    """What is wrong with the drafts in the database: each LAO's draft must hold the figures typed."""
    from store.access import Scope
    from store.entry import load_form

    wrong = []
    for code, figures in wanted.items():
        form = load_form(engine, Scope(role="admin", user="loadtest"), code, year)
        if form.state != "draft":
            wrong.append(f"{code}: the form is {form.state}, not a draft")
            continue
        for c, (f, d) in figures.items():
            got = form.figures.loc[c, ["frame", "delivered"]].tolist() if c in form.figures.index else None
            if got != [float(f), float(d)]:
                wrong.append(f"{code} {c}: saved {got}, typed {[f, d]}")
    return wrong


def saves(url: str, engine: Engine, sessions: int, timeout: float, report=print, cpu=None) -> dict:
    """`sessions` LAO officers saving domain 1 at once; one line per phase (open, fill, save) to `report`,
    and the summary returned (save p50/p95/max, errors, the database check, the budget; `typed`: the
    figures each LAO's officer typed). `cpu`: the server's CPU seconds so far, when it runs here."""
    from store import sessions as signins

    year = open_round(engine)
    laos = not_started(engine, year, sessions)
    t0 = time.perf_counter()
    cookies = {code: staff_cookie(engine, code) for code in laos}
    wanted = {code: figures_for(engine, code, year, i) for i, code in enumerate(laos)}
    prepared_s = time.perf_counter() - t0

    cpu = cpu or (lambda: None)
    gate = _Gate(sessions, cpu)

    async def everyone():
        return await asyncio.gather(*(_one_lao(url, year, code, cookies[code][0], wanted[code], gate, timeout)
                                      for code in laos))

    try:
        outcomes = in_thread(everyone())
        cpu_end = cpu()
    finally:
        for _, token in cookies.values():
            signins.end(engine, token)              # the load test's sign-ins end with it
    failed = [f"{o['lao']}: {p}" for o in outcomes if "save" not in o for p in o["problems"]]
    for phase in ("open", "fill", "save"):
        runs = [o[phase] for o in outcomes if phase in o]
        line = summarise(runs)
        errors = line.pop("errors") + (failed if phase == "save" else [])
        report({"phase": phase, "page": "entry", "sessions": sessions, **line, "errors": len(errors),
                "error_sample": errors[:3]})
    saved = [o["save"] for o in outcomes if "save" in o]
    save = summarise(saved)
    errors = save.pop("errors") + failed
    wrong = check_drafts(engine, year, {o["lao"]: wanted[o["lao"]] for o in outcomes})
    fields = sorted(2 * len(f) for f in wanted.values())
    save_cpu = None if gate.cpu_at_open is None or cpu_end is None else round(cpu_end - gate.cpu_at_open, 2)
    within = not errors and not wrong and save["p95_s"] is not None and save["p95_s"] <= SAVE_BUDGET_P95_S
    return {"year": year, "fields_per_form": [fields[0], fields[-1]], "accounts_s": round(prepared_s, 2),
            "saves": len(saved), "save_p50_s": save["p50_s"], "save_p95_s": save["p95_s"], "save_max_s": save["max_s"],
            "saves_server_cpu_s": save_cpu, "errors": len(errors), "error_sample": errors[:3],
            "drafts_checked": len(wanted), "drafts_wrong": len(wrong), "drafts_wrong_sample": wrong[:3],
            "p95_budget_s": SAVE_BUDGET_P95_S, "within_budget": bool(within), "typed": wanted}
