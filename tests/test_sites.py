"""Sites of war in the world gazetteer: airports and air bases from the airportsdata package.

Sentences are written here; the expected places are read from the sentences (an airport named in
full or as "<city> airport" is the airport; the bare city name stays the city) and the ids are
airportsdata's ICAO codes. The world store is compiled once per machine (see tests/test_world.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import airportsdata
import pytest

import geomap
from geomap.gazetteer.airports import SOURCE, airport_forms, airport_place, airport_places
from geomap.gazetteer.curated import KINDS

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_ed468d2604eec858.txt"
_SITE_WORD = re.compile(
    r"\b(?:airport|airfield|air ?field|air ?base|air force|air station|aerodrome|airstrip|air ?park|field|AFB|RAF"
    r"|CFB|RNAS|RAAF|NAS|MCAS|JB|naval)\b",
    re.I,
)


def _row(icao, name, *, iata="", city="", country="SY", lat=35.0, lon=36.0, subd=""):
    return {"icao": icao, "iata": iata, "name": name, "city": city, "subd": subd, "country": country,
            "lat": lat, "lon": lon}  # fmt: skip


@pytest.fixture(scope="module")
def world():
    return geomap.load_gazetteer(world=True)


def _places(text, gaz):
    return {t.surface: t.place for t in geomap.geoparse(text, gaz) if t.type == "place"}


# --- which rows, and which names -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "kind"),
    [
        (_row("OAKB", "Kabul International Airport", iata="KBL", city="Kabul"), "airport"),
        (_row("UKKM", "Hostomel Airport"), "airport"),  # no IATA code, a registered ICAO indicator
        (_row("OS65", "Shayrat Air Base", city="Shayrat"), "military base"),  # a military name, no code
        (_row("LCRA", "RAF Akrotiri", iata="AKT"), "military base"),
        (_row("ORSH", "Al Sahra Army Air Field", city="Tikrit"), "military base"),
        (_row("00AA", "Aero B Ranch Airport", country="US"), None),  # a private strip: FAA identifier, no IATA
        (_row("XYZH", "Harbour Heliport", iata="XYZ"), None),
        (_row("XYZC", "Old Town Airport (Closed)", iata="XYC"), None),
        (_row("UHME", "Zaliv Kresta", city="Egvekinot"), None),  # no word saying what it is: would take the town's name
    ],
)
def test_which_airports_are_kept_and_their_kind(row, kind):
    place = airport_place(row)
    assert (place.kind if place is not None else None) == kind
    if place is not None:
        assert place.id == f"icao:{row['icao']}" and place.kind in KINDS and place.source == SOURCE


def test_forms_drop_international_and_add_the_city_airport_never_the_bare_city():
    forms = airport_forms("Kabul International Airport", city="Kabul")
    assert {"Kabul International Airport", "Kabul Airport", "Kabul airport", "Kabul international airport"} <= {*forms}
    assert "Kabul" not in forms and "KBL" not in forms and "OAKB" not in forms
    assert "Kyiv airport" in airport_forms("Boryspil International Airport", city="Kyiv")
    assert "Be'er Sheva Airport" in airport_forms("Be'er Sheva (Teyman) Airport", city="Beersheva")
    assert {"Shayrat airbase", "Shayrat air base"} <= set(airport_forms("Shayrat Air Base"))
    assert "Lackland AFB" in airport_forms("Lackland Air Force Base")


def test_a_military_base_does_not_take_the_name_of_its_towns_airport():
    place = airport_place(_row("ORAA", "Al Asad Air Base", iata="IQA", city="Hit"))
    assert not any("Hit" in form for form in place.aliases)


def test_no_name_of_the_package_data_is_a_bare_city_or_a_code():
    """Over all of airportsdata: every name says what the place is, and none is an IATA or ICAO code."""
    rows = airportsdata.load("ICAO")
    places = list(airport_places())
    assert len(places) > 10_000
    for place in places:
        row = rows[place.id.removeprefix("icao:")]
        for form in (place.name, *place.aliases):
            assert _SITE_WORD.search(form), (place.id, form)
            assert form not in (row["iata"], row["icao"]), (place.id, form)
            # (A few rows repeat the airport's name as the city: "Saint-Georges-de-l'Oyapock Airport".)
            assert form != row["city"] or row["city"] == row["name"], (place.id, form)


# --- in text, against the world store ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "place_id"),
    [
        ("Shelling near Kabul International Airport killed two, officials in Kabul said.",
         "Kabul International Airport", "icao:OAKB"),
        ("Crowds gathered at Kabul airport as the Taliban entered Kabul.", "Kabul airport", "icao:OAKB"),
        ("Fighting resumed at Donetsk airport, on the northern edge of Donetsk.", "Donetsk airport", "icao:UKCC"),
        ("Paratroopers landed at Hostomel Airport outside Kyiv.", "Hostomel Airport", "icao:UKKM"),
        ("Russian jets took off from Shayrat airbase near Homs.", "Shayrat airbase", "icao:OS65"),
        ("Rockets hit the Al Asad air base in Anbar.", "Al Asad air base", "icao:ORAA"),
        ("An explosion was heard at RAF Akrotiri in Cyprus.", "RAF Akrotiri", "icao:LCRA"),
    ],
)  # fmt: skip
def test_airports_and_air_bases_in_text(world, text, surface, place_id):
    found = _places(text, world)
    assert found[surface].id == place_id


@pytest.mark.parametrize(
    ("text", "city", "city_id"),
    [
        ("Shelling near Kabul International Airport killed two, officials in Kabul said.", "Kabul", "1138958"),
        ("Fighting resumed at Donetsk airport, on the northern edge of Donetsk.", "Donetsk", "709717"),
        ("Damascus International Airport closed while Damascus was shelled.", "Damascus", "170654"),
    ],
)
def test_the_bare_city_stays_the_city(world, text, city, city_id):
    found = _places(text, world)
    assert found[city].id == city_id and found[city].kind == "city"


def test_codes_are_not_names(world):
    """IATA codes in capitals are words and acronyms too ("DAM", "BEY"): never read as the airport."""
    found = _places("Flights to BEY and DAM were cancelled, Syrian officials said.", world)
    assert "BEY" not in found and "DAM" not in found


def test_the_curated_air_base_takes_precedence(world):
    found = _places("A drone was downed near the Hmeimim air base in Latakia province.", world)
    assert found["Hmeimim"].id == "geomap:khmeimim-air-base"


def test_the_seed_article_reads_no_airport(world):
    """The seed names the Khmeimim Air Base (curated) and no airport: the new source changes nothing there."""
    toponyms = geomap.geoparse(SEED.read_text(encoding="utf-8"), world)
    assert not [t.surface for t in toponyms if t.place is not None and t.place.source == SOURCE]
    assert {t.place.id for t in toponyms if t.surface == "Khmeimim Air Base"} == {"geomap:khmeimim-air-base"}
