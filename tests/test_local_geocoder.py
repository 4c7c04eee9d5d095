"""geomap.LocalGeocoder: the offline gazetteer behind geopy's geocoder interface (issue 17).

Checked against geopy itself: the class is a ``geopy.geocoders.base.Geocoder``, answers are geopy
``Location`` objects, and it plugs into geopy's ``RateLimiter`` and pandas ``.apply`` as any geopy
geocoder does, without ever opening a network connection.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder as GeopyGeocoder
from geopy.location import Location
from geopy.point import Point

import geomap
import geomap.api
from geomap import LocalGeocoder
from geomap.gazetteer import Gazetteer
from geomap.model import Match, Place
from geomap.parse.resolve import resolve

KAFR_RUMA = ("geomap:kafr-ruma", 35.6233, 36.6097)
MAARAT = "167611"
KHMEIMIM = "geomap:khmeimim-air-base"
IDLIB_CITY, IDLIB_PROVINCE = "169389", "169387"


@pytest.fixture(scope="module")
def local(gazetteer) -> LocalGeocoder:
    return LocalGeocoder(gazetteer)


def test_is_a_geopy_geocoder_and_construction_loads_nothing(monkeypatch):
    loads: list = []
    loaded = object()
    monkeypatch.setattr(geomap.api, "load_gazetteer", lambda *a, **k: loads.append((a, k)) or loaded)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no geopy warning (user agent, adapter) at construction
        geocoder = LocalGeocoder()
    assert isinstance(geocoder, GeopyGeocoder)
    assert loads == []  # the world gazetteer is loaded on the first query, not here
    assert geocoder.gazetteer is loaded and geocoder.gazetteer is loaded  # loaded once, then kept
    assert LocalGeocoder(curated_only=True).gazetteer is LocalGeocoder(world=False).gazetteer is loaded
    assert [kwargs for _, kwargs in loads] == [{"world": True}, {"world": False}, {"world": False}]


def test_geocode_returns_a_geopy_location(local):
    location = local.geocode("Kafr Ruma")
    assert isinstance(location, Location)
    place_id, lat, lon = KAFR_RUMA
    assert (location.latitude, location.longitude) == (lat, lon)
    assert isinstance(location.point, Point)
    assert location.address == "Kafr Ruma, Idlib Governorate, Syria"
    raw = location.raw
    assert raw["place_id"] == place_id and raw["name"] == "Kafr Ruma" and raw["kind"] == "village"
    assert (raw["country"], raw["admin1"], raw["lat"], raw["lon"]) == ("SY", "Idlib Governorate", lat, lon)
    assert raw["confidence"] == 0.9  # the only candidate, as the resolver says
    assert "population" not in raw  # not known for this village


def test_raw_has_the_population_when_known(local):
    assert local.geocode("Saraqib").raw["population"] == 34231


def test_addresses_leave_out_empty_and_repeated_parts(local):
    assert local.geocode("Syria").address == "Syria"
    assert local.geocode("Idlib Governorate").address == "Idlib Governorate, Syria"
    assert local.geocode("Middle East").address == "Middle East"


@pytest.mark.parametrize(
    "name, place_id",
    [
        ("Maarat al-Numan", MAARAT),
        ("Maaret al-Numan", MAARAT),
        ("Ma'arrat al-Nu'man", MAARAT),
        ("Maarat an Numan", MAARAT),
        ("MAARET AL-NUMAN", MAARAT),
        ("Hmeimim", KHMEIMIM),
        ("Khmeimim Air Base", KHMEIMIM),
        ("Idleb", IDLIB_CITY),
        ("  Kafrouma ", KAFR_RUMA[0]),
    ],
)
def test_spelling_variants_find_the_same_place(local, name, place_id):
    assert local.geocode(name).raw["place_id"] == place_id


def test_all_candidates_best_first(local):
    found = local.geocode("Idlib", exactly_one=False)
    assert [loc.raw["place_id"] for loc in found] == [IDLIB_CITY, IDLIB_PROVINCE]  # a bare name: the city
    assert all(isinstance(loc, Location) for loc in found)
    confidences = [loc.raw["confidence"] for loc in found]
    assert confidences == sorted(confidences, reverse=True) and 0 < sum(confidences) <= 1
    assert found[1].address == "Idlib Governorate, Syria"
    assert [loc.raw["place_id"] for loc in local.geocode("Idlib", exactly_one=False, limit=1)] == [IDLIB_CITY]
    assert local.geocode("Idlib").raw == found[0].raw
    assert [loc.raw["place_id"] for loc in local.geocode("Kafr Ruma", exactly_one=False)] == [KAFR_RUMA[0]]


@pytest.mark.parametrize("name", ["Idlib", "Aleppo", "Hama", "Homs", "Raqqa", "Latakia", "Kafr Ruma"])
def test_ranked_as_the_resolver_ranks_a_lone_mention(gazetteer, local, name):
    """The first answer and its confidence are what geomap's resolver gives the bare name."""
    ids = tuple(place.id for place in gazetteer.lookup(name))
    (toponym,) = resolve(name, [Match(0, len(name), name, "place", ids)], gazetteer)
    best = local.geocode(name)
    assert (best.raw["place_id"], best.raw["confidence"]) == (toponym.place.id, toponym.confidence)


@pytest.fixture(scope="module")
def two_parises() -> LocalGeocoder:
    return LocalGeocoder(
        Gazetteer.from_records(
            [
                Place("2988507", "Paris", "city", "FR", 48.85341, 2.3488, "Île-de-France", 2138551),
                Place("4717560", "Paris", "town", "US", 33.66094, -95.55551, "Texas", 24782),
                Place("2995469", "Marseille", "city", "FR", 43.29695, 5.38107, "Provence", 870018),
            ]
        )
    )


def test_country_codes_restrict_the_candidates(two_parises):
    assert [loc.raw["country"] for loc in two_parises.geocode("Paris", exactly_one=False)] == ["FR", "US"]
    assert two_parises.geocode("Paris").address == "Paris, Île-de-France, France"
    assert two_parises.geocode("Paris", country_codes="us").address == "Paris, Texas, United States"
    texas = two_parises.geocode("Paris", country_codes=["US"], exactly_one=False)
    assert [loc.raw["place_id"] for loc in texas] == ["4717560"]
    assert two_parises.geocode("Paris", country_codes=("de", "us")).raw["country"] == "US"
    assert two_parises.geocode("Paris", country_codes="DE") is None


@pytest.mark.parametrize("query", ["Atlantis", "", "   ", "Kafr", "Idlib Kafr Ruma"])
def test_unknown_names_give_none(local, query):
    assert local.geocode(query) is None
    assert local.geocode(query, exactly_one=False) is None  # as geopy's geocoders answer "nothing found"


def test_missing_values_give_none_and_other_types_are_refused(local):
    assert local.geocode(None) is None
    assert local.geocode(float("nan")) is None
    with pytest.raises(TypeError):
        local.geocode(42)


def test_bad_options_are_refused(local):
    with pytest.raises(ValueError, match="limit"):
        local.geocode("Idlib", exactly_one=False, limit=0)
    with pytest.raises(ValueError, match="country"):
        local.geocode("Idlib", country_codes=["Syria"])
    with pytest.raises(ValueError, match="limit"):
        local.reverse((35.6, 36.6), exactly_one=False, limit=-1)


@pytest.mark.parametrize(
    "query",
    [
        (KAFR_RUMA[1], KAFR_RUMA[2]),
        [KAFR_RUMA[1], KAFR_RUMA[2]],
        Point(KAFR_RUMA[1], KAFR_RUMA[2]),
        f"{KAFR_RUMA[1]}, {KAFR_RUMA[2]}",
        f"{KAFR_RUMA[1]},{KAFR_RUMA[2]}",
    ],
)
def test_reverse_of_a_place_is_that_place(local, query):
    location = local.reverse(query)
    assert isinstance(location, Location)
    assert location.raw["place_id"] == KAFR_RUMA[0]
    assert location.address == "Kafr Ruma, Idlib Governorate, Syria"
    assert location.raw["distance_km"] == 0.0


def test_reverse_nearest_first(local):
    near_kafr_ruma = (35.63, 36.61)
    found = local.reverse(near_kafr_ruma, exactly_one=False)
    assert found[0].raw["place_id"] == KAFR_RUMA[0]
    distances = [loc.raw["distance_km"] for loc in found]
    assert distances == sorted(distances) and len(found) == 10  # geopy's distance, nearest first
    assert len(local.reverse(near_kafr_ruma, exactly_one=False, limit=3)) == 3
    assert all(loc.raw["kind"] not in geomap.model.ADMIN_KINDS for loc in found)  # areas only when asked


def test_reverse_restricted_to_kinds(local):
    bases = local.reverse((35.63, 36.61), kinds="military base")
    assert bases.raw["place_id"] == KHMEIMIM
    area = local.reverse((35.63, 36.61), kinds=["province"])
    assert area.raw["place_id"] == IDLIB_PROVINCE
    assert local.reverse((35.63, 36.61), kinds={"no such kind"}) is None


def test_rate_limiter_and_pandas_apply(local):
    geocode = RateLimiter(local.geocode, min_delay_seconds=0)
    reverse = RateLimiter(local.reverse, min_delay_seconds=0)
    frame = pd.DataFrame({"name": ["Kafr Ruma", "Maaret al-Numan", "Hmeimim", "Atlantis", None]})
    frame["location"] = frame["name"].apply(geocode)
    assert [loc and loc.raw["place_id"] for loc in frame["location"]] == [KAFR_RUMA[0], MAARAT, KHMEIMIM, None, None]
    points = frame["location"].dropna().apply(lambda loc: loc.point)
    assert points[0] == Point(KAFR_RUMA[1], KAFR_RUMA[2])
    back = points.apply(reverse)
    assert [loc.raw["place_id"] for loc in back] == [KAFR_RUMA[0], MAARAT, KHMEIMIM]
    assert frame["name"].head(2).apply(local.geocode, exactly_one=False).apply(len).tolist() == [1, 1]


def test_nothing_touches_the_network(gazetteer, no_network):
    with LocalGeocoder(gazetteer) as geocoder:  # geopy's context manager (the adapter's) works too
        assert geocoder.geocode("Kafr Ruma") is not None
        assert geocoder.reverse("35.6233, 36.6097") is not None
        with pytest.raises(Exception, match="offline"):
            geocoder.adapter.get_json("https://nominatim.openstreetmap.org/search", timeout=1, headers={})
    assert no_network == []


@pytest.fixture(scope="module")
def world() -> LocalGeocoder:
    """The default: the world gazetteer (compiled once per machine, then opened in milliseconds)."""
    return LocalGeocoder()


def test_world_gazetteer(world, no_network):
    assert world.geocode("Kafr Ruma").raw["place_id"] == KAFR_RUMA[0]  # curated rows are in the world too
    assert world.geocode("Ma'arrat al-Nu'man").raw["place_id"] == MAARAT
    assert world.geocode("Damascus").address == "Damascus, Damascus Governorate, Syria"
    springfields = world.geocode("Springfield", exactly_one=False)
    assert len(springfields) > 10 and len({loc.raw["country"] for loc in springfields}) > 1
    australian = world.geocode("Springfield", exactly_one=False, country_codes="AU")
    assert {loc.raw["country"] for loc in australian} == {"AU"}
    notre_dame = (48.853, 2.3499)
    assert world.reverse(notre_dame).raw["country"] == "FR"  # an arrondissement (a town in GeoNames)
    assert world.reverse(notre_dame, kinds="city").raw["place_id"] == "2988507"  # Paris
    assert world.reverse((KAFR_RUMA[1], KAFR_RUMA[2])).raw["place_id"] == KAFR_RUMA[0]
    assert no_network == []
