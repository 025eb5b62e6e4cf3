"""Fixtures of the page tests: `cast` (tests/app/trail_app.py), signed-in people on a writable sample."""
from tests.app.trail_app import cast  # noqa: F401
