"""Exports of the events table: CSV, GeoJSON (RFC 7946), Parquet and GeoParquet, byte-deterministic and atomic.

Every writer takes its column types from :data:`geomap.events.EVENT_SCHEMA`, so they cannot drift:
CSV writes dates as ISO dates (``event_date``: the first day of its period, whose length
``date_precision`` gives) and lists joined by "; "; GeoJSON the same dates, lists as JSON arrays;
Parquet the schema's Arrow types, the same whatever the rows hold (an all-empty ``url`` is a string
column, not a null one). ``per="event"`` writes the table of distinct events instead
(:func:`geomap.events.distinct_events`: one row per event, with its reports and sources), typed by
its own schema through the same functions.

Why our own GeoJSON writer: it is twenty lines with the standard library, keeps [lon, lat] order,
rounds coordinates and sorts keys, so two runs give the same bytes. Parquet goes through pyarrow,
which writes no timestamps, so it is deterministic too for one pyarrow version. GeoParquet needs the
optional geopandas (:mod:`geomap.geo`).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from geomap.events.dedup import distinct_events
from geomap.events.schema import (
    DISTINCT_EVENT_SCHEMA,
    EVENT_SCHEMA,
    Columns,
    arrow_schema,
    conform,
    csv_frame,
    json_records,
)  # fmt: skip
from geomap.fileio import atomic_write_bytes, atomic_write_text

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["to_csv", "to_geojson", "to_parquet", "write_export", "FORMATS", "PER"]

FORMATS = ("csv", "geojson", "parquet", "geoparquet", "acled")
#: What one row (or GeoJSON feature) is: a mention, a place (GeoJSON only) or a distinct event.
PER = ("mention", "place", "event")


def to_csv(events: pd.DataFrame, *, per: str = "mention") -> str:
    """The table as CSV text: the schema's columns in order, written as :data:`~geomap.events.EVENT_SCHEMA` says.

    ``per="event"``: the distinct events (:data:`~geomap.events.DISTINCT_EVENT_SCHEMA`).
    """
    table, columns = _rows(events, per, "CSV")
    return csv_frame(table, columns).to_csv(index=False, lineterminator="\n")


def to_geojson(events: pd.DataFrame, *, per: str = "mention") -> str:
    """A FeatureCollection with one Point per mention (``per="mention"``), per place or per distinct event."""
    if per not in PER:
        raise ValueError(f"per must be one of {', '.join(PER)}, not {per!r}")
    if per == "event":
        features = [_feature(row) for row in json_records(distinct_events(events), DISTINCT_EVENT_SCHEMA)]
        return _collection(features)
    places = [row for row in json_records(events) if row["type"] == "place"]
    if per == "place":
        features = [_place_feature(pid, rows) for pid, rows in sorted(_by_place(places).items())]
    else:
        features = [_feature(row) for row in places]
    return _collection(features)


def _collection(features: list[dict]) -> str:
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _by_place(rows: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        if row["place_id"] is not None:
            grouped.setdefault(row["place_id"], []).append(row)
    return grouped


def _point(lat: float, lon: float) -> dict:
    return {"type": "Point", "coordinates": [round(float(lon), 6), round(float(lat), 6)]}


def _feature(row: dict) -> dict:
    properties = {k: v for k, v in row.items() if k not in ("lat", "lon")}
    return {"type": "Feature", "geometry": _point(row["lat"], row["lon"]), "properties": properties}


def _place_feature(place_id: str, rows: list[dict]) -> dict:
    first = rows[0]
    properties = {
        "place_id": place_id,
        "place_name": first["place_name"],
        "kind": first["kind"],
        "country": first["country"],
        "mentions": len(rows),
        "articles": sorted({row["article_id"] for row in rows}),
    }
    return {"type": "Feature", "geometry": _point(first["lat"], first["lon"]), "properties": properties}


def _rows(events: pd.DataFrame, per: str, what: str) -> tuple[pd.DataFrame, Columns]:
    """The table a tabular format writes for ``per`` (mention or event) and its columns."""
    if per == "event":
        return distinct_events(events), DISTINCT_EVENT_SCHEMA
    if per == "mention":
        return events, EVENT_SCHEMA
    raise ValueError(f"{what} has one row per mention or per event, not per {per}")


def to_parquet(events: pd.DataFrame, *, per: str = "mention") -> bytes:
    """The table as Parquet bytes with the schema's Arrow types (:func:`geomap.events.arrow_schema`).

    Read back with ``pandas.read_parquet``, the table has the dtypes it was written with.
    ``per="event"``: the distinct events.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table, columns = _rows(events, per, "Parquet")
    table = pa.Table.from_pandas(conform(table, columns), schema=arrow_schema(columns), preserve_index=False)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def write_export(events: pd.DataFrame, path: Path, *, fmt: str, per: str = "mention") -> None:
    """Write ``events`` to ``path`` atomically as ``fmt``, one row per ``per`` (mention, place or event).

    Per place is GeoJSON only; per event is every format (the distinct events).
    """
    if fmt == "csv":
        atomic_write_text(path, to_csv(events, per=per))
    elif fmt == "geojson":
        atomic_write_text(path, to_geojson(events, per=per))
    elif fmt == "parquet":
        atomic_write_bytes(path, to_parquet(events, per=per))
    elif fmt == "geoparquet":
        from geomap.geo import to_geoparquet

        atomic_write_bytes(path, to_geoparquet(events, per=per))
    elif fmt == "acled":
        from geomap.acled import to_acled

        _rows(events, per, "ACLED")  # refuses per place
        atomic_write_text(path, to_acled(events, per_event=per == "event"))
    else:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
