"""Natural Earth's physical features for the world gazetteer: seas, gulfs, straits, lakes, rivers,
mountain ranges and peaks, deserts, plateaux, peninsulas, plains and named land regions.

Why: news names the Black Sea, Lake Chad, the Euphrates and the Zagros, and a gazetteer of populated
places and divisions reads them as something else or not at all ("Lake Chad" was the country Chad,
the "Sea of Azov" the town of Azov). About 1,700 features, each with a point in its middle and its
simplified outline (:func:`area`).

Data (package data, ``geomap/gazetteer/data/``), made by the maintainer script
:mod:`geomap.gazetteer.naturalearth_build` from Natural Earth 4.0.0 (public domain; the header of the
TSV file records the version and the sources):

* ``naturalearth.tsv``: one place a row, in the columns of the curated files
  (:data:`~geomap.gazetteer.curated.PLACE_COLUMNS`), ids ``ne:<layer>:<name>`` (``ne:marine:black-sea``,
  ``ne:lake:lake-chad``, ``ne:river:euphrates``); kinds from :data:`geomap.model.PHYSICAL_KINDS`
  and ``mountain`` (peaks) and ``region`` (Siberia, Mesopotamia);
* ``naturalearth_areas.tsv.gz``: each place's simplified outline as WKT (lines for rivers).

Read only when the world store is compiled (:mod:`geomap.gazetteer.world`); :func:`area` reads the
outlines on first use.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import TYPE_CHECKING

from geomap.gazetteer.curated import load_places
from geomap.gazetteer.packaged import data_file, read_data, read_outlines
from geomap.model import Place

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = ["SOURCE", "naturalearth_places", "data_digest", "area"]

#: The ``source`` of every place read here (its layer follows a colon: ``naturalearth:lake``).
SOURCE = "naturalearth"
PLACES_FILE = "naturalearth.tsv"
AREAS_FILE = "naturalearth_areas.tsv.gz"


def naturalearth_places() -> list[Place]:
    """The places of ``naturalearth.tsv``, checked as a curated file is (columns, kinds, coordinates)."""
    return load_places(data_file(PLACES_FILE))


def data_digest() -> bytes:
    """A digest of both data files: the world store is recompiled when they change."""
    digest = hashlib.sha256()
    for name in (PLACES_FILE, AREAS_FILE):
        digest.update(read_data(name))
    return digest.digest()


def area(place_id: str) -> BaseGeometry | None:
    """The outline of a Natural Earth place as a shapely geometry (lon/lat), or None.

    A polygon or multipolygon for seas, lakes and land features, a (multi)line for rivers, a point for
    peaks; None for an id this module does not know. Simplified to about 1 km (0.01 degree), enough
    to draw or to test which features a point lies in; parsed once per id.

    >>> area("ne:marine:black-sea").contains(shapely.Point(34.0, 43.0))  # doctest: +SKIP
    True
    """
    wkt = _outlines().get(place_id)
    return None if wkt is None else _geometry(wkt)


@lru_cache(maxsize=1)
def _outlines() -> dict[str, str]:
    """Place id -> WKT, read once (the file is a few hundred kB; geometries are parsed on demand)."""
    return read_outlines(AREAS_FILE, "id")


@lru_cache(maxsize=4096)
def _geometry(wkt: str) -> BaseGeometry:
    import shapely

    return shapely.from_wkt(wkt)
