"""Find the gazetteer's names in a text: whole words, longest match, offsets into the original.

One pass of the gazetteer's Aho-Corasick automaton over the folded text (``iter_long``: leftmost
longest, non-overlapping), so "Khmeimim Air Base" is one mention and "Radio Free Europe" is consumed
by its exclusion entry before "Europe" could match. A small job on the world store uses its span
index instead (same hits, no automaton to load; see :class:`~geomap.gazetteer.SpanIndex`). Each
hit is then checked against the original text: it must end at a word boundary and be written in a
case its gazetteer forms allow. A hit of several words that fails the case check gives way to the
longest shorter key at its start that passes ("Gansu province" is "Gansu" when the gazetteer only
knows "Gansu Province").
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from geomap.gazetteer import ENTRY_ABBREVIATION, ENTRY_EXCLUDE, Gazetteer, case_allows
from geomap.gazetteer.index import HIT_ABBREVIATION, HIT_CAPITAL, HIT_CODE, HIT_SEVERAL_WORDS
from geomap.model import Match
from geomap.parse.affixes import affixed_mentions
from geomap.parse.normalize import Folded, fold

__all__ = ["find_mentions", "expect_text"]

_DOTTED_ABBREVIATION = re.compile(r"(?:^|[\s,])(?:[A-Za-z]\.)+[A-Za-z]$")


def find_mentions(text: str, gazetteer: Gazetteer) -> list[Match]:
    """Every place-name and demonym mention in ``text``, in document order: the whole words
    (:func:`_whole_word_mentions`), and the names inside words with an attached prefix or case ending
    ("بحلب", "בירושלים", "Харкова"; see :mod:`geomap.parse.affixes`)."""
    return affixed_mentions(text, _whole_word_mentions(text, gazetteer), gazetteer, _whole_word_mentions)


def _whole_word_mentions(text: str, gazetteer: Gazetteer) -> list[Match]:
    """Every place-name and demonym mention in ``text`` that is whole words, in document order.

    Examples
    --------
    >>> from geomap.gazetteer import load_curated
    >>> [m.surface for m in find_mentions("Shelling hit Maaret al-Numan.", load_curated())]
    ['Maaret al-Numan']
    """
    folded = fold(text)
    fstarts, fends, eids, codes = (np.array(column, dtype=np.intp) for column in _word_hits(folded, gazetteer))
    if not eids.size:
        return []
    starts = folded.offsets[fstarts]
    ends = folded.ends[fends - 1]
    judged, rejected, several = _hits_to_judge(text, folded, fstarts, fends, codes, starts)
    entries = gazetteer.entries
    accepted = _accepted(gazetteer)
    matches = []
    for start, end, eid, code, rejected_at_once, shorter_may_pass in zip(
        *(column[judged].tolist() for column in (starts, ends, eids, codes, rejected, several))
    ):
        if not rejected_at_once:
            if code == HIT_ABBREVIATION and not _capitals_only(gazetteer, eid):
                if text[end : end + 1] != ".":
                    continue  # "La" alone is not Louisiana; "La." after a town is
                end += 1
            elif text[end : end + 1] == "." and _DOTTED_ABBREVIATION.search(text[start:end]):
                end += 1  # "U.S." keeps its final period
            surface = text[start:end]
            key = (eid, surface)
            found = accepted.get(key)
            if found is None:  # once per name and spelling: the entry's case rules and what the match is
                entry = entries[eid]
                if case_allows(entry.patterns, surface):
                    found = ("place" if entry.type == ENTRY_ABBREVIATION else entry.type, tuple(entry.place_ids))
                else:
                    found = ()
                accepted[key] = found
            if found:
                matches.append(Match(start, end, surface, found[0], found[1]))
                continue
        # The case rules rejected the hit. A key of several words gives way to a shorter one that passes.
        if shorter_may_pass:
            shorter = _shorter_match(text, folded, start, eid, gazetteer)
            if shorter is not None:
                matches.append(shorter)
    return matches


def _hits_to_judge(
    text: str, folded: Folded, fstarts: np.ndarray, fends: np.ndarray, codes: np.ndarray, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which hits need a look (indices), which of all are rejected by case at once, which are several words.

    Speed only, for all hits of a text at once: most hits are lowercase words ("in", "man", "police")
    whose every form is capitalised. A hit starts on an alphanumeric character, which is its first
    token's first character, and a lowercase one fails rules 1 and 2 (see case_allows), so such a hit
    is rejected as case_allows would, without tokenising the surface. A rejected hit still needs a
    look when a shorter key at its start may pass: when its key has several words (a space inside).
    """
    rejected = (codes == HIT_CAPITAL) & _lowercase_bmp()[_code_points(text)[starts]]
    spaces = np.flatnonzero(_code_points(folded.text) == ord(" "))
    several = np.searchsorted(spaces, fends) > np.searchsorted(spaces, fstarts)
    return np.flatnonzero(~rejected | several), rejected, several


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


@lru_cache(maxsize=1)
def _lowercase_bmp() -> np.ndarray:
    """``str.islower`` of each character of the Basic Multilingual Plane, as a lookup array (~5 ms to build).

    A hit never starts beyond the plane: folding makes astral characters spaces.
    """
    return np.array([chr(code).islower() for code in range(0x10000)], dtype=bool)


def _capitals_only(gazetteer: Gazetteer, eid: int) -> bool:
    """An abbreviation written in capitals only ("DPRK", "KSA"): its case marks it, so it needs no period.

    Why: "La." needs its period to be Louisiana ("La Paz" is not), but "DPRK" cannot be an ordinary
    word: case rule 2 (all capitals) already rejects "Dprk" and "dprk". A period after it ends the
    sentence and stays out of the mention. Cached per entry.
    """
    known = gazetteer.memo.setdefault("extract_capitals", {})
    found = known.get(eid)
    if found is None:
        patterns = gazetteer.entries[eid].patterns
        found = known[eid] = bool(patterns) and all(pattern and set(pattern) == {2} for pattern in patterns)
    return found


def _accepted(gazetteer: Gazetteer, name: str = "extract_surfaces") -> dict:
    cache = gazetteer.memo.setdefault(name, {})
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    return cache


def _shorter_match(text: str, folded: Folded, start: int, eid: int, gazetteer: Gazetteer) -> Match | None:
    """The longest shorter key at a rejected hit's start whose case rules the text passes, as a match.

    Why: the scan keeps only the longest key at a position, so "Gansu province" (lowercase head noun)
    finds the key of "Gansu Province", which asks for a capital P; without this the place would not be
    found at all. The words after the shorter key are not scanned again (they continued a name).
    Both ways of finding hits give the same rejected hits, so this keeps them equivalent. Cached per
    entry and spelling, like the accepted hits (a lookup on the world store's span index is a query).
    """
    key = gazetteer.entries[eid].key
    first = int(np.searchsorted(folded.offsets, start, side="right")) - 1  # folded index of the hit's start
    long_end = int(folded.ends[first + len(key) - 2])
    cache = _accepted(gazetteer, "extract_shorter")
    memo_key = (eid, text[start:long_end])
    found = cache.get(memo_key)
    if found is None:
        found = cache[memo_key] = _shorter_key(text, folded, start, first, key, gazetteer)
    if not found:
        return None
    length, type_, place_ids = found
    return Match(start, start + length, text[start : start + length], type_, place_ids)


def _shorter_key(
    text: str, folded: Folded, start: int, first: int, key: str, gazetteer: Gazetteer
) -> tuple[int, str, tuple[str, ...]] | tuple[()]:
    """(length in the text, type, place ids) of :func:`_shorter_match`'s key, or () when none passes.

    The shorter key is judged as a hit of its own (abbreviations need their period, "U.S." keeps
    it); an exclusion stops the search, as it would have consumed the span.
    """
    entries = gazetteer.entries
    cut = key.rfind(" ")
    while cut > 0:
        eid = gazetteer.key_id(key[:cut])
        if eid is not None:
            entry = entries[eid]
            if entry.type == ENTRY_EXCLUDE:
                return ()
            end = int(folded.ends[first + cut - 2])
            has_period = text[end : end + 1] == "."
            if entry.type == ENTRY_ABBREVIATION and not _capitals_only(gazetteer, eid):
                end = end + 1 if has_period else -1
            elif has_period and _DOTTED_ABBREVIATION.search(text[start:end]):
                end += 1
            if end > start and case_allows(entry.patterns, text[start:end]):
                type_ = "place" if entry.type == ENTRY_ABBREVIATION else entry.type
                return end - start, type_, tuple(entry.place_ids)
        cut = key.rfind(" ", 0, cut)
    return ()


_CACHE_LIMIT = 200_000  # per cache (spellings), emptied when full: bounded memory


def _word_hits(folded: Folded, gazetteer: Gazetteer) -> tuple[list[int], list[int], list[int], list[int]]:
    """Whole-word leftmost-longest key hits: through the span index while a job is small, else the automaton."""
    if gazetteer.spans is not None and not gazetteer.automaton_loaded:
        budget = gazetteer.memo.setdefault("span_budget", {"chars": 0})
        budget["chars"] += len(folded.text)
        if budget["chars"] <= SPAN_INDEX_CHARS:
            return _indexed_word_hits(folded, gazetteer)
    return _automaton_word_hits(folded, gazetteer)


#: Text (folded characters) a job matches through the span index before the automaton is loaded.
#: Why this much: the index needs no load but costs ~0.7-1 s per MB more than the automaton scan, and
#: loading the world automaton takes ~0.3 s (docs/performance.md, "Cold start"), so below ~0.4 MB the
#: index is faster; a job that outgrows it has lost at most ~0.3 s.
SPAN_INDEX_CHARS = 400_000


def expect_text(gazetteer: Gazetteer, chars: int) -> None:
    """Tell the matcher how much text a job is about to scan: a big job loads the automaton at once.

    Speed only (the hits are the same either way): without it, a big job would first scan
    :data:`SPAN_INDEX_CHARS` through the slower span index and only then load the automaton.
    """
    if gazetteer.spans is not None and not gazetteer.automaton_loaded and chars > SPAN_INDEX_CHARS:
        gazetteer.automaton  # noqa: B018  (loads it)


def _indexed_word_hits(folded: Folded, gazetteer: Gazetteer) -> tuple[list[int], list[int], list[int], list[int]]:
    """The same hits as :func:`_automaton_word_hits`, found with the gazetteer's span index.

    Word starts are the spaces of the folded text (it starts with one, runs are collapsed). For
    each, the spans of one, two, ... words are looked up, going on only while the index says a
    longer key continues the span; the longest span that is a key wins. Then, left to right, a word
    start with a winner takes it and the scan goes on after its last word, exactly as the
    automaton's leftmost-longest, non-overlapping scan does.
    """
    text = folded.text
    bounds = [m.start() for m in _SPACE.finditer(text)]
    bounds.append(len(text))
    last = len(bounds) - 1
    longest = _longest_keys(text, bounds, gazetteer.spans.find)
    rules = gazetteer.hit_rules.rules
    fstarts: list[int] = []
    fends: list[int] = []
    eids: list[int] = []
    codes: list[int] = []
    i = 0
    while i < last:
        hit = longest.get(i)
        if hit is None:
            i += 1
            continue
        words, eid = hit
        code = rules[eid] & HIT_CODE
        if code:
            fstarts.append(bounds[i] + 1)
            fends.append(bounds[i + words])
            eids.append(eid)
            codes.append(code)
        i += words
    return fstarts, fends, eids, codes


def _longest_keys(text: str, bounds: list[int], find) -> dict[int, tuple[int, int]]:
    """Word index -> (words, entry id) of the longest key starting at that word, for words that start one.

    One batch of lookups per span length: all one-word spans, then the two-word spans of the words
    whose one-word span goes on into a longer key, and so on (rarely more than five rounds).
    """
    last = len(bounds) - 1
    longest: dict[int, tuple[int, int]] = {}
    live = range(last)
    words = 1
    while live:
        spans = {i: text[bounds[i] : bounds[i + words]] for i in live if i + words <= last}
        found = find(spans.values())
        going_on = []
        for i, span in spans.items():
            row = found.get(span)
            if row is not None:
                if row[0] >= 0:
                    longest[i] = (words, row[0])
                if row[1]:
                    going_on.append(i)
        live = going_on
        words += 1
    return longest


_SPACE = re.compile(" ")


def _automaton_word_hits(folded: Folded, gazetteer: Gazetteer) -> tuple[list[int], list[int], list[int], list[int]]:
    """Folded starts, ends, entry ids and codes of whole-word leftmost-longest matches, exclusions left out.

    Keys start with a space, so a hit always begins at a word start. When the longest key ends
    inside a word (" the d" in " the dublin"), the longest shorter key made of whole words is tried,
    and the scan restarts at the next word so that a name starting there (" dublin") is not lost.
    Exclusions ("Radio Free Europe") take part in the scan, so they consume their span, but are not
    returned: they produce no mention.
    """
    text = folded.text
    size = len(text)
    padded = text + " "  # the text's end counts as a word end
    # The scan runs over the text plus a character no key holds: pyahocorasick's iter_long drops a
    # pending match when the input ends while a longer key is still possible (" state" at the end
    # of "... the state", with " state college" a key; WojciechMula/pyahocorasick#224). The extra
    # character ends every such key, so the pending match is given.
    scanned = text + "|"
    iter_long = gazetteer.automaton.iter_long
    hit_rules = gazetteer.hit_rules
    rules, lengths = hit_rules.rules, hit_rules.lengths
    # Four columns of ints, not a list of tuples: ints are no work for the garbage collector (speed only).
    fstarts: list[int] = []
    fends: list[int] = []
    eids: list[int] = []
    codes: list[int] = []
    position = 0
    while position < size:
        restart = None
        for last, eid in iter_long(scanned, position):
            end = last + 1
            rule = rules[eid]
            if padded[end] == " ":
                if rule & HIT_CODE:
                    fstarts.append(end - lengths[eid] + 1)
                    fends.append(end)
                    eids.append(eid)
                    codes.append(rule & HIT_CODE)
                continue
            if not rule & HIT_SEVERAL_WORDS:
                # One word's prefix (" man" in " mandate"): no shorter whole-word key, and the scan would
                # restart at the next space. The iterator gets there by itself: after a hit it goes on
                # from the root state, and since every key starts with a space it skips to the next
                # space in exactly the state a new iterator starting there would have. Speed only.
                continue
            start = end - lengths[eid]
            shorter = _shorter_whole_word_key(text[start:end], gazetteer.automaton)
            if shorter is not None:
                length, eid2 = shorter
                code = rules[eid2] & HIT_CODE
                if code:
                    fstarts.append(start + 1)
                    fends.append(start + length)
                    eids.append(eid2)
                    codes.append(code)
                restart = start + length
            else:
                restart = text.find(" ", start + 1)
            break
        if restart is None or restart < 0:
            break
        position = restart
    return fstarts, fends, eids, codes


def _shorter_whole_word_key(span: str, automaton) -> tuple[int, int] | None:
    cut = span.rfind(" ")
    while cut > 0:
        eid = automaton.get(span[:cut], None)
        if eid is not None:
            return cut, eid
        cut = span.rfind(" ", 0, cut)
    return None
