"""The gazetteer: which names are places, where those places are, and where that knowledge comes from.

* :mod:`~geomap.gazetteer.index`: the in-memory index the parser matches against (entries, case
  rules, the Aho-Corasick automaton, the span index of the compiled store);
* :mod:`~geomap.gazetteer.curated`: the curated TSV files under ``gazetteer/`` (reviewed by hand);
* :mod:`~geomap.gazetteer.world`: the compiled world store in the cache folder (SQLite + automaton);
* one reader per data source the world store is compiled from: :mod:`~geomap.gazetteer.registry`
  (the GeoNames-derived registry packages), :mod:`~geomap.gazetteer.adminareas` (points and areas of
  countries and first-level divisions), :mod:`~geomap.gazetteer.naturalearth` (seas, lakes, rivers,
  ranges, deserts), :mod:`~geomap.gazetteer.airports` (airportsdata), and the user's imports:
  :mod:`~geomap.gazetteer.geonames` (GeoNames dumps) and :mod:`~geomap.gazetteer.osm` (OpenStreetMap
  extracts); :mod:`~geomap.gazetteer.frequency` keeps the names' English word frequencies.

The names below are the ones other layers use; import them from here.
"""

from geomap.gazetteer.curated import (
    KINDS,
    PLACE_COLUMNS,
    CuratedData,
    GazetteerDirs,
    builtin_dir,
    curated_dirs,
    curated_files,
    load_abbreviations,
    load_curated,
    load_demonyms,
    load_exclusions,
    load_places,
    read_curated,
)
from geomap.gazetteer.index import (
    ENTRY_ABBREVIATION,
    ENTRY_DEMONYM,
    ENTRY_EXCLUDE,
    ENTRY_PLACE,
    Entry,
    Gazetteer,
    HitRules,
    SpanIndex,
    case_allows,
    case_pattern,
    iter_span_rows,
    name_entries,
    span_rows,
)

__all__ = [
    "Entry",
    "Gazetteer",
    "HitRules",
    "SpanIndex",
    "span_rows",
    "iter_span_rows",
    "name_entries",
    "case_pattern",
    "case_allows",
    "ENTRY_PLACE",
    "ENTRY_DEMONYM",
    "ENTRY_EXCLUDE",
    "ENTRY_ABBREVIATION",
    "KINDS",
    "PLACE_COLUMNS",
    "GazetteerDirs",
    "CuratedData",
    "builtin_dir",
    "curated_dirs",
    "curated_files",
    "read_curated",
    "load_places",
    "load_demonyms",
    "load_exclusions",
    "load_abbreviations",
    "load_curated",
]
