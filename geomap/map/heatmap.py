"""The heatmap of an EventLayer: one layer of its own, so a ``LayerControl`` switches it on and off."""

from __future__ import annotations

from typing import Any

from folium.map import Layer
from folium.template import Template

from geomap.map.element import LEAFLET_HEAT_JS, GeomapElement, content_id

__all__ = ["EventHeatmap"]


class EventHeatmap(GeomapElement, Layer):
    """Mentions per place as heat (log-scaled), following the layer's legend and date filters.

    Parameters
    ----------
    layer
        The :class:`~geomap.map.event_layer.EventLayer` whose mentions it shows.
    name, show
        Its name in the layer control, and whether it is on at first (off: the markers say more).
    radius, blur, min_opacity
        Leaflet.heat's options.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = L.heatLayer([], {{ this.options|tojson }});\n"
        "geomap.heatmap({{ this.layer.get_name() }}_api, {{ this.get_name() }});\n"
        "{% endmacro %}"
    )
    default_js = LEAFLET_HEAT_JS

    def __init__(
        self,
        layer: Any,
        *,
        name: str = "Heatmap",
        show: bool = False,
        radius: int = 28,
        blur: int = 16,
        min_opacity: float = 0.45,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "EventHeatmap"
        self.layer = layer
        self.options = {"radius": radius, "blur": blur, "minOpacity": min_opacity}
        self._id = content_id(self._name, layer.get_name(), name, self.options)
