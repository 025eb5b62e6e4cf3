"""Shared fixtures for the geo tests: boundaries are loaded once per process (lru_cache) and per module."""

import pytest

import geo
from store.reference import PROVINCES_CSV


@pytest.fixture(scope="module")
def districts():
    return geo.districts()


@pytest.fixture(scope="module")
def provinces():
    return geo.provinces()


@pytest.fixture(scope="session")
def provinces_csv():
    # The project's own province facts (docs/domain.md), the file the reference data is loaded from.
    return PROVINCES_CSV
