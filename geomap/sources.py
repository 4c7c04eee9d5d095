"""Read articles from files, folders and standard input: the first step of the pipeline.

Inputs people actually have:

``.txt``
    First non-empty line is the title; offsets refer to the whole file.
``.html`` / ``.htm``
    The main text (boilerplate removed) by trafilatura; title and date from the page metadata.
``.json`` / ``.jsonl``
    One object, a list of objects, or one object per line, with fields ``id``, ``title``, ``text``,
    ``date``, ``url``, ``source`` (only ``text`` is required). Other field names are mapped with
    ``fields={"text": "body", "title": "headline"}`` (CLI: ``--field text=body``).
``.xml`` / ``.rss`` / ``.atom``
    An RSS or Atom feed (feedparser): each entry is an article; its content or summary, HTML
    stripped, is the text; its link the URL; its published date the date.
``-``
    Standard input (:func:`read_stdin`), read once and parsed exactly as a file of the format named
    (``txt``, ``jsonl``, ``json``, ``html``, ``rss``); messages and ``Article.path`` say ``-``.

Folders are read recursively in sorted order, so results are deterministic. An article without a
date in its metadata gets the first date written near the top of its text ("on January 27, 2020",
a dateline "2020-01-27"), see :func:`geomap.eventdate.find_article_date`. Offsets always refer to ``Article.text``.

Listing (:func:`list_sources`): a missing path or a readable folder with no article is a
:class:`~geomap.errors.SourceError`. What cannot be used is reported, one
``SourceError("PATH: why")`` each, and the rest is listed: a folder that cannot be read ("permission
denied"; also in ``SourceListing.unreadable``, so a store keeps what it has from under it), a file
name that is not UTF-8, a symlink loop, a broken symlink. The same file named twice (two folders, a
symlink, ``./a.txt`` and ``a.txt``) is listed once; the run's own outputs (``exclude``) and maps
geomap wrote (``<meta name="generator" content="geomap">`` in their first 4 KB) are never inputs.

Reading: a problem of a whole file (unreadable, empty, binary, not UTF-8, huge, not JSON at all,
JSON nested too deeply) raises :class:`SourceError`; a caller such as :func:`read_articles` reports
it through ``on_skip`` and goes on, so one bad file does not stop a whole build. A problem of one
record (a line of a ``.jsonl`` file, an item of a ``.json`` list, a feed entry) is reported through
``on_skip`` as ``SourceError("FILE:LINE: why")`` and the other records are read; without ``on_skip``
it raises, as it always did. A file in which no record at all is usable raises its first record's
error instead: one message for the file, not one per record. What a record holds is made safe
rather than refused:

* Metadata dates are normalised to ``YYYY-MM-DD`` by :func:`parse_date`. A date it cannot read for
  sure is dropped (the date written in the article's text is used, if any) and reported through
  ``on_warning`` ("unrecognised date" or "ambiguous date"); the article is kept.
* Numbers in ``id``, ``title``, ``url``, ``source`` or ``date`` become their JSON text (``17`` ->
  ``"17"``); booleans, lists and objects are dropped with a warning (``id`` falls back to the
  default id); ``null`` and ``""`` mean "absent", as before.
* Lone surrogates (``"\\ud800"`` escapes, which no UTF-8 output can hold) become U+FFFD, one code
  point for one, so offsets into ``Article.text`` stay valid.

Dates (:func:`parse_date`) are read only from strict patterns, never fished out of free text: ISO
dates and datetimes (with or without zone, ``Z``), RFC 2822 (``Sun, 03 Mar 2024 10:00:00 +0000``),
``March 3, 2024``, ``Mar 3 2024``, ``3 March 2024``, ``3 Mar. 2024`` (optional weekday, ordinal and
time), ``YYYY/MM/DD`` and ``YYYY.MM.DD``, dotted ``D.M.YYYY`` (day first: the European form), and
``DD/MM/YYYY`` or ``MM/DD/YYYY`` (also with ``-``). The day is the day as written, in the value's own
zone (``2024-03-03T23:30-05:00`` is March 3, not March 4 in UTC). For slashed dates a part above 12
decides the order, as does a day equal to the month (``03/03/2024``); when both orders give a
valid, different date (``04/03/2024``: April 3 in the US, 4 March in most of the world) the date
is ambiguous and **no date is guessed**: ``parse_date`` returns None and readers warn "ambiguous".
"""

from __future__ import annotations

import datetime as dt
import email.utils
import errno
import html
import json
import math
import operator
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

from geomap.errors import SourceError
from geomap.eventdate import find_article_date
from geomap.model import Article

__all__ = [
    "ARTICLE_SUFFIXES",
    "FIELDS",
    "FORMATS",
    "MAX_BYTES",
    "MAX_COLLECTION_BYTES",
    "STDIN",
    "SourceListing",
    "iter_source_files",
    "list_sources",
    "parse_date",
    "parse_field_options",
    "path_order",
    "source_paths",
    "read_articles",
    "read_file",
    "read_stdin",
]

ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl", ".xml", ".rss", ".atom")
#: The article fields of a JSON record; ``fields`` maps them to other names.
FIELDS = ("id", "title", "text", "date", "url", "source")
#: The input formats (what ``read_stdin`` takes) and the file suffixes read as each.
FORMATS: dict[str, tuple[str, ...]] = {
    "txt": (".txt", ""),
    "html": (".html", ".htm"),
    "json": (".json",),
    "jsonl": (".jsonl",),
    "rss": (".xml", ".rss", ".atom"),
}
#: The source that means standard input.
STDIN = "-"
MAX_BYTES = 20 * 1024 * 1024  # one article (.txt, .html) larger than this is not news text
MAX_COLLECTION_BYTES = 512 * 1024 * 1024  # a .jsonl/.json/feed file holds many articles; split larger dumps
_COLLECTIONS = ("json", "jsonl", "rss")
_ARTICLE_SUFFIX_SET = frozenset(ARTICLE_SUFFIXES)
_SUFFIX_FORMAT = {suffix: fmt for fmt, suffixes in FORMATS.items() for suffix in suffixes}

FieldMap = Mapping[str, str]
OnSkip = Callable[[SourceError], None]
OnWarning = Callable[[str], None]


# ---------------------------------------------------------------------------------------------
# Listing


@dataclass
class SourceListing:
    """What :func:`list_sources` found.

    ``files``: the article files (and ``"-"`` for standard input), in the order they are read.
    ``skipped``: one error per path that could not be listed or is unusable (a build reports each and
    exits 3). ``unreadable``: folders and files that exist but could not be read, as listed (e.g.
    ``news/locked``): a store keeps the articles it already has from under these paths rather than
    dropping them for a passing permission problem.
    """

    files: list[str] = field(default_factory=list)
    skipped: list[SourceError] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


def list_sources(sources: Iterable[str | Path], *, exclude: Iterable[str | Path] = ()) -> SourceListing:
    """The article files named by ``sources`` (files, folders searched recursively, ``-``), and what was wrong.

    Why ``os.scandir`` and strings rather than ``Path.rglob``: a folder of 100k articles is listed
    in a tenth of the time (no stat per file, no Path object per file), and that listing is most of
    what a cron re-run with one new article costs; the de-duplication below costs no system call
    for a regular file either (its real path is its real folder's plus its name). Order is that of
    the paths' components (as ``sorted`` on :class:`~pathlib.Path` gives); symlinked folders are not
    followed. ``exclude``: paths never read as input (the run's own map, export and store), compared
    by real path. A missing path, or a readable folder without any article file, raises.
    """
    lister = _Lister({os.path.realpath(os.fspath(path)) for path in exclude})
    for source in sources:
        lister.add(os.fspath(source))
    return lister.listing


def source_paths(sources: Iterable[str | Path], *, on_skip: OnSkip | None = None) -> list[str]:
    """:func:`list_sources`' files: what the store keys files by. Skipped paths go to ``on_skip`` (else are dropped)."""
    listing = list_sources(sources)
    if on_skip is not None:
        for err in listing.skipped:
            on_skip(err)
    return listing.files


def iter_source_files(sources: Iterable[str | Path], *, on_skip: OnSkip | None = None) -> list[Path]:
    """:func:`source_paths` as :class:`~pathlib.Path` objects."""
    return [Path(name) for name in source_paths(sources, on_skip=on_skip)]


class _Lister:
    """Builds one :class:`SourceListing`, remembering which files are listed already (by real path).

    Why not a set of every file's real path: building 100k such strings costs as much as listing
    the folder. A file found by scanning a folder has, as real path, the folder's real path plus the
    rest of its path (sub-folders are real: symlinked ones are not followed), so each scanned folder
    is remembered once, with its listed paths, and only symlinks and files named directly are
    resolved one by one.
    """

    def __init__(self, excluded: set[str]) -> None:
        self.listing = SourceListing()
        self.excluded = excluded
        self.singles: set[str] = set()  # real paths listed one by one: files named directly, symlinks
        self.scans: list[_FolderScan] = []  # folders listed, with the paths listed from each

    def add(self, source: str) -> None:
        if source == STDIN:
            if STDIN not in self.singles:
                self.singles.add(STDIN)
                self.listing.files.append(STDIN)
            return
        path = Path(source)
        try:
            info = os.stat(path)
        except OSError as err:
            self._cannot_stat(str(path), err)
            return
        if stat.S_ISDIR(info.st_mode):
            self._add_folder(str(path))
        elif stat.S_ISREG(info.st_mode):
            key = path.as_posix()
            self._add_file("./-" if key == STDIN else key)  # a file named "-" is not standard input
        else:
            raise SourceError(f"{_printable(str(path))}: not a file or folder (use - to read standard input)")

    def _cannot_stat(self, name: str, err: OSError) -> None:
        """A path given directly that cannot be looked at: missing is fatal, the rest is reported."""
        if isinstance(err, FileNotFoundError | NotADirectoryError):
            if not os.path.islink(name):
                raise SourceError(f"{_printable(name)}: no such file or folder") from err
            self._skip(name, "broken symlink")
        else:
            self._skip(name, *_os_problem(err))

    def _add_file(self, key: str) -> None:
        """A file given directly: any suffix (reading it says if it is unsupported)."""
        if not _is_utf8(key):
            self._skip(key, "file name is not UTF-8")
        elif not os.access(key, os.R_OK):
            self._skip(key, "permission denied", unreadable=True)
        else:
            identity = os.path.realpath(key)
            if identity not in self.excluded and not self._listed(identity) and not _is_geomap_map(key):
                self.singles.add(identity)
                self.listing.files.append(key)

    def _add_folder(self, folder: str) -> None:
        scan = _scan_folder(folder)
        maps = {page for page in scan.pages if _is_geomap_map(page)}
        all_new = self._all_new(scan)
        self.scans.append(scan)  # from now on, its files count as listed as they are added
        if all_new:
            scan.listed = set(scan.files) - maps
            self.listing.files.extend(key for key in scan.files if key not in maps)
            articles = len(scan.listed)
        else:
            articles = self._add_one_by_one(scan, maps)
        if not articles and not scan.problems:
            raise SourceError(f"{_printable(folder)}: no article files ({', '.join(ARTICLE_SUFFIXES)}) in this folder")
        scan.problems.sort(key=lambda item: path_order(item[0]))
        self.listing.skipped.extend(problem for _, problem in scan.problems)
        self.listing.unreadable.extend(sorted(scan.unreadable, key=path_order))

    def _all_new(self, scan: _FolderScan) -> bool:
        """Whether no file of ``scan`` can be one listed before, excluded, or another of its own (a symlink).

        Then its files are added at C speed (this is the case of a plain folder: the cron re-run).
        """
        real = scan.real
        return (
            not scan.links
            and not any(path.startswith(real) for path in self.excluded)
            and not any(path.startswith(real) for path in self.singles)
            and not any(other.real.startswith(real) or real.startswith(other.real) for other in self.scans)
        )

    def _add_one_by_one(self, scan: _FolderScan, maps: set[str]) -> int:
        """Add the files of ``scan`` not listed before; returns how many article files it holds (listed or not)."""
        articles = 0
        for key in scan.files:
            identity = scan.real_path(key)
            if identity in self.excluded or key in maps:
                continue
            articles += 1  # an article file, even when listed already under another name
            if self._listed(identity):
                continue
            if key in scan.links:
                self.singles.add(identity)
            else:
                scan.listed.add(key)
            self.listing.files.append(key)
        return articles

    def _listed(self, identity: str) -> bool:
        return identity in self.singles or any(scan.lists(identity) for scan in self.scans)

    def _skip(self, name: str, why: str, unreadable: bool = False) -> None:
        self.listing.skipped.append(SourceError(f"{_printable(name)}: {why}"))
        if unreadable:
            self.listing.unreadable.append(name)


@dataclass
class _FolderScan:
    """What a folder tree holds: its article files, and what could not be used.

    ``root`` and ``real``: the folder as named and its real path, each ending in a separator; a
    regular file's path is ``root`` + rest, its real path ``real`` + rest.
    """

    root: str
    real: str
    files: list[str] = field(default_factory=list)  # in path order
    links: dict[str, str] = field(default_factory=dict)  # symlinks among files -> their real paths
    pages: set[str] = field(default_factory=set)  # the .html/.htm files: maybe maps geomap wrote
    problems: list[tuple[str, SourceError]] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    listed: set[str] = field(default_factory=set)  # the regular files listed from here

    def real_path(self, path: str) -> str:
        return self.links.get(path) or self.real + path[len(self.root) :]

    def lists(self, identity: str) -> bool:
        """Whether the file with real path ``identity`` was listed from this folder (as a regular file)."""
        return identity.startswith(self.real) and self.root + identity[len(self.real) :] in self.listed

    def problem(self, path: str, why: str, unreadable: bool = False) -> None:
        self.problems.append((path, SourceError(f"{_printable(path)}: {why}")))
        if unreadable:
            self.unreadable.append(path)


def _scan_folder(root: str) -> _FolderScan:
    """The article files under ``root`` (known suffix, not hidden, regular files or links to them).

    Only an article-suffixed symlink costs system calls (to resolve it). Iterative: a deep tree
    cannot exhaust the recursion limit.
    """
    scan = _FolderScan(os.path.join(root, ""), os.path.join(os.path.realpath(root), ""))
    files = scan.files
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except (FileNotFoundError, NotADirectoryError):
            continue  # removed while we listed: nothing there
        except OSError as err:
            scan.problem(folder, _os_problem(err)[0], unreadable=True)
            continue
        for entry in entries:
            name = entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
                continue
            dot = name.rfind(".")
            if dot <= 0 or name[0] == "." or (suffix := name[dot:].lower()) not in _ARTICLE_SUFFIX_SET:
                continue
            path = entry.path
            if not path.isascii() and not _is_utf8(path):
                scan.problem(path, "file name is not UTF-8")
                continue
            if entry.is_file(follow_symlinks=False):
                files.append(path)
            elif entry.is_symlink():
                target, why = _link_target(path)
                if why is not None:
                    scan.problem(path, why, unreadable=why == "permission denied")
                if target is None:
                    continue
                scan.links[path] = target
                files.append(path)
            else:
                continue  # a fifo or socket with an article's name
            if suffix in (".html", ".htm"):
                scan.pages.add(path)
    files.sort(key=_PATH_ORDER)
    return scan


def path_order(path: str) -> str:
    """Each "/" as "\\0" (below any character of a name): string order is then component order."""
    return path.replace("/", "\0")


_PATH_ORDER = operator.methodcaller("replace", "/", "\0")  # path_order at C speed, for sorting 100k paths


def _link_target(path: str) -> tuple[str | None, str | None]:
    """``(real path, None)`` for a symlink to a regular file, ``(None, why)`` for a bad one, else ``(None, None)``."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None, "broken symlink"
    except OSError as err:
        return None, _os_problem(err)[0]
    if not stat.S_ISREG(info.st_mode):
        return None, None  # a link to a folder is not followed, as a symlinked folder is not
    return os.path.realpath(path), None


def _os_problem(err: OSError) -> tuple[str, bool]:
    """Why a path cannot be used, and whether it exists but cannot be read (then a store keeps its articles)."""
    if err.errno == errno.ELOOP:
        return "symlink loop", False
    if isinstance(err, PermissionError):
        return "permission denied", True
    return f"cannot read ({err.strerror or err})", True


def _is_utf8(path: str) -> bool:
    """Whether the name's bytes are UTF-8 (Python turns other bytes into surrogate escapes that no output takes)."""
    if path.isascii():
        return True
    try:
        os.fsencode(path).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _printable(path: str) -> str:
    """The path for a message: bytes that are not UTF-8 shown as ``\\xe9``."""
    return path if path.isascii() else os.fsencode(path).decode("utf-8", "backslashreplace")


_GENERATOR = re.compile(
    rb"""<meta\s[^>]*?(?:name\s*=\s*["']?generator["']?[^>]*?content\s*=\s*["']?geomap\b"""
    rb"""|content\s*=\s*["']?geomap\b[^>]*?name\s*=\s*["']?generator\b)""",
    re.IGNORECASE,
)


def _is_geomap_map(path: str) -> bool:
    """Whether ``path`` is a map geomap wrote (its generator ``<meta>`` in the first 4 KB): never an article."""
    if not path.lower().endswith((".html", ".htm")):
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False  # reading it will say what is wrong
    return _GENERATOR.search(head) is not None


# ---------------------------------------------------------------------------------------------
# Reading


def parse_field_options(options: Iterable[str]) -> dict[str, str]:
    """``["text=body", "title=headline"]`` -> ``{"text": "body", "title": "headline"}`` (CLI ``--field``)."""
    fields: dict[str, str] = {}
    for option in options:
        ours, sep, theirs = option.partition("=")
        ours, theirs = ours.strip(), theirs.strip()
        if not sep or not theirs or ours not in FIELDS:
            raise SourceError(f"--field {option!r}: expected FIELD=NAME with FIELD one of {', '.join(FIELDS)}")
        fields[ours] = theirs
    return fields


def read_articles(
    sources: Iterable[str | Path],
    *,
    fields: FieldMap | None = None,
    on_skip: OnSkip | None = None,
    on_warning: OnWarning | None = None,
    stdin_format: str = "txt",
    exclude: Iterable[str | Path] = (),
) -> list[Article]:
    """Every article in ``sources`` (``-``: standard input, as ``stdin_format``).

    Bad files and records, and paths that cannot be listed, raise, or go to ``on_skip`` when it is
    given; warnings (a date that cannot be read, a value that is not text) go to ``on_warning``.
    An id seen before gets ``@PATH`` appended, so ids are unique.
    """
    listing = list_sources(sources, exclude=exclude)
    for err in listing.skipped:
        _report(err, on_skip)
    articles: list[Article] = []
    seen: set[str] = set()
    for name in listing.files:
        try:
            if name == STDIN:
                batch = read_stdin(stdin_format, fields=fields, on_skip=on_skip, on_warning=on_warning)
            else:
                batch = list(read_file(Path(name), fields=fields, on_skip=on_skip, on_warning=on_warning))
        except SourceError as err:
            _report(err, on_skip)
            continue
        where = STDIN if name == STDIN else Path(name).as_posix()
        for article in batch:
            if article.id in seen:
                article = replace(article, id=f"{article.id}@{where}")
            seen.add(article.id)
            articles.append(article)
    return articles


def read_file(
    path: str | Path,
    *,
    fields: FieldMap | None = None,
    on_skip: OnSkip | None = None,
    on_warning: OnWarning | None = None,
) -> Iterator[Article]:
    """The articles of one file, by its suffix. Raises :class:`SourceError` naming the path.

    ``on_skip``: bad records are reported to it and the others yielded (else the first one raises).
    ``on_warning``: one line per value dropped or date not understood (else they pass silently).
    """
    path = Path(path)
    fmt = _SUFFIX_FORMAT.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(f"{path}: unsupported file type {path.suffix.lower()!r} (use {', '.join(ARTICLE_SUFFIXES)})")
    origin = _Origin(str(path), path.as_posix(), path.stem, fields or {}, on_skip, on_warning)
    yield from _parse(fmt, _read_bytes(path, fmt), origin)


def read_stdin(
    fmt: str = "txt",
    *,
    fields: FieldMap | None = None,
    on_skip: OnSkip | None = None,
    on_warning: OnWarning | None = None,
    stream: BinaryIO | None = None,
) -> list[Article]:
    """The articles on standard input (or ``stream``), parsed as a file in format ``fmt`` would be.

    Read once, whole: a pipe cannot be read twice. Messages and ``Article.path`` say ``-``; a txt or
    html article's id is ``stdin``, a record's default id ``stdin:N``.
    """
    if fmt not in FORMATS:
        raise SourceError(f"{STDIN}: unknown input format {fmt!r} (use {', '.join(FORMATS)})")
    if stream is None:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise SourceError(f"{STDIN}: no standard input")
    data = _read_stream(stream, _limit(fmt))
    origin = _Origin(STDIN, STDIN, "stdin", fields or {}, on_skip, on_warning)
    return list(_parse(fmt, data, origin))


def _report(err: SourceError, on_skip: OnSkip | None) -> None:
    if on_skip is None:
        raise err
    on_skip(err)


@dataclass(frozen=True)
class _Origin:
    """Where the bytes being parsed came from: how messages name them, and where problems go."""

    label: str  # messages: the path as given, or "-"
    path: str  # Article.path
    stem: str  # what default ids are made of
    fields: FieldMap
    on_skip: OnSkip | None
    on_warning: OnWarning | None

    def skip(self, err: SourceError) -> None:
        """A bad record: reported when the caller listens, else raised (the file fails, as it always did)."""
        _report(err, self.on_skip)

    def warn(self, message: str) -> None:
        if self.on_warning is not None:
            self.on_warning(message)


class _BadRecords:
    """The bad records of one file, reported once a good record shows the file is of the right kind.

    Why wait: when no record is usable (a pretty-printed JSON named ``.jsonl``, a dump that needs
    ``--field text=body``) the file is the problem, and one error (the first) says so better than
    one per record. Without ``on_skip`` the first bad record raises, as it always did.
    """

    def __init__(self, origin: _Origin) -> None:
        self.origin = origin
        self.pending: list[SourceError] | None = []  # None once a good record was seen

    def bad(self, err: SourceError) -> None:
        if self.pending is None:
            self.origin.skip(err)
        else:
            self.pending.append(err)

    def good(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            for err in pending:
                self.origin.skip(err)

    def end(self) -> None:
        """At the end of the file: raise the first error when no record at all was usable."""
        if self.pending:
            raise self.pending[0]


def _parse(fmt: str, data: bytes, origin: _Origin) -> Iterator[Article]:
    """The one parser per format, for files and standard input alike."""
    for article in _PARSERS[fmt](data, origin):
        yield _without_surrogates(article)


# ---------------------------------------------------------------------------------------------
# Bytes and text


def _limit(fmt: str) -> int:
    return MAX_COLLECTION_BYTES if fmt in _COLLECTIONS else MAX_BYTES


def _read_bytes(path: Path, fmt: str) -> bytes:
    limit = _limit(fmt)
    try:
        size = path.stat().st_size
        if size > limit:
            mib = limit // 2**20
            raise SourceError(f"{path}: {size / 1e6:.0f} MB is too large for this file type (limit {mib} MiB)")
        data = path.read_bytes()
    except OSError as err:
        raise SourceError(f"{path}: cannot read ({err.strerror})") from err
    return _checked(data, str(path))


def _read_stream(stream: BinaryIO, limit: int) -> bytes:
    """All of ``stream``, in chunks (a ``read(limit)`` would allocate the whole limit at once)."""
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := stream.read(1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise SourceError(f"{STDIN}: too large for this format (limit {limit // 2**20} MiB)")
    except OSError as err:
        raise SourceError(f"{STDIN}: cannot read ({err.strerror or err})") from err
    return _checked(b"".join(chunks), STDIN)


def _checked(data: bytes, label: str) -> bytes:
    if not data.strip():
        raise SourceError(f"{label}: empty file")
    if b"\x00" in data[:8192]:
        raise SourceError(f"{label}: binary file, not text")
    return data


def _decode(data: bytes, label: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SourceError(f"{label}:{line}: not UTF-8 text (invalid byte at offset {err.start})") from err
    return text  # line ends untouched: offsets must index the file's own text


def _first_line(text: str, default: str = "") -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), default)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(article: Article) -> Article:
    """Lone surrogates (JSON ``"\\ud800"``) as U+FFFD: no UTF-8 output (SQLite, the map) can hold them.

    One code point for one, so offsets into the text stay valid. ``path`` is left alone: it is the
    key the store knows the file by (listing never passes a name that is not UTF-8).
    """
    changes = {
        name: _SURROGATE.sub("\ufffd", value)
        for name in ("id", "title", "text", "date", "url", "source")
        if (value := getattr(article, name)) and _SURROGATE.search(value)
    }
    return replace(article, **changes) if changes else article


def _parse_txt(data: bytes, origin: _Origin) -> Iterator[Article]:
    text = _decode(data, origin.label)
    if not text.strip():
        raise SourceError(f"{origin.label}: empty article")
    yield Article(id=origin.stem, title=_first_line(text), text=text, date=find_article_date(text), path=origin.path)


# ---------------------------------------------------------------------------------------------
# JSON and JSON lines


def _parse_jsonl(data: bytes, origin: _Origin) -> Iterator[Article]:
    text = _decode(data, origin.label)
    bad = _BadRecords(origin)
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{origin.label}:{number}"
        try:
            record = _json_record(line, where)
            article = _record_article(record, origin, where=where, default_id=f"{origin.stem}:{number}")
        except SourceError as err:
            bad.bad(err)
            continue
        bad.good()
        yield article
    bad.end()


def _json_record(line: str, where: str) -> object:
    """One JSON line; every way it can fail is a :class:`SourceError` naming the line."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as err:
        raise SourceError(f"{where}: malformed JSON ({err.msg} at column {err.colno})") from err
    except RecursionError as err:
        raise SourceError(f"{where}: JSON nested too deeply") from err
    except ValueError as err:  # an integer of more than 4300 digits
        raise SourceError(f"{where}: unreadable JSON ({_first_clause(err)})") from err


def _parse_json(data: bytes, origin: _Origin) -> Iterator[Article]:
    """A list of records (each bad one skipped, named by its line), or one record."""
    text = _decode(data, origin.label)
    start = _WHITESPACE.match(text).end()
    if text.startswith("[", start):
        bad = _BadRecords(origin)
        for index, (line, record) in enumerate(_json_list(text, start, origin.label)):
            where = f"{origin.label}:{line}"
            try:
                article = _record_article(record, origin, where=where, default_id=f"{origin.stem}:{index + 1}")
            except SourceError as err:
                bad.bad(err)
                continue
            bad.good()
            yield article
        bad.end()
        return
    line = text.count("\n", 0, start) + 1
    record = _json_document(text, origin.label, line)
    if not isinstance(record, dict):
        kind = type(record).__name__
        raise SourceError(f"{origin.label}: expected a JSON object or a list of objects, not {kind}")
    yield _record_article(record, origin, where=f"{origin.label}:{line}", default_id=origin.stem)  # the file's


_WHITESPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace
_DECODER = json.JSONDecoder()


def _json_document(text: str, label: str, line: int) -> object:
    """A whole file as JSON; failures are file-level :class:`SourceError` s."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise _malformed(label, err) from err
    except RecursionError as err:
        raise SourceError(f"{label}:{line}: JSON nested too deeply") from err
    except ValueError as err:
        raise SourceError(f"{label}: unreadable JSON ({_first_clause(err)})") from err


def _json_list(text: str, start: int, label: str) -> list[tuple[int, object]]:
    """``(line, item)`` for each item of the top-level list at ``start``.

    Why not ``json.loads``: it forgets where each item was, and a message should say the line of the
    bad record. Each item is decoded by the C scanner (``raw_decode``); only the commas between
    items are looked at here, with the messages ``json.loads`` gives. Syntax errors and too deep
    nesting are problems of the file (no way to know where the next record starts), raised before
    any record is used.
    """
    items: list[tuple[int, object]] = []
    pos = _WHITESPACE.match(text, start + 1).end()
    line, counted = 1, 0
    if not text.startswith("]", pos):
        while True:
            line += text.count("\n", counted, pos)
            counted = pos
            try:
                item, pos = _DECODER.raw_decode(text, pos)
            except json.JSONDecodeError as err:
                raise _malformed(label, err) from err
            except RecursionError as err:
                raise SourceError(f"{label}:{line}: JSON nested too deeply") from err
            except ValueError as err:
                raise SourceError(f"{label}:{line}: unreadable JSON ({_first_clause(err)})") from err
            items.append((line, item))
            pos = _WHITESPACE.match(text, pos).end()
            if not text.startswith(",", pos):
                break
            pos = _WHITESPACE.match(text, pos + 1).end()
        if not text.startswith("]", pos):
            raise _malformed(label, json.JSONDecodeError("Expecting ',' delimiter", text, pos))
    end = _WHITESPACE.match(text, pos + 1).end()
    if end != len(text):
        raise _malformed(label, json.JSONDecodeError("Extra data", text, end))
    return items


def _malformed(label: str, err: json.JSONDecodeError) -> SourceError:
    return SourceError(f"{label}:{err.lineno}: malformed JSON ({err.msg} at column {err.colno})")


def _first_clause(err: Exception) -> str:
    return str(err).split(":")[0]


def _record_article(record: object, origin: _Origin, *, where: str, default_id: str) -> Article:
    """One JSON record as an :class:`Article`; ``fields`` renames our field names to the record's."""
    if not isinstance(record, dict):
        raise SourceError(f"{where}: expected a JSON object, not {type(record).__name__}")
    fields = origin.fields

    def get(name: str) -> tuple[str, object]:
        """The mapped field, else our own name (one mapping serves a folder of mixed files), and its key."""
        key = fields.get(name, name)
        value = record.get(key)
        return (name, record.get(name)) if value is None or value == "" else (key, value)

    def text_of(name: str, then: str = "ignored") -> str | None:
        key, value = get(name)
        return _as_text(value, lambda kind: origin.warn(f"{where}: field {key!r} is {kind}, not text; {then}"))

    _, body = get("text")
    if not isinstance(body, str):
        wanted = " or ".join(repr(n) for n in dict.fromkeys([fields.get("text", "text"), "text"]))
        hint = "" if "text" in fields else " (map another name with --field text=NAME)"
        raise SourceError(f"{where}: expected an object with a string field {wanted}{hint}")
    article_id = text_of("id", f"the default id {default_id!r} is used") or default_id
    title = text_of("title") or _first_line(body, article_id)
    date = _metadata_date(text_of("date"), body, where, origin.warn)
    return Article(
        id=article_id,
        title=title,
        text=body,
        date=date,
        url=text_of("url"),
        source=text_of("source"),
        path=origin.path,
    )


def _as_text(value: object, refuse: Callable[[str], None]) -> str | None:
    """A record's value as text: strings as they are, numbers as their JSON text, else ``refuse(kind)``.

    ``null`` and ``""`` mean "absent" (no warning): that is how JSON dumps say it.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(value)  # Python's float text is JSON's: 17.0, 1.5
    refuse(_json_kind(value))
    return None


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, float):
        return json.dumps(value)  # NaN, Infinity
    return type(value).__name__


# ---------------------------------------------------------------------------------------------
# Dates


def parse_date(value: str) -> str | None:
    """A metadata date as ``YYYY-MM-DD``, or None when it is not a date this reads for sure.

    The forms and the rule for ``DD/MM`` against ``MM/DD`` are in the module docstring; the day is
    the day as written, in the value's own zone.

    >>> parse_date("Sun, 03 Mar 2024 23:30:00 -0500"), parse_date("3 Mar. 2024"), parse_date("04/03/2024")
    ('2024-03-03', '2024-03-03', None)
    """
    return _read_date(value)[0] if isinstance(value, str) else None


def _metadata_date(value: str | None, text: str, where: str, warn: OnWarning) -> str | None:
    """The record's own date as ISO; when it cannot be read, the date in its text (if any), with a warning."""
    if not value:
        return find_article_date(text)
    iso, problem = _read_date(value)
    if iso is not None:
        return iso
    found = find_article_date(text)
    shown = repr(value if len(value) <= 60 else value[:57] + "...")
    if problem == "ambiguous":
        why = f"ambiguous date {shown} (day and month could be either way)"
    else:
        why = f"unrecognised date {shown}"
    then = f"article dated {found} from its text" if found else "article kept without a date"
    warn(f"{where}: {why}; {then}")
    return found


_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTHS = {name: number for number, month in enumerate(_MONTH_NAMES, 1) for name in (month, month[:3])} | {"sept": 9}
_WEEKDAYS = frozenset({
    "monday", "mon", "tuesday", "tue", "tues", "wednesday", "wed", "thursday", "thu", "thur", "thurs",
    "friday", "fri", "saturday", "sat", "sunday", "sun",
})  # fmt: skip
# An optional time after a date ("10:00", ", 10:00:00 AM", " at 9:30 pm EST", " 10:00 +0200").
_TIME = r"(?:,?\s+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*(?:[a-z]{1,5}|[+-]\d{2}:?\d{2}))?)?"
_WEEKDAY = r"(?:(?P<weekday>[a-z]+)\.?,?\s+)?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_MONTH_FIRST = re.compile(
    rf"{_WEEKDAY}(?P<month>[a-z]+)\.?\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}}){_TIME}", re.I
)
_DAY_FIRST = re.compile(
    rf"{_WEEKDAY}(?P<day>\d{{1,2}}){_ORDINAL}\s+(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{{4}}){_TIME}", re.I
)
_RFC2822 = re.compile(
    r"(?:[a-z]{3},\s*)?\d{1,2}\s+[a-z]{3}\s+\d{2}(?:\d{2})?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s+(?:[+-]\d{4}|[a-z]{1,5}))?",
    re.I,
)
_ISO_DATETIME = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2}|\d{8})[Tt ](?P<time>\d.*?)(?:\s*(?:UTC|GMT))?")
_YEAR_FIRST = re.compile(rf"(?P<year>\d{{4}})(?P<sep>[/.-])(?P<month>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}}){_TIME}", re.I)
_DOTTED = re.compile(rf"(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\.(?P<year>\d{{4}}){_TIME}", re.I)
_SLASHED = re.compile(rf"(?P<first>\d{{1,2}})(?P<sep>[/-])(?P<second>\d{{1,2}})(?P=sep)(?P<year>\d{{4}}){_TIME}", re.I)


def _read_date(value: str) -> tuple[str | None, str]:
    """``(ISO date, "")``, or ``(None, "unrecognised" | "ambiguous")``."""
    value = value.strip()
    for reader in (_iso_date, _rfc2822_date, _named_month_date, _numeric_date):
        found = reader(value)
        if found == "ambiguous":
            return None, "ambiguous"
        if found is not None:
            return found.isoformat(), ""
    return None, "unrecognised"


def _iso_date(value: str) -> dt.date | None:
    """ISO 8601: what ``date.fromisoformat`` took before (so no date that worked changes), and datetimes."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    match = _ISO_DATETIME.fullmatch(value)
    if match is None:
        return None
    try:
        return dt.datetime.fromisoformat(f"{match['date']}T{match['time']}").date()  # its own zone's day
    except ValueError:
        return None


def _rfc2822_date(value: str) -> dt.date | None:
    if _RFC2822.fullmatch(value) is None:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()  # its own zone's day
    except (TypeError, ValueError):
        return None


def _named_month_date(value: str) -> dt.date | None:
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        match = pattern.fullmatch(value)
        if match is None:
            continue
        weekday, month = match["weekday"], _MONTHS.get(match["month"].lower())
        if month is None or (weekday is not None and weekday.lower() not in _WEEKDAYS):
            return None
        return _date(int(match["year"]), month, int(match["day"]))
    return None


def _numeric_date(value: str) -> dt.date | str | None:
    """``YYYY/MM/DD``, dotted ``D.M.YYYY`` (day first), slashed ``DD/MM/YYYY`` or ``MM/DD/YYYY``, or "ambiguous"."""
    if match := _YEAR_FIRST.fullmatch(value):
        return _date(int(match["year"]), int(match["month"]), int(match["day"]))
    if match := _DOTTED.fullmatch(value):
        return _date(int(match["year"]), int(match["month"]), int(match["day"]))
    if match := _SLASHED.fullmatch(value):
        year, first, second = int(match["year"]), int(match["first"]), int(match["second"])
        readings = {d for d in (_date(year, second, first), _date(year, first, second)) if d is not None}
        if len(readings) > 1:
            return "ambiguous"
        return readings.pop() if readings else None
    return None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# HTML pages and feeds


def _parse_html(data: bytes, origin: _Origin) -> Iterator[Article]:
    """The main text of a web page (trafilatura), its title and date from the page metadata."""
    import trafilatura  # imported here: a 0.3 s import that .txt-only users should not pay

    page = _decode(data, origin.label)
    try:
        document = trafilatura.bare_extraction(
            page, with_metadata=True, favor_recall=True, date_extraction_params={"extensive_search": False}
        )
    except Exception as err:  # trafilatura raises assorted lxml/parser errors on broken pages
        raise SourceError(f"{origin.label}: cannot parse HTML ({type(err).__name__}: {err})") from err
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if not text:
        raise SourceError(f"{origin.label}: no article text found in this HTML page")
    text += "\n"
    title = (document.title or "").strip() or _first_line(text, origin.stem)
    yield Article(
        id=origin.stem,
        title=title,
        text=text,
        date=_metadata_date(document.date, text, origin.label, origin.warn),
        url=document.url or None,
        source=document.sitename or None,
        path=origin.path,
    )


#: What building one feed entry can raise on odd input: that entry is skipped, not the feed.
_ENTRY_ERRORS = (AttributeError, IndexError, KeyError, TypeError, ValueError, RecursionError)


def _parse_feed(data: bytes, origin: _Origin) -> Iterator[Article]:
    """Each entry of an RSS/Atom feed as an article (text = content or summary, HTML stripped)."""
    import feedparser

    try:
        feed = feedparser.parse(data)  # bytes: feedparser honours the feed's own encoding
    except Exception as err:  # feedparser catches most of its parsers' errors, not all
        raise SourceError(f"{origin.label}: cannot parse feed ({type(err).__name__}: {err})") from err
    if not feed.entries:
        why = f" ({feed.bozo_exception})" if feed.get("bozo") else ""
        raise SourceError(f"{origin.label}: not an RSS/Atom feed, or a feed without entries{why}")
    source = (feed.feed.get("title") or "").strip() or None
    bad = _BadRecords(origin)
    for number, entry in enumerate(feed.entries, 1):
        try:
            article = _entry_article(entry, number, source, origin)
        except _ENTRY_ERRORS as err:
            why = f"cannot read this entry ({type(err).__name__}: {err})"
            bad.bad(SourceError(f"{origin.label}: entry {number}: {why}"))
            continue
        if article is not None:
            bad.good()
            yield article
    bad.end()


def _entry_article(entry: Mapping, number: int, source: str | None, origin: _Origin) -> Article | None:
    """One feed entry, or None when it has neither title nor text."""
    contents = entry.get("content") or []
    raw = contents[0].get("value", "") if contents else entry.get("summary", "")
    title = _strip_html(entry.get("title", "")).strip()
    body = _strip_html(raw).strip()
    if not body and not title:
        return None
    text = f"{title}\n\n{body}\n" if title and body else f"{title or body}\n"
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    date = dt.date(*parsed[:3]).isoformat() if parsed else find_article_date(text)
    link = entry.get("link") or None
    return Article(
        id=str(entry.get("id") or link or f"{origin.stem}:{number}"),
        title=title or _first_line(body),
        text=text,
        date=date,
        url=link,
        source=source,
        path=origin.path,
    )


class _TextExtractor(HTMLParser):
    """Visible text of an HTML fragment, with block elements as line breaks."""

    _BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"})
    _HIDDEN = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data) -> None:
        if not self._hidden:
            self.parts.append(data)


def _strip_html(fragment: str) -> str:
    if "<" not in fragment:
        return html.unescape(fragment)
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    lines = (re.sub(r"[ \t\xa0]+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_PARSERS: dict[str, Callable[[bytes, _Origin], Iterator[Article]]] = {
    "txt": _parse_txt,
    "html": _parse_html,
    "json": _parse_json,
    "jsonl": _parse_jsonl,
    "rss": _parse_feed,
}
