"""The report's two charts, drawn with fpdf2 itself (plain bars and labels: no browser, well under a
second): pass rate per domain against the peer median, and the overall pass rate per round. Every
value is printed beside its bar, so no figure rests on the bar's length or colour alone."""
from __future__ import annotations

from scoring.scorecard import Scorecard

from ..format import is_missing, pct
from ..i18n import t
from ..scorecard_text import round_name
from ..theme import BLUE, GREY, GRID, INK, ORANGE, PALE_BLUE, rgb
from .document import FONT, MARGIN, Report


def _peer_tick(pdf: Report, x: float, top: float, bottom: float) -> None:
    """The peer-median mark: a black tick under an orange triangle."""
    pdf.set_draw_color(*rgb(INK))
    pdf.set_line_width(0.7)
    pdf.line(x, top + 0.6, x, bottom)
    pdf.set_fill_color(*rgb(ORANGE))
    pdf.polygon([(x - 1.4, top), (x + 1.4, top), (x, top + 2.0)], style="DF")


def domain_bars(pdf: Report, card: Scorecard, lang: str) -> None:
    """Horizontal bars of the LAO's pass rate per domain, with the peer median as a marked tick."""
    dom = card.domains
    label_w, bar_w, row_h = 62.0, 88.0, 10.5
    if pdf.get_y() + 16 + row_h * len(dom) > pdf.h - 20:
        pdf.add_page()
    x0, top = MARGIN + label_w, pdf.get_y() + 6
    # legend
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*rgb(INK))
    pdf.set_fill_color(*rgb(BLUE))
    pdf.rect(x0, top - 5.2, 4, 3, style="F")
    pdf.set_xy(x0 + 5, top - 6.3)
    pdf.cell(40, 5, pdf.txt(t("lao_pdf_legend_lao", lang)))
    _peer_tick(pdf, x0 + 48, top - 6.6, top - 1.8)
    pdf.set_xy(x0 + 50, top - 6.3)
    pdf.cell(60, 5, pdf.txt(t("lao_pdf_legend_peers", lang)))
    # grid
    pdf.set_line_width(0.15)
    pdf.set_draw_color(*rgb(GRID))
    bottom = top + row_h * len(dom)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*rgb(GREY))
    for g in (0, 25, 50, 75, 100):
        gx = x0 + bar_w * g / 100
        pdf.line(gx, top, gx, bottom)
        pdf.set_xy(gx - 6, bottom + 0.5)
        pdf.cell(12, 4, f"{g}%", align="C")
    for i, r in enumerate(dom.itertuples()):
        y = top + i * row_h
        pdf.set_xy(MARGIN, y + 0.6)
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(*rgb(INK))
        pdf.par(label_w - 3, 4.2, f"{r.domain}. {getattr(r, f'name_{lang}')}", max_line_height=4.2,
                new_x="RIGHT", new_y="TOP")
        if not is_missing(r.pass_rate):
            pdf.set_fill_color(*rgb(BLUE))
            pdf.rect(x0, y + 2.5, max(bar_w * r.pass_rate / 100, 0.4), row_h - 5, style="F")
        if not is_missing(r.peer_median):
            _peer_tick(pdf, x0 + bar_w * r.peer_median / 100, y + 0.6, y + row_h - 1.2)
        pdf.set_xy(x0 + bar_w + 2, y + 1.5)
        pdf.set_font(FONT, "B", 9)
        pdf.cell(28, 4, pct(r.pass_rate, 0), align="L")
        pdf.set_xy(x0 + bar_w + 2, y + 5.5)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(*rgb(GREY))
        pdf.cell(28, 4, pdf.txt(t("lao_pdf_peer_short", lang, v=pct(r.peer_median, 0))), align="L")
    pdf.set_y(bottom + 7)


def round_bars(pdf: Report, card: Scorecard, lang: str) -> None:
    """Overall pass rate per round as vertical bars (a round without a submission is labelled so)."""
    years = card.years
    tr = card.trend[card.trend["domain"] == "all"].set_index("year")
    h, w = 38.0, min(22.0 * len(years), pdf.epw)
    if pdf.get_y() + h + 14 > pdf.h - 20:
        pdf.add_page()
    top, x0 = pdf.get_y() + 2, MARGIN + 4
    col = w / max(len(years), 1)
    pdf.set_draw_color(*rgb(GRID))
    pdf.set_line_width(0.15)
    pdf.line(x0, top + h, x0 + w, top + h)
    for i, y in enumerate(years):
        cx = x0 + i * col
        rate = tr.at[y, "pass_rate"] if y in tr.index else None
        pdf.set_text_color(*rgb(INK))
        if tr.at[y, "submitted"] and not is_missing(rate):
            bh = h * rate / 100
            pdf.set_fill_color(*rgb(BLUE if y == card.year else PALE_BLUE))
            pdf.rect(cx + col * 0.2, top + h - bh, col * 0.6, bh, style="F")
            pdf.set_xy(cx, top + h - bh - 5)
            pdf.set_font(FONT, "B", 8.5)
            pdf.cell(col, 4.5, pct(rate, 0), align="C")
        else:
            pdf.set_xy(cx, top + h - 10)
            pdf.set_font(FONT, "", 7.5)
            pdf.multi_cell(col, 3.6, pdf.lines(t("lao_no_submission", lang), col - 2 * pdf.c_margin), align="C")
        pdf.set_xy(cx, top + h + 0.8)
        pdf.set_font(FONT, "", 8.5)
        pdf.cell(col, 4.5, round_name(card, y), align="C")
    pdf.set_y(top + h + 8)
