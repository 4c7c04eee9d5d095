"""The records that flow between pipeline steps, built in one place and frozen."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Place", "Article", "Match", "Toponym", "ADMIN_KINDS", "POPULATED_KINDS", "MARINE_KINDS", "PHYSICAL_KINDS"]

#: Kinds that name an area rather than a point: drawn as areas, preferred after "X province".
ADMIN_KINDS = frozenset({"continent", "region", "country", "province", "district"})
#: Kinds that people live in: the default reading of a bare name ("Idlib" is the city).
POPULATED_KINDS = frozenset({"city", "town", "village", "camp", "neighbourhood"})
#: Bodies of sea water (Natural Earth's marine areas, :mod:`geomap.gazetteer.naturalearth`).
MARINE_KINDS = frozenset({"ocean", "sea", "gulf", "bay", "strait"})
#: Physical features: areas (or lines) that are neither administrative nor lived in.
PHYSICAL_KINDS = MARINE_KINDS | {
    "lake", "river", "canal", "mountain range", "desert", "plateau", "peninsula", "plain", "basin", "valley",
    "delta", "wetland",
}  # fmt: skip


@dataclass(frozen=True)
class Place:
    """One gazetteer entry: a place with coordinates (GeoNames id where it has one)."""

    id: str
    name: str
    kind: str
    country: str
    lat: float
    lon: float
    admin1: str = ""
    population: int = 0
    source: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """One news article. ``text`` is what offsets refer to (for a .txt file: the whole file)."""

    id: str
    title: str
    text: str
    date: str | None = None
    url: str | None = None
    source: str | None = None
    path: str | None = None
    locale: str | None = None  # the source's language/locale ("en-US", "fr"): how it writes 04/03/2020


@dataclass(frozen=True)
class Match:
    """A span of the text that matched a gazetteer name (output of :mod:`geomap.parse.extract`)."""

    start: int
    end: int
    surface: str
    type: str  # "place" or "demonym"
    place_ids: tuple[str, ...]


@dataclass(frozen=True)
class Toponym:
    """A resolved mention (output of :mod:`geomap.parse.resolve`)."""

    start: int
    end: int
    surface: str
    type: str
    place: Place | None
    confidence: float
    reason: str
    relation: str = ""
