"""The per-run page context: built once by the shell (dashboard/app.py) and passed to every page's
render(view), so a run reads the data version once and every figure on the page comes from one version."""
from __future__ import annotations

from dataclasses import dataclass

from store.access import Scope

from .i18n import t


@dataclass(frozen=True)
class View:
    lang: str          # th | en
    scope: Scope       # who is looking: decides which rows the data layer returns
    v: int             # data version (newest change-log id): the key of every cached read

    def tr(self, key: str, **fmt) -> str:
        return t(key, self.lang, **fmt)
