"""The offline basemap as a folium layer: Natural Earth land, country borders and admin-1 lines.

Why: a map opened without network must still show where things are. Tile layers need the network;
this basemap is drawn on a canvas from about 0.8 MB of embedded TopoJSON (Natural Earth 1:50m
countries, 1:10m first-level divisions of the countries the events are in; public domain), so the
page works from a file. Online tile layers can sit beside it as other base layers.
"""

from __future__ import annotations

from collections.abc import Iterable

from folium.map import Layer
from folium.template import Template

from geomap.map.element import TOPOJSON_CLIENT_JS, GeomapElement, content_id
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
    ) -> None:
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "VectorBasemap"
        self.block = block if block is not None else encoded_basemap(tuple(sorted(set(countries))))
        self.options = {"admin1": True}
        self.layer_options = {"attribution": NATURAL_EARTH_ATTRIBUTION}
        self._id = content_id(self._name, name, self.block)
