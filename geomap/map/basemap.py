"""The offline basemap as a folium layer: Natural Earth land, country borders and admin-1 lines, place labels.

Why: a map opened without network must still show where things are. Tile layers need the network;
this basemap is drawn on a canvas from about 0.8 MB of embedded TopoJSON (Natural Earth 1:50m
countries, 1:10m first-level divisions of the countries the events are in; public domain), so the
page works from a file. Online tile layers can sit beside it as other base layers.

Place labels (country names, capitals and large cities, seas and rivers; :mod:`geomap.map.labels`)
are drawn over the land and under the events, at the zooms where they fit and without overlapping;
they cost a page about 110 kB (the label data once, and ``labels.js``). ``labels=False`` leaves them out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from branca.element import Element
from folium.map import Layer
from folium.template import Template

from geomap.map.element import TOPOJSON_CLIENT_JS, GeomapElement, content_id
from geomap.map.labels import LABELS_ATTRIBUTION, LABELS_ID, labels_data_element, labels_script_element
from geomap.map.payload import encoded_basemap

__all__ = ["VectorBasemap", "NATURAL_EARTH_ATTRIBUTION"]

NATURAL_EARTH_ATTRIBUTION = '<a href="https://www.naturalearthdata.com/">Natural Earth</a> (public domain)'


class VectorBasemap(GeomapElement, Layer):
    """Natural Earth countries (and admin-1 borders of ``countries``) as an offline base layer.

    Parameters
    ----------
    countries
        ISO 3166-1 alpha-2 codes whose first-level divisions (provinces, governorates) are outlined.
    name
        Its name in a ``folium.LayerControl``.
    overlay, show, control
        As for any folium layer. A base layer by default (``overlay=False``), shown at first.
    block
        Already encoded data (:func:`geomap.map.payload.build_basemap`, encoded): what an
        incremental build passes instead of ``countries``.
    labels
        Draw place labels (True, default): country names, capitals and cities, seas, rivers, under
        the events. False: land and borders only (the page is about 110 kB smaller).

    Examples
    --------
    >>> import folium                                                   # doctest: +SKIP
    >>> m = folium.Map(location=[35, 38], zoom_start=6, tiles=None)     # doctest: +SKIP
    >>> VectorBasemap(["SY"]).add_to(m)                                 # doctest: +SKIP
    >>> VectorBasemap(["SY"], labels=False).add_to(other_map)           # doctest: +SKIP
    """

    _template = Template(
        "{% macro html(this, kwargs) %}"
        '<script type="application/gzip+base64" class="geomap-basemap" id="{{ this.get_name() }}_data">'
        "{{ this.block }}</script>"
        "{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = geomap.vectorBasemap({{ this._parent.get_name() }}, "
        "L.layerGroup([], {{ this.layer_options|tojson }}), {{ (this.get_name() ~ '_data')|tojson }}, "
        "{{ this.options|tojson }});\n"
        "{% if this.labels %}geomap.placeLabels({{ this._parent.get_name() }}, {{ this.get_name() }}, "
        "{{ this.labels_id|tojson }}, {{ this.label_options|tojson }});\n{% endif %}"
        "{% endmacro %}"
    )
    default_js = TOPOJSON_CLIENT_JS

    def __init__(
        self,
        countries: Iterable[str] = (),
        *,
        name: str = "Offline basemap (Natural Earth)",
        overlay: bool = False,
        show: bool = True,
        control: bool = True,
        block: str | None = None,
        labels: bool = True,
    ) -> None:
        if not isinstance(labels, bool):
            raise TypeError(f"Expected labels to be True or False, instead got: {labels!r}.")
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "VectorBasemap"
        self.block = block if block is not None else encoded_basemap(tuple(sorted(set(countries))))
        self.options = {"admin1": True}
        self.labels = labels
        self.labels_id = LABELS_ID
        self.label_options: dict[str, Any] = {}
        attribution = NATURAL_EARTH_ATTRIBUTION + ("; " + LABELS_ATTRIBUTION if labels else "")
        self.layer_options = {"attribution": attribution}
        self._id = content_id(self._name, name, self.block, "labels" if labels else "")

    def render(self, **kwargs: Any) -> None:
        """Render as any geomap element; with labels, ``labels.js`` (after ``events.js``) and the
        label data join the page header, once per page."""
        super().render(**kwargs)
        if self.labels:
            header = self.get_root().header
            header.add_child(Element(labels_script_element()), name="geomap_labels_js")
            header.add_child(Element(labels_data_element()), name="geomap_labels_data")
