"""Decode plotly >= 6 typed arrays ({'dtype', 'bdata'}) in figure JSON back to lists."""
from __future__ import annotations

import base64

import numpy as np


def values(v):
    if isinstance(v, dict) and "bdata" in v:
        arr = np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
        if "shape" in v:
            arr = arr.reshape([int(x) for x in str(v["shape"]).split(",")])
        return arr.tolist()
    return list(v)
