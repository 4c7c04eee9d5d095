"""The page: geomap's parts assembled on a ``folium.Map``, the map ``geomap build`` writes.

Why folium: users' scripts expect a ``folium.Map`` they can add to (``folium.Marker``,
``folium.GeoJson``, plugins, ``LayerControl``) and show in Jupyter. :func:`events_map` returns one,
already made self-contained by :func:`geomap.map.offline.offline` and with content-derived element
ids, so ``save()`` twice, or in two processes, writes the same bytes.

Example
-------
>>> import folium                                                   # doctest: +SKIP
>>> m = events_map(events, title="Idlib, January 2020")             # doctest: +SKIP
>>> folium.Marker([35.93, 36.63], popup="Idlib city").add_to(m)     # doctest: +SKIP
>>> m.save("maps/idlib.html")                                       # doctest: +SKIP
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import folium
import folium.plugins

from geomap.errors import RenderError
from geomap.fileio import atomic_write_text
from geomap.map.basemap import VectorBasemap
from geomap.map.element import content_id
from geomap.map.event_layer import EventLayer
from geomap.map.offline import offline
from geomap.map.payload import Aliases, Blocks, encode_table
from geomap.map.policy import AUTO
from geomap.map.policy import install as install_page_meta
from geomap.map.save_image import SaveImage
from geomap.map.title import MapTitle

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["GeomapMap", "ONLINE_TILES", "events_map", "map_from_blocks", "render_map", "save_map"]

# Online base layers offered beside the offline basemap: xyzservices name (as folium.TileLayer takes it) -> label.
ONLINE_TILES = {
    "OpenStreetMap": "OpenStreetMap",
    "Esri.WorldImagery": "Esri World Imagery",
    "OpenTopoMap": "OpenTopoMap",
}

# folium.Map's default libraries that only folium.Icon (awesome markers, Font Awesome, glyphicons)
# and some plugins need: about 1 MB inlined, left out of a map that has none of those.
_ICON_LIBRARIES = frozenset(
    {"jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css", "awesome_markers_font_css",
     "awesome_markers_css", "awesome_rotate_css"}
)  # fmt: skip
# Plugins that declare every library they use: they never need the icon libraries above.
_SELF_CONTAINED_PLUGINS = frozenset(
    {"MarkerCluster", "FastMarkerCluster", "HeatMap", "Fullscreen", "MiniMap", "MeasureControl", "Draw",
     "LocateControl", "MousePosition", "AntPath", "PolyLineTextPath", "PolyLineOffset", "SemiCircle"}
)  # fmt: skip


def _tree(element: Any) -> Iterator[Any]:
    yield element
    for child in element._children.values():
        yield from _tree(child)


class GeomapMap(folium.Map):
    """A ``folium.Map`` that writes atomically, loads folium's icon libraries only when used and
    carries a Content-Security-Policy.

    Everything a folium user does with a ``folium.Map`` works the same. Three differences:

    * ``save(path)`` writes a temp file and renames it: a reader never sees half a map, and a failed
      render leaves the previous file.
    * jQuery, Bootstrap, Font Awesome, glyphicons and awesome-markers (about 1 MB once inlined) are
      loaded only when the map holds a ``folium.Icon`` or a plugin that may rely on them (jQuery
      alone when it holds a ``folium.Popup``, which folium fills with jQuery);
      ``folium_assets=True`` always loads them (e.g. for custom HTML using Bootstrap classes).
    * The page's ``<head>`` starts with ``<meta name="generator" content="geomap">`` and a
      Content-Security-Policy ``<meta>``. ``csp="auto"`` (default): computed from the rendered page
      by :func:`geomap.map.policy.page_policy` (no network source but the tile layers' hosts and,
      when libraries are linked, their CDN hosts; inline scripts by hash); a string: that policy as
      it is; ``None``: no policy.
    """

    def __init__(self, *args: Any, folium_assets: bool | None = None, csp: str | None = AUTO, **kwargs: Any) -> None:
        if csp is not None and not isinstance(csp, str):
            raise TypeError(f"Expected csp to be 'auto', a policy string or None, instead got: {csp!r}.")
        super().__init__(*args, **kwargs)
        self.folium_assets = folium_assets
        self.csp = csp
        self._rendered: list[list[str]] = [[], [], []]  # what the last render added to header, html, script

    def _left_out(self) -> frozenset[str]:
        """folium's default libraries this map does without (see the class docstring)."""
        if self.folium_assets is not None:
            return frozenset() if self.folium_assets else _ICON_LIBRARIES
        left_out = _ICON_LIBRARIES
        for element in _tree(self):
            if isinstance(element, folium.Icon):
                return frozenset()
            if (
                type(element).__module__.startswith("folium.plugins")
                and type(element).__name__ not in _SELF_CONTAINED_PLUGINS
            ):
                return frozenset()
            if isinstance(element, folium.Popup):  # folium builds popup content with jQuery's $(...)
                left_out = _ICON_LIBRARIES - {"jquery"}
        return left_out

    def _assets(self, assets: list[tuple[str, str]]) -> list[tuple[str, str]]:
        left_out = self._left_out()
        return [(name, url) for name, url in assets if name not in left_out]

    @property
    def default_js(self) -> list[tuple[str, str]]:  # type: ignore[override]
        return self._assets(folium.Map.default_js)

    @property
    def default_css(self) -> list[tuple[str, str]]:  # type: ignore[override]
        return self._assets(folium.Map.default_css)

    def render(self, **kwargs: Any) -> None:
        """Render as folium does, but the same map twice gives the same page.

        folium's ``Layer.render`` adds a new "add to map" script with a random name on every render,
        so a second ``save()`` of one map would add every layer twice. What the previous render put
        into the page's header, body and script is taken out first (what a user added stays). And
        the layer control renders last, so that it lists the layers users add after it.
        """
        root = self.get_root()
        sections = (root.header, root.html, root.script)
        for section, keys in zip(sections, self._rendered):
            for key in keys:
                section._children.pop(key, None)
        # folium's LayerControl must render after the layers it lists: users add theirs after ours.
        for key, child in list(self._children.items()):
            if isinstance(child, folium.LayerControl):
                self._children[key] = self._children.pop(key)
        before = [set(section._children) for section in sections]
        install_page_meta(root, self)  # the figure adds the generator and policy <meta> to its page
        super().render(**kwargs)
        self._rendered = [[k for k in section._children if k not in old] for section, old in zip(sections, before)]

    def save(self, outfile: Any, close_file: bool = True, **kwargs: Any) -> None:
        """Write the page; to a path atomically (temp file, fsync, rename), else as folium does."""
        if isinstance(outfile, (str, os.PathLike)):
            atomic_write_text(Path(outfile), self.get_root().render(**kwargs))
        else:
            super().save(outfile, close_file=close_file, **kwargs)


def map_from_blocks(
    blocks: Blocks,
    *,
    title: str = "geomap",
    center: Sequence[float] | None = None,
    zoom: int | None = None,
    online: bool = False,
    tiles: Mapping[str, str] = ONLINE_TILES,
    heatmap: bool = True,
    search: bool = True,
    legend: bool = True,
    time_filter: bool = True,
    cluster: bool = True,
    folium_assets: bool | None = None,
    csp: str | None = AUTO,
) -> GeomapMap:
    """The map of already encoded data (:class:`~geomap.map.payload.Blocks`): what the store's cache feeds.

    ``csp``: the page's Content-Security-Policy: ``"auto"`` (computed from the page, see
    :class:`GeomapMap`), a policy string, or ``None`` for none. ``center`` (lat, lon) and ``zoom``:
    the view the map opens on, instead of one fitted to the events (either alone keeps the other
    from the fit's centre or zoom 5).
    """
    seed = content_id(title, blocks.head, blocks.areas, *blocks.parts, blocks.basemap, center, zoom)
    fitted = center is None and zoom is None
    location, fit_zoom = _initial_view(blocks.bounds)
    location = [float(center[0]), float(center[1])] if center is not None else location
    zoom = fit_zoom if zoom is None else int(zoom)
    m = GeomapMap(
        location=location, zoom_start=zoom, tiles=None, control_scale=True, world_copy_jump=True,
        folium_assets=folium_assets, csp=csp,
    )  # fmt: skip
    m.options.update(minZoom=1, maxZoom=18)  # folium's min_zoom/max_zoom go to its default tile layer only
    m._id = content_id("Map", seed)
    m.get_root().title = html.escape(title)
    if blocks.basemap is not None:
        VectorBasemap(block=blocks.basemap).add_to(m)
    for number, (provider, label) in enumerate(tiles.items()):
        layer = folium.TileLayer(provider, name=label, show=blocks.basemap is None and number == 0, overlay=False)
        layer._id = content_id("TileLayer", provider)
        layer.add_to(m)
    EventLayer(
        blocks=blocks, boundaries=blocks.basemap is not None, cluster=cluster, heatmap=heatmap, search=search,
        legend=legend, time_filter=time_filter, fit_bounds=fitted,
    ).add_to(m)  # fmt: skip
    MapTitle(title).add_to(m)
    screen = folium.plugins.Fullscreen(position="topleft", title="Full screen", title_cancel="Exit full screen")
    screen._id = content_id("Fullscreen", seed)
    screen.add_to(m)
    save = SaveImage(position="topleft")
    save._id = content_id("SaveImage", seed)
    save.add_to(m)
    control = folium.LayerControl(position="topright", collapsed=False)
    control._id = content_id("LayerControl", seed)
    control.add_to(m)
    return m if online else offline(m)


def _initial_view(bounds: list[list[float]] | None) -> tuple[list[float], int]:
    """Where the map opens before the events are drawn and fitted: their centre, or the world."""
    if not bounds:
        return [20.0, 0.0], 2
    (south, west), (north, east) = bounds
    return [round((south + north) / 2, 5), round((west + east) / 2, 5)], 5


def events_map(
    events: pd.DataFrame,
    *,
    title: str = "geomap",
    boundaries: bool = True,
    aliases: Aliases | None = None,
    **options: Any,
) -> GeomapMap:
    """The folium map of an events table (:data:`geomap.events.EVENT_COLUMNS`), offline unless ``online=True``.

    ``boundaries=False`` leaves out the offline basemap and area shapes (areas become pins; the
    first online tile layer is shown instead). ``aliases``: place id -> other names, for the search
    box. Other options: see :func:`map_from_blocks`.
    """
    blocks = encode_table(events, title=title, boundaries=boundaries, aliases=aliases)
    return map_from_blocks(blocks, title=title, **options)


def render_map(
    events: pd.DataFrame,
    *,
    title: str = "geomap",
    assets: str = "inline",
    boundaries: bool = True,
    aliases: Aliases | None = None,
    **options: Any,
) -> str:
    """The HTML page of ``events``; ``assets="inline"`` (offline, default) or ``"cdn"`` (libraries linked).

    ``aliases`` and ``options`` (``center``, ``zoom``, ...): see :func:`events_map`.
    """
    if assets not in ("inline", "cdn"):
        raise RenderError(f"Expected assets='inline' or assets='cdn', instead got: {assets!r}.")
    m = events_map(events, title=title, boundaries=boundaries, aliases=aliases, online=assets == "cdn", **options)
    return m.get_root().render()


def save_map(events: pd.DataFrame, path: Path, **kwargs: Any) -> None:
    """Render ``events`` and write the page atomically (see :meth:`GeomapMap.save`)."""
    atomic_write_text(Path(path), render_map(events, **kwargs))
