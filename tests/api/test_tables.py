"""/api/v1/laos|catalogue|results|summary answer exactly what `python -m dashboard export` writes for the
same year and filters (JSON pages and CSV), published rounds only, and refuse malformed parameters."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from sqlalchemy import text

from dashboard import cli
from store.access import Scope
from store.exports import CONTRACT
from store.manage import set_round_state

from .conftest import OPEN, PUBLISHED

TABLES = list(CONTRACT)
ADMIN = Scope(role="admin", user="test")


def cli_export(engine, what: str, tmp_path, year: int | None = None) -> tuple[bytes, pd.DataFrame]:
    """The command line's export file: its bytes and its rows as text."""
    out = tmp_path / f"{what}-{year}.csv"
    args = ["--db", engine.url.render_as_string(hide_password=False), "export", what, "--out", str(out)]
    assert cli.main(args + (["--year", str(year)] if year else [])) == 0
    raw = out.read_bytes()
    return raw, as_text(pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig"))


def as_text(df: pd.DataFrame) -> pd.DataFrame:
    return df.reset_index(drop=True).astype(str)


def json_rows(what: str, payload: dict) -> pd.DataFrame:
    rows = [{k: "" if v is None else str(v) for k, v in r.items()} for r in payload["rows"]]
    assert all(list(r) == CONTRACT[what] for r in payload["rows"])
    return as_text(pd.DataFrame(rows, columns=CONTRACT[what]))


def narrowed(df: pd.DataFrame, laos: pd.DataFrame, what: str, f: dict) -> pd.DataFrame:
    """The CLI export filtered the way the API's parameters say (the API does it in SQL)."""
    info = laos.set_index("lao_code")
    keep = pd.Series(True, index=df.index)
    if "province" in f:
        keep &= df["lao_code"].map(info["province_code"]) == f["province"]
    if "type" in f:
        keep &= (df["applies_to"].str.split(";").map(lambda types: f["type"] in types) if what == "catalogue"
                 else df["lao_code"].map(info["type"]) == f["type"])
    if "lao" in f:
        keep &= df["lao_code"] == f["lao"]
    if "domain" in f:
        domain = df["indicator_code"].str.split(".").str[0] if what == "results" else df["domain"]
        keep &= domain == f["domain"]
    if "indicator" in f:
        keep &= df["indicator_code"] == f["indicator"]
    return as_text(df[keep])


def get_all(client, what: str, **params) -> tuple[pd.DataFrame, int]:
    """Every page of a JSON answer, 1,000 rows at a time."""
    parts, offset = [], 0
    while True:
        r = client.get(f"/api/v1/{what}", params={**params, "limit": 1000, "offset": offset})
        assert r.status_code == 200, r.text
        payload = r.json()
        parts.append(json_rows(what, payload))
        offset += 1000
        if offset >= payload["total"]:
            return pd.concat(parts, ignore_index=True), payload["total"]


@pytest.mark.parametrize("what", TABLES)
def test_a_published_round_equals_the_command_line_export(client, tmp_path, what):
    raw, expected = cli_export(client.engine, what, tmp_path, PUBLISHED)
    csv = client.get(f"/api/v1/{what}", params={"year": PUBLISHED, "format": "csv"})
    assert csv.status_code == 200 and csv.content == raw               # byte for byte: BOM, quoting, order
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert f'filename="{what}-{PUBLISHED}.csv"' in csv.headers["content-disposition"]
    got, total = get_all(client, what, year=PUBLISHED)
    assert total == len(expected) > 0
    pd.testing.assert_frame_equal(got, expected)


FILTERED = [
    ("laos", {"province": "30"}), ("laos", {"type": "sao"}), ("laos", {"province": "30", "type": "town"}),
    ("catalogue", {"type": "city"}), ("catalogue", {"domain": "3"}), ("catalogue", {"indicator": "1.10"}),
    ("results", {"province": "30", "domain": "2"}), ("results", {"indicator": "1.01", "type": "sao"}),
    ("results", {"lao": "first-sao-30"}),
    ("summary", {"province": "30", "domain": "all"}), ("summary", {"type": "subdistrict_mun"}),
    ("summary", {"lao": "first-sao-30", "domain": "4"}),
]


@pytest.mark.parametrize("what,filters", FILTERED, ids=[f"{w}-{'-'.join(f.values())}" for w, f in FILTERED])
def test_filters_narrow_in_the_same_way(client, tmp_path, what, filters):
    _, laos = cli_export(client.engine, "laos", tmp_path)
    sao = laos[(laos["province_code"] == "30") & (laos["type"] == "sao")]["lao_code"].iloc[0]
    filters = {k: sao if v == "first-sao-30" else v for k, v in filters.items()}
    _, full = cli_export(client.engine, what, tmp_path, PUBLISHED)
    expected = narrowed(full, laos, what, filters)
    assert 0 < len(expected) < len(full)
    got, total = get_all(client, what, year=PUBLISHED, **filters)
    assert total == len(expected)
    pd.testing.assert_frame_equal(got, expected)
    csv = client.get(f"/api/v1/{what}", params={"year": PUBLISHED, "format": "csv", **filters})
    pd.testing.assert_frame_equal(
        as_text(pd.read_csv(io.BytesIO(csv.content), dtype=str, keep_default_na=False, encoding="utf-8-sig")),
        expected)


def test_without_a_year_only_published_rounds_are_answered(client, tmp_path):
    _, every = cli_export(client.engine, "summary", tmp_path)
    assert str(OPEN) in set(every["year"])                  # the operator's export has the open round
    got, _ = get_all(client, "summary", province="30")
    assert set(got["year"]) == {str(y) for y in range(2565, PUBLISHED + 1)}
    _, laos = cli_export(client.engine, "laos", tmp_path)
    expected = narrowed(every[every["year"] != str(OPEN)], laos, "summary", {"province": "30"})
    pd.testing.assert_frame_equal(got, expected)
    # the catalogue without a year is the newest published round's, not the open round's
    catalogue = client.get("/api/v1/catalogue", params={"format": "csv"})
    assert catalogue.content == cli_export(client.engine, "catalogue", tmp_path, PUBLISHED)[0]


def test_json_pages(client):
    first = client.get("/api/v1/results", params={"year": PUBLISHED, "province": "30"}).json()
    assert (first["limit"], first["offset"], len(first["rows"])) == (100, 0, 100) and first["total"] > 200
    second = client.get("/api/v1/results", params={"year": PUBLISHED, "province": "30", "offset": 100}).json()
    last = client.get("/api/v1/results", params={"year": PUBLISHED, "province": "30", "limit": 7,
                                                  "offset": first["total"] - 3}).json()
    assert second["rows"][0] != first["rows"][0] and len(last["rows"]) == 3
    beyond = client.get("/api/v1/results", params={"year": PUBLISHED, "province": "30", "offset": 10**8}).json()
    assert beyond["rows"] == [] and beyond["total"] == first["total"]
    r = client.get("/api/v1/laos", params={"province": "30", "limit": 1})
    row = r.json()["rows"][0]
    assert r.headers["content-type"] == "application/json" and row["province_code"] == "30"
    assert row["name_th"].encode("utf-8") in r.content          # Thai as UTF-8, not \u escapes


def test_csv_is_excel_safe(client):
    with client.engine.begin() as conn:
        code = conn.execute(text("SELECT code FROM lao WHERE province_code = '30' ORDER BY code")).scalar()
        conn.execute(text("UPDATE lao SET name_th = :n WHERE code = :c"), {"n": "=HYPERLINK(\"x\")", "c": code})
    raw = client.get("/api/v1/laos", params={"lao": code, "format": "csv"}).content
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK" in raw.decode("utf-8-sig")
    assert client.get("/api/v1/laos", params={"lao": code}).json()["rows"][0]["name_th"] == '=HYPERLINK("x")'


@pytest.mark.parametrize("what", TABLES)
@pytest.mark.parametrize("year", [OPEN, 2400, 9999])
def test_a_round_that_is_not_published_is_404(client, what, year):
    for fmt in ("json", "csv"):
        r = client.get(f"/api/v1/{what}", params={"year": year, "format": fmt})
        assert r.status_code == 404
        error = r.json()["error"]
        assert error["status"] == 404 and str(year) in error["message"] and str(year) in error["message_th"]


def test_publishing_a_round_opens_it_and_changes_the_etag(client):
    r = client.get("/api/v1/summary", params={"year": PUBLISHED, "lao": "3000000"})
    etag = r.headers["etag"]
    again = client.get("/api/v1/summary", params={"year": PUBLISHED, "lao": "3000000"},
                       headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = client.get("/api/v1/summary", params={"year": PUBLISHED, "lao": "3000001"},
                       headers={"If-None-Match": etag})
    assert other.status_code == 200                     # an ETag belongs to one answer
    assert client.get("/api/v1/results", params={"year": OPEN}).status_code == 404
    set_round_state(client.engine, ADMIN, OPEN, "closed")
    set_round_state(client.engine, ADMIN, OPEN, "published")
    assert client.get("/api/v1/results", params={"year": OPEN}).json()["total"] > 0
    changed = client.get("/api/v1/summary", params={"year": PUBLISHED, "lao": "3000000"},
                         headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


BAD = [
    ("results", "year=25x8", "year"), ("results", "year=25680", "year"), ("results", "year=%E0%B9%92%E0%B9%95%E0%B9%96%E0%B9%98", "year"),
    ("results", "year=", "year"), ("results", "year=2568&year=2567", "year"), ("results", "year=%202568", "year"),
    ("results", "province=3", "province"), ("results", "province=300", "province"),
    ("results", "lao=123", "lao"), ("results", "lao=12345678", "lao"),
    ("summary", "type=village", "type"), ("laos", "type=SAO", "type"),
    ("results", "domain=9", "domain"), ("results", "domain=all", "domain"), ("summary", "domain=0", "domain"),
    ("results", "indicator=1.1", "indicator"), ("results", "indicator=9.01", "indicator"),
    ("catalogue", "indicator=1.01%0A", "indicator"),
    ("results", "limit=0", "limit"), ("results", "limit=10001", "limit"), ("results", "limit=-1", "limit"),
    ("results", "limit=1e3", "limit"), ("results", "offset=-1", "offset"), ("results", "offset=abc", "offset"),
    ("results", "format=xml", "format"), ("results", "format=csv&limit=10", "limit"),
    ("results", "yeer=2568", "yeer"), ("results", "callback=x", "callback"),
    ("laos", "domain=1", "domain"), ("laos", "indicator=1.01", "indicator"), ("catalogue", "province=30", "province"),
    ("catalogue", "lao=3000000", "lao"), ("summary", "indicator=1.01", "indicator"),
]


@pytest.mark.parametrize("what,query,parameter", BAD, ids=[f"{w}?{q}" for w, q, _ in BAD])
def test_a_malformed_parameter_is_400_naming_it(client, what, query, parameter):
    r = client.get(f"/api/v1/{what}?{query}")
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["parameter"] == parameter and parameter in error["message"] and error["message_th"]
    assert r.headers["cache-control"] == "no-store"


def test_the_index_and_openapi_describe_every_route(client):
    index = client.get("/api/v1/").json()
    assert index == client.get("/api/v1").json()
    assert index["published_rounds"] == [2565, 2566, 2567, 2568]
    assert index["downloads"]["2568"] == "/data/2568.zip" and "2569" not in index["downloads"]
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for what in TABLES:
        op = doc["paths"][f"/api/v1/{what}"]["get"]
        assert [p["name"] for p in op["parameters"]] == index["tables"][what]["parameters"]
        assert all(p["description"] for p in op["parameters"])
        schema = doc["components"]["schemas"][what.capitalize()]
        assert list(schema["properties"]) == CONTRACT[what]
        assert all(" / " in p["description"] for p in schema["properties"].values())     # Thai / English
    for path in ("/report/{lao}/{year}.pdf", "/data/{year}.zip", "/healthz", "/metrics"):
        assert path in doc["paths"]
    assert client.get("/api/v1/openapi.json?x=1").status_code == 400


def test_unknown_addresses_under_the_api_are_json_404(client):
    for path in ("/api/v1/nothing", "/api/v2/laos", "/api/", "/data/2568.tar", "/report/3000000"):
        r = client.get(path)
        assert r.status_code == 404 and r.json()["error"]["status"] == 404, path


def test_every_answer_refuses_to_be_framed(client):
    for path in ("/api/v1/laos?limit=1", "/api/v1/results?year=2569", "/healthz", "/metrics"):
        h = client.get(path).headers
        assert h["x-frame-options"] == "DENY" and h["content-security-policy"] == "frame-ancestors 'none'"
        assert h["x-content-type-options"] == "nosniff"
    own = client.get("/component/some.component/index.html").headers     # Streamlit frames its components
    assert own["x-frame-options"] == "SAMEORIGIN" and own["content-security-policy"] == "frame-ancestors 'self'"
