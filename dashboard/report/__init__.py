"""The council report: one LAO's scorecard for one round as an A4 PDF, Thai by default.

fpdf2 draws everything, charts included, so no browser is needed and a report takes well under a
second. Thai typesetting (fonts, line breaks between words, a text layer that reads back as written)
is in thai_text, the page furniture in document, the charts in pdf_charts and the sections in
sections. No Streamlit and no database here: the page passes the scorecard it already shows, and
`python -m dashboard report` reads one (dashboard.cli).
"""
from __future__ import annotations

from datetime import date

from scoring.scorecard import Scorecard

from .. import scorecard_text as text
from ..i18n import year_label
from . import sections
from .document import Report

MARK = "*"      # the Thai fonts have no ✳; a fallback font would split every line into fragments


def build_pdf(card: Scorecard, lang: str = "th", generated: date | None = None, steps=None) -> bytes:
    """The council report of a scorecard as PDF bytes. `steps`: the LAO's steps after submission
    (store.steps.steps), listed after what to fix first; None leaves that section out."""
    if not card.has_results:
        raise ValueError(f"LAO {card.lao['lao_code']} has no scored submission for {card.year}")
    title = f"{text.lao_name(card, lang)} · {year_label(card.year, lang)}"
    pdf = Report(lang, title, MARK)
    sections.cover(pdf, card, lang, generated or date.today())
    sections.domains(pdf, card, lang)
    sections.fix_first(pdf, card, lang)
    if steps is not None:
        sections.after_submission(pdf, steps, lang)
    sections.indicators(pdf, card, lang)
    sections.trend(pdf, card, lang)
    sections.notes(pdf, card, lang)
    return pdf.output()
