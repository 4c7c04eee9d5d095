"""Built-in data files (package data): the recognition model, and the curated gazetteer as ``geomap.data.gazetteer``."""
