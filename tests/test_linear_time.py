"""The parse stays linear in the text: a run-on line (no sentence punctuation) costs per KB what prose does.

Why count work instead of timing it: a clock makes a flaky test on a shared machine, while the characters
the event step's regular expressions scan are deterministic and are where its time went (issue 16, item 7:
every cue re-tokenised the whole sentence before it, for every mention). The work of a 1 KB and an 8 KB
single-line input is counted and must grow at most 1.5 times as fast as the text; the 8 KB run stops as
soon as it exceeds that budget, so the test fails quickly instead of running for minutes on quadratic code.
``bench/single_line.py`` measures the time itself, from 1 KB to 1 MB.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterator
from dataclasses import fields, replace
from types import ModuleType

import pytest

import geomap
from geomap import events
from geomap.api import parse_articles
from geomap.events import eventdate, eventtype
from geomap.model import Article
from geomap.parse import sentences

#: Realistic news words: place names, cue words of several event types, dates, commas; no sentence end.
_PROSE = (
    "Russian jets flying from Khmeimim bombed Kafr Ruma on Tuesday and shelling hit the outskirts of Saraqib, "
    "residents said Sergei Lavrov said that Moscow is fully behind the offensive into Idlib province while "
    "thousands of families fled Maarat al-Numan towards Aleppo as drone attacks against Hama continued "
    "protesters gathered in Damascus on January 27 2020 and an explosion near Latakia killed 12 people "
)
_PLACES = "Idlib Aleppo Hama Kafr Ruma Saraqib Damascus Homs Latakia Maarat al-Numan Khmeimim Tartus Daraa "
_GROWTH = 1.5  # allowed excess of the work ratio over the size ratio


class _Budget(Exception):
    """The counted work went past its budget: the step is not linear."""


class _Work:
    """Characters scanned so far, with an optional budget that stops a run as soon as it is exceeded."""

    def __init__(self) -> None:
        self.chars = 0
        self.limit: float | None = None

    def add(self, chars: int) -> None:
        self.chars += chars
        if self.limit is not None and self.chars > self.limit:
            raise _Budget(f"scanned {self.chars} characters, budget {self.limit:.0f}")


class _Counting:
    """A compiled pattern that adds the length of every span it *scans* (``search``, ``findall``,
    ``finditer``, ``sub``, ``split``) to a :class:`_Work`. Anchored ``match`` calls are not counted: they
    stop where the match does, whatever the length of the string."""

    def __init__(self, pattern: re.Pattern[str], work: _Work) -> None:
        self._pattern = pattern
        self._work = work

    def __getattr__(self, name: str):
        return getattr(self._pattern, name)

    def _scanned(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> None:
        self._work.add(max(0, min(endpos, len(string)) - pos))

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize):
        self._scanned(string, pos, endpos)
        return self._pattern.search(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize):
        self._scanned(string, pos, endpos)
        return self._pattern.findall(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize):
        self._scanned(string, pos, endpos)
        return self._pattern.finditer(string, pos, endpos)

    def sub(self, repl, string: str, count: int = 0):
        self._scanned(string)
        return self._pattern.sub(repl, string, count)

    def split(self, string: str, maxsplit: int = 0):
        self._scanned(string)
        return self._pattern.split(string, maxsplit)


def _wrap(value, work: _Work):
    """``value`` with every compiled pattern in it (also inside tuples) counting into ``work``."""
    if isinstance(value, re.Pattern):
        return _Counting(value, work)
    if isinstance(value, tuple):
        return tuple(_wrap(item, work) for item in value)
    return value


def _count_patterns(module: ModuleType, work: _Work, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in vars(module).items():
        wrapped = _wrap(value, work)
        if wrapped is not value:
            monkeypatch.setattr(module, name, wrapped)


def _clear_caches(*modules: ModuleType) -> None:
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, functools._lru_cache_wrapper):
                value.cache_clear()


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Work]:
    """Make the event step's patterns (module ones and the lexicon's) count the characters they scan."""
    counter = _Work()
    lexicon = eventtype.load_lexicon()
    counting = replace(lexicon, **{f.name: _wrap(getattr(lexicon, f.name), counter) for f in fields(lexicon)})
    _clear_caches(eventtype, eventdate, sentences)
    monkeypatch.setattr(eventtype, "_load", lambda path: counting)
    for module in (eventtype, eventdate, sentences):
        _count_patterns(module, counter, monkeypatch)
    yield counter
    _clear_caches(eventtype, eventdate, sentences)


@pytest.fixture(scope="module")
def curated():
    return geomap.load_gazetteer()


def _line(unit: str, size: int) -> str:
    """``unit`` numbered and repeated to ``size`` characters on one line (numbered, so that no two
    pieces of the line are the same sentence and none is typed from a cache)."""
    parts: list[str] = []
    length = 0
    while length < size:
        parts.append(f"{unit}{len(parts)} ")
        length += len(parts[-1])
    return "".join(parts)[:size].rstrip()


def _event_work(text: str, gazetteer, work: _Work) -> int:
    """Characters scanned to type and date the event at every resolved mention of ``text``."""
    ((article, toponyms),) = parse_articles([Article(id="line", title="", text=text, date="2020-01-29")], gazetteer)
    assert len(toponyms) > 10
    before = work.chars
    for top in toponyms:
        if top.place is not None:
            events.mention_event(article, top.start, top.end)
    return work.chars - before


@pytest.mark.parametrize("unit", [_PROSE, _PLACES], ids=["prose", "place_names"])
def test_event_step_work_grows_linearly_on_a_single_line(unit, curated, work):
    small = _event_work(_line(unit, 1_000), curated, work)
    work.limit = work.chars + _GROWTH * 8 * small
    large = _event_work(_line(unit, 8_000), curated, work)
    assert large <= _GROWTH * 8 * small


class _ComparedText(str):
    """A text that counts the characters compared whenever it is tested for equality (cache lookups)."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        _ComparedText.compared += len(self)
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def test_an_equal_text_seen_before_is_compared_once_not_per_mention(curated, monkeypatch):
    """Typing a text again (a new string, equal to one already indexed: a re-run) must not compare the
    whole text once per mention, as a cache keyed by the text did."""
    line = _line(_PLACES, 8_000)
    ((_, toponyms),) = parse_articles([Article(id="line", title="", text=line)], curated)
    monkeypatch.setattr(_ComparedText, "compared", 0)
    for text in (_ComparedText(line), _ComparedText(line)):
        article = Article(id="line", title="", text=text, date="2020-01-29")
        for top in toponyms:
            events.mention_event(article, top.start, top.end)
    assert len(toponyms) > 100
    assert _ComparedText.compared <= 2 * len(line)


def test_a_run_on_line_is_cut_into_bounded_sentences():
    text = _line(_PROSE, 100_000)
    spans = sentences.sentence_spans(text)
    assert max(e - s for s, e in spans) <= sentences.MAX_SENTENCE_CHARS
    assert [c for s, e in spans for c in text[s:e] if not c.isspace()] == [c for c in text if not c.isspace()]
    for (_, e1), (s2, _) in zip(spans, spans[1:]):
        assert e1 <= s2


def test_real_sentences_are_not_cut(seed_text):
    spans = sentences.sentence_spans(seed_text)
    long_one = "Residents of Idlib, " * 120 + "fled."
    assert len(long_one) < sentences.MAX_SENTENCE_CHARS
    assert sentences.sentence_spans(long_one) == [(0, len(long_one))]
    assert all(e - s < 1_000 for s, e in spans)
