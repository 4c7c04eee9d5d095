"""The gazetteer: places, their names, and one Aho-Corasick automaton over the folded names.

Why an automaton: matching cost is linear in the text and independent of how many names the
gazetteer holds (pyahocorasick, a C extension). Keys are folded names (:mod:`geomap.normalize`);
each key maps to an integer entry id, and the entry says what the key is: place names (with the
ids of every place that bears the name), demonyms, or exclusions (organisations such as
"Radio Free Europe" that contain a place name but are not one).

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
import hashlib
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeAlias

import ahocorasick

from geomap.errors import GazetteerError
from geomap.model import Place
from geomap.normalize import name_keys

__all__ = [
    "Entry",
    "Gazetteer",
    "SpanIndex",
    "span_rows",
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
    "case_pattern",
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
)  # fmt: skip

ENTRY_PLACE = "place"
ENTRY_DEMONYM = "demonym"
ENTRY_EXCLUDE = "exclude"
ENTRY_ABBREVIATION = "abbreviation"


def case_pattern(form: str) -> tuple[int, ...]:
    """How a written form constrains the case of a matching surface, token by token.

    0: any case; 1: must start with a capital; 2: must be all capitals (abbreviations such as "US").
    Why: "US" must not match the pronoun "us", and "Idlib" must be a proper noun in the text, while
    "northern Syria" accepts "Northern Syria".
    """
    pattern = []
    for token in _tokens(form):
        if len(token) >= 2 and token.isupper() and token.isalpha():
            pattern.append(2)
        elif token[:1].isupper():
            pattern.append(1)
        else:
            pattern.append(0)
    return tuple(pattern)


_TOKEN = re.compile(r"[^\W_]+(?:['’‘`ʿʾ][^\W_]+)*")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def case_allows(patterns: Iterable[tuple[int, ...]], surface: str) -> bool:
    """True when ``surface`` is written as at least one of the forms it matched allows."""
    tokens = _tokens(surface)
    for pattern in patterns:
        if len(pattern) != len(tokens):
            pattern = pattern[:1]  # token counts differ (e.g. "U.S." vs "US"): judge the first token
        if all(_token_ok(rule, tok) for rule, tok in zip(pattern, tokens)):
            return True
    return False


def _token_ok(rule: int, token: str) -> bool:
    if rule == 2:
        return token.isupper()
    if rule == 1:
        return token[:1].isupper() or token[:1].isdigit()
    return True


@dataclass
class Entry:
    """What one folded key means. ``patterns`` are the case patterns of the forms it came from."""

    key: str
    type: str
    place_ids: list[str] = field(default_factory=list)
    patterns: set[tuple[int, ...]] = field(default_factory=set)
    label: str = ""


class SpanIndex:
    """Which word spans of a folded text are keys, and which go on into longer keys.

    A lookup table over every key *and every word prefix of a key* (" new" of " new york"):
    ``find`` returns, for each span it holds, ``(entry id or -1, whether a longer key starts with
    the span and a space)``. Matching a text then asks for its one-word spans, then extends only
    those that go on: the cost is linear in the text (a few lookups per word) and independent of
    the gazetteer's size, like the automaton, but nothing has to be loaded first. This in-memory
    form serves small gazetteers and tests; the world store keeps the same table in SQLite.
    """

    def __init__(self, rows: Mapping[str, tuple[int, bool]]) -> None:
        self._rows = rows

    @classmethod
    def from_keys(cls, keys: Iterable[tuple[int, str]]) -> SpanIndex:
        return cls(dict(span_rows(keys)))

    def find(self, spans: Iterable[str]) -> dict[str, tuple[int, bool]]:
        rows = self._rows
        return {span: rows[span] for span in spans if span in rows}


def span_rows(keys: Iterable[tuple[int, str]]) -> list[tuple[str, tuple[int, bool]]]:
    """``(span, (entry id or -1, goes on))`` for every key and word prefix, sorted by span."""
    return list(iter_span_rows(keys))


def iter_span_rows(keys: Iterable[tuple[int, str]]) -> Iterator[tuple[str, tuple[int, bool]]]:
    """:func:`span_rows` one row at a time (the world compile writes them straight into its store).

    A key given twice keeps its last entry id. Memory: one dict of keys and one set of prefixes, no
    object per row until it is yielded.
    """
    eids: dict[str, int] = dict((key, eid) for eid, key in keys)
    goes_on: set[str] = set()
    for key in eids:
        cut = key.find(" ", 1)
        while cut > 0:
            goes_on.add(key[:cut])
            cut = key.find(" ", cut + 1)
    spans = sorted(eids.keys() | goes_on)
    for span in spans:
        yield span, (eids.get(span, -1), span in goes_on)


class Gazetteer:
    """Places by id, plus an automaton from folded name keys to :class:`Entry` objects.

    Parameters
    ----------
    places
        Mapping from place id to :class:`~geomap.model.Place`. A read-only mapping backed by a
        store works as well as a dict.
    entries
        Entry id to :class:`Entry`, the values of ``automaton``.
    automaton
        A finalised ``ahocorasick.Automaton`` mapping each key to its integer entry id, or a
        zero-argument function that loads it (on first use of :attr:`automaton`).
    version
        A digest of the data, recorded with results so that a changed gazetteer is noticed.
    spans
        Optional :class:`SpanIndex` over the same keys. Why: loading the world automaton takes about
        a second, more than parsing one new article; with a span index a small job needs no automaton
        (see :func:`geomap.extract.find_mentions`).
    """

    def __init__(
        self,
        *,
        places: Mapping[str, Place],
        entries: Mapping[int, Entry],
        automaton: ahocorasick.Automaton | Callable[[], ahocorasick.Automaton],
        version: str,
        spans: SpanIndex | None = None,
    ) -> None:
        self.places = places
        self.entries = entries
        if isinstance(automaton, ahocorasick.Automaton):
            self._automaton, self._load_automaton = automaton, None
        else:
            self._automaton, self._load_automaton = None, automaton
        self.spans = spans
        self.version = version
        #: Derived per-name and per-place data the pipeline steps cache between articles (speed only:
        #: each step keeps its own bounded dict under its own key; the data above never changes).
        self.memo: dict[str, dict] = {}

    @property
    def automaton(self) -> ahocorasick.Automaton:
        """The automaton over every key, loaded on first use when it was given as a loader."""
        if self._automaton is None:
            self._automaton = self._load_automaton()
        return self._automaton

    @property
    def automaton_loaded(self) -> bool:
        return self._automaton is not None

    def key_id(self, key: str) -> int | None:
        """The entry id of a folded key, or None; without loading the automaton when a span index can answer."""
        if self.spans is not None and self._automaton is None:
            found = self.spans.find([key]).get(key)
            return found[0] if found is not None and found[0] >= 0 else None
        return self.automaton.get(key, None)

    def place(self, place_id: str) -> Place:
        return self.places[place_id]

    def lookup(self, name: str) -> list[Place]:
        """Every place that bears ``name`` (any spelling variant); for scripts and tests."""
        found: dict[str, Place] = {}
        for key in name_keys(name):
            eid = self.key_id(key)
            if eid is not None and self.entries[eid].type == ENTRY_PLACE:
                for pid in self.entries[eid].place_ids:
                    found[pid] = self.places[pid]
        return list(found.values())

    @classmethod
    def from_records(
        cls,
        places: Iterable[Place],
        *,
        demonyms: Iterable[tuple[str, str]] = (),
        exclusions: Iterable[tuple[str, str]] = (),
        abbreviations: Iterable[tuple[str, str]] = (),
    ) -> Gazetteer:
        """Build an in-memory gazetteer. Earlier places win on duplicate ids (curated first)."""
        by_id: dict[str, Place] = {}
        for place in places:
            by_id.setdefault(place.id, place)
        builder = name_entries(by_id, demonyms=demonyms, exclusions=exclusions, abbreviations=abbreviations)
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        entries: dict[int, Entry] = {}
        for eid, entry in enumerate(builder.entries()):
            entries[eid] = entry
            automaton.add_word(entry.key, eid)
        automaton.make_automaton()
        return cls(places=by_id, entries=entries, automaton=automaton, version=builder.digest())


def name_entries(
    places: Mapping[str, Place] | Iterable[Place],
    *,
    demonyms: Iterable[tuple[str, str]] = (),
    exclusions: Iterable[tuple[str, str]] = (),
    abbreviations: Iterable[tuple[str, str]] = (),
) -> _EntryBuilder:
    """Every name of every kind, folded into entries: what both the in-memory and the compiled gazetteer index.

    ``places`` is a mapping by id, or a stream of places with distinct ids read once in order (the
    world compile writes each place to its store as it passes, and keeps none). Demonyms and
    abbreviations of places that are not loaded are skipped (a curated-only load has no US states for
    "La." to name).
    """
    builder = _EntryBuilder()
    if isinstance(places, Mapping):
        known, seen = places, None
        places = places.values()
    else:
        known = seen = set()
    for place in places:
        if seen is not None:
            seen.add(place.id)
        for form in (place.name, *place.aliases):
            builder.add(form, ENTRY_PLACE, place.id)
    for demonym, place_id in demonyms:
        if place_id in known:
            builder.add(demonym, ENTRY_DEMONYM, place_id)
    for abbreviation, place_id in abbreviations:
        if place_id in known:
            builder.add(abbreviation, ENTRY_ABBREVIATION, place_id)
    for phrase, what in exclusions:
        builder.add(phrase, ENTRY_EXCLUDE, label=what)
    return builder


class _EntryBuilder:
    """Collects forms per folded key: exclusions beat abbreviations, which beat demonyms ("Thai" is the
    adjective before it is a village), which beat places.

    Kept compact, since the world holds half a million keys: per key one tuple ``(type, label,
    patterns, *place ids)``, the patterns a shared frozenset (a few hundred distinct sets);
    :meth:`entries` and :meth:`pop_entries` turn them into :class:`Entry` objects.
    """

    _RANK = {ENTRY_EXCLUDE: 0, ENTRY_ABBREVIATION: 1, ENTRY_DEMONYM: 2, ENTRY_PLACE: 3}

    def __init__(self) -> None:
        self._by_key: dict[str, tuple] = {}
        self._hash = hashlib.sha256()
        self._pattern_sets: dict[tuple[frozenset, tuple[int, ...]], frozenset] = {}

    def add(self, form: str, type_: str, place_id: str = "", label: str = "") -> None:
        self._hash.update(f"{form}\t{type_}\t{place_id}\t{label}\n".encode())
        by_key, rank = self._by_key, self._RANK
        pattern = None
        for key in name_keys(form):
            found = by_key.get(key)
            if found is None or rank[type_] < rank[found[0]]:
                found = (type_, label, frozenset())  # a new entry (or one that replaces a weaker kind)
            elif found[0] != type_:
                continue
            if place_id and place_id not in found[3:]:
                found = (*found, place_id)
            if pattern is None:
                pattern = case_pattern(form)
            if pattern not in found[2]:
                found = (*found[:2], self._with(found[2], pattern), *found[3:])
            by_key[key] = found

    def _with(self, patterns: frozenset, pattern: tuple[int, ...]) -> frozenset:
        """``patterns | {pattern}``, one shared object per distinct set."""
        grown = self._pattern_sets.get((patterns, pattern))
        if grown is None:
            grown = self._pattern_sets[(patterns, pattern)] = patterns | {pattern}
        return grown

    def __len__(self) -> int:
        return len(self._by_key)

    def entries(self) -> list[Entry]:
        return [self._entry(key, self._by_key[key]) for key in sorted(self._by_key)]

    def pop_entries(self) -> Iterator[Entry]:
        """:meth:`entries` one by one, each dropped from the builder as it is yielded (bounded memory)."""
        by_key = self._by_key
        for key in sorted(by_key):
            yield self._entry(key, by_key.pop(key))

    @staticmethod
    def _entry(key: str, found: tuple) -> Entry:
        type_, label, patterns, *ids = found
        return Entry(key=key, type=type_, place_ids=ids, patterns=set(patterns), label=label)

    def digest(self) -> str:
        return self._hash.hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# Reading the curated TSV files


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
