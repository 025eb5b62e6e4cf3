"""A small A4 document on fpdf2: Thai fonts shaped by HarfBuzz, lines broken between words (thai_text),
paragraphs, headings that are also bookmarks, bullets, tables, page numbers, and the document's title
and language, so screen readers and search see what the page shows."""
from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace
from fpdf.prefs import ViewerPreferences

from ..i18n import t
from ..theme import BLUE, GREY, GROUP_FILL, INK, LIGHT, ROW_FILL, RULE, WHITE, rgb
from .thai_text import ReportFont, ReportOutput, font_files, wrap

FONT = "Body"
MARGIN = 15.0
BOTTOM = 18.0
PAD_X = 1.2         # table cell padding, left and right
SLACK = 0.5         # mm kept free at the end of a line, so fpdf2 never breaks a line again itself


class Report(FPDF):
    def __init__(self, lang: str, title: str, mark: str = "*"):
        super().__init__(format="A4", unit="mm")
        self.lang, self.footer_left, self.mark = lang, title, mark
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.alias_nb_pages()
        for style, path in font_files().items():
            self.add_font(FONT, style, str(path))
        self.set_text_shaping(use_shaping_engine=True, script="thai", language="tha")
        for font in self.fonts.values():
            ReportFont.adopt(font)
        self.set_title(title)
        self.set_lang("th" if lang == "th" else "en")
        self.set_author("LAO minimum-standards dashboard")
        self.set_creator("LAO minimum-standards dashboard")
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)    # the title, not the file name

    def output(self, *args, **kwargs) -> bytes:
        return bytes(super().output(*args, output_producer_class=ReportOutput, **kwargs))

    # --- text -----------------------------------------------------------------------------------------
    def txt(self, text) -> str:
        return str(text).replace("✳", self.mark)

    def lines(self, text, width: float, style: str | None = None) -> str:
        """`text` broken into lines that fit `width` mm of text in the current font (or `style` of it)."""
        before = self.font_style
        if style is not None and style != before:
            self.set_font(FONT, style, self.font_size_pt)
        font, size_pt, k = self.current_font, self.font_size_pt, self.k
        # the font's own advance widths (ReportFont), as fpdf2's line breaker measures, without the
        # bidirectional-text pass that get_string_width() makes on every call
        out = "\n".join(wrap(self.txt(text), width - SLACK, lambda s: font.get_text_width(s, size_pt)[1] / k))
        if style is not None and style != before:
            self.set_font(FONT, before, self.font_size_pt)
        return out

    def par(self, w: float, h: float, text, **kwargs) -> None:
        """multi_cell with the lines broken here (fpdf2 alone would cut Thai only at spaces)."""
        kwargs.setdefault("new_x", "LMARGIN")
        kwargs.setdefault("new_y", "NEXT")
        self.multi_cell(w, h, self.lines(text, w - 2 * self.c_margin), align="L", **kwargs)

    def write_par(self, text: str, size: float = 11, style: str = "", h: float | None = None,
                  color: str = INK, indent: float = 0.0) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*rgb(color))
        self.set_x(self.l_margin + indent)
        self.par(self.epw - indent, h or size * 0.55, text)

    def heading(self, text: str, size: float = 15, keep: float = 50, level: int = 0) -> None:
        """A section heading, also a bookmark; starts a new page unless `keep` mm are left for what follows."""
        if self.get_y() > self.h - keep:
            self.add_page()
        self.ln(2)
        self.start_section(self.txt(text), level)
        self.write_par(text, size, "B", color=BLUE)
        self.set_draw_color(*rgb(BLUE))
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y() + 0.5, self.w - self.r_margin, self.get_y() + 0.5)
        self.ln(3)

    def bullet(self, text: str, size: float = 11) -> None:
        self.set_font(FONT, "", size)
        self.set_text_color(*rgb(INK))
        y = self.get_y()
        self.set_xy(self.l_margin, y)
        self.cell(5, size * 0.55, "•")
        self.set_xy(self.l_margin + 5, y)
        self.par(self.epw - 5, size * 0.55, text)
        self.ln(1)

    # --- page furniture -------------------------------------------------------------------------------
    def header(self) -> None:
        if self.page_no() > 1 and self.b_margin != BOTTOM:
            self.set_auto_page_break(True, margin=BOTTOM)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8.5)
        self.set_text_color(*rgb(GREY))
        self.cell(self.epw * 0.75, 5, self.footer_left, align="L")
        self.cell(self.epw * 0.25, 5, t("lao_pdf_page", self.lang, n=self.page_no(), total="{nb}"), align="R")


def table(pdf: Report, header: list[str], rows: list[list[str]], widths: tuple, aligns: tuple,
          size: float = 9, bold_rows: set[int] | None = None, group_rows: dict[int, str] | None = None) -> None:
    """A table with a heading row repeated on every page; `group_rows` puts a full-width label before
    row i, `bold_rows` sets the last cell of those rows in bold. Cell text is broken into lines here."""
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(*rgb(INK))
    pdf.set_draw_color(*rgb(RULE))
    pdf.set_line_width(0.2)
    pdf.set_fill_color(*rgb(WHITE))
    text_w = [pdf.epw * w / sum(widths) - 2 * PAD_X for w in widths]
    full_w = pdf.epw - 2 * PAD_X

    def fit(value, j: int | None, style: str = "") -> str:
        return pdf.lines(value, full_w if j is None else text_w[j], style)

    bold = FontFace(emphasis="BOLD")
    group_style = FontFace(emphasis="BOLD", fill_color=rgb(GROUP_FILL), color=rgb(BLUE))
    headings = FontFace(emphasis="BOLD", fill_color=rgb(LIGHT), color=rgb(INK))
    with pdf.table(col_widths=widths, text_align=aligns, headings_style=headings, line_height=size * 0.6,
                   padding=(1.0, PAD_X), v_align="M", first_row_as_headings=True,
                   cell_fill_color=rgb(ROW_FILL), cell_fill_mode="ROWS") as grid:
        r = grid.row()
        for j, h in enumerate(header):
            r.cell(fit(h, j, "B"))
        for i, row in enumerate(rows):
            if group_rows and i in group_rows:
                grid.row().cell(fit(group_rows[i], None, "B"), colspan=len(header), style=group_style, align="L")
            r = grid.row()
            last_bold = bool(bold_rows and i in bold_rows)
            for j, value in enumerate(row):
                strong = last_bold and j == len(row) - 1
                r.cell(fit(value, j, "B" if strong else ""), style=bold if strong else None)
