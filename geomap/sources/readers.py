"""Files and standard input as articles: one parser per format (the formats: :mod:`geomap.sources`).

:func:`read_articles` reads every file :func:`~geomap.sources.listing.list_sources` lists;
:func:`read_file` reads one file, by its suffix (:data:`FORMATS`); :func:`read_stdin` reads standard
input as the format named. Offsets always refer to ``Article.text``.

A problem of a whole file (unreadable, empty, binary, not UTF-8, huge, not JSON at all, JSON nested
too deeply) raises :class:`~geomap.errors.SourceError`; a caller such as :func:`read_articles`
reports it through ``on_skip`` and goes on, so one bad file does not stop a whole build. A problem
of one record (a line of a ``.jsonl`` file, an item of a ``.json`` list, a feed entry) is reported
through ``on_skip`` as ``SourceError("FILE:LINE: why")`` and the other records are read; without
``on_skip`` it raises, as it always did. A file in which no record at all is usable raises its first
record's error instead: one message for the file, not one per record. What a record holds is made
safe rather than refused:

* Metadata dates are normalised to ``YYYY-MM-DD`` by :func:`~geomap.sources.dates.parse_date`. A
  date it cannot read for sure is dropped (the date written in the article's text is used, if any)
  and reported through ``on_warning`` ("unrecognised date" or "ambiguous date"); the article is kept.
* Numbers in ``id``, ``title``, ``url``, ``source``, ``date`` or ``locale`` become their JSON text
  (``17`` -> ``"17"``); booleans, lists and objects are dropped with a warning (``id`` falls back to
  the default id); ``null`` and ``""`` mean "absent", as before.
* ``Article.locale`` (the source's language tag, "en-US", "fr": how it writes ``04/03/2020``, see
  :func:`geomap.events.eventdate.day_first`) is a record's ``locale`` field, else its ``language``, else
  its ``lang``; a feed's ``<language>`` (RSS) or ``xml:lang`` (Atom); the ``lang`` attribute of an
  HTML page's ``<html>`` element. A ``.txt`` file has none.
* Lone surrogates (``"\\ud800"`` escapes, which no UTF-8 output can hold) become U+FFFD, one code
  point for one, so offsets into ``Article.text`` stay valid.

HTML pages (trafilatura) and feeds (feedparser) are parsed by libraries imported when the first
such file is read, not when this module is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import html
import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

from geomap.errors import SourceError
from geomap.events.eventdate import find_article_date
from geomap.model import Article
from geomap.sources.dates import OnWarning, _metadata_date
from geomap.sources.listing import ARTICLE_SUFFIXES, STDIN, OnSkip, list_sources

__all__ = [
    "FIELDS",
    "FORMATS",
    "MAX_BYTES",
    "MAX_COLLECTION_BYTES",
    "parse_field_options",
    "read_articles",
    "read_file",
    "read_stdin",
]

#: The article fields of a JSON record; ``fields`` maps them to other names.
FIELDS = ("id", "title", "text", "date", "url", "source", "locale")
#: Where a record without a ``locale`` field names its language instead (what dumps call it).
_LOCALE_FALLBACKS = ("language", "lang")
#: The input formats (what ``read_stdin`` takes) and the file suffixes read as each.
FORMATS: dict[str, tuple[str, ...]] = {
    "txt": (".txt", ""),
    "html": (".html", ".htm"),
    "json": (".json",),
    "jsonl": (".jsonl",),
    "rss": (".xml", ".rss", ".atom"),
}
MAX_BYTES = 20 * 1024 * 1024  # one article (.txt, .html) larger than this is not news text
MAX_COLLECTION_BYTES = 512 * 1024 * 1024  # a .jsonl/.json/feed file holds many articles; split larger dumps
_COLLECTIONS = ("json", "jsonl", "rss")
_SUFFIX_FORMAT = {suffix: fmt for fmt, suffixes in FORMATS.items() for suffix in suffixes}

FieldMap = Mapping[str, str]


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
        for name in ("id", "title", "text", "date", "url", "source", "locale")
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
    records = (
        (f"{origin.label}:{number}", f"{origin.stem}:{number}", functools.partial(_json_record, line, number, origin))
        for number, line in enumerate(text.split("\n"), 1)
        if line.strip()
    )
    yield from _record_articles(records, origin)


def _record_articles(records: Iterable[tuple[str, str, Callable[[], object]]], origin: _Origin) -> Iterator[Article]:
    """The articles of ``(where, default id, record)`` triples (``record()`` decodes it); a bad
    record is reported (:class:`_BadRecords`) and the others go on."""
    bad = _BadRecords(origin)
    for where, default_id, record in records:
        try:
            article = _record_article(record(), origin, where=where, default_id=default_id)
        except SourceError as err:
            bad.bad(err)
            continue
        bad.good()
        yield article
    bad.end()


def _json_record(line: str, number: int, origin: _Origin) -> object:
    """One JSON line; every way it can fail is a :class:`SourceError` naming the line."""
    where = f"{origin.label}:{number}"

    def malformed(err: json.JSONDecodeError) -> SourceError:
        return SourceError(f"{where}: malformed JSON ({err.msg} at column {err.colno})")

    with _json_failures(where, malformed):
        return json.loads(line)


@contextlib.contextmanager
def _json_failures(where: str, malformed: Callable[[json.JSONDecodeError], SourceError]) -> Iterator[None]:
    """Every way decoding JSON fails, as a :class:`SourceError` naming ``where``: bad syntax
    (``malformed``), nesting too deep for the decoder, a number too long to convert."""
    try:
        yield
    except json.JSONDecodeError as err:
        raise malformed(err) from err
    except RecursionError as err:
        raise SourceError(f"{where}: JSON nested too deeply") from err
    except ValueError as err:  # an integer of more than 4300 digits
        raise SourceError(f"{where}: unreadable JSON ({_first_clause(err)})") from err


def _parse_json(data: bytes, origin: _Origin) -> Iterator[Article]:
    """A list of records (each bad one skipped, named by its line), or one record."""
    text = _decode(data, origin.label)
    start = _WHITESPACE.match(text).end()
    if text.startswith("[", start):
        items = _json_list(text, start, origin.label)
        records = (
            (f"{origin.label}:{line}", f"{origin.stem}:{index}", lambda record=record: record)
            for index, (line, record) in enumerate(items, 1)
        )
        yield from _record_articles(records, origin)
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
    with _json_failures(f"{label}:{line}", functools.partial(_malformed, label)):
        return json.loads(text)


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
            with _json_failures(f"{label}:{line}", functools.partial(_malformed, label)):
                item, pos = _DECODER.raw_decode(text, pos)
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
        return as_text(*get(name), then)

    def as_text(key: str, value: object, then: str = "ignored") -> str | None:
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
        locale=as_text(*_locale_field(record, *get("locale"))),
    )


def _locale_field(record: Mapping, key: str, value: object) -> tuple[str, object]:
    """The ``locale`` field (``key``, ``value``: mapped by ``fields`` as the others), else the first of
    :data:`_LOCALE_FALLBACKS` the record fills, with its key (for the warning when it is not text)."""
    if value is not None and value != "":
        return key, value
    for fallback in _LOCALE_FALLBACKS:
        found = record.get(fallback)
        if found is not None and found != "":
            return fallback, found
    return key, value


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
        locale=_html_lang(page) or getattr(document, "language", None) or None,
    )


_HTML_LANG = re.compile(
    r"<html\b[^>]*?(?<![\w-])(?:xml:)?lang\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s\"'>]+))",
    re.IGNORECASE,
)


def _html_lang(page: str) -> str | None:
    """The ``lang`` attribute of the ``<html>`` element (``<html lang="en-GB">``), or None.

    A regex over the start of the page, not a parse: the element opens the page, and trafilatura's
    document does not keep the attribute.
    """
    m = _HTML_LANG.search(page, 0, 8192)
    if m is None:
        return None
    value = html.unescape(m["dq"] if m["dq"] is not None else m["sq"] if m["sq"] is not None else m["bare"]).strip()
    return value or None


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
    locale = _feed_locale(feed.feed)
    bad = _BadRecords(origin)
    for number, entry in enumerate(feed.entries, 1):
        try:
            article = _entry_article(entry, number, source, origin, locale)
        except _ENTRY_ERRORS as err:
            why = f"cannot read this entry ({type(err).__name__}: {err})"
            bad.bad(SourceError(f"{origin.label}: entry {number}: {why}"))
            continue
        if article is not None:
            bad.good()
            yield article
    bad.end()


def _feed_locale(channel: Mapping) -> str | None:
    """The feed's language: RSS ``<language>en-us</language>``, Atom ``xml:lang`` (feedparser calls both
    ``language``); None when absent or not text."""
    value = channel.get("language")
    return (value.strip() or None) if isinstance(value, str) else None


def _entry_article(
    entry: Mapping, number: int, source: str | None, origin: _Origin, locale: str | None = None
) -> Article | None:
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
        locale=locale,
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
