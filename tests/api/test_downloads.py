"""/report/{lao}/{year}.pdf is the council report of a published round; /data/{year}.zip is the round's
four exports (the command line's bytes) with a Frictionless datapackage.json that describes them."""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile

import pandas as pd
import pytest
from sqlalchemy import text

from dashboard import cli
from store.exports import CONTRACT

from .conftest import OPEN, PUBLISHED
from .test_tables import cli_export

THAI = re.compile(r"[\u0e00-\u0e7f]")


def a_lao(engine, with_results: bool = True) -> str:
    inside = "IN" if with_results else "NOT IN"
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT code FROM lao WHERE code {inside} (SELECT lao_code FROM result "
                                 "WHERE year = :y) ORDER BY code"), {"y": PUBLISHED}).scalar()


def pdf_text(data: bytes, tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_council_report_of_a_published_round(client, tmp_path):
    lao = a_lao(client.engine)
    r = client.get(f"/report/{lao}/{PUBLISHED}.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == f'attachment; filename="report-{lao}-{PUBLISHED}.pdf"'
    en = client.get(f"/report/{lao}/{PUBLISHED}.pdf", params={"lang": "en"})
    assert en.status_code == 200 and en.content != r.content and "-en.pdf" in en.headers["content-disposition"]
    assert client.get(f"/report/{lao}/{PUBLISHED}.pdf", headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    if shutil.which("pdftotext"):          # the same report as `python -m dashboard report` (dates aside)
        out = tmp_path / "cli.pdf"
        assert cli.main(["--db", client.engine.url.render_as_string(hide_password=False), "report", "--lao", lao,
                         "--year", str(PUBLISHED), "--out", str(out)]) == 0
        assert pdf_text(r.content, tmp_path, "api.pdf") == pdf_text(out.read_bytes(), tmp_path, "cli2.pdf")


@pytest.mark.parametrize("path", [
    "/report/{lao}/2569.pdf", "/report/{lao}/2400.pdf", "/report/9999999/2568.pdf", "/report/abc/2568.pdf",
    "/report/{lao}/25x8.pdf", "/report/{lao}/2568.PDF", "/report/{absent}/2568.pdf"])
def test_no_report_outside_published_rounds_and_known_laos(client, path):
    path = path.format(lao=a_lao(client.engine), absent=a_lao(client.engine, with_results=False) or "8888888")
    r = client.get(path)
    assert r.status_code == 404 and r.json()["error"]["status"] == 404


def test_a_report_language_must_be_th_or_en(client):
    r = client.get(f"/report/{a_lao(client.engine)}/{PUBLISHED}.pdf", params={"lang": "fr"})
    assert r.status_code == 400 and r.json()["error"]["parameter"] == "lang"


def check_against_descriptor(resource: dict, df: pd.DataFrame) -> None:
    """What a Frictionless validator checks: names, types, required, patterns, enums, ranges, keys."""
    fields = resource["schema"]["fields"]
    assert [f["name"] for f in fields] == list(df.columns)
    for f in fields:
        col, c = df[f["name"]], f["constraints"]
        present = col[col != ""]
        if c["required"]:
            assert len(present) == len(col), f["name"]
        if "pattern" in c:
            assert present.str.fullmatch(c["pattern"].strip("^$")).all(), f["name"]
        if "enum" in c:
            assert set(present) <= set(map(str, c["enum"])), f["name"]
        if f["type"] in ("integer", "number"):
            values = pd.to_numeric(present, errors="raise")
            if f["type"] == "integer":
                assert present.str.fullmatch(r"-?\d+").all(), f["name"]
            assert values.min() >= c.get("minimum", -1e300) and values.max() <= c.get("maximum", 1e300), f["name"]
    assert not df.duplicated(resource["schema"]["primaryKey"]).any()


def test_a_round_download_is_the_exports_with_a_bilingual_datapackage(client, tmp_path, monkeypatch):
    monkeypatch.setenv("LAO_PUBLIC_URL", "https://lao.example.go.th")
    r = client.get(f"/data/{PUBLISHED}.zip")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"] == f'attachment; filename="lao-standards-{PUBLISHED}.zip"'
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    assert sorted(zf.namelist()) == sorted([f"{w}.csv" for w in CONTRACT] + ["datapackage.json"])
    package = json.loads(zf.read("datapackage.json"))
    assert package["profile"] == "tabular-data-package" and package["name"] == f"lao-standards-{PUBLISHED}"
    assert package["homepage"] == "https://lao.example.go.th/methodology"
    assert package["sources"][0]["path"] == package["homepage"]
    assert THAI.search(package["description"]) and "Synthetic" in package["description"]   # the sample says so
    frames = {}
    for resource in package["resources"]:
        what = resource["name"]
        raw = zf.read(resource["path"])
        assert raw == cli_export(client.engine, what, tmp_path, PUBLISHED)[0], what
        frames[what] = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")
        check_against_descriptor(resource, frames[what])
        for f in resource["schema"]["fields"]:
            th, _, en = f["description"].partition(" / ")
            assert THAI.search(th) and en and not THAI.search(en.replace("name_th", "")), f
        assert THAI.search(resource["description"])
    for resource in package["resources"]:      # foreign keys hold
        for fk in resource["schema"].get("foreignKeys", []):
            ref = fk["reference"]
            assert set(frames[resource["name"]][fk["fields"]]) <= set(frames[ref["resource"]][ref["fields"]])


def test_a_download_links_the_site_it_came_from_when_no_public_url_is_set(client, monkeypatch):
    monkeypatch.delenv("LAO_PUBLIC_URL", raising=False)
    zf = zipfile.ZipFile(io.BytesIO(client.get(f"/data/{PUBLISHED}.zip").content))
    assert json.loads(zf.read("datapackage.json"))["homepage"] == "http://testserver/methodology"


@pytest.mark.parametrize("path", [f"/data/{OPEN}.zip", "/data/2400.zip", "/data/abcd.zip", "/data/25680.zip"])
def test_no_download_of_a_round_that_is_not_published(client, path):
    r = client.get(path)
    assert r.status_code == 404 and r.json()["error"]["status"] == 404
    assert client.get(f"/data/{PUBLISHED}.zip?year=2569").status_code == 400
