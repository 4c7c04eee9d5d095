"""`geomap gazetteer import`: real GeoNames dump formats, written here, grow the gazetteer.

The rows follow GeoNames' documented layout (19 tab-separated columns for allCountries/SY.txt;
alternateNamesV2 with id, geonameid, language, name, ...). The places are invented, so a match can
only come from the import. Stores are compiled without the registry data (``registry=False``) to
keep the test fast; the import path is the same.
"""

from __future__ import annotations

import pytest

import geomap
from geomap.cli import main
from geomap.errors import GazetteerError
from geomap.gazetteer.geonames import import_dump
from geomap.gazetteer.world import build_world, load_world


def _row(gid, name, alternates, lat, lon, fclass, fcode, country, admin1, population):
    fields = [str(gid), name, name, ",".join(alternates), str(lat), str(lon), fclass, fcode, country, "", admin1,
              "", "", "", str(population), "", "300", "Asia/Damascus", "2024-01-01"]  # fmt: skip
    assert len(fields) == 19
    return "\t".join(fields)


@pytest.fixture
def dump(tmp_path):
    path = tmp_path / "SY.txt"
    rows = [
        _row(99000001, "Tell Zuhra", ["Tall Zuhrah", "Tel Zohra"], 35.77, 36.51, "P", "PPL", "SY", "12", 2300),
        _row(99000002, "Jabal Qurayn", [], 35.70, 36.40, "T", "MT", "SY", "12", 0),
        _row(99000003, "Some Stream", [], 35.71, 36.41, "H", "STM", "SY", "12", 0),  # hydrography: not imported
        # Same id as the curated Idlib row, with wrong coordinates: curated rows must win.
        _row(169389, "Idlib", [], 10.0, 10.0, "P", "PPLA", "SY", "12", 1),
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_imported_villages_are_found_and_curated_rows_win(tmp_path, dump):
    directory = tmp_path / "data"
    directory.mkdir()
    assert import_dump(dump, directory / "imports.sqlite") == 3  # the stream is not a wanted feature class
    alternates = tmp_path / "alternateNamesV2.txt"
    alternates.write_text("1\t99000001\ten\tTel Zuhra\t1\t\t\t\t\t\n", encoding="utf-8")
    import_dump(alternates, directory / "imports.sqlite")
    build_world(directory=directory, registry=False)
    gaz = load_world(directory=directory, registry=False, build=False)

    text = "Shelling hit Tel Zuhra and Tall Zuhrah near Jabal Qurayn, west of Idlib."
    found = {t.surface: t for t in geomap.geoparse(text, gaz) if t.type == "place"}
    assert {"Tel Zuhra", "Tall Zuhrah", "Jabal Qurayn", "Idlib"} <= set(found)
    assert found["Tel Zuhra"].place.id == "99000001" and found["Tall Zuhrah"].place.id == "99000001"
    assert (found["Tel Zuhra"].place.lat, found["Tel Zuhra"].place.lon) == (35.77, 36.51)
    assert found["Jabal Qurayn"].place.kind == "mountain"
    assert round(found["Idlib"].place.lat, 2) == 35.93  # the curated row, not the imported (10, 10)


def test_malformed_dump_names_file_and_line(tmp_path, dump):
    bad = tmp_path / "bad.txt"
    lines = dump.read_text(encoding="utf-8").splitlines()
    lines.insert(1, "99000009\tOnly three\tcolumns")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"bad\.txt:2: expected 19"):
        import_dump(bad, tmp_path / "imports.sqlite")


def test_cli_import_of_a_missing_file_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GEOMAP_DATA", str(tmp_path / "data"))
    assert main(["gazetteer", "import", str(tmp_path / "nope.txt")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope.txt" in err[0] and "Traceback" not in err[0]


def test_named_waters_and_landforms_are_imported_with_their_kind_and_streams_are_not(tmp_path):
    """A country dump's lakes, seas, straits and deserts are places news names; its thousands of
    streams, wadis and wells would drown them (the world's rivers come from Natural Earth)."""
    path = tmp_path / "XX.txt"
    rows = [
        _row(99000011, "Buhayrat Zuhra", [], 35.60, 36.30, "H", "LK", "SY", "12", 0),
        _row(99000012, "Khalij Zuhra", [], 35.50, 35.80, "H", "GULF", "SY", "12", 0),
        _row(99000013, "Badiyat Zuhra", [], 34.90, 38.50, "T", "DSRT", "SY", "12", 0),
        _row(99000014, "Jibal Zuhra", [], 35.20, 36.10, "T", "MTS", "SY", "12", 0),
        _row(99000015, "Wadi Zuhra", [], 35.30, 36.20, "H", "WAD", "SY", "12", 0),
        _row(99000016, "Nahr Zuhra", [], 35.40, 36.25, "H", "STM", "SY", "12", 0),
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    directory = tmp_path / "data"
    directory.mkdir()
    assert import_dump(path, directory / "imports.sqlite") == 4
    build_world(directory=directory, registry=False)
    gaz = load_world(directory=directory, registry=False, build=False)
    text = "Boats crossed Buhayrat Zuhra and Khalij Zuhra; Badiyat Zuhra, Jibal Zuhra, Wadi Zuhra and Nahr Zuhra."
    kinds = {t.surface: t.place.kind for t in geomap.geoparse(text, gaz) if t.type == "place"}
    assert kinds == {"Buhayrat Zuhra": "lake", "Khalij Zuhra": "gulf", "Badiyat Zuhra": "desert",
                     "Jibal Zuhra": "mountain range"}  # fmt: skip
