"""Metadata dates (a record's ``date``, a page's date) as ``YYYY-MM-DD``, or no date rather than a guess.

Dates (:func:`parse_date`) are read only from strict patterns, never fished out of free text: ISO
dates and datetimes (with or without zone, ``Z``), RFC 2822 (``Sun, 03 Mar 2024 10:00:00 +0000``),
``March 3, 2024``, ``Mar 3 2024``, ``3 March 2024``, ``3 Mar. 2024`` (optional weekday, ordinal and
time), ``YYYY/MM/DD`` and ``YYYY.MM.DD``, dotted ``D.M.YYYY`` (day first: the European form), and
``DD/MM/YYYY`` or ``MM/DD/YYYY`` (also with ``-``). The day is the day as written, in the value's own
zone (``2024-03-03T23:30-05:00`` is March 3, not March 4 in UTC). For slashed dates a part above 12
decides the order, as does a day equal to the month (``03/03/2024``); when both orders give a
valid, different date (``04/03/2024``: April 3 in the US, 4 March in most of the world) the date
is ambiguous and **no date is guessed**: ``parse_date`` returns None and readers warn "ambiguous".

An article whose metadata has no date, or one that cannot be read for sure, is dated from its text
(:func:`geomap.events.eventdate.find_article_date`); the readers' warning for a dropped date ("unrecognised
date", "ambiguous date") is worded here, by ``_metadata_date``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Callable

from geomap.events.eventdate import find_article_date

__all__ = ["parse_date"]

OnWarning = Callable[[str], None]


def parse_date(value: str) -> str | None:
    """A metadata date as ``YYYY-MM-DD``, or None when it is not a date this reads for sure.

    The forms and the rule for ``DD/MM`` against ``MM/DD`` are in the module docstring; the day is
    the day as written, in the value's own zone.

    >>> parse_date("Sun, 03 Mar 2024 23:30:00 -0500"), parse_date("3 Mar. 2024"), parse_date("04/03/2024")
    ('2024-03-03', '2024-03-03', None)
    """
    return _read_date(value)[0] if isinstance(value, str) else None


def _metadata_date(value: str | None, text: str, where: str, warn: OnWarning) -> str | None:
    """The record's own date as ISO; when it cannot be read, the date in its text (if any), with a warning."""
    if not value:
        return find_article_date(text)
    iso, problem = _read_date(value)
    if iso is not None:
        return iso
    found = find_article_date(text)
    shown = repr(value if len(value) <= 60 else value[:57] + "...")
    if problem == "ambiguous":
        why = f"ambiguous date {shown} (day and month could be either way)"
    else:
        why = f"unrecognised date {shown}"
    then = f"article dated {found} from its text" if found else "article kept without a date"
    warn(f"{where}: {why}; {then}")
    return found


_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTHS = {name: number for number, month in enumerate(_MONTH_NAMES, 1) for name in (month, month[:3])} | {"sept": 9}
_WEEKDAYS = frozenset({
    "monday", "mon", "tuesday", "tue", "tues", "wednesday", "wed", "thursday", "thu", "thur", "thurs",
    "friday", "fri", "saturday", "sat", "sunday", "sun",
})  # fmt: skip
# An optional time after a date ("10:00", ", 10:00:00 AM", " at 9:30 pm EST", " 10:00 +0200").
_TIME = r"(?:,?\s+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*(?:[a-z]{1,5}|[+-]\d{2}:?\d{2}))?)?"
_WEEKDAY = r"(?:(?P<weekday>[a-z]+)\.?,?\s+)?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_MONTH_FIRST = re.compile(
    rf"{_WEEKDAY}(?P<month>[a-z]+)\.?\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}}){_TIME}", re.I
)
_DAY_FIRST = re.compile(
    rf"{_WEEKDAY}(?P<day>\d{{1,2}}){_ORDINAL}\s+(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{{4}}){_TIME}", re.I
)
_RFC2822 = re.compile(
    r"(?:[a-z]{3},\s*)?\d{1,2}\s+[a-z]{3}\s+\d{2}(?:\d{2})?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s+(?:[+-]\d{4}|[a-z]{1,5}))?",
    re.I,
)
_ISO_DATETIME = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2}|\d{8})[Tt ](?P<time>\d.*?)(?:\s*(?:UTC|GMT))?")
_YEAR_FIRST = re.compile(rf"(?P<year>\d{{4}})(?P<sep>[/.-])(?P<month>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}}){_TIME}", re.I)
_DOTTED = re.compile(rf"(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\.(?P<year>\d{{4}}){_TIME}", re.I)
_SLASHED = re.compile(rf"(?P<first>\d{{1,2}})(?P<sep>[/-])(?P<second>\d{{1,2}})(?P=sep)(?P<year>\d{{4}}){_TIME}", re.I)


def _read_date(value: str) -> tuple[str | None, str]:
    """``(ISO date, "")``, or ``(None, "unrecognised" | "ambiguous")``."""
    value = value.strip()
    for reader in (_iso_date, _rfc2822_date, _named_month_date, _numeric_date):
        found = reader(value)
        if found == "ambiguous":
            return None, "ambiguous"
        if found is not None:
            return found.isoformat(), ""
    return None, "unrecognised"


def _iso_date(value: str) -> dt.date | None:
    """ISO 8601: what ``date.fromisoformat`` took before (so no date that worked changes), and datetimes."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    match = _ISO_DATETIME.fullmatch(value)
    if match is None:
        return None
    try:
        return dt.datetime.fromisoformat(f"{match['date']}T{match['time']}").date()  # its own zone's day
    except ValueError:
        return None


def _rfc2822_date(value: str) -> dt.date | None:
    if _RFC2822.fullmatch(value) is None:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()  # its own zone's day
    except (TypeError, ValueError):
        return None


def _named_month_date(value: str) -> dt.date | None:
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        match = pattern.fullmatch(value)
        if match is None:
            continue
        weekday, month = match["weekday"], _MONTHS.get(match["month"].lower())
        if month is None or (weekday is not None and weekday.lower() not in _WEEKDAYS):
            return None
        return _date(int(match["year"]), month, int(match["day"]))
    return None


def _numeric_date(value: str) -> dt.date | str | None:
    """``YYYY/MM/DD``, dotted ``D.M.YYYY`` (day first), slashed ``DD/MM/YYYY`` or ``MM/DD/YYYY``, or "ambiguous"."""
    if match := _YEAR_FIRST.fullmatch(value):
        return _date(int(match["year"]), int(match["month"]), int(match["day"]))
    if match := _DOTTED.fullmatch(value):
        return _date(int(match["year"]), int(match["month"]), int(match["day"]))
    if match := _SLASHED.fullmatch(value):
        year, first, second = int(match["year"]), int(match["first"]), int(match["second"])
        readings = {d for d in (_date(year, second, first), _date(year, first, second)) if d is not None}
        if len(readings) > 1:
            return "ambiguous"
        return readings.pop() if readings else None
    return None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
