"""The events table: one row per place mention, typed by one schema.

:mod:`geomap.events.eventtype` tells what happened at a mention (the event type, from cue words
in its sentence) and :mod:`geomap.events.eventdate` when (the event date, from the sentence's
date expressions and the article's date); :mod:`geomap.events.table` makes the rows from both;
:mod:`geomap.events.schema` says, per column, its meaning, pandas dtype, Arrow type and text form,
and types a table built from rows. Every writer (:mod:`geomap.export`) takes its types from there.
:mod:`geomap.events.dedup` tells which rows report the same event (``event_id``) and makes the
table of distinct events.
"""

from geomap.events.dedup import assign_event_ids, distinct_events
from geomap.events.schema import (
    DISTINCT_EVENT_COLUMNS,
    DISTINCT_EVENT_SCHEMA,
    EVENT_COLUMNS,
    EVENT_SCHEMA,
    Column,
    arrow_schema,
    conform,
    dtypes,
)  # fmt: skip
from geomap.events.table import article_rows, events_table, geo_precision, mention_event

__all__ = [
    "DISTINCT_EVENT_COLUMNS", "DISTINCT_EVENT_SCHEMA", "EVENT_COLUMNS", "EVENT_SCHEMA", "Column", "arrow_schema",
    "article_rows", "assign_event_ids", "conform", "distinct_events", "dtypes", "events_table", "geo_precision",
    "mention_event",
]  # fmt: skip
