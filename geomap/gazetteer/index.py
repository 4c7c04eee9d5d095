"""The gazetteer index: places, their names, and one Aho-Corasick automaton over the folded names.

Why an automaton: matching cost is linear in the text and independent of how many names the
gazetteer holds (pyahocorasick, a C extension). Keys are folded names (:mod:`geomap.parse.normalize`);
each key maps to an integer entry id, and the entry says what the key is: place names (with the
ids of every place that bears the name), demonyms, or exclusions (organisations such as
"Radio Free Europe" that contain a place name but are not one).

Where the names come from: the curated TSV files (:mod:`geomap.gazetteer.curated`) and the compiled
world store (:mod:`geomap.gazetteer.world`).
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import ahocorasick

from geomap.model import Place
from geomap.parse.normalize import name_keys

__all__ = [
    "Entry",
    "Gazetteer",
    "HitRules",
    "SpanIndex",
    "span_rows",
    "iter_span_rows",
    "name_entries",
    "case_pattern",
    "case_allows",
    "ENTRY_PLACE",
    "ENTRY_DEMONYM",
    "ENTRY_EXCLUDE",
    "ENTRY_ABBREVIATION",
]

ENTRY_PLACE = "place"
ENTRY_DEMONYM = "demonym"
ENTRY_EXCLUDE = "exclude"
ENTRY_ABBREVIATION = "abbreviation"


def case_pattern(form: str) -> tuple[int, ...]:
    """How a written form constrains the case of a matching surface, token by token.

    0: any case; 1: must start with a capital; 2: must be all capitals (abbreviations such as "US").
    Why: "US" must not match the pronoun "us", and "Idlib" must be a proper noun in the text, while
    "northern Syria" accepts "Northern Syria".
    """
    pattern = []
    for token in _tokens(form):
        if len(token) >= 2 and token.isupper() and token.isalpha():
            pattern.append(2)
        elif token[:1].isupper():
            pattern.append(1)
        else:
            pattern.append(0)
    return tuple(pattern)


_TOKEN = re.compile(r"[^\W_]+(?:['’‘`ʿʾ][^\W_]+)*")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def case_allows(patterns: Iterable[tuple[int, ...]], surface: str) -> bool:
    """True when ``surface`` is written as at least one of the forms it matched allows."""
    tokens = _tokens(surface)
    for pattern in patterns:
        if len(pattern) != len(tokens):
            pattern = pattern[:1]  # token counts differ (e.g. "U.S." vs "US"): judge the first token
        if all(_token_ok(rule, tok) for rule, tok in zip(pattern, tokens)):
            return True
    return False


def _token_ok(rule: int, token: str) -> bool:
    if rule == 2:
        return token.isupper()
    if rule == 1:
        return token[:1].isupper() or token[:1].isdigit()
    return True


@dataclass
class Entry:
    """What one folded key means. ``patterns`` are the case patterns of the forms it came from."""

    key: str
    type: str
    place_ids: list[str] = field(default_factory=list)
    patterns: set[tuple[int, ...]] = field(default_factory=set)
    label: str = ""


# What a hit of an entry's key asks of the text before the entry itself is read (see HitRules.rule).
HIT_EXCLUDE, HIT_CAPITAL, HIT_OTHER, HIT_ABBREVIATION = 0, 1, 2, 3
HIT_CODE = 3  # the bits above
HIT_SEVERAL_WORDS = 4  # the key has several words


class HitRules:
    """Per entry id, the little a raw automaton hit needs: its key's length and a rule byte.

    Why: a text meets ~120k raw hits per MB (most of them a word's prefix, " man" in " mandate"),
    and the matcher must decide each in Python. With this table that is an index into a bytes
    object, not a dict lookup, and a job's first texts fetch no entry rows from the store for hits
    it drops. The rule byte is :data:`HIT_CODE` (exclusion: no mention; every form needs a capital
    first letter; an abbreviation needing its period; anything else) plus :data:`HIT_SEVERAL_WORDS`.
    """

    def __init__(self, rules: bytes, lengths: array) -> None:
        self.rules, self.lengths = rules, lengths

    @staticmethod
    def rule(entry: Entry) -> int:
        """The rule byte of one entry."""
        if entry.type == ENTRY_EXCLUDE:
            code = HIT_EXCLUDE
        elif entry.type == ENTRY_ABBREVIATION:
            code = HIT_ABBREVIATION
        elif all(pattern and pattern[0] != 0 for pattern in entry.patterns):
            code = HIT_CAPITAL
        else:
            code = HIT_OTHER
        return code | (HIT_SEVERAL_WORDS if " " in entry.key[1:] else 0)

    @classmethod
    def from_entries(cls, entries: Iterable[Entry]) -> HitRules:
        """The table of ``entries`` given in entry id order (ids 0, 1, 2...)."""
        rules, lengths = bytearray(), array("H")
        for entry in entries:
            rules.append(cls.rule(entry))
            lengths.append(len(entry.key))
        return cls(bytes(rules), lengths)

    def to_blobs(self) -> tuple[bytes, bytes]:
        return self.rules, self.lengths.tobytes()

    @classmethod
    def from_blobs(cls, rules: bytes, lengths: bytes) -> HitRules:
        table = array("H")
        table.frombytes(lengths)
        return cls(rules, table)


class SpanIndex:
    """Which word spans of a folded text are keys, and which go on into longer keys.

    A lookup table over every key *and every word prefix of a key* (" new" of " new york"):
    ``find`` returns, for each span it holds, ``(entry id or -1, whether a longer key starts with
    the span and a space)``. Matching a text then asks for its one-word spans, then extends only
    those that go on: the cost is linear in the text (a few lookups per word) and independent of
    the gazetteer's size, like the automaton, but nothing has to be loaded first. This in-memory
    form serves small gazetteers and tests; the world store keeps the same table in SQLite.
    """

    def __init__(self, rows: Mapping[str, tuple[int, bool]]) -> None:
        self._rows = rows

    @classmethod
    def from_keys(cls, keys: Iterable[tuple[int, str]]) -> SpanIndex:
        return cls(dict(span_rows(keys)))

    def find(self, spans: Iterable[str]) -> dict[str, tuple[int, bool]]:
        rows = self._rows
        return {span: rows[span] for span in spans if span in rows}


def span_rows(keys: Iterable[tuple[int, str]]) -> list[tuple[str, tuple[int, bool]]]:
    """``(span, (entry id or -1, goes on))`` for every key and word prefix, sorted by span."""
    return list(iter_span_rows(keys))


def iter_span_rows(keys: Iterable[tuple[int, str]]) -> Iterator[tuple[str, tuple[int, bool]]]:
    """:func:`span_rows` one row at a time (the world compile writes them straight into its store).

    A key given twice keeps its last entry id. Memory: one dict of keys and one set of prefixes, no
    object per row until it is yielded.
    """
    eids: dict[str, int] = dict((key, eid) for eid, key in keys)
    goes_on: set[str] = set()
    for key in eids:
        cut = key.find(" ", 1)
        while cut > 0:
            goes_on.add(key[:cut])
            cut = key.find(" ", cut + 1)
    spans = sorted(eids.keys() | goes_on)
    for span in spans:
        yield span, (eids.get(span, -1), span in goes_on)


class Gazetteer:
    """Places by id, plus an automaton from folded name keys to :class:`Entry` objects.

    Parameters
    ----------
    places
        Mapping from place id to :class:`~geomap.model.Place`. A read-only mapping backed by a
        store works as well as a dict.
    entries
        Entry id to :class:`Entry`, the values of ``automaton``.
    automaton
        A finalised ``ahocorasick.Automaton`` mapping each key to its integer entry id, or a
        zero-argument function that loads it (on first use of :attr:`automaton`).
    version
        A digest of the data, recorded with results so that a changed gazetteer is noticed.
    spans
        Optional :class:`SpanIndex` over the same keys. Why: loading the world automaton takes about
        a second, more than parsing one new article; with a span index a small job needs no automaton
        (see :func:`geomap.parse.extract.find_mentions`).
    frequencies
        Optional precomputed English word frequencies of the one-word names, lowercased form to
        Zipf value (see :mod:`geomap.gazetteer.frequency`); forms it lacks are computed on demand.
    hit_rules
        Optional :class:`HitRules` of ``entries`` (or a function that loads them); worked out from
        ``entries`` on first use when not given.
    """

    def __init__(
        self,
        *,
        places: Mapping[str, Place],
        entries: Mapping[int, Entry],
        automaton: ahocorasick.Automaton | Callable[[], ahocorasick.Automaton],
        version: str,
        spans: SpanIndex | None = None,
        frequencies: Mapping[str, float] | None = None,
        hit_rules: HitRules | Callable[[], HitRules] | None = None,
    ) -> None:
        self.places = places
        self.entries = entries
        if isinstance(automaton, ahocorasick.Automaton):
            self._automaton, self._load_automaton = automaton, None
        else:
            self._automaton, self._load_automaton = None, automaton
        self.spans = spans
        self.frequencies = frequencies
        self._hit_rules = hit_rules
        self.version = version
        #: Derived per-name and per-place data the pipeline steps cache between articles (speed only:
        #: each step keeps its own bounded dict under its own key; the data above never changes).
        self.memo: dict[str, dict] = {}

    @property
    def automaton(self) -> ahocorasick.Automaton:
        """The automaton over every key, loaded on first use when it was given as a loader."""
        if self._automaton is None:
            self._automaton = self._load_automaton()
        return self._automaton

    @property
    def automaton_loaded(self) -> bool:
        return self._automaton is not None

    @property
    def hit_rules(self) -> HitRules:
        """The :class:`HitRules` of every entry, loaded or worked out on first use."""
        if not isinstance(self._hit_rules, HitRules):
            if self._hit_rules is not None:
                self._hit_rules = self._hit_rules()
            else:
                self._hit_rules = HitRules.from_entries(self.entries[eid] for eid in range(len(self.entries)))
        return self._hit_rules

    def key_id(self, key: str) -> int | None:
        """The entry id of a folded key, or None; without loading the automaton when a span index can answer."""
        if self.spans is not None and self._automaton is None:
            found = self.spans.find([key]).get(key)
            return found[0] if found is not None and found[0] >= 0 else None
        return self.automaton.get(key, None)

    def place(self, place_id: str) -> Place:
        return self.places[place_id]

    def lookup(self, name: str) -> list[Place]:
        """Every place that bears ``name`` (any spelling variant); for scripts and tests."""
        found: dict[str, Place] = {}
        for key in name_keys(name):
            eid = self.key_id(key)
            if eid is not None and self.entries[eid].type == ENTRY_PLACE:
                for pid in self.entries[eid].place_ids:
                    found[pid] = self.places[pid]
        return list(found.values())

    @classmethod
    def from_records(
        cls,
        places: Iterable[Place],
        *,
        demonyms: Iterable[tuple[str, str]] = (),
        exclusions: Iterable[tuple[str, str]] = (),
        abbreviations: Iterable[tuple[str, str]] = (),
    ) -> Gazetteer:
        """Build an in-memory gazetteer. Earlier places win on duplicate ids (curated first)."""
        by_id: dict[str, Place] = {}
        for place in places:
            by_id.setdefault(place.id, place)
        builder = name_entries(by_id, demonyms=demonyms, exclusions=exclusions, abbreviations=abbreviations)
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        entries: dict[int, Entry] = {}
        for eid, entry in enumerate(builder.entries()):
            entries[eid] = entry
            automaton.add_word(entry.key, eid)
        automaton.make_automaton()
        return cls(places=by_id, entries=entries, automaton=automaton, version=builder.digest())


def name_entries(
    places: Mapping[str, Place] | Iterable[Place],
    *,
    demonyms: Iterable[tuple[str, str]] = (),
    exclusions: Iterable[tuple[str, str]] = (),
    abbreviations: Iterable[tuple[str, str]] = (),
) -> _EntryBuilder:
    """Every name of every kind, folded into entries: what both the in-memory and the compiled gazetteer index.

    ``places`` is a mapping by id, or a stream of places with distinct ids read once in order (the
    world compile writes each place to its store as it passes, and keeps none). Demonyms and
    abbreviations of places that are not loaded are skipped (a curated-only load has no US states for
    "La." to name).
    """
    builder = _EntryBuilder()
    if isinstance(places, Mapping):
        known, seen = places, None
        places = places.values()
    else:
        known = seen = set()
    for place in places:
        if seen is not None:
            seen.add(place.id)
        for form in (place.name, *place.aliases):
            builder.add(form, ENTRY_PLACE, place.id)
    for demonym, place_id in demonyms:
        if place_id in known:
            builder.add(demonym, ENTRY_DEMONYM, place_id)
    for abbreviation, place_id in abbreviations:
        if place_id in known:
            builder.add(abbreviation, ENTRY_ABBREVIATION, place_id)
    for phrase, what in exclusions:
        builder.add(phrase, ENTRY_EXCLUDE, label=what)
    return builder


class _EntryBuilder:
    """Collects forms per folded key: exclusions beat abbreviations, which beat demonyms ("Thai" is the
    adjective before it is a village), which beat places.

    Kept compact, since the world holds half a million keys: per key one tuple ``(type, label,
    patterns, *place ids)``, the patterns a shared frozenset (a few hundred distinct sets);
    :meth:`entries` and :meth:`pop_entries` turn them into :class:`Entry` objects.
    """

    _RANK = {ENTRY_EXCLUDE: 0, ENTRY_ABBREVIATION: 1, ENTRY_DEMONYM: 2, ENTRY_PLACE: 3}

    def __init__(self) -> None:
        self._by_key: dict[str, tuple] = {}
        self._hash = hashlib.sha256()
        self._pattern_sets: dict[tuple[frozenset, tuple[int, ...]], frozenset] = {}

    def add(self, form: str, type_: str, place_id: str = "", label: str = "") -> None:
        self._hash.update(f"{form}\t{type_}\t{place_id}\t{label}\n".encode())
        by_key, rank = self._by_key, self._RANK
        pattern = None
        for key in name_keys(form):
            found = by_key.get(key)
            if found is None or rank[type_] < rank[found[0]]:
                found = (type_, label, frozenset())  # a new entry (or one that replaces a weaker kind)
            elif found[0] != type_:
                continue
            if place_id and place_id not in found[3:]:
                found = (*found, place_id)
            if pattern is None:
                pattern = case_pattern(form)
            if pattern not in found[2]:
                found = (*found[:2], self._with(found[2], pattern), *found[3:])
            by_key[key] = found

    def _with(self, patterns: frozenset, pattern: tuple[int, ...]) -> frozenset:
        """``patterns | {pattern}``, one shared object per distinct set."""
        grown = self._pattern_sets.get((patterns, pattern))
        if grown is None:
            grown = self._pattern_sets[(patterns, pattern)] = patterns | {pattern}
        return grown

    def __len__(self) -> int:
        return len(self._by_key)

    def entries(self) -> list[Entry]:
        return [self._entry(key, self._by_key[key]) for key in sorted(self._by_key)]

    def pop_entries(self) -> Iterator[Entry]:
        """:meth:`entries` one by one, each dropped from the builder as it is yielded (bounded memory)."""
        by_key = self._by_key
        for key in sorted(by_key):
            yield self._entry(key, by_key.pop(key))

    @staticmethod
    def _entry(key: str, found: tuple) -> Entry:
        type_, label, patterns, *ids = found
        return Entry(key=key, type=type_, place_ids=ids, patterns=set(patterns), label=label)

    def digest(self) -> str:
        return self._hash.hexdigest()[:16]
