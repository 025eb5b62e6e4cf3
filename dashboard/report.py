"""The council report: one LAO's scorecard for one round as an A4 PDF, Thai by default.

fpdf2 draws everything, charts included (plain bars and labels, so no browser is needed and a report
takes well under a second). Thai needs two things fpdf2 does not do alone: HarfBuzz shaping (so tone
marks stack over vowels instead of colliding) and word breaking (fpdf2 wraps only at spaces, so Thai
words are joined with U+200B ZERO WIDTH SPACE, found by pythainlp). Fonts: Sarabun from the
fontpkg-sarabun package, else Debian's TLWG Garuda/Loma. No Streamlit here: `python -m dashboard
report` calls `write_report`; the page calls `build_pdf` on the scorecard it already shows.
"""
from __future__ import annotations

import io
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace, TTFFont

from scoring.rules import RULES
from scoring.scorecard import Scorecard, build
from store.access import EVERYTHING
from store.queries_lao import scorecard_inputs

from . import lao_view as view
from .i18n import date_label, t, year_label

FONT = "Body"
ZWSP = "\u200b"
THAI = re.compile(r"[\u0e00-\u0e7f]")
TLWG = Path("/usr/share/fonts/truetype/tlwg")
BLUE, ORANGE, INK, GREY, LIGHT = (0, 114, 178), (230, 159, 0), (33, 37, 41), (110, 117, 125), (222, 235, 247)
MARGIN = 15.0
FIX_LIMIT = 10      # the council report details the first ten; the page and the workbook list them all
BOTTOM = 18.0
SPACES = (" ", "\n", "\t")


# --- fonts and Thai text ----------------------------------------------------------------------------

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


class _WordSet:
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
def thai_dictionary() -> _WordSet:
    from pythainlp.corpus import thai_words
    return _WordSet(thai_words())


@lru_cache(maxsize=4096)
def breakable(text: str) -> str:
    """Thai words joined by U+200B so fpdf2 can wrap between them (never inside a word)."""
    if not text or not THAI.search(text):
        return text
    from pythainlp.tokenize import word_tokenize
    tokens = word_tokenize(text, engine="newmm", keep_whitespace=True, custom_dict=thai_dictionary())
    out = tokens[:1]
    for prev, tok in zip(tokens, tokens[1:]):
        if prev and tok and THAI.match(prev[-1]) and THAI.match(tok[0]):
            out.append(ZWSP)
        out.append(tok)
    return "".join(out)


_LAST_WIDTH: dict[int, tuple[str, float]] = {}


class _AdvanceWidthFont(TTFFont):
    """Line breaking in fpdf2 re-measures the growing line after every character, and with text
    shaping on, each measure is a HarfBuzz run: quadratic, several seconds for this report. Widths
    are therefore measured from the font's advance widths (for Thai in these fonts within 0.2% of
    the shaped width, since marks have no advance), while glyphs are still drawn fully shaped."""
    __slots__ = ()

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


def _measure_without_shaping(font) -> None:
    if isinstance(font, TTFFont):
        font.__class__ = _AdvanceWidthFont
        _LAST_WIDTH.pop(id(font), None)     # a new font may reuse a freed one's id
        font.cw[ord(ZWSP)] = 0      # no glyph (default width 700) but zero-width when shaped


# --- the document -----------------------------------------------------------------------------------

class Report(FPDF):
    def __init__(self, lang: str, footer_left: str, mark: str):
        super().__init__(format="A4", unit="mm")
        self.lang, self.footer_left, self.mark = lang, footer_left, mark
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.alias_nb_pages()
        files = font_files()
        for style, path in files.items():
            self.add_font(FONT, style, str(path))
        self.set_text_shaping(use_shaping_engine=True, script="thai", language="tha")
        for font in self.fonts.values():
            _measure_without_shaping(font)
        self.set_title(footer_left)
        self.set_author("LAO minimum-standards dashboard")
        self.set_lang("th" if lang == "th" else "en")

    # text helpers
    def txt(self, text: str) -> str:
        return breakable(str(text).replace("✳", self.mark))

    def write_par(self, text: str, size: float = 11, style: str = "", h: float | None = None,
                  color=INK, indent: float = 0.0) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*color)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, h or size * 0.55, self.txt(text), align="L",
                        new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str, size: float = 15, keep: float = 50) -> None:
        """A section heading; starts a new page unless `keep` mm are left for what follows."""
        if self.get_y() > self.h - keep:
            self.add_page()
        self.ln(2)
        self.write_par(text, size, "B", color=BLUE)
        self.set_draw_color(*BLUE)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y() + 0.5, self.w - self.r_margin, self.get_y() + 0.5)
        self.ln(3)

    def bullet(self, text: str, size: float = 11) -> None:
        self.set_font(FONT, "", size)
        self.set_text_color(*INK)
        y = self.get_y()
        self.set_xy(self.l_margin, y)
        self.cell(5, size * 0.55, "•")
        self.set_xy(self.l_margin + 5, y)
        self.multi_cell(self.epw - 5, size * 0.55, self.txt(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def header(self) -> None:
        if self.page_no() > 1 and self.b_margin != BOTTOM:
            self.set_auto_page_break(True, margin=BOTTOM)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8.5)
        self.set_text_color(*GREY)
        self.cell(self.epw * 0.75, 5, self.footer_left, align="L")
        self.cell(self.epw * 0.25, 5, t("lao_pdf_page", self.lang, n=self.page_no(), total="{nb}"), align="R")


def _headings_style() -> FontFace:
    return FontFace(emphasis="BOLD", fill_color=LIGHT, color=INK)


def _table(pdf: Report, header: list[str], rows: list[list[str]], widths: tuple, aligns: tuple,
           size: float = 9, bold_rows: set[int] | None = None, group_rows: dict[int, str] | None = None) -> None:
    """A table with a repeated heading row; `group_rows` inserts a full-width label before row i."""
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(190, 196, 204)
    pdf.set_line_width(0.2)
    bold = FontFace(emphasis="BOLD")
    group_style = FontFace(emphasis="BOLD", fill_color=(242, 242, 242), color=BLUE)
    pdf.set_fill_color(255, 255, 255)
    with pdf.table(col_widths=widths, text_align=aligns, headings_style=_headings_style(),
                   line_height=size * 0.6, padding=(1.0, 1.2), v_align="M", first_row_as_headings=True,
                   cell_fill_color=(247, 248, 250), cell_fill_mode="ROWS") as table:
        r = table.row()
        for h in header:
            r.cell(pdf.txt(h))
        for i, row in enumerate(rows):
            if group_rows and i in group_rows:
                table.row().cell(pdf.txt(group_rows[i]), colspan=len(header), style=group_style, align="L")
            r = table.row()
            for j, value in enumerate(row):
                r.cell(pdf.txt(value), style=bold if (bold_rows and i in bold_rows and j == len(row) - 1) else None)


# --- sections ---------------------------------------------------------------------------------------

def _qr_png(url: str) -> io.BytesIO:
    import qrcode
    qr = qrcode.QRCode(border=2, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    buf.seek(0)
    return buf


def _cover(pdf: Report, card: Scorecard, lang: str, url: str, generated: date) -> None:
    pdf.add_page()
    pdf.set_fill_color(*BLUE)
    pdf.rect(0, 0, pdf.w, 8, style="F")
    pdf.set_y(18)
    pdf.write_par(t("lao_pdf_kicker", lang), 11, color=GREY)
    pdf.ln(3)
    pdf.write_par(view.lao_name(card, lang), 28, "B", h=14, color=BLUE)
    pdf.ln(1)
    pdf.write_par(" · ".join(view.identity_parts(card, lang)), 12, color=INK)
    pdf.ln(5)
    pdf.write_par(t("lao_pdf_round", lang, year=year_label(card.year, lang)), 16, "B")
    pdf.write_par(t("lao_pdf_audience", lang), 12, color=GREY)
    pdf.ln(5)

    o = card.overall
    top = pdf.get_y()
    pdf.set_fill_color(*LIGHT)
    pdf.rect(MARGIN, top, pdf.epw, 38, style="F")
    pdf.set_xy(MARGIN + 6, top + 4)
    pdf.set_font(FONT, "B", 34)
    pdf.set_text_color(*BLUE)
    pdf.cell(62, 18, view.percent(o["pass_rate"]), align="L")
    pdf.set_xy(MARGIN + 70, top + 5)
    pdf.set_font(FONT, "", 12)
    pdf.set_text_color(*INK)
    rate = t("lao_pdf_cover_rate", lang, n_pass=o["n_pass"], n_judged=o["n_judged"])
    pdf.multi_cell(pdf.epw - 76, 6.5, pdf.txt(rate), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(MARGIN + 70)
    if not view._nan(o.get("percentile")) and o.get("n_peers", 0) > 1:
        pdf.multi_cell(pdf.epw - 76, 6.5, pdf.txt(t("lao_pdf_cover_peers", lang, p=f"{o['percentile']:.0f}",
                                                      group=view.peer_group_label(card, lang))),
                       align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top + 42)

    if card.round_state != "published":
        pdf.write_par(t("lao_pdf_unpublished", lang), 11, "B", color=(150, 60, 0))
        pdf.ln(2)
    if card.synthetic:
        pdf.set_draw_color(*ORANGE)
        pdf.set_line_width(0.8)
        y = pdf.get_y()
        pdf.write_par(t("lao_pdf_synthetic", lang), 11, "B", color=(150, 60, 0), indent=3)
        pdf.line(MARGIN, y, MARGIN, pdf.get_y())
        pdf.ln(2)
    body_y = pdf.get_y()

    # QR code and the public address at the foot of the cover; the summary flows above it
    size = 30
    y = pdf.h - MARGIN - 14 - size
    pdf.image(_qr_png(url), x=MARGIN, y=y, w=size, h=size)
    pdf.set_xy(MARGIN + size + 5, y + 3)
    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(*INK)
    pdf.multi_cell(pdf.epw - size - 5, 6.5, pdf.txt(t("lao_pdf_qr", lang)), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(MARGIN + size + 5)
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*BLUE)
    pdf.multi_cell(pdf.epw - size - 5, 5.5, url, align="L", link=url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(MARGIN + size + 5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(pdf.epw - size - 5, 5.5, pdf.txt(t("lao_pdf_generated", lang, date=date_label(generated, lang))),
                   align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(body_y)
    pdf.set_auto_page_break(True, margin=pdf.h - y + 4)     # page 1 text stops above the QR code
    pdf.heading(t("lao_pdf_summary", lang), 14)
    for line in view.summary_lines(card, lang):
        pdf.bullet(line, 10.5)


def _domain_chart(pdf: Report, card: Scorecard, lang: str) -> None:
    """Horizontal bars of the LAO's pass rate per domain, with the peer median as a marked tick."""
    dom = card.domains
    label_w, bar_w, row_h = 62.0, 88.0, 10.5
    need = 16 + row_h * len(dom)
    if pdf.get_y() + need > pdf.h - 20:
        pdf.add_page()
    x0 = MARGIN + label_w
    top = pdf.get_y() + 6
    # legend
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*INK)
    pdf.set_fill_color(*BLUE)
    pdf.rect(x0, top - 5.2, 4, 3, style="F")
    pdf.set_xy(x0 + 5, top - 6.3)
    pdf.cell(40, 5, pdf.txt(t("lao_pdf_legend_lao", lang)))
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.7)
    pdf.line(x0 + 48, top - 6, x0 + 48, top - 1.8)
    pdf.set_fill_color(*ORANGE)
    pdf.polygon([(x0 + 46.6, top - 6.6), (x0 + 49.4, top - 6.6), (x0 + 48, top - 4.6)], style="DF")
    pdf.set_xy(x0 + 50, top - 6.3)
    pdf.cell(60, 5, pdf.txt(t("lao_pdf_legend_peers", lang)))
    # grid
    pdf.set_line_width(0.15)
    pdf.set_draw_color(200, 200, 200)
    bottom = top + row_h * len(dom)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*GREY)
    for g in (0, 25, 50, 75, 100):
        gx = x0 + bar_w * g / 100
        pdf.line(gx, top, gx, bottom)
        pdf.set_xy(gx - 6, bottom + 0.5)
        pdf.cell(12, 4, f"{g}%", align="C")
    for i, r in enumerate(dom.itertuples()):
        y = top + i * row_h
        pdf.set_xy(MARGIN, y + 0.6)
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(*INK)
        pdf.multi_cell(label_w - 3, 4.2, pdf.txt(f"{r.domain}. {getattr(r, f'name_{lang}')}"), align="L",
                       max_line_height=4.2)
        rate = r.pass_rate
        if not view._nan(rate):
            pdf.set_fill_color(*BLUE)
            pdf.rect(x0, y + 2.5, max(bar_w * rate / 100, 0.4), row_h - 5, style="F")
        med = r.peer_median
        if not view._nan(med):
            mx = x0 + bar_w * med / 100
            pdf.set_draw_color(*INK)
            pdf.set_line_width(0.7)
            pdf.line(mx, y + 1.2, mx, y + row_h - 1.2)
            pdf.set_fill_color(*ORANGE)
            pdf.polygon([(mx - 1.4, y + 0.6), (mx + 1.4, y + 0.6), (mx, y + 2.6)], style="DF")
        pdf.set_xy(x0 + bar_w + 2, y + 1.5)
        pdf.set_font(FONT, "B", 9)
        pdf.cell(28, 4, view.percent(rate, 0), align="L")
        pdf.set_xy(x0 + bar_w + 2, y + 5.5)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(*GREY)
        pdf.cell(28, 4, pdf.txt(t("lao_pdf_peer_short", lang, v=view.percent(med, 0))), align="L")
    pdf.set_y(bottom + 7)


def _overall_chart(pdf: Report, card: Scorecard, lang: str) -> None:
    """Overall pass rate per round as vertical bars (a round without a submission is labelled so)."""
    years = card.years
    tr = card.trend[card.trend["domain"] == "all"].set_index("year")
    h, w = 38.0, min(22.0 * len(years), pdf.epw)
    if pdf.get_y() + h + 14 > pdf.h - 20:
        pdf.add_page()
    top, x0 = pdf.get_y() + 2, MARGIN + 4
    col = w / max(len(years), 1)
    pdf.set_draw_color(200, 200, 200)
    pdf.set_line_width(0.15)
    pdf.line(x0, top + h, x0 + w, top + h)
    for i, y in enumerate(years):
        cx = x0 + i * col
        rate = tr.at[y, "pass_rate"] if y in tr.index else None
        pdf.set_text_color(*INK)
        if tr.at[y, "submitted"] and not view._nan(rate):
            bh = h * rate / 100
            pdf.set_fill_color(*(BLUE if y == card.year else (150, 190, 220)))
            pdf.rect(cx + col * 0.2, top + h - bh, col * 0.6, bh, style="F")
            pdf.set_xy(cx, top + h - bh - 5)
            pdf.set_font(FONT, "B", 8.5)
            pdf.cell(col, 4.5, view.percent(rate, 0), align="C")
        else:
            pdf.set_xy(cx, top + h - 10)
            pdf.set_font(FONT, "", 7.5)
            pdf.multi_cell(col, 3.6, pdf.txt(t("lao_no_submission", lang)), align="C")
        pdf.set_xy(cx, top + h + 0.8)
        pdf.set_font(FONT, "", 8.5)
        pdf.cell(col, 4.5, str(y), align="C")
    pdf.set_y(top + h + 8)


def _domains(pdf: Report, card: Scorecard, lang: str) -> None:
    pdf.add_page()
    pdf.heading(t("lao_domains_title", lang))
    has_peers = card.domains["peer_median"].notna().any()
    pdf.write_par(t("lao_pdf_domains_note", lang, group=view.peer_group_label(card, lang),
                    n=f"{card.overall.get('n_peers', 0):,}") if has_peers else t("lao_no_peers", lang), 9, color=GREY)
    _domain_chart(pdf, card, lang)


def _fix_first(pdf: Report, card: Scorecard, lang: str) -> None:
    pdf.heading(t("lao_fix_title", lang), keep=90)
    if card.fix_first.empty:
        pdf.write_par(t("lao_sum_all_pass", lang), 11)
        return
    pdf.write_par(t("lao_fix_how", lang), 9, color=GREY)
    pdf.ln(1)
    df = view.fix_rows(card, lang)
    rows = [[str(v) for v in rec] for rec in df.head(FIX_LIMIT).itertuples(index=False)]
    _table(pdf, list(df.columns), rows, widths=(7, 44, 26, 45, 25, 33),
           aligns=("CENTER", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT"), size=8.5)
    if len(df) > FIX_LIMIT:
        pdf.ln(1)
        pdf.write_par(t("lao_pdf_fix_more", lang, n=len(df) - FIX_LIMIT), 9.5, color=GREY)


def _indicator_table(pdf: Report, card: Scorecard, lang: str) -> None:
    pdf.add_page()
    pdf.heading(t("lao_table_title", lang))
    pdf.write_par(t("illustrative_note", lang), 9, color=GREY)
    pdf.ln(1)
    df = view.indicator_rows(card, lang)
    domains = df.pop("domain").tolist()
    names = {int(r.domain): f"{t('domain', lang)} {r.domain} {getattr(r, f'name_{lang}')}"
             for r in card.domains.itertuples()}
    groups = {i: names.get(d, str(d)) for i, d in enumerate(domains) if i == 0 or domains[i - 1] != d}
    rows = [[str(v) for v in rec] for rec in df.itertuples(index=False)]
    failing = {i for i, o in enumerate(card.indicators["outcome"]) if o in ("fail", "not_done")}
    _table(pdf, list(df.columns), rows, widths=(10.5, 59.5, 15, 24, 24, 16, 31),
           aligns=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"), size=8.5,
           bold_rows=failing, group_rows=groups)


def _trend(pdf: Report, card: Scorecard, lang: str) -> None:
    pdf.heading(t("lao_trend_title", lang))
    pdf.write_par(t("lao_pdf_overall_chart", lang), 10, "B")
    _overall_chart(pdf, card, lang)
    df = view.trend_rows(card, lang)
    n = len(df.columns) - 1
    _table(pdf, list(df.columns), [[str(v) for v in rec] for rec in df.itertuples(index=False)],
           widths=(80, *([100 / max(n, 1)] * n)), aligns=("LEFT", *(["RIGHT"] * n)), size=8.5)
    pdf.ln(3)
    pdf.write_par(t("lao_changes_title", lang, prev=year_label(card.prev_year, lang) if card.prev_year else "–"),
                  11, "B")
    ch = view.change_rows(card, lang)
    if ch.empty:
        pdf.write_par(t("lao_changes_none", lang), 10)
    else:
        _table(pdf, list(ch.columns), [[str(v) for v in rec] for rec in ch.itertuples(index=False)],
               widths=(30, 90, 30, 30), aligns=("LEFT", "LEFT", "LEFT", "LEFT"), size=8.5)


def _notes(pdf: Report, card: Scorecard, lang: str) -> None:
    pdf.heading(t("lao_pdf_notes", lang))
    if card.synthetic:
        pdf.write_par(t("lao_pdf_synthetic", lang), 10, "B", color=(150, 60, 0))
        pdf.ln(1)
    paragraphs = [t("lao_pdf_source", lang), t("lao_pdf_method", lang)]
    paragraphs += [f"{t('measure_' + r.measure, lang)}: {r.describe(lang)}" for r in RULES.values()]
    paragraphs += [t("meth_rollup_text", lang), t("lao_pdf_peers_note", lang), t("lao_fix_how", lang),
                   t("illustrative_note", lang), t("lao_pdf_absent_note", lang)]
    for p in paragraphs:
        pdf.write_par(p, 9.5)
        pdf.ln(1.2)


def build_pdf(card: Scorecard, lang: str = "th", url: str | None = None, generated: date | None = None) -> bytes:
    """The council report of a scorecard as PDF bytes."""
    if not card.has_results:
        raise ValueError(f"LAO {card.lao['lao_code']} has no scored submission for {card.year}")
    url = url or view.public_url(card.lao["lao_code"], card.year, lang)
    mark = "*"      # the Thai fonts have no ✳; a fallback font would split every line into fragments
    footer = f"{view.lao_name(card, lang)} · {year_label(card.year, lang)}"
    pdf = Report(lang, footer, mark)
    _cover(pdf, card, lang, url, generated or date.today())
    _domains(pdf, card, lang)
    _fix_first(pdf, card, lang)
    _indicator_table(pdf, card, lang)
    pdf.add_page()
    _trend(pdf, card, lang)
    _notes(pdf, card, lang)
    return bytes(pdf.output())


def write_report(engine, lao_code: str, year: int, out_path, lang: str = "th") -> Path:
    """`python -m dashboard report`: the operator runs it on the database itself, so every round
    (published or not) can be reported; the cover says when a round is not yet published."""
    inputs = scorecard_inputs(engine, EVERYTHING, str(lao_code), int(year))
    if inputs is None:
        raise LookupError(f"unknown LAO code {lao_code!r}")
    if int(year) not in set(inputs.rounds["year"]):
        raise LookupError(f"no assessment round {year}")
    pdf = build_pdf(build(inputs), lang)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    return out
