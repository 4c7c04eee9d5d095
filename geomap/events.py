"""The events table: one row per resolved mention, a pandas DataFrame with documented columns.

Why a DataFrame: filtering, grouping per place and exporting (CSV, GeoJSON, Parquet) are what
pandas does well, and scripts that import geomap get a table they already know how to use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from geomap.eventdate import EventDate, event_date
from geomap.eventtype import EventType, classify_event
from geomap.model import Article, Toponym
from geomap.sentences import sentence_bounds

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["EVENT_COLUMNS", "events_table", "article_rows", "mention_event"]

#: Column name -> meaning. The order is the table's column order.
EVENT_COLUMNS: dict[str, str] = {
    "article_id": "id of the article (file stem for .txt, the 'id' field for JSON)",
    "title": "article title",
    "date": "article date, ISO 8601, or None when unknown",
    "url": "article URL when known",
    "source": "publisher or feed when known",
    "mention": "the text of the mention, exactly as written",
    "start": "offset of the mention's first character in the article text",
    "end": "offset just past the mention's last character",
    "type": "'place' (a place of events) or 'demonym' ('Syrian': context only, never a marker)",
    "place_id": "GeoNames id, or 'geomap:<slug>' for curated places GeoNames lacks",
    "place_name": "canonical name of the place",
    "kind": "country, province, city, town, village, military base, ...",
    "country": "ISO 3166-1 alpha-2 code",
    "admin1": "first-level administrative division",
    "lat": "latitude, WGS84 degrees",
    "lon": "longitude, WGS84 degrees",
    "confidence": "0..1: how sure the resolution is",
    "reason": "the signals that decided the resolution",
    "relation": "spatial relation written before the mention ('outskirts of', 'northern'), or ''",
    "snippet": "the sentence that contains the mention",
    "snippet_start": "offset of the snippet in the article text (mention = snippet[start-s:end-s])",
    "event_type": "what happened there, from the sentence: airstrike, shelling, ground_fighting, drone_attack, "
    "explosion, displacement, disaster, protest, diplomacy, or mention_only",
    "event_confidence": "0..1: how sure the event type is",
    "event_cues": "the words that decided the event type, joined by '; '",
    "event_date": "ISO 8601 date of the event (YYYY-MM-DD, YYYY-MM or YYYY), or None",
    "date_source": "'explicit' (a date in the sentence), 'relative' ('Tuesday', 'last year'), 'article', or None",
}


def mention_event(article: Article, start: int, end: int) -> tuple[tuple[int, int], EventType, EventDate]:
    """The sentence of a mention and what happened there, when: one definition for the table and ``extract``."""
    s_start, s_end = sentence_bounds(article.text, start, end)
    event = classify_event(article.text, start, end, sentence_start=s_start, sentence_end=s_end)
    when = event_date(article.text, start, end, article_date=article.date, sentence_start=s_start, sentence_end=s_end)
    return (s_start, s_end), event, when


def article_rows(article: Article, toponyms: Sequence[Toponym]) -> list[dict]:
    """The table rows of one article (resolved mentions only)."""
    rows = []
    for top in toponyms:
        if top.place is None:
            continue
        place = top.place
        (s_start, s_end), event, when = mention_event(article, top.start, top.end)
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
                "snippet": article.text[s_start:s_end],
                "snippet_start": s_start,
                "event_type": event.type,
                "event_confidence": event.confidence,
                "event_cues": "; ".join(event.cues),
                "event_date": when.date,
                "date_source": when.source,
            }
        )
    return rows


def events_table(parsed: Iterable[tuple[Article, Sequence[Toponym]]]) -> pd.DataFrame:
    """Build the events table from (article, resolved mentions) pairs, sorted deterministically."""
    import pandas as pd

    rows = [row for article, toponyms in parsed for row in article_rows(article, toponyms)]
    frame = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    frame = frame.astype({"start": "int64", "end": "int64", "snippet_start": "int64"})
    frame = frame.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)
    return frame
