"""Import of real GeoNames dumps (allCountries.txt, a country file such as SY.txt, alternateNamesV2.txt).

Why: the registry packages stop at populated places of 500+ people; a user who needs every village
and hill downloads GeoNames' dumps once and imports them. Rows go into ``imports.sqlite`` in the
data folder; the world store is then recompiled with them (curated rows still take precedence).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from geomap.errors import GazetteerError
from geomap.model import Place

__all__ = ["import_dump", "imported_places"]

_GEONAMES_COLUMNS = 19
_KIND_BY_CODE = {
    "PCLI": "country", "PCLD": "country", "PCLS": "country", "PCLF": "country", "PCL": "country",
    "ADM1": "province", "ADM2": "district", "ADM3": "district", "CONT": "continent", "RGN": "region",
    "PPLC": "city", "PPLA": "city", "AIRB": "military base", "MILB": "military base", "AIRP": "airport",
    "CMP": "camp", "CMPQ": "camp", "ISL": "island", "MT": "mountain", "RDJCT": "crossing", "PPLX": "neighbourhood",
    # Landforms and the waters news names, in the kinds of the Natural Earth features (model.PHYSICAL_KINDS).
    "MTS": "mountain range", "DSRT": "desert", "PEN": "peninsula", "PLAT": "plateau", "VAL": "valley",
    "SEA": "sea", "GULF": "gulf", "BAY": "bay", "STRT": "strait", "CHN": "strait", "LK": "lake", "LKS": "lake",
    "RSV": "lake", "LGN": "lake",
}  # fmt: skip
_WANTED_CLASSES = frozenset("APLST")  # admin areas, populated places, regions, spots/buildings, terrain
#: Of the hydrographic class H, only the waters above: a country file's thousands of streams, wadis,
#: wells and springs would bury them (the world's rivers come from Natural Earth).
_WANTED_WATERS = frozenset({"SEA", "GULF", "BAY", "STRT", "CHN", "LK", "LKS", "RSV", "LGN"})


def _kind(feature_class: str, feature_code: str, population: int) -> str:
    if feature_code in _KIND_BY_CODE:
        return _KIND_BY_CODE[feature_code]
    if feature_class == "P":
        return "city" if population >= 100_000 else "town" if population >= 10_000 else "village"
    if feature_class == "A":
        return "district"
    if feature_class == "L":
        return "region"
    if feature_class == "T":
        return "mountain"
    return "landmark"


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE IF NOT EXISTS places (id TEXT PRIMARY KEY, name TEXT, kind TEXT, country TEXT,"
        " admin1 TEXT, lat REAL, lon REAL, population INTEGER)"
    )
    connection.execute("CREATE TABLE IF NOT EXISTS names (id TEXT, name TEXT, UNIQUE(id, name))")
    return connection


def _read_geonames(path: Path) -> Iterator[tuple]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != _GEONAMES_COLUMNS:
                raise GazetteerError(
                    f"{path}:{number}: expected {_GEONAMES_COLUMNS} tab-separated GeoNames columns, found {len(fields)}"
                )
            gid, name, _ascii, alternates, lat, lon, fclass, fcode, country, _cc2, admin1 = fields[:11]
            if fclass not in _WANTED_CLASSES and not (fclass == "H" and fcode in _WANTED_WATERS):
                continue
            try:
                latitude, longitude, population = float(lat), float(lon), int(fields[14] or 0)
            except ValueError as err:
                raise GazetteerError(f"{path}:{number}: bad number in coordinates or population ({err})") from err
            kind = _kind(fclass, fcode, population)
            yield (gid, name, kind, country, admin1, latitude, longitude, population), alternates.split(",")


def import_dump(path: Path, store: Path) -> int:
    """Import one GeoNames file into ``store``; returns the number of rows read."""
    path = Path(path)
    if not path.is_file():
        raise GazetteerError(f"{path}: no such file")
    connection = _connect(store)
    count = 0
    with connection:
        if path.name.startswith("alternateNames"):
            for number, line in enumerate(path.open(encoding="utf-8"), 1):
                fields = line.rstrip("\n").split("\t")
                if len(fields) < 4:
                    raise GazetteerError(f"{path}:{number}: expected at least 4 columns in an alternate-names row")
                if fields[2] in ("", "en") and fields[3][:1].isupper():
                    connection.execute("INSERT OR IGNORE INTO names VALUES (?, ?)", (fields[1], fields[3]))
                    count += 1
        else:
            for row, alternates in _read_geonames(path):
                connection.execute("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?)", row)
                connection.executemany(
                    "INSERT OR IGNORE INTO names VALUES (?, ?)", ((row[0], a) for a in alternates if a[:1].isupper())
                )
                count += 1
    connection.close()
    return count


def imported_places(store: Path) -> Iterator[Place]:
    connection = sqlite3.connect(store)
    names: dict[str, list[str]] = {}
    for gid, name in connection.execute("SELECT id, name FROM names ORDER BY id, name"):
        names.setdefault(gid, []).append(name)
    for gid, name, kind, country, admin1, lat, lon, population in connection.execute(
        "SELECT * FROM places ORDER BY id"
    ):
        aliases = tuple(a for a in names.get(gid, ()) if a != name and all(ord(c) < 0x250 for c in a))
        source = "osm-import" if gid.startswith("osm:") else "geonames-import"  # see geomap.gazetteer.osm
        yield Place(gid, name, kind, country, lat, lon, admin1, population, source, aliases)
    connection.close()
