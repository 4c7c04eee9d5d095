"""`geomap gazetteer import FILE.osm.pbf`: an OpenStreetMap extract, written here with pyosmium, grows the gazetteer.

The features are invented (names no other source has, in Idlib province), so a match can only come
from the import. Stores are compiled without the registry data (``registry=False``) to keep the tests
fast; the import path is the same.
"""

from __future__ import annotations

import re
import sqlite3

import osmium
import pytest
import shapely
from osmium.osm.mutable import Node, Way

import geomap
from geomap.cli import main
from geomap.errors import GazetteerError
from geomap.gazetteer import world
from geomap.gazetteer.osm import feature_kind, feature_names, import_osm, is_osm_file

# A closed way (the power plant) around (36.50..36.52, 35.80..35.82), an open one (the dam) and nodes.
_CORNERS = [(36.50, 35.80), (36.52, 35.80), (36.52, 35.82), (36.50, 35.82)]
_DAM = [(36.60, 35.70), (36.62, 35.70)]


def _write_extract(path) -> None:
    """A small extract with one feature of each kind the import keeps, and some it must skip."""
    nodes = [
        Node(id=1, location=(36.63, 35.93), tags={"place": "suburb", "name": "حي الزهور", "name:en": "Hayy al-Zuhur"}),
        Node(
            id=2, location=(36.45, 35.75), tags={"place": "hamlet", "name": "Tall Qarmida", "alt_name": "Tell Qarmida"}
        ),
        Node(
            id=3,
            location=(36.70, 36.20),
            tags={"aeroway": "aerodrome", "military": "airfield", "name": "Qasr Tayyib Air Base"},
        ),
        Node(id=4, location=(36.66, 36.23), tags={"barrier": "border_control", "name": "Bab al-Sahra Border Crossing"}),
        Node(id=5, location=(36.64, 35.94), tags={"amenity": "cafe", "name": "Zuhur Cafe"}),  # not a kind kept
        Node(id=6, location=(36.62, 35.92), tags={"place": "neighbourhood", "name": "حي القصور"}),  # no Latin name
        Node(id=7, location=(36.61, 35.91), tags={"place": "village"}),  # no name
    ]
    corner_ids = list(range(100, 100 + len(_CORNERS)))
    dam_ids = list(range(200, 200 + len(_DAM)))
    nodes += [Node(id=i, location=xy) for i, xy in zip(corner_ids + dam_ids, _CORNERS + _DAM)]
    ways = [
        Way(id=10, nodes=[*corner_ids, corner_ids[0]], tags={"power": "plant", "name": "Harjala Power Plant"}),
        Way(id=11, nodes=dam_ids, tags={"waterway": "dam", "name": "Jisr Zarqa Dam"}),
    ]
    path.unlink(missing_ok=True)
    with osmium.SimpleWriter(str(path)) as writer:
        for node in nodes:
            writer.add_node(node)
        for way in ways:
            writer.add_way(way)


_TEXT = (
    "Shelling hit Hayy al-Zuhur in Idlib and the village of Tell Qarmida. Jets struck the Qasr Tayyib Air Base, "
    "the Jisr Zarqa Dam and the Harjala Power Plant, and the Bab al-Sahra Border Crossing was closed."
)


def _found(gaz) -> dict:
    return {t.surface: t for t in geomap.geoparse(_TEXT, gaz) if t.type == "place"}


@pytest.mark.parametrize("name", ["idlib.osm.pbf", "idlib.osm"])
def test_imported_features_resolve_to_their_osm_places(tmp_path, name):
    extract = tmp_path / name
    _write_extract(extract)
    directory = tmp_path / "cache"
    directory.mkdir()
    assert import_osm(extract, directory / "imports.sqlite") == 6
    world.build_world(directory=directory, registry=False)
    found = _found(world.load_world(directory=directory, registry=False, build=False))

    expected = {
        "Hayy al-Zuhur": ("osm:node/1", "neighbourhood"),
        "Tell Qarmida": ("osm:node/2", "village"),  # an alt_name
        "Qasr Tayyib Air Base": ("osm:node/3", "military base"),  # a military aerodrome
        "Jisr Zarqa Dam": ("osm:way/11", "landmark"),
        "Harjala Power Plant": ("osm:way/10", "landmark"),
        "Bab al-Sahra Border Crossing": ("osm:node/4", "crossing"),
    }
    assert {surface: (t.place.id, t.place.kind) for surface, t in found.items() if surface in expected} == expected
    assert found["Idlib"].place.source != "osm-import"  # the curated city
    plant = found["Harjala Power Plant"].place
    assert shapely.Polygon([(lon, lat) for lon, lat in _CORNERS]).contains(shapely.Point(plant.lon, plant.lat))
    dam = found["Jisr Zarqa Dam"].place
    assert (dam.lat, dam.lon) == (35.70, 36.61)  # the middle of the open way
    suburb = found["Hayy al-Zuhur"].place
    assert (suburb.lat, suburb.lon, suburb.country, suburb.source) == (35.93, 36.63, "SY", "osm-import")
    assert suburb.admin1 == "Idlib Governorate"  # the division's name as the store has it (curated)


def test_features_without_a_kept_kind_or_a_latin_name_are_not_imported(tmp_path):
    extract = tmp_path / "idlib.osm.pbf"
    _write_extract(extract)
    store = tmp_path / "imports.sqlite"
    import_osm(extract, store)
    with sqlite3.connect(store) as connection:
        ids = {row[0] for row in connection.execute("SELECT id FROM places")}
    assert ids.isdisjoint({"osm:node/5", "osm:node/6", "osm:node/7"})
    assert not any(pid.startswith("osm:node/10") or pid.startswith("osm:node/20") for pid in ids)  # way corners


@pytest.mark.parametrize(
    ("tags", "kind"),
    [
        ({"place": "quarter"}, "neighbourhood"),
        ({"place": "town"}, "town"),
        ({"place": "locality"}, None),  # a named spot, often a field or a bend in a road
        ({"aeroway": "aerodrome"}, "airport"),
        ({"aeroway": "aerodrome", "aerodrome:type": "military"}, "military base"),
        ({"aeroway": "aerodrome", "landuse": "military"}, "military base"),
        ({"landuse": "military"}, "military base"),
        ({"military": "checkpoint"}, "crossing"),
        ({"military": "bunker"}, None),
        ({"power": "plant", "plant:source": "nuclear"}, "landmark"),
        ({"power": "generator"}, None),
        ({"amenity": "hospital"}, "landmark"),
        ({"amenity": "bench"}, None),
    ],
)
def test_feature_kinds(tags, kind):
    assert feature_kind(tags) == kind


def test_feature_names_keep_latin_names_name_en_first():
    tags = {
        "name": "Запоріжжя",
        "name:en": "Zaporizhzhia",
        "int_name": "Zaporizhia",
        "old_name": "Aleksandrovsk;Олександрівськ",
    }
    assert feature_names(tags) == ["Zaporizhzhia", "Zaporizhia", "Aleksandrovsk"]
    assert feature_names({"name": "حلب"}) == []


def test_osm_files_are_told_by_their_suffix(tmp_path):
    assert is_osm_file(tmp_path / "syria-latest.osm.pbf") and is_osm_file(tmp_path / "area.OSM")
    assert not is_osm_file(tmp_path / "SY.txt") and not is_osm_file(tmp_path / "alternateNamesV2.txt")


@pytest.mark.parametrize(
    ("name", "data"),
    [("broken.osm.pbf", b"not a protocol buffer at all" * 20), ("broken.osm", b'<osm version="0.6"><node id="1" lat=')],
)
def test_a_malformed_extract_is_one_clear_error_and_writes_nothing(tmp_path, name, data):
    bad = tmp_path / name
    bad.write_bytes(data)
    store = tmp_path / "imports.sqlite"
    with pytest.raises(GazetteerError, match=rf"/{re.escape(name)}: not a readable OpenStreetMap file \(.+\)$") as info:
        import_osm(bad, store)
    assert "\n" not in str(info.value)
    assert not store.exists()


def test_cli_import_of_a_malformed_or_missing_extract_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path / "cache"))
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"\x00\x00\x00\x0d" + b"garbage" * 30)
    for path in (bad, tmp_path / "missing.osm.pbf"):
        assert main(["gazetteer", "import", str(path)]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and path.name in err[0] and "Traceback" not in err[0], err


def test_cli_import_writes_the_cache_folders_imports_store(tmp_path, monkeypatch):
    """The command's dispatch: an .osm.pbf goes to the OSM reader and into the cache folder's imports store,
    from which the world store is compiled (here without the registry data, for speed)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(cache))
    build = world.build_world
    monkeypatch.setattr(world, "build_world", lambda **kwargs: build(**kwargs, registry=False))
    extract = tmp_path / "idlib.osm.pbf"
    _write_extract(extract)
    assert main(["-q", "gazetteer", "import", str(extract)]) == 0
    assert (cache / "imports.sqlite").is_file()
    found = _found(world.load_world(directory=cache, registry=False, build=False))
    assert found["Qasr Tayyib Air Base"].place.id == "osm:node/3"
