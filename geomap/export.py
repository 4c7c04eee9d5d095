"""Exports of the events table: CSV, GeoJSON (RFC 7946) and Parquet, byte-deterministic and atomic.

Why our own GeoJSON writer: it is twenty lines with the standard library, keeps [lon, lat] order,
rounds coordinates and sorts keys, so two runs give the same bytes (geopandas would add a heavy
dependency for no gain here). Parquet goes through pyarrow (``pandas.DataFrame.to_parquet``), which
writes no timestamps, so it is deterministic too for one pyarrow version.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

from geomap.fileio import atomic_write_bytes, atomic_write_text

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["to_csv", "to_geojson", "to_parquet", "write_export", "FORMATS", "PER"]

FORMATS = ("csv", "geojson", "parquet")
PER = ("mention", "place")


def to_csv(events: pd.DataFrame) -> str:
    return events.to_csv(index=False, lineterminator="\n")


def to_geojson(events: pd.DataFrame, *, per: str = "mention") -> str:
    """A FeatureCollection with one Point per mention (``per="mention"``) or per place."""
    places = events[events["type"] == "place"]
    if per == "place":
        features = [_place_feature(pid, rows) for pid, rows in places.groupby("place_id", sort=True)]
    elif per == "mention":
        features = [_feature(row) for row in places.to_dict("records")]
    else:
        raise ValueError(f"per must be 'mention' or 'place', not {per!r}")
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _point(lat: float, lon: float) -> dict:
    return {"type": "Point", "coordinates": [round(float(lon), 6), round(float(lat), 6)]}


def _feature(row: dict) -> dict:
    properties = {k: _clean(v) for k, v in row.items() if k not in ("lat", "lon")}
    return {"type": "Feature", "geometry": _point(row["lat"], row["lon"]), "properties": properties}


def _place_feature(place_id: str, rows: pd.DataFrame) -> dict:
    first = rows.iloc[0]
    properties = {
        "place_id": place_id,
        "place_name": first.place_name,
        "kind": first.kind,
        "country": first.country,
        "mentions": int(len(rows)),
        "articles": sorted(set(rows.article_id)),
    }
    return {"type": "Feature", "geometry": _point(first.lat, first.lon), "properties": properties}


def to_parquet(events: pd.DataFrame) -> bytes:
    """The table as Parquet bytes (needs pyarrow); column types as in the DataFrame."""
    buffer = io.BytesIO()
    events.to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()


def write_export(events: pd.DataFrame, path: Path, *, fmt: str, per: str = "mention") -> None:
    """Write ``events`` to ``path`` atomically as ``fmt``; ``per`` applies to GeoJSON (mention or place)."""
    if fmt == "csv":
        atomic_write_text(path, to_csv(events))
    elif fmt == "geojson":
        atomic_write_text(path, to_geojson(events, per=per))
    elif fmt == "parquet":
        atomic_write_bytes(path, to_parquet(events))
    else:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
