"""The exception tree: one root, each child also a builtin so callers can catch either.

The CLI turns any :class:`GeomapError` into one line on stderr and its ``exit_code``; anything else
is a bug and keeps its traceback.
"""

from __future__ import annotations

__all__ = [
    "GeomapError",
    "SourceError",
    "GazetteerError",
    "RenderError",
    "OfflineError",
    "StoreError",
    "OutputError",
    "UsageError",
    "printable",
    "GeocoderError",
    "EXIT_OK",
    "EXIT_ERROR",
    "EXIT_USAGE",
    "EXIT_PARTIAL",
]

EXIT_OK = 0
EXIT_ERROR = 1  # nothing was written: the previous outputs are intact
EXIT_USAGE = 2  # bad command line (argparse's own code)
EXIT_PARTIAL = 3  # outputs written, but some inputs were skipped (each reported on stderr)


class GeomapError(Exception):
    """Root of every error geomap raises on purpose: a user's mistake or an unusable input."""

    exit_code = EXIT_ERROR


class UsageError(GeomapError, ValueError):
    """A command-line value argparse cannot check (a bad ``--field``, an export format that cannot be
    told from the suffix): exit 2, like argparse's own errors, in one line."""

    exit_code = EXIT_USAGE


class SourceError(GeomapError, ValueError):
    """An article source is missing, empty, unreadable or malformed; the message names the path."""


class GazetteerError(GeomapError, ValueError):
    """A gazetteer file is malformed; the message names file, line and column."""


class RenderError(GeomapError, RuntimeError):
    """The map cannot be rendered (for example the offline assets are not installed)."""


class OfflineError(RenderError):
    """A map made offline links a library geomap has no bundled copy of; the message names the URL,
    the element and the fix (raised when the page is rendered, before anything is written)."""


class StoreError(GeomapError, RuntimeError):
    """The local store is locked by another build, or unusable."""


class OutputError(GeomapError, RuntimeError):
    """An output cannot be written (a folder, a read-only folder, a full disk, a name too long); the
    message names the path and the cause, and nothing was half-written (see :mod:`geomap.fileio`)."""


class GeocoderError(GeomapError, RuntimeError):
    """The opt-in online geocoder is misconfigured (never raised for network failures, which degrade)."""


def printable(text: str) -> str:
    """``text`` safe for one line of a terminal: control characters as ``\\n``/``\\x1b`` escapes, bytes
    that are not UTF-8 (a file name's, kept by Python as surrogate escapes) as ``\\xe9``.

    Why one function: file names and SQLite's quotes of damaged pages are user data; a newline in a
    name must not forge a ``geomap: wrote`` line, an escape sequence must not drive the terminal, and
    a name that is not UTF-8 must not crash the message about it.
    """
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)
