"""The events table as geodata: a GeoPandas GeoDataFrame and GeoParquet, in EPSG:4326 (optional ``geo`` extra).

Why geopandas here, when GeoJSON is written by hand (:mod:`geomap.export`): GeoParquet needs its
``geo`` metadata (encoding, CRS as PROJJSON, bounding box) exactly as QGIS/GDAL and GeoPandas read
it, and geopandas writes that; users of a GeoDataFrame have geopandas anyway. It stays optional
(``pip install 'geomap[geo]'``): nothing else in geomap needs it.

Like GeoJSON, only place rows are features (demonyms are context, never a point). The columns keep
the schema's Arrow types whatever the rows hold (:func:`geomap.events.arrow_schema`), plus a WKB
``geometry`` column.
"""

from __future__ import annotations

import io
from types import ModuleType
from typing import TYPE_CHECKING

from geomap.errors import GeomapError
from geomap.events.schema import DISTINCT_EVENT_SCHEMA, EVENT_SCHEMA, Columns, arrow_schema, conform

if TYPE_CHECKING:
    import geopandas
    import pandas as pd
    import pyarrow as pa


__all__ = ["CRS", "GEOPARQUET_VERSION", "require_geopandas", "to_geodataframe", "to_geoparquet"]

CRS = "EPSG:4326"
#: The GeoParquet version written: 1.0.0, the one every GeoParquet reader (GDAL 3.5+, QGIS) knows.
GEOPARQUET_VERSION = "1.0.0"


def require_geopandas() -> ModuleType:
    """geopandas, or a one-line :class:`~geomap.errors.GeomapError` that says how to install it."""
    try:
        import geopandas
    except ImportError:
        raise GeomapError("GeoParquet and GeoDataFrames need geopandas: pip install 'geomap[geo]'") from None
    return geopandas


def to_geodataframe(events: pd.DataFrame, *, per: str = "mention") -> geopandas.GeoDataFrame:
    """The place rows of an events table as a GeoPandas GeoDataFrame of points in EPSG:4326 (lon, lat).

    The table's columns keep their dtypes (:data:`geomap.events.EVENT_SCHEMA`); ``geometry`` is added.
    ``per="event"``: one point per distinct event (:func:`geomap.events.distinct_events`) instead.

    >>> gdf = geomap.to_geodataframe(geomap.events_for(["seeds/"]))   # doctest: +SKIP
    >>> gdf.explore(column="event_type")                                 # doctest: +SKIP
    """
    geopandas = require_geopandas()
    places = _places(events, per)
    points = geopandas.points_from_xy(places["lon"], places["lat"], crs=CRS)
    return geopandas.GeoDataFrame(places, geometry=points, crs=CRS)


def _places(events: pd.DataFrame, per: str) -> pd.DataFrame:
    if per == "event":
        from geomap.events.dedup import distinct_events

        return distinct_events(events)
    if per != "mention":
        raise ValueError(f"GeoParquet has one row per mention or per event, not per {per}")
    table = conform(events)
    return table[(table["type"] == "place").fillna(False)].reset_index(drop=True)


def to_geoparquet(events: pd.DataFrame, *, per: str = "mention") -> bytes:
    """The place rows as GeoParquet bytes: WKB points in EPSG:4326, the schema's column types, deterministic.

    geopandas writes the file (its Arrow conversion and ``geo`` metadata); its column types follow
    the rows (a category's index width, an all-empty list column), so the table is read back and
    cast to the schema's types, metadata kept, and written again.
    """
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    to_geodataframe(events, per=per).to_parquet(buffer, index=False, schema_version=GEOPARQUET_VERSION)
    written = pq.read_table(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    columns = DISTINCT_EVENT_SCHEMA if per == "event" else EVENT_SCHEMA
    pq.write_table(written.cast(_geo_schema(written.schema, columns)), out)
    return out.getvalue()


def _geo_schema(written: pa.Schema, columns: Columns) -> pa.Schema:
    """The schema's fields, then the geometry field geopandas wrote, with the file's metadata (geo, pandas)."""
    import pyarrow as pa

    return pa.schema([*arrow_schema(columns), written.field("geometry")], metadata=written.metadata)
