"""Read articles from files and folders: the first step of the pipeline.

Inputs: ``.txt`` (first non-empty line is the title; offsets refer to the whole file) and
``.jsonl`` (one JSON object per line with ``id`` and ``text``; ``title``, ``date``, ``url``,
``source`` optional). Folders are read recursively in sorted order, so results are deterministic.

A missing path or a folder with no article is a :class:`~geomap.errors.SourceError`. A single
unreadable file (undecodable, binary, malformed JSON) is reported through ``on_skip`` and skipped
when the caller asks for it, so one bad file does not stop a whole build.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from geomap.errors import SourceError
from geomap.eventdate import find_article_date
from geomap.model import Article

__all__ = ["ARTICLE_SUFFIXES", "iter_source_files", "read_articles", "read_file"]

ARTICLE_SUFFIXES = (".txt", ".jsonl")
MAX_BYTES = 20 * 1024 * 1024  # an article file larger than this is not news text


def iter_source_files(sources: Iterable[str | Path]) -> list[Path]:
    """The article files named by ``sources`` (files, or folders searched recursively)."""
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
            if not found:
                raise SourceError(f"{path}: no article files ({', '.join(ARTICLE_SUFFIXES)}) in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise SourceError(f"{path}: no such file or folder")
    return files


def read_articles(
    sources: Iterable[str | Path], *, on_skip: Callable[[SourceError], None] | None = None
) -> list[Article]:
    """Every article in ``sources``. Bad files raise, or go to ``on_skip`` when it is given."""
    articles: list[Article] = []
    seen: set[str] = set()
    for path in iter_source_files(sources):
        try:
            batch = list(read_file(path))
        except SourceError as err:
            if on_skip is None:
                raise
            on_skip(err)
            continue
        for article in batch:
            if article.id in seen:
                article = _with_id(article, f"{article.id}@{path.as_posix()}")
            seen.add(article.id)
            articles.append(article)
    return articles


def read_file(path: Path) -> Iterator[Article]:
    """The articles of one file, by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _read_jsonl(path)
    elif suffix == ".txt" or suffix == "":
        yield _read_txt(path)
    else:
        raise SourceError(f"{path}: unsupported file type {suffix!r} (use {', '.join(ARTICLE_SUFFIXES)})")


def _decode(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SourceError(
                f"{path}: {size / 1e6:.0f} MB is too large for an article (limit {MAX_BYTES // 2**20} MiB)"
            )
        data = path.read_bytes()
    except OSError as err:
        raise SourceError(f"{path}: cannot read ({err.strerror})") from err
    if b"\x00" in data[:8192]:
        raise SourceError(f"{path}: binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SourceError(f"{path}:{line}: not UTF-8 text (invalid byte at offset {err.start})") from err
    return text  # line ends untouched: offsets must index the file's own text


def _read_txt(path: Path) -> Article:
    text = _decode(path)
    if not text.strip():
        raise SourceError(f"{path}: empty article")
    title = next(line.strip() for line in text.splitlines() if line.strip())
    return Article(id=path.stem, title=title, text=text, date=find_article_date(text), path=path.as_posix())


def _read_jsonl(path: Path) -> Iterator[Article]:
    text = _decode(path)
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise SourceError(f"{path}:{number}: malformed JSON ({err.msg} at column {err.colno})") from err
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise SourceError(f"{path}:{number}: expected an object with a string field 'text'")
        article_id = str(record.get("id") or f"{path.stem}:{number}")
        body = record["text"]
        title = str(record.get("title") or next((ln.strip() for ln in body.splitlines() if ln.strip()), article_id))
        yield Article(
            id=article_id,
            title=title,
            text=body,
            date=_optional_str(record.get("date")) or find_article_date(body),
            url=_optional_str(record.get("url")),
            source=_optional_str(record.get("source")),
            path=path.as_posix(),
        )


def _optional_str(value) -> str | None:
    return str(value) if value not in (None, "") else None


def _with_id(article: Article, new_id: str) -> Article:
    from dataclasses import replace

    return replace(article, id=new_id)
