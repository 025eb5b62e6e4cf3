"""Who may see what, enforced where the data is read (store.queries), not by hiding widgets.

Published rounds are public: everyone sees every LAO of them. A round that is open or closed but
not yet published is visible only within a signed-in user's scope: LAO staff see their own LAO,
provincial monitors their province, ODLOC executives and administrators everything.
"""
from __future__ import annotations

from dataclasses import dataclass

ROLES = ("public", "lao", "monitor", "executive", "admin")
SIGNED_IN_ROLES = ROLES[1:]


class PermissionDenied(PermissionError):
    """The scope may not do this (raised by the data layer, whatever the UI showed)."""


@dataclass(frozen=True)
class Scope:
    role: str = "public"
    province_code: str | None = None    # monitors
    lao_code: str | None = None         # LAO staff
    user: str = "public"

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.role == "monitor" and not self.province_code:
            raise ValueError("a monitor needs a province")
        if self.role == "lao" and not self.lao_code:
            raise ValueError("LAO staff need an LAO code")

    @property
    def sees_everything(self) -> bool:
        return self.role in ("executive", "admin")

    @property
    def can_administer(self) -> bool:
        return self.role == "admin"

    @property
    def signed_in(self) -> bool:
        return self.role != "public"

    def require_admin(self, action: str = "this") -> None:
        """Refuse anything but an administrator; every write function calls it first."""
        if not self.can_administer:
            raise PermissionDenied(f"{self.user} ({self.role}) may not do {action}: administrators only")

    def covers(self, province_code: str | None, lao_code: str | None = None) -> bool:
        """Whether an unpublished round's row of this LAO/province is within the scope (Python twin of
        unpublished_filter, for checks outside SQL)."""
        if self.sees_everything:
            return True
        if self.role == "monitor":
            return province_code == self.province_code
        if self.role == "lao":
            return lao_code is not None and lao_code == self.lao_code
        return False

    def unpublished_filter(self, lao_alias: str = "l") -> tuple[str, dict]:
        """SQL condition on the lao table for rows of rounds that are not published yet."""
        if self.sees_everything:
            return "1=1", {}
        if self.role == "monitor":
            return f"{lao_alias}.province_code = :scope_province", {"scope_province": self.province_code}
        if self.role == "lao":
            return f"{lao_alias}.code = :scope_lao", {"scope_lao": self.lao_code}
        return "1=0", {}

    def row_filter(self, year_column: str, lao_alias: str = "l") -> tuple[str, dict]:
        """SQL condition: published rounds for all, otherwise only within scope."""
        cond, params = self.unpublished_filter(lao_alias)
        published = f"{year_column} IN (SELECT year FROM round WHERE state = 'published')"
        return f"({published} OR ({cond}))", params


PUBLIC = Scope()
EVERYTHING = Scope(role="executive", user="system")
