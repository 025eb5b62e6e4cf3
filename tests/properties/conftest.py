"""Hypothesis settings for the property tests.

Modest example counts, so the folder runs in seconds; no deadline (a slow CI machine is not a bug).
Under CI (the CI environment variable is set) the examples are derandomized: every run tries the same
ones, so a red build is reproducible and never flaky, and nothing is written to .hypothesis/.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

CI = bool(os.environ.get("CI"))
settings.register_profile(
    "lao",
    max_examples=80,
    deadline=None,
    derandomize=CI,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
    **({"database": None} if CI else {}),
)
settings.load_profile("lao")
