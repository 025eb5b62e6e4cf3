"""The council report's sections, in order: cover (with the one-minute summary), domains, what to fix
first, every indicator, trend and changes, sources and method. Words and tables come from
dashboard.scorecard_text and dashboard.scorecard_tables, the same as the page's."""
from __future__ import annotations

import io
from datetime import date

from scoring.rules import RULES
from scoring.scorecard import Scorecard

from .. import scorecard_tables as tables
from .. import scorecard_text as text
from .. import trail_text
from ..format import pct
from ..i18n import date_label, t, year_label
from ..theme import BLUE, GREY, INK, LIGHT, ORANGE, WARNING, rgb
from .document import FONT, MARGIN, Report, table
from .pdf_charts import domain_bars, round_bars

FIX_LIMIT = 10      # the council report details the first ten; the page and the workbook list them all
QR_SIZE = 30.0


def qr_png(url: str) -> io.BytesIO:
    import qrcode
    qr = qrcode.QRCode(border=2, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    buf.seek(0)
    return buf


def _rows(df) -> list[list[str]]:
    return [[str(v) for v in rec] for rec in df.itertuples(index=False)]


def cover(pdf: Report, card: Scorecard, lang: str, generated: date) -> None:
    pdf.add_page()
    pdf.set_fill_color(*rgb(BLUE))
    pdf.rect(0, 0, pdf.w, 8, style="F")
    pdf.set_y(18)
    pdf.write_par(t("lao_pdf_kicker", lang), 11, color=GREY)
    pdf.ln(3)
    pdf.start_section(text.lao_name(card, lang))
    pdf.write_par(text.lao_name(card, lang), 28, "B", h=14, color=BLUE)
    pdf.ln(1)
    pdf.write_par(" · ".join(text.identity_parts(card, lang)), 12, color=INK)
    pdf.ln(5)
    pdf.write_par(t("lao_pdf_round", lang, year=year_label(card.year, lang)), 16, "B")
    pdf.write_par(t("lao_pdf_audience", lang), 12, color=GREY)
    pdf.ln(5)
    _headline(pdf, card, lang)
    if card.round_state != "published":
        pdf.write_par(t("lao_pdf_unpublished", lang), 11, "B", color=WARNING)
        pdf.ln(2)
    if card.synthetic:
        pdf.set_draw_color(*rgb(ORANGE))
        pdf.set_line_width(0.8)
        y = pdf.get_y()
        pdf.write_par(t("lao_pdf_synthetic", lang), 11, "B", color=WARNING, indent=3)
        pdf.line(MARGIN, y, MARGIN, pdf.get_y())
        pdf.ln(2)
    body_y = pdf.get_y()
    foot = _online(pdf, card, lang, generated)
    pdf.set_y(body_y)
    pdf.set_auto_page_break(True, margin=pdf.h - foot + 4)     # page 1 text stops above the foot
    pdf.heading(t("lao_pdf_summary", lang), 14)
    for line in text.summary_lines(card, lang):
        pdf.bullet(line, 10.5)


def _headline(pdf: Report, card: Scorecard, lang: str) -> None:
    o, top = card.overall, pdf.get_y()
    pdf.set_fill_color(*rgb(LIGHT))
    pdf.rect(MARGIN, top, pdf.epw, 38, style="F")
    pdf.set_xy(MARGIN + 6, top + 4)
    pdf.set_font(FONT, "B", 34)
    pdf.set_text_color(*rgb(BLUE))
    pdf.cell(62, 18, pct(o.pass_rate), align="L")
    pdf.set_xy(MARGIN + 70, top + 5)
    pdf.set_font(FONT, "", 12)
    pdf.set_text_color(*rgb(INK))
    pdf.par(pdf.epw - 76, 6.5, t("lao_pdf_cover_rate", lang, n_pass=o.n_pass, n_judged=o.n_judged))
    pdf.set_x(MARGIN + 70)
    if o.ranked:
        pdf.par(pdf.epw - 76, 6.5, t("lao_pdf_cover_peers", lang, p=f"{o.percentile:.0f}",
                                    group=text.peer_group_label(card, lang)))
    pdf.set_y(top + 42)


def _online(pdf: Report, card: Scorecard, lang: str, generated: date) -> float:
    """The foot of the cover: how to see the report online (a QR code and the link only when the
    round is published and the site has a public address), and when it was made. Returns its top."""
    note, url = text.online_note(card, lang)
    top = pdf.h - MARGIN - 14 - QR_SIZE
    x = MARGIN
    if url:
        pdf.image(qr_png(url), x=MARGIN, y=top, w=QR_SIZE, h=QR_SIZE, alt_text=f"QR: {url}")
        x = MARGIN + QR_SIZE + 5
    w = pdf.w - pdf.r_margin - x
    pdf.set_xy(x, top + 3)
    pdf.set_font(FONT, "B" if url else "", 12 if url else 10.5)
    pdf.set_text_color(*rgb(INK))
    pdf.par(w, 6.5 if url else 5.5, note)
    if url:
        pdf.set_x(x)
        pdf.set_font(FONT, "", 10)
        pdf.set_text_color(*rgb(BLUE))
        pdf.multi_cell(w, 5.5, url, align="L", link=url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(x)
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*rgb(GREY))
    pdf.par(w, 5.5, t("lao_pdf_generated", lang, date=date_label(generated, lang)))
    return top


def domains(pdf: Report, card: Scorecard, lang: str) -> None:
    pdf.add_page()
    pdf.heading(t("lao_domains_title", lang))
    has_peers = card.domains["peer_median"].notna().any()
    note = t("lao_pdf_domains_note", lang, group=text.peer_group_label(card, lang), n=f"{card.overall.n_peers:,}")
    pdf.write_par(note if has_peers else t("lao_no_peers", lang), 9, color=GREY)
    domain_bars(pdf, card, lang)


def fix_first(pdf: Report, card: Scorecard, lang: str) -> None:
    pdf.heading(t("lao_fix_title", lang), keep=90)
    if card.fix_first.empty:
        pdf.write_par(t("lao_sum_all_pass", lang), 11)
        return
    pdf.write_par(t("lao_fix_how", lang), 9, color=GREY)
    pdf.ln(1)
    df = tables.fix_rows(card, lang)
    table(pdf, list(df.columns), _rows(df.head(FIX_LIMIT)), widths=(7, 44, 26, 45, 25, 33),
          aligns=("CENTER", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT"), size=8.5)
    if len(df) > FIX_LIMIT:
        pdf.ln(1)
        pdf.write_par(t("lao_pdf_fix_more", lang, n=len(df) - FIX_LIMIT), 9.5, color=GREY)


def after_submission(pdf: Report, steps, lang: str) -> None:
    """The steps after submission as the LAO recorded them (dates, the meeting, where it was made public,
    links), so the council sees the paper trail beside the results."""
    pdf.ln(4)
    pdf.heading(t("trail_pdf_title", lang), keep=60)
    pdf.write_par(t("trail_scorecard_help", lang), 9, color=GREY)
    pdf.ln(1)
    df = trail_text.steps_rows(steps, lang, documents=False, marks=False)
    table(pdf, list(df.columns), _rows(df), widths=(38, 24, 48, 46, 24), aligns=("LEFT",) * 5, size=8.5)


def indicators(pdf: Report, card: Scorecard, lang: str) -> None:
    pdf.add_page()
    pdf.heading(t("lao_table_title", lang))
    pdf.write_par(t("illustrative_note", lang), 9, color=GREY)
    pdf.ln(1)
    df = tables.indicator_rows(card, lang)
    doms = df.pop("domain").tolist()
    names = {int(r.domain): f"{t('domain', lang)} {r.domain} {getattr(r, f'name_{lang}')}"
             for r in card.domains.itertuples()}
    groups = {i: names.get(d, str(d)) for i, d in enumerate(doms) if i == 0 or doms[i - 1] != d}
    failing = {i for i, o in enumerate(card.indicators["outcome"]) if o in ("fail", "not_done")}
    table(pdf, list(df.columns), _rows(df), widths=(10.5, 59.5, 15, 24, 24, 16, 31),
          aligns=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"), size=8.5,
          bold_rows=failing, group_rows=groups)


def trend(pdf: Report, card: Scorecard, lang: str) -> None:
    pdf.add_page()
    pdf.heading(t("lao_trend_title", lang))
    pdf.write_par(t("lao_pdf_overall_chart", lang), 10, "B")
    round_bars(pdf, card, lang)
    df = tables.trend_rows(card, lang)
    n = len(df.columns) - 1
    table(pdf, list(df.columns), _rows(df), widths=(80, *([100 / max(n, 1)] * n)),
          aligns=("LEFT", *(["RIGHT"] * n)), size=8.5)
    if card.provisional_years:
        pdf.write_par(t("provisional_star", lang), 9, color=GREY)
    pdf.ln(3)
    prev = year_label(card.prev_year, lang) if card.prev_year else "–"
    pdf.start_section(t("lao_changes_title", lang, prev=prev), level=1)
    pdf.write_par(t("lao_changes_title", lang, prev=prev), 11, "B")
    ch = tables.change_rows(card, lang)
    if ch.empty:
        pdf.write_par(t("lao_changes_none", lang), 10)
    else:
        table(pdf, list(ch.columns), _rows(ch), widths=(30, 90, 30, 30), aligns=("LEFT",) * 4, size=8.5)


def notes(pdf: Report, card: Scorecard, lang: str) -> None:
    pdf.heading(t("lao_pdf_notes", lang))
    if card.synthetic:
        pdf.write_par(t("lao_pdf_synthetic", lang), 10, "B", color=WARNING)
        pdf.ln(1)
    paragraphs = [t("lao_pdf_source", lang), t("lao_pdf_method", lang)]
    paragraphs += [f"{t('measure_' + r.measure, lang)}: {r.describe(lang)}" for r in RULES.values()]
    paragraphs += [t("meth_rollup_text", lang), t("lao_pdf_peers_note", lang), t("lao_fix_how", lang),
                   t("illustrative_note", lang), t("lao_pdf_absent_note", lang)]
    for p in paragraphs:
        pdf.write_par(p, 9.5)
        pdf.ln(1.2)
