"""The first real article, end to end: what a careful reader finds in it is what geomap finds.

Expectations come from reading seeds/000_ed468d2604eec858.txt and from GeoNames coordinates
(../shared/README.md), not from the program's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import map_text
from geopy.distance import geodesic

import geomap

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_ed468d2604eec858.txt"

# (surface as written, true position, tolerance km)
EXPECTED_PLACES = [
    ("Idlib", (35.93, 36.63), 35),
    ("Maarat al-Numan", (35.64, 36.67), 10),
    ("Maaret al-Numan", (35.64, 36.67), 10),
    ("Kafr Ruma", (35.62, 36.61), 10),
    ("Khmeimim Air Base", (35.40, 35.95), 10),
    ("Damascus", (33.51, 36.28), 10),
    ("Moscow", (55.76, 37.62), 10),
]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def toponyms(seed_text, gazetteer):
    return geomap.geoparse(seed_text, gazetteer)


@pytest.fixture(scope="module")
def gazetteer():
    return geomap.load_gazetteer()


def _places(toponyms):
    return [t for t in toponyms if t.type == "place"]


@pytest.mark.parametrize(("surface", "truth", "km"), EXPECTED_PLACES)
def test_every_place_of_the_article_is_found_and_resolved(toponyms, surface, truth, km):
    hits = [t for t in _places(toponyms) if t.surface == surface]
    assert hits, f"{surface!r} not found"
    for hit in hits:
        assert geodesic(truth, (hit.place.lat, hit.place.lon)).km <= km, (surface, hit.place)
        assert 0 < hit.confidence <= 1 and hit.reason


def test_both_spellings_of_maarat_al_numan_are_one_place(toponyms):
    ids = {t.place.id for t in toponyms if t.surface in ("Maarat al-Numan", "Maaret al-Numan")}
    assert len(ids) == 1
    assert ids == {"167611"}  # GeoNames: Ma`arrat an Nu`man


def test_offsets_point_into_the_original_text(seed_text, toponyms):
    assert toponyms
    for top in toponyms:
        assert seed_text[top.start : top.end] == top.surface


@pytest.mark.parametrize("organisation", ["Radio Free Europe/Radio Liberty", "Hayat Tahrir al-Sham"])
def test_no_mention_inside_organisation_names(seed_text, toponyms, organisation):
    start = seed_text.index(organisation)
    end = start + len(organisation)
    inside = [t for t in toponyms if t.start < end and t.end > start]
    assert inside == []


def test_adjectives_of_countries_are_flagged_demonyms(seed_text, toponyms):
    for word in ("Syrian", "Russian", "Turkish", "Iranian", "American"):
        hits = [t for t in toponyms if t.surface == word]
        assert hits, word
        assert all(t.type == "demonym" for t in hits), word
    assert not [t for t in toponyms if t.type == "place" and t.surface.endswith(("ian", "ish", "can"))]


def test_idlib_province_context_picks_the_governorate(seed_text, toponyms):
    by_start = {t.start: t for t in toponyms}
    region = seed_text.index("Idlib region")
    zone = seed_text.index("Idlib zone")
    province_of = seed_text.index("province of Idlib") + len("province of ")
    for start in (region, zone, province_of):
        assert by_start[start].place.kind == "province", seed_text[start - 20 : start + 20]
    bare = seed_text.index("Idlib is largely controlled")
    assert by_start[bare].place.kind == "province"  # the sense "Idlib region" gave the name before


def test_kafr_ruma_is_on_the_outskirts_of_maaret_al_numan(seed_text, toponyms):
    maaret = next(t for t in toponyms if t.surface == "Maaret al-Numan")
    assert maaret.relation == "outskirts of"


def test_seed_map_has_one_marker_per_place_and_no_demonym_markers(tmp_path, gazetteer):
    out = tmp_path / "seed.html"
    report = geomap.build_map([SEED], out, gazetteer=gazetteer)
    events = geomap.build_events(geomap.read_articles([SEED]), gazetteer)
    places = events[events.type == "place"]
    assert report.places == places.place_id.nunique()
    assert {"Syrian", "Russian"} & set(places.mention) == set()
    html = map_text(out)
    assert "Kafr Ruma" in html and "Khmeimim Air Base" in html


def test_rebuild_is_byte_identical(tmp_path, gazetteer):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    geomap.build_map([SEED], first, gazetteer=gazetteer)
    geomap.build_map([SEED], second, gazetteer=gazetteer)
    assert first.read_bytes() == second.read_bytes()


def test_events_table_columns_and_snippets(gazetteer):
    events = geomap.build_events(geomap.read_articles([SEED]), gazetteer)
    expected = {"article_id", "title", "date", "mention", "start", "end", "place_id", "place_name", "kind"}
    assert expected | {"country", "lat", "lon", "confidence", "snippet"} <= set(events.columns)
    kafr = events[events.mention == "Kafr Ruma"].iloc[0]
    assert kafr.snippet.startswith("Smoke billows") and kafr.snippet.endswith("January 27, 2020.")
    assert kafr.title.startswith("Russia Ignores American Demand")
