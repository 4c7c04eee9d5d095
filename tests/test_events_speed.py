"""The shortcuts of event typing and dating find exactly what the plain scans find.

Why: :func:`geomap.events.eventdate._expressions` and :func:`geomap.events.eventdate._full_dates` skip a pattern when
the text lacks a clue it needs, and the cue groups that can start at a word run are looked up in an
index (:class:`geomap.events.eventtype._CueStarts`). These tests compare each with the plain way (every
pattern scanned, every group compared) on real sentences and on a salad of near misses.
"""

from __future__ import annotations

import random
import re

import pytest

from geomap.events import eventdate, eventtype
from tests.test_speed_paths import _event_sentences

#: Date words in odd forms: other cases, dotless i and long s (which ``re.IGNORECASE`` folds to ASCII),
#: the Kelvin sign, Arabic-Indic digits, and near misses of each pattern's clue.
_DATE_WORDS = (
    "January 27, 2020", "27th of January 2020", "Jan. 27", "27 Jan", "between 12 and 14 March 2020",
    "March 12-14, 2020", "28 February - 2 March", "from March 28 to April 2, 2020", "2020-01-27",
    "3.3.2020", "04/03/2020", "27/01/2020", "in 2019", "since 1999", "mid-2020", "in early March",
    "last Tuesday", "on Monday", "Tuesday's", "Mondays", "three days ago", "2 WEEKS AGO", "a year ago",
    "the past two weeks", "over the past week", "later this week", "next month", "yesterday",
    "YESTERDAY", "tonıght", "laſt night", "this morning", "earlier today", "overnight", "weeK",
    "\u212aelvin", "day", "Mark", "Market", "May", "may", "٣/٣/٢٠٢٠", "١٢ March", "12:30", "1-2", "3.5",
    "10/2", "Decision", "June", "Sept. 4", "the 1990s", "AGO", "aGo", "a go", "to", "and", "-",
)  # fmt: skip


def _date_sentences() -> list[str]:
    sentences = _event_sentences()
    rng = random.Random(11)
    for _ in range(3000):
        parts = [rng.choice(_DATE_WORDS) for _ in range(rng.randint(1, 6))]
        sentences.append(rng.choice([" ", ", ", " - ", "; ", " to "]).join(parts) + rng.choice([".", "", "!"]))
    return sentences


def _every_expression(sentence: str) -> tuple[eventdate._Found, ...]:
    """The plain scan: every pattern over the whole sentence, overlaps to the longest then earliest."""
    found = [
        eventdate._Found(m.start(), m.end(), kind, m)
        for kind, pattern in eventdate._PATTERNS
        for m in pattern.finditer(sentence)
    ]
    found.sort(key=lambda f: (-(f.end - f.start), f.start))
    kept: list[eventdate._Found] = []
    for item in found:
        if all(item.end <= k.start or item.start >= k.end for k in kept):
            kept.append(item)
    return tuple(sorted(kept, key=lambda f: f.start))


def _spans(found: tuple[eventdate._Found, ...]) -> list[tuple[int, int, str, str]]:
    return [(f.start, f.end, f.kind, f.match.group()) for f in found]


def test_every_pattern_kind_has_its_clues():
    assert {kind for kind, _ in eventdate._PATTERNS} == set(eventdate._NEEDS)
    assert all(needs <= set(eventdate._CLUES) for needs in eventdate._NEEDS.values())


def test_expressions_equal_the_scan_of_every_pattern():
    matched = 0
    for sentence in _date_sentences():
        eventdate._expressions.cache_clear()
        want = _spans(_every_expression(sentence))
        assert _spans(eventdate._expressions(sentence)) == want, sentence
        matched += len(want)
    assert matched > 3000, "too few date expressions were compared"


def test_full_dates_equal_the_scan_of_every_full_date_pattern():
    patterns = dict(eventdate._PATTERNS)
    rng = random.Random(12)
    texts = [" ".join(rng.choice(_DATE_WORDS) for _ in range(rng.randint(1, 30))) for _ in range(800)]
    found = 0
    for text in texts:
        want = []
        for kind in ("iso", "mdy", "dmy"):
            for m in patterns[kind].finditer(text):
                resolved = eventdate._resolve(eventdate._Found(m.start(), m.end(), kind, m), None)
                if resolved and resolved[0]:
                    want.append((m.start(), eventdate.date.fromisoformat(resolved[0])))
        assert eventdate._full_dates(text) == sorted(want), text
        found += len(want)
    assert found > 500, "too few full dates were compared"


def _groups_compared_with_each(run: str, firsts: list) -> tuple[int, ...]:
    """The plain way: the run compared with every group's first words and word prefixes."""
    if not run.isascii():
        return tuple(index for index, first in enumerate(firsts) if first is not None)
    lowered = run.lower()
    return tuple(
        index
        for index, first in enumerate(firsts)
        if first is not None and (lowered in first[0] or (first[1] and lowered.startswith(first[1])))
    )


@pytest.fixture(scope="module")
def firsts() -> list:
    """Each cue group's :func:`geomap.events.eventtype._first_words`, as the lexicon was built from."""
    import tomllib

    data = tomllib.loads(eventtype.default_lexicon_path().read_text(encoding="utf-8"))
    groups = [spec[tier] for spec in data["types"].values() for tier in data["tiers"] if spec.get(tier)]
    groups.append(data["ignore"]["phrases"])
    return [eventtype._first_words(phrases) for phrases in groups]


def test_cue_start_index_equals_comparing_every_group(firsts):
    lexicon = eventtype.load_lexicon()
    assert len(firsts) == len(lexicon.cue_groups)
    starts = eventtype._CueStarts(firsts)
    runs = {m.group() for sentence in _event_sentences() for m in eventtype._RUN.finditer(sentence)}
    runs |= {"", "a", "A", "ſhell", "ﬁght", "drone", "drones", "Drone's", "airstrikes", "AIRSTRIKE", "x'y"}
    compared = 0
    for run in sorted(runs):
        want = _groups_compared_with_each(run, firsts)
        assert starts[run] == want, run
        assert starts[run] == want, run  # remembered
        compared += bool(want)
    assert compared > 500, "too few runs start a cue"


def test_a_last_preposition_or_article_is_found_as_by_a_search_of_the_whole_text():
    """A place after "in" or "the" is no subject: that last word is searched only where it can start."""
    plain = re.compile(
        r"\b(?:in|on|at|of|from|to|near|into|over|around|across|outside|against|for|with|by|toward|towards)\s*$"
        r"|\b(?:the|a|an)\s*$",
        re.IGNORECASE,
    )
    words = ["in", "IN", "ın", "towards", "TOWARD", "toward", "aN", "the", "ſ", "xin", "tin", "a", "an", "Moscow"]
    words += ["-", "'", "x", "1", "\u212a", "by", "byy", "o'", "outside", "againſt"]
    rng = random.Random(13)
    texts = [""] + [
        rng.choice(["", "x", " "]).join(rng.choice(words) for _ in range(rng.randint(0, 4)))
        + rng.choice(["", " ", "  ", "\n", " \u00a0", "\t\n", ".", " ."])
        for _ in range(20_000)
    ]
    ends = 0
    for text in texts:
        want = plain.search(text) is not None
        assert eventtype._ends_with_preposition_or_article(text) == want, repr(text)
        ends += want
    assert ends > 2000
