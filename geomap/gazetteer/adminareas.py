"""Points and outlines of countries and first-level divisions, by GeoNames id.

Why: the registry packages the world gazetteer is compiled from ship no point for a country or a
first-level division that is GeoNames' own (Canada was 1,031 km off), and no outline at all. The
bundled files ``geomap/gazetteer/data/adminareas.tsv`` and ``adminareas_shapes.tsv.gz`` (made by
``python -m geomap.gazetteer.adminareas_build``, whose docstring says how and from what) give:

* :func:`area_points`: GeoNames' own point of 196 countries, and for the other countries and
  3,000 divisions the point of their Natural Earth area nearest its centroid; read when the world
  store is compiled (:mod:`geomap.gazetteer.registry`);
* :func:`admin_area`: the area itself as a shapely geometry (about 1 km detail), to draw a province
  as an area or to tell whether a town lies in it.

Example::

    >>> import shapely
    >>> from geomap.gazetteer.adminareas import admin_area, area_points
    >>> area_points()["6251999"].lat  # Canada, GeoNames' point
    60.10867
    >>> admin_area("6093943").contains(shapely.Point(-79.38, 43.65))  # Toronto is in Ontario
    True
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from geomap.errors import GazetteerError
from geomap.gazetteer.packaged import read_data as _data_bytes
from geomap.gazetteer.packaged import read_outlines

__all__ = ["AreaPoint", "POINTS_FILE", "SHAPES_FILE", "admin_area", "area_points", "points_digest"]

POINTS_FILE = "adminareas.tsv"
SHAPES_FILE = "adminareas_shapes.tsv.gz"
_COLUMNS = ["geonameid", "kind", "country", "admin1", "name", "lat", "lon", "point", "shapes"]


@dataclass(frozen=True)
class AreaPoint:
    """The point of one country or first-level division (a row of ``adminareas.tsv``).

    ``point`` tells where it comes from: ``"geonames"`` (GeoNames' own point) or ``"area"`` (the
    point of the Natural Earth area nearest its centroid, for want of GeoNames' point).
    """

    geonameid: str
    kind: str
    country: str
    admin1: str
    name: str
    lat: float
    lon: float
    point: str


def points_digest() -> bytes:
    """A digest of the points file: the world store is compiled again when it changes."""
    return hashlib.sha256(_data_bytes(POINTS_FILE)).digest()


@lru_cache(maxsize=1)
def area_points() -> dict[str, AreaPoint]:
    """Every row of ``adminareas.tsv`` by GeoNames id (read once)."""
    points: dict[str, AreaPoint] = {}
    header = None
    for number, line in enumerate(_data_bytes(POINTS_FILE).decode("utf-8").splitlines(), 1):
        if line.startswith("#"):
            continue
        row = line.split("\t")
        if header is None:
            if row != _COLUMNS:
                raise GazetteerError(
                    f"{POINTS_FILE}:{number}: expected the header {' '.join(_COLUMNS)}; reinstall geomap"
                )
            header = row
            continue
        point = _point(row, number)
        points[point.geonameid] = point
    return points


def _point(row: list[str], number: int) -> AreaPoint:
    """One row as an :class:`AreaPoint`; a malformed row names its line."""
    try:
        geonameid, kind, country, admin1, name, lat, lon, point, _ = row
        return AreaPoint(geonameid, kind, country, admin1, name, float(lat), float(lon), point)
    except ValueError as err:
        raise GazetteerError(f"{POINTS_FILE}:{number}: malformed row ({err}); reinstall geomap") from err


@lru_cache(maxsize=1)
def _outlines() -> dict[str, str]:
    """GeoNames id -> WKT of ``adminareas_shapes.tsv.gz`` (read once, decoded one by one on demand)."""
    return read_outlines(SHAPES_FILE, "geonameid")


@lru_cache(maxsize=256)
def admin_area(geonameid: str) -> Any | None:
    """The Natural Earth area of a country or first-level division by its GeoNames id, or None.

    A shapely (Multi)Polygon simplified to about 1 km: enough to draw the area and to test which of
    its towns it holds (prepare it first for many points, or use ``shapely.contains_xy``). None for
    places without an area (cities, divisions Natural Earth does not draw as GeoNames does).
    """
    wkt = _outlines().get(str(geonameid))
    if wkt is None:
        return None
    import shapely

    return shapely.from_wkt(wkt)
