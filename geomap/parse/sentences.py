"""Sentence boundaries, for snippets and context: a small rule-based splitter.

Why not a library: the snippet only has to be the sentence a reader would quote, and the rules
(split after . ! ? and at blank lines, but not after "U.S.", "Mr." or an initial) are fast, free
of models and deterministic.

A "sentence" longer than :data:`MAX_SENTENCE_CHARS` is not one a reader wrote: it is a line without
sentence punctuation (a pasted list, a title line of place names, text whose periods were lost). It
is cut into pieces at most that long, at the last clause mark or space of each, because everything
read per mention (its snippet, the cues and dates around it) is read from its sentence: with no bound,
a one-line article made the parse quadratic in its length.
"""

from __future__ import annotations

import bisect
import re
from collections import deque
from collections.abc import Iterable
from functools import lru_cache

__all__ = [
    "MAX_SENTENCE_CHARS",
    "GapCounts",
    "SentenceIndex",
    "sentence_at",
    "sentence_bounds",
    "sentence_index",
    "sentence_spans",
]

#: Longest sentence kept whole, in characters. Far above real ones (the longest of the LGL corpus and
#: the seed articles has 935), so that only run-on lines are cut.
MAX_SENTENCE_CHARS = 3000

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
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))
# A sentence ends after . ! ? (and closing quotes or brackets) before a capital or a digit, at a blank
# line, or at a line break. Written as one character class first, then what each of those characters
# needs (speed only: the same matches as ``[.!?]+["'”’)\]]*(?=...)|\n\s*\n|\n(?=...)|\n``): with a
# leading class the regex engine jumps from candidate to candidate instead of trying every position.
_END = re.compile(
    r"[.!?\n](?:(?<=[.!?])[.!?]*[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|(?<=\n)\s*\n|(?<=\n)(?=[^\n]{0,200}$)|(?<=\n))"
)
# Where an over-long sentence may be cut: after a clause mark followed by a space, else at a space.
_CLAUSE = re.compile(r"[;:,\u2014\u2013](?=\s)|\s[\u2014\u2013-](?=\s)")
_SPACE = re.compile(r"\s")
_WORD_BEFORE_DOT = re.compile(r"[\w.]+$")  # searched up to the dot: "$" is the end of that search


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each sentence, whitespace trimmed, covering the text in order.

    Examples
    --------
    >>> sentence_spans("The U.S. said so. Moscow agreed.")
    [(0, 17), (18, 32)]
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for found in _END.finditer(text):
        dot = found.start()
        if text[dot] == "." and _is_abbreviation(text, dot):
            continue
        _add_trimmed(text, start, found.end(), spans)
        start = found.end()
    _add_trimmed(text, start, len(text), spans)
    return spans


def _add_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append ``[start, end)`` whitespace trimmed and cut by :func:`_cut_long`, unless it is only whitespace.

    Speed only: the lengths of the stripped copies give what :func:`_trim` gives, without a loop per character.
    """
    sentence = text[start:end]
    core = sentence.strip()
    if not core:
        return
    start += len(sentence) - len(sentence.lstrip())
    end = start + len(core)
    if end - start > MAX_SENTENCE_CHARS:
        spans.extend(_cut_long(text, start, end))
    else:
        spans.append((start, end))


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` as pieces of at most :data:`MAX_SENTENCE_CHARS`, trimmed (itself when short enough)."""
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = _cut_point(text, start, start + MAX_SENTENCE_CHARS)
        pieces.append(_trim(text, start, cut))
        start = _trim(text, cut, end)[0]
    pieces.append((start, end))
    return [(s, e) for s, e in pieces if s < e]


def _cut_point(text: str, lo: int, hi: int) -> int:
    """Where to end a piece of ``text[lo:hi]``: just after its last clause mark, else at its last space,
    searched in the second half so that pieces stay long; at ``hi`` when there is neither."""
    half = lo + (hi - lo) // 2
    clause = _last_match(_CLAUSE, text, half, hi)
    if clause is not None:
        return clause.end()
    space = _last_match(_SPACE, text, half, hi)
    return space.start() if space is not None else hi


def _last_match(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> re.Match[str] | None:
    last = deque(pattern.finditer(text, lo, hi), maxlen=1)
    return last[0] if last else None


def _is_abbreviation(text: str, dot: int) -> bool:
    if dot > _LONGEST_ABBREVIATION and text[dot - _LONGEST_ABBREVIATION - 1 : dot].isalnum():
        return False  # speed only: more letters or digits before the dot than any abbreviation or initial has
    word = _WORD_BEFORE_DOT.search(text, max(0, dot - 12), dot)
    if not word:
        return False
    token = word.group().lower().strip(".")
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class SentenceIndex:
    """Sentence lookup by offset in O(log n), built once per article and not changed after (it is shared:
    see :func:`sentence_index`)."""

    def __init__(self, text: str) -> None:
        self.spans = sentence_spans(text)
        self._starts = [s for s, _ in self.spans]
        # The first start, then every start: the start of at(offset) is _start_of[bisect_right(_starts, offset)].
        self._start_of = [self._starts[0] if self._starts else 0, *self._starts]

    def at(self, offset: int) -> tuple[int, int]:
        i = max(0, bisect.bisect_right(self._starts, offset) - 1)
        return self.spans[i] if self.spans else (0, 0)

    def starts_at(self, offsets: Iterable[int]) -> list[int]:
        """``at(offset)[0]`` of each offset, in one call (speed only: for every mention of an article)."""
        starts, start_of, find = self._starts, self._start_of, bisect.bisect_right
        return [start_of[find(starts, offset)] for offset in offsets]


def sentence_at(text: str, offset: int) -> tuple[int, int]:
    """The sentence containing ``offset``."""
    return SentenceIndex(text).at(offset)


@lru_cache(maxsize=64)
def _index(text: str) -> SentenceIndex:
    return SentenceIndex(text)


_last_index: tuple[str, SentenceIndex] = ("", SentenceIndex(""))


def sentence_index(text: str) -> SentenceIndex:
    """The sentence index of ``text``, shared by every step that reads its sentences (never modify it).

    Why shared: recognition and the event steps after it read the sentences of the same article, and
    the splitter ran once for each. Why the last string first: every mention of an article asks with
    the same string, and a cache lookup compares the whole text whenever an equal one (a new object)
    was indexed before, as on a re-run of the same input: one comparison of the whole text per
    mention, quadratic in the article.
    """
    global _last_index
    last = _last_index
    if last[0] is text:
        return last[1]
    index = _index(text)
    _last_index = (text, index)
    return index


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
    if sentence_start is not None and sentence_end is not None:
        return sentence_start, sentence_end
    index = sentence_index(text)
    lo, hi = index.at(start)
    last_lo, last_hi = index.at(max(start, end - 1))
    lo, hi = min(lo, last_lo, start), max(hi, last_hi, end)
    return (sentence_start if sentence_start is not None else lo, sentence_end if sentence_end is not None else hi)


_TOKEN = re.compile(r"\w+")
_COMMA = re.compile(",")


class GapCounts:
    """What lies between two offsets of one sentence, counted in O(log n) instead of by a regex pass.

    Event typing and dating weigh a cue or a date by the tokens, commas and clause boundaries between it
    and the mention. Counted by scanning ``sentence[a:b]`` for every pair of mention and cue, that was
    quadratic in the sentence; here each is counted once per sentence and looked up by bisection.

    Every count equals ``len(pattern.findall(sentence[a:b]))`` exactly. For ``boundary`` (a pattern
    without lookarounds or anchors other than ``\\b``, as the callers' are), a match of the whole sentence
    that crosses ``a`` or ``b``, or an offset inside a word (where ``\\b`` reads differently in the slice),
    sends the count back to the regex on the slice.
    """

    def __init__(self, sentence: str, boundary: re.Pattern[str]) -> None:
        self.sentence = sentence
        self.boundary = boundary
        tokens = [m.span() for m in _TOKEN.finditer(sentence)]
        self._token_starts = [s for s, _ in tokens]
        self._token_ends = [e for _, e in tokens]
        self._commas = [m.start() for m in _COMMA.finditer(sentence)]
        marks = [m.span() for m in boundary.finditer(sentence)]
        self._mark_starts = [s for s, _ in marks]
        self._mark_ends = [e for _, e in marks]

    def tokens(self, a: int, b: int) -> int:
        """``len(re.findall(r"\\w+", sentence[a:b]))``: the tokens that overlap ``[a, b)``."""
        if a >= b:
            return 0
        return bisect.bisect_left(self._token_starts, b) - bisect.bisect_right(self._token_ends, a)

    def commas(self, a: int, b: int) -> int:
        """``sentence[a:b].count(",")``."""
        if a >= b:
            return 0
        return bisect.bisect_left(self._commas, b) - bisect.bisect_left(self._commas, a)

    def boundaries(self, a: int, b: int) -> int:
        """``len(boundary.findall(sentence[a:b]))``."""
        if a >= b:
            return 0
        if self._crossed(a) or self._crossed(b) or self._in_word(a) or self._in_word(b):
            return len(self.boundary.findall(self.sentence[a:b]))
        return bisect.bisect_right(self._mark_ends, b) - bisect.bisect_left(self._mark_starts, a)

    def _crossed(self, offset: int) -> bool:
        """A boundary match of the whole sentence starts before ``offset`` and ends after it."""
        i = bisect.bisect_left(self._mark_starts, offset) - 1
        return i >= 0 and self._mark_ends[i] > offset

    def _in_word(self, offset: int) -> bool:
        """``offset`` falls between two word characters."""
        i = bisect.bisect_left(self._token_starts, offset) - 1
        return i >= 0 and self._token_ends[i] > offset
