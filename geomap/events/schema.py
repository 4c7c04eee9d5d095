"""The events table's schema: for every column its meaning, pandas dtype, Arrow type and text form.

Why one object: the DataFrame (:func:`frame`), the CSV and GeoJSON writers (:func:`csv_frame`,
:func:`json_records`) and the Parquet writers (:func:`arrow_schema`) all take their types from
:data:`EVENT_SCHEMA`, so they cannot drift, and a column's type never depends on the rows: an
all-missing ``url`` is still text, an empty table has the same dtypes as a full one.

Rows are kept as JSON objects (:func:`geomap.events.article_rows`, the store): dates as ISO text at
their precision ("2020-01-27", "2020-01", "2020"), cues as a list. Typing happens in one place, when
a DataFrame is made of records (:func:`frame`) or of tables read back from Parquet (:func:`conform`).

Rows keep ``event_date`` as the text :mod:`geomap.events.eventdate` writes: an ISO date at its precision
or an ISO 8601 interval for a week or a range ("2020-03-12/2020-03-14"). The table splits it into
``event_date`` (the first day), ``event_date_end`` (the last day) and ``date_precision`` (day,
week, month or year: which of ACLED's time precisions the period is).

Dates are ``datetime64[ms]``, not ``[s]``: Parquet has no unit coarser than milliseconds, so a
``[s]`` column would come back from ``pandas.read_parquet`` as ``[ms]``; with ``[ms]`` a written and
re-read table has the dtypes it was written with.

The same machinery types the table of distinct events (:data:`DISTINCT_EVENT_SCHEMA`, one row per
event reported by one or more articles, :mod:`geomap.events.dedup`): every function that types or
writes a table takes its ``columns``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geomap.events.eventdate import Period, date_text, period
from geomap.events.eventtype import EVENT_TYPES

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa


__all__ = [
    "DISTINCT_EVENT_COLUMNS", "DISTINCT_EVENT_SCHEMA", "EVENT_COLUMNS", "EVENT_SCHEMA", "Column", "arrow_schema",
    "conform", "csv_frame", "date_fields", "dtypes", "frame", "json_records", "sort_rows", "stored_values",
]  # fmt: skip

TEXT, INTEGER, FLOAT, CATEGORY, DATE, LIST = "text", "integer", "float", "category", "date", "list"

#: Per kind of column: the pandas dtype (as ``DataFrame.dtypes`` shows it) and how CSV writes it.
_DTYPES = {
    TEXT: "string", INTEGER: "Int64", FLOAT: "float64", CATEGORY: "category", DATE: "datetime64[ms]", LIST: "object",
}  # fmt: skip
_CSV_FORMS = {
    TEXT: "the text; empty when missing",
    INTEGER: "decimal digits; empty when missing",
    FLOAT: "shortest round-trip decimal (33.5102)",
    CATEGORY: "the value; empty when missing",
    DATE: "ISO 8601 date YYYY-MM-DD (the first day of the period); empty when missing",
    LIST: "the items joined by '; '",
}
PRECISIONS = ("day", "week", "month", "year")
MENTION_TYPES = ("place", "demonym")
DATE_SOURCES = ("explicit", "relative", "article", "ambiguous")
ACTOR_TYPES = ("state", "non_state")
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    """One column of the events table.

    ``categories``: the fixed categories of a category column whose values are a closed set (in a
    meaningful order); empty for an open set (``kind``, ``country``), whose categories are then the
    values present, sorted.
    """

    name: str
    meaning: str
    kind: str
    categories: tuple[str, ...] = ()

    @property
    def dtype(self) -> str:
        """The pandas dtype, as ``DataFrame.dtypes`` prints it."""
        return _DTYPES[self.kind]

    @property
    def csv(self) -> str:
        """How CSV writes the column."""
        return _CSV_FORMS[self.kind]

    def arrow_type(self) -> pa.DataType:
        """The Arrow (Parquet) type: the same whatever the rows hold."""
        import pyarrow as pa

        return {
            TEXT: pa.string(),
            INTEGER: pa.int64(),
            FLOAT: pa.float64(),
            CATEGORY: pa.dictionary(pa.int32(), pa.string()),
            DATE: pa.timestamp("ms"),
            LIST: pa.list_(pa.field("element", pa.string())),  # "element": the name Parquet gives list items
        }[self.kind]


#: The columns, in the table's order.
EVENT_SCHEMA: tuple[Column, ...] = (
    Column("article_id", "id of the article (file stem for .txt, the 'id' field for JSON)", TEXT),
    Column("title", "article title", TEXT),
    Column("date", "article date (the day), or missing when unknown", DATE),
    Column("url", "article URL when known", TEXT),
    Column("source", "publisher or feed when known", TEXT),
    Column("mention", "the text of the mention, exactly as written", TEXT),
    Column("start", "offset of the mention's first character in the article text", INTEGER),
    Column("end", "offset just past the mention's last character", INTEGER),
    Column(
        "type",
        "'place' (a place of events) or 'demonym' ('Syrian': context only, never a marker)",
        CATEGORY,
        MENTION_TYPES,
    ),
    Column("place_id", "GeoNames id, or 'geomap:<slug>' for curated places GeoNames lacks", TEXT),
    Column("place_name", "canonical name of the place", TEXT),
    Column("kind", "country, province, city, town, village, military base, ...", CATEGORY),
    Column("country", "ISO 3166-1 alpha-2 code", CATEGORY),
    Column("admin1", "first-level administrative division", TEXT),
    Column("lat", "latitude, WGS84 degrees", FLOAT),
    Column("lon", "longitude, WGS84 degrees", FLOAT),
    Column("confidence", "0..1: how sure the resolution is", FLOAT),
    Column("reason", "the signals that decided the resolution", TEXT),
    Column("relation", "spatial relation written before the mention ('outskirts of', 'northern'), or ''", TEXT),
    Column(
        "geo_precision",
        "ACLED's spatial precision: 1 the town, village or site itself; 2 near or in part of it ('outskirts of'), "
        "or a district; 3 a province, country or larger area",
        INTEGER,
    ),
    Column("snippet", "the sentence that contains the mention", TEXT),
    Column("snippet_start", "offset of the snippet in the article text (mention = snippet[start-s:end-s])", INTEGER),
    Column(
        "event_type",
        "what happened there, from the sentence: airstrike, shelling, ground_fighting, drone_attack, "
        "explosion, displacement, disaster, protest, diplomacy, or mention_only",
        CATEGORY,
        EVENT_TYPES,
    ),
    Column("event_confidence", "0..1: how sure the event type is", FLOAT),
    Column("event_cues", "the words that decided the event type (a list; empty for none)", LIST),
    Column("event_date", "first day of the period the event is dated to (see date_precision), or missing", DATE),
    Column("event_date_end", "last day of that period (= event_date for a day), or missing", DATE),
    Column(
        "date_precision",
        "how long that period is: 'day', 'week' ('last week', or a range of up to 7 days: 'between 12 and 14 "
        "March'), 'month' ('in January', or a range of up to 31 days) or 'year' ('last year')",
        CATEGORY,
        PRECISIONS,
    ),
    Column(
        "date_source",
        "'explicit' (a date in the sentence), 'relative' ('Tuesday', 'last year'), 'article', 'ambiguous' (the "
        "nearest date reads two ways, '04/03/2020': no event_date), or missing",
        CATEGORY,
        DATE_SOURCES,
    ),
    Column("actor", "who took the place, as the text names them ('government forces'), for a capture; else ''", TEXT),
    Column("actor_type", "'state' or 'non_state' for that actor, or missing", CATEGORY, ACTOR_TYPES),
    Column(
        "event_id",
        "the event this mention reports: rows of any article at the same place, of the same type, in "
        "overlapping periods share it (geomap.events.dedup); missing for mentions that report no event",
        TEXT,
    ),
)

#: Column name -> meaning, in the table's order (types: :data:`EVENT_SCHEMA`).
EVENT_COLUMNS: dict[str, str] = {column.name: column.meaning for column in EVENT_SCHEMA}

_BY_NAME = {column.name: column for column in EVENT_SCHEMA}

#: The table of distinct events (:func:`geomap.events.dedup.distinct_events`): one row per event, however
#: many articles report it. Columns shared with :data:`EVENT_SCHEMA` keep their meaning and type.
DISTINCT_EVENT_SCHEMA: tuple[Column, ...] = (
    Column("event_id", "the event's id, as in the events table's event_id", TEXT),
    _BY_NAME["event_type"],
    _BY_NAME["event_date"],
    _BY_NAME["event_date_end"],
    _BY_NAME["date_precision"],
    _BY_NAME["place_id"],
    _BY_NAME["place_name"],
    _BY_NAME["kind"],
    _BY_NAME["country"],
    _BY_NAME["admin1"],
    _BY_NAME["lat"],
    _BY_NAME["lon"],
    Column("geo_precision", "the finest geo_precision of its reports (1 the place itself ... 3 an area)", INTEGER),
    Column("actor", "who took the place, as its first report that says so names them, else ''", TEXT),
    _BY_NAME["actor_type"],
    Column("reports", "how many articles report the event", INTEGER),
    Column("mentions", "how many mentions (rows of the events table) report it", INTEGER),
    Column("sources", "the distinct publishers of its reports, sorted (a list)", LIST),
    Column("article_ids", "the ids of the articles that report it, sorted (a list)", LIST),
    Column("urls", "the distinct URLs of those articles, sorted (a list)", LIST),
    Column("first_reported", "the earliest article date among its reports, or missing", DATE),
    Column("title", "the title of the first report (earliest article, then article id)", TEXT),
    Column("snippet", "the sentence of the first report's first mention", TEXT),
    Column("event_cues", "the words that decided the event type in any report, in order of first use (a list)", LIST),
)

#: Column name -> meaning of the distinct events table, in its order.
DISTINCT_EVENT_COLUMNS: dict[str, str] = {column.name: column.meaning for column in DISTINCT_EVENT_SCHEMA}

Columns = tuple[Column, ...]


def dtypes(columns: Columns = EVENT_SCHEMA) -> dict[str, str]:
    """Column name -> pandas dtype, as ``frame(...).dtypes`` prints them."""
    return {column.name: column.dtype for column in columns}


def arrow_schema(columns: Columns = EVENT_SCHEMA) -> pa.Schema:
    """The Arrow schema Parquet files are written with (no metadata: pandas adds its own)."""
    import pyarrow as pa

    return pa.schema([pa.field(column.name, column.arrow_type()) for column in columns])


# -- dates ----------------------------------------------------------------------------------------


def date_fields(value: str | None) -> tuple[str | None, str | None, str | None]:
    """``(event_date, event_date_end, date_precision)`` of a row's date text, the first two as ISO days.

    "2020-01" -> ("2020-01-01", "2020-01-31", "month"); "2020-03-12/2020-03-14" -> ("2020-03-12",
    "2020-03-14", "week"); anything that is not such a date -> all None, so that no precision is
    given without a date.
    """
    found = _period(value)
    if found is None:
        return None, None, None
    return found.first.isoformat(), found.last.isoformat(), found.precision


def _period(value: Any) -> Period | None:
    return period(value) if isinstance(value, str) else None


# -- building a typed table ------------------------------------------------------------------------


def frame(records: Iterable[Mapping[str, Any]], *, event_ids: bool = True) -> pd.DataFrame:
    """The typed events table of row records (JSON objects as :func:`geomap.events.article_rows` makes them).

    One construction for a fresh build, the store and cached parts, so that all give equal tables.
    ``event_ids=False``: a part of a table, whose ids are assigned once the parts are assembled
    (:func:`finish_table`), so they are not computed for each part first.
    """
    import pandas as pd

    table = conform(pd.DataFrame(list(records), columns=list(EVENT_COLUMNS)))
    return finish_table(table) if event_ids else sort_rows(table)


def finish_table(table: pd.DataFrame) -> pd.DataFrame:
    """The last step of every events table: rows in the table's order, event ids assigned over all rows.

    Event ids depend on every row (reports of one event come from different articles), so they are
    assigned here, once the table is whole, and never kept per article.
    """
    from geomap.events.dedup import assign_event_ids  # dedup types its own table with this module

    return assign_event_ids(sort_rows(table))


def sort_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Rows in the table's order: by article, then by offset (stable, so equal keys keep their order)."""
    return table.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)


def conform(table: pd.DataFrame, columns: Columns = EVENT_SCHEMA) -> pd.DataFrame:
    """``table`` with exactly the schema's columns, in order, and their dtypes; typed values are kept.

    Accepts records' forms (dates as ISO text, an event date as text at its precision or an
    interval, cues as a list or as text joined by "; ") and what Parquet gives back (cues as arrays,
    categories of one part only), so tables assembled from parts equal the table built at once. A
    missing column is added, all missing; other columns are dropped.
    """
    import pandas as pd

    names = [column.name for column in columns]
    table = table.reindex(columns=names)
    if "event_date" in names and not pd.api.types.is_datetime64_any_dtype(table["event_date"]):
        text = table["event_date"]
        for number, name in enumerate(("event_date", "event_date_end", "date_precision")):
            if name in names:  # once per distinct date text, not per row
                table[name] = _per_value(text, lambda value, n=number: date_fields(value)[n])
    return table.assign(**{column.name: _CONVERT[column.kind](table[column.name], column) for column in columns})


def _as_text(series: pd.Series, _column: Column) -> pd.Series:
    return series.astype("string")


def _as_integer(series: pd.Series, _column: Column) -> pd.Series:
    return series.astype("Int64")


def _as_float(series: pd.Series, _column: Column) -> pd.Series:
    return series.astype("float64")


def _as_category(series: pd.Series, column: Column) -> pd.Series:
    """Categorical with the column's fixed categories (then any unexpected value, sorted), or the values present."""
    import pandas as pd

    values = series.astype(object).where(series.notna(), None)
    present = sorted(values.dropna().unique())
    categories = [*column.categories, *(value for value in present if value not in column.categories)]
    return pd.Series(pd.Categorical(values, categories=categories), index=series.index, name=series.name)


def _as_date(series: pd.Series, _column: Column) -> pd.Series:
    """Datetimes (ms): typed values kept, ISO text at any precision read as the first day of its period."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series):
        return series.astype("datetime64[ms]")
    days = _per_value(series, lambda value: date_fields(value)[0])
    return pd.to_datetime(days, format="%Y-%m-%d", errors="coerce").astype("datetime64[ms]")


def _per_value(series: pd.Series, function) -> pd.Series:
    """``function`` of each value, computed once per distinct value (a table has few distinct dates); object dtype."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(series)
    results = np.array([*(function(value) for value in uniques), None], dtype=object)  # code -1 (missing): None
    return pd.Series(results[codes], index=series.index, name=series.name, dtype=object)


def _as_list(series: pd.Series, _column: Column) -> pd.Series:
    import pandas as pd

    return pd.Series([_items(value) for value in series], index=series.index, name=series.name, dtype=object)


def _items(value: Any) -> list[str]:
    """A list cell as a list of str: a row's list as it is, a Parquet array, text joined by "; " (older rows)."""
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [item for item in value.split(LIST_SEPARATOR) if item]
    if hasattr(value, "tolist"):  # an array of str, as Parquet gives lists back
        return value.tolist()
    if hasattr(value, "__iter__"):  # a tuple
        return [str(item) for item in value]
    return []  # None, NaN, <NA>: no items


def _is_na(value: Any) -> bool:
    """pandas' missing markers (<NA>, NaT), without importing pandas at module import."""
    import pandas as pd

    return value is pd.NA or value is pd.NaT


_CONVERT = {
    TEXT: _as_text, INTEGER: _as_integer, FLOAT: _as_float, CATEGORY: _as_category, DATE: _as_date, LIST: _as_list,
}  # fmt: skip


# -- writing -------------------------------------------------------------------------------------


def csv_frame(table: pd.DataFrame, columns: Columns = EVENT_SCHEMA) -> pd.DataFrame:
    """The columns as CSV writes them: dates as ISO dates, lists joined by "; ", the rest as is."""
    table = conform(table, columns)
    return table.assign(
        **{c.name: _iso_days(table[c.name]) for c in columns if c.kind == DATE},
        **{c.name: table[c.name].map(LIST_SEPARATOR.join) for c in columns if c.kind == LIST},
    )


def json_records(table: pd.DataFrame, columns: Columns = EVENT_SCHEMA) -> list[dict[str, Any]]:
    """The rows as JSON values (GeoJSON properties): dates as ISO dates, lists as lists, missing as None."""
    table = conform(table, columns)
    table = table.assign(**{c.name: _iso_days(table[c.name]) for c in columns if c.kind == DATE})
    return [{key: _json_value(value) for key, value in row.items()} for row in table.to_dict("records")]


def _json_value(value: Any) -> Any:
    if isinstance(value, list):
        return value
    if value is None or _is_na(value) or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _iso_days(series: pd.Series) -> pd.Series:
    """Datetimes as "YYYY-MM-DD" text (None when missing), object dtype."""
    return _per_value(series, lambda day: day.strftime("%Y-%m-%d"))


def stored_values(table: pd.DataFrame, name: str) -> np.ndarray:
    """A column's values as rows keep them: an event date as text at its precision ("2020-01" for a month,
    "2020-03-12/2020-03-14" for a range).

    What the map reads, so that a map drawn from a typed table is the map drawn from stored rows.
    Columns that are not datetimes (a table made by hand) are returned as they are.
    """
    import numpy as np
    import pandas as pd

    series = table[name]
    if not pd.api.types.is_datetime64_any_dtype(series):
        return series.to_numpy(dtype=object)
    days = _iso_days(series).to_numpy(dtype=object)
    if name != "event_date" or "event_date_end" not in table.columns:
        return days
    ends = _iso_days(table["event_date_end"]).to_numpy(dtype=object)
    return np.array([_date_text(first, last) for first, last in zip(days, ends)], dtype=object)


def _date_text(first: str | None, last: str | None) -> str | None:
    if first is None or last is None:
        return first
    return date_text(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
