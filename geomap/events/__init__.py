"""The events table: one row per place mention, typed by one schema.

:mod:`geomap.events.table` makes the rows (what happened at each mention, and when);
:mod:`geomap.events.schema` says, per column, its meaning, pandas dtype, Arrow type and text form,
and types a table built from rows. Every writer (:mod:`geomap.export`) takes its types from there.
"""

from geomap.events.schema import EVENT_COLUMNS, EVENT_SCHEMA, Column, arrow_schema, conform, dtypes
from geomap.events.table import article_rows, events_table, mention_event

__all__ = [
    "EVENT_COLUMNS", "EVENT_SCHEMA", "Column", "arrow_schema", "article_rows", "conform", "dtypes", "events_table",
    "mention_event",
]  # fmt: skip
