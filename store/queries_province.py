"""Read access for the province page (same rules as store.queries: every function takes a Scope)."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from .access import Scope
from .queries import _read


def answers(engine: Engine, scope: Scope, year: int, province: str) -> pd.DataFrame:
    """The figures of the counted submissions of a province's LAOs for a round, one row per LAO ×
    indicator answered: lao_code, type, district_code, indicator_code, frame, delivered."""
    cond, params = scope.row_filter("s.year")
    params.update(y=year, p=province)
    return _read(engine, "SELECT l.code AS lao_code, l.type, l.district_code, v.indicator_code, v.frame, v.delivered "
                         "FROM indicator_value v JOIN submission s ON s.id = v.submission_id "
                         "JOIN lao l ON l.code = s.lao_code "
                         f"WHERE s.year = :y AND s.counted AND l.province_code = :p AND {cond}", params)
