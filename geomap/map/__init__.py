"""The map: geomap's folium elements, the page they make, and the files they bundle.

* :mod:`~geomap.map.page`: :func:`events_map`, the ``folium.Map`` that ``geomap build`` writes;
* folium elements, one module each: :class:`EventLayer` (markers, clusters, areas, popups),
  :class:`EventHeatmap`, :class:`Legend`, :class:`SearchBox`, :class:`TimeFilter`, :class:`MapTitle`,
  :class:`EventList` (the events in view), :class:`SaveImage` (the view as a PNG), :class:`VectorBasemap`
  (offline Natural Earth basemap);
* :func:`offline` (:mod:`~geomap.map.offline`): makes any folium map self-contained;
* :mod:`~geomap.map.policy`: the Content-Security-Policy and generator ``<meta>`` of geomap's pages;
* :mod:`~geomap.map.payload`: the events table as the compact data blocks the page draws from;
* :mod:`~geomap.map.shapes`: Natural Earth countries and provinces as shapely shapes;
* :mod:`~geomap.map.assets`: the bundled files in ``static/`` (read as package data).

The map never imports the parsing steps: it takes an events table (or encoded blocks).
"""

from geomap.map.basemap import VectorBasemap
from geomap.map.event_layer import EventLayer
from geomap.map.event_list import EventList
from geomap.map.heatmap import EventHeatmap
from geomap.map.legend import Legend
from geomap.map.offline import offline
from geomap.map.page import GeomapMap, events_map, map_from_blocks, render_map, save_map
from geomap.map.save_image import SaveImage
from geomap.map.search import SearchBox
from geomap.map.time_filter import TimeFilter
from geomap.map.title import MapTitle

__all__ = [
    "EventHeatmap", "EventLayer", "EventList", "GeomapMap", "Legend", "MapTitle", "SaveImage", "SearchBox",
    "TimeFilter", "VectorBasemap", "events_map", "map_from_blocks", "offline", "render_map", "save_map",
]  # fmt: skip
