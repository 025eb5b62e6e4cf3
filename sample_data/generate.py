"""The national sample dataset: synthetic submissions for rounds 2565-2569 that behave like a real
country (regional and type differences, size effects, improvement over time, services that do not
exist, indicators not carried out, a few anomalies for monitors to find). Deterministic: one seed.

Everything here is made up and the database says so (meta.synthetic = 1); pages show a banner.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from scoring import catalogue as catalogue_mod
from scoring.catalogue import typed_targets
from store import reference

from .laos import build_laos

SEED = 2566
YEARS = (2565, 2566, 2567, 2568, 2569)
OPEN_YEAR = 2569
# Tendencies of the synthetic data (not findings): urban and central LAOs score a little higher.
REGION_EFFECT = {"Central": 0.30, "East": 0.20, "North": 0.10, "South": 0.0, "West": -0.05,
                 "Northeast": -0.25}
TYPE_EFFECT = {"pao": 0.2, "city": 0.5, "town": 0.35, "subdistrict_mun": 0.1, "sao": -0.1, "bma": 0.5,
               "pattaya": 0.4}
# The open sample round's window lies around the day the sample is built (45 days open, 30 to go), so
# the demo always has an open round to enter figures in and the monitoring view has work to show.
OPEN_DAYS_BEFORE, OPEN_DAYS_AFTER = 45, 30


def open_window(today: date | None = None) -> tuple[date, date]:
    today = today or date.today()
    return today - timedelta(days=OPEN_DAYS_BEFORE), today + timedelta(days=OPEN_DAYS_AFTER)


@dataclass
class SampleData:
    laos: pd.DataFrame
    rounds: pd.DataFrame
    indicators: pd.DataFrame      # stacked catalogues, one row per year × code
    submissions: pd.DataFrame
    values: pd.DataFrame


def _stable_uniform(key: str) -> float:
    """A number in [0, 1) fixed by a name, so an indicator keeps its character across years."""
    return (zlib.crc32(key.encode()) % 10_000) / 10_000


def build_catalogues(years=YEARS) -> pd.DataFrame:
    frames = []
    for y in years:
        ind = catalogue_mod.load(y).indicators.reset_index()
        ind.insert(0, "year", y)
        frames.append(ind)
    return pd.concat(frames, ignore_index=True)


def build_rounds(years=YEARS, today: date | None = None) -> pd.DataFrame:
    rows = []
    for y in years:
        if y == OPEN_YEAR:
            rows.append((y, "open", *open_window(today)))
        else:
            ce = y - 543
            rows.append((y, "published", date(ce, 6, 1), date(ce, 7, 31)))
    out = pd.DataFrame(rows, columns=["year", "state", "window_open", "window_close"])
    out["catalogue_source"] = [f"sample catalogue {y}.yaml" for y in years]
    return out


def generate(small: bool = False, seed: int = SEED) -> SampleData:
    """small=True keeps 3 provinces (one of them Krabi, 81), for tests and quick demos."""
    rng = np.random.default_rng(seed)
    prov = reference.provinces_full()
    if small:
        prov = prov[prov["code"].isin(["10", "20", "30", "81"])]
    laos = build_laos(rng, prov)
    laos = laos.merge(prov[["code", "region6"]].rename(columns={"code": "province_code", "region6": "region"}),
                      on="province_code")
    indicators = build_catalogues()
    rounds = build_rounds()
    subs, values = _submissions_and_values(rng, laos, indicators, rounds)
    return SampleData(laos.drop(columns="region"), rounds, indicators, subs, values)


def _submissions_and_values(rng, laos, indicators, rounds):
    n = len(laos)
    quality = rng.normal(0, 0.6, n) + laos["region"].map(REGION_EFFECT).to_numpy() \
        + laos["type"].map(TYPE_EFFECT).to_numpy()
    pop = laos["population"].astype("float64").fillna(5000).to_numpy()
    quality += 0.15 * np.log10(np.maximum(pop, 500) / 5000)
    slope = rng.normal(0.12, 0.06, n)                 # most LAOs improve a little each round
    lao_index = pd.Series(np.arange(n), index=laos["code"])

    # A few LAOs for monitors to check: perfect answers, and a collapse then recovery.
    too_good = set(laos["code"].iloc[rng.choice(n, size=max(2, n // 1000), replace=False)])
    jumpers = set(laos["code"].iloc[rng.choice(n, size=max(3, n // 800), replace=False)])
    copy_districts = sorted(laos["district_code"].dropna().unique())[:: max(1, 400)][:2]

    sub_frames, val_frames = [], []
    next_id = 1
    for k, rnd in enumerate(rounds.itertuples(index=False)):
        y = rnd.year
        cat = indicators[indicators["year"] == y]
        state = np.full(n, "submitted", dtype=object)
        draw = rng.random(n)
        if rnd.state == "open":
            state[draw < 0.42] = "in_progress"
            state[draw < 0.27] = None                 # not started: no submission at all
        else:
            state[draw < 0.008] = None                # a handful never submit
        late = rng.random(n) < 0.04
        span = (rnd.window_close - rnd.window_open).days
        offset = np.where(late, span + rng.integers(1, 30, n), rng.integers(0, span + 1, n))
        if rnd.state == "open":                        # nothing can be late or in the future yet
            offset = np.minimum(rng.integers(0, 40, n), OPEN_DAYS_BEFORE - 1)
        at = [datetime.combine(rnd.window_open + timedelta(days=int(o)), datetime.min.time())
              + timedelta(hours=9, minutes=int(m)) for o, m in zip(offset, rng.integers(0, 480, n))]
        keep = np.array([s is not None for s in state])
        subs = pd.DataFrame({"lao_code": laos["code"].to_numpy()[keep], "year": y, "revision": 1,
                             "state": state[keep], "submitted_at": np.array(at, dtype=object)[keep],
                             "source_file": f"sample-{y}.csv", "submitted_by": "sample generator",
                             "is_current": True})
        subs["counted"] = subs["state"] == "submitted"
        subs.loc[subs["state"] != "submitted", "submitted_at"] = None
        subs.insert(0, "id", np.arange(next_id, next_id + len(subs)))
        next_id += len(subs)

        # One row per submission × applicable indicator.
        applies = typed_targets(cat).merge(cat[["code", "measure", "countable"]], on="code")   # own targets
        rows = subs[["id", "lao_code"]].merge(laos[["code", "type", "district_code"]], left_on="lao_code",
                                              right_on="code").drop(columns="code")
        rows = rows.merge(applies[["type", "code", "measure", "target", "countable"]], on="type")
        li = lao_index.loc[rows["lao_code"]].to_numpy()
        m = len(rows)
        codes = rows["code"].to_numpy()
        uniq, inv = np.unique(codes, return_inverse=True)
        difficulty = np.array([_stable_uniform(c) for c in uniq])[inv] - 0.5
        scale = 10 ** (0.5 + 2.0 * np.array([_stable_uniform("s" + c) for c in uniq])[inv])
        p_none = 0.12 * np.array([_stable_uniform("n" + c) for c in uniq])[inv] ** 2
        year_q = quality[li] + slope[li] * k
        if y == 2567:
            year_q = np.where(rows["lao_code"].isin(jumpers), year_q - 2.5, year_q)
        z = 0.55 + year_q - 1.2 * difficulty + rng.normal(0, 0.9, m)
        target = rows["target"].to_numpy(dtype=float)
        measure = rows["measure"].to_numpy()

        frame = np.maximum(1, np.round(scale * rng.lognormal(0, 0.5, m)))
        pct = np.clip(target + 14 * z, 0, 100)
        # things that are counted (spots, lamps, people) come in whole units; lengths and areas to 0.1
        step = np.where(rows["countable"].fillna(0).astype(bool).to_numpy(), 1.0, 10.0)
        delivered = np.floor(frame * pct / 100 * step) / step
        is_count, is_yesno = measure == "count", measure == "yesno"
        frame[is_count | is_yesno] = 1
        delivered[is_count] = np.maximum(0, np.round(target[is_count] + 1.2 * z[is_count]))
        delivered[is_yesno] = (z[is_yesno] > -0.3).astype(float)
        no_service = rng.random(m) < p_none
        frame[no_service], delivered[no_service] = 0, 0
        not_done = ~no_service & (rng.random(m) < 0.035 * np.exp(-0.25 * k) * np.exp(-0.5 * year_q))
        delivered[not_done] = np.nan
        perfect = rows["lao_code"].isin(too_good).to_numpy() & (y == 2568)
        delivered[perfect & ~no_service] = np.where(is_count, target + 2, frame)[perfect & ~no_service]

        vals = pd.DataFrame({"submission_id": rows["id"].to_numpy(), "indicator_code": codes,
                             "frame": frame, "delivered": delivered})
        if y == 2568:                                  # copied answers across a district
            vals = _copy_within_districts(vals, rows, copy_districts)
        in_progress = subs.set_index("id")["state"].reindex(vals["submission_id"]).to_numpy() == "in_progress"
        vals = vals[~in_progress | (rng.random(len(vals)) < 0.5)]      # half-filled forms
        vals["evidence_url"] = None
        vals["note"] = None
        sub_frames.append(subs)
        val_frames.append(vals)
    return pd.concat(sub_frames, ignore_index=True), pd.concat(val_frames, ignore_index=True)


def _copy_within_districts(vals, rows, districts):
    """Every LAO of the same type in these districts reports the first one's figures."""
    for d in districts:
        in_d = rows["district_code"].to_numpy() == d
        for t in rows.loc[in_d, "type"].unique():
            sel = in_d & (rows["type"].to_numpy() == t)
            first = rows.loc[sel, "id"].min()
            src = vals[vals["submission_id"] == first].set_index("indicator_code")
            idx = np.flatnonzero(sel)
            codes = vals["indicator_code"].to_numpy()[idx]
            have = np.isin(codes, src.index)
            vals.iloc[idx[have], vals.columns.get_loc("frame")] = src.loc[codes[have], "frame"].to_numpy()
            vals.iloc[idx[have], vals.columns.get_loc("delivered")] = src.loc[codes[have], "delivered"].to_numpy()
    return vals
