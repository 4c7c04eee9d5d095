"""The events table in ACLED's layout: what conflict analysts load next to ACLED's own data.

ACLED (the Armed Conflict Location & Event Data project) publishes one row per event with a fixed set
of columns; analysts compare, merge and chart against those. :func:`to_acled` writes geomap's rows
with ACLED's column names in ACLED's order, leaving empty what geomap does not know (actors,
fatalities, ACLED's own ids and regions), so a spreadsheet or a script made for ACLED reads it.

What is approximate (also in the README):

* one row per *mention* of a place in a sentence that reports an event, not per de-duplicated event
  (ACLED codes events); ``event_id_cnty`` is geomap's ``GM-<article>-<offset>``;
* the taxonomy mapping (:data:`EVENT_TYPES`): geomap's types are coarser than ACLED's sub-event
  types (ground fighting is always "Armed clash"; geomap does not yet tell who took territory), and
  displacement and diplomacy, which ACLED does not code as events, become "Strategic developments /
  Other"; a disaster and a mere mention have no ACLED counterpart and are left out;
* ``geo_precision``: 1 for a town, village, site or base named as the place itself, 2 for a place
  "near", "outskirts of", "north of" ... a town, or a district, 3 for a province, country or region;
* ``time_precision``: 1 for a day, 2 for a week, 3 for a month or a year (ACLED then codes the
  middle or start of the period; geomap writes the first day).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geomap.events.schema import LIST_SEPARATOR, conform
from geomap.geocode import country_name

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ACLED_COLUMNS", "EVENT_TYPES", "to_acled"]

#: ACLED's columns, in its order (the public export of acleddata.com).
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip

#: geomap event type -> (ACLED disorder type, event type, sub-event type). Types not here are not exported.
EVENT_TYPES: dict[str, tuple[str, str, str]] = {
    "airstrike": ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
    "drone_attack": ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
    "shelling": ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "explosion": ("Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "ground_fighting": ("Political violence", "Battles", "Armed clash"),
    "protest": ("Demonstrations", "Protests", "Peaceful protest"),
    "displacement": ("Strategic developments", "Strategic developments", "Other"),
    "diplomacy": ("Strategic developments", "Strategic developments", "Other"),
}

_TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
_SITE_KINDS = frozenset({"city", "town", "village", "camp", "neighbourhood", "military base", "airport", "site"})
_DISTRICT_KINDS = frozenset({"district"})


def to_acled(events: pd.DataFrame) -> str:
    """The place rows of ``events`` whose sentence reports an event, as ACLED-layout CSV text."""
    import pandas as pd

    table = conform(events)
    rows = table[(table["type"] == "place") & table["event_type"].isin(list(EVENT_TYPES))]
    records = [_acled_row(row) for row in rows.to_dict("records")]
    return pd.DataFrame(records, columns=list(ACLED_COLUMNS)).to_csv(index=False, lineterminator="\n")


def _acled_row(row: dict) -> dict:
    disorder, event_type, sub_event_type = EVENT_TYPES[row["event_type"]]
    when = row["event_date"] if _present(row["event_date"]) else row["date"]
    precision = row["date_precision"] if _present(row["event_date"]) else "day"
    return {
        "event_id_cnty": f"GM-{row['article_id']}-{row['start']}",
        "event_date": when.strftime("%Y-%m-%d") if _present(when) else "",
        "year": when.year if _present(when) else "",
        "time_precision": _TIME_PRECISION.get(str(precision), 3) if _present(when) else "",
        "disorder_type": disorder,
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "country": _country_name(row["country"]),
        "admin1": row["admin1"] if _present(row["admin1"]) else "",
        "location": row["place_name"],
        "latitude": round(float(row["lat"]), 4),
        "longitude": round(float(row["lon"]), 4),
        "geo_precision": geo_precision(str(row["kind"]), row["relation"] if _present(row["relation"]) else ""),
        "source": row["source"] if _present(row["source"]) else "",
        "notes": row["snippet"],
        "tags": LIST_SEPARATOR.join(row["event_cues"]),
    }


def geo_precision(kind: str, relation: str) -> int:
    """ACLED's 1-3: the place itself (1), somewhere near or in a part of it, or a district (2), an area (3)."""
    if kind in _SITE_KINDS:
        return 2 if relation else 1
    if kind in _DISTRICT_KINDS:
        return 2
    return 3


def _present(value) -> bool:
    """Not missing (None, NaN, NaT, ``<NA>``) and not empty text."""
    import pandas as pd

    if value is None:
        return False
    try:
        if pd.isna(value):
            return False
    except (TypeError, ValueError):  # a list (event cues) is present
        pass
    return not (isinstance(value, str) and value == "")


def _country_name(code) -> str:
    return country_name(str(code)) if _present(code) else ""
