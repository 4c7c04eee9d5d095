"""The events table in ACLED's layout: what conflict analysts load next to ACLED's own data.

ACLED (the Armed Conflict Location & Event Data project) publishes one row per event with a fixed set
of columns; analysts compare, merge and chart against those. :func:`to_acled` writes geomap's rows
with ACLED's column names in ACLED's order, leaving empty what geomap does not know (actors,
fatalities, ACLED's own ids and regions), so a spreadsheet or a script made for ACLED reads it.

What is approximate (also in the README):

* by default one row per *mention* of a place in a sentence that reports an event
  (``event_id_cnty`` is geomap's ``GM-<article>-<offset>``); ``per_event=True`` (``geomap export
  --events``) writes one row per distinct event instead, as ACLED codes them
  (:mod:`geomap.events.dedup`; ``event_id_cnty`` is the ``event_id``, ``source`` every publisher);
* the taxonomy mapping (:data:`EVENT_TYPES`): geomap's types are coarser than ACLED's sub-event
  types; ground fighting is "Armed clash" unless the text says who took the place ("government
  forces captured X": Government regains territory; "X fell to the rebels": Non-state actor
  overtakes territory); displacement and diplomacy, which ACLED does not code as events, become
  "Strategic developments / Other"; a disaster and a mere mention have no ACLED counterpart and
  are left out;
* ``actor1`` is the actor as the text names it (only for captures), not ACLED's actor name;
  ``inter1`` is "State forces" for state actors and left empty for others (rebels and militias
  cannot be told apart from the words); other actors, fatalities and ACLED's regions are empty;
* ``geo_precision``: the table's column (1 the town, village or site itself, 2 "near", "outskirts
  of", "north of" ... a town, or a district, 3 a province, country or region);
* ``time_precision``: 1 for a day, 2 for a week or a range of days, 3 for a month or a year
  (ACLED then codes the middle or start of the period; geomap writes the first day).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geomap.events.dedup import distinct_events
from geomap.events.schema import LIST_SEPARATOR, conform
from geomap.geocode import country_name

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ACLED_COLUMNS", "EVENT_TYPES", "TERRITORY_TAKEN", "to_acled"]

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

#: geomap's actor type -> ACLED's sub-event type for ground fighting in which the text says who took the place.
TERRITORY_TAKEN = {"state": "Government regains territory", "non_state": "Non-state actor overtakes territory"}
_TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}


def to_acled(events: pd.DataFrame, *, per_event: bool = False) -> str:
    """The rows of ``events`` that report an event, as ACLED-layout CSV text: per mention, or ``per_event``."""
    import pandas as pd

    table = conform(events)
    if per_event:
        rows = distinct_events(table)
        rows = rows[rows["event_type"].isin(list(EVENT_TYPES))]
        records = [_event_row(row) for row in rows.to_dict("records")]
    else:
        rows = table[(table["type"] == "place") & table["event_type"].isin(list(EVENT_TYPES))]
        records = [_mention_row(row) for row in rows.to_dict("records")]
    return pd.DataFrame(records, columns=list(ACLED_COLUMNS)).to_csv(index=False, lineterminator="\n")


def _mention_row(row: dict) -> dict:
    """One mention as an ACLED row: the article date stands in for an undated event."""
    dated = _present(row["event_date"])
    return {
        "event_id_cnty": f"GM-{row['article_id']}-{row['start']}",
        **_when(row["event_date"] if dated else row["date"], row["date_precision"] if dated else "day"),
        **_common(row),
        "source": _text(row["source"]),
    }


def _event_row(row: dict) -> dict:
    """One distinct event as an ACLED row: its id, every publisher that reported it."""
    dated = _present(row["event_date"])
    return {
        "event_id_cnty": row["event_id"],
        **_when(row["event_date"] if dated else row["first_reported"], row["date_precision"] if dated else "day"),
        **_common(row),
        "source": LIST_SEPARATOR.join(row["sources"]),
    }


def _when(day, precision) -> dict:
    if not _present(day):
        return {"event_date": "", "year": "", "time_precision": ""}
    return {"event_date": day.strftime("%Y-%m-%d"), "year": day.year, "time_precision": _TIME_PRECISION[precision]}


def _common(row: dict) -> dict:
    """The columns a mention row and an event row fill alike."""
    disorder, event_type, sub_event_type = EVENT_TYPES[row["event_type"]]
    actor_type = row["actor_type"] if _present(row["actor_type"]) else None
    if row["event_type"] == "ground_fighting" and actor_type in TERRITORY_TAKEN:
        sub_event_type = TERRITORY_TAKEN[actor_type]
    return {
        "disorder_type": disorder,
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": _text(row["actor"]),
        "inter1": "State forces" if actor_type == "state" else "",
        "country": _country_name(row["country"]),
        "admin1": _text(row["admin1"]),
        "location": row["place_name"],
        "latitude": round(float(row["lat"]), 4),
        "longitude": round(float(row["lon"]), 4),
        "geo_precision": int(row["geo_precision"]),
        "notes": row["snippet"],
        "tags": LIST_SEPARATOR.join(row["event_cues"]),
    }


def _text(value) -> str:
    return value if _present(value) else ""


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
