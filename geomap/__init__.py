"""geomap: find the places in news articles and map them, offline.

The pipeline, one module per step: :mod:`~geomap.sources` (read articles) ->
:mod:`~geomap.parse.extract` (find mentions) -> :mod:`~geomap.parse.resolve` (pick the place) ->
:mod:`~geomap.events` (the table) -> :mod:`~geomap.map` (the folium map) / :mod:`~geomap.export`;
:mod:`~geomap.store` keeps the rows between runs so that re-runs only parse new articles.
"""

from geomap.api import (
    BuildReport,
    build_events,
    build_map,
    events_for,
    export,
    extract,
    folium_map,
    geoparse,
    load_gazetteer,
    parse_articles,
)  # fmt: skip
from geomap.errors import GazetteerError, GeomapError, RenderError, SourceError
from geomap.events.dedup import distinct_events
from geomap.geo import to_geodataframe
from geomap.geocode import LocalGeocoder
from geomap.map import EventLayer, EventList, SearchBox, TimeFilter, VectorBasemap, offline
from geomap.model import Article, Match, Place, Toponym
from geomap.sources import read_articles

__version__ = "0.1.0"

__all__ = [
    "Article", "BuildReport", "EventLayer", "EventList", "GazetteerError", "GeomapError", "LocalGeocoder", "Match",
    "Place", "RenderError", "SearchBox", "SourceError", "TimeFilter", "Toponym", "VectorBasemap", "build_events",
    "build_map", "distinct_events", "events_for", "export", "extract", "folium_map", "geoparse", "load_gazetteer",
    "offline", "parse_articles", "read_articles", "to_geodataframe",
]  # fmt: skip
