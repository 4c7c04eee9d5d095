"""The local store: articles and their events-table rows in one SQLite file, so re-runs are incremental.

Why: users re-run geomap from cron jobs whenever new articles arrive, sometimes over hundreds of
thousands of articles. Re-parsing everything each time is slow; keeping rows in memory is lost on a
crash. The store keeps, per article, the sha256 of its content (id, title, text, date, url, source)
and the rows :func:`geomap.events.article_rows` made of it, so a build only parses what is new or
changed and re-renders the table from stored rows.

Layout (``PRAGMA user_version`` = :data:`SCHEMA_VERSION`)::

    meta(key, value)                      version token of the pipeline, reader options
    files(path, size, mtime_ns, articles) stat of each source file read in full
    articles(path, idx, hash, article_id) the idx-th article of a file, by content hash
    parsed(hash, version, rows)           which pipeline version produced the rows of a hash
    rows(hash, seq, data)                 one events-table row as a JSON object
    cache(key, value)                     derived data worth keeping between runs (the map's
                                          encoded data parts), keyed by a digest of its inputs

Rows are JSON objects, so new columns (``event_type``, ...) need no schema migration: the pipeline
version token (gazetteer version + the names and kinds of the columns of
:data:`~geomap.events.EVENT_SCHEMA`) changes and every article is re-resolved on the next update (all
of them, not only those a change affects). Rows keep JSON values (dates as ISO text, cues as a list);
a table made of them is typed by :func:`geomap.events.schema.frame`.

Safety: WAL mode; an article's rows are replaced inside one transaction, and work is committed in
small batches, so a process killed at any point leaves a consistent store and the next run resumes.
One writer at a time: ``<store>.lock`` is taken (an OS lock, released by the kernel when a process
dies; the file holds the holder's pid and is removed on release) and a second build fails at once
with :class:`~geomap.errors.StoreError`. A store this process created is removed again when the
build fails (:meth:`Store.discard`), so a failed first build leaves nothing behind.

Where: a store the caller names, else :func:`default_store_path`, in the cache folder
(``$GEOMAP_STORE_DIR``, else ``stores/`` in :func:`geomap.paths.cache_dir`), so nothing but the
outputs appears next to the outputs.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from geomap.errors import SourceError, StoreError, printable
from geomap.events import schema
from geomap.model import Article
from geomap.sources import STDIN, path_order, read_file, source_paths

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["SCHEMA_VERSION", "MEMORY", "Store", "StoreUpdate", "article_hash", "default_store_path", "stores_dir"]

SCHEMA_VERSION = 2
#: Pass as ``path`` for a throw-away store that lives in memory (no file, no lock).
MEMORY = ":memory:"
_SCAN_ABOVE = 2000  # articles: reading more than this many, scan the rows table instead of looking each up
_BATCH = 200  # articles per transaction: small enough to lose little to a kill, large enough to be fast

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, articles INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    path TEXT NOT NULL, idx INTEGER NOT NULL, hash TEXT NOT NULL, article_id TEXT NOT NULL,
    PRIMARY KEY (path, idx)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS articles_hash ON articles (hash);
CREATE TABLE IF NOT EXISTS parsed (hash TEXT PRIMARY KEY, version TEXT NOT NULL, rows INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    hash TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (hash, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_MIGRATIONS = {1: "CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value TEXT NOT NULL);"}


def default_store_path(output: str | Path) -> Path:
    """The store of an output when none is named: ``<cache>/stores/<output name>-<digest of its path>.sqlite``.

    Keyed by the output's resolved path, so each map or export keeps its own store and re-runs find
    it. A store from geomap 0.x next to the output (``maps/index.html.geomap.sqlite``) is still used
    when it exists, so an upgrade does not re-parse everything.
    """
    output = Path(output)
    legacy = output.with_name(output.name + ".geomap.sqlite")
    with contextlib.suppress(OSError):  # a name too long for a suffix cannot have a legacy store
        if legacy.is_file():
            return legacy
    resolved = os.path.realpath(output)
    digest = hashlib.sha256(os.fsencode(resolved)).hexdigest()[:16]
    name = os.fsencode(output.name)[:64].decode("utf-8", "ignore") or "output"
    return stores_dir() / f"{name}-{digest}.sqlite"


def stores_dir() -> Path:
    """Where default stores live: ``$GEOMAP_STORE_DIR``, else ``stores/`` in the cache folder."""
    if os.environ.get("GEOMAP_STORE_DIR"):
        return Path(os.environ["GEOMAP_STORE_DIR"]).expanduser()
    from geomap.paths import cache_dir

    return cache_dir() / "stores"


def article_hash(article: Article) -> str:
    """sha256 of what the rows depend on: id, title, text and metadata (not the file path)."""
    fields = [article.id, article.title, article.text, article.date, article.url, article.source, article.locale]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass
class StoreUpdate:
    """What :meth:`Store.update` did. ``parsed`` counts calls of ``rows_for`` (0 when nothing is new)."""

    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    parsed: int = 0
    #: Articles parsed with part of their work left undone (an online geocoder that failed): their
    #: rows are used now and they are parsed again on the next update.
    retry: int = 0
    files: list[str] = field(default_factory=list)  # the readable source files, in source order
    skipped: list[str] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return self.new + self.changed + self.unchanged


@dataclass
class _FileContext:
    """What storing one file's articles needs besides the file: the update's state and callbacks."""

    rows_for: Callable[[Article], list[dict]]
    version: str
    report: StoreUpdate
    batch: _Batch
    stale_hashes: set[str]
    incomplete: Callable[[], bool] | None


class Store:
    """An open store; use as a context manager so that the lock is released.

    Parameters
    ----------
    path
        The SQLite file (created when missing), or :data:`MEMORY`.
    lock
        Take ``<path>.lock`` so that a concurrent build fails fast instead of interleaving.

    Examples
    --------
    >>> from geomap.store import Store, MEMORY
    >>> with Store(MEMORY) as store:
    ...     len(store.events([]))
    0
    """

    def __init__(self, path: str | Path, *, lock: bool = True) -> None:
        self.path = path if path == MEMORY else Path(path)
        self._lock = None
        #: True when this process made the file: :meth:`discard` may then remove it.
        self.created = self.path != MEMORY and not self.path.exists()
        if self.path != MEMORY:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise StoreError(f"{self.path}: cannot create the store's folder ({err.strerror})") from err
            if lock:
                self._lock = _StoreLock.acquire(self.path)
        try:
            self._db = sqlite3.connect(str(self.path), isolation_level=None, timeout=5.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._init_schema()
        except sqlite3.Error as err:
            self._release()
            raise store_error(self.path, err) from err

    # -- lifecycle ------------------------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
            self._db = None
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def discard(self) -> None:
        """Close, and remove the store if this process created it (a failed first build leaves nothing)."""
        if not self.created:
            self.close()
            return
        db, self._db = getattr(self, "_db", None), None
        if db is not None:
            db.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self._release()

    def _init_schema(self) -> None:
        found = self._db.execute("PRAGMA user_version").fetchone()[0]
        if found == SCHEMA_VERSION:
            return
        if found in _MIGRATIONS:  # an older store: add what is new, keep its articles and rows
            self._db.executescript(f"BEGIN IMMEDIATE;{_MIGRATIONS[found]}PRAGMA user_version={SCHEMA_VERSION};COMMIT;")
            return
        if found != 0:
            raise StoreError(
                f"{self.path}: store schema {found}, this geomap uses {SCHEMA_VERSION}; delete the store to rebuild"
            )
        # One script, one transaction: a kill during creation leaves no half-made schema.
        self._db.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}PRAGMA user_version={SCHEMA_VERSION};COMMIT;")

    def _transaction(self):
        return _Transaction(self._db)

    def integrity_check(self) -> str:
        """``"ok"`` or SQLite's first complaint (``PRAGMA integrity_check``)."""
        return self._db.execute("PRAGMA integrity_check").fetchone()[0]

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def noted(self, key: str) -> str | None:
        """A value a caller noted with :meth:`note` (e.g. the digest of the map last written)."""
        return self._meta(f"note:{key}")

    def note(self, key: str, value: str) -> None:
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"note:{key}", value))

    # -- update ---------------------------------------------------------------------------------

    def update(
        self,
        sources: Iterable[str | Path],
        *,
        rows_for: Callable[[Article], list[dict]],
        version: str,
        fields: Mapping[str, str] | None = None,
        on_skip: Callable[[SourceError], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
        files: list[str] | None = None,
        incomplete: Callable[[], bool] | None = None,
        on_warning: Callable[[str], None] | None = None,
        keep: Sequence[str] = (),
        stdin: Sequence[Article] | None = None,
    ) -> StoreUpdate:
        """Bring the store in line with ``sources``: parse new/changed articles, drop removed ones.

        A file whose size and mtime are those recorded is not even read. ``version`` identifies the
        pipeline (gazetteer and columns); rows made by another version are made again. ``rows_for``
        turns one article into its events-table rows; ``progress(done, total)`` is called per file.
        ``files``: the article files of ``sources`` when the caller has listed them already.
        ``incomplete()``, asked right after each ``rows_for``, says that article's rows lack work
        that failed (an online geocoder down): they are stored under a version no run matches and
        their file is not recorded as read, so the next update reads and parses it again.
        ``keep``: paths that exist but could not be read (:attr:`SourceListing.unreadable`); the
        articles stored from under them stay, as do those of a file that cannot be read for lack of
        permission: a passing permission problem must not take articles off the map.
        ``stdin``: the articles of ``-`` in ``files`` (standard input, read by the caller).
        """
        report = StoreUpdate()
        files = source_paths(sources) if files is None else files
        reader = json.dumps(sorted((fields or {}).items()))
        with self._transaction():
            if self._meta("version") != version or self._meta("reader") != reader:
                # Another pipeline or reader: every file must be read again (hashes still spare the unchanged).
                self._db.execute("DELETE FROM files")
                self._db.executemany(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)", [("version", version), ("reader", reader)]
                )
        known = {row[0]: row[1:] for row in self._db.execute("SELECT path, size, mtime_ns, articles FROM files")}
        stale_hashes: set[str] = set()
        kept: list[str] = []
        batch = _Batch(self._db)
        context = _FileContext(rows_for, version, report, batch, stale_hashes, incomplete)
        try:
            for done, key in enumerate(files, 1):
                if key == STDIN:
                    self._store_file(key, None, list(stdin or ()), context, record=False)
                    report.files.append(key)
                    continue
                try:
                    stat = os.stat(key)
                except OSError as err:
                    self._skip(report, on_skip, SourceError(f"{key}: cannot read ({err.strerror})"), key, context)
                    continue
                seen = known.get(key)
                if seen is not None and seen[0] == stat.st_size and seen[1] == stat.st_mtime_ns:
                    report.unchanged += seen[2]
                    report.files.append(key)
                else:
                    bad_records: list[SourceError] = []
                    try:
                        found = read_file(key, fields=fields, on_skip=bad_records.append, on_warning=on_warning)
                        articles = list(found)
                    except SourceError as err:
                        if self._skip(report, on_skip, err, key, context):
                            kept.append(key)
                        continue
                    for err in bad_records:  # the file's other records are kept; it is read again next run
                        report.skipped.append(str(err))
                        if on_skip is not None:
                            on_skip(err)
                    self._store_file(key, stat, articles, context, record=not bad_records)
                    report.files.append(key)
                if progress is not None:
                    progress(done, len(files))
            batch.commit()
            report.files = self._with_kept([os.fspath(source) for source in sources], report.files, kept, keep)
            self._drop_removed(set(report.files), report, stale_hashes)
        finally:
            batch.rollback()
        return report

    def _with_kept(self, sources: list[str], files: list[str], kept: list[str], keep: Sequence[str]) -> list[str]:
        """``files`` plus the stored files kept although they could not be read now: ``kept`` (files
        denied to us) and the stored files under a ``keep`` path, each where a listing puts it (by
        source, then path order), so the output is the one the readable folder would give."""
        if not kept and not keep:
            return files
        listed = set(files)
        under = tuple(path.rstrip("/") + "/" for path in keep)
        stored = [path for (path,) in self._db.execute("SELECT DISTINCT path FROM articles")]
        extra = [p for p in stored if p not in listed and (p in kept or p in keep or p.startswith(under))]
        if not extra:
            return files
        prefixes = [source.rstrip("/") + "/" for source in sources]

        def rank(path: str) -> tuple[int, str]:
            matches = (n for n, source in enumerate(sources) if path == source or path.startswith(prefixes[n]))
            return next(matches, len(sources)), path_order(path)

        return sorted(files + extra, key=rank)

    def _skip(self, report, on_skip, err: SourceError, key: str, context: _FileContext) -> bool:
        """A file that cannot be read is reported. Its old articles leave the map (as a fresh build
        would), unless it is a permission problem: then they stay, and True is returned."""
        context.batch.commit()
        report.skipped.append(str(err))
        if on_skip is not None:
            on_skip(err)
        if isinstance(err.__cause__, PermissionError):
            return True
        with self._transaction():
            stale = self._db.execute("SELECT hash FROM articles WHERE path = ?", (key,))
            context.stale_hashes.update(h for (h,) in stale)
            self._db.execute("DELETE FROM articles WHERE path = ?", (key,))
            self._db.execute("DELETE FROM files WHERE path = ?", (key,))
        return False

    def _store_file(self, key: str, stat, articles: list[Article], context: _FileContext, *, record: bool) -> None:
        """Store the articles of one file; ``record``: remember its size and mtime (so that an
        unchanged file is not read again). Not for standard input, nor for a file read in part."""
        db, report, batch, stale_hashes = self._db, context.report, context.batch, context.stale_hashes
        rows_for, version, incomplete = context.rows_for, context.version, context.incomplete
        retry_before = report.retry
        old = dict(db.execute("SELECT idx, hash FROM articles WHERE path = ?", (key,)).fetchall())
        for idx, article in enumerate(articles):
            digest = article_hash(article)
            before = old.get(idx)
            if before is None:
                report.new += 1
            elif before != digest:
                report.changed += 1
                stale_hashes.add(before)
            else:
                report.unchanged += 1
            parsed = db.execute("SELECT version FROM parsed WHERE hash = ?", (digest,)).fetchone()
            if parsed is None or parsed[0] != version:
                rows = rows_for(article)
                report.parsed += 1
                made_by = version
                if incomplete is not None and incomplete():
                    report.retry += 1
                    # Matches no run's version, so it is parsed again next time; unique, so that what
                    # is keyed by it (cached map parts) changes with each attempt's rows.
                    made_by = f"{version}:retry:{uuid.uuid4().hex}"
                batch.begin()
                db.execute("DELETE FROM rows WHERE hash = ?", (digest,))
                db.executemany(
                    "INSERT INTO rows VALUES (?, ?, ?)",
                    [(digest, seq, json.dumps(row, ensure_ascii=False)) for seq, row in enumerate(rows)],
                )
                db.execute("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)", (digest, made_by, len(rows)))
            if before != digest:
                batch.begin()
                db.execute("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?)", (key, idx, digest, article.id))
            batch.tick()
        batch.begin()
        gone = [h for idx, h in old.items() if idx >= len(articles)]
        report.removed += len(gone)
        stale_hashes.update(gone)
        db.execute("DELETE FROM articles WHERE path = ? AND idx >= ?", (key, len(articles)))
        if record and report.retry == retry_before:
            db.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", (key, stat.st_size, stat.st_mtime_ns, len(articles))
            )
        else:  # not recorded as read: the next update reads the file again and re-parses what is incomplete
            db.execute("DELETE FROM files WHERE path = ?", (key,))
        batch.tick()

    def _drop_removed(self, current: set[str], report: StoreUpdate, stale_hashes: set[str]) -> None:
        """Drop the articles of files no longer in the sources, then rows no article refers to."""
        stored = {path for (path,) in self._db.execute("SELECT DISTINCT path FROM articles")}
        stored |= {path for (path,) in self._db.execute("SELECT path FROM files")}
        gone = sorted(stored - current)
        with self._transaction():
            for path in gone:
                hashes = [h for (h,) in self._db.execute("SELECT hash FROM articles WHERE path = ?", (path,))]
                report.removed += len(hashes)
                stale_hashes.update(hashes)
                self._db.execute("DELETE FROM articles WHERE path = ?", (path,))
                self._db.execute("DELETE FROM files WHERE path = ?", (path,))
            for digest in sorted(stale_hashes):
                if self._db.execute("SELECT 1 FROM articles WHERE hash = ? LIMIT 1", (digest,)).fetchone() is None:
                    self._db.execute("DELETE FROM rows WHERE hash = ?", (digest,))
                    self._db.execute("DELETE FROM parsed WHERE hash = ?", (digest,))

    # -- read -----------------------------------------------------------------------------------

    def _articles_in(self, files: Iterable[str]) -> list[tuple[str, str, str]]:
        """``(final id, stored id, hash)`` of the stored articles of ``files``, in file then article order.

        Article ids repeated across files get ``@path`` appended exactly as
        :func:`geomap.sources.read_articles` does, so ids match a from-scratch build.
        """
        order = {path: position for position, path in enumerate(files)}
        query = "SELECT path, idx, article_id, hash FROM articles"
        stored = [row for row in self._db.execute(query).fetchall() if row[0] in order]
        stored.sort(key=lambda row: (order[row[0]], row[1]))
        seen: set[str] = set()
        found = []
        for path, _idx, article_id, digest in stored:
            final_id = article_id if article_id not in seen else f"{article_id}@{path}"
            seen.add(final_id)
            found.append((final_id, article_id, digest))
        return found

    def events(self, files: Iterable[str]) -> pd.DataFrame:
        """The events table of the stored articles of ``files`` (in that order), as a fresh build makes it."""
        listing = self._articles_in(files)
        data = self._rows_by_hash({digest for _, _, digest in listing})
        chunks: list[str] = []
        renamed: dict[int, str] = {}
        for final_id, article_id, digest in listing:
            for row in data.get(digest, ()):
                if final_id != article_id:
                    renamed[len(chunks)] = final_id
                chunks.append(row)
        records = json.loads("[" + ",".join(chunks) + "]")
        for position, final_id in renamed.items():
            records[position]["article_id"] = final_id
        return _frame(records)

    def _rows_by_hash(self, hashes: set[str]) -> dict[str, list[str]]:
        """The JSON rows of each of ``hashes``, in row order."""
        found: dict[str, list[str]] = {}
        if len(hashes) > _SCAN_ABOVE:  # most of the store: one ordered scan beats a lookup per article
            for digest, data in self._db.execute("SELECT hash, data FROM rows ORDER BY hash, seq"):
                if digest in hashes:
                    found.setdefault(digest, []).append(data)
            return found
        for digest in hashes:
            rows = self._db.execute("SELECT data FROM rows WHERE hash = ? ORDER BY seq", (digest,)).fetchall()
            if rows:
                found[digest] = [data for (data,) in rows]
        return found

    def listing(self, files: Iterable[str]) -> list[tuple[str, str]]:
        """``(article id, content hash)`` of every stored article of ``files`` that has rows.

        Cheap (no row is read): what an incremental render needs to tell which parts changed. Ids
        are renamed as in :meth:`events`.
        """
        # Two plain scans and a dict beat a join here (100k index lookups into ``parsed``).
        rows = dict(self._db.execute("SELECT hash, rows FROM parsed").fetchall())
        return [(final_id, digest) for final_id, _, digest in self._articles_in(files) if rows.get(digest)]

    def incomplete(self) -> dict[str, str]:
        """``{hash: attempt}`` of the articles whose rows lack work that failed (``incomplete`` in :meth:`update`).

        Their rows change on the next update without their content hash changing: whatever is
        keyed by content hashes (the map's cached parts, an output's state) must include the
        attempt, which is new each time such an article is parsed.
        """
        query = "SELECT hash, version FROM parsed WHERE version LIKE '%:retry:%'"
        return {digest: made_by.rsplit(":", 1)[1] for digest, made_by in self._db.execute(query)}

    def records(self, articles: Iterable[tuple[str, str]]) -> list[dict]:
        """The rows of ``(article id, hash)`` pairs as dicts (``article_id`` set to the given id)."""
        articles = list(articles)
        data = self._rows_by_hash({digest for _, digest in articles})
        records: list[dict] = []
        for article_id, digest in articles:
            for row in data.get(digest, ()):
                record = json.loads(row)
                record["article_id"] = article_id
                records.append(record)
        return records

    def table(self, articles: Iterable[tuple[str, str]]) -> pd.DataFrame:
        """The events table of ``(article id, hash)`` pairs, built as :meth:`events` builds it, as a part of
        a bigger table: without event ids, which are assigned over the assembled table."""
        return schema.frame(self.records(articles), event_ids=False)

    def cached(self, keys: Iterable[str]) -> dict[str, str | bytes]:
        """The cached values of ``keys`` that are present."""
        found: dict[str, str | bytes] = {}
        for key in keys:
            row = self._db.execute("SELECT value FROM cache WHERE key = ?", (key,)).fetchone()
            if row is not None:
                found[key] = row[0]
        return found

    def update_cache(self, prefix: str, keep: Iterable[str], new: Mapping[str, str | bytes]) -> None:
        """Add ``new`` and drop the keys starting with ``prefix`` that are in neither ``keep`` nor ``new``."""
        keep = set(keep) | set(new)
        query = "SELECT key FROM cache WHERE substr(key, 1, ?) = ?"
        with self._transaction():
            stale = [(key,) for (key,) in self._db.execute(query, (len(prefix), prefix)) if key not in keep]
            self._db.executemany("DELETE FROM cache WHERE key = ?", stale)
            self._db.executemany("INSERT OR REPLACE INTO cache VALUES (?, ?)", list(new.items()))

    def stats(self) -> dict[str, int]:
        """Counts of stored files, articles and rows (for reports and tests)."""
        count = {}
        for table in ("files", "articles", "rows"):
            count[table] = self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        return count


def _frame(records: list[dict]) -> pd.DataFrame:
    """The typed table of stored rows, made as :func:`geomap.events.events_table` makes it (one function)."""
    return schema.frame(records)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self):
        self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def __exit__(self, exc_type, *_):
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")


class _Batch:
    """One open transaction covering several whole articles, committed every ``_BATCH`` articles."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._open = False
        self._count = 0

    def begin(self) -> None:
        if not self._open:
            self._db.execute("BEGIN IMMEDIATE")
            self._open = True

    def tick(self) -> None:
        self._count += 1
        if self._count >= _BATCH:
            self.commit()

    def commit(self) -> None:
        if self._open:
            self._db.execute("COMMIT")
            self._open = False
        self._count = 0

    def rollback(self) -> None:
        if self._open:
            self._db.execute("ROLLBACK")
            self._open = False


def store_error(path: str | Path, err: sqlite3.Error) -> StoreError:
    """A SQLite error as one line that says what is wrong and what to do, without the store's bytes.

    Only real damage (not a database, malformed pages, a missing table) advises deleting the store;
    a read-only folder or a full disk must never make a user delete a healthy store.
    """
    message = printable(str(err))[:200]
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        why = "another process is using it; try again when it finishes"
    elif "full" in lowered:
        why = "the disk is full"
    elif "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
        folder = Path(path).parent
        why = f"cannot write the store in {folder} ({message}); pass --store with a writable path"
    elif isinstance(err, sqlite3.DatabaseError) and (
        "not a database" in lowered
        or "malformed" in lowered
        or "no such table" in lowered
        or "corrupt" in lowered
        or "no such column" in lowered
    ):
        why = f"not a usable geomap store ({message}); delete it to rebuild from sources"
    else:
        why = f"store error ({message})"
    return StoreError(f"{path}: {why}")


class _StoreLock:
    """``<store>.lock``: an exclusive OS lock (``flock``) that a killed holder cannot leave behind.

    The file holds the holder's pid (for the "in use" message) and is removed on release. Removing
    a lock file is safe only with the check in :meth:`acquire`: a process that locked a file another
    one has just removed sees that its file is no longer the one at the path, and tries again.
    Without ``fcntl`` (Windows), ``filelock`` is used and the file stays.
    """

    def __init__(self, path: Path, handle) -> None:
        self.path = path
        self._handle = handle

    @classmethod
    def acquire(cls, store: Path) -> _StoreLock:
        path = Path(f"{store}.lock")
        if sys.platform == "win32":  # pragma: no cover - no fcntl
            return cls(path, _filelock(path, store))
        import fcntl

        for _ in range(50):
            try:
                handle = open(path, "a+", encoding="ascii")  # noqa: SIM115 - held until release()
            except OSError as err:
                raise StoreError(f"{store}: cannot create the store's lock ({err.strerror})") from err
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                handle.close()
                if err.errno not in (errno.EAGAIN, errno.EACCES):
                    raise StoreError(f"{store}: cannot lock the store ({err.strerror})") from err
                raise StoreError(
                    f"another geomap build is using {store} (pid {_holder(path)}); try again when it finishes"
                ) from None
            if _same_file(handle, path):
                handle.seek(0)
                handle.truncate()
                handle.write(f"{os.getpid()}\n")
                handle.flush()
                return cls(path, handle)
            handle.close()  # the holder removed the file between our open and our lock: take the new one
        raise StoreError(f"{store}: cannot lock the store (its lock file keeps changing)")

    def release(self) -> None:
        if hasattr(self._handle, "release"):  # pragma: no cover - filelock
            self._handle.release()
            return
        try:
            if _same_file(self._handle, self.path):
                self.path.unlink()  # while still locked: a waiter then sees a different file
        finally:
            self._handle.close()  # closing releases the flock


def _same_file(handle, path: Path) -> bool:
    try:
        at_path = os.stat(path)
    except OSError:
        return False
    mine = os.fstat(handle.fileno())
    return (mine.st_dev, mine.st_ino) == (at_path.st_dev, at_path.st_ino)


def _holder(lock_path: Path) -> str:
    """The pid in the lock file (the holder writes it right after taking the lock), or "?"."""
    for _ in range(20):
        try:
            pid = lock_path.read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            pid = ""
        if pid:
            return pid
        time.sleep(0.01)
    return "?"


def _filelock(path: Path, store: Path):  # pragma: no cover - Windows only
    from filelock import FileLock, Timeout

    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise StoreError(f"another geomap build is using {store}; try again when it finishes") from None
    return lock
