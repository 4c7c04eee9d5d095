"""Seas, straits, lakes, rivers, ranges, deserts and the macro-regions news names (issue 18, item 4).

Each is one mention resolved to the feature, not to the country, province or town of the same stem:
"Lake Chad" is not Chad, "Arabian Sea" not Saudi Arabia, "North Africa" not a province named North.
The sentences are written for these tests; the expected points are the middle of each feature as an
atlas shows it, with a radius that allows for where in its middle a representative point may lie.
"""

from __future__ import annotations

import pytest
import shapely
from geopy.distance import geodesic

import geomap
from geomap.gazetteer import naturalearth
from geomap.gazetteer.naturalearth_build import inner_point, is_bare, tidy
from geomap.model import PHYSICAL_KINDS


@pytest.fixture(scope="module")
def world():
    return geomap.load_gazetteer(world=True)


def _places(text: str, gazetteer) -> list:
    return [t for t in geomap.geoparse(text, gazetteer) if t.type == "place"]


@pytest.mark.parametrize(
    ("text", "surface", "kind", "truth", "km"),
    [
        ("Drones struck a tanker in the Black Sea overnight, the navy said.", "Black Sea", "sea", (43.4, 34.0), 300),
        ("Fishermen on Lake Chad say the water has receded again this year.", "Lake Chad", "lake", (13.0, 14.5), 150),
        ("A frigate escorted merchant ships across the Arabian Sea.", "Arabian Sea", "sea", (14.0, 64.0), 600),
        ("Kyiv said it hit a patrol boat in the Sea of Azov on Friday.", "Sea of Azov", "sea", (46.0, 36.5), 200),
        ("Tankers waited at the mouth of the Persian Gulf.", "Persian Gulf", "gulf", (27.0, 51.5), 300),
        ("Houthi forces fired at a ship in the Gulf of Aden.", "Gulf of Aden", "gulf", (12.5, 48.0), 300),
        ("Shipping through the Strait of Hormuz resumed on Monday.", "Strait of Hormuz", "strait", (26.6, 56.3), 80),
        ("Aid convoys crossed the Euphrates near the dam.", "Euphrates", "river", (34.5, 41.0), 900),
        ("Troops dug in along the Dnipro River south of the city.", "Dnipro River", "river", (49.0, 32.0), 800),
        (
            "Smugglers use old routes through the Zagros Mountains.",
            "Zagros Mountains",
            "mountain range",
            (31.5, 51.0),
            600,
        ),
        ("Rebel fighters regrouped in the Hindu Kush.", "Hindu Kush", "mountain range", (35.5, 70.5), 400),
        ("A sandstorm swept across the Sahara Desert.", "Sahara Desert", "desert", (23.0, 12.0), 1500),
        ("Floods hit villages around Lake Victoria last week.", "Lake Victoria", "lake", (-1.0, 33.0), 150),
        ("Militants have spread across North Africa in the past decade.", "North Africa", "region", (28.0, 10.0), 1200),
        ("Foreign ministers of the Gulf states met in Doha.", "Gulf states", "region", (24.0, 46.0), 800),
        ("Tuareg rebels declared the independence of Azawad in 2012.", "Azawad", "region", (19.0, -1.0), 400),
        ("Armed groups have fought over the mines of Kivu for decades.", "Kivu", "region", (-2.0, 28.5), 250),
        ("Thousands fled Artsakh after the offensive.", "Artsakh", "region", (39.8, 46.7), 50),
    ],
)
def test_a_feature_is_one_mention_of_itself(world, text, surface, kind, truth, km):
    start = text.index(surface)
    overlapping = [t for t in _places(text, world) if t.start < start + len(surface) and t.end > start]
    assert [t.surface for t in overlapping] == [surface]
    (mention,) = overlapping
    assert mention.place.kind == kind, mention.place
    assert geodesic(truth, (mention.place.lat, mention.place.lon)).km <= km, mention.place


@pytest.mark.parametrize(
    ("first", "second"),
    [("Persian Gulf", "Arabian Gulf"), ("Sea of Azov", "Azov Sea"), ("Bosporus", "Bosphorus")],
)
def test_usual_variants_name_one_place(world, first, second):
    one = _places(f"Warships sailed into the {first} on Tuesday.", world)
    other = _places(f"Warships sailed into the {second} on Tuesday.", world)
    assert len(one) == len(other) == 1
    assert one[0].place.id == other[0].place.id


def test_a_bare_feature_word_is_no_place(world):
    text = "The Gulf was calm on Sunday. Sea levels rose along the coast, and the lake froze."
    assert _places(text, world) == []


def test_a_river_named_like_a_state_keeps_the_state_for_the_bare_name(world):
    text = "Barges on the Mississippi River were stranded, officials in Mississippi said."
    river, state = _places(text, world)
    assert (river.surface, river.place.kind) == ("Mississippi River", "river")
    assert (state.surface, state.place.kind) == ("Mississippi", "province")


def test_macro_regions_are_curated(gazetteer):
    text = "Drought in West Africa and the Baltic states' defence spending were on the agenda."
    assert [(t.surface, t.place.kind) for t in _places(text, gazetteer)] == [
        ("West Africa", "region"),
        ("Baltic states", "region"),
    ]


# ---- the Natural Earth reader ----------------------------------------------------------------------


def test_reader_rows_are_physical_places_with_stable_ids():
    places = naturalearth.naturalearth_places()
    assert len(places) > 1000
    assert len({p.id for p in places}) == len(places)
    assert all(p.id.startswith("ne:") and p.source.startswith(naturalearth.SOURCE) for p in places)
    assert {p.kind for p in places} <= PHYSICAL_KINDS | {"mountain", "region"}
    generic = {"Gulf", "Sea", "Lake", "River", "Bay", "Strait", "Ocean", "Mountains", "Desert", "Peninsula"}
    assert not [p.id for p in places if generic & {p.name, *p.aliases}]


def test_each_point_lies_on_its_outline():
    distances = []
    for place in naturalearth.naturalearth_places():
        outline = naturalearth.area(place.id)
        assert outline is not None, place.id
        distances.append(outline.distance(shapely.Point(place.lon, place.lat)))
    assert (
        max(distances) <= 1.0
    )  # degrees: a range's point is the nearest point to its middle, a strait's may sit between slivers
    assert sum(d <= 0.1 for d in distances) >= 0.99 * len(distances)


def test_area_is_the_feature_outline():
    black_sea = naturalearth.area("ne:marine:black-sea")
    assert black_sea.contains(shapely.Point(34.0, 43.3))
    assert not black_sea.contains(shapely.Point(32.85, 39.93))  # Ankara
    nile = naturalearth.area("ne:river:nile")
    assert nile.geom_type in ("LineString", "MultiLineString")
    assert nile.distance(shapely.Point(31.24, 30.05)) < 0.2  # it flows through Cairo
    assert naturalearth.area("ne:marine:no-such-sea") is None


def test_world_store_is_rebuilt_when_the_natural_earth_data_changes(monkeypatch, tmp_path):
    from geomap.gazetteer.world import world_version

    before = world_version(tmp_path, tmp_path / "imports.sqlite")
    monkeypatch.setattr(naturalearth, "data_digest", lambda: b"other data")
    assert world_version(tmp_path, tmp_path / "imports.sqlite") != before


# ---- the maintainer script's names and points ----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("CAUCASUS MTS.", "Caucasus Mountains"),
        ("Mt. Kenya", "Mount Kenya"),
        ("Cold Mt.", "Cold Mountain"),
        ("Pen. de Azuero", "Azuero Peninsula"),
        ("Caribbean  Sea", "Caribbean Sea"),
        ("RUB’ AL KHALI", "Rub’ al Khali"),
    ],
)
def test_natural_earth_names_are_tidied(raw, name):
    assert tidy(raw) == name


def test_bare_names_are_those_without_a_feature_word():
    assert is_bare("Nile") and is_bare("Hindu Kush")
    assert not is_bare("Lake Chad") and not is_bare("Gulf of Aden") and not is_bare("Mount Hermon")


def test_a_c_shaped_polygon_gets_a_point_inside_it():
    bay = shapely.Polygon([(0, 0), (10, 0), (10, 2), (2, 2), (2, 8), (10, 8), (10, 10), (0, 10)])
    lat, lon = inner_point(bay)
    assert bay.contains(shapely.Point(lon, lat))  # its centre of mass, (4.2, 5), is outside it


def test_a_river_point_is_the_middle_of_its_longest_stretch():
    river = shapely.MultiLineString([[(0, 0), (10, 0)], [(20, 5), (21, 5)]])
    assert inner_point(river) == pytest.approx((0.0, 5.0))
