"""Checks of one LAO's figures as they are entered on the form (and in its offline XLSX copy).

The rules a figure must meet are the submission import's (a finite number, not negative, not implausibly
large, (2) not above (1) for a ratio, 0 or 1 where the measure is yes/no); the outcome each indicator would
get comes from scoring.engine, the one scoring module. Warnings do not block a save but need a one-line
explanation before the form can be submitted, as the UK's DELTA collection asks; their thresholds are this
dashboard's own conventions (methodology page), not official rules:

* far from last year: the percentage moved by WARN_JUMP points or more, or the frame grew or shrank by a
  factor of WARN_FACTOR or more;
* 100 % on a large frame where peers rarely reach it: at least the peers' median frame, while fewer than
  WARN_PEER_PERFECT of same-type LAOs reached 100 % last round;
* a frame that dropped to 0 (no such service) after a round with one.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from .engine import score_arrays
from .rules import OUTCOMES
from .texts import Bilingual

MAX_VALUE = 1e12                   # as the import: no real frame or count comes near
WARN_JUMP = 40.0
WARN_FACTOR = 3.0
WARN_PEER_PERFECT = 0.10
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NUMBER = re.compile(r"^(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")

STATUSES = ("empty", "incomplete", "complete")


def parse_number(raw) -> tuple[float | None, Bilingual | None]:
    """A typed figure: (value, None), (None, None) when empty, or (None, problem). Thai digits, spaces and
    thousands separators (1,234.5) are accepted; signs, exponents and words are not."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = float(raw)
    else:
        text = str(raw).translate(THAI_DIGITS).strip().replace(" ", "").replace("\u00a0", "")
        if not text:
            return None, None
        shown = str(raw).strip()[:40]
        if text.startswith("-") and _NUMBER.match(text[1:].replace(",", "")):
            return None, Bilingual(f"ค่า {shown} ติดลบ: ตัวเลขต้องไม่น้อยกว่า 0", f"{shown} is negative: figures are 0 or more")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        if not _NUMBER.match(text):
            return None, Bilingual(f"'{shown}' ไม่ใช่ตัวเลข", f"'{shown}' is not a number")
        value = float(text)
    if not math.isfinite(value):
        return None, Bilingual("ต้องเป็นตัวเลขที่มีค่าจำกัด", "must be a finite number")
    if value < 0:
        return None, Bilingual(f"ค่า {value:g} ติดลบ: ตัวเลขต้องไม่น้อยกว่า 0", f"{value:g} is negative: figures are 0 or more")
    if value > MAX_VALUE:
        return None, Bilingual(f"ค่า {value:g} ใหญ่เกินจริง", f"{value:g} is implausibly large")
    return value, None


def check(indicators: pd.DataFrame, figures: pd.DataFrame, last: pd.DataFrame | None = None,
          peers: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per applicable indicator (index = code) with what the form shows beside it.

    indicators: index code; measure, target (this LAO type's).
    figures: index code; frame_raw, delivered_raw (as typed: text or numbers), not_done (bool), explanation.
    last: index code; frame, pct (last round's counted figures).   peers: index code; perfect_share, median_frame.
    Returns frame, delivered (floats), frame_error, delivered_error (Bilingual or None), status
    (empty | incomplete | complete), outcome, pct, warning (Bilingual or None), explained (bool).

    Worked row by row over plain lists, with one frame built at the end: a form has a few dozen rows and this
    runs on every keystroke and in every save, where pandas' per-operation cost was most of the time."""
    codes = indicators.index.tolist()
    typed = _columns(figures, codes, ("frame_raw", "delivered_raw", "not_done", "explanation"))
    measures = indicators["measure"].tolist()
    parsed_f = [parse_number(v) for v in typed["frame_raw"]]
    parsed_d = [parse_number(v) for v in typed["delivered_raw"]]
    frame = [math.nan if v is None else v for v, _ in parsed_f]
    delivered = [math.nan if v is None else v for v, _ in parsed_d]
    not_done = [ticked(v) for v in typed["not_done"]]
    frame_error, delivered_error = _measure_rules(measures, frame, delivered, not_done,
                                                  [e for _, e in parsed_f], [e for _, e in parsed_d])
    ok = [fe is None and de is None for fe, de in zip(frame_error, delivered_error, strict=True)]
    complete = [k and not math.isnan(f) and (f == 0 or not math.isnan(d) or nd)
                for k, f, d, nd in zip(ok, frame, delivered, not_done, strict=True)]
    started = [_given(fr) or _given(dr) or nd
               for fr, dr, nd in zip(typed["frame_raw"], typed["delivered_raw"], not_done, strict=True)]
    status = ["complete" if c else "incomplete" if s else "empty" for c, s in zip(complete, started, strict=True)]
    outcome_codes, pct = score_arrays([f if k else math.nan for f, k in zip(frame, ok, strict=True)],
                                      [d if k and not nd else math.nan
                                       for d, k, nd in zip(delivered, ok, not_done, strict=True)],
                                      measures, indicators["target"].to_numpy(dtype="float64", na_value=np.nan))
    outcome = [OUTCOMES[o] if c else None for o, c in zip(outcome_codes.tolist(), complete, strict=True)]
    pct = pct.tolist()
    return pd.DataFrame({
        "frame": pd.Series(frame, index=indicators.index, dtype="float64"),
        "delivered": pd.Series(delivered, index=indicators.index, dtype="float64"),
        "frame_error": pd.Series(frame_error, index=indicators.index, dtype=object),
        "delivered_error": pd.Series(delivered_error, index=indicators.index, dtype=object),
        "status": status, "pct": pct,
        "outcome": pd.Series(outcome, index=indicators.index, dtype=object),
        "warning": pd.Series(_warnings(codes, measures, frame, pct, complete, last, peers), index=indicators.index,
                             dtype=object),
        "explained": [isinstance(v, str) and bool(v.strip()) for v in typed["explanation"]]},
        index=indicators.index)


def _columns(frame: pd.DataFrame | None, codes: list, names: tuple[str, ...]) -> dict[str, list]:
    """Columns of `frame` as lists in the order of `codes`; None where a code or a column is missing."""
    where = {} if frame is None else {c: i for i, c in enumerate(frame.index.tolist())}
    out = {}
    for name in names:
        values = frame[name].tolist() if frame is not None and name in frame else None
        out[name] = [None if values is None or c not in where else values[where[c]] for c in codes]
    return out


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def ticked(value) -> bool:
    """A 'not carried out' tick as typed or stored: missing (None, NaN, NA) is not ticked."""
    return not _missing(value) and bool(value)


def _given(value) -> bool:
    return not _missing(value) and str(value).strip() != ""


def _measure_rules(measures: list, frame: list, delivered: list, not_done: list, frame_errors: list,
                   delivered_errors: list) -> tuple[list, list]:
    """The rules that depend on the indicator's measure, added to the parse errors."""
    rows = zip(measures, frame, delivered, not_done, strict=True)
    for k, (m, f, d, nd) in enumerate(rows):
        if frame_errors[k] is None and not math.isnan(f) and m in ("yesno", "count") and f not in (0.0, 1.0):
            frame_errors[k] = Bilingual("(1) ต้องเป็น 1 (มีภารกิจนี้) หรือ 0 (ไม่มี)",
                                        "(1) must be 1 (the LAO has this task) or 0 (it has not)")
        if delivered_errors[k] is not None or math.isnan(d):
            continue
        if m == "yesno" and d not in (0.0, 1.0):
            delivered_errors[k] = Bilingual("(2) ต้องเป็น 1 (ทำแล้ว) หรือ 0 (ยังไม่ได้ทำ)",
                                            "(2) must be 1 (done) or 0 (not done)")
        elif m == "ratio" and not math.isnan(f) and d > f:
            delivered_errors[k] = Bilingual(f"(2) = {d:,.10g} มากกว่า (1) = {f:,.10g}",
                                            f"(2) = {d:,.10g} is more than (1) = {f:,.10g}")
        if nd:
            delivered_errors[k] = Bilingual("เลือก 'ไม่ได้ดำเนินการ' แล้ว จึงต้องเว้น (2) ว่าง",
                                            "'not carried out' is ticked, so (2) must stay empty")
    return frame_errors, delivered_errors


def _warnings(codes: list, measures: list, frame: list, pct: list, complete: list, last: pd.DataFrame | None,
              peers: pd.DataFrame | None) -> list:
    """One warning (or None) per indicator; percentages and frame sizes are compared for ratios only (a count's
    frame is 1 or 0 and its percentage is of a target, not of a need)."""
    before = _columns(last, codes, ("frame", "pct"))
    others = _columns(peers, codes, ("perfect_share", "median_frame"))
    warnings = []
    rows = zip(frame, pct, before["frame"], before["pct"], others["perfect_share"], others["median_frame"], measures,
               complete, strict=True)
    for f, p, lf, lp, perfect, median, m, done in rows:
        w = None
        ratio = m == "ratio"
        lf, lp, perfect, median = (math.nan if _missing(v) else float(v) for v in (lf, lp, perfect, median))
        if not done:
            pass
        elif f == 0 and lf > 0:
            w = Bilingual(f"(1) เป็น 0 (ไม่มีบริการ) แต่ปีก่อนมี {lf:,.10g}", f"(1) is 0 (no such service) but was {lf:,.10g} last round")
        elif ratio and not math.isnan(p) and not math.isnan(lp) and abs(p - lp) >= WARN_JUMP:
            w = Bilingual(f"ร้อยละเปลี่ยนจาก {lp:.1f} เป็น {p:.1f} ({p - lp:+.1f} จุดร้อยละ) เทียบกับปีก่อน",
                          f"the percentage moved from {lp:.1f} to {p:.1f} ({p - lp:+.1f} points) since last round")
        elif ratio and f and lf > 0 and max(f / lf, lf / f) >= WARN_FACTOR:
            w = Bilingual(f"(1) = {f:,.10g} ต่างจากปีก่อน ({lf:,.10g}) มาก", f"(1) = {f:,.10g} is far from last round's {lf:,.10g}")
        elif ratio and not math.isnan(p) and p >= 100 and perfect < WARN_PEER_PERFECT \
                and f >= median:      # no peers' median: no warning
            share = perfect * 100
            w = Bilingual(f"ได้ 100% จากกรอบที่ใหญ่ ขณะที่ อปท. ประเภทเดียวกันได้ 100% เพียง {share:.0f}%",
                          f"100 % on a large frame, while only {share:.0f} % of LAOs of the same type reach 100 %")
        warnings.append(w)
    return warnings


def summary(checked: pd.DataFrame, domains: pd.Series) -> pd.DataFrame:
    """Per domain (index) and overall ('all'): indicators, complete, with problems, warnings unexplained.
    Counted in plain Python: a form has a few dozen rows and this runs on every keystroke."""
    columns = ("n", "complete", "problems", "unexplained")
    counts: dict = {}
    rows = zip(domains.reindex(checked.index).tolist(), checked["status"].tolist(), checked["frame_error"].tolist(),
               checked["delivered_error"].tolist(), checked["warning"].tolist(), checked["explained"].tolist(),
               strict=True)
    for domain, status, f_err, d_err, warning, explained in rows:
        c = counts.setdefault(domain, [0, 0, 0, 0])
        c[0] += 1
        c[1] += status == "complete"
        c[2] += f_err is not None or d_err is not None
        c[3] += warning is not None and not explained
    per = pd.DataFrame.from_dict({d: counts[d] for d in sorted(counts)}, orient="index", columns=columns, dtype=int)
    per.loc["all"] = per.sum()
    per.index.name = "domain"
    return per.astype(int)


def ready_to_submit(checked: pd.DataFrame) -> bool:
    return bool(len(checked)) and bool((checked["status"] == "complete").all()) \
        and not (checked["frame_error"].notna() | checked["delivered_error"].notna()).any() \
        and not (checked["warning"].notna() & ~checked["explained"]).any()
