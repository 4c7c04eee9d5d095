"""Render the events table as one self-contained, interactive HTML map.

Why this shape: readers open the map from a mail attachment or a USB stick, often offline, and a
busy month is 100k mentions. So the page carries its own Leaflet and plugins (see
:mod:`geomap.render_assets`), its own Natural Earth basemap (see :mod:`geomap.basemap`), and the
events as one compact JSON document from which the browser builds markers and clusters. Python never
builds one object per marker (folium's MarkerCluster does, and needs minutes and 100 MB at 100k).

Article text is untrusted: it travels as JSON (``<``, ``>``, ``&`` escaped as ``\\u003c`` ...), gzipped
and base64-encoded, and the page builds popups with ``textContent``, never ``innerHTML``. The output
is byte-deterministic: rows are sorted by stable keys, floats rounded, and there are no random ids
and no timestamps.

Example
-------
>>> import pandas as pd
>>> from geomap.render import render_map
>>> html = render_map(pd.DataFrame(columns=list(REQUIRED_COLUMNS)), assets="cdn", boundaries=False)
>>> html.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from geomap import basemap
from geomap.fileio import atomic_write_text
from geomap.render_assets import RenderError, asset_tags

__all__ = [
    "AREA_KINDS",
    "REQUIRED_COLUMNS",
    "RenderError",
    "build_payload",
    "decode_payload",
    "encode_payload",
    "render_map",
    "save_map",
]

TEMPLATES = Path(__file__).resolve().parent / "templates"

REQUIRED_COLUMNS = (
    "article_id", "title", "date", "url", "source", "mention", "start", "end", "type", "place_id",
    "place_name", "kind", "country", "admin1", "lat", "lon", "confidence", "reason", "relation",
    "snippet", "snippet_start",
)  # fmt: skip
TEXT_COLUMNS = (
    "article_id", "title", "date", "url", "source", "mention", "type", "place_id", "place_name", "kind",
    "country", "admin1", "relation", "snippet",
)  # fmt: skip
OPTIONAL_TEXT_COLUMNS = ("event_type", "event_date")
AREA_KINDS = frozenset({"country", "province", "region", "state", "governorate", "admin1"})
ADMIN1_KINDS = AREA_KINDS - {"country"}
COORD_DECIMALS = 5
SNIPPET_MAX = 320  # characters kept around a mention: sentences beyond that are cut with ellipses
MAX_LAYER_GROUPS = 30  # layer-control entries; beyond that the rest share one "Other" entry
MAX_ADMIN1_COUNTRIES = 12  # countries whose admin-1 borders are embedded, by mention count

KIND_COLORS = {
    "country": "#6a3d9a",
    "province": "#1f78b4",
    "region": "#1f78b4",
    "state": "#1f78b4",
    "governorate": "#1f78b4",
    "admin1": "#1f78b4",
    "city": "#e31a1c",
    "town": "#ff7f00",
    "village": "#33a02c",
    "military base": "#3d3d3d",
    "continent": "#b15928",
}
PALETTE = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46a0b4", "#f032e6", "#8a9a1e",
    "#9a6324", "#800000", "#469990", "#000075", "#808000", "#a9a9a9",
)  # fmt: skip
KIND_ORDER = tuple(KIND_COLORS)


def _text(value: Any) -> str:
    """Cell as text: None/NaN become "", so optional columns never leak 'nan' into the page."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


def _coord(value: Any) -> float:
    return round(float(value), COORD_DECIMALS) + 0.0


def _check_columns(events: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in events.columns]
    if missing:
        raise RenderError(
            f"The events table lacks column(s) {missing}; expected the table built by geomap.events "
            f"with columns {list(REQUIRED_COLUMNS)}."
        )


def _prepare(events: pd.DataFrame) -> pd.DataFrame:
    """Place rows only (demonyms never make markers), with coordinates, in a stable order."""
    _check_columns(events)
    frame = events.copy()
    # Text columns as plain Python str in object columns: pandas 3 stores strings in Arrow, and
    # iterating those element by element is ~10x slower than object columns (measured at 100k rows).
    for column in TEXT_COLUMNS + tuple(c for c in OPTIONAL_TEXT_COLUMNS if c in frame.columns):
        values = [_text(v) for v in frame[column].to_numpy(dtype=object)]
        frame[column] = pd.Series(values, index=frame.index, dtype=object)
    frame = frame[frame["type"] != "demonym"]
    frame["lat"] = pd.to_numeric(frame["lat"], errors="coerce")
    frame["lon"] = pd.to_numeric(frame["lon"], errors="coerce")
    frame = frame[frame["lat"].between(-90, 90) & frame["lon"].between(-180, 180)].copy()
    frame["start"] = pd.to_numeric(frame["start"], errors="coerce").fillna(-1).astype("int64")
    frame["end"] = pd.to_numeric(frame["end"], errors="coerce").fillna(-1).astype("int64")
    frame["place_key"] = [
        pid or f"{name}@{_coord(lat)},{_coord(lon)}"
        for pid, name, lat, lon in zip(frame["place_id"], frame["place_name"], frame["lat"], frame["lon"])
    ]
    return frame.sort_values(["article_id", "start", "end", "place_key"], kind="mergesort").reset_index(drop=True)


def _snippet(row: Any) -> tuple[str, int, int]:
    """Snippet text and the mention's offsets in it, cut to SNIPPET_MAX around the mention.

    Falls back to finding the surface text when offsets do not match (hand-made rows), and to the
    mention alone when there is no snippet.
    """
    text, mention = row.snippet, row.mention
    if not text:
        return mention, 0, len(mention)
    try:
        lo = int(row.start) - int(row.snippet_start)
    except (TypeError, ValueError):
        lo = -1
    hi = lo + (int(row.end) - int(row.start))
    if not (0 <= lo < hi <= len(text)) or (mention and text[lo:hi] != mention):
        lo = text.find(mention) if mention else -1
        hi = lo + len(mention) if lo >= 0 else -1
    if len(text) > SNIPPET_MAX:
        centre = (lo + hi) // 2 if lo >= 0 else 0
        cut = max(0, min(len(text) - SNIPPET_MAX, centre - SNIPPET_MAX // 2))
        prefix = "… " if cut else ""
        suffix = " …" if cut + SNIPPET_MAX < len(text) else ""
        text = prefix + text[cut : cut + SNIPPET_MAX] + suffix
        if lo >= 0:
            lo, hi = lo - cut + len(prefix), hi - cut + len(prefix)
            if lo < len(prefix) or hi > len(text) - len(suffix):
                lo = hi = -1
    return text, lo, hi


def _indexer(values: list[str]) -> dict[str, int]:
    return {v: i for i, v in enumerate(values)}


def _categories(frame: pd.DataFrame, column: str) -> list[list[str]]:
    """Legend entries ``[label, colour]``: known kinds in a fixed order, then others alphabetically."""
    present = set(frame[column])
    known = [k for k in KIND_ORDER if k in present] if column == "kind" else []
    others = sorted(present - set(known))
    entries = [[k, KIND_COLORS[k]] for k in known]
    entries += [[k or "unknown", PALETTE[i % len(PALETTE)]] for i, k in enumerate(others)]
    return entries


def _layer_groups(articles: pd.DataFrame) -> tuple[list[str], list[int]]:
    """Layer-control entries: one per article while few, else one per source; the tail shares 'Other'."""
    if len(articles) <= MAX_LAYER_GROUPS:
        labels = [
            f"{d} · {t}" if d else (t or a)
            for a, t, d in zip(articles["article_id"], articles["title"], articles["date"])
        ]
        return labels, list(range(len(labels)))
    sources = [s or "(no source)" for s in articles["source"]]
    ranked = sorted(Counter(sources).items(), key=lambda kv: (-kv[1], kv[0]))
    keep = [s for s, _ in ranked[: MAX_LAYER_GROUPS - 1]]
    labels = sorted(keep) + (["Other sources"] if len(ranked) > len(keep) else [])
    index = _indexer(labels)
    return labels, [index.get(s, len(labels) - 1) for s in sources]


def _safe_url(url: str) -> str:
    """Only http(s) links reach the page: a ``javascript:`` URL in a feed must not become a link."""
    return url if re.match(r"https?://", url, re.IGNORECASE) else ""


def build_payload(events: pd.DataFrame, *, title: str = "geomap", boundaries: bool = True) -> dict[str, Any]:
    """The JSON document the page renders from: columnar, deduplicated, sorted, rounded.

    Exposed for tests and other front ends; :func:`render_map` is the usual entry point.
    """
    frame = _prepare(events)
    color_by = "event_type" if "event_type" in frame.columns else "kind"

    # Articles: one row each, first-seen metadata, sorted by id.
    art = frame.drop_duplicates("article_id")[["article_id", "title", "date", "url", "source"]]
    art = art.sort_values("article_id", kind="mergesort").reset_index(drop=True)
    art_index = _indexer(list(art["article_id"]))
    groups, art_group = _layer_groups(art)

    # Mention dates: the event date when the table has one, else the article's.
    dates_col = list(frame["date"])
    if "event_date" in frame.columns:
        dates_col = [e or d for e, d in zip(frame["event_date"], dates_col)]
    dates = sorted(set(dates_col) - {""})
    date_index = _indexer(dates)

    categories = _categories(frame, color_by)
    cat_index = {label: i for i, (label, _) in enumerate(categories)}
    cat_values = [v or "unknown" for v in frame[color_by]]

    # Places: one marker (or area) per place_id; an area mentioned with a relation
    # ("northern part of Syria") stays a point of its own, so the relation is not drawn as the whole.
    relations = sorted(set(frame["relation"]))
    rel_index = _indexer(relations)
    point_key = [
        f"{key}|{rel}" if (kind in AREA_KINDS and rel) else key
        for key, kind, rel in zip(frame["place_key"], frame["kind"], frame["relation"])
    ]
    frame["marker_key"] = point_key
    related_areas = {k for k, key in zip(point_key, frame["place_key"]) if k != key}
    place_keys = sorted(set(point_key))
    place_index = _indexer(place_keys)
    first = frame.drop_duplicates("marker_key").set_index("marker_key").loc[place_keys]
    # The most frequent name of a place (ties: alphabetical), so one odd spelling does not win.
    name_counts = Counter(zip(point_key, frame["place_name"]))
    names: dict[str, str] = {}
    for (key, name), _count in sorted(name_counts.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
        names.setdefault(key, name)
    places: dict[str, list[Any]] = {k: [] for k in ("id", "name", "kind", "country", "admin1", "lat", "lon")}
    places["area"] = []
    areas: list[dict[str, Any]] = []
    bounds_pts: list[tuple[float, float]] = []
    mention_counts = Counter(point_key)
    for key, row in zip(place_keys, first.itertuples()):
        kind, country, admin1 = row.kind, row.country, row.admin1
        lat, lon = _coord(row.lat), _coord(row.lon)
        name = names[key] or row.mention
        places["id"].append(row.place_id)
        places["name"].append(name)
        places["kind"].append(kind)
        places["country"].append(country)
        places["admin1"].append(admin1)
        places["lat"].append(lat)
        places["lon"].append(lon)
        shape = None
        if boundaries and kind in AREA_KINDS and key not in related_areas:
            shape = _area_shape(kind, country, {name, admin1}, lat, lon)
        if shape is not None:
            places["area"].append(len(areas))
            geometry = basemap.geojson_geometry(shape, basemap.AREA_TOLERANCE)
            areas.append({"type": "Feature", "properties": {"p": place_index[key]}, "geometry": geometry})
        else:
            places["area"].append(-1)
            bounds_pts.append((lat, lon))
    if not bounds_pts:  # only areas: fit to them instead
        for key in place_keys:
            bounds_pts.append((places["lat"][place_index[key]], places["lon"][place_index[key]]))

    # Mentions, columnar; snippets deduplicated (a sentence often names several places).
    snippets: list[str] = []
    snippet_index: dict[tuple[str, str], int] = {}
    cols: dict[str, list[int]] = {k: [] for k in ("place", "article", "snippet", "hs", "he", "rel", "cat", "date")}
    for row, key, date, cat in zip(frame.itertuples(index=False), point_key, dates_col, cat_values):
        text, lo, hi = _snippet(row)
        skey = (row.article_id, text)
        if skey not in snippet_index:
            snippet_index[skey] = len(snippets)
            snippets.append(text)
        cols["place"].append(place_index[key])
        cols["article"].append(art_index[row.article_id])
        cols["snippet"].append(snippet_index[skey])
        cols["hs"].append(lo)
        cols["he"].append(hi)
        cols["rel"].append(rel_index[row.relation])
        cols["cat"].append(cat_index[cat])
        cols["date"].append(date_index.get(date, -1))

    countries = [c for c, _ in sorted(Counter(places["country"]).items(), key=lambda kv: (-kv[1], kv[0])) if c]
    return {
        "title": title,
        "colorBy": color_by,
        "categories": categories,
        "articles": {
            "id": list(art["article_id"]),
            "title": list(art["title"]),
            "date": list(art["date"]),
            "url": [_safe_url(u) for u in art["url"]],
            "source": list(art["source"]),
            "group": art_group,
        },
        "groups": groups,
        "dates": dates,
        "relations": relations,
        "places": places,
        "counts": [mention_counts[k] for k in place_keys],
        "mentions": cols,
        "snippets": snippets,
        "areas": {"type": "FeatureCollection", "features": areas},
        "admin1": _admin1_borders(countries[:MAX_ADMIN1_COUNTRIES]) if boundaries else None,
        "world": basemap.world_topology() if boundaries else None,
        "bounds": _bounds(bounds_pts),
    }


def _area_shape(kind: str, country: str, names: set[str], lat: float, lon: float) -> Any | None:
    if kind == "country":
        return basemap.country_shape(country)
    found = basemap.find_admin1(country, names, lat, lon)
    return found[2] if found else None


def _admin1_borders(countries: list[str]) -> dict[str, Any]:
    """Admin-1 outlines of the countries the places are in, so e.g. Idlib governorate is visible."""
    features = []
    for country in sorted(countries):
        for code, name, shape in basemap.admin1_shapes(country):
            geometry = basemap.geojson_geometry(shape, basemap.ADMIN1_TOLERANCE)
            features.append({"type": "Feature", "properties": {"n": name, "c": code}, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def _bounds(points: list[tuple[float, float]]) -> list[list[float]] | None:
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _json_for_script(payload: dict[str, Any]) -> str:
    """JSON that cannot end its ``<script>`` element nor open a comment: ``<``, ``>``, ``&`` escaped."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    table = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
    return re.sub("[<>&\u2028\u2029]", lambda m: table[m.group(0)], text)


def encode_payload(payload: dict[str, Any]) -> str:
    """The data block: escaped JSON, gzip-compressed (``mtime=0``: byte-stable), base64.

    Why compress: 100k mentions are ~20 MB of JSON, mostly snippets, and ~4 MB gzipped; the browser
    inflates it with its built-in ``DecompressionStream`` in well under a second. Base64 has no ``<``,
    so the block cannot end its ``<script>`` element whatever the articles say.
    """
    raw = _json_for_script(payload).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def decode_payload(page: str) -> dict[str, Any]:
    """Inverse of :func:`encode_payload` on a rendered page, for tests and tools."""
    match = re.search(r'<script type="application/gzip\+base64" id="geomap-data">([^<]*)</script>', page)
    if match is None:
        raise RenderError("Not a geomap page: no geomap-data element.")
    return json.loads(gzip.decompress(base64.b64decode(match.group(1))))


def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def render_map(events: pd.DataFrame, *, title: str = "geomap", assets: str = "inline", boundaries: bool = True) -> str:
    """Render ``events`` (one row per mention, see :data:`REQUIRED_COLUMNS`) as a full HTML document.

    Parameters
    ----------
    events
        The events table from :mod:`geomap.events`. Rows with ``type == "demonym"`` or without
        coordinates are ignored. With an ``event_type`` column, markers are coloured and filtered by
        event type, else by place ``kind``.
    title
        Page title and heading; escaped.
    assets
        ``"inline"`` (default): every script, stylesheet and image is inside the page, which then works
        offline and makes no request until the reader picks an online tile layer. Needs
        ``npm ci --prefix geomap/assets`` once. ``"cdn"``: link the same pinned versions from jsDelivr
        (smaller file, needs network; OpenStreetMap tiles are shown by default).
    boundaries
        Embed the offline Natural Earth basemap, admin-1 borders and area polygons (about 0.8 MB).
        ``False`` draws areas as pins and relies on online tiles.

    Raises
    ------
    RenderError
        Missing columns, an unknown ``assets`` mode, or inline assets not installed.
    """
    if assets not in ("inline", "cdn"):
        raise RenderError(f"Expected assets='inline' or assets='cdn', instead got: {assets!r}.")
    tags = asset_tags(assets)
    payload = build_payload(events, title=title, boundaries=boundaries)
    payload["offline"] = assets == "inline"
    parts = {
        "TITLE": html.escape(title),
        "ASSETS": tags,
        "STYLE": _template("map.css"),
        "DATA": encode_payload(payload),
        "SCRIPT": _template("map.js"),
    }
    page = _template("map.html")
    # One pass, so that text inserted for one placeholder is never scanned for another.
    return re.sub(r"{{(TITLE|ASSETS|STYLE|DATA|SCRIPT)}}", lambda m: parts[m.group(1)], page)


def save_map(events: pd.DataFrame, path: Path, **kwargs: Any) -> None:
    """Render and write atomically (temp file in the same folder, fsync, ``os.replace``).

    Why: a reader, a web server or a sync client never sees a half-written map, and a failed render
    leaves the previous file intact.
    """
    atomic_write_text(Path(path), render_map(events, **kwargs))
