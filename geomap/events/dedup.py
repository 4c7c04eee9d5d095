"""One event, many reports: which rows of the events table report the same event.

News retells: an air strike on a town is in the wire story, in the evening summary and in the
next day's analysis. Analysts count events, not articles, so every row that reports an event gets
the event's ``event_id`` (:func:`assign_event_ids`), and :func:`distinct_events` makes the table of
events, one row each, with how many articles report it and from which sources.

The rule: rows report the same event when they are at the same place (``place_id``), of the same
type (``event_type``), and dated to overlapping periods, day rows by their day. A coarser row
("last week", "in January") joins the one event of finer rows its period overlaps; when it
overlaps several it cannot say which it reports and stays an event of its own, and when it overlaps
none it starts one that later coarse rows may join. Rows are taken finest precision first, in a
fixed order, so the ids do not depend on the order of the articles. Undated rows (no event date
and no article date) are one event per article, place and type. Demonyms and mere mentions report
no event: their ``event_id`` is missing.

Ids are digests of what identifies the event (place, type, period), so an event keeps its id when
more reports of it arrive; ``ev-`` and 12 hex digits.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from geomap.events.schema import DISTINCT_EVENT_SCHEMA, PRECISIONS, conform

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["assign_event_ids", "distinct_events"]

_RANK = {precision: rank for rank, precision in enumerate(PRECISIONS)}
_NO_EVENT = "mention_only"


def assign_event_ids(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``event_id`` set on every row that reports an event (see the module docstring)."""
    import pandas as pd

    ids = pd.Series(pd.NA, index=table.index, dtype="string")
    reporting = _reporting(table)
    if reporting.any():
        rows = table.loc[reporting, ["place_id", "event_type", "event_date", "event_date_end", "date_precision",
                                     "article_id", "start"]]  # fmt: skip
        ids.loc[rows.index] = _event_ids(rows)
    return table.assign(event_id=ids)


def _reporting(table: pd.DataFrame) -> pd.Series:
    """Rows that report an event: a place (not a demonym) with an event type other than a mere mention."""
    place = (table["type"] == "place").fillna(False).astype(bool)
    typed = table["event_type"].notna() & (table["event_type"] != _NO_EVENT).fillna(False).astype(bool)
    return place & typed & table["place_id"].notna()


def _event_ids(rows: pd.DataFrame) -> np.ndarray:
    """The id of each row of ``rows`` (rows that report an event), in ``rows``' order.

    Day rows, most rows, and undated rows are keyed (place, type, day or article) and hashed once
    per key, with numpy; only rows dated to a longer period are taken one by one (finest first, in
    a fixed order), since which event they join depends on the events found before them.
    """
    import numpy as np

    first, last = _days(rows["event_date"]), _days(rows["event_date_end"])
    dated = ~(np.isnat(first) | np.isnat(last))
    day = dated & (rows["date_precision"].astype(object).to_numpy() == "day")
    place, kind = rows["place_id"].to_numpy(dtype=object), rows["event_type"].astype(str).to_numpy(dtype=object)
    article = rows["article_id"].to_numpy(dtype=object)
    ids = np.empty(len(rows), dtype=object)
    ids[day] = _keyed_ids(place[day], kind[day], first[day].astype("int64"), _day_event)
    ids[~dated] = _keyed_ids(place[~dated], kind[~dated], article[~dated], _undated_event)
    coarse = np.flatnonzero(dated & ~day)
    order = coarse[_coarse_order(rows.iloc[coarse], first[coarse], last[coarse])]
    ids[order] = _coarse_ids(
        rows.iloc[order], first[order], last[order], _days_by_group(place[day], kind[day], first[day])
    )
    return ids


def _coarse_ids(
    rows: pd.DataFrame, first: np.ndarray, last: np.ndarray, days: dict[tuple[str, str], list[str]]
) -> list[str]:
    """The ids of rows dated to a period longer than a day, taken in ``rows``' order (see :func:`_coarse_order`)."""
    groups: dict[tuple[str, str], _Group] = {}
    ids = []
    place, kind = rows["place_id"].tolist(), rows["event_type"].astype(str).tolist()
    for i, (article, start) in enumerate(zip(rows["article_id"].tolist(), rows["start"].tolist())):
        key = (place[i], kind[i])
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(days.get(key, []))
        ids.append(_coarse_id(group, *key, str(first[i]), str(last[i]), f"{article}:{start}"))
    return ids


def _coarse_order(rows: pd.DataFrame, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """The order coarse rows are taken in: finest precision first, then by period, article and offset."""
    import numpy as np
    import pandas as pd

    rank = rows["date_precision"].astype(object).map(lambda p: _RANK.get(p, len(PRECISIONS))).to_numpy()
    articles, _ = pd.factorize(rows["article_id"], sort=True)
    start = rows["start"].to_numpy(dtype="int64", na_value=-1)
    return np.lexsort((start, articles, last.astype("int64"), first.astype("int64"), rank))


def _keyed_ids(place: np.ndarray, kind: np.ndarray, third: np.ndarray, digest) -> np.ndarray:
    """``digest(place, kind, third)`` per row, computed once per distinct key (factorised: most rows share one)."""
    import numpy as np
    import pandas as pd

    if len(place) == 0:
        return np.empty(0, dtype=object)
    key = np.zeros(len(place), dtype="int64")
    for column in (place, kind, third):  # one integer per (place, kind, third): cheaper than tuples
        codes, uniques = pd.factorize(column)
        key = key * len(uniques) + codes
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return np.array([digest(place[i], kind[i], third[i]) for i in first], dtype=object)[inverse]


def _day_event(place: str, kind: str, day: int) -> str:
    """The id of the event at ``place`` of type ``kind`` on ``day`` (days since 1970, as numpy counts them)."""
    import numpy as np

    iso = str(np.datetime64(int(day), "D"))
    return _digest(place, kind, iso, iso)


def _undated_event(place: str, kind: str, article: str) -> str:
    return _digest(place, kind, "undated", article)


def _days_by_group(place: np.ndarray, kind: np.ndarray, day: np.ndarray) -> dict[tuple[str, str], list[str]]:
    """(place, type) -> the sorted distinct ISO days of its day rows: where coarser rows look for their event."""
    import pandas as pd

    frame = pd.DataFrame({"place": place, "kind": kind, "day": day}).drop_duplicates().sort_values("day")
    return {key: group["day"].astype(str).tolist() for key, group in frame.groupby(["place", "kind"], sort=False)}


@dataclass
class _Group:
    """The events found so far at one place, of one type: day events by day, and coarser ones."""

    days: list[str] = field(default_factory=list)  # sorted ISO days that have a day event
    coarse: list[tuple[str, str, str]] = field(default_factory=list)  # (first, last, id) of coarser events


def _coarse_id(group: _Group, place: str, kind: str, first: str, last: str, row: str) -> str:
    """The event a row dated to a period (week, month, year) reports: the one event it overlaps, else its own."""
    lo = bisect.bisect_left(group.days, first)
    days = group.days[lo : bisect.bisect_right(group.days, last)]
    coarse = [event_id for c_first, c_last, event_id in group.coarse if c_first <= last and first <= c_last]
    overlapping = [_digest(place, kind, day, day) for day in days[:2]] + coarse[:2]
    if len(overlapping) == 1:
        return overlapping[0]
    if overlapping:  # reports one of several events, not which: an event of its own
        return _digest(place, kind, first, last, row)
    event_id = _digest(place, kind, first, last)
    group.coarse.append((first, last, event_id))
    return event_id


def _days(series: pd.Series) -> np.ndarray:
    """Datetimes as numpy days (NaT when missing): cheap to compare; ``str`` of one is its ISO date."""
    return series.to_numpy(dtype="datetime64[ms]").astype("datetime64[D]")


def _digest(*parts: Any) -> str:
    return "ev-" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:12]


# -- one row per event -------------------------------------------------------------------------------


def distinct_events(events: pd.DataFrame) -> pd.DataFrame:
    """The table of distinct events (:data:`geomap.events.schema.DISTINCT_EVENT_SCHEMA`): one row per ``event_id``.

    Each row holds the event's place, type and period (those of its most precisely dated report),
    how many articles and mentions report it, their sources, ids and URLs, and its first report's
    title and sentence. Sorted by event date (undated last), then place name and event id.

    >>> events = geomap.events_for(["news/"])                    # doctest: +SKIP
    >>> geomap.distinct_events(events).sort_values("reports")    # doctest: +SKIP
    """
    import pandas as pd

    table = conform(events)
    if table["event_id"].isna().all():  # a table made by hand, or rows typed without ids
        table = assign_event_ids(table)
    reports = table[table["event_id"].notna()].sort_values(
        ["event_id", "date", "article_id", "start"], kind="stable", na_position="last"
    )
    columns = {name: reports[name].tolist() for name in _REPORT_COLUMNS}
    records, begin = [], 0
    event_ids = columns["event_id"]
    for end in range(1, len(event_ids) + 1):
        if end == len(event_ids) or event_ids[end] != event_ids[begin]:
            records.append(_event_record(columns, begin, end))
            begin = end
    frame = conform(pd.DataFrame(records, columns=[c.name for c in DISTINCT_EVENT_SCHEMA]), DISTINCT_EVENT_SCHEMA)
    order = frame.sort_values(["event_date", "place_name", "event_id"], kind="stable", na_position="last").index
    return frame.loc[order].reset_index(drop=True)


_PLACE_COLUMNS = ("place_id", "place_name", "kind", "country", "admin1", "lat", "lon")
_REPORT_COLUMNS = (
    "event_id", "event_type", "event_date", "event_date_end", "date_precision", *_PLACE_COLUMNS, "geo_precision",
    "actor", "actor_type", "article_id", "source", "url", "date", "title", "snippet", "event_cues",
)  # fmt: skip


def _event_record(columns: dict[str, list], begin: int, end: int) -> dict[str, Any]:
    """One event's row from its reports, ``columns[name][begin:end]``, in report order (earliest article first)."""
    span = range(begin, end)

    def values(name: str) -> list:
        return columns[name][begin:end]

    dated = min(span, key=lambda i: _RANK.get(columns["date_precision"][i], len(PRECISIONS)))
    actor = next((i for i in span if _is_text(columns["actor"][i])), None)
    article_dates = [day for day in values("date") if day is not None and day == day]  # NaT != NaT
    return {
        "event_id": columns["event_id"][begin],
        "event_type": columns["event_type"][begin],
        **{name: columns[name][dated] for name in ("event_date", "event_date_end", "date_precision")},
        **{name: columns[name][begin] for name in _PLACE_COLUMNS},
        "geo_precision": min((v for v in values("geo_precision") if isinstance(v, int)), default=None),
        "actor": columns["actor"][actor] if actor is not None else "",
        "actor_type": columns["actor_type"][actor] if actor is not None else None,
        "reports": len(set(values("article_id"))),
        "mentions": end - begin,
        "sources": _distinct(values("source")),
        "article_ids": _distinct(values("article_id")),
        "urls": _distinct(values("url")),
        "first_reported": min(article_dates, default=None),
        "title": columns["title"][begin],
        "snippet": columns["snippet"][begin],
        "event_cues": list(dict.fromkeys(cue for cues in values("event_cues") for cue in cues)),
    }


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def _distinct(values: list) -> list[str]:
    """The distinct non-empty texts, sorted."""
    return sorted({value for value in values if _is_text(value)})
