"""What geomap's folium elements share: their library links, geomap's own code, deterministic names.

folium elements declare the libraries they need as ``default_js``/``default_css`` ``(name, url)``
pairs, which folium turns into ``<script src>``/``<link>`` tags in the page header, one per name.
geomap's elements do the same for third-party libraries (so :func:`geomap.map.offline.offline` can
inline them, and a page that mixes geomap and folium plugins loads each library once), and inline
geomap's own ``events.js``/``events.css`` once per page: that code is on no CDN.

folium names elements ``<class>_<random hex>``, so the same map renders differently on every run.
geomap's elements get ids derived from their content (:func:`content_id`) instead, and the page is
byte-identical for the same inputs.
"""

from __future__ import annotations

import hashlib
from typing import Any

from branca.element import Element
from folium.elements import JSCSSMixin
from folium.template import Template

from geomap.map.assets import inline_script, inline_style

__all__ = [
    "LEAFLET_HEAT_JS",
    "MARKERCLUSTER_CSS",
    "MARKERCLUSTER_JS",
    "TOPOJSON_CLIENT_JS",
    "AttachedControl",
    "GeomapElement",
    "check_position",
    "content_id",
]

# Same names as folium's own plugins use for the same libraries: a page loads each library once.
MARKERCLUSTER_JS = [
    ("markerclusterjs", "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js"),
]
MARKERCLUSTER_CSS = [
    ("markerclustercss", "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/MarkerCluster.css"),
    (
        "markerclusterdefaultcss",
        "https://cdn.jsdelivr.net/npm/leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css",
    ),
]
LEAFLET_HEAT_JS = [
    (
        "leaflet-heat.js",
        "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js",
    ),
]
TOPOJSON_CLIENT_JS = [
    ("topojson-client", "https://cdn.jsdelivr.net/npm/topojson-client@3.1.0/dist/topojson-client.min.js")
]


def content_id(*parts: Any) -> str:
    """A 16-hex-digit element id from what the element shows: same content, same id, same bytes."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(str(part).encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:16]


class GeomapElement(JSCSSMixin):
    """A folium element that also puts geomap's own script and style in the page header, once.

    The library (``static/geomap/events.js``) touches Leaflet only when an element calls it, so its
    place in the header relative to Leaflet's ``<script>`` does not matter.
    """

    def render(self, **kwargs: Any) -> None:
        header = self.get_root().header
        header.add_child(Element(inline_style("geomap/events.css")), name="geomap_css")
        header.add_child(Element(inline_script("geomap/events.js")), name="geomap_js")
        super().render(**kwargs)


class AttachedControl(GeomapElement):
    """A control that works on an :class:`~geomap.map.event_layer.EventLayer`: legend, search box, time filter.

    It calls ``geomap.<js_function>(api, position)`` in the page, once the layer's data is drawn.
    Add it to the map (or let ``EventLayer(search=True, ...)`` add it for you).

    Parameters
    ----------
    layer
        The :class:`~geomap.map.event_layer.EventLayer` it works on.
    position
        Map corner: ``"topleft"``, ``"topright"``, ``"bottomleft"`` or ``"bottomright"``; each control
        has its own default.
    """

    _js_function = ""  # the function of static/geomap/events.js that builds it
    default_position = "topleft"
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "geomap.{{ this._js_function }}({{ this.layer.get_name() }}_api, {{ this.position|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, layer: Any, *, position: str | None = None) -> None:
        super().__init__()
        position = check_position(position or self.default_position)
        self._name = type(self).__name__
        self.layer = layer
        self.position = position
        self._id = content_id(self._name, layer.get_name(), position)


POSITIONS = frozenset({"topleft", "topright", "bottomleft", "bottomright"})


def check_position(position: str) -> str:
    """``position`` if it is a Leaflet map corner, else a ValueError naming the choices."""
    if position not in POSITIONS:
        raise ValueError(f"Expected position to be one of {sorted(POSITIONS)}, instead got: {position!r}.")
    return position
