"""Sentence bounds for event classification and dating.

Event type and event date are read from the sentence of a mention, so both
``geomap.eventtype`` and ``geomap.eventdate`` need the same, cheap, deterministic
splitter. A regex splitter is enough for news prose; it knows the abbreviations
that appear in conflict reporting ("U.S.", "Gen.", "Jan.") so that they do not end
a sentence, and it treats line breaks as hard boundaries because captions,
keyword lines and headlines come without a final full stop.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["sentence_bounds", "sentence_spans"]

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "sgt",
        "st",
        "no",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "gov",
        "sen",
        "rep",
        "pres",
        "prof",
        "jr",
        "sr",
        "inc",
        "corp",
        "co",
        "ltd",
        "dept",
        "est",
        "approx",
        "fig",
    ]
)
_BOUNDARY = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*\s+|\n\s*")
_INITIALS = re.compile(r"(?:\b[A-Za-z]\.)+$")


@lru_cache(maxsize=64)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Return ``(start, end)`` character spans of the sentences of ``text``.

    Cached on the text, because a pipeline asks for the sentence of every mention of
    the same article. Spans exclude the trailing whitespace; empty lines yield nothing.

    Examples
    --------
    >>> sentence_spans("The U.S. said so. Moscow agreed.")
    ((0, 17), (18, 32))
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group().startswith((".", "!", "?")) and "\n" not in match.group():
            before = text[start : match.start() + 1]
            word = re.search(r"(\S+)$", before)
            token = word.group(1) if word else ""
            if token[:-1].lower().strip("(\"'") in _ABBREVIATIONS or _INITIALS.search(token):
                continue
            following = text[match.end() : match.end() + 1]
            if following and following.islower():
                continue
        end = match.start() + len(match.group().rstrip())
        if text[start:end].strip():
            spans.append(_strip(text, start, end))
        start = match.end()
    if text[start:].strip():
        spans.append(_strip(text, start, len(text)))
    return tuple(spans)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_bounds(
    text: str, start: int, end: int, sentence_start: int | None = None, sentence_end: int | None = None
) -> tuple[int, int]:
    """Return the sentence span containing ``[start, end)``, honouring caller-given bounds.

    A caller that already split the article (the extractor) passes its bounds and they
    win; a missing bound is filled from :func:`sentence_spans`. A mention that straddles
    a detected boundary (an abbreviation we do not know) gets the union of both sentences.
    """
    if not 0 <= start <= end <= len(text):
        raise ValueError(
            f"Expected 0 <= start <= end <= len(text), instead got: start={start!r}, end={end!r}"
        )
    if sentence_start is not None and sentence_end is not None:
        return sentence_start, sentence_end
    lo, hi = start, end
    for s, e in sentence_spans(text):
        if s <= start < e or (s < end <= e) or (start == end and s <= start <= e):
            lo, hi = min(lo, s), max(hi, e)
    if sentence_start is not None:
        lo = sentence_start
    if sentence_end is not None:
        hi = sentence_end
    return lo, hi
