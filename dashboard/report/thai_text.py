"""Thai text for fpdf2: fonts, line breaking between words, and a text layer that reads back as written.

fpdf2 wraps lines only at spaces, and Thai has none between words, so lines are broken here, between
the words pythainlp finds, and handed to fpdf2 one per line: nothing is inserted into the text. (An
inserted U+200B ZERO WIDTH SPACE, the usual trick, ends up in the PDF, where copying, search and
screen readers trip over it.)

HarfBuzz shapes Thai into more glyphs than characters (ำ becomes two) and positions marks on their
base. fpdf2 gives each glyph the characters of its HarfBuzz cluster, so a mark or the second half of
ำ can carry text of its own or none at all; readers then guess (a stray character, a space inside
ตำบล, tone marks out of order). Here every glyph that draws no advance joins the cluster of the glyph
before it, so a syllable's text rides on its spacing glyph, and the glyphs left without text get an
explicit empty mapping (`ReportOutput`), so extractors neither guess nor insert anything.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Callable, NamedTuple

from fpdf.fonts import TTFFont
from fpdf.output import OutputProducer
from fpdf.syntax import PDFContentStream

THAI = re.compile(r"[\u0e00-\u0e7f]")
LEADING, FOLLOWING = "เแโใไ", "ะาำๅๆ"
TLWG = Path("/usr/share/fonts/truetype/tlwg")
# A Thai "cluster" for breaking an over-long word: a leading vowel, a base, its marks and a following
# vowel stay together (never a line starting with a mark or ending with เ แ โ ใ ไ).
CLUSTER = re.compile(r"[เแโใไ]?.[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]*[ะาำๅ]?[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]*ๆ?", re.S)


def font_files() -> dict[str, Path]:
    """Regular and bold Thai TTFs: Sarabun from the fontpkg-sarabun package, else TLWG Garuda/Loma."""
    try:
        import fontpkg_sarabun
        files = Path(fontpkg_sarabun.__file__).parent / "files"
        found = {"": files / "Sarabun-Regular.ttf", "B": files / "Sarabun-Bold.ttf"}
        if all(p.exists() for p in found.values()):
            return found
    except ImportError:
        pass
    for name in ("Garuda", "Loma"):
        found = {"": TLWG / f"{name}.ttf", "B": TLWG / f"{name}-Bold.ttf"}
        if all(p.exists() for p in found.values()):
            return found
    raise FileNotFoundError("no Thai font: install fontpkg-sarabun (pip) or fonts-thai-tlwg-ttf (apt)")


# --- word breaking ------------------------------------------------------------------------------------

class WordSet:
    """pythainlp's word list as a set, asked by length: the same words as its dictionary Trie, so
    newmm cuts exactly the same tokens, without building the Trie (half a second at first use,
    too much for a report due in three seconds). A test compares the two on the catalogue."""

    def __init__(self, words):
        self.words = words
        self.lengths = sorted({len(w) for w in words})

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        out, room, words = [], len(text) - start, self.words
        for n in self.lengths:
            if n > room:
                break
            piece = text[start:start + n]
            if piece in words:
                out.append(piece)
        return out

    def __contains__(self, word) -> bool:
        return word in self.words

    def __iter__(self):
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)


@lru_cache(maxsize=1)
def thai_dictionary() -> WordSet:
    from pythainlp.corpus import thai_words
    return WordSet(thai_words())


@lru_cache(maxsize=4096)
def segments(text: str) -> tuple[str, ...]:
    """`text` cut where a line may break: after spaces, and between two Thai words. Joined, the
    segments are exactly `text`."""
    if not THAI.search(text):
        return tuple(re.findall(r"\S*\s*|\s+", text)[:-1]) or (text,)
    from pythainlp.tokenize import word_tokenize
    tokens = word_tokenize(text, engine="newmm", keep_whitespace=True, custom_dict=thai_dictionary())
    out: list[str] = []
    for tok in tokens:
        if out and not _may_break(out[-1], tok):
            out[-1] += tok
        else:
            out.append(tok)
    return tuple(out)


def _may_break(before: str, after: str) -> bool:
    """A line may break after a space, or between two Thai words, but never before a mark or a
    following vowel, nor after a leading vowel (whatever the tokenizer said)."""
    if not before or not after or after.isspace():
        return False
    if before[-1].isspace():
        return True
    return bool(THAI.match(before[-1]) and THAI.match(after[0]) and before[-1] not in LEADING
                and after[0] not in FOLLOWING and unicodedata.category(after[0]) != "Mn")


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines of at most `width` (as `measure` measures), broken only where `segments` allows; a word
    longer than a whole line is cut between clusters. Hard line breaks in `text` are kept."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line, used = "", 0.0
        for seg in segments(paragraph):
            w = measure(seg.rstrip())
            if line and used + w > width:
                lines.append(line.rstrip())
                line, used = "", 0.0
            if not line and w > width:              # one word wider than the line
                for part in _cut(seg, width, measure):
                    if line:
                        lines.append(line)
                    line = part
                used = measure(line)
            else:
                line += seg
                used += measure(seg)
        lines.append(line.rstrip())
    return lines


def _cut(word: str, width: float, measure: Callable[[str], float]) -> list[str]:
    parts, part = [], ""
    for cluster in CLUSTER.findall(word):
        if part and measure(part + cluster) > width:
            parts.append(part)
            part = ""
        part += cluster
    return parts + [part]


# --- fonts: fast measuring, and a text layer that reads back as written ---------------------------------

class _Glyph(NamedTuple):          # what fpdf2 reads of a HarfBuzz glyph
    codepoint: int
    cluster: int


_LAST_WIDTH: dict[int, tuple[str, float]] = {}


class ReportFont(TTFFont):
    """Line breaking in fpdf2 re-measures the growing line after every character, and with text
    shaping on, each measure is a HarfBuzz run: quadratic, several seconds for this report. Widths
    are therefore measured from the font's advance widths (for Thai in these fonts within 0.2% of
    the shaped width, since marks have no advance), while glyphs are still drawn fully shaped.
    Shaped glyphs without advance (marks, the ํ of ำ) join the cluster of the glyph before them."""
    __slots__ = ()

    @classmethod
    def adopt(cls, font) -> None:
        """Turn one of fpdf2's TTFFonts into a ReportFont (fpdf2 makes the font objects itself)."""
        if isinstance(font, TTFFont):
            font.__class__ = cls
            _LAST_WIDTH.pop(id(font), None)     # a new font may reuse a freed one's id

    def get_text_width(self, text, font_size_pt, text_shaping_params=None):
        if font_size_pt > self.biggest_size_pt:
            self.biggest_size_pt = font_size_pt
        # the line breaker asks for ever longer prefixes of one line: extend the last sum
        cw, key = self.cw, id(self)
        if len(text) == 1:          # one character at a time, between the prefixes
            return 1, cw[ord(text)] * font_size_pt * 0.001
        last_text, last_units = _LAST_WIDTH.get(key, ("", 0))
        if last_text and text.startswith(last_text):
            units = last_units + sum(cw[ord(c)] for c in text[len(last_text):])
        else:
            units = sum(cw[ord(c)] for c in text)
        _LAST_WIDTH[key] = (text, units)
        return len(text), units * font_size_pt * 0.001

    def perform_harfbuzz_shaping(self, text, font_size_pt, text_shaping_params):
        infos, positions = super().perform_harfbuzz_shaping(text, font_size_pt, text_shaping_params)
        glyphs: list[_Glyph] = []
        for info, pos in zip(infos, positions):
            joins = glyphs and pos.x_advance == 0
            glyphs.append(_Glyph(info.codepoint, glyphs[-1].cluster if joins else info.cluster))
        return glyphs, positions


class ReportOutput(OutputProducer):
    """fpdf2's PDF writer, plus an empty ToUnicode entry for every glyph that carries no text of its
    own (see the module docstring): without one, readers show the glyph's code as a character."""

    def _add_fonts(self, *args, **kwargs):
        objs = super()._add_fonts(*args, **kwargs)
        for font in self.fpdf.fonts.values():
            if not isinstance(font, TTFFont) or font.i not in objs or objs[font.i].to_unicode is None:
                continue
            silent = sorted(cid for g, cid in font.subset.items() if g is not None and g.unicode == ())
            if not silent:
                continue
            cmap = objs[font.i].to_unicode
            blocks = "".join(f"{len(chunk)} beginbfchar\n" + "".join(f"<{c:04X}> <>\n" for c in chunk) + "endbfchar\n"
                             for chunk in (silent[i:i + 100] for i in range(0, len(silent), 100)))
            text = cmap.content_stream().decode("latin-1").replace("endcmap", blocks + "endcmap", 1)
            objs[font.i].to_unicode = replacement = PDFContentStream(text.encode("latin-1"))
            self._add_pdf_obj(replacement, "fonts")
        return objs
