"""Peer groups and percentiles (scoring.peers): small frames, inputs and expected columns side by side."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from scoring import peers


def test_size_bands_follow_registered_population():
    pop = pd.Series([0, 4_999, 5_000, 9_999, 10_000, 49_999, 50_000, None, "n/a"])
    expected = pd.Series(["S", "S", "M", "M", "L", "L", "XL", "unknown", "unknown"])
    assert_series_equal(peers.size_band(pop), expected)


@pytest.mark.parametrize("scope, keys", [
    ("nation", ["type", "size_band"]),
    ("region", ["type", "size_band", "region"]),
    ("province", ["type", "size_band", "province_code"]),
])
def test_peer_keys_per_scope(scope, keys):
    assert peers.peer_keys(pd.DataFrame(), scope) == keys


def test_percentiles_within_groups_share_ties_and_skip_missing_values():
    frame = pd.DataFrame({"type": ["sao", "sao", "sao", "sao", "city"],
                          "pass_rate": [50.0, 50.0, 100.0, np.nan, 10.0]})
    got = peers.percentiles(frame, "pass_rate", ["type"])
    expected = pd.DataFrame({"n_peers": [3, 3, 3, 3, 1],
                             "peer_median": [50.0, 50.0, 50.0, 50.0, 10.0],
                             "percentile": [100 * 1.5 / 3, 100 * 1.5 / 3, 100.0, np.nan, 100.0],
                             "small_group": [True] * 5})
    assert_frame_equal(got, expected, check_dtype=False)


def test_a_group_of_min_peers_is_not_small():
    frame = pd.DataFrame({"type": ["sao"] * peers.MIN_PEERS, "pass_rate": np.linspace(0, 100, peers.MIN_PEERS)})
    got = peers.percentiles(frame, "pass_rate", ["type"])
    assert not got["small_group"].any() and got["percentile"].iloc[-1] == 100.0
