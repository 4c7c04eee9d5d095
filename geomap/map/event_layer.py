"""geomap's event layer as a folium element: every mention of every place, with its article snippets.

Why one element and not one folium ``Marker`` per place: a busy month is 100k mentions, and folium
builds ~1 kB of generated JavaScript per marker (a minute and 60 MB at 100k). The layer instead
embeds the events as compact gzipped blocks (:mod:`geomap.map.payload`) and the page's own library
(``static/geomap/events.js``) builds markers, clusters, area shapes and popups in the browser.
Article text reaches the page as JSON inside base64 and the DOM only through ``textContent``.

Example
-------
>>> import folium, geomap                                            # doctest: +SKIP
>>> m = folium.Map(tiles=None)                                       # doctest: +SKIP
>>> geomap.EventLayer(geomap.build_events(articles, gaz)).add_to(m)  # doctest: +SKIP
>>> geomap.offline(m).save("map.html")                              # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from folium.map import Layer
from folium.template import Template

from geomap.map.element import (
    MARKERCLUSTER_CSS,
    MARKERCLUSTER_JS,
    GeomapElement,
    content_id,
)
from geomap.map.event_list import EventList
from geomap.map.heatmap import EventHeatmap
from geomap.map.legend import Legend
from geomap.map.payload import Aliases, Blocks, encode_table
from geomap.map.search import SearchBox
from geomap.map.time_filter import TimeFilter

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EventLayer", "GEONAMES_ATTRIBUTION"]

GEONAMES_ATTRIBUTION = (
    'Places: <a href="https://www.geonames.org/">GeoNames</a> '
    '(<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>)'
)


class EventLayer(GeomapElement, Layer):
    """Clustered place markers with snippet popups, area shapes, and (by keyword) heatmap, search, legend, dates,
    event list.

    Parameters
    ----------
    events
        The events table (:data:`geomap.events.EVENT_COLUMNS`; one row per mention). Rows of
        ``type == "demonym"`` or without coordinates are left off. With an ``event_type`` column,
        markers are coloured and filtered by event type, else by place ``kind``.
    name
        The layer's name in a ``folium.LayerControl``.
    boundaries
        Draw countries and provinces as their areas (Natural Earth shapes); ``False``: as pins.
    cluster, popups, heatmap, search, legend, time_filter, event_list
        Switch each part off with ``False``. The heatmap is a layer of its own (shown from the
        layer control; added to the map with this layer by :meth:`add_to`); search box, legend,
        date filter and event list (the events in view, newest first, synced with the map) are
        :class:`~geomap.map.search.SearchBox`, :class:`~geomap.map.legend.Legend`,
        :class:`~geomap.map.time_filter.TimeFilter` and :class:`~geomap.map.event_list.EventList`,
        usable one by one.
    fit_bounds
        Zoom the map to the events once they are drawn: to the places where something happened
        (statements and mere mentions count only when nothing else is on the map), with a margin.
    permalink
        Keep the view, the filters and the open popup in the page's URL hash (``#map=7/35.9/36.6&...``),
        and restore them when the page is opened with one, so a reader can send a view.
    show, control
        As for any folium layer: shown at first, listed in the layer control.
    aliases
        Place id -> other names of the place (e.g. ``{"169389": ["Idleb"]}``), which the search box
        finds as well as the names in the table.
    """

    _template = Template(
        "{% macro html(this, kwargs) %}"
        '<script type="application/gzip+base64" class="geomap-events" id="{{ this.get_name() }}_data">'
        "{{ this.data_text }}</script>"
        "{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = L.featureGroup([], {{ this.layer_options|tojson }});\n"
        "var {{ this.get_name() }}_api = geomap.eventLayer({{ this._parent.get_name() }}, {{ this.get_name() }}, "
        "{{ (this.get_name() ~ '_data')|tojson }}, {{ this.options|tojson }});\n"
        "{% endmacro %}"
    )
    default_js = MARKERCLUSTER_JS
    default_css = MARKERCLUSTER_CSS

    def __init__(
        self,
        events: pd.DataFrame | None = None,
        *,
        name: str = "Events",
        title: str = "geomap",
        boundaries: bool = True,
        cluster: bool = True,
        popups: bool = True,
        heatmap: bool = True,
        search: bool = True,
        legend: bool = True,
        time_filter: bool = True,
        event_list: bool = True,
        fit_bounds: bool = True,
        permalink: bool = True,
        show: bool = True,
        control: bool = True,
        blocks: Blocks | None = None,
        aliases: Aliases | None = None,
    ) -> None:
        super().__init__(name=name, overlay=True, control=control, show=show)
        if (events is None) == (blocks is None):
            raise TypeError("EventLayer needs either an events table or encoded blocks (not both).")
        self._name = "EventLayer"
        if blocks is None:
            blocks = encode_table(events, title=title, boundaries=boundaries, aliases=aliases)
        self.blocks = blocks
        self.data_text = "\n".join([self.blocks.head, self.blocks.areas, *self.blocks.parts])
        self.options = {
            "cluster": cluster, "areas": boundaries, "popups": popups, "fitBounds": fit_bounds, "permalink": permalink,
        }  # fmt: skip
        self.layer_options = {"attribution": GEONAMES_ATTRIBUTION}
        self._id = content_id(self._name, name, self.options, self.data_text)
        self.heatmap = EventHeatmap(self) if heatmap else None
        parts = ((search, SearchBox), (legend, Legend), (time_filter, TimeFilter), (event_list, EventList))
        for wanted, part in parts:
            if wanted:
                self.add_child(part(self))

    @property
    def bounds(self) -> list[list[float]] | None:
        """``[[south, west], [north, east]]`` of the events (None for an empty table)."""
        return self.blocks.bounds

    def add_to(self, parent: Any, name: str | None = None, index: int | None = None) -> EventLayer:
        """Add the layer, and its heatmap layer beside it, to a map (so a ``LayerControl`` lists both)."""
        super().add_to(parent, name=name, index=index)
        if self.heatmap is not None:
            parent.add_child(self.heatmap)
        return self
