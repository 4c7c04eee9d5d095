"""The library API: the whole pipeline in a few calls, for scripts and for the CLI.

>>> import geomap
>>> gaz = geomap.load_gazetteer()
>>> [t.place.name for t in geomap.geoparse("Shelling hit Kafr Ruma near Idlib.", gaz)]
['Kafr Ruma', 'Idlib']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geomap.errors import SourceError
from geomap.eventdate import event_date
from geomap.events import events_table
from geomap.eventtype import classify_event
from geomap.extract import find_mentions
from geomap.fileio import atomic_write_text
from geomap.gazetteer import DEFAULT_DIR, Gazetteer, load_curated
from geomap.model import Article, Toponym
from geomap.recognize import recognise
from geomap.render import save_map
from geomap.resolve import resolve
from geomap.sentences import sentence_bounds
from geomap.sources import read_articles

__all__ = ["load_gazetteer", "geoparse", "parse_articles", "build_events", "build_map", "extract", "BuildReport"]


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


def geoparse(text: str, gazetteer: Gazetteer) -> list[Toponym]:
    """Find and resolve every place mention (and demonym) of one text, in document order."""
    return resolve(text, recognise(text, find_mentions(text, gazetteer), gazetteer), gazetteer)


def parse_articles(articles: Iterable[Article], gazetteer: Gazetteer) -> list[tuple[Article, list[Toponym]]]:
    return [(article, geoparse(article.text, gazetteer)) for article in articles]


def build_events(articles: Iterable[Article], gazetteer: Gazetteer) -> pd.DataFrame:
    """The events table (see :data:`geomap.events.EVENT_COLUMNS`) of ``articles``."""
    return events_table(parse_articles(articles, gazetteer))


@dataclass
class BuildReport:
    """What a build did; ``skipped`` holds one message per input that could not be read."""

    articles: int = 0
    mentions: int = 0
    places: int = 0
    skipped: list[str] = field(default_factory=list)


def build_map(
    sources: Iterable[str | Path],
    output: str | Path,
    *,
    gazetteer: Gazetteer | None = None,
    title: str = "geomap",
    on_skip: Callable[[SourceError], None] | None = None,
    **render_options,
) -> BuildReport:
    """Read ``sources``, geoparse them and write the map to ``output`` atomically.

    Unreadable files are skipped and reported (``on_skip`` and ``BuildReport.skipped``); a missing
    source or no readable article at all raises :class:`~geomap.errors.SourceError` and writes nothing.
    """
    report = BuildReport()

    def skip(err: SourceError) -> None:
        report.skipped.append(str(err))
        if on_skip:
            on_skip(err)

    articles = read_articles(sources, on_skip=skip)
    if not articles:
        raise SourceError("no readable article in the given sources; the map was not written")
    events = build_events(articles, gazetteer or load_gazetteer())
    save_map(events, Path(output), title=title, **render_options)
    places = events[events["type"] == "place"]
    report.articles, report.mentions, report.places = len(articles), len(places), places.place_id.nunique()
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
        s_start, s_end = sentence_bounds(article.text, top.start, top.end)
        event = classify_event(article.text, top.start, top.end, sentence_start=s_start, sentence_end=s_end)
        when = event_date(
            article.text, top.start, top.end, article_date=article.date, sentence_start=s_start, sentence_end=s_end
        )
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
) -> int:
    """Write one JSON line per article: ``{"id", "toponyms": [...]}``; returns the article count.

    ``events=False`` leaves out the event type and date of each toponym (faster).
    """
    articles = read_articles(sources, on_skip=on_skip)
    if not articles:
        raise SourceError("no readable article in the given sources; nothing was written")
    gaz = gazetteer or load_gazetteer()
    lines = []
    for article, toponyms in parse_articles(articles, gaz):
        record = {"id": article.id, "toponyms": [toponym_record(t, article if events else None) for t in toponyms]}
        lines.append(json.dumps(record, ensure_ascii=False, sort_keys=False))
    atomic_write_text(Path(output), "\n".join(lines) + "\n")
    return len(articles)
