"""Sentence boundaries, for snippets and context: a small rule-based splitter.

Why not a library: the snippet only has to be the sentence a reader would quote, and the rules
(split after . ! ? and at blank lines, but not after "U.S.", "Mr." or an initial) are fast, free
of models and deterministic.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

__all__ = ["SentenceIndex", "sentence_at", "sentence_bounds", "sentence_spans"]

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "col",
        "lt",
        "sgt",
        "st",
        "mt",
        "ft",
        "jr",
        "sr",
        "prof",
        "rep",
        "sen",
        "gov",
        "pres",
        "vs",
        "etc",
        "inc",
        "corp",
        "co",
        "ltd",
        "no",
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
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
    ]
)
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=[^\n]{0,200}$)|\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each sentence, whitespace trimmed, covering the text in order.

    Examples
    --------
    >>> sentence_spans("The U.S. said so. Moscow agreed.")
    [(0, 17), (18, 32)]
    """
    spans = []
    start = 0
    for found in _END.finditer(text):
        if found.group(0)[0] == "." and _is_abbreviation(text, found.start()):
            continue
        spans.append((start, found.end()))
        start = found.end()
    spans.append((start, len(text)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([\w.]+)$", text[max(0, dot - 12) : dot])
    if not word:
        return False
    token = word.group(1).lower().strip(".")
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class SentenceIndex:
    """Sentence lookup by offset in O(log n), built once per article."""

    def __init__(self, text: str) -> None:
        self.spans = sentence_spans(text)
        self._starts = [s for s, _ in self.spans]

    def at(self, offset: int) -> tuple[int, int]:
        i = max(0, bisect.bisect_right(self._starts, offset) - 1)
        return self.spans[i] if self.spans else (0, 0)


def sentence_at(text: str, offset: int) -> tuple[int, int]:
    """The sentence containing ``offset``."""
    return SentenceIndex(text).at(offset)


@lru_cache(maxsize=64)
def _index(text: str) -> SentenceIndex:
    return SentenceIndex(text)


def sentence_bounds(
    text: str, start: int, end: int, sentence_start: int | None = None, sentence_end: int | None = None
) -> tuple[int, int]:
    """The sentence span containing ``[start, end)``; bounds the caller already knows win.

    A mention that straddles a detected boundary (an abbreviation the splitter does not know)
    gets the union of the sentences it touches. Cached per text: a pipeline asks for the sentence
    of every mention of the same article.
    """
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"Expected 0 <= start <= end <= len(text), instead got: start={start!r}, end={end!r}")
    index = _index(text)
    lo, hi = index.at(start)
    last_lo, last_hi = index.at(max(start, end - 1))
    lo, hi = min(lo, last_lo, start), max(hi, last_hi, end)
    return (sentence_start if sentence_start is not None else lo, sentence_end if sentence_end is not None else hi)
