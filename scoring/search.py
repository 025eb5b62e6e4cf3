"""Finding an LAO by Thai or English name, or by code: typo-tolerant, partial names welcome.

Officials write names with a type prefix (อบต.คลองท่อมใต้, เทศบาลตำบลคลองท่อมใต้) or without one, in
Thai or English, sometimes with the district or province added ("หนองบัว อุดรธานี"). The query is
normalised the same way as the names (prefix stripped, case folded); a prefix that names a type is
kept as a hint that lifts LAOs of that type. Scoring is vectorised with rapidfuzz over the whole
registry (about 8,000 names), so a search takes a few milliseconds.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

# Type prefixes as officials write them, longest first so the full form wins over its start.
_TH_PREFIXES = (
    ("องค์การบริหารส่วนจังหวัด", "pao"), ("องค์การบริหารส่วนตำบล", "sao"), ("เทศบาลตำบล", "subdistrict_mun"),
    ("เทศบาลเมือง", "town"), ("เทศบาลนคร", "city"), ("เทศบาล", None),
    ("อบจ", "pao"), ("อบต", "sao"), ("ทต", "subdistrict_mun"), ("ทม", "town"), ("ทน", "city"),
)
_EN_WORDS = (  # removed wherever they appear (English names put the type after the name)
    ("subdistrict administrative organization", "sao"), ("provincial administrative organization", "pao"),
    ("subdistrict municipality", "subdistrict_mun"), ("town municipality", "town"),
    ("city municipality", "city"), ("municipality", None), ("tambon", None),
)
_EN_SUFFIXES = (("sao", "sao"), ("pao", "pao"))   # only as the last word: "Sao Hai" is a place name
_PUNCT = re.compile(r"[.,;:()\[\]\"'/\\_\-–—]+")
_SPACES = re.compile(r"\s+")
MIN_SCORE = 70.0
PLACE_PENALTY = 8.0   # a word matching the district or province counts less than one matching the name


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text)).casefold()
    return _SPACES.sub(" ", text).strip()


def normalise(query: str) -> tuple[str, str | None]:
    """(normalised text, type hint or None). Thai short prefixes count only when followed by a dot
    or a space (so a name that merely starts with the same letters is left alone)."""
    text = _fold(query)
    hint = None
    for prefix, code in _TH_PREFIXES:
        if text.startswith(prefix):
            rest = text[len(prefix):]
            full = len(prefix) > 3
            if full or rest[:1] in (".", " "):
                text, hint = rest.lstrip(". "), code
                break
    for words, code in _EN_WORDS:
        pattern = rf"\b{re.escape(words)}\b"
        if re.search(pattern, text):
            text = re.sub(pattern, " ", text)
            hint = hint or code
    for word, code in _EN_SUFFIXES:
        if text.endswith(" " + word):
            text, hint = text[: -len(word) - 1], hint or code
    text = _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()
    return text, hint


@dataclass(frozen=True)
class SearchIndex:
    codes: np.ndarray        # 7-digit codes
    types: np.ndarray
    names_th: list[str]      # normalised bare Thai names
    names_en: list[str]      # normalised English names ('' when unknown)
    places: list[str]        # name + district + province in both languages, for "name place" queries


def build_index(laos: pd.DataFrame, districts: pd.DataFrame | None = None,
                provinces: pd.DataFrame | None = None) -> SearchIndex:
    """`laos`: lao_code, name_th, name_en, type, province_code, district_code (the registry)."""
    df = laos.reset_index(drop=True)
    place_parts = [df["name_th"].fillna(""), df["name_en"].fillna("")]
    if districts is not None:
        d = df[["district_code"]].merge(districts[["district_code", "name_th", "name_en"]], how="left",
                                        on="district_code")
        place_parts += [d["name_th"].fillna("").str.replace(r"^(อำเภอ|เขต)", "", regex=True), d["name_en"].fillna("")]
    if provinces is not None:
        p = df[["province_code"]].merge(provinces[["province_code", "name_th", "name_en"]], how="left",
                                        on="province_code")
        place_parts += [p["name_th"].fillna(""), p["name_en"].fillna("")]
    places = place_parts[0].str.cat(place_parts[1:], sep=" ")
    return SearchIndex(
        codes=df["lao_code"].astype(str).to_numpy(),
        types=df["type"].astype(str).to_numpy(),
        names_th=[normalise(n)[0] for n in df["name_th"].fillna("")],
        names_en=[normalise(n)[0] for n in df["name_en"].fillna("")],
        places=[_fold(_PUNCT.sub(" ", s)) for s in places],
    )


def search(index: SearchIndex, query: str, limit: int = 10) -> pd.DataFrame:
    """Best matches first: lao_code and score (0-100). Digits search codes by prefix."""
    raw = _fold(query or "")
    empty = pd.DataFrame({"lao_code": pd.Series(dtype=str), "score": pd.Series(dtype=float)})
    if not raw:
        return empty
    digits = raw.replace(" ", "")
    if digits.isdigit():
        hit = np.char.startswith(index.codes.astype(str), digits)
        codes = np.sort(index.codes[hit])[:limit]
        return pd.DataFrame({"lao_code": codes, "score": 100.0})
    text, hint = normalise(raw)
    if not text:
        return empty
    score = np.maximum(_name_score(text, index.names_th), _name_score(text, index.names_en))
    if " " in text:   # "หนองบัว อุดรธานี": every word found among name, district and province
        place = process.cdist([text], index.places, scorer=fuzz.token_set_ratio, processor=None, workers=1)[0]
        score = np.maximum(score, place - PLACE_PENALTY)
    if hint:
        score = score + np.where(index.types == hint, 4.0, 0.0)
    order = np.lexsort((index.codes, -score))
    order = order[score[order] >= MIN_SCORE][:limit]
    return pd.DataFrame({"lao_code": index.codes[order], "score": np.minimum(score[order], 100.0)})


def _name_score(text: str, names: list[str]) -> np.ndarray:
    """Fuzzy similarity, with partial names ranked high.

    Whole-name similarity (ratio, word order ignored), or the best-matching part of a longer name
    (a partial name with a typo) at 0.9; a name shorter than the query never matches "partially",
    so 'ลอ' does not match 'คลองท่อมใต้'. A name that contains the query scores 88-100 (more when
    the query covers more of the name, a little more when the name starts with it)."""
    whole = process.cdist([text], names, scorer=fuzz.token_sort_ratio, processor=None, workers=1)[0]
    part = process.cdist([text], names, scorer=fuzz.partial_ratio, processor=None, workers=1)[0]
    s = pd.Series(names)
    lengths = s.str.len().to_numpy()
    fuzzy = np.maximum(whole.astype(float), np.where(lengths >= len(text), 0.9 * part, 0.0))
    contains = s.str.contains(text, regex=False).to_numpy() & (lengths > 0)
    starts = s.str.startswith(text).to_numpy()
    partial = 88.0 + 10.0 * np.minimum(len(text) / np.maximum(lengths, 1), 1.0) + 2.0 * starts
    return np.where(contains, np.maximum(fuzzy, partial), fuzzy)
