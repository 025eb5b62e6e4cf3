"""Reads for one LAO's scorecard (store/queries_lao.py) on SQLite and PostgreSQL: the same figures
as plain queries, and unpublished rounds only within scope."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import text

from store.access import PUBLIC, Scope
from store.queries_lao import (lao, nearby_passers, peer_summaries, round_states, scorecard_inputs,
                               type_indicator_outcomes)


def frame(db, sql, **params) -> pd.DataFrame:
    with db.connect() as conn:
        return pd.DataFrame(conn.execute(text(sql), params).mappings().all())


def an_sao(db) -> str:
    return frame(db, "SELECT code FROM lao WHERE type = 'sao' AND province_code = '30' ORDER BY code").iloc[3]["code"]


def test_registry_entry_and_round_states(db):
    entry = lao(db, an_sao(db))
    assert entry["type"] == "sao" and entry["province_th"] == "นครราชสีมา" and entry["district_th"]
    assert lao(db, "0000000") is None
    assert dict(zip(round_states(db)["year"], round_states(db)["state"]))[2569] == "open"


def test_type_wide_reads_match_plain_queries(db):
    code = an_sao(db)
    peers = peer_summaries(db, PUBLIC, 2568, "sao")
    n = frame(db, "SELECT COUNT(*) AS n FROM summary s JOIN lao l ON l.code = s.lao_code "
                  "WHERE s.year = 2568 AND l.type = 'sao'")["n"].iloc[0]
    assert len(peers) == n and set(peers.columns) == {"lao_code", "domain", "pass_rate", "population"}
    out = type_indicator_outcomes(db, PUBLIC, 2568, "sao", ["1.01", "5.02"]).set_index("indicator_code")
    plain = frame(db, "SELECT r.indicator_code, r.outcome FROM result r JOIN lao l ON l.code = r.lao_code "
                      "WHERE r.year = 2568 AND l.type = 'sao' AND r.indicator_code IN ('1.01', '5.02')")
    for ind, part in plain.groupby("indicator_code"):
        assert out.at[ind, "n_pass"] == (part["outcome"] == "pass").sum()
        assert out.at[ind, "n_judged"] == (part["outcome"] != "no_service").sum()
    near = nearby_passers(db, PUBLIC, 2568, "sao", "30", ["1.01"], code)
    assert code not in set(near["lao_code"]) and len(near) > 0
    assert type_indicator_outcomes(db, PUBLIC, 2568, "sao", []).empty


def test_unpublished_round_only_within_scope(db):
    code = frame(db, "SELECT lao_code FROM result WHERE year = 2569 AND lao_code LIKE '_30%' "
                     "ORDER BY lao_code")["lao_code"].iloc[0]
    public = scorecard_inputs(db, PUBLIC, code, 2569)
    assert 2569 not in set(public.results["year"]) and public.peers.empty and public.values.empty
    monitor = scorecard_inputs(db, Scope(role="monitor", province_code="30", user="m"), code, 2569)
    assert 2569 in set(monitor.results["year"]) and not monitor.peers.empty
    other = scorecard_inputs(db, Scope(role="monitor", province_code="81", user="m"), code, 2569)
    assert 2569 not in set(other.results["year"])
    assert scorecard_inputs(db, PUBLIC, "0000000", 2568) is None
