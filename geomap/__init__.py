"""geomap: find the places in news articles and map them, offline.

The pipeline, one module per step: :mod:`~geomap.sources` (read articles) ->
:mod:`~geomap.extract` (find mentions) -> :mod:`~geomap.resolve` (pick the place) ->
:mod:`~geomap.events` (the table) -> :mod:`~geomap.render` (the map) / :mod:`~geomap.export`;
:mod:`~geomap.store` keeps the rows between runs so that re-runs only parse new articles.
"""

from geomap.api import (
    BuildReport,
    build_events,
    build_map,
    events_for,
    export,
    extract,
    geoparse,
    load_gazetteer,
    parse_articles,
)  # fmt: skip
from geomap.errors import GazetteerError, GeomapError, RenderError, SourceError
from geomap.model import Article, Match, Place, Toponym
from geomap.sources import read_articles

__version__ = "0.1.0"

__all__ = [
    "Article", "BuildReport", "GazetteerError", "GeomapError", "Match", "Place", "RenderError", "SourceError",
    "Toponym", "build_events", "build_map", "events_for", "export", "extract", "geoparse", "load_gazetteer",
    "parse_articles", "read_articles",
]  # fmt: skip
