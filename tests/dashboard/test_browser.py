"""What the shell sends to the browser (dashboard/browser.py): fixed code and catalogue texts only."""
from __future__ import annotations

import json
import re

import pytest

from dashboard import browser, i18n, theme


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_script_carries_the_language_and_every_library_text(lang):
    script = browser.script(lang)
    assert script.startswith("<script>") and script.endswith("</script>")
    body = script[len("<script>"):-len("</script>")]
    assert not re.search(r"<[/\w]", body)                  # Streamlit's sanitiser would drop the whole script
    config = json.loads(re.search(r"const cfg = (\{.*?\});\n", body).group(1))
    assert config["lang"] == lang
    texts = dict(config["texts"])
    assert texts["Choose an option"] == "เลือก" and texts["{size} per file"] == "ไม่เกิน {size} ต่อไฟล์"
    assert len(texts) == sum(k.startswith(browser.LIBRARY_PREFIX) for k in i18n.messages())


def test_library_texts_are_whole_library_strings_with_matching_placeholders():
    for en, th in browser.library_texts():
        assert en.strip() == en and th.strip() == th
        assert i18n.placeholders(en) == i18n.placeholders(th)


def test_the_style_gives_captions_a_readable_colour():
    style = browser.style()
    assert style.startswith("<style>") and theme.CAPTION in style and "opacity: 1" in style
