"""Shared fixtures for the geo tests: boundaries are loaded once per process (lru_cache) and per module."""

from pathlib import Path

import pytest

import geo

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def districts():
    return geo.districts()


@pytest.fixture(scope="module")
def provinces():
    return geo.provinces()


@pytest.fixture(scope="session")
def provinces_csv():
    # shared/ is checked out beside the repo (locally and in CI), not inside it.
    return REPO.parent / "shared" / "domain" / "provinces.csv"
