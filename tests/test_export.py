"""CSV and GeoJSON exports of the seed's events table."""

from __future__ import annotations

import csv
import io
import json

import pytest

from geomap.api import build_events
from geomap.cli import main
from geomap.events import EVENT_COLUMNS
from geomap.export import to_csv, to_geojson


def _strict_json(text: str):
    def reject(constant):
        raise ValueError(f"not valid JSON: {constant}")

    return json.loads(text, parse_constant=reject)


def _features_of(collection: dict, place_name: str) -> list[dict]:
    return [f for f in collection["features"] if f["properties"]["place_name"] == place_name]


def test_geojson_is_a_feature_collection_of_points(seed_events):
    collection = _strict_json(to_geojson(seed_events))
    assert collection["type"] == "FeatureCollection"
    assert collection["features"]
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_geojson_coordinates_are_lon_lat(seed_events):
    collection = _strict_json(to_geojson(seed_events))
    (damascus,) = _features_of(collection, "Damascus")
    assert damascus["geometry"]["coordinates"] == pytest.approx([36.29, 33.51], abs=0.01)
    (kafr_ruma,) = _features_of(collection, "Kafr Ruma")
    assert kafr_ruma["geometry"]["coordinates"] == pytest.approx([36.61, 35.62], abs=0.01)


def test_geojson_has_no_demonym_features(seed_events):
    assert (seed_events["type"] == "demonym").any()  # the seed has demonyms to leave out
    collection = _strict_json(to_geojson(seed_events))
    assert {f["properties"]["type"] for f in collection["features"]} == {"place"}
    mentions = {f["properties"]["mention"] for f in collection["features"]}
    assert not mentions & {"Syrian", "Russian", "Turkish", "Iranian", "American"}
    assert len(collection["features"]) == int((seed_events["type"] == "place").sum())


def test_geojson_per_place_counts_mentions(seed_events):
    collection = _strict_json(to_geojson(seed_events, per="place"))
    ids = [f["properties"]["place_id"] for f in collection["features"]]
    assert len(ids) == len(set(ids))
    places = seed_events[seed_events["type"] == "place"]
    assert set(ids) == set(places["place_id"])
    counts = {f["properties"]["place_name"]: f["properties"]["mentions"] for f in collection["features"]}
    # From reading the article: "Maarat al-Numan" and "Maaret al-Numan" are one town; Damascus and
    # Kafr Ruma are named once each.
    assert counts["Maarat al-Numan"] == 2
    assert counts["Damascus"] == 1
    assert counts["Kafr Ruma"] == 1
    assert sum(counts.values()) == len(places)
    assert "Syrian" not in counts and "Syria" in counts


def test_per_must_be_mention_or_place(seed_events):
    with pytest.raises(ValueError, match="per"):
        to_geojson(seed_events, per="article")


def test_csv_has_the_documented_columns_and_round_trips_text(seed_events, seed_text):
    rows = list(csv.DictReader(io.StringIO(to_csv(seed_events))))
    assert list(rows[0]) == list(EVENT_COLUMNS)
    assert len(rows) == len(seed_events)
    for row in rows:
        assert seed_text[int(row["start"]) : int(row["end"])] == row["mention"]
        snippet_start = int(row["snippet_start"])
        assert seed_text[snippet_start : snippet_start + len(row["snippet"])] == row["snippet"]


def test_csv_keeps_gazetteer_coordinates(seed_events):
    rows = list(csv.DictReader(io.StringIO(to_csv(seed_events))))
    damascus = next(row for row in rows if row["place_name"] == "Damascus")
    assert (damascus["lat"], damascus["lon"]) == ("33.5102", "36.29128")


def test_exports_are_byte_identical_across_runs(seed_article, gazetteer):
    first = build_events([seed_article], gazetteer)
    second = build_events([seed_article], gazetteer)
    assert to_csv(first) == to_csv(second)
    assert to_geojson(first) == to_geojson(second)
    assert to_geojson(first, per="place") == to_geojson(second, per="place")


@pytest.mark.parametrize("suffix", [".csv", ".geojson"])
def test_export_cli_writes_by_suffix_and_is_deterministic(tmp_path, seed_path, seed_events, capsys, suffix):
    one, two = tmp_path / f"one{suffix}", tmp_path / f"two{suffix}"
    assert main(["--curated-only", "export", str(seed_path), "-o", str(one)]) == 0
    assert main(["--curated-only", "export", str(seed_path), "-o", str(two)]) == 0
    capsys.readouterr()
    assert one.read_bytes() == two.read_bytes()
    text = one.read_text(encoding="utf-8")
    if suffix == ".csv":
        assert len(list(csv.DictReader(io.StringIO(text)))) == len(seed_events)
    else:
        collection = _strict_json(text)
        assert collection["type"] == "FeatureCollection"
        assert _features_of(collection, "Damascus")


def test_export_cli_explicit_format_and_unknown_suffix(tmp_path, seed_path, capsys):
    output = tmp_path / "events.txt"
    assert main(["export", str(seed_path), "-o", str(output)]) == 2  # a usage error, before any reading
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--format" in err
    assert not output.exists()
    assert main(["export", str(seed_path), "-o", str(output), "--format", "geojson"]) == 0
    assert _strict_json(output.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
