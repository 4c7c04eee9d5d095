"""The curated gazetteer files: plain TSV tables reviewed by hand, read into a :class:`Gazetteer`.

Curated data lives in plain TSV files (see the README for the format): ``places.tsv``,
``demonyms.tsv``, ``exclusions.tsv``, ``abbreviations.tsv``. The built-in ones ship as package data
(the checkout's ``gazetteer/`` folder, see :mod:`geomap.paths`); the user's folder and ``--gazetteer``
folders are read after them (:func:`curated_dirs`, :func:`read_curated`). A malformed row raises
:class:`~geomap.errors.GazetteerError` naming file, line and column.
"""

from __future__ import annotations

import csv
import dataclasses
import fnmatch
import math
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeAlias

from geomap.errors import GazetteerError
from geomap.gazetteer.index import Gazetteer
from geomap.model import PHYSICAL_KINDS, Place

__all__ = [
    "KINDS",
    "PLACE_COLUMNS",
    "GazetteerDirs",
    "CuratedData",
    "builtin_dir",
    "curated_dirs",
    "curated_files",
    "read_curated",
    "load_places",
    "load_demonyms",
    "load_exclusions",
    "load_abbreviations",
    "load_curated",
]

#: One gazetteer folder (a path, or the package-data folder as importlib.resources gives it), several
#: (read in order), or None: the built-in data and then the user's folder (:func:`curated_dirs`).
GazetteerDir: TypeAlias = "str | os.PathLike[str] | Traversable"
GazetteerDirs: TypeAlias = "GazetteerDir | Sequence[GazetteerDir] | None"
PLACES_GLOB = "*places*.tsv"
OPTIONAL_FILES = ("demonyms.tsv", "exclusions.tsv", "abbreviations.tsv")
PLACE_COLUMNS = ("id", "name", "aliases", "kind", "country", "admin1", "lat", "lon", "population", "source")
DEMONYM_COLUMNS = ("demonym", "place_id")
ABBREVIATION_COLUMNS = ("abbreviation", "place_id")
EXCLUSION_COLUMNS = ("phrase", "what")
KINDS = frozenset(
    {
        "continent", "region", "country", "province", "district", "city", "town", "village", "camp",
        "neighbourhood", "military base", "airport", "crossing", "road", "landmark", "water", "mountain",
        "island", "place",
    }
) | PHYSICAL_KINDS  # fmt: skip


def _rows(path: Path, columns: tuple[str, ...]) -> Iterable[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a TSV with a header, skipping ``#`` comments and blank lines."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise GazetteerError(f"{path}: gazetteer file not found") from err
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise GazetteerError(f"{path}:{line}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]
    if not numbered:
        raise GazetteerError(f"{path}: empty gazetteer file (expected a header: {' '.join(columns)})")
    header_line, header = numbered[0]
    names = next(csv.reader([header], delimiter="\t"))
    unknown = [name for name in names if name not in columns]
    if unknown:
        col = names.index(unknown[0]) + 1
        raise GazetteerError(
            f"{path}:{header_line}: column {col}: unknown column {unknown[0]!r} (expected: {', '.join(columns)})"
        )
    missing = [name for name in columns if name not in names]
    if missing:
        raise GazetteerError(f"{path}:{header_line}: missing column {missing[0]!r}")
    for number, line in numbered[1:]:
        values = line.split("\t")
        if len(values) != len(names):
            raise GazetteerError(f"{path}:{number}: expected {len(names)} tab-separated columns, found {len(values)}")
        yield number, dict(zip(names, (value.strip() for value in values)))


def _column_error(path: Path, number: int, columns: tuple[str, ...], row: dict, name: str, why: str):
    col = list(row).index(name) + 1 if name in row else columns.index(name) + 1
    return GazetteerError(f"{path}:{number}: column {col} ({name}): {why}")


def _number(path: Path, number: int, row: dict, name: str, low: float, high: float) -> float:
    raw = row[name]
    try:
        value = float(raw)
    except ValueError:
        raise _column_error(path, number, PLACE_COLUMNS, row, name, f"not a number: {raw!r}") from None
    if not (math.isfinite(value) and low <= value <= high):
        raise _column_error(path, number, PLACE_COLUMNS, row, name, f"{raw} is outside [{low}, {high}]")
    return value


def load_places(path: Path) -> list[Place]:
    """Read a places TSV (columns :data:`PLACE_COLUMNS`)."""
    places = []
    seen: set[str] = set()
    for number, row in _rows(path, PLACE_COLUMNS):
        for required in ("id", "name", "kind"):
            if not row[required]:
                raise _column_error(path, number, PLACE_COLUMNS, row, required, "must not be empty")
        if row["id"] in seen:
            raise _column_error(path, number, PLACE_COLUMNS, row, "id", f"duplicate id {row['id']!r}")
        seen.add(row["id"])
        if row["kind"] not in KINDS:
            why = f"unknown kind {row['kind']!r} (one of: {', '.join(sorted(KINDS))})"
            raise _column_error(path, number, PLACE_COLUMNS, row, "kind", why)
        population = row["population"] or "0"
        if not population.isdigit():
            raise _column_error(path, number, PLACE_COLUMNS, row, "population", f"not a count: {population!r}")
        places.append(
            Place(
                id=row["id"],
                name=row["name"],
                kind=row["kind"],
                country=row["country"],
                admin1=row["admin1"],
                lat=_number(path, number, row, "lat", -90, 90),
                lon=_number(path, number, row, "lon", -180, 180),
                population=int(population),
                source=row["source"],
                aliases=tuple(alias.strip() for alias in row["aliases"].split("|") if alias.strip()),
            )
        )
    return places


def load_demonyms(path: Path) -> list[tuple[str, str]]:
    return [(row["demonym"], row["place_id"]) for _, row in _rows(path, DEMONYM_COLUMNS)]


def load_abbreviations(path: Path) -> list[tuple[str, str]]:
    return [(row["abbreviation"], row["place_id"]) for _, row in _rows(path, ABBREVIATION_COLUMNS)]


def load_exclusions(path: Path) -> list[tuple[str, str]]:
    return [(row["phrase"], row["what"]) for _, row in _rows(path, EXCLUSION_COLUMNS)]


# ---------------------------------------------------------------------------------------------
# Which folders, and reading them in order


def builtin_dir() -> Traversable:
    """The built-in curated gazetteer (package data); :class:`GazetteerError` when it is not installed."""
    from geomap.paths import builtin_gazetteer_dir

    return builtin_gazetteer_dir()


def curated_dirs(extra: GazetteerDirs = None, *, user: bool = True) -> tuple[Traversable, ...]:
    """The folders a load reads, in order: the built-in data, the user's folder, then ``extra``.

    The user's folder (:func:`geomap.paths.user_gazetteer_dir`) counts when it holds a TSV file.
    ``extra`` is one folder or a list (``--gazetteer``). A folder given twice is read once.
    """
    dirs = [builtin_dir()]
    if user:
        from geomap.paths import user_gazetteer_dir

        own = user_gazetteer_dir()
        if own.is_dir() and any(own.glob("*.tsv")):
            dirs.append(own)
    dirs.extend(_as_dirs(extra))
    return _unique(dirs)


def _as_dirs(value: GazetteerDirs) -> list[Traversable]:
    if value is None:
        return []
    if isinstance(value, (str, os.PathLike)):
        return [Path(value)]
    if isinstance(value, Traversable):
        return [value]
    return [Path(item) if isinstance(item, (str, os.PathLike)) else item for item in value]


def _unique(dirs: Iterable[Traversable]) -> tuple[Traversable, ...]:
    seen: dict[str, Traversable] = {}
    for directory in dirs:
        key = str(directory.resolve()) if isinstance(directory, Path) else str(directory)
        seen.setdefault(key, directory)
    return tuple(seen.values())


def _resolve(curated: GazetteerDirs) -> tuple[Traversable, ...]:
    """None: :func:`curated_dirs`; one folder: only that folder; a list: those folders, in order."""
    return curated_dirs() if curated is None else _unique(_as_dirs(curated))


def _files(directory: Traversable, pattern: str) -> list[Traversable]:
    return sorted((item for item in directory.iterdir() if fnmatch.fnmatchcase(item.name, pattern)), key=_name)


def _name(item: Traversable) -> str:
    return item.name


def curated_files(curated: GazetteerDirs = None) -> Iterator[tuple[int, str, bytes]]:
    """``(folder index, file name, bytes)`` of every TSV file of the folders, in reading order (for digests)."""
    for index, directory in enumerate(_resolve(curated)):
        if directory.is_dir():
            for item in _files(directory, "*.tsv"):
                yield index, item.name, item.read_bytes()


@dataclass
class CuratedData:
    """The rows of the curated folders, merged: what both the curated and the world gazetteer index."""

    places: list[Place]
    demonyms: list[tuple[str, str]]
    exclusions: list[tuple[str, str]]
    abbreviations: list[tuple[str, str]]


def read_curated(curated: GazetteerDirs = None) -> CuratedData:
    """Read the curated folders in order (see :func:`curated_dirs`); the first one must hold a places file.

    Precedence: the first row of a place id keeps its fields (built-in rows win); a later row with the
    same id adds its name and aliases to that place; new ids add places. Demonyms, exclusions and
    abbreviations of every folder are added. Every demonym must name a place of some folder.
    """
    places: dict[str, Place] = {}
    data = CuratedData([], [], [], [])
    demonym_files: list[Traversable] = []
    for index, directory in enumerate(_resolve(curated)):
        if not directory.is_dir():
            raise GazetteerError(f"{directory}: gazetteer folder not found")
        place_files = _files(directory, PLACES_GLOB)
        if index == 0 and not place_files:
            raise GazetteerError(f"{directory}: no places TSV file (expected e.g. places.tsv)")
        if index > 0:
            _check_extension(directory, place_files)
        for path in place_files:
            for place in load_places(path):
                known = places.get(place.id)
                places[place.id] = place if known is None else _with_names(known, place)
        demonyms = directory.joinpath("demonyms.tsv")
        if demonyms.is_file():
            demonym_files.append(demonyms)
        data.demonyms += _optional(demonyms, load_demonyms)
        data.exclusions += _optional(directory.joinpath("exclusions.tsv"), load_exclusions)
        data.abbreviations += _optional(directory.joinpath("abbreviations.tsv"), load_abbreviations)
    for path in demonym_files:
        _check_demonyms(path, set(places))
    data.places = list(places.values())
    return data


def _check_extension(directory: Traversable, place_files: list[Traversable]) -> None:
    """An added folder must hold gazetteer files, and no TSV file whose name geomap would ignore."""
    known = {item.name for item in place_files} | set(OPTIONAL_FILES)
    tsv = [item.name for item in _files(directory, "*.tsv")]
    unknown = [name for name in tsv if name not in known]
    expected = f"expected *places*.tsv, {', '.join(OPTIONAL_FILES)}"
    if unknown:
        raise GazetteerError(f"{directory / unknown[0]}: unknown gazetteer file ({expected})")
    if not tsv:
        raise GazetteerError(f"{directory}: no gazetteer TSV files ({expected})")


def _with_names(place: Place, later: Place) -> Place:
    names = [name for name in (later.name, *later.aliases) if name != place.name and name not in place.aliases]
    return dataclasses.replace(place, aliases=(*place.aliases, *dict.fromkeys(names))) if names else place


def load_curated(directory: GazetteerDirs = None) -> Gazetteer:
    """The curated gazetteer: the built-in files and the user's folder (default), one folder, or several in order.

    Each folder's ``*places*.tsv`` files, then ``demonyms.tsv``, ``exclusions.tsv`` and
    ``abbreviations.tsv``; see :func:`read_curated` for the precedence.
    """
    data = read_curated(directory)
    return Gazetteer.from_records(
        data.places, demonyms=data.demonyms, exclusions=data.exclusions, abbreviations=data.abbreviations
    )


def _check_demonyms(path: Traversable, known: set[str]) -> None:
    """Every demonym must name a curated place: a typo in place_id would silently drop it."""
    for number, row in _rows(path, DEMONYM_COLUMNS):
        if row["place_id"] not in known:
            why = f"place_id {row['place_id']!r} is not in any places file"
            raise _column_error(path, number, DEMONYM_COLUMNS, row, "place_id", why)


def _optional(path: Traversable, loader) -> list:
    return loader(path) if path.is_file() else []
