"""The events table as the map's data: compact, columnar, gzipped blocks the browser draws from.

Why this shape: a busy month is 100k mentions. The page carries the events as one compact JSON
document per data part, from which the browser builds markers and clusters
(``static/geomap/events.js``); Python never builds one object per marker (folium's MarkerCluster
does, and needs a minute and 60 MB at 100k). Parts are split by article, so an incremental build
re-encodes only the parts whose articles changed (:mod:`geomap.api` caches them in the store).

Article text is untrusted: it travels as JSON (``<``, ``>``, ``&`` escaped as ``\\u003c`` ...), gzipped
and base64-encoded, and the page builds popups with ``textContent``, never ``innerHTML``. The output
is byte-deterministic: rows are sorted by stable keys, floats rounded, and there are no random ids
and no timestamps.

Example
-------
>>> import pandas as pd
>>> payload = build_payload(pd.DataFrame(columns=list(REQUIRED_COLUMNS)), boundaries=False)
>>> payload["places"]["id"], payload["bounds"]
([], None)
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import re
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from geomap.errors import RenderError
from geomap.events.schema import stored_values
from geomap.map import shapes, style

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")

__all__ = [
    "AREA_KINDS",
    "REQUIRED_COLUMNS",
    "Blocks",
    "RenderError",
    "build_areas",
    "build_basemap",
    "build_head",
    "build_part",
    "build_payload",
    "decode_parts",
    "decode_payload",
    "encode_payload",
    "encode_table",
    "encoded_basemap",
    "geometry_inputs",
    "merge_parts",
    "part_count",
    "part_of",
    "split_by_part",
    "table_records",
]

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
PART_ARTICLES = 500  # articles per data part, about: one new article re-encodes ~1/parts of the data
MAX_PARTS = 4096


def _text(value: Any) -> str:
    """Cell as text: None/NaN become "", so optional columns never leak 'nan' into the page."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    pandas = sys.modules.get("pandas")  # only a pandas table can hold pd.NA; do not import pandas for it
    if pandas is not None and value is pandas.NA:
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


def _number(value: Any) -> float:
    """Cell as a float; NaN when it is not a number (the row is then left off the map)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _integer(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def part_count(articles: int) -> int:
    """How many data parts a map of ``articles`` articles is split into: a power of two, ~PART_ARTICLES each.

    Why a function of the article count alone: a from-scratch and an incremental build then split the
    same articles the same way, and their pages are byte-identical.
    """
    parts = 1
    while parts * PART_ARTICLES < articles and parts < MAX_PARTS:
        parts *= 2
    return parts


def part_of(article_id: str, parts: int) -> int:
    """The part an article goes to: a stable hash of its id (CRC-32: fast, and not Python's salted ``hash``)."""
    return zlib.crc32(article_id.encode("utf-8")) % parts


def table_records(events: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of an events table as plain dicts, the form :func:`build_part` reads (and the store keeps).

    Dates of a typed table go back to the ISO text rows hold ("2020-01" for a month), so a map drawn
    from a table is byte for byte the map drawn from the store's rows.
    """
    _check_columns(events)
    columns = [c for c in events.columns if c in REQUIRED_COLUMNS or c in OPTIONAL_TEXT_COLUMNS]
    values = [stored_values(events, c) for c in columns]
    return [dict(zip(columns, row)) for row in zip(*values)]


def _prepared_rows(records: list[dict[str, Any]], color_by: str) -> list[dict[str, Any]]:
    """Place rows only (demonyms never make markers), with coordinates, text as str, in a stable order."""
    rows = []
    for record in records:
        if _text(record.get("type")) == "demonym":
            continue
        lat, lon = _number(record.get("lat")), _number(record.get("lon"))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        row = {c: _text(record.get(c)) for c in TEXT_COLUMNS + OPTIONAL_TEXT_COLUMNS}
        row["color"] = _text(record.get(color_by))
        row["lat"], row["lon"] = _coord(lat), _coord(lon)
        row["start"], row["end"] = _integer(record.get("start")), _integer(record.get("end"))
        row["snippet_start"] = record.get("snippet_start")
        key = row["place_id"] or f"{row['place_name']}@{row['lat']},{row['lon']}"
        row["place_key"] = key
        # An area mentioned with a relation ("northern part of Syria") stays a point of its own,
        # so that the relation is not drawn as the whole area.
        row["marker"] = f"{key}|{row['relation']}" if (row["kind"] in AREA_KINDS and row["relation"]) else key
        rows.append(row)
    rows.sort(key=lambda r: (r["article_id"], r["start"], r["end"], r["place_key"]))
    return rows


def _snippet(row: dict[str, Any]) -> tuple[str, int, int]:
    """Snippet text and the mention's offsets in it, cut to SNIPPET_MAX around the mention.

    Falls back to finding the surface text when offsets do not match (hand-made rows), and to the
    mention alone when there is no snippet.
    """
    text, mention = row["snippet"], row["mention"]
    if not text:
        return mention, 0, len(mention)
    try:
        lo = int(row["start"]) - int(row["snippet_start"])
    except (TypeError, ValueError):
        lo = -1
    hi = lo + (int(row["end"]) - int(row["start"]))
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


def _best_names(rows: list[dict[str, Any]]) -> dict[str, tuple[str, int]]:
    """The most frequent name of each marker (ties: alphabetical), so one odd spelling does not win."""
    counts = Counter((r["marker"], r["place_name"]) for r in rows)
    best: dict[str, tuple[str, int]] = {}
    for (marker, name), count in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
        best.setdefault(marker, (name, count))
    return best


def build_part(records: list[dict[str, Any]], *, color_by: str = "event_type") -> tuple[dict, dict]:
    """One data part of the page from the rows of some articles: ``(part, summary)``.

    The part holds its own small tables (articles, places by key, snippets, dates, relations,
    categories by label) and columnar mentions indexing them, so it depends on nothing outside its
    rows: an incremental build re-makes only the parts whose articles changed. The summary is what
    the page's head needs from it (categories, sources, places), and the build report's counts.
    """
    rows = _prepared_rows(records, color_by)
    place_rows = [r for r in records if _text(r.get("type")) == "place"]
    articles: dict[str, dict[str, Any]] = {}
    firsts: dict[str, dict[str, Any]] = {}
    for row in rows:
        articles.setdefault(row["article_id"], row)
        firsts.setdefault(row["marker"], row)
    article_ids = sorted(articles)
    markers = sorted(firsts)
    names = _best_names(rows)
    dates_col = [r["event_date"] or r["date"] for r in rows]
    dates, relations = sorted(set(dates_col) - {""}), sorted({r["relation"] for r in rows})
    categories = sorted({r["color"] or "unknown" for r in rows})
    art_index, place_index, date_index = _indexer(article_ids), _indexer(markers), _indexer(dates)
    rel_index, cat_index = _indexer(relations), _indexer(categories)

    snippets: list[str] = []
    snippet_index: dict[tuple[str, str], int] = {}
    mentions: dict[str, list[int]] = {k: [] for k in ("place", "article", "snippet", "hs", "he", "rel", "cat", "date")}
    for row, date in zip(rows, dates_col):
        text, lo, hi = _snippet(row)
        skey = (row["article_id"], text)
        if skey not in snippet_index:
            snippet_index[skey] = len(snippets)
            snippets.append(text)
        mentions["place"].append(place_index[row["marker"]])
        mentions["article"].append(art_index[row["article_id"]])
        mentions["snippet"].append(snippet_index[skey])
        mentions["hs"].append(lo)
        mentions["he"].append(hi)
        mentions["rel"].append(rel_index[row["relation"]])
        mentions["cat"].append(cat_index[row["color"] or "unknown"])
        mentions["date"].append(date_index.get(date, -1))

    place_cols = ("key", "id", "name", "names", "kind", "country", "admin1", "lat", "lon")
    places: dict[str, list[Any]] = {k: [] for k in place_cols}
    summary_places: dict[str, list[Any]] = {}
    for marker in markers:
        first = firsts[marker]
        name, count = names[marker]
        name = name or first["mention"]
        values = (marker, first["place_id"], name, count, first["kind"], first["country"], first["admin1"],
                  first["lat"], first["lon"])  # fmt: skip
        for column, value in zip(place_cols, values):
            places[column].append(value)
        related = marker != first["place_key"]
        summary_places[marker] = [*values[1:], related]
    part = {
        "articles": {
            "id": article_ids,
            "title": [articles[a]["title"] for a in article_ids],
            "date": [articles[a]["date"] for a in article_ids],
            "url": [_safe_url(articles[a]["url"]) for a in article_ids],
            "source": [articles[a]["source"] for a in article_ids],
        },
        "places": places,
        "dates": dates,
        "relations": relations,
        "categories": categories,
        "mentions": mentions,
        "snippets": snippets,
    }
    summary = {
        "rows": len(records),
        "mentions": len(place_rows),
        "placeIds": sorted({_text(r.get("place_id")) for r in place_rows}),
        "colors": sorted({r["color"] for r in rows}),
        "sources": dict(sorted(Counter(articles[a]["source"] for a in article_ids).items())),
        "articles": len(article_ids),
        "places": summary_places,
    }
    return part, summary


def _categories(present: set[str], color_by: str) -> list[list[str]]:
    """Legend entries ``[value, colour, label, shape]``: styled values in their fixed order, then others
    alphabetically (:mod:`geomap.map.style`)."""
    styles = style.KIND_STYLES if color_by == "kind" else style.EVENT_STYLES
    known = [k for k in styles if k in present]
    others = sorted(present - set(known))
    return [_entry(k, color_by, 0) for k in known] + [_entry(k, color_by, i) for i, k in enumerate(others)]


def _entry(value: str, color_by: str, number: int) -> list[str]:
    """One legend entry; ``number`` picks the fallback style of a value without one of its own."""
    label, colour, shape = style.style_of(value, color_by, number)
    return [value or "unknown", colour, label, shape]


def _source_groups(sources: Counter) -> list[str]:
    """Layer-control entries for many articles: the biggest sources, the tail sharing 'Other sources'."""
    ranked = sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))
    keep = [s for s, _ in ranked[: MAX_LAYER_GROUPS - 1]]
    return sorted(keep) + (["Other sources"] if len(ranked) > len(keep) else [])


def _safe_url(url: str) -> str:
    """Only http(s) links reach the page: a ``javascript:`` URL in a feed must not become a link."""
    return url if re.match(r"https?://", url, re.IGNORECASE) else ""


def _merged_places(summaries: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Marker key -> ``[id, name, name count, kind, country, admin1, lat, lon, related]`` over all parts."""
    places: dict[str, list[Any]] = {}
    for summary in summaries:
        for marker, values in summary["places"].items():
            known = places.setdefault(marker, list(values))
            if (-values[2], values[1]) < (-known[2], known[1]):  # the most frequent name wins
                known[1], known[2] = values[1], values[2]
    return places


def geometry_inputs(summaries: list[dict[str, Any]], *, boundaries: bool = True) -> dict[str, Any]:
    """All that the page's shapes depend on: the area places and the countries with most places.

    Small and JSON-serialisable, so that a caller can cache :func:`build_geometry` under its digest
    (shapes take seconds to simplify, and rarely change when articles arrive).
    """
    places = _merged_places(summaries)
    areas = []
    points = []
    for marker in sorted(places):
        _pid, name, _count, kind, country, admin1, lat, lon, related = places[marker]
        if boundaries and kind in AREA_KINDS and not related:
            areas.append([marker, kind, country, name, admin1, lat, lon])
        else:
            points.append((lat, lon))
    country_counts = Counter(values[4] for values in places.values())
    countries = [c for c, _ in sorted(country_counts.items(), key=lambda kv: (-kv[1], kv[0])) if c]
    return {
        "boundaries": boundaries,
        "areas": areas,
        "points": _bounds(points),
        "all": _bounds([(values[6], values[7]) for values in places.values()]),
        "countries": countries[:MAX_ADMIN1_COUNTRIES],
    }


def build_areas(inputs: dict[str, Any]) -> dict[str, Any]:
    """The event layer's shapes: area polygons of countries and provinces, and the bounds to fit.

    From :func:`geometry_inputs`; an area without a known shape becomes a point of the bounds.
    """
    features: list[dict[str, Any]] = []
    points = [] if inputs["points"] is None else [tuple(p) for p in inputs["points"]]
    for marker, kind, country, name, admin1, lat, lon in inputs["areas"]:
        shape = _area_shape(kind, country, {name, admin1}, lat, lon)
        if shape is None:
            points.append((lat, lon))
        else:
            geometry = shapes.geojson_geometry(shape, shapes.AREA_TOLERANCE)
            features.append({"type": "Feature", "properties": {"k": marker}, "geometry": geometry})
    return {
        "areas": {"type": "FeatureCollection", "features": features},
        "bounds": _bounds(points) if points else inputs["all"],  # only areas: fit to them instead
    }


def build_basemap(countries: list[str]) -> dict[str, Any]:
    """The offline basemap's data: Natural Earth countries, and admin-1 borders of ``countries`` (ISO2)."""
    return {"world": shapes.world_topology(), "admin1": _admin1_borders(countries)}


@lru_cache(maxsize=8)
def encoded_basemap(countries: tuple[str, ...]) -> str:
    """:func:`build_basemap` encoded (cached: the same countries give the same ~0.8 MB block, 0.1 s to make)."""
    return encode_payload(build_basemap(list(countries)))


@dataclass(frozen=True)
class Blocks:
    """A map's data as encoded blocks (:func:`encode_payload`): what the map elements embed.

    ``head``, ``areas`` (:func:`build_areas`) and ``parts`` (:func:`build_part`) go into the
    :class:`~geomap.map.event_layer.EventLayer`, ``basemap`` (:func:`build_basemap`, None without
    boundaries) into the :class:`~geomap.map.basemap.VectorBasemap`. The store caches them, so an
    incremental build re-encodes only what changed.
    """

    head: str
    areas: str
    parts: tuple[str, ...]
    basemap: str | None
    bounds: list[list[float]] | None


def build_head(
    summaries: list[dict[str, Any]],
    *,
    title: str = "geomap",
    color_by: str = "event_type",
    aliases: Aliases | None = None,
) -> dict[str, Any]:
    """What the page needs besides the parts and the shapes: title, legend, layer groups, and the
    other names of the places (``aliases``: place id -> names, e.g. the gazetteer's spellings, which
    the search box finds: "Idleb" finds Idlib).

    Made from the parts' summaries only, so an incremental build never reads unchanged rows.
    """
    colors = set().union(*(s["colors"] for s in summaries))
    articles = sum(s["articles"] for s in summaries)
    sources: Counter = Counter()
    for summary in summaries:
        sources.update({s or "(no source)": n for s, n in summary["sources"].items()})
    return {
        "title": title,
        "colorBy": color_by,
        "categories": _categories(colors, color_by),
        "groups": None if articles <= MAX_LAYER_GROUPS else _source_groups(sources),
        "aliases": _aliases_of(summaries, aliases),
    }


#: Place id -> the other names it is known by.
Aliases = Mapping[str, Sequence[str]]


def _aliases_of(summaries: list[dict[str, Any]], aliases: Aliases | None) -> dict[str, list[str]]:
    """The aliases of the places on the map, sorted and without duplicates (deterministic bytes)."""
    if not aliases:
        return {}
    place_ids = sorted(set().union(*(s["placeIds"] for s in summaries)))
    return {pid: sorted(set(aliases[pid])) for pid in place_ids if aliases.get(pid)}


def merge_parts(head: dict[str, Any], parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The one document the page works on, from the head (with the geometry) and the parts.

    ``map.js`` does the same in the browser.

    Articles are sorted by id, places by key, and mentions follow their articles, as in one table.
    """
    articles = sorted(
        (art_id, number, local)
        for number, part in enumerate(parts)
        for local, art_id in enumerate(part["articles"]["id"])
    )
    place_keys = sorted({key for part in parts for key in part["places"]["key"]})
    place_index = _indexer(place_keys)
    dates = sorted({d for part in parts for d in part["dates"]})
    relations = sorted({r for part in parts for r in part["relations"]})
    date_index, rel_index = _indexer(dates), _indexer(relations)
    cat_index = {entry[0]: i for i, entry in enumerate(head["categories"])}

    place_cols = ("id", "name", "kind", "country", "admin1", "lat", "lon")
    places: dict[str, list[Any]] = {k: [None] * len(place_keys) for k in place_cols}
    best_count = [0] * len(place_keys)
    snippets: list[str] = []
    remap = []
    for part in parts:
        p = part["places"]
        local_places = [place_index[k] for k in p["key"]]
        for local, g in enumerate(local_places):
            if places["id"][g] is None:
                for column in place_cols:
                    places[column][g] = p[column][local]
            if (-p["names"][local], p["name"][local]) < (-best_count[g], places["name"][g]):
                places["name"][g], best_count[g] = p["name"][local], p["names"][local]
        remap.append(
            (local_places, len(snippets), [date_index[d] for d in part["dates"]],
             [rel_index[r] for r in part["relations"]], [cat_index[c] for c in part["categories"]])
        )  # fmt: skip
        snippets.extend(part["snippets"])

    # Mentions of each local article are contiguous (parts are sorted by article id).
    ranges: list[dict[int, tuple[int, int]]] = []
    for part in parts:
        spans: dict[int, tuple[int, int]] = {}
        for i, a in enumerate(part["mentions"]["article"]):
            lo, _ = spans.get(a, (i, i))
            spans[a] = (lo, i + 1)
        ranges.append(spans)
    mentions: dict[str, list[int]] = {k: [] for k in ("place", "article", "snippet", "hs", "he", "rel", "cat", "date")}
    art_cols: dict[str, list[Any]] = {k: [] for k in ("id", "title", "date", "url", "source")}
    for g, (_art_id, number, local) in enumerate(articles):
        part, (local_places, offset, date_map, rel_map, cat_map) = parts[number], remap[number]
        for column in art_cols:
            art_cols[column].append(part["articles"][column][local])
        m = part["mentions"]
        lo, hi = ranges[number].get(local, (0, 0))
        for i in range(lo, hi):
            mentions["place"].append(local_places[m["place"][i]])
            mentions["article"].append(g)
            mentions["snippet"].append(offset + m["snippet"][i])
            mentions["hs"].append(m["hs"][i])
            mentions["he"].append(m["he"][i])
            mentions["rel"].append(rel_map[m["rel"][i]])
            mentions["cat"].append(cat_map[m["cat"][i]])
            mentions["date"].append(date_map[m["date"][i]] if m["date"][i] >= 0 else -1)

    if head["groups"] is None:  # few articles: one layer entry each
        groups = [
            f"{d} · {t}" if d else (t or a) for a, t, d in zip(art_cols["id"], art_cols["title"], art_cols["date"])
        ]
        art_group = list(range(len(groups)))
    else:
        groups = head["groups"]
        group_index = _indexer(groups)
        art_group = [group_index.get(s or "(no source)", len(groups) - 1) for s in art_cols["source"]]
    area_of = {f["properties"]["k"]: i for i, f in enumerate(head["areas"]["features"])}
    areas = {
        "type": "FeatureCollection",
        "features": [{**f, "properties": {"p": place_index[f["properties"]["k"]]}} for f in head["areas"]["features"]],
    }
    counts = Counter(mentions["place"])
    return {
        "title": head["title"],
        "colorBy": head["colorBy"],
        "categories": head["categories"],
        "articles": {**art_cols, "group": art_group},
        "groups": groups,
        "dates": dates,
        "relations": relations,
        "places": {
            **places,
            "area": [area_of.get(k, -1) for k in place_keys],
            "aliases": [head.get("aliases", {}).get(pid, []) for pid in places["id"]],
        },
        "counts": [counts[p] for p in range(len(place_keys))],
        "mentions": mentions,
        "snippets": snippets,
        "areas": areas,
        "bounds": head["bounds"],
    }


def split_by_part(items: Iterable[T], article_id: Callable[[T], str]) -> tuple[int, dict[int, list[T]]]:
    """The number of parts for the distinct articles of ``items``, and the items of each non-empty part.

    One definition for a from-scratch render (table rows) and an incremental one (the store's
    ``(id, hash)`` pairs), so that both split the same articles the same way.
    """
    items = list(items)
    parts = part_count(len({article_id(item) for item in items}))
    buckets: dict[int, list[T]] = {}
    for item in items:
        buckets.setdefault(part_of(article_id(item), parts), []).append(item)
    return parts, buckets


def _built_parts(
    events: pd.DataFrame, *, title: str, aliases: Aliases | None = None
) -> tuple[dict, list[dict], list[dict]]:
    """Head, parts and their summaries of a whole events table (the from-scratch path)."""
    color_by = _color_column(events)
    _, buckets = split_by_part(table_records(events), lambda record: _text(record.get("article_id")))
    built = [build_part(buckets[number], color_by=color_by) for number in sorted(buckets)]
    summaries = [summary for _, summary in built]
    head = build_head(summaries, title=title, color_by=color_by, aliases=aliases)
    return head, [part for part, _ in built], summaries


def encode_table(
    events: pd.DataFrame, *, title: str = "geomap", boundaries: bool = True, aliases: Aliases | None = None
) -> Blocks:
    """The encoded blocks of a whole events table: what :func:`geomap.map.folium_map` embeds.

    ``aliases``: place id -> other names, for the search box (see :func:`build_head`).
    """
    head, parts, summaries = _built_parts(events, title=title, aliases=aliases)
    inputs = geometry_inputs(summaries, boundaries=boundaries)
    areas = build_areas(inputs)
    return Blocks(
        head=encode_payload(head),
        areas=encode_payload(areas),
        parts=tuple(encode_payload(part) for part in parts),
        basemap=encoded_basemap(tuple(inputs["countries"])) if boundaries else None,
        bounds=areas["bounds"],
    )


def _color_column(events: pd.DataFrame) -> str:
    return "event_type" if "event_type" in events.columns else "kind"


def build_payload(events: pd.DataFrame, *, title: str = "geomap", boundaries: bool = True) -> dict[str, Any]:
    """The document the page renders from (head and parts merged): columnar, deduplicated, sorted, rounded.

    Exposed for tests and other front ends; :func:`geomap.map.folium_map` is the usual entry point.
    """
    head, parts, summaries = _built_parts(events, title=title)
    return merge_parts({**head, **build_areas(geometry_inputs(summaries, boundaries=boundaries))}, parts)


def _area_shape(kind: str, country: str, names: set[str], lat: float, lon: float) -> Any | None:
    if kind == "country":
        return shapes.country_shape(country)
    found = shapes.find_admin1(country, names, lat, lon)
    return found[2] if found else None


def _admin1_borders(countries: list[str]) -> dict[str, Any]:
    """Admin-1 outlines of the countries the places are in, so e.g. Idlib governorate is visible."""
    features = []
    for country in sorted(countries):
        for code, name, shape in shapes.admin1_shapes(country):
            geometry = shapes.geojson_geometry(shape, shapes.ADMIN1_TOLERANCE)
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
    """One data block: escaped JSON, gzip-compressed (``mtime=0``: byte-stable), base64.

    Why compress: 100k mentions are ~20 MB of JSON, mostly snippets, and ~4 MB gzipped; the browser
    inflates it with its built-in ``DecompressionStream`` in well under a second. Base64 has no ``<``,
    so the block cannot end its ``<script>`` element whatever the articles say.
    """
    raw = _json_for_script(payload).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def _decode_block(block: str) -> Any:
    return json.loads(gzip.decompress(base64.b64decode(block)))


DATA_ELEMENT = re.compile(r'<script type="application/gzip\+base64" class="geomap-events" id="[^"]*">([^<]*)</script>')


def decode_parts(page: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The head (with the areas and bounds) and the parts of a rendered page's first event layer."""
    match = DATA_ELEMENT.search(page)
    if match is None:
        raise RenderError("Not a geomap page: no geomap event data element.")
    head, geometry, *parts = match.group(1).split()
    return {**_decode_block(head), **_decode_block(geometry)}, [_decode_block(part) for part in parts]


def decode_payload(page: str) -> dict[str, Any]:
    """The document a rendered page works on (head and parts merged), for tests and tools."""
    head, parts = decode_parts(page)
    return merge_parts(head, parts)
