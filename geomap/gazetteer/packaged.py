"""The world store's bundled data sources (``geomap/gazetteer/data/``), read as package data.

Why one module: the readers of those files (:mod:`~geomap.gazetteer.adminareas`,
:mod:`~geomap.gazetteer.naturalearth`) read them the same way, and keep their areas in the same
layout: a gzip'd TSV of ``<id>\\twkt`` rows (``#`` comment lines allowed), parsed one geometry at a
time on demand.
"""

from __future__ import annotations

import gzip
from importlib import resources
from importlib.resources.abc import Traversable

from geomap.errors import GazetteerError

__all__ = ["data_file", "read_data", "read_outlines"]


def data_file(name: str) -> Traversable:
    return resources.files("geomap.gazetteer") / "data" / name


def read_data(name: str) -> bytes:
    """The bytes of a bundled data file; a missing one is a broken install, said in one line."""
    try:
        return data_file(name).read_bytes()
    except FileNotFoundError as err:
        raise GazetteerError(f"{name}: gazetteer data not found in the package; reinstall geomap") from err


def read_outlines(name: str, key: str) -> dict[str, str]:
    """``key`` -> WKT of a gzip'd outline table whose header is ``<key>\\twkt``."""
    rows = [row for row in gzip.decompress(read_data(name)).decode("utf-8").splitlines() if not row.startswith("#")]
    if not rows or rows[0] != f"{key}\twkt":
        raise GazetteerError(f"{name}: expected the header '{key}<TAB>wkt'; reinstall geomap")
    return dict(row.split("\t", 1) for row in rows[1:] if row)
