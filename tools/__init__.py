"""Development tools, outside the runtime packages: the benchmark (`python -m dashboard bench`, which
imports tools.bench) and the load test (`python -m tools.loadtest`). Nothing in the product imports
this package except that one command (tests/test_layers.py checks)."""
