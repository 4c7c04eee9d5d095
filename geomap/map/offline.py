"""Make any folium map self-contained: every library it links is inlined from a bundled copy.

Why: a folium page loads Leaflet, jQuery, Bootstrap, Font Awesome and each plugin's code from
CDNs, so it is blank without the network. ``offline(m)`` makes the page open from a file with the
network off (zero requests for code, styles, fonts or images), and the same page works in Jupyter
(``_repr_html_``), through ``m.save(path)`` and ``m.get_root().render()``.

How: folium elements declare their libraries as ``default_js``/``default_css`` ``(name, url)``
pairs; when rendered they add a ``JavascriptLink``/``CssLink`` per pair to ``figure.header``
(one name, one copy). ``branca.element.Figure.render`` renders its children first and the header
last, so :func:`offline` swaps the figure's header for an :class:`OfflineHeader` whose ``render``
replaces each link by an inline ``<script>``/``<style>`` holding the bundled copy the table
:data:`BUNDLED` names for its URL. CSS ``url(...)`` references (fonts, sprites) become ``data:``
URIs; ``@font-face`` keeps only its woff2 source (woff where there is no woff2). Leaflet's default
marker icon, which finds its images through a CSS path trick that ``data:`` URIs break, gets its
three images as ``data:`` URIs right after Leaflet. A file linked under two URLs (jQuery from two
CDNs) is inlined once. Elements added before or after ``offline(m)`` are all covered: the check
happens when the header renders, and a hook child of ``m`` re-installs the header if the map is
moved to another figure (as ``Map._repr_html_`` does for a map without one).

Unknown URLs: ``offline(m)`` (``strict=True``) raises :class:`~geomap.errors.OfflineError` naming
the URL and the element, at render time and before anything is written (``m.save`` of a plain
folium map renders before it opens the file, and writes atomically); ``offline(m, strict=False)``
keeps such links as they are and warns (:class:`OfflineWarning`, one per URL and render).

Bundled files live in ``static/vendor/<npm package>/<version>/<path in the package>`` (copied from
npm by ``geomap/map/vendor/vendor.py``; see that script to re-vendor); the table also lists the
licence of each (``THIRD_PARTY_NOTICES.md``, "Bundled browser assets", has the same list).

Covered: folium.Map's defaults (Leaflet 1.9.3, jQuery 3.7.1, Bootstrap 5.2.2, glyphicons of
Bootstrap 3.0.0, Font Awesome Free 6.2.0, Leaflet.awesome-markers 2.0.2, folium's rotate CSS),
MarkerCluster/FastMarkerCluster, HeatMap, HeatMapWithTime, Fullscreen, MiniMap, MeasureControl,
Draw, LocateControl, MousePosition, Search, AntPath, BeautifyIcon, FeatureGroupSubGroup,
GroupedLayerControl, TreeLayerControl, PolyLineTextPath, PolyLineOffset, SemiCircle,
TimestampedGeoJson, TimestampedWmsTileLayers, Timeline/TimelineSlider, folium.TopoJson, and the
libraries of geomap's own elements (Leaflet.markercluster 1.5.3, topojson-client 3.1.0,
html-to-image 1.11.13).

Not covered (raise, or are kept with a warning under ``strict=False``):

* offline by nature impossible: ``Geocoder`` (asks a web geocoder), ``Realtime`` (fetches its
  data), ``VectorGridProtobuf`` (vector tiles from a server; and ``@latest``), and tile layers
  themselves (``TileLayer``/``WmsTileLayer`` fetch tiles: use ``tiles=None`` or geomap's offline
  basemap);
* unpinned URLs (``@latest`` or a moving branch: no version to bundle): ``Geoman``,
  ``BoatMarker``, ``TagFilterButton``, ``DualMap`` (Leaflet.Sync), ``StripePattern``/
  ``CirclePattern`` (Leaflet.pattern);
* not bundled yet (pinned, could be added to the table): ``TimeSliderChoropleth`` (d3 v4),
  ``Vega``/``VegaLite``, ``RegularPolygonMarker`` (leaflet-dvf), ``OverlappingMarkerSpiderfier``,
  ``SideBySideLayers``, ``PolyLineFromEncoded``/``PolygonFromEncoded``.

Substitutions (documented per entry in :data:`BUNDLED`): jsDelivr minifies ``.min.js``/``.min.css``
on request for packages that ship only the plain file; there the plain file is bundled. jQuery UI
1.10.2 is not on npm: 1.10.4 (same minor line) is bundled. The ``bootstrap-glyphicons.css`` of the
netdna CDN is not on npm: its rules are taken from Bootstrap 3.0.0's own CSS.
"""

from __future__ import annotations

import base64
import json
import os
import posixpath
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from branca.element import CssLink, Element, Figure, JavascriptLink

from geomap.errors import OfflineError, RenderError
from geomap.fileio import atomic_write_text
from geomap.map.assets import read_static, script_safe, style_safe

__all__ = [
    "BUNDLED",
    "CSS_URL_PREFIXES",
    "Bundled",
    "OfflineHeader",
    "OfflineWarning",
    "bundled",
    "inline_html",
    "offline",
    "packages",
    "rewrite_css",
    "static_files",
]

T = TypeVar("T", bound=Element)


class OfflineWarning(UserWarning):
    """``offline(m, strict=False)`` kept a link to the network: the page needs it for that library."""


@dataclass(frozen=True)
class Bundled:
    """The bundled copy of one CDN file.

    ``origin``: ``"npm"``: copied by ``vendor.py`` from the npm package ``package@version``;
    ``"built"``: made by ``vendor.py`` (from the files of ``package@version``, see ``note``); both
    are at ``static/vendor/<package>/<version>/<path>``. ``"folium"``: read at run time from the
    installed folium package (``folium/<path>``), which ships that very file.
    """

    package: str
    version: str
    path: str
    license: str
    origin: str = "npm"
    note: str = ""
    leaflet: bool = False  # Leaflet itself: its default marker icon gets data: URIs right after it

    @property
    def kind(self) -> str:
        return "css" if self.path.endswith(".css") else "js"

    @property
    def static_path(self) -> str:
        """Where the file is under ``geomap/map/static`` (``"folium:<path>"`` for files of folium's wheel)."""
        if self.origin == "folium":
            return f"folium:{self.path}"
        return f"vendor/{self.package}/{self.version}/{self.path}"


def _npm(package: str, version: str, path: str, license: str, note: str = "", **kw: Any) -> Bundled:
    return Bundled(package, version, path, license, note=note, **kw)


_JSD_MIN = "jsDelivr minifies on request; the package ships only this plain file"
_LEAFLET = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/"
_MC_110 = "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/"
_MC_153 = "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/"
_FOLIUM_GH = "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
_TD = "https://cdn.jsdelivr.net/npm/leaflet-timedimension@1.1.1/dist/"
_GLC = "https://cdnjs.cloudflare.com/ajax/libs/leaflet-groupedlayercontrol/0.6.1/"
_JQUERY = _npm("jquery", "3.7.1", "dist/jquery.min.js", "MIT")
_JQUERY_UI = _npm(
    "jquery-ui", "1.10.4", "custom.js", "MIT",
    "1.10.2 is not on npm: the full 1.10.4 build of npm jquery-ui@1.10.4 (no minified build there), "
    "without the CommonJS `var jQuery = require('jquery');` line the npm package prepends",
)  # fmt: skip
_MOMENT = _npm("moment", "2.18.1", "min/moment.min.js", "MIT")
_ISO8601 = _npm("iso8601-js-period", "0.2.1", "iso8601.js", "Apache-2.0", _JSD_MIN)
_TD_JS = _npm("leaflet-timedimension", "1.1.1", "dist/leaflet.timedimension.min.js", "MIT")
_TD_CSS = _npm(
    "leaflet-timedimension", "1.1.1", "dist/leaflet.timedimension.control.css", "MIT",
    "its glyphicon font (netdna bootstrap 3.0.0) is the bundled Bootstrap 3.0.0 woff",
)  # fmt: skip
_HLJS_CSS = _npm(
    "highlight.js", "8.4.0", "styles/default.css", "BSD-3-Clause", "cdnjs 8.4 default.min.css: npm has the plain file"
)

#: Every CDN URL geomap can inline (exact strings of folium 0.20's sources and geomap's elements).
BUNDLED: dict[str, Bundled] = {
    # folium.Map defaults
    _LEAFLET + "leaflet.js": _npm("leaflet", "1.9.3", "dist/leaflet.js", "BSD-2-Clause", leaflet=True),
    _LEAFLET + "leaflet.css": _npm("leaflet", "1.9.3", "dist/leaflet.css", "BSD-2-Clause"),
    "https://code.jquery.com/jquery-3.7.1.min.js": _JQUERY,
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": _npm(
        "bootstrap", "5.2.2", "dist/js/bootstrap.bundle.min.js", "MIT"
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": _npm(
        "bootstrap", "5.2.2", "dist/css/bootstrap.min.css", "MIT"
    ),
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": _npm(
        "twitter-bootstrap-3.0.0", "3.0.0", "dist/css/bootstrap-glyphicons.css", "Apache-2.0",
        "not on npm: built by vendor.py from the glyphicon rules of Bootstrap 3.0.0's dist/css/bootstrap.css "
        "(npm twitter-bootstrap-3.0.0@3.0.0, the 3.0.0 release); font: glyphicons-halflings-regular.woff",
        origin="built",
    ),  # fmt: skip
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": _npm(
        "@fortawesome/fontawesome-free", "6.2.0", "css/all.min.css", "MIT (CSS), OFL-1.1 (fonts)",
        "only the CSS and the woff2 webfonts are bundled (not the CC BY 4.0 SVG/JS icons)",
    ),  # fmt: skip
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": _npm(
        "drmonty-leaflet-awesome-markers", "2.0.2", "js/leaflet.awesome-markers.js", "MIT",
        "npm copy of lvoogdt/Leaflet.awesome-markers v2.0.2 (files byte-identical to the tag's dist/)",
    ),  # fmt: skip
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": _npm(
        "drmonty-leaflet-awesome-markers", "2.0.2", "css/leaflet.awesome-markers.css", "MIT"
    ),
    _FOLIUM_GH + "leaflet.awesome.rotate.min.css": _npm(
        "folium", "0.20.0", "folium/templates/leaflet.awesome.rotate.min.css", "MIT",
        "in neither folium's wheel nor npm: vendor.py writes folium's leaflet.awesome.rotate.css "
        "(.fa-rotate-1 to .fa-rotate-360) minified",
        origin="built",
    ),  # fmt: skip
    # MarkerCluster, FastMarkerCluster (folium) and geomap's EventLayer
    **{
        base + name: _npm("leaflet.markercluster", version, f"dist/{name}", "MIT")
        for base, version in ((_MC_110, "1.1.0"), (_MC_153, "1.5.3"))
        for name in ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css")
    },
    "https://cdn.jsdelivr.net/npm/topojson-client@3.1.0/dist/topojson-client.min.js": _npm(
        "topojson-client", "3.1.0", "dist/topojson-client.min.js", "ISC"
    ),
    # HeatMap, HeatMapWithTime: folium's wheel ships these very files in folium/templates
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js": _npm(
        "folium", "0.20", "templates/leaflet_heat.min.js", "BSD-2-Clause (Leaflet.heat, simpleheat)", origin="folium"
    ),
    _FOLIUM_GH + "pa7_hm.min.js": _npm(
        "folium", "0.20", "templates/pa7_hm.min.js", "MIT (heatmap.js)", origin="folium"
    ),
    _FOLIUM_GH + "pa7_leaflet_hm.min.js": _npm(
        "folium", "0.20", "templates/pa7_leaflet_hm.min.js", "MIT (heatmap.js)", origin="folium"
    ),
    # Fullscreen
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": _npm(
        "leaflet.fullscreen", "3.0.0", "Control.FullScreen.js", "MIT", _JSD_MIN
    ),
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": _npm(
        "leaflet.fullscreen", "3.0.0", "Control.FullScreen.css", "MIT"
    ),
    # MiniMap
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js": _npm(
        "leaflet-minimap", "3.6.1", "dist/Control.MiniMap.min.js", "BSD-2-Clause", "npm ships only the minified build"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.css": _npm(
        "leaflet-minimap", "3.6.1", "dist/Control.MiniMap.min.css", "BSD-2-Clause", "npm ships only the minified build"
    ),
    # MeasureControl
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js": _npm(
        "leaflet-measure", "2.1.7", "dist/leaflet-measure.min.js", "MIT", "byte-identical to the git tag 2.1.7"
    ),
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css": _npm(
        "leaflet-measure", "2.1.7", "dist/leaflet-measure.css", "MIT",
        "the tag has only dist/leaflet-measure.css (jsDelivr minifies it); byte-identical to the git tag 2.1.7",
    ),  # fmt: skip
    # Draw
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.js": _npm(
        "leaflet-draw", "1.0.2", "dist/leaflet.draw.js", "MIT"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.css": _npm(
        "leaflet-draw", "1.0.2", "dist/leaflet.draw.css", "MIT"
    ),
    # LocateControl
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-locatecontrol/0.66.2/L.Control.Locate.min.js": _npm(
        "leaflet.locatecontrol", "0.66.2", "dist/L.Control.Locate.min.js", "MIT"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-locatecontrol/0.66.2/L.Control.Locate.min.css": _npm(
        "leaflet.locatecontrol", "0.66.2", "dist/L.Control.Locate.min.css", "MIT"
    ),
    # MousePosition (unversioned GitHub URL: the npm packaging of the same plugin)
    "https://cdn.jsdelivr.net/gh/ardhi/Leaflet.MousePosition/src/L.Control.MousePosition.min.js": _npm(
        "leaflet-mouse-position", "1.2.0", "src/L.Control.MousePosition.js", "MIT",
        "npm packaging of ardhi/Leaflet.MousePosition (adds the formatter and wrapLng options, same API "
        "and byte-identical CSS); " + _JSD_MIN,
    ),  # fmt: skip
    "https://cdn.jsdelivr.net/gh/ardhi/Leaflet.MousePosition/src/L.Control.MousePosition.min.css": _npm(
        "leaflet-mouse-position", "1.2.0", "src/L.Control.MousePosition.css", "MIT", _JSD_MIN
    ),
    # Search
    "https://cdn.jsdelivr.net/npm/leaflet-search@2.9.7/dist/leaflet-search.min.js": _npm(
        "leaflet-search", "2.9.7", "dist/leaflet-search.min.js", "MIT"
    ),
    "https://cdn.jsdelivr.net/npm/leaflet-search@2.9.7/dist/leaflet-search.min.css": _npm(
        "leaflet-search", "2.9.7", "dist/leaflet-search.min.css", "MIT"
    ),
    # AntPath
    "https://cdn.jsdelivr.net/npm/leaflet-ant-path@1.1.2/dist/leaflet-ant-path.min.js": _npm(
        "leaflet-ant-path", "1.1.2", "dist/leaflet-ant-path.js", "MIT", "the package's (already minified) UMD build"
    ),
    # BeautifyIcon (unversioned GitHub URL)
    "https://cdn.jsdelivr.net/gh/marslan390/BeautifyMarker/leaflet-beautify-marker-icon.min.js": _npm(
        "beautifymarker", "1.0.9", "leaflet-beautify-marker-icon.js", "MIT",
        "byte-identical to the GitHub repository's master; " + _JSD_MIN,
    ),  # fmt: skip
    "https://cdn.jsdelivr.net/gh/marslan390/BeautifyMarker/leaflet-beautify-marker-icon.min.css": _npm(
        "beautifymarker", "1.0.9", "leaflet-beautify-marker-icon.css", "MIT",
        "byte-identical to the GitHub repository's master; " + _JSD_MIN,
    ),  # fmt: skip
    # FeatureGroupSubGroup
    "https://unpkg.com/leaflet.featuregroup.subgroup@1.0.2/dist/leaflet.featuregroup.subgroup.js": _npm(
        "leaflet.featuregroup.subgroup", "1.0.2", "dist/leaflet.featuregroup.subgroup.js", "BSD-2-Clause"
    ),
    # GroupedLayerControl
    _GLC + "leaflet.groupedlayercontrol.min.js": _npm(
        "leaflet-groupedlayercontrol", "0.6.1", "dist/leaflet.groupedlayercontrol.min.js", "MIT"
    ),
    _GLC + "leaflet.groupedlayercontrol.min.css": _npm(
        "leaflet-groupedlayercontrol", "0.6.1", "dist/leaflet.groupedlayercontrol.min.css", "MIT"
    ),
    # TreeLayerControl
    "https://cdn.jsdelivr.net/npm/leaflet.control.layers.tree@1.1.0/L.Control.Layers.Tree.min.js": _npm(
        "leaflet.control.layers.tree", "1.1.0", "L.Control.Layers.Tree.js", "BSD-3-Clause", _JSD_MIN
    ),
    "https://cdn.jsdelivr.net/npm/leaflet.control.layers.tree@1.1.0/L.Control.Layers.Tree.min.css": _npm(
        "leaflet.control.layers.tree", "1.1.0", "L.Control.Layers.Tree.css", "BSD-3-Clause", _JSD_MIN
    ),
    # PolyLineTextPath, PolyLineOffset, SemiCircle
    "https://cdn.jsdelivr.net/npm/leaflet-textpath@1.2.3/leaflet.textpath.min.js": _npm(
        "leaflet-textpath", "1.2.3", "leaflet.textpath.js", "MIT", _JSD_MIN
    ),
    "https://cdn.jsdelivr.net/npm/leaflet-polylineoffset@1.1.1/leaflet.polylineoffset.min.js": _npm(
        "leaflet-polylineoffset", "1.1.1", "leaflet.polylineoffset.js", "MIT", _JSD_MIN
    ),
    "https://cdn.jsdelivr.net/npm/leaflet-semicircle@2.0.4/Semicircle.min.js": _npm(
        "leaflet-semicircle", "2.0.4", "Semicircle.js", "ISC", _JSD_MIN
    ),
    # TimestampedGeoJson, TimestampedWmsTileLayers, HeatMapWithTime, Timeline
    "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js": _JQUERY,
    "https://cdnjs.cloudflare.com/ajax/libs/jqueryui/1.10.2/jquery-ui.min.js": _JQUERY_UI,
    "https://cdn.jsdelivr.net/npm/iso8601-js-period@0.2.1/iso8601.min.js": _ISO8601,
    _TD + "leaflet.timedimension.min.js": _TD_JS,
    _TD + "leaflet.timedimension.control.css": _TD_CSS,
    "https://cdnjs.cloudflare.com/ajax/libs/moment.js/2.18.1/moment.min.js": _MOMENT,
    "https://cdnjs.cloudflare.com/ajax/libs/highlight.js/8.4/styles/default.min.css": _HLJS_CSS,
    "https://cdn.jsdelivr.net/npm/leaflet.timeline@1.6.0/dist/leaflet.timeline.min.js": _npm(
        "leaflet.timeline", "1.6.0", "dist/leaflet.timeline.js", "ISC", "the package's (already minified) build"
    ),
    # folium.TopoJson
    "https://cdnjs.cloudflare.com/ajax/libs/topojson/1.6.9/topojson.min.js": _npm(
        "topojson", "1.6.9", "topojson.min.js", "BSD-3-Clause"
    ),
    # geomap's SaveImage (the map as a PNG, drawn in the browser)
    "https://cdn.jsdelivr.net/npm/html-to-image@1.11.13/dist/html-to-image.js": _npm(
        "html-to-image", "1.11.13", "dist/html-to-image.js", "MIT", "the package's (already minified) UMD build"
    ),
}  # fmt: skip

#: Absolute URLs inside bundled CSS: prefix -> (package, version, folder in the package).
CSS_URL_PREFIXES: dict[str, tuple[str, str, str]] = {
    "//netdna.bootstrapcdn.com/bootstrap/3.0.0/fonts/": ("twitter-bootstrap-3.0.0", "3.0.0", "dist/fonts/"),
}

# Leaflet's default marker icon (its three images are bundled beside dist/leaflet.css).
_LEAFLET_ICONS = {"iconUrl": "marker-icon.png", "iconRetinaUrl": "marker-icon-2x.png", "shadowUrl": "marker-shadow.png"}
_MIME = {
    "png": "image/png", "gif": "image/gif", "svg": "image/svg+xml", "jpg": "image/jpeg", "jpeg": "image/jpeg",
    "woff2": "font/woff2", "woff": "font/woff",
}  # fmt: skip


def _key(url: str) -> str:
    """The lookup form of a URL: scheme dropped (``https://x``, ``http://x`` and ``//x`` are one file)."""
    url = url.strip()
    for scheme in ("https:", "http:"):
        if url.lower().startswith(scheme):
            return url[len(scheme) :]
    return url


_BY_KEY = {_key(url): entry for url, entry in BUNDLED.items()}


def bundled(url: str) -> Bundled | None:
    """The bundled copy of a CDN URL, or None."""
    return _BY_KEY.get(_key(url))


# --- reading bundled files ---------------------------------------------------------------------


def _read(package: str, version: str, path: str, origin: str = "npm") -> bytes:
    if origin == "folium":
        try:
            return resources.files("folium").joinpath(*path.split("/")).read_bytes()
        except (FileNotFoundError, NotADirectoryError) as err:
            raise RenderError(f"folium's file folium/{path} is missing: reinstall folium (folium>=0.20,<0.21)") from err
    return read_static(f"vendor/{package}/{version}/{path}")


def _data_uri(data: bytes, path: str) -> str:
    ext = posixpath.splitext(path)[1].lstrip(".").lower()
    mime = _MIME.get(ext)
    if mime is None:
        raise RenderError(f"geomap cannot inline {path!r} as a data: URI (unknown type .{ext})")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


_SOURCE_MAP = re.compile(
    r"^[ \t]*(?://[#@][ \t]*sourceMappingURL=[^\n]*|/\*[#@][ \t]*sourceMappingURL=[^\n]*?\*/)[ \t]*$", re.M
)


def _strip_source_maps(text: str) -> str:
    """Drop ``sourceMappingURL`` comments: the maps are not bundled (dev tools would ask for them)."""
    return _SOURCE_MAP.sub("", text)


# --- CSS: url(...) references and @font-face sources -------------------------------------------

_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)""", re.I)
_FONT_FACE = re.compile(r"@font-face\s*\{([^{}]*)\}", re.I)
_FORMAT = re.compile(r"""format\(\s*["']?([\w-]+)["']?\s*\)""", re.I)


def _split_top(text: str, sep: str) -> list[str]:
    """Split at ``sep`` outside parentheses and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _font_kind(source: str) -> str:
    """``woff2``, ``woff``, ``truetype``... of one ``src`` item (its format(), else its extension)."""
    found = _FORMAT.search(source)
    if found:
        return found.group(1).lower()
    url = _URL.search(source)
    if url is None:
        return "local"
    ref = next(g for g in url.groups() if g is not None)
    return posixpath.splitext(re.split(r"[?#]", ref)[0])[1].lstrip(".").lower()


def _font_sources(value: str) -> str | None:
    """An ``@font-face`` ``src`` value with only its woff2 items (woff where there is none); None: drop it."""
    items = [item.strip() for item in _split_top(value, ",")]
    for wanted in ("woff2", "woff"):
        kept = [item for item in items if _font_kind(item) == wanted]
        if kept:
            return ",".join(kept)
    return None


def _font_face(match: re.Match[str]) -> str:
    declarations = []
    for declaration in _split_top(match.group(1), ";"):
        name, colon, value = declaration.partition(":")
        if colon and name.strip().lower() == "src":
            value = _font_sources(value)
            if value is None:
                continue
            declaration = f"{name}:{value}"
        declarations.append(declaration)
    return "@font-face{" + ";".join(declarations) + "}"


def _css_target(ref: str, package: str, version: str, path: str) -> tuple[str, str, str] | None:
    """The bundled file a CSS ``url()`` names: ``(package, version, path)``; None: leave it (data:, #id)."""
    if ref.startswith(("data:", "#")) or not ref:
        return None
    bare = re.split(r"[?#]", ref)[0]
    if bare.startswith(("http:", "https:", "//")):
        key = _key(bare)
        for prefix, (pkg, ver, folder) in CSS_URL_PREFIXES.items():
            if key.startswith(prefix):
                return pkg, ver, folder + key[len(prefix) :]
        raise RenderError(f"bundled stylesheet {package}@{version}/{path} refers to {ref!r}, which is not bundled")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(path), bare))
    if target.startswith("../") or target == "..":
        raise RenderError(f"bundled stylesheet {package}@{version}/{path} refers outside its package: {ref!r}")
    return package, version, target


def rewrite_css(text: str, package: str, version: str, path: str, resolve: Callable[[str, str, str], str]) -> str:
    """``text`` (the stylesheet ``package@version/path``) with font sources trimmed and each ``url()``
    replaced by ``url("<resolve(package, version, path)>")`` of the file it names (vendor.py uses this too).
    """
    text = _FONT_FACE.sub(_font_face, _strip_source_maps(text))

    def url(match: re.Match[str]) -> str:
        ref = next(g for g in match.groups() if g is not None).strip()
        target = _css_target(ref, package, version, path)
        return match.group(0) if target is None else f'url("{resolve(*target)}")'

    return _URL.sub(url, text)


def _data_uri_of(package: str, version: str, path: str) -> str:
    return _data_uri(_read(package, version, path), path)


# --- inline elements ---------------------------------------------------------------------------


def _banner(entry: Bundled) -> str:
    return f"/*! {entry.package}@{entry.version}/{entry.path} ({entry.license}), inlined by geomap.map.offline */"


@cache
def inline_html(url: str) -> str:
    """The inline ``<script>``/``<style>`` element(s) replacing the link to ``url`` (cached: files never change).

    Raises
    ------
    OfflineError
        ``url`` is not in :data:`BUNDLED`.
    """
    entry = bundled(url)
    if entry is None:
        raise OfflineError(f"geomap has no bundled copy of {url}")
    # One line-end style: a page written as bytes reads back the same as text (some files ship CRLF).
    text = _read(entry.package, entry.version, entry.path, entry.origin).decode("utf-8").replace("\r\n", "\n")
    if entry.kind == "css":
        css, moved = _share_fonts(rewrite_css(text, entry.package, entry.version, entry.path, _data_uri_of))
        out = f"<style>\n{_banner(entry)}\n{style_safe(css)}\n</style>"
        return out + "\n" + _moved_fonts_script(moved) if moved else out
    out = f"<script>\n{_banner(entry)}\n{script_safe(_strip_source_maps(text))}\n</script>"
    if entry.leaflet:
        out += "\n" + _leaflet_icons_script(entry)
    return out


_FONT_URI = re.compile(r'url\("data:font/[^"]*"\)')


def _share_fonts(css: str) -> tuple[str, list[list[str | int]]]:
    """Embed each font file once: ``(css, moved)``.

    Font Awesome declares each of its fonts under three families (6, 5 and the v4 ``FontAwesome``);
    inlined as is, a 150 kB font would be in the page three times. From the first ``@font-face``
    whose font is already embedded on, the rules are taken out of the stylesheet (their order kept)
    and ``moved`` lists them as pieces: text, or the index of a font ``url("data:...")`` of the
    stylesheet, which :func:`_moved_fonts_script` re-adds with the same data.
    """
    faces = list(_FONT_FACE.finditer(css))
    seen: set[str] = set()
    start = None
    for face in faces:
        uris = _FONT_URI.findall(face.group(0))
        if any(uri in seen for uri in uris):
            start = face
            break
        seen.update(uris)
    if start is None:
        return css, []
    moving = [face for face in faces if face.start() >= start.start()]
    kept = css
    for face in reversed(moving):
        kept = kept[: face.start()] + kept[face.end() :]
    index = {}
    for number, uri in enumerate(_FONT_URI.findall(kept)):
        index.setdefault(uri, number)
    moved: list[list[str | int]] = []
    for face in moving:
        rest, position = face.group(0), 0
        pieces: list[str | int] = []
        for uri in _FONT_URI.finditer(rest):
            pieces.append(rest[position : uri.start()])
            pieces.append(index.get(uri.group(0), uri.group(0)))
            position = uri.end()
        pieces.append(rest[position:])
        moved.append([piece for piece in pieces if piece != ""])
    return kept, moved


def _moved_fonts_script(moved: list[list[str | int]]) -> str:
    """Adds the ``@font-face`` rules :func:`_share_fonts` took out, right after their stylesheet."""
    faces = script_safe(json.dumps(moved, separators=(",", ":")))
    return (
        "<script>\n(function (style, faces) {\n"
        '    var fonts = style.textContent.match(/url\\("data:font\\/[^"]*"\\)/g) || [];\n'
        '    var extra = document.createElement("style");\n'
        "    extra.textContent = faces.map(function (face) {\n"
        '        return face.map(function (p) { return typeof p === "number" ? fonts[p] : p; }).join("");\n'
        '    }).join("\\n");\n'
        "    style.parentNode.insertBefore(extra, style.nextSibling);\n"
        f"}})(document.currentScript.previousElementSibling, {faces});\n"
        "</script>"
    )


def _leaflet_icons_script(entry: Bundled) -> str:
    """Leaflet's ``L.Icon.Default`` with its images as ``data:`` URIs.

    Leaflet finds the images from the computed ``background-image`` of ``.leaflet-default-icon-path``
    (a path it then cuts at ``marker-icon.png``), which a ``data:`` URI breaks: the default
    ``_getIconUrl`` is removed so that ``L.Icon``'s plain one reads the URLs from the options.
    """
    folder = posixpath.join(posixpath.dirname(entry.path), "images")
    options = ",".join(
        f'{option}:"{_data_uri_of(entry.package, entry.version, posixpath.join(folder, name))}"'
        for option, name in _LEAFLET_ICONS.items()
    )
    return (
        "<script>\n(function () {\n    var icon = L.Icon.Default;\n    delete icon.prototype._getIconUrl;\n"
        f"    icon.mergeOptions({{{options}}});\n}})();\n</script>"
    )


# --- the header and the hook -------------------------------------------------------------------

_RAW_LINK = re.compile(r"""\s*<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", re.I)


def _fix(url: str, name: str) -> str:
    return (
        f"geomap.map.offline has no bundled copy of {url} (linked by the element {name!r}), so the map would "
        "need the network. Fix: remove that element; or bundle the library (add it to "
        "geomap/map/vendor/package.json and to BUNDLED in geomap/map/offline.py, then run "
        "geomap/map/vendor/vendor.py); or call offline(m, strict=False) to keep the link."
    )


class OfflineHeader(Element):
    """A figure header that inlines every known ``JavascriptLink``/``CssLink`` (see :func:`offline`)."""

    strict = True

    def render(self, **kwargs: Any) -> str:
        out: list[str] = []
        inlined: set[str] = set()
        warned: set[str] = set()
        for name, child in self._children.items():
            if isinstance(child, (JavascriptLink, CssLink)):
                entry = bundled(child.url)
                if entry is None:
                    self._unknown(child.url, name, warned)
                    out.append(child.render(**kwargs))
                elif entry.static_path not in inlined:  # one copy of a file linked under two URLs
                    inlined.add(entry.static_path)
                    out.append(inline_html(child.url))
            else:
                html = child.render(**kwargs)
                raw = _RAW_LINK.match(html)
                if raw is not None:
                    self._unknown(raw.group(1), name, warned)
                out.append(html)
        return "".join(f"\n    {html}" for html in out)

    def _unknown(self, url: str, name: str, warned: set[str]) -> None:
        if self.strict:
            raise OfflineError(_fix(url, name))
        if url not in warned:
            warned.add(url)
            warnings.warn(_fix(url, name), OfflineWarning, stacklevel=2)


class _OfflineHook(Element):
    """Child of an offline map: re-installs the :class:`OfflineHeader` on whatever figure renders it."""

    def __init__(self, strict: bool) -> None:
        super().__init__()
        self._name = "OfflineHook"
        self._id = "geomap_offline"  # no random id: to_json() of the map stays the same across runs
        self.strict = strict

    def render(self, **kwargs: Any) -> str:
        root = self.get_root()
        if isinstance(root, Figure):
            _install(root, self.strict)
        return ""


class _RenderThenSave:
    """``save`` of a plain folium map made offline: render first (an error writes nothing), then write
    atomically to a path, or to a file object as branca does."""

    def __init__(self, element: Element) -> None:
        self.element = element

    def __call__(self, outfile: Any, close_file: bool = True, **kwargs: Any) -> None:
        html = self.element.get_root().render(**kwargs)
        if isinstance(outfile, (str, bytes, os.PathLike)):
            atomic_write_text(Path(os.fsdecode(outfile)), html)
            return
        outfile.write(html.encode("utf8"))
        if close_file:
            outfile.close()


def _install(figure: Figure, strict: bool) -> None:
    header = figure.header
    if not isinstance(header, OfflineHeader):
        new = OfflineHeader.__new__(OfflineHeader)
        new.__dict__.update(header.__dict__)  # same children (the same dict), name, id and parent
        figure.header = header = new
    header.strict = strict


def offline(m: T, *, strict: bool = True) -> T:
    """Make ``m`` (a ``folium.Map``, or any element of a figure) render self-contained; returns ``m``.

    Every library link of the page, whether its element was added before or after this call, is
    replaced by the bundled copy's inline ``<script>``/``<style>`` (table: :data:`BUNDLED`). Calling
    it again changes nothing (but ``strict``).

    Parameters
    ----------
    m
        The map (or figure) to make self-contained.
    strict
        True (default): a link to an unknown URL raises :class:`~geomap.errors.OfflineError` when the
        page is rendered (naming the URL and the element). False: such links are kept and each URL
        warns once (:class:`OfflineWarning`); the page then needs the network for them.
    """
    root = m.get_root()
    if isinstance(root, Figure):
        _install(root, strict)
        if "save" not in root.__dict__ and type(root).save is Element.save:
            root.save = _RenderThenSave(root)  # type: ignore[method-assign]
    if not isinstance(m, Figure):
        m.add_child(_OfflineHook(strict), name="geomap_offline")
        if "save" not in m.__dict__ and type(m).save is Element.save:
            m.save = _RenderThenSave(m)  # type: ignore[method-assign]
    return m


def static_files() -> list[str]:
    """Every file under ``static/`` that the table needs: the bundled copies and the files their CSS
    names (fonts, images) and Leaflet's icons; what ``vendor.py`` copies and the tests check."""
    files: set[str] = set()

    def record(package: str, version: str, path: str) -> str:
        files.add(f"vendor/{package}/{version}/{path}")
        return ""

    for entry in BUNDLED.values():
        if entry.origin == "folium":
            continue
        record(entry.package, entry.version, entry.path)
        if entry.kind == "css":
            text = _read(entry.package, entry.version, entry.path).decode("utf-8")
            rewrite_css(text, entry.package, entry.version, entry.path, record)
        if entry.leaflet:
            for name in _LEAFLET_ICONS.values():
                record(entry.package, entry.version, posixpath.join(posixpath.dirname(entry.path), "images", name))
    return sorted(files)


def packages() -> list[tuple[str, str, str]]:
    """``(package, version, licence)`` of every bundled package, sorted (for the notices)."""
    return sorted({(e.package, e.version, e.license) for e in BUNDLED.values()})
