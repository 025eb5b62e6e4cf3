"""Synthetic LAO registry: the real number of LAOs of each type in each province (provinces.csv),
named after real districts and subdistricts (geothai), with codes in the DLA `T PP AA SS` form.

Everything is derived from a seeded random generator, so the same call always gives the same list.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.laotypes import BMA_CODE, PATTAYA_CODE
from store import reference

# Two real subdistrict municipalities whose DLA codes still start with 6 (docs/domain.md): the sample
# gives these codes to a subdistrict municipality in the same district, to keep the quirk alive.
SIX_PREFIXED_MUNICIPALITIES = ("6130408", "6720123")
DIGIT = {"pao": "2", "city": "3", "town": "4", "subdistrict_mun": "5", "sao": "6"}
# Rough medians of registered population by type, for the size bands (synthetic).
POP_MEDIAN = {"pao": 800_000, "city": 110_000, "town": 28_000, "subdistrict_mun": 7_500, "sao": 5_500,
              "bma": 5_500_000, "pattaya": 120_000}


def _mueang_name(name_th: str, province_th: str) -> str:
    """District 'เมืองกระบี่' gives the town name 'กระบี่'."""
    return province_th if name_th.startswith("เมือง") else name_th.removeprefix("เขต")


def build_laos(rng: np.random.Generator, provinces: pd.DataFrame | None = None) -> pd.DataFrame:
    prov = reference.provinces_full() if provinces is None else provinces
    dist = reference.districts()
    subs = reference.subdistricts()
    rows: list[dict] = []
    for p in prov.itertuples(index=False):
        if p.code == "10":
            rows.append(dict(code=BMA_CODE, name_th="กรุงเทพมหานคร", name_en="Bangkok", type="bma",
                             province_code="10", district_code=None))
            continue
        pd_ = dist[dist.province_code == p.code].sort_values("code")
        mueang = pd_.iloc[0]
        rows.append(dict(code=f"2{mueang.code}01", name_th=p.name_th, name_en=p.name_en, type="pao",
                         province_code=p.code, district_code=mueang.code))
        # Urban municipalities take district names, the provincial seat first.
        urban = [(d.code, _mueang_name(d.name_th, p.name_th),
                  p.name_en if d.name_th.startswith("เมือง") else d.name_en) for d in pd_.itertuples()]
        tamb = subs[subs.province_code == p.code].sort_values("code")
        order = rng.permutation(len(tamb))
        tamb = tamb.iloc[order]
        pool = urban + [(t.district_code, t.name_th, t.name_en) for t in tamb.itertuples()]
        used = set()
        for kind, n in (("city", p.city_municipality), ("town", p.town_municipality)):
            for _ in range(int(n)):
                d, th, en = next(x for x in pool if x[1] not in used)
                used.add(th)
                rows.append(dict(code=None, name_th=th, name_en=en, type=kind, province_code=p.code,
                                 district_code=d))
        # Subdistrict municipalities and SAOs take tambon names: distinct within a type, and an SAO
        # may share its tambon's name with a municipality, as ทต. and อบต. pairs do in real life.
        t_list = [(t.district_code, t.name_th, t.name_en) for t in tamb.itertuples() if t.name_th not in used]
        n_sm, n_sao = int(p.subdistrict_municipality), int(p.sao)
        sm = t_list[:n_sm] if n_sm <= len(t_list) else t_list + t_list[: n_sm - len(t_list)]
        rest = t_list[n_sm:] + t_list[:n_sm]
        for kind, chosen in (("subdistrict_mun", sm), ("sao", rest[:n_sao])):
            for d, th, en in chosen:
                rows.append(dict(code=None, name_th=th, name_en=en, type=kind, province_code=p.code,
                                 district_code=d))
        if p.special_kind == "pattaya":
            rows.append(dict(code=PATTAYA_CODE, name_th="เมืองพัทยา", name_en="Pattaya", type="pattaya",
                             province_code=p.code, district_code=f"{p.code}04"))
    laos = pd.DataFrame(rows)
    laos = _assign_codes(laos)
    n = len(laos)
    med = laos["type"].map(POP_MEDIAN).to_numpy(dtype=float)
    pop = np.round(med * rng.lognormal(0.0, 0.55, n), -1).astype("int64")
    area = np.round(pop / rng.lognormal(np.log(150), 0.8, n), 2)
    laos["population"] = pd.array(pop, dtype="Int64")
    laos["area_km2"] = area
    unknown_pop = rng.random(n) < 0.03            # registry gaps: unknown stays unknown
    laos.loc[unknown_pop, "population"] = pd.NA
    laos.loc[rng.random(n) < 0.35, "area_km2"] = np.nan
    laos["lat"] = np.nan
    laos["lon"] = np.nan
    return laos.sort_values("code").reset_index(drop=True)


def _assign_codes(laos: pd.DataFrame) -> pd.DataFrame:
    """T + district + a sequence per type and district, like the DLA's codes."""
    todo = laos["code"].isna()
    seq = laos[todo].groupby(["type", "district_code"]).cumcount() + 1
    laos.loc[todo, "code"] = (laos.loc[todo, "type"].map(DIGIT) + laos.loc[todo, "district_code"]
                              + seq.map("{:02d}".format))
    for code in SIX_PREFIXED_MUNICIPALITIES:
        if code in set(laos["code"]):
            continue
        cand = laos.index[(laos["type"] == "subdistrict_mun") & (laos["district_code"] == code[1:5])]
        if len(cand):
            laos.loc[cand[0], "code"] = code
    assert laos["code"].is_unique, "sample LAO codes must be unique"
    return laos
