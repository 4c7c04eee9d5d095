"""Find the gazetteer's names in a text: whole words, longest match, offsets into the original.

One pass of the gazetteer's Aho-Corasick automaton over the folded text (``iter_long``: leftmost
longest, non-overlapping), so "Khmeimim Air Base" is one mention and "Radio Free Europe" is consumed
by its exclusion entry before "Europe" could match. Each hit is then checked against the original
text: it must end at a word boundary and be written in a case its gazetteer forms allow.
"""

from __future__ import annotations

import re

from geomap.gazetteer import ENTRY_ABBREVIATION, ENTRY_EXCLUDE, Gazetteer, case_allows
from geomap.model import Match
from geomap.normalize import Folded, fold

__all__ = ["find_mentions"]

_DOTTED_ABBREVIATION = re.compile(r"(?:^|[\s,])(?:[A-Za-z]\.)+[A-Za-z]$")


def find_mentions(text: str, gazetteer: Gazetteer) -> list[Match]:
    """Every place-name and demonym mention in ``text``, in document order.

    Examples
    --------
    >>> from geomap.gazetteer import load_curated
    >>> [m.surface for m in find_mentions("Shelling hit Maaret al-Numan.", load_curated())]
    ['Maaret al-Numan']
    """
    folded = fold(text)
    # plain ints: indexing a list is much cheaper than a numpy array per hit (same as folded.span)
    starts, ends = folded.offsets.tolist(), folded.ends.tolist()
    entries = gazetteer.entries
    matches = []
    for fstart, fend, eid in _word_hits(folded, gazetteer):
        entry = entries[eid]
        if entry.type == ENTRY_EXCLUDE:
            continue
        start, end = starts[fstart], ends[fend - 1]
        if text[start].islower() and _needs_capital(entry.patterns):
            # Speed only: most raw hits are lowercase words ("in", "man", "police") whose every form is
            # capitalised. A hit starts on an alphanumeric character, which is its first token's first
            # character, and a lowercase one fails rules 1 and 2 (see case_allows), so the answer is
            # the same as case_allows' without tokenising the surface.
            continue
        if entry.type == ENTRY_ABBREVIATION:
            if text[end : end + 1] != ".":
                continue  # "La" alone is not Louisiana; "La." after a town is
            end += 1
        elif text[end : end + 1] == "." and _DOTTED_ABBREVIATION.search(text[start:end]):
            end += 1  # "U.S." keeps its final period
        surface = text[start:end]
        if not case_allows(entry.patterns, surface):
            continue
        kind = "place" if entry.type == ENTRY_ABBREVIATION else entry.type
        matches.append(Match(start, end, surface, kind, tuple(entry.place_ids)))
    return matches


def _needs_capital(patterns) -> bool:
    """True when every case pattern asks for a capital (rule 1 or 2) on its first token."""
    return all(pattern and pattern[0] != 0 for pattern in patterns)


def _word_hits(folded: Folded, gazetteer: Gazetteer):
    """Yield folded ``(start, end, entry id)`` for whole-word leftmost-longest matches.

    Keys start with a space, so a hit always begins at a word start. When the longest key ends
    inside a word (" the d" in " the dublin"), the longest shorter key made of whole words is tried,
    and the scan restarts at the next word so that a name starting there (" dublin") is not lost.
    """
    text = folded.text
    size = len(text)
    automaton = gazetteer.automaton
    entries = gazetteer.entries
    position = 0
    while position < size:
        restart = None
        for last, eid in automaton.iter_long(text, position):
            end = last + 1
            start = end - len(entries[eid].key)
            if end == size or text[end] == " ":
                yield start + 1, end, eid
                continue
            shorter = _shorter_whole_word_key(text[start:end], automaton)
            if shorter is not None:
                length, eid2 = shorter
                yield start + 1, start + length, eid2
                restart = start + length
            else:
                restart = text.find(" ", start + 1)
            break
        if restart is None or restart < 0:
            return
        position = restart


def _shorter_whole_word_key(span: str, automaton) -> tuple[int, int] | None:
    cut = span.rfind(" ")
    while cut > 0:
        eid = automaton.get(span[:cut], None)
        if eid is not None:
            return cut, eid
        cut = span.rfind(" ", 0, cut)
    return None
