"""Response bodies are kept per data version within a budget: never one of an older version."""
from __future__ import annotations

from dashboard.api import Bodies


def test_a_body_is_built_once_per_data_version():
    built = []
    bodies = Bodies(budget=1000)
    make = lambda: built.append(1) or b"x" * 10          # noqa: E731
    assert bodies.get(1, "k", make) == bodies.get(1, "k", make) and len(built) == 1
    bodies.get(2, "k", make)                            # the data changed: built again
    assert len(built) == 2
    bodies.get(1, "k", make)                            # a request from before the change: not kept
    bodies.get(2, "k", make)
    assert len(built) == 3 and bodies.version == 2


def test_the_budget_drops_the_least_recently_used_and_big_bodies_are_not_kept():
    bodies = Bodies(budget=100)
    for key in "abc":
        bodies.get(1, key, lambda: b"x" * 25)
    bodies.get(1, "a", lambda: b"never")                # a is used again, so b goes first
    bodies.get(1, "d", lambda: b"x" * 25)
    bodies.get(1, "e", lambda: b"x" * 25)
    assert list(bodies.items) == ["c", "a", "d", "e"] and bodies.size == 100
    bodies.get(1, "huge", lambda: b"x" * 26)            # more than a quarter of the budget
    assert "huge" not in bodies.items
