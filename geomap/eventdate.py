"""Event date of a place mention: when did what happened there happen?

A regex pass over the mention's sentence finds date expressions, resolves them
against the article date, and keeps the one closest to the mention (clause
boundaries count as distance). No dateparser: the forms news uses are few, a regex
pass costs microseconds, and it cannot download language data or read the clock.

Resolution rules (the article date is ``D``):

* explicit (the text alone fixes it): "January 27, 2020", "27 January 2020",
  "2020-01-27" -> ``YYYY-MM-DD``; "June 2014" -> ``YYYY-MM``; "in 2019" -> ``YYYY``; numeric
  dates: "3.3.2020" (dotted: day first), "27/01/2020" or "01/27/2020" (a part above 12 decides),
  "03/03/2020" (day == month).
* ambiguous: a slashed date that reads both ways ("04/03/2020": April 3 in the US, 4 March in
  most of the world) gives no date, ``source="ambiguous"``: never a silent guess.
* relative (needs ``D``):
  - weekdays ("said Tuesday", "on Tuesday", "Tuesday's attack"): the most recent such
    day on or before ``D`` (a Tuesday article's "Tuesday" is that day);
    "last Tuesday": strictly before ``D``; "next Tuesday": strictly after;
  - "today", "tonight", "this morning", "overnight" -> ``D``; "yesterday", "last night" -> ``D-1``;
  - "three days ago" -> ``D-3``; "two weeks ago" -> ``D-14``; "a month ago" -> month of ``D-1 month``;
  - "January 27" / "27 January" without year: the most recent such date on or before ``D``;
  - "in December" (month after in/since/until/by/during/early/late/...): the most recent
    December on or before ``D``'s month; "last December" strictly before, "next" strictly after;
  - "this week/month/year", "earlier this month", "last week/month/year", "next ...",
    "the past two weeks": the covered range, written with the precision the range allows
    (a week inside one month -> ``YYYY-MM``; "last year" -> ``YYYY``).
* article: nothing in the sentence -> ``D`` with ``source="article"``.
* None: nothing in the sentence and no article date (or only relative expressions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from geomap.sentences import GapCounts, sentence_bounds

__all__ = ["EventDate", "event_date", "find_article_date"]


@dataclass(frozen=True)
class EventDate:
    """The date of the event at one mention.

    Attributes
    ----------
    date : str or None
        ISO 8601 ``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` when only that is known.
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
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = r"(?P<n>\d{1,2}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
_UNIT = r"(?P<unit>day|week|month|year)s?"
_MONTH_PREP = (
    r"(?P<prep>in|since|until|till|by|during|from|through|throughout|before|after|of|early|late|mid|last|this|next)"
)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
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


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    kind: str
    match: re.Match[str]


def _iso(day: date) -> str:
    return day.isoformat()


def _span(first: date, last: date) -> str | None:
    """Write a date range with the precision it allows (same day, month or year), else None."""
    if first == last:
        return first.isoformat()
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.year:04d}-{first.month:02d}"
    if first.year == last.year:
        return f"{first.year:04d}"
    return None


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def _month_end(day: date) -> date:
    return _add_months(day, 1) - timedelta(days=1)


def _number(text: str) -> int | None:
    text = text.lower()
    return int(text) if text.isdigit() else _NUMBERS.get(text)


def _month_number(text: str) -> int:
    return _MONTHS[text.lower().rstrip(".")]


def _resolve(found: _Found, article: date | None) -> tuple[str, str] | None:
    """Resolve one expression to (iso, source), or None when it cannot be resolved."""
    m, kind = found.match, found.kind
    try:
        if kind == "iso":
            return date(int(m["year"]), int(m["mon"]), int(m["day"])).isoformat(), "explicit"
        if kind in ("mdy", "dmy"):
            return date(int(m["year"]), _month_number(m["month"]), int(m["day"])).isoformat(), "explicit"
        if kind == "numeric":
            return _numeric(m)
        if kind == "my":
            return f"{int(m['year']):04d}-{_month_number(m['month']):02d}", "explicit"
        if kind == "year":
            return m["year"], "explicit"
        if article is None:
            return None
        if kind in ("md", "dm"):
            month, day = _month_number(m["month"]), int(m["day"])
            candidate = date(article.year, month, day)
            if candidate > article:
                candidate = date(article.year - 1, month, day)
            return candidate.isoformat(), "relative"
        if kind == "month":
            month, prep = _month_number(m["month"]), (m["prep"] or "").lower()
            year = article.year
            if prep == "next":
                year += 1 if month <= article.month else 0
            elif prep == "this":
                pass
            elif month > article.month or (prep == "last" and month == article.month):
                year -= 1
            return f"{year:04d}-{month:02d}", "relative"
        if kind == "weekday":
            return _weekday(m, article).isoformat(), "relative"
        if kind == "day":
            word = " ".join(m["word"].lower().split())
            offset = {"yesterday": 1, "last night": 1, "the day before yesterday": 2}.get(word, 0)
            return (article - timedelta(days=offset)).isoformat(), "relative"
        if kind == "ago":
            return _ago(m, article)
        if kind == "span":
            iso = _span_expression(m, article)
            return (iso, "relative") if iso else None
    except ValueError:  # an impossible date such as "February 30"
        return None
    return None


def _numeric(m: re.Match[str]) -> tuple[str | None, str]:
    """A numeric date: dotted is day first (``3.3.2024``, the European form); slashed is decided by a
    part above 12 or by day == month, and is otherwise ``(None, "ambiguous")``: ``04/03/2024`` is
    April 3 in the US and 4 March elsewhere, and geomap does not guess which."""
    a, b, year = int(m["a"]), int(m["b"]), int(m["year"])
    if m["sep"] == "." or a > 12 or a == b:
        day, month = a, b
    elif b > 12:
        month, day = a, b
    else:
        return None, "ambiguous"
    return date(year, month, day).isoformat(), "explicit"


def _weekday(m: re.Match[str], article: date) -> date:
    target = _WEEKDAYS[m["weekday"].lower()]
    mod = (m["mod"] or "").lower()
    back = (article.weekday() - target) % 7
    if mod == "next":
        return article + timedelta(days=(target - article.weekday()) % 7 or 7)
    if mod == "last" and back == 0:
        back = 7
    return article - timedelta(days=back)


def _ago(m: re.Match[str], article: date) -> tuple[str, str] | None:
    n, unit = _number(m["n"]), m["unit"].lower()
    if n is None:
        return None
    if unit == "day":
        return (article - timedelta(days=n)).isoformat(), "relative"
    if unit == "week":
        return (article - timedelta(weeks=n)).isoformat(), "relative"
    if unit == "month":
        month = _add_months(article, -n)
        return f"{month.year:04d}-{month.month:02d}", "relative"
    return f"{article.year - n:04d}", "relative"


def _span_expression(m: re.Match[str], article: date) -> str | None:
    which = " ".join(m["which"].lower().split())
    unit = m["unit"].lower()
    n = _number(m["n"]) if m["n"] else 1
    if n is None:
        return None
    if which.endswith("past"):
        first = {
            "day": article - timedelta(days=n),
            "week": article - timedelta(weeks=n),
            "month": _add_months(article, -n).replace(day=min(article.day, 28)),
            "year": article.replace(year=article.year - n, day=min(article.day, 28)),
        }[unit]
        return _span(first, article)
    step = {"last": -1, "previous": -1, "next": 1}.get(which, 0) * n
    if unit == "day":
        return _iso(article + timedelta(days=step))
    if unit == "week":
        monday = article - timedelta(days=article.weekday()) + timedelta(weeks=step)
        last = article if step == 0 else monday + timedelta(days=6)
        return _span(monday, last)
    if unit == "month":
        first = _add_months(article, step)
        return _span(first, _month_end(first))
    return f"{article.year + step:04d}"


@lru_cache(maxsize=512)
def _expressions(sentence: str) -> tuple[_Found, ...]:
    """All date expressions of a sentence; overlaps go to the longest (then earliest) match.

    Cached: a sentence often holds several mentions. A sentence without a digit, a month
    abbreviation or a time word cannot match any pattern and is not scanned by them (speed only).
    """
    if not _MAY_HOLD_DATE.search(sentence):
        return ()
    found = [_Found(m.start(), m.end(), kind, m) for kind, pattern in _PATTERNS for m in pattern.finditer(sentence)]
    found.sort(key=lambda f: (-(f.end - f.start), f.start))
    kept: list[_Found] = []
    for item in found:
        if all(item.end <= k.start or item.start >= k.end for k in kept):
            kept.append(item)
    return tuple(sorted(kept, key=lambda f: f.start))


# What every pattern of _PATTERNS needs somewhere in the sentence: a digit (dates, years, "3 days
# ago"), a capitalised month (its first three letters, case-sensitive as in _MONTH), or a word that
# holds a unit or time of day ("Monday", "yesterday" and "today" hold "day"; "tonight" and
# "overnight" hold "night").
_MAY_HOLD_DATE = re.compile(
    r"\d|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|(?i:day|week|month|year|night|morning|afternoon|evening)"
)


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
        resolved = _resolve(found, article)
        if resolved:  # (iso, source), or (None, "ambiguous"): the nearest date is said, not skipped
            return EventDate(resolved[0], resolved[1], sentence[found.start : found.end])
    if article is not None:
        return EventDate(article.isoformat(), "article", "")
    return EventDate(None, None, "")


_HEADER = re.compile(
    r"^\s*(?:date|published|posted|updated|dateline)\s*[:\-]\s*(?P<value>.+)$", re.IGNORECASE | re.MULTILINE
)


def _full_dates(text: str) -> list[tuple[int, date]]:
    result = []
    for kind in ("iso", "mdy", "dmy"):
        pattern = dict(_PATTERNS)[kind]
        for m in pattern.finditer(text):
            resolved = _resolve(_Found(m.start(), m.end(), kind, m), None)
            if resolved:
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
