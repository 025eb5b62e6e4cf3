"""store.queries_province on SQLite and PostgreSQL: the figures of a province's submitted (counted) revisions."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import text

from store.access import PUBLIC, Scope
from store.queries_province import answers


def plain(db, year, province):
    sql = ("SELECT s.lao_code, v.indicator_code, v.frame, v.delivered FROM indicator_value v "
           "JOIN submission s ON s.id = v.submission_id JOIN lao l ON l.code = s.lao_code "
           "WHERE s.year = :y AND s.state = 'submitted' AND s.is_current AND l.province_code = :p")
    with db.connect() as conn:
        return pd.DataFrame(conn.execute(text(sql), {"y": year, "p": province}).fetchall(),
                            columns=["lao_code", "indicator_code", "frame", "delivered"])


def test_answers_are_the_current_figures_of_the_province(db):
    got = answers(db, PUBLIC, 2568, "81")
    want = plain(db, 2568, "81")
    assert len(got) == len(want) > 0
    key = ["lao_code", "indicator_code"]
    merged = got.merge(want, on=key, suffixes=("", "_sql"), validate="one_to_one")
    assert len(merged) == len(want)
    assert (merged["frame"].fillna(-1) == merged["frame_sql"].fillna(-1)).all()
    assert (merged["delivered"].fillna(-1) == merged["delivered_sql"].fillna(-1)).all()
    assert set(got["district_code"].str[:2]) == {"81"} and set(got["lao_code"].str[1:3]) == {"81"}


def test_unpublished_rounds_only_within_scope(db):
    assert answers(db, PUBLIC, 2569, "81").empty
    mine = answers(db, Scope(role="monitor", province_code="81"), 2569, "81")
    assert len(mine) == len(plain(db, 2569, "81")) > 0
    assert answers(db, Scope(role="monitor", province_code="20"), 2569, "81").empty
