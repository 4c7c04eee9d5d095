"""Which files a run reads: the files and folders named, searched, de-duplicated, checked.

:func:`list_sources` turns the sources named (files, folders, ``-`` for standard input) into the
article files to read, in order; the readers (:mod:`geomap.sources.readers`) read what it lists.
Folders are read recursively in sorted order, so results are deterministic.

A missing path or a readable folder with no article is a :class:`~geomap.errors.SourceError`. What
cannot be used is reported, one ``SourceError("PATH: why")`` each, and the rest is listed: a folder
that cannot be read ("permission denied"; also in ``SourceListing.unreadable``, so a store keeps what
it has from under it), a file name that is not UTF-8, a symlink loop, a broken symlink. The same file
named twice (two folders, a symlink, ``./a.txt`` and ``a.txt``) is listed once; the run's own outputs
(``exclude``) and maps geomap wrote (``<meta name="generator" content="geomap">`` in their first
4 KB) are never inputs.
"""

from __future__ import annotations

import errno
import operator
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from geomap.errors import SourceError, printable

__all__ = [
    "ARTICLE_SUFFIXES",
    "STDIN",
    "SourceListing",
    "iter_source_files",
    "list_sources",
    "path_order",
    "source_paths",
]

ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl", ".xml", ".rss", ".atom")
#: The source that means standard input.
STDIN = "-"
_ARTICLE_SUFFIX_SET = frozenset(ARTICLE_SUFFIXES)

OnSkip = Callable[[SourceError], None]


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
            raise SourceError(f"{printable(str(path))}: not a file or folder (use - to read standard input)")

    def _cannot_stat(self, name: str, err: OSError) -> None:
        """A path given directly that cannot be looked at: missing is fatal, the rest is reported."""
        if isinstance(err, FileNotFoundError | NotADirectoryError):
            if not os.path.islink(name):
                raise SourceError(f"{printable(name)}: no such file or folder") from err
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
            raise SourceError(f"{printable(folder)}: no article files ({', '.join(ARTICLE_SUFFIXES)}) in this folder")
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
        self.listing.skipped.append(SourceError(f"{printable(name)}: {why}"))
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
        self.problems.append((path, SourceError(f"{printable(path)}: {why}")))
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
