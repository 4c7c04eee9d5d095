"""The curated gazetteer files, their validation errors, and the case rules of names."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from geomap.errors import GazetteerError, GeomapError
from geomap.gazetteer import KINDS, PLACE_COLUMNS, load_curated, load_demonyms, load_exclusions, load_places
from geomap.parse.extract import find_mentions

GAZETTEER_DIR = Path(__file__).resolve().parent.parent / "gazetteer"

# Syria's extent (Natural Earth), padded by ~0.1 degree.
SYRIA_BBOX = (32.2, 35.6, 37.45, 42.5)


def _tsv_rows(name: str) -> list[dict]:
    with open(GAZETTEER_DIR / name, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


# ------------------------------------------------------------------------------------------
# The curated data


def test_curated_files_load(gazetteer):
    files = sorted(path.name for path in GAZETTEER_DIR.glob("*places*.tsv"))  # every curated places file
    places = [place for name in files for place in load_places(GAZETTEER_DIR / name)]
    assert len(places) == sum(len(_tsv_rows(name)) for name in files) > 50
    assert len(load_demonyms(GAZETTEER_DIR / "demonyms.tsv")) == len(_tsv_rows("demonyms.tsv"))
    assert len(load_exclusions(GAZETTEER_DIR / "exclusions.tsv")) == len(_tsv_rows("exclusions.tsv"))
    assert set(gazetteer.places) == {place.id for place in places}
    assert gazetteer.version and gazetteer.version == load_curated(GAZETTEER_DIR).version


@pytest.mark.parametrize("row", _tsv_rows("places.tsv"), ids=lambda row: row["name"])
def test_every_place_row_is_valid(row):
    lat, lon = float(row["lat"]), float(row["lon"])
    assert -90 <= lat <= 90 and -180 <= lon <= 180
    assert row["kind"] in KINDS
    if row["country"] == "SY" or row["admin1"].endswith("Governorate"):
        south, west, north, east = SYRIA_BBOX
        assert south <= lat <= north and west <= lon <= east, "a Syrian place lies outside Syria"


def test_demonyms_point_to_curated_places(gazetteer):
    for demonym, place_id in load_demonyms(GAZETTEER_DIR / "demonyms.tsv"):
        assert place_id in gazetteer.places, demonym


@pytest.mark.parametrize(
    "name, place_id",
    [
        ("Damascus", "170654"),
        ("Kafr Ruma", "geomap:kafr-ruma"),
        ("Kafrouma", "geomap:kafr-ruma"),
        ("Khmeimim Air Base", "geomap:khmeimim-air-base"),
        ("Hmeimim airbase", "geomap:khmeimim-air-base"),
        ("Maaret al-Numan", "167611"),
        ("Türkiye", "298795"),
        ("Turkiye", "298795"),
        ("Jisr al-Shughour", "169023"),
    ],
)
def test_lookup_finds_the_place(gazetteer, name, place_id):
    assert place_id in {place.id for place in gazetteer.lookup(name)}


def test_lookup_of_an_exclusion_or_demonym_finds_no_place(gazetteer):
    assert gazetteer.lookup("Radio Free Europe") == []
    assert gazetteer.lookup("Syrian") == []


# ------------------------------------------------------------------------------------------
# Malformed files: the message names the path, the line and the column

HEADER = "\t".join(PLACE_COLUMNS)
GOOD_ROW = "170654\tDamascus\tDimashq\tcity\tSY\tDamascus Governorate\t33.5102\t36.29128\t1569394\tgeonames"


def _row(**changes) -> str:
    values = dict(zip(PLACE_COLUMNS, GOOD_ROW.split("\t")))
    values.update(changes)
    return "\t".join(values[name] for name in PLACE_COLUMNS)


def _write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# Each file: a comment on line 1, the header on line 2, a good row on line 3, then the bad line 4.
BAD_PLACES = [
    # (case, header, bad line, line number, column fragment or None)
    ("unknown column", HEADER.replace("aliases", "alias"), GOOD_ROW, 2, "column 3"),
    ("non-numeric lat", HEADER, _row(id="5", lat="33,51"), 4, "column 7 (lat)"),
    ("lat 123", HEADER, _row(id="6", lat="123"), 4, "column 7 (lat)"),
    ("lon 200", HEADER, _row(id="7", lon="200"), 4, "column 8 (lon)"),
    ("lat nan", HEADER, _row(id="8", lat="nan"), 4, "column 7 (lat)"),
    ("too few columns", HEADER, GOOD_ROW.rsplit("\t", 1)[0], 4, None),
    ("too many columns", HEADER, GOOD_ROW + "\textra", 4, None),
    ("unknown kind", HEADER, _row(id="1", kind="metropolis"), 4, "column 4 (kind)"),
    ("duplicate id", HEADER, _row(name="Damascus again"), 4, "column 1 (id)"),
    ("empty name", HEADER, _row(id="2", name=""), 4, "column 2 (name)"),
    ("bad population", HEADER, _row(id="3", population="1.5M"), 4, "column 9 (population)"),
]


@pytest.mark.parametrize("case, header, bad, line, column", BAD_PLACES, ids=[case[0] for case in BAD_PLACES])
def test_malformed_places_row_names_file_line_and_column(tmp_path, case, header, bad, line, column):
    path = _write(tmp_path / "places.tsv", "# test gazetteer", header, GOOD_ROW, bad)
    with pytest.raises(GazetteerError) as caught:
        load_places(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}:"), message
    if column:
        assert column in message, message
    assert "\n" not in message


def test_unknown_header_column_is_named(tmp_path):
    path = _write(tmp_path / "places.tsv", HEADER.replace("aliases", "alias"), GOOD_ROW)
    with pytest.raises(GazetteerError, match="'alias'"):
        load_places(path)


def test_non_numeric_lat_names_the_value(tmp_path):
    path = _write(tmp_path / "places.tsv", HEADER, _row(lat="north"))
    with pytest.raises(GazetteerError, match="'north'"):
        load_places(path)


def test_gazetteer_error_is_a_value_error_and_a_geomap_error(tmp_path):
    path = _write(tmp_path / "places.tsv", HEADER, _row(lat="123"))
    with pytest.raises(ValueError):
        load_places(path)
    with pytest.raises(GeomapError):
        load_places(path)


def _curated_dir(tmp_path: Path, demonym_lines: list[str]) -> Path:
    folder = tmp_path / "gaz"
    folder.mkdir()
    _write(folder / "places.tsv", HEADER, GOOD_ROW)
    _write(folder / "demonyms.tsv", "# demonyms", "demonym\tplace_id", "Damascene\t170654", *demonym_lines)
    return folder


def test_demonym_of_unknown_place_names_the_file_and_the_id(tmp_path):
    folder = _curated_dir(tmp_path, ["Martian\tgeomap:mars"])
    with pytest.raises(GazetteerError) as caught:
        load_curated(folder)
    message = str(caught.value)
    assert str(folder / "demonyms.tsv") in message
    assert "geomap:mars" in message


def test_demonym_of_unknown_place_names_line_and_column(tmp_path):
    folder = _curated_dir(tmp_path, ["Martian\tgeomap:mars"])
    with pytest.raises(GazetteerError) as caught:
        load_curated(folder)
    message = str(caught.value)
    assert f"{folder / 'demonyms.tsv'}:4:" in message
    assert "column 2" in message


def test_missing_places_file_names_the_path(tmp_path):
    path = tmp_path / "nowhere" / "places.tsv"
    with pytest.raises(GazetteerError, match="not found") as caught:
        load_places(path)
    assert str(path) in str(caught.value)


def test_missing_gazetteer_folder_names_the_path(tmp_path):
    with pytest.raises(GazetteerError) as caught:
        load_curated(tmp_path / "no-such-folder")
    assert str(tmp_path / "no-such-folder") in str(caught.value)


def _non_utf8_file(tmp_path: Path) -> Path:
    path = tmp_path / "places.tsv"
    data = "\n".join(["# test", HEADER, GOOD_ROW, _row(id="4", name="Hamah")]).encode("utf-8")
    path.write_bytes(data.replace(b"Hamah", b"\xc7am\xe2h") + b"\n")  # Latin-1 bytes on line 4
    return path


def test_non_utf8_file_names_the_path(tmp_path):
    path = _non_utf8_file(tmp_path)
    with pytest.raises(GazetteerError, match="UTF-8") as caught:
        load_places(path)
    assert str(path) in str(caught.value)


def test_non_utf8_file_names_the_line(tmp_path):
    path = _non_utf8_file(tmp_path)
    with pytest.raises(GazetteerError) as caught:
        load_places(path)
    assert f"{path}:4" in str(caught.value)


# ------------------------------------------------------------------------------------------
# Case rules of written forms


@pytest.mark.parametrize(
    "text, surfaces",
    [
        ("They told us the truth.", []),
        ("Us and them.", []),
        ("US troops left.", ["US"]),
        ("The U.S., Pompeo said, condemns the attacks.", ["U.S."]),
        ("calls from U.S. Secretary of State Mike Pompeo", ["U.S."]),
        ("a turkey for dinner", []),
        ("Turkey closed the border.", ["Turkey"]),
        ("TURKEY CLOSES BORDER", ["TURKEY"]),
        ("jordan", []),
    ],
)
def test_case_rules(gazetteer, text, surfaces):
    mentions = find_mentions(text, gazetteer)
    assert [m.surface for m in mentions] == surfaces
    assert all(text[m.start : m.end] == m.surface for m in mentions)
