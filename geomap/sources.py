"""Read articles from files and folders: the first step of the pipeline.

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

Folders are read recursively in sorted order, so results are deterministic. An article without a
date in its metadata gets the first date written near the top of its text ("on January 27, 2020",
a dateline "2020-01-27"), see :func:`geomap.eventdate.find_article_date`. Offsets always refer to ``Article.text``.

A missing path or a folder with no article is a :class:`~geomap.errors.SourceError`. A single
unreadable file (undecodable, binary, empty, huge, malformed) is reported through ``on_skip`` and
skipped when the caller asks for it, so one bad file does not stop a whole build.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from geomap.errors import SourceError
from geomap.eventdate import find_article_date
from geomap.model import Article

__all__ = [
    "ARTICLE_SUFFIXES",
    "FIELDS",
    "MAX_BYTES",
    "MAX_COLLECTION_BYTES",
    "iter_source_files",
    "parse_field_options",
    "source_paths",
    "read_articles",
    "read_file",
]

ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl", ".xml", ".rss", ".atom")
#: The article fields of a JSON record; ``fields`` maps them to other names.
FIELDS = ("id", "title", "text", "date", "url", "source")
MAX_BYTES = 20 * 1024 * 1024  # one article (.txt, .html) larger than this is not news text
MAX_COLLECTION_BYTES = 512 * 1024 * 1024  # a .jsonl/.json/feed file holds many articles; split larger dumps
_COLLECTIONS = (".json", ".jsonl", ".xml", ".rss", ".atom")

FieldMap = Mapping[str, str]


def iter_source_files(sources: Iterable[str | Path]) -> list[Path]:
    """The article files named by ``sources`` (files, or folders searched recursively, in path order)."""
    return [Path(name) for name in source_paths(sources)]


def source_paths(sources: Iterable[str | Path]) -> list[str]:
    """:func:`iter_source_files` as strings: what the store keys files by.

    Why ``os.scandir`` and strings rather than ``Path.rglob``: a folder of 100k articles is listed
    in a tenth of the time (no stat per file, no Path object per file), and that listing is most of
    what a cron re-run with one new article costs. Order is that of the paths' components (as
    ``sorted`` on :class:`~pathlib.Path` gives); symlinked folders are not followed.
    """
    files: list[str] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            # "/" -> "\0" (below any character of a name): string order is then component order.
            found = sorted(_article_files(str(path)), key=lambda name: name.replace("/", "\0"))
            if not found:
                raise SourceError(f"{path}: no article files ({', '.join(ARTICLE_SUFFIXES)}) in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path.as_posix())
        else:
            raise SourceError(f"{path}: no such file or folder")
    return files


def _article_files(folder: str) -> Iterator[str]:
    """Paths of the article files under ``folder``: known suffix, not hidden, regular files (or links to them)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # unreadable folder: skipped, as Path.rglob does
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _article_files(entry.path)
        elif (
            not entry.name.startswith(".")
            and os.path.splitext(entry.name)[1].lower() in ARTICLE_SUFFIXES
            and entry.is_file()
        ):
            yield entry.path


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
    on_skip: Callable[[SourceError], None] | None = None,
) -> list[Article]:
    """Every article in ``sources``. Bad files raise, or go to ``on_skip`` when it is given."""
    articles: list[Article] = []
    seen: set[str] = set()
    for path in iter_source_files(sources):
        try:
            batch = list(read_file(path, fields=fields))
        except SourceError as err:
            if on_skip is None:
                raise
            on_skip(err)
            continue
        for article in batch:
            if article.id in seen:
                article = replace(article, id=f"{article.id}@{path.as_posix()}")
            seen.add(article.id)
            articles.append(article)
    return articles


def read_file(path: Path, *, fields: FieldMap | None = None) -> Iterator[Article]:
    """The articles of one file, by its suffix. Raises :class:`SourceError` naming the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _read_jsonl(path, fields or {})
    elif suffix == ".json":
        yield from _read_json(path, fields or {})
    elif suffix in (".html", ".htm"):
        yield _read_html(path)
    elif suffix in (".xml", ".rss", ".atom"):
        yield from _read_feed(path)
    elif suffix == ".txt" or suffix == "":
        yield _read_txt(path)
    else:
        raise SourceError(f"{path}: unsupported file type {suffix!r} (use {', '.join(ARTICLE_SUFFIXES)})")


# ---------------------------------------------------------------------------------------------
# Bytes and text


def _read_bytes(path: Path) -> bytes:
    limit = MAX_COLLECTION_BYTES if path.suffix.lower() in _COLLECTIONS else MAX_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            mib = limit // 2**20
            raise SourceError(f"{path}: {size / 1e6:.0f} MB is too large for this file type (limit {mib} MiB)")
        data = path.read_bytes()
    except OSError as err:
        raise SourceError(f"{path}: cannot read ({err.strerror})") from err
    if not data.strip():
        raise SourceError(f"{path}: empty file")
    if b"\x00" in data[:8192]:
        raise SourceError(f"{path}: binary file, not text")
    return data


def _decode(path: Path) -> str:
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SourceError(f"{path}:{line}: not UTF-8 text (invalid byte at offset {err.start})") from err
    return text  # line ends untouched: offsets must index the file's own text


def _first_line(text: str, default: str = "") -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), default)


def _read_txt(path: Path) -> Article:
    text = _decode(path)
    if not text.strip():
        raise SourceError(f"{path}: empty article")
    return Article(id=path.stem, title=_first_line(text), text=text, date=find_article_date(text), path=path.as_posix())


# ---------------------------------------------------------------------------------------------
# JSON and JSON lines


def _read_jsonl(path: Path, fields: FieldMap) -> Iterator[Article]:
    text = _decode(path)
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise SourceError(f"{path}:{number}: malformed JSON ({err.msg} at column {err.colno})") from err
        yield _record_article(record, fields, path=path, where=f"{path}:{number}", default_id=f"{path.stem}:{number}")


def _read_json(path: Path, fields: FieldMap) -> Iterator[Article]:
    text = _decode(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise SourceError(f"{path}:{err.lineno}: malformed JSON ({err.msg} at column {err.colno})") from err
    if isinstance(data, dict):
        yield _record_article(data, fields, path=path, where=str(path), default_id=path.stem)
    elif isinstance(data, list):
        for index, record in enumerate(data):
            where = f"{path}[{index}]"
            yield _record_article(record, fields, path=path, where=where, default_id=f"{path.stem}:{index + 1}")
    else:
        raise SourceError(f"{path}: expected a JSON object or a list of objects, not {type(data).__name__}")


def _record_article(record: object, fields: FieldMap, *, path: Path, where: str, default_id: str) -> Article:
    """One JSON record as an :class:`Article`; ``fields`` renames our field names to the record's."""
    if not isinstance(record, dict):
        raise SourceError(f"{where}: expected a JSON object, not {type(record).__name__}")

    def get(name: str) -> object:
        """The mapped field, else our own name: one mapping serves a folder of mixed files."""
        value = record.get(fields.get(name, name))
        return record.get(name) if value in (None, "") else value

    body = get("text")
    if not isinstance(body, str):
        wanted = " or ".join(repr(n) for n in dict.fromkeys([fields.get("text", "text"), "text"]))
        hint = "" if "text" in fields else " (map another name with --field text=NAME)"
        raise SourceError(f"{where}: expected an object with a string field {wanted}{hint}")

    def get_str(name: str) -> str | None:
        value = get(name)
        return str(value) if value not in (None, "") else None

    article_id = get_str("id") or default_id
    return Article(
        id=article_id,
        title=get_str("title") or _first_line(body, article_id),
        text=body,
        date=get_str("date") or find_article_date(body),
        url=get_str("url"),
        source=get_str("source"),
        path=path.as_posix(),
    )


# ---------------------------------------------------------------------------------------------
# HTML pages and feeds


def _read_html(path: Path) -> Article:
    """The main text of a web page (trafilatura), its title and date from the page metadata."""
    import trafilatura  # imported here: a 0.3 s import that .txt-only users should not pay

    page = _decode(path)
    try:
        document = trafilatura.bare_extraction(
            page, with_metadata=True, favor_recall=True, date_extraction_params={"extensive_search": False}
        )
    except Exception as err:  # trafilatura raises assorted lxml/parser errors on broken pages
        raise SourceError(f"{path}: cannot parse HTML ({type(err).__name__}: {err})") from err
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if not text:
        raise SourceError(f"{path}: no article text found in this HTML page")
    text += "\n"
    title = (document.title or "").strip() or _first_line(text, path.stem)
    return Article(
        id=path.stem,
        title=title,
        text=text,
        date=document.date or find_article_date(text),
        url=document.url or None,
        source=document.sitename or None,
        path=path.as_posix(),
    )


def _read_feed(path: Path) -> Iterator[Article]:
    """Each entry of an RSS/Atom feed as an article (text = content or summary, HTML stripped)."""
    import feedparser

    data = _read_bytes(path)
    feed = feedparser.parse(data)
    if not feed.entries:
        why = f" ({feed.bozo_exception})" if feed.get("bozo") else ""
        raise SourceError(f"{path}: not an RSS/Atom feed, or a feed without entries{why}")
    source = (feed.feed.get("title") or "").strip() or None
    for number, entry in enumerate(feed.entries, 1):
        contents = entry.get("content") or []
        raw = contents[0].get("value", "") if contents else entry.get("summary", "")
        title = _strip_html(entry.get("title", "")).strip()
        body = _strip_html(raw).strip()
        if not body and not title:
            continue
        text = f"{title}\n\n{body}\n" if title and body else f"{title or body}\n"
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        date = dt.date(*parsed[:3]).isoformat() if parsed else find_article_date(text)
        link = entry.get("link") or None
        yield Article(
            id=str(entry.get("id") or link or f"{path.stem}:{number}"),
            title=title or _first_line(body),
            text=text,
            date=date,
            url=link,
            source=source,
            path=path.as_posix(),
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
