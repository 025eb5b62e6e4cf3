"""The sample database counts whole things in whole numbers, and says which units are counted."""
from __future__ import annotations

import sqlite3

import pandas as pd


def test_countable_indicators_are_stored_and_their_counts_are_whole(sample_db_url):
    con = sqlite3.connect(f"file:{sample_db_url.split('///', 1)[1]}?mode=ro", uri=True)
    flags = pd.read_sql("SELECT code, countable FROM indicator WHERE year = 2568", con).set_index("code")["countable"]
    assert flags["1.03"] == 1 and flags["1.16"] == 1 and flags["1.01"] == 0      # spots, signals; km
    values = pd.read_sql("""SELECT i.countable, v.frame, v.delivered FROM indicator_value v
                            JOIN submission s ON s.id = v.submission_id
                            JOIN indicator i ON i.year = s.year AND i.code = v.indicator_code""", con)
    con.close()
    counted = values[values["countable"] == 1]
    assert len(counted) > 1000
    assert (counted["frame"] % 1 == 0).all() and (counted["delivered"].dropna() % 1 == 0).all()
    measured = values[values["countable"] == 0]["delivered"].dropna()
    assert (measured % 1 != 0).any()                   # lengths and areas keep their decimal
