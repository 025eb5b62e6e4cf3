"""The methodology page links the open-data API and each published round's download, in both
languages; every page run is counted and timed for /metrics, and a page's crash counted as an error."""
from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from dashboard.i18n import messages
from tests.app.apptest import open_page


@pytest.fixture(autouse=True)
def _app_db(monkeypatch, sample_db_url):
    monkeypatch.setenv("DATABASE_URL", sample_db_url)


def links(at) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_methodology_links_the_api_and_each_published_round(lang):
    at = open_page("methodology", lang=lang)
    assert not at.exception
    assert messages()["meth_open_data"][lang] in [s.value for s in at.header]
    text = links(at)
    assert "](/api/v1/)" in text and "](/api/v1/openapi.json)" in text
    for year in (2565, 2566, 2567, 2568):
        assert f"](/data/{year}.zip)" in text
    assert "/data/2569.zip" not in text                     # the open round is not published
    assert messages()["meth_open_data_api"][lang] in text


def runs(page: str) -> float:
    return REGISTRY.get_sample_value("lao_page_run_seconds_count", {"page": page}) or 0.0


def errors(page: str) -> float:
    return REGISTRY.get_sample_value("lao_page_errors_total", {"page": page}) or 0.0


def test_a_page_run_is_counted_and_a_crash_is_an_error(monkeypatch):
    before, errors_before = runs("methodology"), errors("methodology")
    assert not open_page("methodology").exception
    assert runs("methodology") == before + 1 and errors("methodology") == errors_before

    import pages.methodology

    def broken():
        raise RuntimeError("a bug")
    monkeypatch.setattr(pages.methodology, "render", broken)
    assert open_page("methodology").exception
    assert runs("methodology") == before + 2 and errors("methodology") == errors_before + 1
