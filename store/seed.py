"""Build a database from the generated national sample (python -m dashboard seed)."""
from __future__ import annotations

import time

from sqlalchemy import Engine

from sample_data.generate import generate
from scoring.engine import score_submissions

from .bulk import insert_frame
from .dataset import LAO_COLUMNS, fix_sequence, log_change, reset, write_catalogue, write_meta, write_reference
from .materialise import store_scores


def seed(engine: Engine, small: bool = False) -> dict[str, float]:
    """Replace the database's contents with the sample; returns timings and row counts."""
    t0 = time.perf_counter()
    data = generate(small=small)
    t_gen = time.perf_counter() - t0
    reset(engine)
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":       # one big write; durability comes from the commit
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
        write_reference(conn)
        insert_frame(conn, "lao", data.laos[LAO_COLUMNS])
        insert_frame(conn, "round", data.rounds)
        write_catalogue(conn, data.indicators)
        insert_frame(conn, "submission", data.submissions)
        fix_sequence(conn, "submission")
        insert_frame(conn, "indicator_value", data.values)
        t_write = time.perf_counter() - t0 - t_gen
        subs = data.submissions[data.submissions["state"] == "submitted"].merge(
            data.laos[["code", "type"]], left_on="lao_code", right_on="code")
        subs = subs.rename(columns={"id": "submission_id"})[["submission_id", "lao_code", "year", "type"]]
        n_scored = 0
        for year, s in subs.groupby("year"):
            v = data.values[data.values["submission_id"].isin(s["submission_id"])]
            results = score_submissions(v, s, data.indicators[data.indicators["year"] == year])
            store_scores(conn, int(year), results)
            n_scored += len(results)
        write_meta(conn, synthetic="1", dataset="small sample" if small else "national sample")
        log_change(conn, "seed", "seed", "synthetic sample dataset", None, len(data.values))
    return {"seconds": time.perf_counter() - t0, "generate_s": t_gen, "write_s": t_write,
            "laos": len(data.laos), "indicator_rows": len(data.values), "scored_rows": n_scored}
