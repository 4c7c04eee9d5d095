"""The library API: the whole pipeline in a few calls, for scripts and for the CLI.

>>> import geomap
>>> gaz = geomap.load_gazetteer()
>>> [t.place.name for t in geomap.geoparse("Shelling hit Kafr Ruma near Idlib.", gaz)]
['Kafr Ruma', 'Idlib']

Incremental use (a cron job): :func:`build_map`, :func:`export` and :func:`events_for` keep the
rows of every article in a local store (:mod:`geomap.store`), so a re-run only parses new or changed
articles::

    report = geomap.build_map(["news/"], "maps/index.html")          # store: in the cache folder
    events = geomap.events_for(["news/"], store="news.geomap.sqlite")               # a DataFrame
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geomap.errors import SourceError
from geomap.events import EVENT_SCHEMA, article_rows, events_table, mention_event, schema
from geomap.export import to_parquet, write_export
from geomap.fileio import atomic_write_chunks, atomic_write_text, check_output, is_stdout
from geomap.gazetteer import Gazetteer, GazetteerDirs, curated_dirs, load_curated
from geomap.geo import require_geopandas
from geomap.geocode import Geocoder, resolve_unknown
from geomap.map import payload
from geomap.map.page import GeomapMap, events_map, map_from_blocks
from geomap.model import Article, Toponym
from geomap.parse.extract import expect_text, find_mentions
from geomap.parse.recognize import recognise
from geomap.parse.resolve import resolve
from geomap.sources import STDIN, list_sources, read_articles, read_stdin
from geomap.store import MEMORY, Store, StoreUpdate, default_store_path, store_error

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "load_gazetteer", "geoparse", "parse_articles", "build_events", "build_map", "extract", "export", "events_for",
    "pipeline_version", "place_aliases", "BuildReport", "folium_map",
]  # fmt: skip

Progress = Callable[[int, int], None]
StoreArg = str | Path | Store | None


def load_gazetteer(directory: GazetteerDirs = None, *, world: bool = False) -> Gazetteer:
    """The gazetteer: the built-in curated files, the user's gazetteer folder, then ``directory``.

    ``directory`` is one folder of gazetteer TSV files or a list of them (``--gazetteer``), read
    after the built-in files (see :func:`geomap.gazetteer.read_curated` for the precedence). With
    ``world=True``, the curated files plus the GeoNames-derived world data, compiled once into an
    indexed local store (:mod:`geomap.gazetteer.world`; the first call takes about half a minute). Raises
    :class:`~geomap.errors.GazetteerError` when the built-in data is missing or a file is malformed.
    """
    curated = curated_dirs(directory)
    if world:
        from geomap.gazetteer.world import load_world

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
    return list(_parsed(list(articles), gazetteer, geocoder))


def _parsed(
    articles: list[Article], gazetteer: Gazetteer, geocoder: Geocoder | None
) -> Iterator[tuple[Article, list[Toponym]]]:
    """Each article with its resolved mentions, one at a time (a caller that writes them as they come
    holds one article's mentions, not all)."""
    expect_text(gazetteer, sum(len(article.text) for article in articles))
    for article in articles:
        yield article, _geoparse(article.text, gazetteer, geocoder)


def build_events(
    articles: Iterable[Article], gazetteer: Gazetteer, *, geocoder: Geocoder | None = None
) -> pd.DataFrame:
    """The events table (see :data:`geomap.events.EVENT_SCHEMA`: columns and dtypes) of ``articles``."""
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
    #: Articles whose online lookups failed: parsed again on the next run.
    retry: int = 0
    #: Names the opt-in online geocoder could not look up (the service failed).
    lookups_failed: int = 0
    #: What each stage did and how long it took, one line each (``geomap -v`` prints them).
    stages: list[str] = field(default_factory=list)

    @contextlib.contextmanager
    def stage(self, name: str, detail: Callable[[], str] = lambda: ""):
        """Time the ``with`` body as stage ``name``; ``detail()`` says what it did, once it is done."""
        started = time.perf_counter()
        yield
        said = detail()
        self.stages.append(f"{name}: {time.perf_counter() - started:.2f} s" + (f" ({said})" if said else ""))

    def summary(self) -> str:
        """One line for logs: ``12 articles (2 new, 1 changed, 0 removed, 9 unchanged), 40 mentions, ...``."""
        lookups = f", {self.lookups_failed} names not looked up (retried next run)" if self.lookups_failed else ""
        return (
            f"{self.articles} articles ({self.new} new, {self.changed} changed, {self.removed} removed, "
            f"{self.unchanged} unchanged), {self.mentions} mentions, {self.places} places, "
            f"{len(self.skipped)} skipped{lookups}, {self.seconds:.1f} s"
        )


def pipeline_version(gazetteer: Gazetteer | LazyGazetteer) -> str:
    """What stored rows depend on besides the article: the gazetteer data and the table's columns (names, kinds).

    When either changes, the store re-resolves every article on the next update.
    """
    layout = "\t".join(f"{column.name}:{column.kind}" for column in EVENT_SCHEMA)
    columns = hashlib.sha256(layout.encode()).hexdigest()[:8]
    return f"{gazetteer.version}:{columns}"


class LazyGazetteer:
    """A gazetteer loaded on first use, whose version is known before loading.

    Why: a re-run with nothing new, or a cron job adding one article to a big store, must not pay
    the world gazetteer's load (about a second) before it knows that it has something to parse.
    """

    def __init__(self, load: Callable[[], Gazetteer], version: str | None = None) -> None:
        self._load = load
        self._version = version
        self._gazetteer: Gazetteer | None = None

    @property
    def version(self) -> str:
        return self._version if self._version is not None else self.loaded().version

    def loaded(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = self._load()
        return self._gazetteer

    def __getattr__(self, name: str):
        return getattr(self.loaded(), name)


def lazy_gazetteer(directory: GazetteerDirs = None, *, world: bool = True) -> LazyGazetteer:
    """:func:`load_gazetteer` deferred until a text needs it (the world store's version is read cheaply)."""
    curated = curated_dirs(directory)  # a missing built-in gazetteer is reported now, not at first use
    if world:
        from geomap.gazetteer.world import world_version

        return LazyGazetteer(lambda: load_gazetteer(curated, world=True), world_version(curated))
    return LazyGazetteer(lambda: load_gazetteer(curated))


def _loaded(gazetteer: Gazetteer | LazyGazetteer) -> Gazetteer:
    return gazetteer.loaded() if isinstance(gazetteer, LazyGazetteer) else gazetteer


@dataclass(frozen=True)
class _Reading:
    """How sources are read: JSON field names, where problems go, what ``-`` holds, what is never input."""

    fields: Mapping[str, str] | None = None
    on_skip: Callable[[SourceError], None] | None = None
    on_warning: Callable[[str], None] | None = None
    stdin_format: str = "txt"
    exclude: tuple[str | Path, ...] = ()


def _store_for(output: str | Path) -> StoreArg:
    """The default store of an output; standard output has no path to key one by: a throw-away one."""
    return MEMORY if is_stdout(output) else default_store_path(output)


def _own_files(*paths: StoreArg) -> tuple[str | Path, ...]:
    """The paths a run writes (its output, its store): never read back as articles."""
    return tuple(path for path in paths if isinstance(path, (str, Path)) and str(path) not in (MEMORY, STDIN))


def _through_store(
    sources: Iterable[str | Path],
    use: Callable[[Store, StoreUpdate, str], Any],
    *,
    store: StoreArg,
    gazetteer: Gazetteer | LazyGazetteer | None,
    reading: _Reading,
    progress: Progress | None,
    report: BuildReport,
    geocoder: Geocoder | None,
) -> Any:
    """Bring the store in line with ``sources``, then ``use(store, update, version)`` while it is open and locked."""
    gaz = gazetteer if gazetteer is not None else lazy_gazetteer()

    failures_seen = [_failure_count(geocoder)]

    def rows_for(article: Article) -> list[dict]:
        failures_seen[0] = _failure_count(geocoder)
        return article_rows(article, _geoparse(article.text, _loaded(gaz), geocoder))

    def incomplete() -> bool:
        """Did the online geocoder fail on one of this article's names? Then it is parsed again next run."""
        return _failure_count(geocoder) > failures_seen[0]

    def skip(err: SourceError) -> None:
        report.skipped.append(str(err))
        if reading.on_skip:
            reading.on_skip(err)

    sources = list(sources)
    with report.stage("list sources", lambda: f"{len(listing.files)} files"):
        listing = list_sources(sources, exclude=reading.exclude)  # a missing path fails here, before a store exists
    for err in listing.skipped:
        skip(err)
    stdin = None
    if STDIN in listing.files:
        stdin = read_stdin(
            reading.stdin_format, fields=reading.fields, on_skip=skip, on_warning=reading.on_warning
        )  # fmt: skip
    opened = store if isinstance(store, Store) else Store(MEMORY if store is None else store)
    version = pipeline_version(gaz) + (f":online-{geocoder.service}" if geocoder is not None else "")
    try:
        with report.stage("read and parse", lambda: _update_detail(update)):
            update = opened.update(
                sources, files=listing.files, rows_for=rows_for, version=version, fields=reading.fields,
                on_skip=reading.on_skip, on_warning=reading.on_warning,
                progress=progress, incomplete=incomplete if geocoder is not None else None,
                keep=listing.unreadable, stdin=stdin,
            )  # fmt: skip
        if not update.files:
            raise SourceError("no readable article in the given sources; nothing was written")
        result = use(opened, update, version)
    except sqlite3.Error as err:
        _close(opened, store, failed=True)
        raise store_error(opened.path, err) from err
    except BaseException:
        _close(opened, store, failed=True)
        raise
    _close(opened, store, failed=False)
    report.skipped.extend(update.skipped)
    report.articles, report.new, report.changed = update.articles, update.new, update.changed
    report.removed, report.unchanged, report.parsed = update.removed, update.unchanged, update.parsed
    report.retry = update.retry
    report.lookups_failed = getattr(geocoder, "failed_lookups", 0)
    return result


def _failure_count(geocoder: Geocoder | None) -> int:
    """How many lookups the geocoder failed so far (0 for none, or a geocoder that does not count)."""
    return getattr(geocoder, "failure_count", 0) if geocoder is not None else 0


def _update_detail(update: StoreUpdate) -> str:
    return (
        f"{update.new} new, {update.changed} changed, {update.removed} removed, {update.unchanged} unchanged; "
        f"{update.parsed} parsed, {len(update.skipped)} skipped"
    )


def _close(opened: Store, given: StoreArg, *, failed: bool) -> None:
    """Close a store this call opened; after a failure, one this process created is removed again."""
    if opened is given:
        return
    if failed:
        opened.discard()
    else:
        opened.close()


def _state_digest(opened: Store, listing: list[tuple[str, str]], version: str, options: str) -> str:
    """What an output drawn from the store depends on: its articles (ids and content hashes), the
    pipeline version and the output's options.

    Why: the store commits articles before the outputs are written, so a build killed in between
    leaves a store ahead of its map. Each output records the state it was drawn from, only after
    it is written; a later build rewrites it whenever the store's state differs, even when the
    sources brought nothing new.
    """
    attempts = opened.incomplete()
    incomplete = sorted((digest, attempts[digest]) for _, digest in listing if digest in attempts)
    state = [version, options, listing, incomplete]
    return hashlib.sha256(json.dumps(state, ensure_ascii=False).encode()).hexdigest()


def events_for(
    sources: Iterable[str | Path],
    *,
    store: StoreArg = None,
    gazetteer: Gazetteer | LazyGazetteer | None = None,
    fields: Mapping[str, str] | None = None,
    on_skip: Callable[[SourceError], None] | None = None,
    progress: Progress | None = None,
    report: BuildReport | None = None,
    geocoder: Geocoder | None = None,
    on_warning: Callable[[str], None] | None = None,
    stdin_format: str = "txt",
) -> pd.DataFrame:
    """The events table of ``sources`` through a store: only new or changed articles are parsed.

    Parameters
    ----------
    sources
        Article files and folders (see :mod:`geomap.sources` for the formats).
    store
        A path to the SQLite store (created if missing; shared with ``geomap build --store``), an
        open :class:`~geomap.store.Store`, or None for a throw-away in-memory store.
    gazetteer
        Default: the world gazetteer, loaded only if an article needs parsing.
    fields
        Field-name mapping for JSON inputs, e.g. ``{"text": "body"}``.
    report
        Filled with the counts (new, changed, removed, unchanged, parsed, skipped, ...) when given.
    geocoder
        Opt-in online fallback for names the gazetteer does not know (:mod:`geomap.geocode`). Stored
        rows remember whether one was used: switching it on or off re-parses every article.
    on_warning
        Receives one line per value a reader dropped or date it could not read (the article is kept).
    stdin_format
        The format of ``-`` (standard input) among ``sources``: txt, jsonl, json, html or rss.

    Examples
    --------
    >>> events = events_for(["seeds/"])                                  # doctest: +SKIP
    >>> events = events_for(["news/"], store="news.geomap.sqlite")       # doctest: +SKIP
    >>> events.groupby("place_name").size().sort_values()                # doctest: +SKIP
    """
    report = report if report is not None else BuildReport()
    started = time.perf_counter()
    reading = _Reading(fields, on_skip, on_warning, stdin_format, _own_files(store))
    events = _events(sources, store=store, gazetteer=gazetteer, reading=reading, progress=progress, report=report,
                     geocoder=geocoder)  # fmt: skip
    report.seconds = time.perf_counter() - started
    return events


def _events(
    sources: Iterable[str | Path],
    *,
    store: StoreArg,
    gazetteer: Gazetteer | LazyGazetteer | None,
    reading: _Reading,
    progress: Progress | None,
    report: BuildReport,
    geocoder: Geocoder | None,
) -> pd.DataFrame:
    """:func:`events_for` with the reading options made: also what :func:`export` reads through."""
    events = _through_store(
        sources, lambda opened, update, version: _table_from_store(opened, update.files, version), store=store,
        gazetteer=gazetteer, reading=reading, progress=progress, report=report, geocoder=geocoder,
    )  # fmt: skip
    places = events[events["type"] == "place"]
    report.rows, report.mentions, report.places = len(events), len(places), int(places.place_id.nunique())
    return events


def folium_map(
    sources_or_events: pd.DataFrame | Iterable[str | Path] | str | Path,
    *,
    gazetteer: Gazetteer | LazyGazetteer | None = None,
    store: StoreArg = None,
    title: str = "geomap",
    boundaries: bool = True,
    **options: Any,
) -> GeomapMap:
    """The map ``geomap build`` writes, as a ``folium.Map`` to extend, save or show in Jupyter.

    Parameters
    ----------
    sources_or_events
        An events table (:func:`build_events`, :func:`events_for`), or article files and folders,
        which are read and geoparsed (through ``store`` when given, see :func:`events_for`).
    gazetteer
        For sources: default the world gazetteer.
    title
        The page title and the map's title box (text, escaped).
    boundaries
        Embed the offline Natural Earth basemap and draw countries and provinces as areas.
    **options
        ``online=True`` links the libraries from CDNs instead of inlining them (the map is offline
        otherwise: :func:`geomap.map.offline`); ``heatmap``, ``search``, ``legend``, ``time_filter``,
        ``cluster`` (``False`` leaves that part out); ``tiles`` (the online base layers offered,
        names as ``folium.TileLayer`` takes them); ``folium_assets`` (see
        :class:`geomap.map.GeomapMap`).

    Examples
    --------
    >>> import folium, geomap                                                  # doctest: +SKIP
    >>> m = geomap.folium_map(["seeds/"], title="Idlib, January 2020")         # doctest: +SKIP
    >>> folium.Marker([35.93, 36.63], popup="Idlib").add_to(m)                 # doctest: +SKIP
    >>> m.save("maps/idlib.html")                                              # doctest: +SKIP
    """
    import pandas as pd

    if isinstance(sources_or_events, pd.DataFrame):
        events = sources_or_events
    else:
        sources = [sources_or_events] if isinstance(sources_or_events, (str, Path)) else sources_or_events
        gazetteer = gazetteer if gazetteer is not None else lazy_gazetteer()
        events = events_for(sources, store=store, gazetteer=gazetteer)
        options.setdefault("aliases", place_aliases(gazetteer, events["place_id"].dropna().unique()))
    return events_map(events, title=title, boundaries=boundaries, **options)


def place_aliases(gazetteer: Gazetteer | LazyGazetteer, place_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The gazetteer's other names of ``place_ids`` ("Idleb" for Idlib): what the map's search box finds.

    Places the gazetteer does not hold (found by an online geocoder) have none.
    """
    places = _loaded(gazetteer).places
    place_ids = sorted(set(place_ids))
    if hasattr(places, "prefetch"):
        places.prefetch(place_ids)  # one query for all, from the world store
    found = {}
    for place_id in place_ids:
        place = places.get(place_id)
        if place is not None and place.aliases:
            found[place_id] = place.aliases
    return found


def build_map(
    sources: Iterable[str | Path],
    output: str | Path,
    *,
    gazetteer: Gazetteer | LazyGazetteer | None = None,
    title: str = "geomap",
    store: StoreArg = None,
    fields: Mapping[str, str] | None = None,
    on_skip: Callable[[SourceError], None] | None = None,
    progress: Progress | None = None,
    geocoder: Geocoder | None = None,
    assets: str = "inline",
    boundaries: bool = True,
    on_warning: Callable[[str], None] | None = None,
    stdin_format: str = "txt",
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> BuildReport:
    """Read ``sources``, geoparse what is new and write the map to ``output`` atomically.

    The map opens fitted to the events, or on ``center`` (lat, lon) and ``zoom`` when given.

    The store defaults to :func:`geomap.store.default_store_path` (in the cache folder; pass
    :data:`geomap.store.MEMORY` for none), so re-running after new articles arrive parses only
    those, and re-encodes only the map's data parts
    whose articles changed (:func:`geomap.map.payload.part_of`); a run with nothing new leaves a current
    map alone. Unreadable files are skipped and reported (``on_skip`` and ``BuildReport.skipped``); a
    missing source or no readable article at all raises :class:`~geomap.errors.SourceError` and
    writes nothing. A concurrent build on the same store raises :class:`~geomap.errors.StoreError` at once.
    """
    report = BuildReport()
    started = time.perf_counter()
    check_output(output)  # a bad output fails now, not after the parsing
    store = _store_for(output) if store is None else store
    gazetteer = gazetteer if gazetteer is not None else lazy_gazetteer()
    reading = _Reading(fields, on_skip, on_warning, stdin_format, _own_files(output, store))
    output = Path(output)
    key = f"map:{output.resolve()}"
    view = {"center": list(center) if center is not None else None, "zoom": zoom}
    # The renderer's code is part of the state: a geomap upgrade that draws maps differently redraws them.
    options = json.dumps(
        {"title": title, "assets": assets, "boundaries": boundaries, "renderer": _renderer_digest(), **view},
        sort_keys=True,
    )

    def write(opened: Store, update: StoreUpdate, version: str) -> None:
        listing = opened.listing(update.files)
        state = _state_digest(opened, listing, version, options)
        noted = opened.noted(key)
        if noted is not None and not is_stdout(output) and output.exists():
            recorded = json.loads(noted)
            if recorded.get("state") == state and recorded["sha256"] == _sha256(output):
                report.rows, report.mentions, report.places = recorded["counts"]
                report.stages.append("render: skipped (the map on disk was drawn from this store state)")
                return  # the map on disk is the one drawn from exactly this store state
        with report.stage("render"):
            page, counts = _page_from_store(
                opened, listing, version, title=title, assets=assets, boundaries=boundaries, gazetteer=gazetteer,
                center=center, zoom=zoom,
            )  # fmt: skip
        with report.stage("write", lambda: f"{len(page.encode('utf-8')) / 1e6:.2f} MB"):
            atomic_write_text(output, page)
        report.rows, report.mentions, report.places = counts
        digest = hashlib.sha256(page.encode("utf-8")).hexdigest()
        value = {"state": state, "sha256": digest, "counts": list(counts)}
        opened.note(key, json.dumps(value, sort_keys=True))  # only once the map is written

    _through_store(
        sources, write, store=store, gazetteer=gazetteer, reading=reading, progress=progress, report=report,
        geocoder=geocoder,
    )  # fmt: skip
    report.seconds = time.perf_counter() - started
    return report


def _page_from_store(
    opened: Store,
    listing: list[tuple[str, str]],
    version: str,
    *,
    title: str,
    assets: str,
    boundaries: bool,
    gazetteer: Gazetteer | LazyGazetteer,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> tuple[str, tuple[int, int, int]]:
    """The map page of the stored articles of ``listing`` (:meth:`Store.listing`), re-encoding only the
    data parts that changed.

    Each part is cached in the store under a digest of what it is made of (its articles' ids and
    content hashes, the pipeline version, the number of parts and the renderer's code), so a part
    is re-made exactly when a from-scratch build would make it differently: the page is
    byte-identical to ``render_map(events_for(...))``. The shapes (areas and the offline basemap)
    are cached the same way under a digest of :func:`geomap.map.payload.geometry_inputs`.
    """

    def make(pairs: list[tuple[str, str]]) -> str:  # summary JSON, newline, encoded part (base64 has no newline)
        part, summary = payload.build_part(opened.records(pairs), color_by="event_type")
        return json.dumps(summary, ensure_ascii=False) + "\n" + payload.encode_payload(part)

    encoded: list[str] = []
    summaries: list[dict] = []
    for value in _cached_parts(opened, listing, version, prefix="part:", code=_renderer_digest(), make=make):
        summary_text, data = value.split("\n", 1)
        encoded.append(data)
        summaries.append(json.loads(summary_text))

    inputs = payload.geometry_inputs(summaries, boundaries=boundaries)
    geo_key = "geo:" + hashlib.sha256(json.dumps([_renderer_digest(), inputs]).encode()).hexdigest()
    cached = opened.cached([geo_key]).get(geo_key)
    if cached is None:
        areas = payload.build_areas(inputs)
        basemap = payload.encoded_basemap(tuple(inputs["countries"])) if boundaries else None
        cached = json.dumps({"areas": payload.encode_payload(areas), "bounds": areas["bounds"], "basemap": basemap})
        opened.update_cache("geo:", [], {geo_key: cached})
    geometry = json.loads(cached)
    place_ids = set().union(*(s["placeIds"] for s in summaries))
    aliases = place_aliases(gazetteer, place_ids)
    head = payload.build_head(summaries, title=title, color_by="event_type", aliases=aliases)
    blocks = payload.Blocks(
        head=payload.encode_payload(head), areas=geometry["areas"], parts=tuple(encoded),
        basemap=geometry["basemap"], bounds=geometry["bounds"],
    )  # fmt: skip
    page = map_from_blocks(blocks, title=title, online=assets == "cdn", center=center, zoom=zoom).get_root().render()
    return page, (sum(s["rows"] for s in summaries), sum(s["mentions"] for s in summaries), len(place_ids))


def _table_from_store(opened: Store, files: list[str], version: str) -> pd.DataFrame:
    """The events table of the stored articles of ``files``, from per-part Parquet snapshots cached in the store.

    Why: an export after one new article used to decode all stored rows (JSON per row, ~5 s for
    310k rows). The articles are split into the map's parts (:func:`geomap.payload.split_by_part`);
    each part's table is cached as Parquet under a digest of its articles' ids and content hashes,
    the pipeline version, the part count and the code that makes it, so one new article re-makes
    one part. Every part is read back from its Parquet bytes, new or cached, so a first and a later
    run assemble the same table, and :func:`_assemble_parts` gives exactly :meth:`Store.events`.
    """
    import io

    import pandas as pd

    def make(pairs: list[tuple[str, str]]) -> bytes:
        return to_parquet(opened.table(pairs))

    blobs = _cached_parts(opened, opened.listing(files), version, prefix="table:", code=_table_digest(), make=make)
    if not blobs:
        return opened.events(files)
    return _assemble_parts([pd.read_parquet(io.BytesIO(blob)) for blob in blobs])


def _cached_parts(opened: Store, listing: list[tuple[str, str]], version: str, *, prefix: str, code: str, make) -> list:
    """The value of each data part of ``listing``, in part order: cached in the store, or ``make(pairs)`` and cached.

    A part's key is ``prefix`` plus a digest of its articles' ids and content hashes, the pipeline
    ``version``, the number of parts and ``code`` (a digest of the code that makes the value), so a
    value is re-made exactly when a from-scratch build would make it differently. Keys of parts no
    longer made are dropped.
    """
    parts, buckets = payload.split_by_part(listing, lambda pair: pair[0])
    salt = json.dumps([code, version, parts])
    incomplete = opened.incomplete()  # rows that change without their hash: never reused from the cache

    def key(number: int, pairs: list[tuple[str, str]]) -> str:
        redo = sorted((digest, incomplete[digest]) for _, digest in pairs if digest in incomplete)
        return prefix + hashlib.sha256(json.dumps([salt, number, sorted(pairs), redo]).encode()).hexdigest()

    keys = {number: key(number, pairs) for number, pairs in buckets.items()}
    cached = opened.cached(keys.values())
    new: dict[str, str | bytes] = {}
    values = []
    for number in sorted(buckets):
        value = cached.get(keys[number])
        if value is None:
            value = new[keys[number]] = make(buckets[number])
        values.append(value)
    opened.update_cache(prefix, keys.values(), new)
    return values


def _assemble_parts(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One table from part tables, with the dtypes and row order of one table built from all rows at once.

    Parts come back from Parquet with the schema's dtypes; what :func:`geomap.events.schema.conform`
    still settles is what differs by part: the categories of open category columns (``kind``,
    ``country``: the values present) and cues read as arrays. Rows are sorted and event ids
    assigned over the whole table like :func:`geomap.events.schema.frame` (article ids are unique
    across parts; an event's reports may be in several).
    """
    import pandas as pd

    return schema.finish_table(schema.conform(pd.concat(frames, ignore_index=True)))


@functools.cache
def _table_digest() -> str:
    """Digest of what a cached table part depends on besides its rows: the code (the store, this module, the
    table's schema and the Parquet writer) and the Parquet libraries."""
    from importlib import import_module, metadata

    # By name: the package attribute ``geomap.export`` is the function of this module, not the module.
    modules = [import_module(f"geomap.{name}").__file__ for name in ("store", "api", "events.schema", "export")]
    code = b"".join(Path(module).read_bytes() for module in modules)
    versions = f"pandas={metadata.version('pandas')} pyarrow={metadata.version('pyarrow')}"
    return hashlib.sha256(code + versions.encode()).hexdigest()[:16]


@functools.cache
def _renderer_digest() -> str:
    """Digest of the code and bundled files that draw a map: a cached part of another geomap version is never
    reused, and a map drawn by another version is drawn again."""
    import geomap.map

    folder = Path(geomap.map.__file__).parent
    digest = hashlib.sha256()
    files = [*folder.glob("*.py"), *(path for path in folder.glob("static/**/*") if path.is_file())]
    for path in sorted(files):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
    on_warning: Callable[[str], None] | None = None,
    stdin_format: str = "txt",
) -> BuildReport:
    """Write the events table of ``sources`` as ``fmt`` (csv, geojson, parquet, geoparquet) to ``output``, atomically.

    Like :func:`build_map`, through a store (default :func:`geomap.store.default_store_path`); ``per`` chooses
    GeoJSON features per mention or per place. GeoParquet needs geopandas (``pip install 'geomap[geo]'``):
    without it, a :class:`~geomap.errors.GeomapError` says so before anything is read.
    """
    report = BuildReport()
    started = time.perf_counter()
    check_output(output)
    if fmt == "geoparquet":
        require_geopandas()  # before the parsing, not after it
    store = _store_for(output) if store is None else store
    reading = _Reading(fields, on_skip, on_warning, stdin_format, _own_files(output, store))
    events = _events(sources, store=store, gazetteer=gazetteer, reading=reading, progress=progress, report=report,
                     geocoder=geocoder)  # fmt: skip
    with report.stage("write", lambda: f"{len(events)} rows as {fmt}"):
        write_export(events, output, fmt=fmt, per=per)
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
    fields: Mapping[str, str] | None = None,
    on_warning: Callable[[str], None] | None = None,
    stdin_format: str = "txt",
    report: BuildReport | None = None,
) -> int:
    """Write one JSON line per article: ``{"id", "toponyms": [...]}``; returns the article count.

    ``events=False`` leaves out the event type and date of each toponym (faster). ``report``, when
    given, receives the stages (read, parse, write) with their times.
    """
    report = report if report is not None else BuildReport()
    check_output(output)
    with report.stage("read", lambda: f"{len(articles)} articles"):
        articles = read_articles(
            sources, fields=fields, on_skip=on_skip, on_warning=on_warning, stdin_format=stdin_format,
            exclude=_own_files(output),
        )  # fmt: skip
    if not articles:
        raise SourceError("no readable article in the given sources; nothing was written")
    with report.stage("load gazetteer"):
        gaz = _loaded(gazetteer) if gazetteer is not None else load_gazetteer(world=True)

    def lines() -> Iterator[bytes]:
        for article, toponyms in _parsed(articles, gaz, geocoder):
            records = [toponym_record(t, article if events else None) for t in toponyms]
            line = json.dumps({"id": article.id, "toponyms": records}, ensure_ascii=False, sort_keys=False)
            yield (line + "\n").encode("utf-8")

    # Written as parsed: memory holds the articles' texts, not every toponym and line as well.
    with report.stage("parse and write", lambda: f"{len(articles)} articles"):
        atomic_write_chunks(output, lines())
    report.articles = len(articles)
    return len(articles)
