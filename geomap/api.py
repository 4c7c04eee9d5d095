"""The library API: the whole pipeline in a few calls, for scripts and for the CLI.

>>> import geomap
>>> gaz = geomap.load_gazetteer()
>>> [t.place.name for t in geomap.geoparse("Shelling hit Kafr Ruma near Idlib.", gaz)]
['Kafr Ruma', 'Idlib']

Incremental use (a cron job): :func:`build_map`, :func:`export` and :func:`events_for` keep the
rows of every article in a local store (:mod:`geomap.store`), so a re-run only parses new or changed
articles::

    report = geomap.build_map(["news/"], "maps/index.html")          # store: maps/index.html.geomap.sqlite
    events = geomap.events_for(["news/"], store="maps/index.html.geomap.sqlite")   # a DataFrame
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geomap.errors import SourceError
from geomap.events import EVENT_COLUMNS, article_rows, events_table, mention_event
from geomap.export import write_export
from geomap.extract import find_mentions
from geomap.fileio import atomic_write_text
from geomap.gazetteer import DEFAULT_DIR, Gazetteer, load_curated
from geomap.geocode import Geocoder, resolve_unknown
from geomap.model import Article, Toponym
from geomap.recognize import recognise
from geomap.render import save_map
from geomap.resolve import resolve
from geomap.sources import iter_source_files, read_articles
from geomap.store import MEMORY, Store, default_store_path

__all__ = [
    "load_gazetteer", "geoparse", "parse_articles", "build_events", "build_map", "extract", "export", "events_for",
    "pipeline_version", "BuildReport",
]  # fmt: skip

Progress = Callable[[int, int], None]
StoreArg = str | Path | Store | None


def load_gazetteer(directory: Path | None = None, *, world: bool = False) -> Gazetteer:
    """The gazetteer: the curated TSV files of ``directory`` (default: the project's ``gazetteer/``).

    With ``world=True``, the curated files plus the GeoNames-derived world data, compiled once into
    an indexed local store (:mod:`geomap.world`; the first call takes about half a minute).
    """
    curated = Path(directory) if directory else DEFAULT_DIR
    if world:
        from geomap.world import load_world

        return load_world(curated=curated)
    return load_curated(curated)


def geoparse(text: str, gazetteer: Gazetteer, *, geocoder: Geocoder | None = None) -> list[Toponym]:
    """Find and resolve every place mention (and demonym) of one text, in document order.

    With ``geocoder`` (opt-in, :class:`geomap.geocode.OnlineGeocoder`), names the gazetteer does not
    know are looked up online too (:func:`geomap.geocode.resolve_unknown`).
    """
    toponyms = resolve(text, recognise(text, find_mentions(text, gazetteer), gazetteer), gazetteer)
    return toponyms if geocoder is None else resolve_unknown(text, toponyms, geocoder)


def _geoparse(text: str, gazetteer: Gazetteer, geocoder: Geocoder | None) -> list[Toponym]:
    """:func:`geoparse`, called without ``geocoder`` when there is none (wrappers of the old signature keep working)."""
    return geoparse(text, gazetteer) if geocoder is None else geoparse(text, gazetteer, geocoder=geocoder)


def parse_articles(
    articles: Iterable[Article], gazetteer: Gazetteer, *, geocoder: Geocoder | None = None
) -> list[tuple[Article, list[Toponym]]]:
    return [(article, _geoparse(article.text, gazetteer, geocoder)) for article in articles]


def build_events(
    articles: Iterable[Article], gazetteer: Gazetteer, *, geocoder: Geocoder | None = None
) -> pd.DataFrame:
    """The events table (see :data:`geomap.events.EVENT_COLUMNS`) of ``articles``."""
    return events_table(parse_articles(articles, gazetteer, geocoder=geocoder))


@dataclass
class BuildReport:
    """What a build did; ``skipped`` holds one message per input that could not be read.

    ``new``/``changed``/``removed``/``unchanged`` count articles against the store; ``parsed`` counts
    the articles actually geoparsed (0 on a re-run with nothing new).
    """

    articles: int = 0
    mentions: int = 0
    places: int = 0
    skipped: list[str] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    parsed: int = 0
    rows: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for logs: ``12 articles (2 new, 1 changed, 0 removed, 9 unchanged), 40 mentions, ...``."""
        return (
            f"{self.articles} articles ({self.new} new, {self.changed} changed, {self.removed} removed, "
            f"{self.unchanged} unchanged), {self.mentions} mentions, {self.places} places, "
            f"{len(self.skipped)} skipped, {self.seconds:.1f} s"
        )


def pipeline_version(gazetteer: Gazetteer) -> str:
    """What stored rows depend on besides the article: the gazetteer data and the table's columns.

    When either changes, the store re-resolves every article on the next update.
    """
    columns = hashlib.sha256("\t".join(EVENT_COLUMNS).encode()).hexdigest()[:8]
    return f"{gazetteer.version}:{columns}"


def events_for(
    sources: Iterable[str | Path],
    *,
    store: StoreArg = None,
    gazetteer: Gazetteer | None = None,
    fields: Mapping[str, str] | None = None,
    on_skip: Callable[[SourceError], None] | None = None,
    progress: Progress | None = None,
    report: BuildReport | None = None,
    geocoder: Geocoder | None = None,
    reuse: Callable[[Store], bool] | None = None,
) -> pd.DataFrame | None:
    """The events table of ``sources`` through a store: only new or changed articles are parsed.

    Parameters
    ----------
    sources
        Article files and folders (see :mod:`geomap.sources` for the formats).
    store
        A path to the SQLite store (created if missing; shared with ``geomap build --store``), an
        open :class:`~geomap.store.Store`, or None for a throw-away in-memory store.
    fields
        Field-name mapping for JSON inputs, e.g. ``{"text": "body"}``.
    report
        Filled with the counts (new, changed, removed, unchanged, parsed, skipped, ...) when given.
    geocoder
        Opt-in online fallback for names the gazetteer does not know (:mod:`geomap.geocode`). Stored
        rows remember whether one was used: switching it on or off re-parses every article.
    reuse
        Called with the store after an update that changed nothing; when it returns True the table
        is not loaded and None is returned (the caller's output is still current).

    Examples
    --------
    >>> events = events_for(["seeds/"])                                  # doctest: +SKIP
    >>> events = events_for(["news/"], store="news.geomap.sqlite")       # doctest: +SKIP
    >>> events.groupby("place_name").size().sort_values()                # doctest: +SKIP
    """
    report = report if report is not None else BuildReport()
    started = time.perf_counter()
    gaz = gazetteer or load_gazetteer(world=True)

    def rows_for(article: Article) -> list[dict]:
        return article_rows(article, _geoparse(article.text, gaz, geocoder))

    def skip(err: SourceError) -> None:
        if on_skip:
            on_skip(err)

    sources = list(sources)
    iter_source_files(sources)  # a missing path or empty folder fails here, before a store file is created
    opened = store if isinstance(store, Store) else Store(MEMORY if store is None else store)
    version = pipeline_version(gaz) + (f":online-{geocoder.service}" if geocoder is not None else "")
    try:
        update = opened.update(
            sources, rows_for=rows_for, version=version, fields=fields, on_skip=skip, progress=progress
        )
        if not update.files:
            raise SourceError("no readable article in the given sources; nothing was written")
        unchanged = not (update.new or update.changed or update.removed or update.skipped)
        events = None if unchanged and reuse is not None and reuse(opened) else opened.events(update.files)
    finally:
        if opened is not store:
            opened.close()
    report.skipped.extend(update.skipped)
    report.articles, report.new, report.changed = update.articles, update.new, update.changed
    report.removed, report.unchanged, report.parsed = update.removed, update.unchanged, update.parsed
    if events is not None:
        places = events[events["type"] == "place"]
        report.rows, report.mentions, report.places = len(events), len(places), int(places.place_id.nunique())
    report.seconds = time.perf_counter() - started
    return events


def build_map(
    sources: Iterable[str | Path],
    output: str | Path,
    *,
    gazetteer: Gazetteer | None = None,
    title: str = "geomap",
    store: StoreArg = None,
    fields: Mapping[str, str] | None = None,
    on_skip: Callable[[SourceError], None] | None = None,
    progress: Progress | None = None,
    geocoder: Geocoder | None = None,
    **render_options,
) -> BuildReport:
    """Read ``sources``, geoparse what is new and write the map to ``output`` atomically.

    The store defaults to ``<output>.geomap.sqlite`` (pass :data:`geomap.store.MEMORY` for none), so
    re-running after new articles arrive parses only those. Unreadable files are skipped and
    reported (``on_skip`` and ``BuildReport.skipped``); a missing source or no readable article at
    all raises :class:`~geomap.errors.SourceError` and writes nothing. A concurrent build on the
    same store raises :class:`~geomap.errors.StoreError` at once.
    """
    report = BuildReport()
    started = time.perf_counter()
    store = default_store_path(output) if store is None else store
    output = Path(output)
    key = f"map:{output.resolve()}"
    options = json.dumps({"title": title, **render_options}, sort_keys=True, default=str)
    recorded: dict = {}

    def still_current(opened: Store) -> bool:
        """Nothing changed and the map on disk is the one this store last wrote with these options."""
        noted = opened.noted(key)
        if noted is None or not output.exists():
            return False
        recorded.update(json.loads(noted))
        return recorded["options"] == options and recorded["sha256"] == _sha256(output)

    events = events_for(
        sources, store=store, gazetteer=gazetteer, fields=fields, on_skip=on_skip, progress=progress, report=report,
        geocoder=geocoder, reuse=still_current if not _is_memory(store) else None,
    )  # fmt: skip
    if events is None:
        report.rows, report.mentions, report.places = recorded["counts"]
    else:
        save_map(events, output, title=title, **render_options)
        if not _is_memory(store):
            _note_map(store, key, output, options, report)
    report.seconds = time.perf_counter() - started
    return report


def _is_memory(store: StoreArg) -> bool:
    return isinstance(store, str) and store == MEMORY


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _with_store(store: StoreArg):
    """The store itself, or a context that opens the path (and closes it) for a short note."""
    if isinstance(store, Store):
        return contextlib.nullcontext(store)
    return Store(store)


def _note_map(store: StoreArg, key: str, output: Path, options: str, report: BuildReport) -> None:
    """Remember which map this store last wrote, so that a run with nothing new can skip rendering."""
    value = {"options": options, "sha256": _sha256(output), "counts": [report.rows, report.mentions, report.places]}
    with _with_store(store) as opened:
        opened.note(key, json.dumps(value, sort_keys=True))


def export(
    sources: Iterable[str | Path],
    output: str | Path,
    *,
    fmt: str,
    per: str = "mention",
    gazetteer: Gazetteer | None = None,
    store: StoreArg = None,
    fields: Mapping[str, str] | None = None,
    on_skip: Callable[[SourceError], None] | None = None,
    progress: Progress | None = None,
    geocoder: Geocoder | None = None,
) -> BuildReport:
    """Write the events table of ``sources`` as ``fmt`` (csv, geojson, parquet) to ``output``, atomically.

    Like :func:`build_map`, through a store (default ``<output>.geomap.sqlite``); ``per`` chooses
    GeoJSON features per mention or per place.
    """
    report = BuildReport()
    started = time.perf_counter()
    store = default_store_path(output) if store is None else store
    events = events_for(
        sources, store=store, gazetteer=gazetteer, fields=fields, on_skip=on_skip, progress=progress, report=report,
        geocoder=geocoder,
    )  # fmt: skip
    write_export(events, Path(output), fmt=fmt, per=per)
    report.seconds = time.perf_counter() - started
    return report


def toponym_record(top: Toponym, article: Article | None = None) -> dict:
    """One toponym of ``geomap extract`` output (a stable scripting and evaluation interface).

    With ``article``, the record also carries the event type and date read from its sentence.
    """
    place = top.place
    record = {
        "start": top.start,
        "end": top.end,
        "surface": top.surface,
        "name": place.name if place else None,
        "place_id": place.id if place else None,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "kind": place.kind if place else None,
        "country": place.country if place else None,
        "type": top.type,
        "confidence": top.confidence,
        "reason": top.reason,
        "relation": top.relation,
    }
    if article is not None:
        _, event, when = mention_event(article, top.start, top.end)
        record |= {
            "event_type": event.type,
            "event_cues": list(event.cues),
            "event_date": when.date,
            "date_source": when.source,
        }
    return record


def extract(
    sources: Iterable[str | Path],
    output: str | Path,
    *,
    gazetteer: Gazetteer | None = None,
    on_skip: Callable[[SourceError], None] | None = None,
    events: bool = True,
    geocoder: Geocoder | None = None,
) -> int:
    """Write one JSON line per article: ``{"id", "toponyms": [...]}``; returns the article count.

    ``events=False`` leaves out the event type and date of each toponym (faster).
    """
    articles = read_articles(sources, on_skip=on_skip)
    if not articles:
        raise SourceError("no readable article in the given sources; nothing was written")
    gaz = gazetteer or load_gazetteer(world=True)
    lines = []
    for article, toponyms in parse_articles(articles, gaz, geocoder=geocoder):
        record = {"id": article.id, "toponyms": [toponym_record(t, article if events else None) for t in toponyms]}
        lines.append(json.dumps(record, ensure_ascii=False, sort_keys=False))
    atomic_write_text(Path(output), "\n".join(lines) + "\n")
    return len(articles)
