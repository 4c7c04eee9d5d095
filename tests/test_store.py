"""The incremental store: only new or changed articles are parsed, and outputs equal a fresh build."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest
from articlegen import write_articles
from map_fixtures import scratch_page

from geomap import api
from geomap.errors import StoreError
from geomap.events import EVENT_COLUMNS
from geomap.export import to_csv, to_geojson, to_parquet
from geomap.gazetteer import load_curated
from geomap.map import payload, render_map
from geomap.store import MEMORY, Store, default_store_path


def scratch_events(sources, gazetteer, **kw):
    """The from-scratch table: read everything, parse everything, no store involved."""
    return api.build_events(api.read_articles(sources, **kw), gazetteer)


def test_rerun_parses_nothing_and_counts_changes(tmp_path, gazetteer, parse_calls):
    news = tmp_path / "news"
    paths = write_articles(news, 20)
    out = tmp_path / "map.html"

    first = api.build_map([news], out, gazetteer=gazetteer)
    assert (first.new, first.parsed, len(parse_calls)) == (20, 20, 20)
    assert default_store_path(out).is_file()

    parse_calls.clear()
    again = api.build_map([news], out, gazetteer=gazetteer)
    assert parse_calls == [] and again.parsed == 0
    assert (again.new, again.changed, again.removed, again.unchanged) == (0, 0, 0, 20)

    write_articles(news, 1, seed=9, start=100)  # one new
    paths[3].write_text(paths[3].read_text() + "\nMore shelling hit Aleppo.\n")  # one changed
    paths[5].unlink()  # one removed
    os.utime(paths[7], ns=(1, 1))  # touched, same content: read again, not parsed
    report = api.build_map([news], out, gazetteer=gazetteer)
    assert (report.new, report.changed, report.removed, report.unchanged) == (1, 1, 1, 18)
    assert len(parse_calls) == report.parsed == 2
    assert report.articles == 20
    assert out.read_text() == scratch_page(scratch_events([news], gazetteer), gazetteer)


def test_outputs_byte_identical_to_fresh_build(tmp_path, gazetteer):
    news = tmp_path / "news"
    write_articles(news, 12)
    (tmp_path / "more").mkdir()
    # a repeated id across files gets "@path" in both paths; a .jsonl adds several articles per file
    records = [{"id": "a000001", "text": "Shelling hit Idlib and Aleppo."}, {"id": "x", "text": "Quiet day in Homs."}]
    (tmp_path / "more" / "dump.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    sources = [news, tmp_path / "more"]
    store = tmp_path / "s.sqlite"
    api.events_for([news], store=store, gazetteer=gazetteer)  # a partial state first, then the full one
    events = api.events_for(sources, store=store, gazetteer=gazetteer)
    fresh = scratch_events(sources, gazetteer)
    assert "a000001@" + (tmp_path / "more" / "dump.jsonl").as_posix() in set(events.article_id)
    assert events.equals(fresh) and list(events.dtypes) == list(fresh.dtypes)
    assert render_map(events) == render_map(fresh)
    assert to_csv(events) == to_csv(fresh)
    assert to_geojson(events, per="place") == to_geojson(fresh, per="place")
    assert to_parquet(events) == to_parquet(fresh)

    out = tmp_path / "out.csv"
    api.export(sources, out, fmt="csv", store=store, gazetteer=gazetteer)
    assert out.read_text() == to_csv(fresh)

    page = tmp_path / "map.html"
    api.build_map([news], page, store=store, gazetteer=gazetteer)  # parts cached for the partial state
    api.build_map(sources, page, store=store, gazetteer=gazetteer)
    assert page.read_text(encoding="utf-8") == scratch_page(fresh, gazetteer)


def test_one_new_article_re_encodes_one_part_of_the_map(tmp_path, gazetteer, monkeypatch):
    """A store of 1,100 articles makes a map of 4 data parts; one new article re-makes only its own part."""
    news = tmp_path / "news"
    write_articles(news, 1100, sentences=2)
    out = tmp_path / "map.html"
    api.build_map([news], out, gazetteer=gazetteer)
    made: list[int] = []
    real = payload.build_part

    def counting(records, **kwargs):
        made.append(len({r["article_id"] for r in records}))
        return real(records, **kwargs)

    monkeypatch.setattr(payload, "build_part", counting)
    write_articles(news, 1, seed=7, start=5000)
    report = api.build_map([news], out, gazetteer=gazetteer)
    assert report.parsed == 1 and len(made) == 1 and 200 < made[0] < 400  # one part of ~275 articles
    fresh = scratch_events([news], gazetteer)
    assert out.read_text(encoding="utf-8") == scratch_page(fresh, gazetteer)  # byte-identical to a fresh render
    assert len(payload.decode_parts(out.read_text(encoding="utf-8"))[1]) == 4
    assert (report.rows, report.mentions) == (len(fresh), int((fresh["type"] == "place").sum()))


def test_one_new_article_re_makes_one_part_of_the_table(tmp_path, gazetteer, monkeypatch):
    """Exports assemble the table from cached per-part tables: one new article re-makes one part.

    Three articles with URLs, sources and dates among 1,100 without: most parts have those columns
    all missing (another dtype), and the assembled table must still equal a fresh one exactly.
    """
    news = tmp_path / "news"
    write_articles(news, 1100, sentences=2)
    web = [
        {"id": f"web{i}", "title": "Strikes", "text": "Shelling hit Idlib and Saraqib.", "date": "2020-01-27",
         "url": f"https://example.org/{i}", "source": "Example Wire"}
        for i in range(3)
    ]  # fmt: skip
    (news / "web.jsonl").write_text("\n".join(json.dumps(r) for r in web) + "\n")
    store = tmp_path / "s.sqlite"
    api.events_for([news], store=store, gazetteer=gazetteer)  # every part made and cached
    made: list[int] = []
    real = Store.table

    def counting(self, articles):
        articles = list(articles)
        made.append(len(articles))
        return real(self, articles)

    monkeypatch.setattr(Store, "table", counting)
    write_articles(news, 1, seed=7, start=5000)
    outputs = {fmt: tmp_path / f"events.{fmt}" for fmt in ("csv", "geojson", "parquet")}
    for fmt, path in outputs.items():
        api.export([news], path, fmt=fmt, store=store, gazetteer=gazetteer)
    assert len(made) == 1 and 200 < made[0] < 400  # one part of ~275 articles, once for three exports
    fresh = scratch_events([news], gazetteer)
    assert fresh["url"].notna().sum() >= 3 and fresh["url"].isna().sum() > 1000
    events = api.events_for([news], store=store, gazetteer=gazetteer)
    assert events.equals(fresh) and list(events.dtypes) == list(fresh.dtypes)
    assert outputs["csv"].read_text(encoding="utf-8") == to_csv(fresh)
    assert outputs["geojson"].read_text(encoding="utf-8") == to_geojson(fresh, per="mention")
    assert outputs["parquet"].read_bytes() == to_parquet(fresh)


def test_gazetteer_change_reparses_everything(tmp_path, parse_calls):
    news = tmp_path / "news"
    write_articles(news, 5)
    store = tmp_path / "s.sqlite"
    gaz = load_curated()
    api.events_for([news], store=store, gazetteer=gaz)
    parse_calls.clear()
    gaz.version = "a-new-gazetteer"
    report = api.BuildReport()
    api.events_for([news], store=store, gazetteer=gaz, report=report)
    assert len(parse_calls) == 5 and report.unchanged == 5  # same articles, re-resolved
    parse_calls.clear()
    api.events_for([news], store=store, gazetteer=gaz)
    assert parse_calls == []


def test_rows_are_json_objects_with_event_columns(tmp_path, gazetteer):
    write_articles(tmp_path / "news", 2)
    store = tmp_path / "s.sqlite"
    api.events_for([tmp_path / "news"], store=store, gazetteer=gazetteer)
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        data = db.execute("SELECT data FROM rows LIMIT 1").fetchone()[0]
    assert list(json.loads(data)) == list(EVENT_COLUMNS)


def test_a_failure_mid_update_keeps_the_store_consistent(tmp_path, gazetteer, monkeypatch):
    news = tmp_path / "news"
    write_articles(news, 30)
    store = tmp_path / "s.sqlite"
    real, calls = api.geoparse, []

    def failing(text, gaz):
        calls.append(1)
        if len(calls) == 17:
            raise RuntimeError("boom")
        return real(text, gaz)

    monkeypatch.setattr(api, "geoparse", failing)
    with pytest.raises(RuntimeError):
        api.events_for([news], store=store, gazetteer=gazetteer)
    monkeypatch.setattr(api, "geoparse", real)
    with Store(store) as opened:
        assert opened.integrity_check() == "ok"
        counts = opened.stats()
    assert counts["articles"] == counts["files"]  # whole articles only: no article without its file row
    assert api.events_for([news], store=store, gazetteer=gazetteer).equals(scratch_events([news], gazetteer))


def test_appending_to_a_jsonl_parses_only_the_new_line(tmp_path, gazetteer, parse_calls):
    dump = tmp_path / "dump.jsonl"
    lines = [json.dumps({"id": f"n{i}", "text": f"Report {i}: shelling hit Idlib."}) for i in range(300)]
    dump.write_text("\n".join(lines) + "\n")
    store = tmp_path / "s.sqlite"
    api.events_for([dump], store=store, gazetteer=gazetteer)
    parse_calls.clear()
    with dump.open("a") as handle:
        handle.write(json.dumps({"id": "new", "text": "Aid reached Aleppo."}) + "\n")
    report = api.BuildReport()
    events = api.events_for([dump], store=store, gazetteer=gazetteer, report=report)
    assert len(parse_calls) == 1 and (report.new, report.unchanged) == (1, 300)
    assert "Aleppo" in set(events.place_name)


def test_memory_store_and_library_api(tmp_path, gazetteer):
    write_articles(tmp_path / "news", 3)
    events = api.events_for([tmp_path / "news"], gazetteer=gazetteer)  # no store given: in memory, no file
    assert set(EVENT_COLUMNS) <= set(events.columns) and len(events) > 0
    assert list(tmp_path.glob("*.sqlite")) == []
    with Store(MEMORY) as store:
        assert len(store.events([])) == 0


def test_a_file_that_is_not_a_store_is_a_clear_error(tmp_path):
    bogus = tmp_path / "s.sqlite"
    bogus.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="delete it to rebuild"):
        Store(bogus)


def test_geojson_export_is_rfc7946_per_mention_and_per_place(tmp_path, gazetteer):
    from geomap.cli import main

    write_articles(tmp_path / "news", 4)
    store = tmp_path / "shared.sqlite"
    for per in ("mention", "place"):
        out = tmp_path / f"{per}.geojson"
        args = ["--curated-only", "export", str(tmp_path / "news"), "-o", str(out), "--per", per, "--store", str(store)]
        assert main([*args, "-q"]) == 0
        collection = json.loads(out.read_text())
        assert collection["type"] == "FeatureCollection" and collection["features"]
        for feature in collection["features"]:
            lon, lat = feature["geometry"]["coordinates"]
            place = gazetteer.place(feature["properties"]["place_id"])
            assert (lon, lat) == (round(place.lon, 6), round(place.lat, 6))  # [lon, lat], not [lat, lon]
    assert "mentions" in collection["features"][0]["properties"]


def test_cli_levels_summary_and_progress_only_on_a_terminal(tmp_path, capsys, monkeypatch):
    import sys

    from geomap.cli import main

    write_articles(tmp_path / "news", 3)
    out = tmp_path / "map.html"
    assert main(["build", str(tmp_path / "news"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "3 articles (3 new, 0 changed, 0 removed, 0 unchanged)" in err
    assert "\x1b[" not in err  # no progress bar in a pipe
    assert main(["build", str(tmp_path / "news"), "-o", str(out), "-q"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["build", str(tmp_path / "news"), "-o", str(out), "-v"]) == 0
    assert "parsed 0 articles" in capsys.readouterr().err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    (tmp_path / "news" / "extra.txt").write_text("Extra\n\nShelling hit Idlib.\n")
    assert main(["build", str(tmp_path / "news"), "-o", str(out)]) == 0
    assert "1 new" in capsys.readouterr().err


def test_nothing_new_skips_rendering_but_a_touched_map_or_new_title_renders(tmp_path, gazetteer, monkeypatch):
    write_articles(tmp_path / "news", 3)
    out = tmp_path / "map.html"
    renders: list[str] = []
    real = api.map_from_blocks

    def counting(blocks, **kwargs):
        renders.append(kwargs.get("title", ""))
        return real(blocks, **kwargs)

    monkeypatch.setattr(api, "map_from_blocks", counting)
    first = api.build_map([tmp_path / "news"], out, gazetteer=gazetteer)
    written = out.read_bytes()
    again = api.build_map([tmp_path / "news"], out, gazetteer=gazetteer)
    assert len(renders) == 1 and out.read_bytes() == written  # nothing new: the map is still current
    assert (again.mentions, again.places) == (first.mentions, first.places) and again.parsed == 0
    out.write_text("edited by hand", encoding="utf-8")
    api.build_map([tmp_path / "news"], out, gazetteer=gazetteer)
    assert len(renders) == 2 and out.read_bytes() == written  # a map that is not ours is rewritten
    api.build_map([tmp_path / "news"], out, gazetteer=gazetteer, title="Other")
    assert renders[-1] == "Other" and len(renders) == 3


def test_events_read_by_one_scan_equal_events_read_by_lookups(tmp_path, gazetteer, monkeypatch):
    """Big reads scan the rows table once instead of one lookup per article: same table either way."""
    news = tmp_path / "news"
    write_articles(news, 30)
    store = tmp_path / "s.sqlite"
    by_lookup = api.events_for([news], store=store, gazetteer=gazetteer)
    monkeypatch.setattr("geomap.store._SCAN_ABOVE", 0)
    by_scan = api.events_for([news], store=store, gazetteer=gazetteer)
    assert len(by_scan) > 60 and by_scan.equals(by_lookup) and by_scan.equals(scratch_events([news], gazetteer))
