"""The events table: one row per resolved mention, a pandas DataFrame with documented, typed columns.

Why a DataFrame: filtering, grouping per place and exporting (CSV, GeoJSON, Parquet) are what
pandas does well, and scripts that import geomap get a table they already know how to use. The
columns, their meanings and dtypes are :data:`geomap.events.schema.EVENT_SCHEMA`; rows are made here
as JSON-ready records (what the store keeps) and typed by :func:`geomap.events.schema.frame`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from geomap.events import schema
from geomap.events.eventdate import EventDate, day_first, event_date
from geomap.events.eventtype import EventType, classify_event
from geomap.events.schema import EVENT_COLUMNS, date_fields
from geomap.model import Article, Toponym
from geomap.parse.sentences import sentence_bounds

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["EVENT_COLUMNS", "events_table", "article_rows", "geo_precision", "mention_event"]

#: Kinds that are one point on the ground: a mention of the place itself is geo_precision 1.
SITE_KINDS = frozenset(
    {"city", "town", "village", "camp", "neighbourhood", "military base", "airport", "crossing", "landmark"}
)
#: Kinds smaller than a province but not one point (geo_precision 2, like "near X").
LOCAL_AREA_KINDS = frozenset({"district", "road", "island", "mountain"})


def mention_event(article: Article, start: int, end: int) -> tuple[tuple[int, int], EventType, EventDate]:
    """The sentence of a mention and what happened there, when: one definition for the table and ``extract``."""
    s_start, s_end = sentence_bounds(article.text, start, end)
    event = classify_event(article.text, start, end, sentence_start=s_start, sentence_end=s_end)
    when = event_date(
        article.text, start, end, article_date=article.date, sentence_start=s_start, sentence_end=s_end,
        day_first=day_first(article.locale, article.url),  # "04/03/2020": the source's locale decides
    )  # fmt: skip
    return (s_start, s_end), event, when


def article_rows(article: Article, toponyms: Sequence[Toponym]) -> list[dict]:
    """The table rows of one article (resolved mentions only), as JSON-ready records in column order.

    Dates stay ISO text at their precision and cues a list: the form the store keeps and the map
    reads; :func:`geomap.events.schema.frame` types them.
    """
    rows = []
    for top in toponyms:
        if top.place is None:
            continue
        place = top.place
        (s_start, s_end), event, when = mention_event(article, top.start, top.end)
        _, last_day, precision = date_fields(when.date)
        rows.append(
            {
                "article_id": article.id,
                "title": article.title,
                "date": article.date,
                "url": article.url,
                "source": article.source,
                "mention": top.surface,
                "start": top.start,
                "end": top.end,
                "type": top.type,
                "place_id": place.id,
                "place_name": place.name,
                "kind": place.kind,
                "country": place.country,
                "admin1": place.admin1,
                "lat": place.lat,
                "lon": place.lon,
                "confidence": top.confidence,
                "reason": top.reason,
                "relation": top.relation,
                "geo_precision": geo_precision(place.kind, top.relation),
                "snippet": article.text[s_start:s_end],
                "snippet_start": s_start,
                "event_type": event.type,
                "event_confidence": event.confidence,
                "event_cues": list(event.cues),
                "event_date": when.date,  # text at its precision, or an interval: the table splits it
                "event_date_end": last_day,
                "date_precision": precision,
                "date_source": when.source,
                "actor": event.actor,
                "actor_type": event.actor_type,
                "event_id": None,  # over the whole table: geomap.events.dedup
            }
        )
    return rows


def geo_precision(kind: str, relation: str) -> int:
    """ACLED's spatial precision of a mention: 1 the site itself, 2 near or in part of it or a district, 3 an area.

    ``relation`` is what the text writes before the name ("outskirts of", "near", "northern"): the
    event is then somewhere around the place, not at its point.
    """
    if kind in SITE_KINDS:
        return 2 if relation else 1
    return 2 if kind in LOCAL_AREA_KINDS else 3


def events_table(parsed: Iterable[tuple[Article, Sequence[Toponym]]]) -> pd.DataFrame:
    """Build the typed events table from (article, resolved mentions) pairs, sorted deterministically."""
    return schema.frame(row for article, toponyms in parsed for row in article_rows(article, toponyms))
