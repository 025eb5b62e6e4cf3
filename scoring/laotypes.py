"""LAO types: the contract codes, their names and the DLA code digit (facts in docs/domain.md)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LaoType:
    code: str        # contract code stored in the database and used in URLs
    name_th: str
    name_en: str
    short_th: str    # prefix officials write before the bare name (อบต.คลองท่อม)
    short_en: str
    digit: str       # first digit of the 7-digit LAO code, where one applies


LAO_TYPES: tuple[LaoType, ...] = (
    LaoType("pao", "องค์การบริหารส่วนจังหวัด", "Provincial Administrative Organization", "อบจ.", "PAO", "2"),
    LaoType("city", "เทศบาลนคร", "City municipality", "ทน.", "City Municipality", "3"),
    LaoType("town", "เทศบาลเมือง", "Town municipality", "ทม.", "Town Municipality", "4"),
    LaoType("subdistrict_mun", "เทศบาลตำบล", "Subdistrict municipality", "ทต.", "Subdistrict Municipality", "5"),
    LaoType("sao", "องค์การบริหารส่วนตำบล", "Subdistrict Administrative Organization", "อบต.", "SAO", "6"),
    LaoType("bma", "กรุงเทพมหานคร", "Bangkok Metropolitan Administration", "กทม.", "BMA", "1"),
    LaoType("pattaya", "เมืองพัทยา", "Pattaya City", "เมืองพัทยา", "Pattaya City", "3"),
)
# Bangkok is not in the DLA registry and has no DLA code: this one is the dashboard's own convention,
# used by the sample and by the registry import (which adds Bangkok when absent).
BMA_CODE = "1100000"
PATTAYA_CODE = "3200408"      # Pattaya's real DLA code (docs/domain.md)
TYPE_CODES: tuple[str, ...] = tuple(t.code for t in LAO_TYPES)
BY_CODE: dict[str, LaoType] = {t.code: t for t in LAO_TYPES}


def type_name(code: str, lang: str = "th", short: bool = False) -> str:
    t = BY_CODE[code]
    if lang == "th":
        return t.short_th if short else t.name_th
    return t.name_en


def display_name(name_th: str, type_code: str, lang: str = "th", name_en: str | None = None) -> str:
    """'อบต.คลองท่อม' / 'Khlong Thom SAO': how officials write an LAO's name. BMA and Pattaya are
    named in full; with no English name the Thai one is used."""
    t = BY_CODE[type_code]
    if lang != "th" and name_en:
        return name_en if type_code in ("bma", "pattaya") else f"{name_en} {t.short_en}"
    if type_code in ("bma", "pattaya") or name_th.startswith(t.short_th):
        return name_th
    return f"{t.short_th}{name_th}"
