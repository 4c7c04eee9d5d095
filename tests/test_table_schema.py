"""The typed events table: one schema (geomap.events.schema) drives the DataFrame, CSV, Parquet and GeoParquet.

What an analyst relies on: the dtypes are the documented ones whatever the rows hold (an empty
table, a table without URLs), a Parquet file has the same Arrow schema for any rows and reads back
with the dtypes it was written with, dates keep their precision, and every export of the same
articles is the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import geomap
from geomap import api
from geomap.cli import main
from geomap.events import EVENT_COLUMNS, EVENT_SCHEMA, arrow_schema, article_rows, dtypes, events_table, schema
from geomap.export import to_csv, to_geojson, to_parquet
from geomap.map import payload
from geomap.model import Article

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_DATE = "2020-01-27"
# "last year" dates Idlib to 2019 (a year), "in January" dates Aleppo to 2020-01 (a month).
DATED_TEXT = (
    "Rebels withdrew from Idlib last year. The offensive on Aleppo began in January. "
    "Shelling hit Saraqib on January 25, 2020."
)


def _dtypes_of(table: pd.DataFrame) -> dict[str, str]:
    return {name: str(dtype) for name, dtype in table.dtypes.items()}


def _web_article(number: int = 0) -> Article:
    return Article(
        id=f"web{number}", title="Strikes", text=DATED_TEXT, date=ARTICLE_DATE,
        url=f"https://example.org/{number}", source="Example Wire",
    )  # fmt: skip


@pytest.fixture(scope="module")
def web_events(gazetteer) -> pd.DataFrame:
    return api.build_events([_web_article()], gazetteer)


def _row(events: pd.DataFrame, mention: str) -> pd.Series:
    (index,) = events.index[events["mention"] == mention]
    return events.loc[index]


# ---- dtypes ---------------------------------------------------------------------------------------


def test_dtypes_are_the_documented_schema(seed_events):
    assert list(seed_events.columns) == list(EVENT_COLUMNS) == [column.name for column in EVENT_SCHEMA]
    assert _dtypes_of(seed_events) == dtypes()
    assert dtypes()["date"] == dtypes()["event_date"] == "datetime64[ms]"
    assert {name for name, dtype in dtypes().items() if dtype == "category"} == {
        "type", "kind", "country", "event_type", "date_precision", "date_source", "actor_type",
    }  # fmt: skip
    assert dtypes()["event_date_end"] == "datetime64[ms]" and dtypes()["geo_precision"] == "Int64"
    assert dtypes()["start"] == dtypes()["end"] == dtypes()["snippet_start"] == "Int64"


def test_an_empty_table_has_the_same_dtypes():
    empty = events_table([])
    assert len(empty) == 0 and _dtypes_of(empty) == dtypes()


def test_missing_urls_and_sources_are_still_text(seed_events, web_events):
    assert seed_events["url"].isna().all() and seed_events["source"].isna().all()
    assert _dtypes_of(seed_events) == _dtypes_of(web_events) == dtypes()
    assert set(web_events["url"]) == {"https://example.org/0"}


def test_event_cues_are_lists_and_dates_are_datetimes(seed_events):
    assert all(isinstance(cues, list) and all(isinstance(cue, str) for cue in cues) for cues in seed_events.event_cues)
    (kafr_ruma,) = seed_events.index[seed_events["mention"] == "Kafr Ruma"]
    assert seed_events.at[kafr_ruma, "event_cues"] == ["bombardment"]
    assert seed_events["date"].eq(pd.Timestamp(ARTICLE_DATE)).all()
    assert set(seed_events["event_type"].cat.categories) == set(geomap.events.eventtype.EVENT_TYPES)


def test_date_precision_of_last_year_and_in_january(web_events):
    idlib, aleppo, saraqib = (_row(web_events, name) for name in ("Idlib", "Aleppo", "Saraqib"))
    assert (idlib.event_date, idlib.date_precision, idlib.date_source) == (pd.Timestamp(2019, 1, 1), "year", "relative")
    assert (aleppo.event_date, aleppo.date_precision) == (pd.Timestamp(2020, 1, 1), "month")
    assert (saraqib.event_date, saraqib.date_precision) == (pd.Timestamp(2020, 1, 25), "day")
    assert saraqib.date_source == "explicit"
    assert (idlib.event_date_end, aleppo.event_date_end) == (pd.Timestamp(2019, 12, 31), pd.Timestamp(2020, 1, 31))
    assert saraqib.event_date_end == saraqib.event_date
    assert list(web_events["date_precision"].cat.categories) == ["day", "week", "month", "year"]


def test_rows_keep_iso_text_at_its_precision_for_the_store_and_the_map(gazetteer, web_events):
    article = _web_article()
    rows = article_rows(article, api.geoparse(article.text, gazetteer))
    by_mention = {row["mention"]: row for row in rows}
    assert (by_mention["Idlib"]["event_date"], by_mention["Idlib"]["date_precision"]) == ("2019", "year")
    assert (by_mention["Aleppo"]["event_date"], by_mention["Aleppo"]["date_precision"]) == ("2020-01", "month")
    assert all(isinstance(row["event_cues"], list) for row in rows)
    json.dumps(rows)  # JSON objects, as the store keeps them
    # The map reads the typed table back as the rows' text: a map drawn from either is the same.
    records = {r["mention"]: r for r in payload.table_records(web_events)}
    assert {m: records[m]["event_date"] for m in ("Idlib", "Aleppo")} == {"Idlib": "2019", "Aleppo": "2020-01"}
    assert records["Idlib"]["date"] == ARTICLE_DATE


def test_a_table_in_the_old_text_form_is_written_with_the_schema_types():
    """Dates as text and cues joined by "; " (tables of older geomap versions, tables made by hand)."""
    row = dict(article_id="a", start=0, date="2020-01-27", event_date="2020-01", event_cues="shelled; mortar")
    back = pd.read_parquet(io.BytesIO(to_parquet(pd.DataFrame([row]))))
    assert _dtypes_of(back) == dtypes()
    assert back.at[0, "event_cues"].tolist() == ["shelled", "mortar"]
    assert (back.at[0, "event_date"], back.at[0, "date_precision"]) == (pd.Timestamp(2020, 1, 1), "month")
    assert back.at[0, "date"] == pd.Timestamp(2020, 1, 27)


# ---- Parquet --------------------------------------------------------------------------------------


def _file_schema(data: bytes):
    return pq.read_schema(io.BytesIO(data)).remove_metadata()


def test_parquet_schema_does_not_depend_on_the_rows(seed_events, web_events):
    """No URL at all, URLs everywhere, no row at all: one Arrow schema, the schema's own."""
    assert seed_events["url"].isna().all() and web_events["url"].notna().all()
    schemas = [_file_schema(to_parquet(table)) for table in (seed_events, web_events, events_table([]))]
    assert schemas[0] == schemas[1] == schemas[2]
    assert schemas[0].equals(arrow_schema())
    assert str(schemas[0].field("url").type) == "string"
    assert str(schemas[0].field("event_cues").type) == "list<element: string>"


def test_parquet_round_trip_keeps_the_dtypes(seed_events, web_events):
    for table in (seed_events, web_events, events_table([])):
        back = pd.read_parquet(io.BytesIO(to_parquet(table)))
        assert _dtypes_of(back) == _dtypes_of(table) == dtypes()
        if len(table):  # a file without rows has no dictionary page: an empty table's categories are not kept
            assert list(back.dtypes) == list(table.dtypes)  # categories included, unused ones too
        assert schema.conform(back).equals(table)  # cues come back as arrays: conform makes them lists


# ---- GeoParquet and GeoDataFrame -----------------------------------------------------------------


def test_to_geodataframe_is_points_in_epsg_4326(seed_events):
    geopandas = pytest.importorskip("geopandas")
    frame = geomap.to_geodataframe(seed_events)
    assert isinstance(frame, geopandas.GeoDataFrame)
    assert frame.crs.to_epsg() == 4326
    places = seed_events[seed_events["type"] == "place"].reset_index(drop=True)
    assert len(frame) == len(places) and set(frame["type"]) == {"place"}
    assert list(frame.geometry.geom_type.unique()) == ["Point"]
    assert frame.geometry.x.tolist() == places["lon"].tolist()
    assert frame.geometry.y.tolist() == places["lat"].tolist()
    assert _dtypes_of(frame.drop(columns="geometry")) == dtypes()


def test_geoparquet_reads_back_in_geopandas(tmp_path, seed_path, seed_events, capsys):
    geopandas = pytest.importorskip("geopandas")
    output = tmp_path / "events.geoparquet"
    assert main(["--curated-only", "export", str(seed_path), "-o", str(output)]) == 0  # format from the suffix
    capsys.readouterr()
    frame = geopandas.read_parquet(output)
    assert frame.crs.to_epsg() == 4326
    places = seed_events[seed_events["type"] == "place"].reset_index(drop=True)
    assert frame.geometry.x.tolist() == places["lon"].tolist() and frame.geometry.y.tolist() == places["lat"].tolist()
    assert _dtypes_of(frame.drop(columns="geometry")) == dtypes()
    metadata = json.loads(pq.read_schema(output).metadata[b"geo"])
    assert metadata["version"] == "1.0.0" and metadata["primary_column"] == "geometry"
    assert metadata["columns"]["geometry"]["encoding"] == "WKB"
    assert metadata["columns"]["geometry"]["geometry_types"] == ["Point"]


def test_geoparquet_schema_does_not_depend_on_the_rows(seed_events, web_events):
    pytest.importorskip("geopandas")
    from geomap.geo import to_geoparquet

    schemas = [_file_schema(to_geoparquet(table)) for table in (seed_events, web_events, events_table([]))]
    assert schemas[0] == schemas[1] == schemas[2]
    assert schemas[0].remove(schemas[0].get_field_index("geometry")).equals(arrow_schema())


def test_geoparquet_without_geopandas_is_one_line(tmp_path, seed_path, capsys, monkeypatch, parse_calls):
    monkeypatch.setitem(sys.modules, "geopandas", None)  # import geopandas now raises ImportError
    output = tmp_path / "events.parquet"
    assert main(["--curated-only", "export", str(seed_path), "-o", str(output), "--format", "geoparquet"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "pip install 'geomap[geo]'" in err
    assert not output.exists() and parse_calls == []  # said before any parsing
    with pytest.raises(geomap.GeomapError, match=re.escape("pip install 'geomap[geo]'")):
        geomap.to_geodataframe(events_table([]))


# ---- CSV and GeoJSON ------------------------------------------------------------------------------


def test_csv_writes_iso_days_precision_and_joined_cues(web_events):
    rows = {row["mention"]: row for row in csv.DictReader(io.StringIO(to_csv(web_events)))}
    assert list(next(iter(rows.values()))) == list(EVENT_COLUMNS)
    assert (rows["Idlib"]["event_date"], rows["Idlib"]["date_precision"]) == ("2019-01-01", "year")
    assert (rows["Aleppo"]["event_date"], rows["Aleppo"]["date_precision"]) == ("2020-01-01", "month")
    assert (rows["Saraqib"]["event_date"], rows["Saraqib"]["date_precision"]) == ("2020-01-25", "day")
    assert rows["Idlib"]["date"] == ARTICLE_DATE
    cues = _row(web_events, "Saraqib").event_cues
    assert len(cues) >= 1 and rows["Saraqib"]["event_cues"] == "; ".join(cues)
    idlib = _row(web_events, "Idlib")
    assert (rows["Idlib"]["start"], rows["Idlib"]["url"]) == (str(idlib.start), "https://example.org/0")


def test_csv_of_missing_values_is_empty_whatever_their_type(gazetteer):
    undated = Article(id="undated", title="", text="Shelling hit Idlib.", date=None)
    (row,) = csv.DictReader(io.StringIO(to_csv(api.build_events([undated], gazetteer))))
    missing = ("date", "url", "event_date", "date_precision", "date_source")
    assert [row[name] for name in missing] == [""] * len(missing)
    assert to_csv(events_table([])) == ",".join(dtypes()) + "\n"  # the documented columns, even without rows


def test_geojson_properties_are_json_values(web_events):
    features = {f["properties"]["mention"]: f for f in json.loads(to_geojson(web_events))["features"]}
    aleppo = features["Aleppo"]["properties"]
    assert (aleppo["event_date"], aleppo["date_precision"], aleppo["date"]) == ("2020-01-01", "month", ARTICLE_DATE)
    assert aleppo["event_cues"] == list(_row(web_events, "Aleppo").event_cues)
    assert isinstance(aleppo["start"], int) and aleppo["url"] == "https://example.org/0"


# ---- determinism -----------------------------------------------------------------------------------

_EXPORT_ALL = """
import sys
from geomap import api
from geomap.gazetteer import load_curated
from geomap.store import MEMORY
folder, sources = sys.argv[1], sys.argv[2:]
for fmt in ("csv", "geojson", "parquet", "geoparquet"):
    api.export(sources, f"{folder}/events.{fmt}", fmt=fmt, gazetteer=load_curated(), store=MEMORY)
"""


def test_every_export_is_the_same_bytes_from_two_separate_builds(tmp_path, seed_path):
    """Two processes (other string hash seeds), each parsing from scratch, write byte-identical files."""
    pytest.importorskip("geopandas")
    source = tmp_path / "news.jsonl"
    articles = [_web_article(n) for n in range(3)]
    records = [{"id": a.id, "title": a.title, "text": a.text, "date": a.date, "url": a.url} for a in articles]
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    folders = [tmp_path / "one", tmp_path / "two"]
    for seed, folder in zip(("1", "2"), folders):
        folder.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _EXPORT_ALL, str(folder), str(seed_path), str(source)], capture_output=True,
            text=True, env=env, cwd=ROOT, timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    for fmt in ("csv", "geojson", "parquet", "geoparquet"):
        first, second = ((folder / f"events.{fmt}").read_bytes() for folder in folders)
        assert first == second, fmt
    assert b"2019-01-01" in (folders[0] / "events.csv").read_bytes()


def test_cached_table_parts_are_keyed_by_the_schema_code(tmp_path, monkeypatch):
    """A store's cached table parts made by another schema are never reused: the schema is in their key."""
    before = api._table_digest()
    changed = tmp_path / "schema.py"
    changed.write_bytes(Path(schema.__file__).read_bytes() + b"\n# another schema\n")
    monkeypatch.setattr(schema, "__file__", str(changed))
    api._table_digest.cache_clear()
    try:
        assert api._table_digest() != before
    finally:
        monkeypatch.undo()
        api._table_digest.cache_clear()


# ---- documentation ---------------------------------------------------------------------------------


def test_readme_documents_every_column_with_its_dtype():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `(\w+)` \| `([^`]+)` \|", readme, flags=re.MULTILINE))
    assert documented == dtypes()


def test_an_ambiguous_date_is_kept_as_such_in_every_format(tmp_path):
    """ "04/03/2020" reads two ways: the table says 'ambiguous' and gives no event date."""
    article = Article(id="a", title="a", text="Clashes hit Homs on 04/03/2020.", date="2020-03-20")
    events = geomap.build_events([article], geomap.load_gazetteer())
    assert list(events.date_source.astype(str)) == ["ambiguous"] and events.event_date.isna().all()
    back = pd.read_parquet(io.BytesIO(to_parquet(events)))
    assert list(back.date_source.astype(str)) == ["ambiguous"]
