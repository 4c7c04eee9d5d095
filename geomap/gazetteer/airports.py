"""Airports and air bases for the world gazetteer, from the ``airportsdata`` package (MIT).

Why: wars are fought over airports and air bases, and news names them ("Kabul International
Airport", "Al Asad Air Base", "Hostomel Airport", "RAF Akrotiri"); GeoNames' cities500 has none of
them, so "Donetsk International Airport" was read as the city of Donetsk, 10 km off and of the wrong
kind. airportsdata lists some 28,000 airports and landing strips with ICAO and IATA codes, names,
the city they serve, the country (ISO 3166-1 alpha-2) and coordinates.

Which rows: those a news writer would name, as the place they are:

* the name says what the place is (Airport, Airfield, Air Base, Air Force Base, Aerodrome, ...; or
  the prefix of a military station, "RAF Akrotiri"): a name without such a word ("Zaliv Kresta",
  "Ganzhou") would take the bare town name from the town;
* not a heliport, and not marked closed or abandoned;
* an IATA code (airlines fly there), a military name, or a registered four-letter ICAO location
  indicator (Hostomel Airport has no IATA code); the rest have identifiers with digits: US private
  strips ("Aero B Ranch Airport"), and a few fields with provisional codes (Syria's Mezze).

Names (see :func:`airport_forms`): the name; the name without "International" ("Kabul Airport");
"<city> airport" for an airport with an IATA code whose city the data gives ("Kyiv airport"); "Air
Base" also written "airbase", "Air Force Base" also "AFB"; and each of these with the generic words
in lower case as news writes them ("Kabul international airport"). Never the bare city name (that
would take "Kabul" from the city) and never the bare IATA or ICAO code (three capitals match
acronyms and words: "DAM", "BEY").

Place ids are ``icao:<code>`` (airportsdata has no GeoNames ids); kinds ``airport`` or ``military
base`` (:data:`geomap.gazetteer.curated.KINDS`); source :data:`SOURCE`. Curated rows take precedence
by their bonus in resolution (the curated Khmeimim Air Base is not an airportsdata row at all). Read
only when the world store is compiled (:mod:`geomap.gazetteer.world`); the store's digest covers the
package's version, not the rules here: bump ``world._FORMAT`` when changing them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from geomap.model import Place

__all__ = ["SOURCE", "airport_places", "airport_place", "airport_forms"]

#: The ``source`` of every place read here.
SOURCE = "airportsdata"

_AVIATION = re.compile(
    r"\b(?:Airport|Airfield|Air ?Field|Air ?Base|Air Force (?:Base|Station)|Air Station|Aerodrome|Airstrip|Airpark"
    r"|Air Park|Field|AFB|Naval Air Facility)\b",
    re.I,
)
_MILITARY = re.compile(
    r"\b(?:Air ?Base|AFB|Air Force|Army|Naval|Navy|Military|Marine Corps|Air Station)\b"
    r"|^(?:RAF|CFB|RNAS|RAAF|NAS|MCAS|JB)\s",
    re.I,
)
_CLOSED = re.compile(r"\b(?:heliport|helipad|helidrome|closed|abandoned|disused)\b", re.I)
_ICAO = re.compile(r"[A-Z]{4}")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_CITY = re.compile(r"[^\W\d_][^\d()/,]*")  # a city name: no codes, brackets or lists ("Sarir (C-4)")
_INTERNATIONAL = re.compile(r"\s+International(?=\s)")
#: The generic words at the end of a name, which news writes in lower case as often as not.
_GENERIC_TAIL = re.compile(
    r"(?:\s+(?:International|Airport|Airfield|Airbase|Aerodrome|Airstrip|Air Base|Air Field|Air Station"
    r"|Air Force Base))+$"
)


def airport_places() -> Iterator[Place]:
    """The airports and air bases a news writer would name, as places (see the module docstring).

    Rows come in the package's order (by ICAO code), so the compiled store is the same on every run.
    """
    import airportsdata

    for row in airportsdata.load("ICAO").values():
        place = airport_place(row)
        if place is not None:
            yield place


def airport_place(row: Mapping[str, object]) -> Place | None:
    """One airportsdata row as a :class:`~geomap.model.Place`, or None when it is not kept.

    ``row``: a value of ``airportsdata.load()`` (keys ``icao``, ``iata``, ``name``, ``city``,
    ``country``, ``subd``, ``lat``, ``lon``).
    """
    name = str(row["name"]).strip().rstrip(".")
    icao, iata = str(row["icao"]), str(row["iata"])
    if not (_AVIATION.search(name) or _MILITARY.search(name)) or _CLOSED.search(name):
        return None
    military = bool(_MILITARY.search(name))
    if not (iata or military or _ICAO.fullmatch(icao)):
        return None
    city = str(row["city"]).strip() if iata and not military else ""  # Al Asad Air Base is not Hit's airport
    forms = airport_forms(name, city=city)
    return Place(
        id=f"icao:{icao}",
        name=name,
        kind="military base" if military else "airport",
        country=str(row["country"]),
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        admin1=str(row["subd"]),
        source=SOURCE,
        aliases=tuple(form for form in forms if form != name),
    )


def airport_forms(name: str, *, city: str = "") -> list[str]:
    """Every written form of an airport's name that should find it, the name first.

    ``city``: the city an airport with an IATA code serves, for "<city> airport" (empty: none).

    >>> airport_forms("Kabul International Airport", city="Kabul")
    ['Kabul International Airport', 'Kabul Airport', 'Kabul international airport', 'Kabul airport']
    >>> airport_forms("Al Asad Air Base")
    ['Al Asad Air Base', 'Al Asad Airbase', 'Al Asad air base', 'Al Asad airbase']
    """
    forms = [name]
    plain = _PARENTHESES.sub("", name).strip()  # "Be'er Sheva (Teyman) Airport" is written without the brackets
    forms.append(plain)
    forms.append(_INTERNATIONAL.sub("", plain))
    if _CITY.fullmatch(city):
        forms.append(f"{city} Airport")
    for form in list(forms):
        forms += _spellings(form)
    forms += [_lower_tail(form) for form in forms]
    return [form for form in dict.fromkeys(forms) if _AVIATION.search(form) or _MILITARY.search(form)]


def _spellings(form: str) -> list[str]:
    """The other usual spellings of a military name: "Air Base"/"Airbase", "Air Force Base"/"AFB"."""
    spelled = []
    if form.endswith(" Air Base"):
        spelled.append(form[: -len("Air Base")] + "Airbase")
    if form.endswith(" Airbase"):
        spelled.append(form[: -len("Airbase")] + "Air Base")
    if form.endswith(" Air Force Base"):
        spelled.append(form[: -len("Air Force Base")] + "AFB")
    return spelled


def _lower_tail(form: str) -> str:
    """``form`` with its generic last words in lower case: case rules then accept either case there."""
    return _GENERIC_TAIL.sub(lambda found: found.group(0).lower(), form)
