"""Event date of a place mention: when did what happened there happen?

A regex pass over the mention's sentence finds date expressions, resolves them
against the article date, and keeps the one closest to the mention (clause
boundaries count as distance). No dateparser: the forms news uses are few, a regex
pass costs microseconds, and it cannot download language data or read the clock.

A date is written as text at its precision (:func:`date_text`): ``YYYY-MM-DD`` for a day,
``YYYY-MM`` for a calendar month, ``YYYY`` for a calendar year, and else the ISO 8601 interval
``YYYY-MM-DD/YYYY-MM-DD`` (first and last day, inclusive), so that "last week" keeps its seven
days instead of becoming a month. :func:`period` reads any of these back as first day, last day and
precision (day, week, month, year: ACLED's time precisions).

Resolution rules (the article date is ``D``):

* explicit (the text alone fixes it): "January 27, 2020", "27 January 2020",
  "2020-01-27" -> ``YYYY-MM-DD``; "June 2014" -> ``YYYY-MM``; "in 2019" -> ``YYYY``; numeric
  dates: "3.3.2020" (dotted: day first), "27/01/2020" or "01/27/2020" (a part above 12 decides),
  "03/03/2020" (day == month); ranges with a year: "12-14 March 2020", "March 12-14, 2020",
  "28 February - 2 March 2020", "from March 28 to April 2, 2020" -> the interval.
* slashed dates that read both ways ("04/03/2020": April 3 in the US, 4 March in most of the
  world) follow the source's locale when the caller knows it (``day_first``, see
  :func:`day_first`); else no date, ``source="ambiguous"``: never a silent guess.
* relative (needs ``D``):
  - weekdays ("said Tuesday", "on Tuesday", "Tuesday's attack"): the most recent such
    day on or before ``D`` (a Tuesday article's "Tuesday" is that day);
    "last Tuesday": strictly before ``D``; "next Tuesday": strictly after;
  - "today", "tonight", "this morning", "overnight" -> ``D``; "yesterday", "last night" -> ``D-1``;
  - "three days ago" -> ``D-3``; "two weeks ago" -> the Monday-Sunday week holding ``D-14``;
    "a month ago" -> the month of ``D-1 month``; "two years ago" -> the year;
  - "January 27" / "27 January" without year: the most recent such date on or before ``D``;
    ranges without year ("between 12 and 14 March", "March 12 to 14", "between 28 February and
    2 March"): the most recent such range that begins on or before ``D``;
  - "in December" (month after in/since/until/by/during/early/late/...): the most recent
    December on or before ``D``'s month; "last December" strictly before, "next" strictly after;
  - weeks run Monday to Sunday: "this week" -> Monday .. ``D`` ("later this week": ``D`` ..
    Sunday); "last week", "previous week" -> the week before; "next week" -> the week after;
  - "this/last/next month" -> ``YYYY-MM`` ("earlier this month" too); "this/last/next year" -> ``YYYY``;
  - "the past two weeks", "over the past week", "the past three days", "the last three days",
    "the past two months": that many whole units ending on ``D``, ``D`` counted (``D-13`` .. ``D``,
    ``D-6`` .. ``D``, ``D-2`` .. ``D``: "the past week" is a week); "the next two weeks": ``D`` ..
    ``D+13``.
* article: nothing in the sentence -> ``D`` with ``source="article"``.
* None: nothing in the sentence and no article date (or only relative expressions).

A range that ends before it starts ("between 14 and 12 March"), holds an impossible day, or, with
its years not written, would span more than a season, is not a date: the next expression decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from geomap.parse.sentences import GapCounts, sentence_bounds

__all__ = ["EventDate", "Period", "date_text", "day_first", "event_date", "find_article_date", "period"]


@dataclass(frozen=True)
class EventDate:
    """The date of the event at one mention.

    Attributes
    ----------
    date : str or None
        ISO 8601 ``YYYY-MM-DD``; ``YYYY-MM`` / ``YYYY`` for a calendar month or year; else the
        interval ``YYYY-MM-DD/YYYY-MM-DD`` (a week, a range of days). :func:`period` reads it.
    source : str or None
        ``"explicit"`` (text alone), ``"relative"`` (resolved against the article date),
        ``"article"`` (fallback to the article date), ``"ambiguous"`` (the nearest date reads
        two ways, e.g. ``04/03/2020``; ``date`` is then None) or None (unknown).
    cue : str
        The text that decided it; ``""`` for the article fallback and for unknown.
    """

    date: str | None
    source: str | None
    cue: str


@dataclass(frozen=True)
class Period:
    """The days an event date covers (first and last, inclusive) and how precise that is.

    ``precision`` is ``"day"`` (one day), ``"week"`` (2 to 7 days: ACLED's "a week or a range of
    days"), ``"month"`` (8 to 31 days, so every calendar month) or ``"year"`` (anything longer).
    """

    first: date
    last: date
    precision: str


# -- the text form of a date --------------------------------------------------------------------


def date_text(first: date, last: date) -> str:
    """The one text form of the days ``first`` .. ``last`` (inclusive): the shortest that loses nothing.

    One day -> ``YYYY-MM-DD``; a whole calendar month -> ``YYYY-MM``; a whole calendar year ->
    ``YYYY``; anything else -> the ISO 8601 interval ``YYYY-MM-DD/YYYY-MM-DD``. :func:`period`
    reads each back to the same days. Raises ValueError when ``last`` is before ``first``.

    Examples
    --------
    >>> date_text(date(2020, 1, 20), date(2020, 1, 26))
    '2020-01-20/2020-01-26'
    >>> date_text(date(2020, 2, 1), date(2020, 2, 29))
    '2020-02'
    """
    if last < first:
        raise ValueError(f"Expected a period that ends on or after its first day, instead got: {first} .. {last}")
    if first == last:
        return first.isoformat()
    if first.day == 1 and last == _month_end(first):
        return f"{first.year:04d}-{first.month:02d}"
    if first == date(first.year, 1, 1) and last == date(first.year, 12, 31):
        return f"{first.year:04d}"
    return f"{first.isoformat()}/{last.isoformat()}"


_PERIOD_TEXT = re.compile(r"(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?)?")
_INTERVAL_TEXT = re.compile(r"(?P<first>[0-9]{4}-[0-9]{2}-[0-9]{2})/(?P<last>[0-9]{4}-[0-9]{2}-[0-9]{2})")


def period(text: str | None) -> Period | None:
    """The days and precision of a date as :func:`date_text` writes it; None for anything else.

    Accepts ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` and ``YYYY-MM-DD/YYYY-MM-DD``. Never raises: an
    impossible date ("2020-13", "2021-02-29"), an interval that ends before it starts, other text
    or None give None, so that a table reading stored rows cannot fail on one odd value.

    Examples
    --------
    >>> period("2020-01-20/2020-01-26")
    Period(first=datetime.date(2020, 1, 20), last=datetime.date(2020, 1, 26), precision='week')
    >>> period("2020-01").precision, period("2020-13")
    ('month', None)
    """
    if not isinstance(text, str):
        return None
    try:
        bounds = _period_bounds(text)
    except ValueError:  # a month or day that does not exist
        return None
    if bounds is None or bounds[1] < bounds[0]:
        return None
    return Period(bounds[0], bounds[1], _precision(*bounds))


def _period_bounds(text: str) -> tuple[date, date] | None:
    interval = _INTERVAL_TEXT.fullmatch(text)
    if interval:
        return date.fromisoformat(interval["first"]), date.fromisoformat(interval["last"])
    m = _PERIOD_TEXT.fullmatch(text)
    if m is None:
        return None
    year = int(m["year"])
    if m["day"]:
        day = date(year, int(m["month"]), int(m["day"]))
        return day, day
    if m["month"]:
        first = date(year, int(m["month"]), 1)
        return first, _month_end(first)
    return date(year, 1, 1), date(year, 12, 31)


def _precision(first: date, last: date) -> str:
    """ACLED's time precision in words: a day, up to a week, up to a month (31 days), longer."""
    days = (last - first).days + 1
    if days == 1:
        return "day"
    if days <= 7:
        return "week"
    return "month" if days <= 31 else "year"


# -- patterns -----------------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": None, "few": None,
}  # fmt: skip

# Month names are matched capitalised only, so that "may" and "march" as words do not count.
_FULL_MONTHS = r"January|February|March|April|May|June|July|August|September|October|November|December"
_SHORT_MONTHS = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_MONTH_NAMES = _FULL_MONTHS + "|" + _SHORT_MONTHS
_MONTH = r"(?P<month>" + _MONTH_NAMES + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = r"(?P<n>\d{1,2}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
_UNIT = r"(?P<unit>day|week|month|year)s?"
_MONTH_PREP = (
    r"(?P<prep>in|since|until|till|by|during|from|through|throughout|before|after|of|early|late|mid|last|this|next)"
)


def _range_pattern(first: str, last: str) -> str:
    """A range "FIRST to LAST": after "between" the two ends are joined by "and", else by a dash (en
    and em dashes too), "to", "through" or "until"; "from" may lead. The ends are named groups d1/m1/y1
    and d2/m2/y2 (from :func:`_range_day`, :func:`_range_month`, :func:`_range_year`)."""
    lead = r"(?<![\d./\-\u2013])(?:(?i:(?P<between>between)|from)\s+)?"
    joint = r"(?(between)\s+(?i:and)\s+|(?:\s*[-\u2013\u2014]\s*|\s+(?i:to|through|until|till)\s+))"
    return lead + first + joint + last


def _range_day(name: str) -> str:
    return r"\b(?P<" + name + r">[0-3]?\d)(?:st|nd|rd|th)?"


def _range_month(name: str) -> str:
    # A whole word ("Marching" is no month); an abbreviation takes its dot ("Feb. 28"), a full name
    # leaves the full stop of the sentence out of the cue.
    return r"(?P<" + name + r">(?:" + _FULL_MONTHS + r")\b|(?:" + _SHORT_MONTHS + r")(?:\.|\b))"


def _range_year(name: str) -> str:
    return r"(?:,?\s+(?P<" + name + r">(?:1[89]|20)\d\d)\b)?"


_NO_MONTH_AFTER = r"\b(?!\s*(?:of\s+)?(?:" + _MONTH_NAMES + r"))"  # "March 12 to 14 April" is no March range

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        # Ranges first: a range and a date in it of the same length cannot overlap, so order only
        # matters for readability; overlaps go to the longest match (the range).
        (
            "range",  # "12-14 March", "between 12 and 14 March 2020", "from 12 to 14 of March"
            _range_pattern(_range_day("d1"), _range_day("d2") + r"\s+(?:of\s+)?" + _range_month("m2"))
            + _range_year("y2"),
        ),
        (
            "range",  # "March 12-14", "between March 12 and 14", "March 12 to 14, 2020"
            _range_pattern(_range_month("m2") + r"\s+" + _range_day("d1"), _range_day("d2"))
            + _range_year("y2")
            + _NO_MONTH_AFTER,
        ),
        (
            "range",  # "between 28 February and 2 March", "28 December 2019 - 2 January 2020"
            _range_pattern(
                _range_day("d1") + r"\s+(?:of\s+)?" + _range_month("m1") + _range_year("y1"),
                _range_day("d2") + r"\s+(?:of\s+)?" + _range_month("m2"),
            )
            + _range_year("y2"),
        ),
        (
            "range",  # "from March 28 to April 2, 2020"
            _range_pattern(
                _range_month("m1") + r"\s+" + _range_day("d1") + _range_year("y1"),
                _range_month("m2") + r"\s+" + _range_day("d2"),
            )
            + _range_year("y2")
            + r"\b",
        ),
        ("iso", r"\b(?P<year>\d{4})-(?P<mon>\d\d)-(?P<day>\d\d)\b"),
        ("numeric", r"(?<![\d/.])(?P<a>[0-3]?\d)(?P<sep>[/.])(?P<b>[0-3]?\d)(?P=sep)" + _YEAR + r"\b(?![/.]\d)"),
        ("mdy", r"\b" + _MONTH + r"\s+" + _DAY + r"(?:,\s*|\s+)" + _YEAR + r"\b"),
        ("dmy", r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + r"\b"),
        ("my", r"\b" + _MONTH + r",?\s+" + _YEAR + r"\b"),
        ("md", r"\b" + _MONTH + r"\s+" + _DAY + r"\b(?!,?\s*\d)"),
        ("dm", r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"\b"),
        ("month", r"(?i:\b" + _MONTH_PREP + r")[\s-]+(?i:(?:early|late|mid)[\s-]+)?" + _MONTH + r"\b"),
        (
            "year",
            r"(?i:\b(?:in|since|of|until|by|during|from|before|after|throughout|early|late|mid))[\s-]+"
            + _YEAR
            + r"\b(?!-)",
        ),
        (
            "weekday",
            r"(?:(?i:\b(?P<mod>last|this|next|on|early on|late on|early|late)\s+))?\b" + _WEEKDAY + r"\b(?!s\b)",
        ),
        ("ago", r"(?i:\b" + _NUM + r"\s+" + _UNIT + r"\s+ago\b)"),
        (
            "span",
            r"(?i:\b(?P<which>(?:earlier|later|early|late)\s+this|this|last|previous|next|past|the\s+past"
            r"|over\s+the\s+past|in\s+the\s+past)(?:\s+" + _NUM + r")?\s+" + _UNIT + r"\b)",
        ),
        (
            "day",
            (
                r"(?i:\b(?P<word>the\s+day\s+before\s+yesterday|yesterday|last\s+night|today|tonight"
                r"|this\s+(?:morning|afternoon|evening)|earlier\s+today|overnight)\b)"
            ),
        ),
    )
)
_STRONG_BOUNDARY = re.compile(r"[;:()\u2014\u2013]|\s-\s")
#: A range whose years are not all written is read as the shortest one; one longer than this
#: ("between 2 March and 28 February") is a slip of the pen, not a range.
_MAX_INFERRED_RANGE = timedelta(days=92)


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    kind: str
    match: re.Match[str]


# -- calendar arithmetic ------------------------------------------------------------------------


def _iso(day: date) -> str:
    return day.isoformat()


def _add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def _month_end(day: date) -> date:
    return _add_months(day, 1) - timedelta(days=1)


def _shift(day: date, unit: str, n: int) -> date:
    """``day`` moved by ``n`` units (negative: back); a day the target month lacks (31st, 29 Feb)
    becomes that month's last day."""
    if unit == "day":
        return day + timedelta(days=n)
    if unit == "week":
        return day + timedelta(weeks=n)
    month = _add_months(day, n * (12 if unit == "year" else 1))
    return month.replace(day=min(day.day, _month_end(month).day))


def _week(day: date) -> tuple[date, date]:
    """Monday and Sunday of ``day``'s week (ISO weeks: news calendars and ACLED's start on Monday)."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _number(text: str) -> int | None:
    text = text.lower()
    return int(text) if text.isdigit() else _NUMBERS.get(text)


def _month_number(text: str) -> int:
    return _MONTHS[text.lower().rstrip(".")]


# -- resolving one expression -------------------------------------------------------------------


def _resolve(found: _Found, article: date | None, day_first: bool | None = None) -> tuple[str | None, str] | None:
    """Resolve one expression to (date text, source), or None when it cannot be resolved."""
    m, kind = found.match, found.kind
    try:
        if kind == "iso":
            return date(int(m["year"]), int(m["mon"]), int(m["day"])).isoformat(), "explicit"
        if kind in ("mdy", "dmy"):
            return date(int(m["year"]), _month_number(m["month"]), int(m["day"])).isoformat(), "explicit"
        if kind == "numeric":
            return _numeric(m, day_first)
        if kind == "my":
            return f"{int(m['year']):04d}-{_month_number(m['month']):02d}", "explicit"
        if kind == "year":
            return m["year"], "explicit"
        if kind == "range":
            return _written_range(m, article)
        if article is None:
            return None
        if kind in ("md", "dm"):
            month, day = _month_number(m["month"]), int(m["day"])
            candidate = date(article.year, month, day)
            if candidate > article:
                candidate = date(article.year - 1, month, day)
            return candidate.isoformat(), "relative"
        if kind == "month":
            return _month_name(m, article), "relative"
        if kind == "weekday":
            return _weekday(m, article).isoformat(), "relative"
        if kind == "day":
            word = " ".join(m["word"].lower().split())
            offset = {"yesterday": 1, "last night": 1, "the day before yesterday": 2}.get(word, 0)
            return (article - timedelta(days=offset)).isoformat(), "relative"
        if kind == "ago":
            text = _ago(m, article)
            return (text, "relative") if text else None
        if kind == "span":
            text = _span_expression(m, article)
            return (text, "relative") if text else None
    except ValueError:  # an impossible date such as "February 30"
        return None
    return None


def _numeric(m: re.Match[str], day_first: bool | None = None) -> tuple[str | None, str]:
    """A numeric date: dotted is day first (``3.3.2024``, the European form); slashed is decided by a
    part above 12, by day == month, or by the source's convention (``day_first``), and is otherwise
    ``(None, "ambiguous")``: ``04/03/2024`` is April 3 in the US and 4 March elsewhere, and geomap
    does not guess which."""
    a, b, year = int(m["a"]), int(m["b"]), int(m["year"])
    if m["sep"] == "." or a > 12 or a == b:
        day, month = a, b
    elif b > 12 or day_first is False:
        month, day = a, b
    elif day_first:
        day, month = a, b
    else:
        return None, "ambiguous"
    return date(year, month, day).isoformat(), "explicit"


def _month_name(m: re.Match[str], article: date) -> str:
    """A month named after a preposition ("in December"): the most recent December on or before the
    article's month; "last December" strictly before, "next" strictly after, "this" the article's year."""
    month, prep = _month_number(m["month"]), (m["prep"] or "").lower()
    year = article.year
    if prep == "next":
        year += 1 if month <= article.month else 0
    elif prep == "this":
        pass
    elif month > article.month or (prep == "last" and month == article.month):
        year -= 1
    return f"{year:04d}-{month:02d}"


def _weekday(m: re.Match[str], article: date) -> date:
    target = _WEEKDAYS[m["weekday"].lower()]
    mod = (m["mod"] or "").lower()
    back = (article.weekday() - target) % 7
    if mod == "next":
        return article + timedelta(days=(target - article.weekday()) % 7 or 7)
    if mod == "last" and back == 0:
        back = 7
    return article - timedelta(days=back)


def _ago(m: re.Match[str], article: date) -> str | None:
    """N units ago: "three days ago" is that day; a week, month or year ago is the whole calendar week
    (Monday to Sunday), month or year it fell in: "two weeks ago" does not name one exact day."""
    n, unit = _number(m["n"]), m["unit"].lower()
    if n is None:
        return None
    then = _shift(article, unit, -n)
    if unit == "day":
        return _iso(then)
    if unit == "week":
        return date_text(*_week(then))
    if unit == "month":
        return date_text(then.replace(day=1), _month_end(then))
    return f"{then.year:04d}"


_PAST = frozenset({"past", "the past", "over the past", "in the past"})


def _span_expression(m: re.Match[str], article: date) -> str | None:
    """A span: "this/last/next week|month|year" -> that calendar unit; "the past two weeks" (or "the
    last three days": a number says it is a count, not the calendar unit) -> that long up to the
    article date; "the next two weeks" -> from the article date on."""
    which = " ".join(m["which"].lower().split())
    unit = m["unit"].lower()
    n = _number(m["n"]) if m["n"] else 1
    if n is None:
        return None
    counted = m["n"] is not None and which in ("last", "previous", "next")
    if which in _PAST or counted:  # n whole units counting the article's day: "the past week" is 7 days
        if which == "next":
            return date_text(article, _shift(article, unit, n) - timedelta(days=1))
        return date_text(_shift(article, unit, -n) + timedelta(days=1), article)
    step = {"last": -1, "previous": -1, "next": 1}.get(which, 0)
    if unit == "day":
        return _iso(article + timedelta(days=step))
    if unit == "week":
        return _calendar_week(which, step, article)
    if unit == "month":
        first = _add_months(article, step)
        return date_text(first, _month_end(first))
    return f"{article.year + step:04d}"


def _calendar_week(which: str, step: int, article: date) -> str:
    """A Monday-to-Sunday week: this one up to the article date (what is reported has happened),
    "later this week" from it on, the week before or after."""
    monday, sunday = _week(article + timedelta(weeks=step))
    if step:
        return date_text(monday, sunday)
    if which.startswith("later"):
        return date_text(article, sunday)
    return date_text(monday, article)


def _written_range(m: re.Match[str], article: date | None) -> tuple[str, str] | None:
    """A range written in the text ("between 12 and 14 March"): explicit when a year is written,
    else the most recent such range that begins on or before the article date. None for a range
    that ends before it begins or is too long to be read without its years (:data:`_MAX_INFERRED_RANGE`)."""
    groups = m.groupdict()
    d1, d2, m2 = int(groups["d1"]), int(groups["d2"]), _month_number(groups["m2"])
    m1 = _month_number(groups["m1"]) if groups.get("m1") else m2
    y1, y2 = (int(groups[name]) if groups.get(name) else None for name in ("y1", "y2"))
    if y1 is not None and y2 is not None:
        first, last = date(y1, m1, d1), date(y2, m2, d2)
        return (date_text(first, last), "explicit") if first <= last else None
    if y2 is not None:
        bounds = _range_in(y2 - 1 if (m1, d1) > (m2, d2) else y2, (m1, d1), (m2, d2))
    elif y1 is not None:
        bounds = _range_in(y1, (m1, d1), (m2, d2))
    elif article is not None:
        bounds = _recent_range(article, (m1, d1), (m2, d2))
    else:
        return None
    if bounds is None or bounds[1] - bounds[0] > _MAX_INFERRED_RANGE:
        return None
    return date_text(*bounds), ("explicit" if y1 is not None or y2 is not None else "relative")


def _range_in(year: int, first: tuple[int, int], last: tuple[int, int]) -> tuple[date, date]:
    """The range whose first day is in ``year``; it ends in the next year when its last (month, day)
    comes earlier in the calendar ("28 December - 2 January")."""
    start = date(year, *first)
    return start, date(year + 1 if last < first else year, *last)


def _recent_range(article: date, first: tuple[int, int], last: tuple[int, int]) -> tuple[date, date] | None:
    """The most recent range with these (month, day) ends that begins on or before ``article``.

    A year without the first day (29 February) is skipped; none found -> None.
    """
    for year in range(article.year, article.year - 5, -1):  # back to the last 29 February
        try:
            bounds = _range_in(year, first, last)
        except ValueError:
            continue
        if bounds[0] <= article:
            return bounds
    return None


# -- choosing the expression --------------------------------------------------------------------


@lru_cache(maxsize=512)
def _expressions(sentence: str) -> tuple[_Found, ...]:
    """All date expressions of a sentence; overlaps go to the longest (then earliest) match.

    Cached: a sentence often holds several mentions. A sentence without a digit, a month
    abbreviation or a time word cannot match any pattern and is not scanned by them, and each
    pattern scans only a sentence that holds every clue it needs (:data:`_NEEDS`; speed only: the
    same matches in the same order). Only the scan is cached, not its resolution: that depends on
    the article date and the source's ``day_first``, which differ between articles that share a sentence.
    """
    if not _MAY_HOLD_DATE.search(sentence):
        return ()
    clues = frozenset(name for name, clue in _CLUES.items() if clue.search(sentence))
    found = [
        _Found(m.start(), m.end(), kind, m)
        for kind, pattern in _PATTERNS
        if _NEEDS[kind] <= clues
        for m in pattern.finditer(sentence)
    ]
    found.sort(key=lambda f: (-(f.end - f.start), f.start))
    kept: list[_Found] = []
    for item in found:
        if all(item.end <= k.start or item.start >= k.end for k in kept):
            kept.append(item)
    return tuple(sorted(kept, key=lambda f: f.start))


# What every pattern of _PATTERNS needs somewhere in the sentence: a digit (dates, years, ranges,
# "3 days ago"), a capitalised month (its first three letters, case-sensitive as in _MONTH), or a word
# that holds a unit or time of day ("Monday", "yesterday" and "today" hold "day"; "tonight" and
# "overnight" hold "night").
_MAY_HOLD_DATE = re.compile(
    r"\d|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|(?i:day|week|month|year|night|morning|afternoon|evening)"
)
#: Text a pattern cannot match without, each with the case rule of the patterns that need it: a
#: month or weekday name is matched capitalised only, the words of "ago" and "span" in any case (with
#: ``re.IGNORECASE`` too, so that the same letters fold: "ı" is an "i" to it, not to ``str.lower``).
_CLUES = {
    "digit": re.compile(r"\d"),
    "digit-digit": re.compile(r"\d-\d"),  # in "2020-01-27"
    "digit/digit": re.compile(r"\d[/.]\d"),  # in "27/01/2020", "3.3.2020"
    "year": re.compile(r"(?:1[89]|20)\d\d"),  # as in _YEAR
    "month": re.compile(_MONTH_NAMES),
    "weekday": re.compile(_WEEKDAY),
    "ago": re.compile("ago", re.IGNORECASE),
    "unit": re.compile("day|week|month|year", re.IGNORECASE),
}
#: What a date with a month name and a day or year number needs ("27 Jan", "March 2020", "12-14 March").
_DATED = frozenset({"digit", "month"})
#: Per kind of pattern, the clues every one of its patterns needs. "day" ("yesterday", "tonight") needs
#: none: a search for its words would cost about what its own scan costs.
_NEEDS: dict[str, frozenset[str]] = {
    "range": _DATED,
    "iso": frozenset({"digit-digit"}),
    "numeric": frozenset({"digit/digit"}),
    "mdy": _DATED,
    "dmy": _DATED,
    "my": _DATED,
    "md": _DATED,
    "dm": _DATED,
    "month": frozenset({"month"}),
    "year": frozenset({"year"}),
    "weekday": frozenset({"weekday"}),
    "ago": frozenset({"ago"}),
    "span": frozenset({"unit"}),
    "day": frozenset(),
}


def _distance(gaps: GapCounts, found: _Found, m_start: int, m_end: int) -> tuple[float, int]:
    """Tokens between expression and mention, with clause boundaries counting as extra distance.

    Counted by ``gaps`` (the same counts as a pass over the gap, without one per pair of
    expression and mention, which made dating quadratic in the sentence).
    """
    lo, hi = (found.end, m_start) if found.end <= m_start else (m_end, found.start)
    penalty = 12 * gaps.boundaries(lo, hi) + 3 * gaps.commas(lo, hi)
    return gaps.tokens(lo, hi) + penalty, found.start


@lru_cache(maxsize=512)
def _gaps(sentence: str) -> GapCounts:
    return GapCounts(sentence, _STRONG_BOUNDARY)


def _parse_article_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise ValueError(f"Expected article_date as 'YYYY-MM-DD', instead got: {value!r}") from err


def event_date(
    text: str,
    start: int,
    end: int,
    *,
    article_date: str | None,
    sentence_start: int | None = None,
    sentence_end: int | None = None,
    day_first: bool | None = None,
) -> EventDate:
    """Date the event at the place mentioned at ``text[start:end]``.

    The date expression closest to the mention in its sentence wins; relative ones are
    resolved against ``article_date`` (see the module docstring for the rules).

    Parameters
    ----------
    text : str
        Full article text.
    start, end : int
        Character offsets of the mention.
    article_date : str or None
        ``YYYY-MM-DD``; use :func:`find_article_date` when the source has no metadata.
    sentence_start, sentence_end : int, optional
        Sentence bounds when the caller already has them.
    day_first : bool or None, optional
        How the source writes slashed dates that read both ways ("04/03/2020"): True day first
        (4 March), False month first (April 3), None unknown (``source="ambiguous"``, no date).
        :func:`day_first` derives it from the source's locale or URL.

    Examples
    --------
    >>> s = "Sergei Lavrov said Tuesday that Moscow is fully behind the offensive."
    >>> event_date(s, s.index("Moscow"), s.index(" is fully"), article_date="2020-01-29")
    EventDate(date='2020-01-28', source='relative', cue='Tuesday')
    """
    article = _parse_article_date(article_date)
    s_start, s_end = sentence_bounds(text, start, end, sentence_start, sentence_end)
    sentence = text[s_start:s_end]
    m_start, m_end = start - s_start, end - s_start
    candidates = [f for f in _expressions(sentence) if f.end <= m_start or f.start >= m_end]
    if len(candidates) > 1:
        gaps = _gaps(sentence)
        candidates.sort(key=lambda f: _distance(gaps, f, m_start, m_end))
    for found in candidates:
        resolved = _resolve(found, article, day_first)
        if resolved:  # (text, source), or (None, "ambiguous"): the nearest date is said, not skipped
            return EventDate(resolved[0], resolved[1], sentence[found.start : found.end])
    if article is not None:
        return EventDate(article.isoformat(), "article", "")
    return EventDate(None, None, "")


# -- the source's convention for slashed dates --------------------------------------------------

#: Regions that write the month first (04/03/2020 is April 3): the US and places using its conventions.
_MONTH_FIRST_REGIONS = frozenset({"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "VI", "UM"})
#: Regions that write the year first (2020/04/03): a slashed date with the year last is foreign there,
#: so their locale says nothing about its order.
_YEAR_FIRST_REGIONS = frozenset({"CN", "JP", "KR", "TW", "HU", "LT", "IR", "MN"})
#: Languages that say nothing without a region: English is written both ways (US, UK), the others
#: write the year first. Two- and three-letter codes (ISO 639-1 and 639-2/3), and "undetermined".
_UNDECIDED_LANGUAGES = frozenset(
    {"en", "eng", "zh", "zho", "chi", "cmn", "yue", "ja", "jpn", "ko", "kor", "hu", "hun", "lt", "lit"}
    | {"fa", "fas", "per", "mn", "mon", "khk", "und", "mul", "zxx"}
)
#: Country-code domains sold worldwide as generic names (.io, .tv, .fm ...): they say nothing of the country.
_GENERIC_CCTLDS = frozenset({"ai", "cc", "co", "fm", "gg", "io", "ly", "me", "nu", "to", "tv", "ws"})
_TLD_REGION = {"uk": "GB"}  # the one ccTLD that is not its country's ISO 3166 code
_LANGUAGE_SUBTAG = re.compile(r"[A-Za-z]{2,3}")
_REGION_SUBTAG = re.compile(r"[A-Za-z]{2}")


def day_first(locale: str | None = None, url: str | None = None) -> bool | None:
    """Whether a source writes ``04/03/2020`` day first (True), month first (False), or unknown (None).

    From the locale (BCP 47 "en-US", "ar-SY", or POSIX "en_GB.UTF-8"): a month-first region (the US,
    the Philippines, US territories) -> False; a year-first region (China, Japan, Korea, Taiwan,
    Hungary, Lithuania, Iran, Mongolia) -> None; any other region -> True. Without a region, "en"
    could be either and the year-first languages say nothing (None); every other language writes the
    day first (True). When the locale leaves it open, the country-code domain of ``url`` decides the
    same way ("bbc.co.uk" -> True, ".us" -> False); generic domains (.com, .org, .io) decide nothing.
    Never raises: odd input gives None.

    Examples
    --------
    >>> day_first("en-US"), day_first("fr"), day_first("en", "https://www.bbc.co.uk/news")
    (False, True, True)
    """
    by_locale = _locale_day_first(locale)
    return by_locale if by_locale is not None else _url_day_first(url)


def _locale_day_first(locale: object) -> bool | None:
    if not isinstance(locale, str):
        return None
    tag = re.split(r"[.@]", locale.strip(), maxsplit=1)[0]  # POSIX: drop ".UTF-8", "@euro"
    subtags = re.split(r"[-_]", tag)
    language = subtags[0].lower()
    if not _LANGUAGE_SUBTAG.fullmatch(language):
        return None
    region = None
    for subtag in subtags[1:]:
        if len(subtag) == 1:  # an extension or private use ("-x-..."): no region after it
            break
        if _REGION_SUBTAG.fullmatch(subtag):
            region = subtag.upper()
            break
    if region is not None:
        return _region_day_first(region)
    return None if language in _UNDECIDED_LANGUAGES else True


def _url_day_first(url: object) -> bool | None:
    if not isinstance(url, str):
        return None
    text = url.strip()
    if "://" not in text and not text.startswith("//"):
        text = "//" + text  # a bare host: "www.bbc.co.uk/news"
    try:
        host = urlsplit(text).hostname
    except ValueError:  # "http://[::1": an unclosed IPv6 address
        return None
    if not host or "." not in host.strip("."):
        return None
    tld = host.rstrip(".").rpartition(".")[2]
    if not _REGION_SUBTAG.fullmatch(tld) or tld in _GENERIC_CCTLDS:
        return None
    return _region_day_first(_TLD_REGION.get(tld, tld.upper()))


def _region_day_first(region: str) -> bool | None:
    if region in _MONTH_FIRST_REGIONS:
        return False
    if region in _YEAR_FIRST_REGIONS:
        return None
    return True


# -- the article's own date ---------------------------------------------------------------------

_HEADER = re.compile(
    r"^\s*(?:date|published|posted|updated|dateline)\s*[:\-]\s*(?P<value>.+)$", re.IGNORECASE | re.MULTILINE
)


#: Text a full date of each kind cannot be written without, found faster than the date patterns in a
#: whole article: these start with a digit or a capital, which ``re`` skips to (speed only).
_FULL_DATE_CLUES = {
    "iso": re.compile(r"\d{4}-\d\d-\d\d"),
    "mdy": re.compile(_MONTH_NAMES),
    "dmy": re.compile(r"\d(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + _MONTH_NAMES + r")"),
}


def _full_dates(text: str) -> list[tuple[int, date]]:
    result = []
    for kind, clue in _FULL_DATE_CLUES.items():
        if not clue.search(text):
            continue
        pattern = dict(_PATTERNS)[kind]
        for m in pattern.finditer(text):
            resolved = _resolve(_Found(m.start(), m.end(), kind, m), None)
            if resolved and resolved[0]:
                result.append((m.start(), date.fromisoformat(resolved[0])))
    return sorted(result)


@lru_cache(maxsize=64)
def find_article_date(text: str) -> str | None:
    """Best guess of the article's date from its own text, as ``YYYY-MM-DD`` or None.

    In order: a header line ("Published: ...", "Date: ..."), a full date in the first
    300 characters (a dateline), else the latest full date anywhere (an article is
    written on or after the events it reports; photo captions often carry the date).
    Dates without a day are not used: a month is too coarse to resolve "Tuesday".

    Examples
    --------
    >>> find_article_date("Smoke billows over Kafr Ruma ... on January 27, 2020. AFP")
    '2020-01-27'
    """
    for header in _HEADER.finditer(text[:2000]):
        dates = _full_dates(header["value"])
        if dates:
            return dates[0][1].isoformat()
    dates = _full_dates(text)
    early = [d for offset, d in dates if offset < 300]
    if early:
        return early[0].isoformat()
    return max(d for _, d in dates).isoformat() if dates else None
