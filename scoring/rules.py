"""Scoring rules, one per measure, in a registry. Each rule scores whole arrays at once and can
describe itself in Thai and English (tooltips, the methodology page).

Outcome codes are small integers while computing (fast), named by OUTCOMES everywhere else.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .texts import Bilingual

OUTCOMES = ("pass", "fail", "not_done", "no_service")
PASS, FAIL, NOT_DONE, NO_SERVICE = range(4)

# Wording of the published LAO reports (docs/domain.md); pass/fail names are the current era's.
OUTCOME_LABELS = {
    "th": {"pass": "ผ่านค่ามาตรฐานขั้นต่ำ", "fail": "ไม่ผ่าน", "not_done": "ไม่ได้ดำเนินการ",
           "no_service": "ไม่มีบริการสาธารณะ"},
    "en": {"pass": "Pass", "fail": "Fail", "not_done": "Not carried out", "no_service": "No such service"},
}


@dataclass(frozen=True)
class Rule:
    measure: str
    description: Bilingual
    official: bool   # True only where the rule is read from published reports (docs/domain.md)
    _score: Callable[[np.ndarray, np.ndarray, np.ndarray, bool], tuple[np.ndarray, np.ndarray]]

    def describe(self, lang: str = "th") -> str:
        return self.description.text(lang)

    def score(self, frame, delivered, target, at_target_passes: bool = True):
        """Arrays in, (outcome codes int8, pct float64 with NaN where undefined) out."""
        f = np.asarray(frame, dtype="float64")
        d = np.asarray(delivered, dtype="float64")
        t = np.asarray(target, dtype="float64")
        return self._score(f, d, t, at_target_passes)


def _gate(f: np.ndarray, d: np.ndarray, passed: np.ndarray) -> np.ndarray:
    """Shared order of checks: no service, then not carried out, then pass or fail.
    An empty frame is treated like an empty delivered figure: nothing was entered."""
    return np.select([f == 0, np.isnan(f) | np.isnan(d), passed], [NO_SERVICE, NOT_DONE, PASS],
                     FAIL).astype("int8")


def _ratio(f, d, t, at_target):
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where((f > 0) & ~np.isnan(d), d / f * 100.0, np.nan)
    passed = pct >= t if at_target else pct > t     # unrounded pct, as the contract says
    return _gate(f, d, passed), pct


def _count(f, d, t, at_target):
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # a target of 0 (refused in catalogues, but arrays may hold it) is met by any count: 100 %
        share = np.where(t > 0, d / np.where(t > 0, t, 1.0) * 100.0, 100.0)
        pct = np.where((f > 0) & ~np.isnan(d), share, np.nan)
    passed = d >= t if at_target else d > t
    return _gate(f, d, passed), pct


def _yesno(f, d, t, at_target):
    pct = np.where((f > 0) & ~np.isnan(d), np.where(d >= 1, 100.0, 0.0), np.nan)
    return _gate(f, d, d >= 1), pct


RULES: dict[str, Rule] = {r.measure: r for r in (
    Rule("ratio", Bilingual(
         "ถ้ากรอบการประเมิน (1) เป็น 0 = ไม่มีบริการสาธารณะ; ถ้า (1) มากกว่า 0 แต่ไม่ได้กรอก (2) = ไม่ได้ดำเนินการ; "
         "มิฉะนั้นคำนวณ (2) ÷ (1) × 100 ถ้าได้ไม่น้อยกว่าค่าเป้าหมาย = ผ่าน ถ้าน้อยกว่า = ไม่ผ่าน "
         "(เทียบค่าที่ยังไม่ปัดเศษ)",
         "If the frame (1) is 0: no such service. If (1) is above 0 and (2) is empty: not carried out. "
         "Otherwise (2) ÷ (1) × 100; at or above the target: pass, below: fail (the unrounded "
         "percentage is compared)."),
         True, _ratio),
    Rule("count", Bilingual(
         "กติกาของแดชบอร์ดนี้ (ไม่ใช่กติกาทางการ): (1) = 1 ถ้าภารกิจนี้อยู่ในอำนาจหน้าที่ของ อปท. (0 = ไม่มีบริการ); "
         "(2) = จำนวนครั้งหรือจำนวนหน่วยที่ทำได้ ถ้าไม่น้อยกว่าค่าเป้าหมาย = ผ่าน; ร้อยละ = (2) ÷ เป้าหมาย × 100",
         "This dashboard's convention (not an official rule): (1) is 1 when the service is in the LAO's "
         "remit (0: no such service); (2) is the number delivered; at or above the target count: pass; "
         "percentage = (2) ÷ target × 100."),
         False, _count),
    Rule("yesno", Bilingual(
         "กติกาของแดชบอร์ดนี้ (ไม่ใช่กติกาทางการ): (1) = 1 ถ้าบริการนี้ใช้กับ อปท. (0 = ไม่มีบริการ); "
         "(2) = 1 ถ้าดำเนินการแล้ว = ผ่าน, 0 = ไม่ผ่าน",
         "This dashboard's convention (not an official rule): (1) is 1 when the service applies "
         "(0: no such service); (2) is 1 when done (pass) and 0 when not (fail)."),
         False, _yesno),
)}


def rule(measure: str) -> Rule:
    return RULES[measure]
