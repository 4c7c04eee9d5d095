"""Render the events table as an interactive Leaflet map (folium), byte-deterministic.

Why the care: article text is untrusted. folium inserts popup HTML into a JavaScript template
literal, so besides ``< > & " '`` the characters `` ` ``, ``$`` and ``\\`` must be neutralised too
(folium issues #850, #1640): :func:`escape_text` turns all of them into HTML character references.
branca gives every element a random id; :func:`_derive_ids` renumbers the tree so the same table
always renders to the same bytes.
"""

from __future__ import annotations

import html
from pathlib import Path

import folium
import pandas as pd

from geomap.fileio import atomic_write_text

__all__ = ["escape_text", "render_map", "save_map"]

_JS_TEMPLATE_UNSAFE = {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
_KIND_COLOURS = {
    "country": "gray", "province": "cadetblue", "region": "cadetblue", "city": "red", "town": "orange",
    "village": "darkred", "military base": "black",
}  # fmt: skip


def escape_text(text: str) -> str:
    """HTML-escape ``text`` so that it is inert in HTML and inside a JavaScript template literal."""
    escaped = html.escape(text, quote=True)
    return "".join(_JS_TEMPLATE_UNSAFE.get(ch, ch) for ch in escaped)


def _snippet_html(row) -> str:
    rel_start = int(row.start) - int(row.snippet_start)
    rel_end = int(row.end) - int(row.snippet_start)
    snippet = row.snippet
    marked = (
        escape_text(snippet[:rel_start])
        + "<mark>" + escape_text(snippet[rel_start:rel_end]) + "</mark>"
        + escape_text(snippet[rel_end:])
    )  # fmt: skip
    heading = escape_text(row.title) + (f" ({escape_text(str(row.date))})" if row.date else "")
    return f"<p><b>{heading}</b><br>{marked}</p>"


def _popup_html(place_rows: pd.DataFrame) -> str:
    first = place_rows.iloc[0]
    header = f"<h4>{escape_text(first.place_name)}</h4><p><i>{escape_text(first.kind)}</i></p>"
    body = "".join(_snippet_html(row) for row in place_rows.itertuples())
    return f'<div style="max-height:300px;overflow:auto">{header}{body}</div>'


def render_map(events: pd.DataFrame, *, title: str = "geomap", **_: object) -> str:
    """The map as one HTML document: a marker per place with every snippet that mentions it."""
    places = events[events["type"] == "place"]
    fmap = folium.Map(location=[0, 0], zoom_start=2, tiles="OpenStreetMap")
    fmap.get_root().header.add_child(folium.Element(f"<title>{escape_text(title)}</title>"))
    for _place_id, rows in sorted(places.groupby("place_id", sort=False), key=lambda item: str(item[0])):
        first = rows.iloc[0]
        count = len(rows)
        folium.Marker(
            location=[round(float(first.lat), 5), round(float(first.lon), 5)],
            popup=folium.Popup(_popup_html(rows), max_width=400),
            tooltip=escape_text(f"{first.place_name} ({count} mention{'s' if count != 1 else ''})"),
            icon=folium.Icon(color=_KIND_COLOURS.get(first.kind, "blue")),
        ).add_to(fmap)
    if len(places):
        fmap.fit_bounds(
            [[round(places.lat.min(), 5), round(places.lon.min(), 5)],
             [round(places.lat.max(), 5), round(places.lon.max(), 5)]]
        )  # fmt: skip
    _derive_ids(fmap.get_root())
    return fmap.get_root().render()


def _derive_ids(root) -> None:
    """Replace branca's random ids by a breadth-first counter, and re-key children named by them."""
    elements = []
    queue = [root]
    while queue:
        element = queue.pop(0)
        elements.append(element)
        queue.extend(element._children.values())
        for attribute in ("header", "html", "script"):
            child = getattr(element, attribute, None)
            if child is not None and hasattr(child, "_children"):
                queue.append(child)
    old_names = {id(element): element.get_name() for element in elements}
    for counter, element in enumerate(elements):
        element._id = f"{counter:08x}"
    for element in elements:
        element._children = type(element._children)(
            (child.get_name() if key == old_names[id(child)] else key, child)
            for key, child in element._children.items()
        )


def save_map(events: pd.DataFrame, path: Path, **kwargs) -> None:
    atomic_write_text(Path(path), render_map(events, **kwargs))
