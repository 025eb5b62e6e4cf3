"""Thai typesetting for the PDFs (dashboard.report.thai_text): lines break only between words, nothing
is inserted into the text, and the text extracted from the PDF (pdftotext in both its modes, pypdf)
is exactly the text written: clusters intact, tone marks in order, no stray characters."""
from __future__ import annotations

import io
import re
import subprocess
import unicodedata

import pytest
import yaml

from dashboard.i18n import LOCALE_DIR
from dashboard.report import thai_text
from dashboard.report.document import Report
from scoring.catalogue import CATALOGUE_DIR
from tests.conftest import need_tool

WORDS = [
    "ตัวชี้วัด",                     # sara ii with a tone mark above it
    "ตำบล",                         # sara am: one character, two glyphs
    "ผ่านค่ามาตรฐานขั้นต่ำ",          # tone marks, mai han-akat with a tone, sara am after a tone
    "องค์การบริหารส่วนตำบล",         # thanthakhat
    "ที่น้ำต่ำ ศักดิ์สิทธิ์ ผู้ใหญ่บ้าน",  # stacked marks, below vowels, spaces
    "อบต.คลองท่อมใต้ · รหัส 6810404",
    "Road maintenance 12 km (75%)",
]


def catalogue_texts(*fields: str) -> list[str]:
    rows = yaml.safe_load((CATALOGUE_DIR / "2565.yaml").read_text(encoding="utf-8"))["indicators"]
    return [r[f] for r in rows for f in fields]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- breaking ------------------------------------------------------------------------------------------

def test_segments_join_back_to_the_text_and_break_only_between_words():
    for text in [*catalogue_texts("name_th", "delivered_th"), *WORDS]:
        parts = thai_text.segments(text)
        assert "".join(parts) == text and "\u200b" not in text
        for before, after in zip(parts, parts[1:]):
            assert unicodedata.category(after[0]) != "Mn" and after[0] not in "ะาำๆ", (text, after)
            assert before[-1] not in "เแโใไ", (text, before)
    assert len(thai_text.segments("ร้อยละของถนนลาดยาง")) > 1
    assert thai_text.segments("Road maintenance 12 km") == ("Road ", "maintenance ", "12 ", "km")


@pytest.mark.parametrize("width", [12, 25, 40, 400])
def test_wrap_fits_the_width_and_loses_nothing(width):
    text = catalogue_texts("name_th")[2] + " " + WORDS[4]
    lines = thai_text.wrap(text, width, len)           # one unit per character
    assert flat("".join(lines)) == flat(text)
    assert all(len(line) <= width for line in lines)
    assert (len(lines) == 1) == (width >= len(text))


def test_a_word_wider_than_the_line_is_cut_between_clusters_only():
    lines = thai_text.wrap("ผู้ใหญ่บ้านน้ำประปา", 3, len)
    assert "".join(lines) == "ผู้ใหญ่บ้านน้ำประปา" and len(lines) > 2
    for line in lines:
        assert unicodedata.category(line[0]) != "Mn" and line[0] not in "ะาำ" and line[-1] not in "เแโใไ"


def test_hard_line_breaks_are_kept():
    assert thai_text.wrap("หนึ่ง\nสอง", 100, len) == ["หนึ่ง", "สอง"]


def test_the_fast_dictionary_cuts_the_same_words_as_pythainlps_own():
    from pythainlp.tokenize import word_tokenize
    texts = catalogue_texts("name_th", "frame_th", "delivered_th")
    texts += [v["th"] for v in yaml.safe_load((LOCALE_DIR / "lao.yaml").read_text(encoding="utf-8")).values()]
    for text in texts:
        assert word_tokenize(text, engine="newmm", keep_whitespace=True, custom_dict=thai_text.thai_dictionary()) == \
            word_tokenize(text, engine="newmm", keep_whitespace=True), text


# --- what a reader gets back ---------------------------------------------------------------------------

def need(tool: str) -> None:
    need_tool(tool, "poppler-utils")


def body_lines(out: str) -> list[str]:
    """The lines of the page without the footer ('ทดสอบ' and 'หน้า 1/1', one line or two)."""
    return [ln for ln in out.splitlines() if ln.strip() and "หน้า 1/1" not in ln and ln.strip() != "ทดสอบ"]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple:
    """A PDF of one line per word, and one paragraph long enough to wrap, in the report's own fonts."""
    pdf = Report("th", "ทดสอบ")
    pdf.add_page()
    for size, style in ((11, ""), (9, "B")):
        for word in WORDS:
            pdf.write_par(word, size, style)
    paragraph = " ".join(catalogue_texts("name_th")[:6])
    pdf.write_par(paragraph, 11)
    path = tmp_path_factory.mktemp("thai") / "words.pdf"
    path.write_bytes(pdf.output())
    return path, paragraph


@pytest.mark.parametrize("mode", [["-raw"], []], ids=["raw", "layout"])
def test_pdftotext_gives_back_every_word_exactly(written, mode):
    need("pdftotext")
    path, paragraph = written
    out = subprocess.run(["pdftotext", *mode, str(path), "-"], capture_output=True, text=True, check=True).stdout
    lines = body_lines(out)
    assert lines[:2 * len(WORDS)] == WORDS * 2
    assert flat("".join(lines[2 * len(WORDS):])) == flat(paragraph)
    assert "\u200b" not in out and "\ufffd" not in out


def test_pypdf_gives_back_every_word_exactly(written):
    from pypdf import PdfReader
    path, paragraph = written
    out = PdfReader(path).pages[0].extract_text()
    lines = body_lines(out)
    assert lines[:2 * len(WORDS)] == WORDS * 2
    assert flat("".join(lines[2 * len(WORDS):])) == flat(paragraph)
    assert all(c.isprintable() or c.isspace() for c in out)            # no glyph read back as a code


def test_the_pdf_says_its_title_and_language_and_has_bookmarks():
    from pypdf import PdfReader
    pdf = Report("en", "อบต.บางปู · B.E. 2568 (2025)")
    pdf.add_page()
    pdf.heading("ผลรายด้าน")
    pdf.write_par("ตัวชี้วัด")
    reader = PdfReader(io.BytesIO(pdf.output()))
    assert reader.metadata.title == "อบต.บางปู · B.E. 2568 (2025)"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]
    assert [o.title for o in reader.outline] == ["ผลรายด้าน"]
