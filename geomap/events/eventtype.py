"""Event type of a place mention: what happened *there*, according to its sentence.

A map of place names is not yet a map of events. This module reads the sentence (and
clause) around a mention and decides whether the place was bombed, shelled, fought
over, hit by drones, shaken by an explosion, emptied by flight, struck by a disaster,
filled with protesters, stood for a government ("Moscow said"), or was only mentioned.

Why rules and not a model: the lexicon is a reviewable data file
(``gazetteer/event_types.toml``), every decision names the cue words that made it,
and the same input always gives the same output. The rules are deliberately few:

* cue phrases per type in three weight tiers, longest match wins across types;
* proximity in tokens and clause boundaries (commas weaken, ``;``/``—``/"but" cut);
* the link between cue and place: target prepositions ("on the town of X",
  "against X") and the undergoer ("X was shelled") add weight;
* the role of the place: origin ("flying from X", "X-based") and government
  metonymy ("Moscow said", "accused Moscow") override what happened nearby;
* negation ("no shelling in X") and hypotheticals ("threatened to strike X") cancel
  a cue, while failure does not ("unsuccessful drone attacks against X" is still a
  drone attack at X) and denial only lowers confidence;
* a named weapon or actor absorbs generic verbs ("a drone fired a missile at X" is a
  drone attack, "demonstrators stormed X" a protest);
* a capture names its taker when the text does: the subject of "captured", "seized",
  "retook" ... or the phrase after "by" / "fell to", typed state or non-state by its words
  (ACLED's "Government regains territory" / "Non-state actor overtakes territory").

Limits: no parser, so long-distance syntax (a place three clauses from its verb) and
coordination are approximated by distance. See ``docs/events.md`` for the evaluation.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from geomap.errors import GeomapError
from geomap.parse.sentences import GapCounts, sentence_bounds

__all__ = [
    "EVENT_TYPES", "EventType", "Lexicon", "LexiconError", "classify_event", "load_lexicon", "default_lexicon_path",
]  # fmt: skip

MENTION_ONLY = "mention_only"
EVENT_TYPES = (
    "airstrike",
    "shelling",
    "ground_fighting",
    "drone_attack",
    "explosion",
    "displacement",
    "disaster",
    "protest",
    "diplomacy",
    MENTION_ONLY,
)
_TOKEN = re.compile(r"\w+")
_STRONG_BOUNDARY = re.compile(r"[;:()\[\]\u2014\u2013]|\s-\s|\b(?:but|while|whereas|although|though)\b", re.IGNORECASE)


class LexiconError(GeomapError, ValueError):
    """The event-type lexicon file is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class EventType:
    """The event type of one mention.

    Attributes
    ----------
    type : str
        One of :data:`EVENT_TYPES`.
    confidence : float
        0..1, rounded to 2 decimals: how clearly the winning type beat the others.
    cues : tuple of str
        The words of the text that decided it, in text order (empty when nothing did).
    actor : str
        For a capture (``ground_fighting`` decided by a territory cue: "captured", "fell to" ...), the
        words of the text naming who took the place, as written ("Russian-backed Syrian troops");
        empty for every other mention and when the text does not say who, or not clearly.
    actor_type : str or None
        ``"state"`` or ``"non_state"`` for an ``actor`` (ACLED's "Government regains territory" or
        "Non-state actor overtakes territory"); None when there is no actor.
    """

    type: str
    confidence: float
    cues: tuple[str, ...]
    actor: str = ""
    actor_type: str | None = None


@dataclass(frozen=True)
class _Phrase:
    type: str
    weight: float
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Lexicon:
    """Compiled form of ``event_types.toml``; build it with :func:`load_lexicon`."""

    path: str
    types: tuple[str, ...]
    type_weights: tuple[tuple[str, float], ...]
    cue_groups: tuple[tuple[str, float, re.Pattern[str]], ...]  # (type, tier weight, pattern); type "" = ignore
    absorbs: tuple[tuple[str, re.Pattern[str]], ...]
    negation: re.Pattern[str]
    hypothetical: re.Pattern[str]
    alleged: re.Pattern[str]
    alleged_factor: float
    setting: re.Pattern[str]
    setting_factor: float
    identity_left: re.Pattern[str]
    identity_right: re.Pattern[str]
    identity_factor: float
    source_left: re.Pattern[str]
    source_breakers: frozenset[str]
    source_window: int
    source_factor: float
    source_keeps: frozenset[str]
    metonym_right: re.Pattern[str]
    metonym_object: re.Pattern[str]
    metonym_possessive: re.Pattern[str]
    metonym_weight: float
    metonym_damp: float
    link_before: re.Pattern[str]
    link_after: re.Pattern[str]
    threshold: float
    proximity_scale: float
    comma_factor: float
    boundary_factor: float
    extra_cue_share: float
    link_bonus: float
    modifier_window: int
    hypothetical_window: int
    #: Which cue groups can match at a word run (speed only; derived from ``cue_groups``, so neither
    #: compared nor shown: it remembers every run it was asked about).
    cue_starts: _CueStarts = field(compare=False, repr=False)
    #: Who took the place ([capture] and [capture.actors]; see :func:`_taker`). Whole-cue matches:
    capture_active: re.Pattern[str]
    capture_agentive: re.Pattern[str]
    #: Endings of the words before an active cue: passive or noun use, infinitive aim, aim achieved.
    capture_passive: re.Pattern[str]
    capture_aim: re.Pattern[str]
    capture_aim_completed: re.Pattern[str]
    capture_agent: re.Pattern[str]
    capture_agent_gap: int
    #: Ending of the words before an actor phrase that is not the subject ("backed by").
    capture_not_subject: re.Pattern[str]
    #: Objects that are not ground ("seized weapons"), read within ``capture_object_window`` tokens.
    capture_not_territory: re.Pattern[str]
    capture_object_window: int
    capture_object_end: re.Pattern[str]
    capture_window: int
    #: An actor phrase (modifiers, head, optional tail) and the words that type one.
    actor_phrase: re.Pattern[str]
    actor_state: re.Pattern[str]
    actor_non_state: re.Pattern[str]
    actor_patron: re.Pattern[str]

    def type_weight(self, type_: str) -> float:
        return dict(self.type_weights)[type_]


def _phrase_regex(phrase: str) -> str:
    """Translate the lexicon phrase syntax (space = space/hyphen run, trailing * = word ending)."""
    words = phrase.strip().lower().split()
    parts = []
    for word in words:
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"[\w']*")
        else:
            parts.append(re.escape(word))
    return r"[\s\-]+".join(parts)


def _alternation(phrases: list[str]) -> str:
    ordered = sorted({p.strip().lower() for p in phrases if p.strip()}, key=lambda p: (-len(p), p))
    return "|".join(_phrase_regex(p) for p in ordered) or r"(?!x)x"


def _words(phrases: list[str]) -> re.Pattern[str]:
    """Match any of ``phrases`` as whole words."""
    return re.compile(r"(?<![\w'])(?:" + _alternation(phrases) + r")(?![\w'])", re.IGNORECASE)


def _first_words(phrases: list[str]) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """The word runs (``[\\w']+``) a match of :func:`_words` of ``phrases`` can start at, lowercased.

    A phrase's match starts at the start of a word run (its lookbehind forbids a word character or
    apostrophe before it). The run must equal the first word's leading ``[\\w']+`` part, or, for a
    first word such as ``airstrike*`` (all word characters, then ``*``), start with it.
    """
    exact: set[str] = set()
    prefixes: set[str] = set()
    for phrase in phrases:
        words = phrase.strip().lower().split()
        if not words:
            continue
        first = words[0]
        bare = first[:-1] if first.endswith("*") else first
        lead = _RUN.match(bare)
        if lead is None:
            return None  # a phrase starting with another character: the group is searched everywhere
        if first.endswith("*") and lead.group() == bare:
            prefixes.add(lead.group())
        else:
            exact.add(lead.group())
    return frozenset(exact), tuple(sorted(prefixes))


_RUN = re.compile(r"[\w']+")


class _CueStarts(dict[str, tuple[int, ...]]):
    """The cue groups a phrase of which can start at a word run, by the run's text: ``starts[run]``
    (speed only; see :func:`_cue_matches`).

    Built from each group's :func:`_first_words` (None: the group may start anywhere). The groups are
    indexed by first word and by word prefix, so that a new run is looked up rather than compared with
    every group (a fresh process meets every word of its input once); the answer is kept in this dict,
    so that a run seen before (news repeats its words) costs one dict lookup.
    """

    def __init__(self, firsts: list[tuple[frozenset[str], tuple[str, ...]] | None]) -> None:
        super().__init__()
        #: Groups with a first word that is not a word run: searched in the whole sentence.
        self.everywhere = frozenset(index for index, first in enumerate(firsts) if first is None)
        self._known = tuple(index for index, first in enumerate(firsts) if first is not None)
        by_word: dict[str, list[int]] = {}
        by_prefix: dict[str, list[int]] = {}
        for index, first in enumerate(firsts):
            if first is not None:
                for word in first[0]:
                    by_word.setdefault(word, []).append(index)
                for prefix in first[1]:
                    by_prefix.setdefault(prefix, []).append(index)
        self._by_word = {word: tuple(groups) for word, groups in by_word.items()}
        self._by_prefix = {prefix: tuple(groups) for prefix, groups in by_prefix.items()}
        self._prefix_lengths = sorted({len(prefix) for prefix in by_prefix})

    def __missing__(self, run: str) -> tuple[int, ...]:
        """The groups (in lexicon order) that can start at ``run``, remembered; every known one for a
        non-ASCII run, since ``re.IGNORECASE`` folds some non-ASCII letters to ASCII ones."""
        if len(self) > 100_000:
            self.clear()
        groups = self[run] = self._known if not run.isascii() else self._ascii_groups(run.lower())
        return groups

    def _ascii_groups(self, lowered: str) -> tuple[int, ...]:
        found = set(self._by_word.get(lowered, ()))
        for length in self._prefix_lengths:
            if length > len(lowered):
                break
            found.update(self._by_prefix.get(lowered[:length], ()))
        return tuple(sorted(found))


def _ending(phrases: list[str]) -> re.Pattern[str]:
    """Match any of ``phrases`` as the last words before the end of a string."""
    return re.compile(r"(?:^|\W)(?:" + _alternation(phrases) + r")\W*$", re.IGNORECASE)


def _table(data: dict, *keys: str) -> dict:
    node = data
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            raise LexiconError(f"Event-type lexicon lacks [{'.'.join(keys)}]; add it to the TOML file.")
        node = node[key]
    return node


@lru_cache(maxsize=8)
def _load(path: str) -> Lexicon:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise LexiconError(f"Cannot read event-type lexicon {path!r}: {err}") from err
    settings = _table(data, "settings")
    tiers = _table(data, "tiers")
    types_table = _table(data, "types")
    unknown = set(types_table) - set(EVENT_TYPES)
    if unknown:
        raise LexiconError(f"Unknown event types {sorted(unknown)!r} in {path!r}; expected some of {EVENT_TYPES!r}.")

    # One pattern per (type, tier); overlaps between them are resolved in `_cues` by length,
    # so that the longest phrase wins across types ("general strike" over "strike").
    cue_groups: list[tuple[str, float, re.Pattern[str]]] = []
    cue_starts: list[tuple[frozenset[str], tuple[str, ...]] | None] = []
    absorbs: list[tuple[str, re.Pattern[str]]] = []
    for type_, spec in types_table.items():
        for tier, weight in tiers.items():
            if spec.get(tier):
                cue_groups.append((type_, float(weight), _words(spec[tier])))
                cue_starts.append(_first_words(spec[tier]))
        if spec.get("absorbs"):
            absorbs.append((type_, re.compile(r"^(?:" + _alternation(spec["absorbs"]) + r")$", re.IGNORECASE)))
    cue_groups.append(("", 0.0, _words(_table(data, "ignore")["phrases"])))
    cue_starts.append(_first_words(_table(data, "ignore")["phrases"]))

    metonym = _table(data, "metonym")
    skip = r"(?:\s+(?:" + _alternation(metonym["skip"]) + r"))*"
    and_words = int(metonym["and_words"])
    conj = r"(?:\s+(?:and|or)(?:\s+[\w'\-]+){1," + str(and_words) + r"}?)?"
    verbs = _alternation(metonym["verbs"])
    roles_identity = _table(data, "roles", "identity")
    roles_source = _table(data, "roles", "source")
    link = _table(data, "link")
    return Lexicon(
        path=path,
        types=tuple(types_table),
        type_weights=tuple((t, float(spec.get("weight", 1.0))) for t, spec in types_table.items()),
        cue_groups=tuple(cue_groups),
        absorbs=tuple(absorbs),
        negation=_ending(_table(data, "negation")["before"]),
        hypothetical=re.compile(
            r"(?:^|\W)(?:" + _alternation(_table(data, "hypothetical")["before"]) + r")\W", re.IGNORECASE
        ),
        alleged=re.compile(r"(?:^|\W)(?:" + _alternation(_table(data, "alleged")["before"]) + r")\W", re.IGNORECASE),
        alleged_factor=float(data["alleged"]["factor"]),
        setting=re.compile(
            r"(?:^|\W)(?:" + _alternation(_table(data, "setting")["before"]) + r")(?:\s+[\w'\-]+)?\s*$",
            re.IGNORECASE,
        ),
        setting_factor=float(data["setting"]["factor"]),
        identity_left=_ending(roles_identity["left"]),
        identity_right=re.compile(
            r"^(?:" + "|".join(re.escape(r) for r in roles_identity["right"]) + r")\b", re.IGNORECASE
        ),
        identity_factor=float(roles_identity["factor"]),
        source_left=re.compile(r"(?:^|\W)(" + _alternation(roles_source["left"]) + r")\W", re.IGNORECASE),
        source_breakers=frozenset(w.lower() for w in roles_source["breakers"]),
        source_window=int(roles_source["window"]),
        source_factor=float(roles_source["factor"]),
        source_keeps=frozenset(roles_source["keeps"]),
        metonym_right=re.compile(r"^(?:'s?)?" + conj + skip + r"\s+(" + verbs + r")\b", re.IGNORECASE),
        metonym_object=_ending(metonym["object_of"]),
        metonym_possessive=re.compile(r"^'s?\s+(" + _alternation(metonym["possessive"]) + r")\b", re.IGNORECASE),
        metonym_weight=float(metonym["weight"]),
        metonym_damp=float(metonym["damp_others"]),
        link_before=re.compile(
            r"(?:^|\W)(?:" + _alternation(link["prepositions"]) + r")"
            r"(?:\s+(?:the|a|an))?(?:\s+[\w'\-]+){0,2}?(?:\s+of)?\s*$|^\s*(?:the\s+)?$",
            re.IGNORECASE,
        ),
        link_after=re.compile(r"^\s*(?:" + _alternation(link["after"]) + r")\b", re.IGNORECASE),
        threshold=float(settings["threshold"]),
        proximity_scale=float(settings["proximity_scale"]),
        comma_factor=float(settings["comma_factor"]),
        boundary_factor=float(settings["boundary_factor"]),
        extra_cue_share=float(settings["extra_cue_share"]),
        link_bonus=float(settings["link_bonus"]),
        modifier_window=int(settings["modifier_window"]),
        hypothetical_window=int(settings["hypothetical_window"]),
        cue_starts=_CueStarts(cue_starts),
        **_capture_fields(data, types_table, tiers),
    )


def _phrases(node: dict, key: str, where: str) -> list[str]:
    """The phrase list ``node[key]`` of table ``[where]``, checked: a typo must not silently match nothing."""
    value = node.get(key) if isinstance(node, dict) else None
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        raise LexiconError(f'Event-type lexicon needs {key} = ["phrase", ...] in [{where}].')
    return value


def _count(node: dict, key: str, where: str) -> int:
    """The whole number ``node[key]`` (>= 0) of table ``[where]``, checked."""
    value = node.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise LexiconError(f"Event-type lexicon needs {key} = <whole number >= 0> in [{where}].")
    return value


#: Bounds of a word run with its hyphens and apostrophes ("al-Sham", "Kremlin's"): actor phrases are
#: made of whole runs, so that "government" in "anti-government" is not a head of its own.
_RUN_START = r"(?<![\w'’\-])"
_RUN_END = r"(?![\w'’\-])"


def _is_acronym(phrase: str) -> bool:
    phrase = phrase.strip()
    return phrase == phrase.upper() and any(c.isalpha() for c in phrase)


def _actor_alternation(phrases: list[str]) -> str:
    """:func:`_alternation` of ``phrases``, but those written in capitals match only in capitals ("IS", not "is")."""
    acronyms = sorted({p.strip() for p in phrases if _is_acronym(p)}, key=lambda p: (-len(p), p))
    others = [p for p in phrases if not _is_acronym(p)]
    parts = ["(?-i:" + "|".join(re.escape(p) for p in acronyms) + ")"] if acronyms else []
    if others:
        parts.append(_alternation(others))
    return "|".join(parts) or r"(?!x)x"


def _actor_words(phrases: list[str]) -> re.Pattern[str]:
    """Match any of ``phrases`` as words, also inside a hyphenated run ("Russian" in "Russian-backed")
    and before a possessive ending ("Kremlin's"): the words that type an actor phrase."""
    return re.compile(r"(?<![\w'’])(?:" + _actor_alternation(phrases) + r")(?:['’]s?)?(?![\w'’])", re.IGNORECASE)


def _check_capture_cues(phrases: list[str], spec: dict, tiers: dict) -> None:
    """Territory cues must be ground_fighting cues: [capture] only reads what the scoring typed."""
    known = {p.strip().lower() for tier in tiers for p in spec.get(tier, [])}
    unknown = sorted({p.strip().lower() for p in phrases} - known)
    if unknown:
        raise LexiconError(f"[capture] cues {unknown!r} are not ground_fighting cues; add them there first.")


def _capture_fields(data: dict, types_table: dict, tiers: dict) -> dict:
    """The :class:`Lexicon` fields of [capture]: which cues change control, and where their taker is."""
    capture = _table(data, "capture")

    def phrases(key: str) -> list[str]:
        return _phrases(capture, key, "capture")

    _check_capture_cues(phrases("active") + phrases("agentive"), types_table.get("ground_fighting", {}), tiers)
    adverbs = r"(?:[\s\-]+(?:" + _alternation(phrases("adverbs")) + r"))*"
    passive = r"(?:^|\W)(" + _alternation(phrases("passive_before")) + r")" + adverbs + r"\s*$"
    not_subject = r"(?:^|\W)(?:" + _alternation(phrases("not_subject_after")) + r")(?:\s+(?:the|a|an|\d[\d,.]*))?\s*$"
    return {
        "capture_active": _words(phrases("active")),
        "capture_agentive": _words(phrases("agentive")),
        "capture_passive": re.compile(passive, re.IGNORECASE),
        "capture_aim": _ending(phrases("aim_before")),
        "capture_aim_completed": _ending(phrases("aim_completed")),
        "capture_agent": _words(phrases("agent")),
        "capture_agent_gap": _count(capture, "agent_gap", "capture"),
        "capture_not_subject": re.compile(not_subject, re.IGNORECASE),
        "capture_not_territory": _words(phrases("not_territory")),
        "capture_object_window": _count(capture, "object_window", "capture"),
        "capture_object_end": re.compile(r",|" + _words(phrases("object_ends")).pattern, re.IGNORECASE),
        "capture_window": _count(capture, "window", "capture"),
        **_actor_fields(data),
    }


def _actor_fields(data: dict) -> dict:
    """The :class:`Lexicon` fields of [capture.actors]: what an actor phrase is, and its type's words."""
    actors = _table(data, "capture", "actors")
    words = {
        kind: tuple(
            _phrases(_table(data, "capture", "actors", kind), key, f"capture.actors.{kind}")
            for key in ("heads", "modifiers")
        )
        for kind in ("state", "non_state", "neutral")
    }

    def alternation(key: str) -> str:
        return _alternation(_phrases(actors, key, "capture.actors"))

    heads = [p for kind_heads, _ in words.values() for p in kind_heads]
    listed = heads + [p for _, modifiers in words.values() for p in modifiers]
    # A modifier: a listed word, a capitalised word (a name), a hyphenated run or a possessive.
    modifier = (
        _RUN_START + r"(?!(?:" + alternation("not_modifiers") + r")" + _RUN_END + r")"
        + r"(?:(?:" + _actor_alternation(listed) + r")" + _RUN_END
        + r"|(?-i:[A-Z])[\w'’]*(?:-[\w'’]+)*" + _RUN_END + r"|[\w'’]+(?:-[\w'’]+)+" + _RUN_END
        + r"|\w+['’]s" + _RUN_END + r")"
    )  # fmt: skip
    head = _RUN_START + r"(?:" + _actor_alternation(heads) + r")" + _RUN_END
    tail = r"(?:\s+(?:" + alternation("tails") + r")\s+(?:(?:the|a|an)\s+)?" + modifier + r"(?:\s+" + modifier + r")*)?"
    run = r"[\w'’]+(?:-[\w'’]+)*"
    patron = (
        r"(?:(?:"
        + alternation("patron_prefixes")
        + r")-"
        + run
        + r"|"
        + run
        + r"-(?:"
        + alternation("patron_suffixes")
        + r"))"
    )
    return {
        "actor_phrase": re.compile(r"(?:" + modifier + r"\s+)*" + head + tail, re.IGNORECASE),
        "actor_state": _actor_words(words["state"][0] + words["state"][1]),
        "actor_non_state": _actor_words(words["non_state"][0] + words["non_state"][1]),
        "actor_patron": re.compile(_RUN_START + patron + _RUN_END, re.IGNORECASE),
    }


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Load and compile the event-type lexicon, once per path (cached).

    Parameters
    ----------
    path : Path, optional
        A TOML file in the format of ``gazetteer/event_types.toml``; default: the built-in one
        (:func:`default_lexicon_path`). Pass another file to try a lexicon change without editing
        the shipped one.

    Raises
    ------
    LexiconError
        The file is missing, is not TOML, or lacks a required table.
    GazetteerError
        The built-in lexicon is not installed (a broken installation).
    """
    if path is None:  # the built-in lexicon's path is looked up once: no file-system call per mention
        return _load(_default_lexicon())
    return _load(str(Path(path).resolve()))


def default_lexicon_path() -> Path:
    """The built-in ``event_types.toml`` (package data ``geomap.data.gazetteer``) as a real file path."""
    from geomap.paths import builtin_file

    return builtin_file("event_types.toml")


@lru_cache(maxsize=1)
def _default_lexicon() -> str:
    return str(default_lexicon_path().resolve())


@dataclass(frozen=True)
class _Cue:
    start: int
    end: int
    text: str
    type: str
    weight: float


@dataclass(frozen=True)
class _SentenceCues:
    """The cues of one sentence and what scoring reads around each, whatever the mention.

    Built once per sentence (a sentence often holds several mentions): reading the text before every
    cue again for every mention made typing quadratic, and cubic on a run-on line.
    """

    sentence: str
    lexicon: Lexicon
    cues: tuple[_Cue, ...]
    #: Per cue: "negated", "hypothetical" or "" (it counts).
    cancelled: tuple[str, ...]
    #: Per cue: an "alleged" word and a "setting" phrase ("at a") just before it.
    alleged: tuple[bool, ...]
    setting: tuple[bool, ...]

    @cached_property
    def gaps(self) -> GapCounts:
        """What lies between two offsets, counted on first use: most sentences hold no cue, and then
        nothing is scored and nothing reads it (speed only)."""
        return GapCounts(self.sentence, _STRONG_BOUNDARY)

    @cached_property
    def absorbed(self) -> tuple[_Cue, ...]:
        """The cues retyped by a named agent (:func:`_absorb`), when no cue is left out for the mention."""
        return tuple(_absorb(list(self.cues), self.gaps, self.lexicon)) if self.cues else ()


def _cues(sentence: str, lexicon: Lexicon) -> _SentenceCues:
    """The sentence's cues and their context (cached: a sentence often holds several mentions)."""
    if _load(lexicon.path) is lexicon:
        return _cues_cached(sentence, lexicon.path)
    return _sentence_cues(sentence, lexicon)


@lru_cache(maxsize=512)
def _cues_cached(sentence: str, path: str) -> _SentenceCues:
    return _sentence_cues(sentence, _load(path))


def _sentence_cues(sentence: str, lexicon: Lexicon) -> _SentenceCues:
    cues = _match_cues(sentence, lexicon)
    modifiers = [_modifiers(sentence, cue.start, lexicon) for cue in cues]
    return _SentenceCues(
        sentence=sentence,
        lexicon=lexicon,
        cues=cues,
        cancelled=tuple(m[0] for m in modifiers),
        alleged=tuple(m[1] for m in modifiers),
        setting=tuple(m[2] for m in modifiers),
    )


def _modifiers(sentence: str, cue_start: int, lexicon: Lexicon) -> tuple[str, bool, bool]:
    """What the words just before a cue do to it: (cancelled by "negated"/"hypothetical" or "", alleged, setting).

    Each reads only the last few tokens before the cue (:func:`_last_tokens`), which is all its
    pattern can match: a negation, hypothetical or alleged phrase is bounded by its window, and a
    setting phrase ("at a") plus one word by :data:`_CONTEXT_TOKENS`.
    """
    if lexicon.negation.search(_last_tokens(sentence, lexicon.modifier_window, cue_start)):
        return "negated", False, False
    window = _last_tokens(sentence, lexicon.hypothetical_window, cue_start) + " "
    if lexicon.hypothetical.search(window):
        return "hypothetical", False, False
    setting = bool(lexicon.setting.search(_last_tokens(sentence, _CONTEXT_TOKENS, cue_start)))
    return "", bool(lexicon.alleged.search(window)), setting


def _match_cues(sentence: str, lexicon: Lexicon) -> tuple[_Cue, ...]:
    """Cue matches, overlaps resolved: longest first, then leftmost, then lexicon order."""
    found = _cue_matches(sentence, lexicon)
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0], f[2]))
    taken: list[tuple[int, int]] = []
    cues: list[_Cue] = []
    for start, end, index in found:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        type_, weight, _ = lexicon.cue_groups[index]
        if type_:
            cues.append(_Cue(start, end, sentence[start:end], type_, weight))
    cues.sort(key=lambda c: c.start)
    return tuple(cues)


def _cue_matches(sentence: str, lexicon: Lexicon) -> list[tuple[int, int, int]]:
    """``(start, end, group)`` of every group's matches: the same as each group's ``finditer``.

    Speed only: a group's pattern is a long alternation that ``re`` tries at every position, so it
    is tried only at the word runs its phrases can start with (:func:`_first_words`); a run with a
    non-ASCII character is tried by every group (``re.IGNORECASE`` folds some of them to ASCII).
    Positions before the end of the group's previous match are skipped, as ``finditer`` does.
    """
    starts = lexicon.cue_starts
    tried: dict[int, list[int]] = {}
    for run in _RUN.finditer(sentence):
        for index in starts[run.group()]:
            tried.setdefault(index, []).append(run.start())
    found: list[tuple[int, int, int]] = []
    for index, (_, _, pattern) in enumerate(lexicon.cue_groups):
        if index in starts.everywhere:
            found.extend((m.start(), m.end(), index) for m in pattern.finditer(sentence))
            continue
        end = -1
        for start in tried.get(index, ()):
            if start < end:
                continue
            match = pattern.match(sentence, start)
            if match is not None:
                found.append((match.start(), match.end(), index))
                end = match.end()
    return found


#: Tokens of context read before a cue or a mention for its modifiers and role. The lexicon's
#: phrases span a few tokens (the longest, "demanded an end to", four; a setting phrase such as
#: "at a" may take one more word), so reading more changes nothing, while reading the whole
#: sentence before every cue made typing quadratic.
_CONTEXT_TOKENS = 20
#: The words after which a place is no subject ("in Moscow", "the Kremlin"): no metonymy ("Moscow said").
_PREPOSITIONS_AND_ARTICLES = (
    "in", "on", "at", "of", "from", "to", "near", "into", "over", "around", "across", "outside", "against", "for",
    "with", "by", "toward", "towards", "the", "a", "an",
)  # fmt: skip
_ENDS_WITH_PREPOSITION_OR_ARTICLE = re.compile(
    r"\b(?:" + "|".join(_PREPOSITIONS_AND_ARTICLES) + r")\s*$", re.IGNORECASE
)
_LONGEST_PREPOSITION_OR_ARTICLE = max(map(len, _PREPOSITIONS_AND_ARTICLES))


def _ends_with_preposition_or_article(text: str) -> bool:
    """Whether the last word of ``text`` (spaces after it allowed) is a preposition or an article.

    Searched only where such a match can start (speed only: the same answer as searching all of
    ``text``): the word ends where the trailing spaces begin, so it starts at most its length before,
    and ``\\b`` still sees the character before the position a search starts at.
    """
    start = max(0, len(text.rstrip()) - _LONGEST_PREPOSITION_OR_ARTICLE)
    return _ENDS_WITH_PREPOSITION_OR_ARTICLE.search(text, start) is not None


def _between_factor(commas: int, strong: int, lexicon: Lexicon) -> float:
    return (lexicon.comma_factor**commas) * (lexicon.boundary_factor**strong)


def _last_tokens(text: str, n: int, end: int | None = None) -> str:
    """``text[:end]`` from its ``n``-th last token on; all of it when it has at most ``n`` tokens.

    Read backwards in growing windows, so that the cost is that of the last tokens, not of the text
    before them (tokenising a whole sentence per cue and mention made typing quadratic). A window
    with more than ``n`` tokens holds the last ``n`` whole: a token (or its tail) precedes them.
    """
    end = len(text) if end is None else end
    if n < 1:
        tokens = list(_TOKEN.finditer(text, 0, end))
        return text[tokens[-n].start() : end] if len(tokens) > n else text[:end]
    span = 8 * (n + 1)
    while True:
        lo = max(0, end - span)
        starts = [m.start() for m in _TOKEN.finditer(text, lo, end)]
        if len(starts) > n:
            return text[starts[-n] : end]
        if lo == 0:
            return text[:end]
        span *= 2


def _place_role(left: str, right: str, lexicon: Lexicon) -> tuple[str, str]:
    """Role of the place from its immediate context: ("identity"|"source"|"metonym"|"", cue).

    The patterns on the left end at the mention and span a few tokens, so they read only the last
    :data:`_CONTEXT_TOKENS` (at least the source window) of ``left``: the same matches, at a cost
    that does not grow with the sentence.
    """
    right_stripped = right.lstrip()
    if lexicon.identity_right.match(right):
        return "identity", right.strip().split()[0].rstrip(",.")
    near = _last_tokens(left, max(_CONTEXT_TOKENS, lexicon.source_window))
    match = lexicon.identity_left.search(near)
    if match:
        return "identity", match.group().strip(" ,")
    if lexicon.metonym_object.search(near):
        return "metonym", lexicon.metonym_object.search(near).group().strip(" ,")
    if not _ends_with_preposition_or_article(near):
        verb = lexicon.metonym_right.match(right)
        if verb:
            return "metonym", verb.group(1)
        possessive = lexicon.metonym_possessive.match(right_stripped if right.startswith("'") else right)
        if possessive:
            return "metonym", possessive.group(1)
    window = _last_tokens(near, lexicon.source_window)
    matches = list(lexicon.source_left.finditer(window))
    if matches:
        last = matches[-1]
        after = window[last.end(1) :]
        if not any(t.group().lower() in lexicon.source_breakers for t in _TOKEN.finditer(after)):
            return "source", last.group(1)
    return "", ""


def _score(cue: _Cue, sentence: str, gaps: GapCounts, m_start: int, m_end: int, lexicon: Lexicon) -> float:
    """Score one cue that is not cancelled for the mention at sentence offsets [m_start, m_end), before
    the "alleged" and "setting" modifiers.

    The tokens, commas and boundaries between cue and mention come from ``gaps`` (the same counts as
    a pass over the gap, without one per pair of cue and mention).
    """
    if cue.end <= m_start:
        lo, hi = cue.end, m_start
        distance = gaps.tokens(lo, hi)
        linked = distance <= 6 and bool(lexicon.link_before.search(sentence[lo:hi]))
    else:
        lo, hi = m_end, cue.start
        distance = gaps.tokens(lo, hi)
        linked = bool(lexicon.link_after.match(sentence[lo:hi]))
    strong = gaps.boundaries(lo, hi)
    score = cue.weight * lexicon.type_weight(cue.type)
    score *= 1.0 / (1.0 + distance / lexicon.proximity_scale)
    score *= _between_factor(gaps.commas(lo, hi), strong, lexicon)
    if linked and not strong:
        score *= lexicon.link_bonus
    return score


def _absorb(cues: list[_Cue], gaps: GapCounts, lexicon: Lexicon) -> list[_Cue]:
    """Retype generic cues to the type of a named agent in the same clause ("drone ... missile").

    An agent qualifies within 10 tokens, so only the cues within 11 places of each other in the list
    are compared (each cue between two holds a token): the same choice as comparing all pairs.
    """
    result = []
    for i, cue in enumerate(cues):
        new_type = cue.type
        best_gap = None
        nearby = cues[max(0, i - 11) : i + 12]
        for agent_type, pattern in lexicon.absorbs:
            if agent_type == cue.type or not pattern.match(cue.text.lower()):
                continue
            for other in nearby:
                if other.type != agent_type or other is cue:
                    continue
                lo, hi = (other.end, cue.start) if other.end <= cue.start else (cue.end, other.start)
                size = gaps.tokens(lo, hi)
                if size > 10 or gaps.boundaries(lo, hi) or gaps.commas(lo, hi) > 1:
                    continue
                if best_gap is None or size < best_gap:
                    best_gap, new_type = size, agent_type
        result.append(cue if new_type == cue.type else _Cue(cue.start, cue.end, cue.text, new_type, cue.weight))
    return result


def classify_event(
    text: str,
    start: int,
    end: int,
    *,
    sentence_start: int | None = None,
    sentence_end: int | None = None,
    lexicon: Lexicon | None = None,
) -> EventType:
    """Classify what happened at the place mentioned at ``text[start:end]``.

    Parameters
    ----------
    text : str
        The full article text (so that offsets from the extractor can be used as they are).
    start, end : int
        Character offsets of the place mention, ``text[start:end]``.
    sentence_start, sentence_end : int, optional
        Bounds of the mention's sentence when the caller has them; otherwise the sentence
        is found with :func:`geomap.parse.sentences.sentence_bounds`.
    lexicon : Lexicon, optional
        A lexicon from :func:`load_lexicon`; the shipped one by default.

    Returns
    -------
    EventType
        ``type`` from :data:`EVENT_TYPES`, ``confidence`` in 0..1 and the deciding ``cues``; for a
        capture, who took the place (``actor``, ``actor_type``) when the sentence says so.

    Examples
    --------
    >>> s = "Russian jets flying from Khmeimim bombed Kafr Ruma on Tuesday."
    >>> classify_event(s, s.index("Kafr"), s.index(" on Tue")).type
    'airstrike'
    >>> classify_event(s, s.index("Khmeimim"), s.index(" bombed"))
    EventType(type='mention_only', confidence=0.8, cues=('from',), actor='', actor_type=None)
    >>> s = "Saraqib fell to Syrian government forces on Thursday."
    >>> e = classify_event(s, 0, 7)
    >>> e.type, e.actor, e.actor_type
    ('ground_fighting', 'Syrian government forces', 'state')
    """
    lexicon = lexicon or load_lexicon()
    s_start, s_end = sentence_bounds(text, start, end, sentence_start, sentence_end)
    sentence = text[s_start:s_end]
    m_start, m_end = start - s_start, end - s_start
    left, right = sentence[:m_start], sentence[m_end:]
    role, role_cue = _place_role(left, right, lexicon)

    found = _cues(sentence, lexicon)
    kept = [i for i, c in enumerate(found.cues) if c.end <= m_start or c.start >= m_end]
    if len(kept) == len(found.cues):
        cues = found.absorbed
    else:  # the mention overlaps a cue: the agents that retype cues are the others
        cues = tuple(_absorb([found.cues[i] for i in kept], found.gaps, lexicon))
    scores: dict[str, list[tuple[float, _Cue]]] = {}
    cancelled: list[tuple[str, _Cue]] = []
    for i, cue in zip(kept, cues, strict=True):
        if found.cancelled[i]:
            cancelled.append((found.cancelled[i], cue))
            continue
        score = _score(cue, sentence, found.gaps, m_start, m_end, lexicon)
        if found.alleged[i]:
            score *= lexicon.alleged_factor
        if found.setting[i]:
            score *= lexicon.setting_factor
        if role == "identity":
            score *= lexicon.identity_factor
        elif role == "source" and cue.type not in lexicon.source_keeps:
            score *= lexicon.source_factor
        elif role == "metonym" and cue.type != "diplomacy":
            score *= lexicon.metonym_damp
        scores.setdefault(cue.type, []).append((score, cue))

    totals: dict[str, float] = {}
    for type_, items in scores.items():
        values = sorted((s for s, _ in items), reverse=True)
        totals[type_] = values[0] + lexicon.extra_cue_share * sum(values[1:])
    if role == "metonym":
        totals["diplomacy"] = totals.get("diplomacy", 0.0) + lexicon.metonym_weight
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], lexicon.types.index(kv[0])))

    if not ranked or ranked[0][1] < lexicon.threshold:
        return _mention_only(role, role_cue, cancelled, ranked, lexicon)
    best_type, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = best / (best + second) * (1.0 - math.exp(-best / 0.3))
    # Report the cues that decided it: those with a real share of the winning score, not every far echo.
    top = max([s for s, _ in scores.get(best_type, [])] + [lexicon.metonym_weight if role == "metonym" else 0.0])
    deciding = [(s, c) for s, c in scores.get(best_type, []) if s >= max(0.05, 0.25 * top)]
    used = [(c.start, c.text) for _, c in deciding]
    if role == "metonym" and best_type == "diplomacy":
        offset = m_end + right.find(role_cue) if role_cue in right else max(0, left.rfind(role_cue))
        used.append((offset, role_cue))
    actor, actor_type = "", None
    if best_type == "ground_fighting":
        actor, actor_type = _taker(sentence, deciding, m_start, m_end, lexicon)
    return EventType(best_type, round(min(confidence, 0.99), 2), tuple(t for _, t in sorted(used)), actor, actor_type)


def _mention_only(
    role: str,
    role_cue: str,
    cancelled: list[tuple[str, _Cue]],
    ranked: list[tuple[str, float]],
    lexicon: Lexicon,
) -> EventType:
    """Nothing happened at the place; say why through the confidence and the cues."""
    if role in ("identity", "source"):
        return EventType(MENTION_ONLY, 0.8, (role_cue,))
    if cancelled:
        why = cancelled[0][0]
        return EventType(MENTION_ONLY, 0.75 if why == "negated" else 0.6, tuple(c.text for _, c in cancelled))
    if not ranked:
        return EventType(MENTION_ONLY, 0.9, ())
    weakness = 1.0 - ranked[0][1] / lexicon.threshold
    return EventType(MENTION_ONLY, round(0.5 + 0.4 * weakness, 2), ())


# Who took the place (ACLED's "Government regains territory" / "Non-state actor overtakes territory").

_DETERMINER = re.compile(r"\s*(?:(?:the|a|an)\s+)?", re.IGNORECASE)
#: What joins two coordinated actor phrases ("Syrian troops and allied militias").
_COORDINATION = re.compile(r"\s*,?\s*(?:and|or)\s+(?:(?:the|then)\s+)?", re.IGNORECASE)
#: What joins the object of a first verb to a territory cue: "routed the rebels (back) and captured".
_OBJECT_THEN = re.compile(r"(?:\s+(?:back|out|away|off))?\s*,?\s*(?:and|or)\s+(?:(?:then|later)\s+)?", re.IGNORECASE)
_CONJUNCTION_END = re.compile(r"\s(?:and|or)\s+(?:the\s+)?$", re.IGNORECASE)
#: A parenthesis closed just before a cue is an aside: "Hayat Tahrir al-Sham (HTS) captured X".
_ASIDE = re.compile(r"\([^()]*\)\s*$")
_ASIDE_CHARS = 80


def _taker(
    sentence: str, deciding: list[tuple[float, _Cue]], m_start: int, m_end: int, lexicon: Lexicon
) -> tuple[str, str | None]:
    """Who took the place, when a territory cue helped decide ground_fighting: ``(actor, actor_type)``.

    The best-scored territory cue is read, because the actor belongs to the verb that made the type.
    ``("", None)`` when none is a territory cue, when the text does not name the taker ("X was
    captured"), or when the taker's words do not tell state from non-state ("Tiger Forces"): an ACLED
    sub-event type is only worth what the text says.
    """
    territory = [
        (score, cue)
        for score, cue in deciding
        if lexicon.capture_active.fullmatch(cue.text) or lexicon.capture_agentive.fullmatch(cue.text)
    ]
    if not territory:
        return "", None
    cue = max(territory, key=lambda item: item[0])[1]
    if lexicon.capture_agentive.fullmatch(cue.text):
        span = _phrase_at(sentence, cue.end, _clause_end(sentence, cue.end, lexicon), lexicon)
    else:
        span = _active_taker(sentence, cue, m_start, m_end, lexicon)
    if span is None:
        return "", None
    actor = sentence[span[0] : span[1]]
    actor_type = _actor_type(actor, lexicon)
    return (actor, actor_type) if actor_type else ("", None)


def _active_taker(sentence: str, cue: _Cue, m_start: int, m_end: int, lexicon: Lexicon) -> tuple[int, int] | None:
    """The taker of an active territory cue ("captured"): its "by" phrase, else its subject.

    Syntax decides, not word order: in "government forces captured X from rebels" the subject took X.
    A passive or noun cue ("X was captured", "the capture of X") has no subject that took the place,
    and an infinitive ("an offensive to capture X") is an aim: nobody took it yet.
    """
    near = _last_tokens(sentence, 6, cue.start)
    if lexicon.capture_aim.search(near) and not lexicon.capture_aim_completed.search(near):
        return None
    aux = lexicon.capture_passive.search(near)
    passive = aux is not None and not (len(aux.group(1)) > 1 and aux.group(1).isupper())  # "IS captured X"
    if not _took_ground(sentence, cue, passive, m_start, m_end, lexicon):
        return None
    agent = _agent(sentence, cue, m_start, m_end, passive, lexicon)
    if agent is not None or passive:
        return agent
    return _subject(sentence, cue.start, lexicon)


def _took_ground(sentence: str, cue: _Cue, passive: bool, m_start: int, m_end: int, lexicon: Lexicon) -> bool:
    """False when the cue's object is people or goods ("rebels captured 20 soldiers near X"): then
    nobody took the place. The object follows an active cue, up to ``object_ends`` ("retaken Mekelle
    after federal troops withdrew" took Mekelle), and precedes a passive one ("weapons were seized");
    the words read stop at the place, which is the object when it is there.
    """
    n = lexicon.capture_object_window
    if passive:
        start, end = cue.start - len(_last_tokens(sentence, n, cue.start)), cue.start
        if m_end <= cue.start:
            start = max(start, m_end)
    else:
        start, end = cue.end, _tokens_end(sentence, n, cue.end)
        if m_start >= cue.end:
            end = min(end, m_start)
        stop = lexicon.capture_object_end.search(sentence, start, end)
        end = stop.start() if stop else end
    return start >= end or not lexicon.capture_not_territory.search(sentence, start, end)


def _agent(
    sentence: str, cue: _Cue, m_start: int, m_end: int, passive: bool, lexicon: Lexicon
) -> tuple[int, int] | None:
    """The actor phrase after "by" close behind the cue ("was captured on Sunday by rebels"), or None.

    At most ``agent_gap`` tokens and no comma stand between them. The place may stand between them only
    after a passive or noun cue ("the capture of X by rebels"): after an active one, the "by" belongs to
    another verb ("troops captured X held by rebels").
    """
    end = _clause_end(sentence, cue.end, lexicon)
    by = lexicon.capture_agent.search(sentence, cue.end, end)
    if by is None or "," in sentence[cue.end : by.start()]:
        return None
    if not passive and cue.end < m_end and m_start < by.start():
        return None
    gap = [t for t in _TOKEN.finditer(sentence, cue.end, by.start()) if not m_start <= t.start() < m_end]
    if len(gap) > lexicon.capture_agent_gap:
        return None
    return _phrase_at(sentence, by.end(), end, lexicon)


def _phrase_at(sentence: str, pos: int, end: int, lexicon: Lexicon) -> tuple[int, int] | None:
    """The actor phrase starting at ``pos`` after an optional "the"/"a" (not kept), ending by ``end``."""
    start = _DETERMINER.match(sentence, pos, end).end()
    match = lexicon.actor_phrase.match(sentence, start, end)
    return match.span() if match else None


def _subject(sentence: str, cue_start: int, lexicon: Lexicon) -> tuple[int, int] | None:
    """The nearest actor phrase before an active cue, in its clause, that can be its subject.

    Skipped: a phrase right after a preposition or a verb (``not_subject_after``: "backed by Turkish
    troops", "routed rebels") with the phrases coordinated with it, and a phrase joined to the cue by
    "and" (the object of a first verb: "troops routed rebels and captured X"). Of coordinated subjects
    the first is kept ("Syrian troops and allied militias captured X"): news names the leading force first.
    """
    end = cue_start
    aside = _ASIDE.search(sentence, max(0, end - _ASIDE_CHARS), end)
    if aside:
        end = aside.start()
    start = _clause_start(sentence, end, lexicon)
    phrases = list(lexicon.actor_phrase.finditer(sentence, start, end))
    last = len(phrases) - 1
    while last >= 0:
        first = last
        while first > 0 and _COORDINATION.fullmatch(sentence, phrases[first - 1].end(), phrases[first].start()):
            first -= 1
        governed = _governed(sentence[start : phrases[first].start()], lexicon)
        if not governed and not _OBJECT_THEN.fullmatch(sentence, phrases[last].end(), end):
            return phrases[first].span()
        last = first - 1
    return None


def _governed(before: str, lexicon: Lexicon) -> bool:
    """Whether the words ``before`` an actor phrase make it other than a subject.

    Right after a ``not_subject_after`` word ("backed by Turkish troops", "routed 200 rebels"), or joined
    by "and" to the words of an agent ("backed by Russian jets and Iranian militias"). Only an agent
    passes on across "and": in "troops withdrew from the town and rebels captured it", the rebels are
    the subject of a new clause.
    """
    near = _last_tokens(before, 3)
    if lexicon.capture_not_subject.search(near):
        return True
    conjunction = _CONJUNCTION_END.search(near)
    if conjunction is None:
        return False
    first = before[: len(before) - len(near) + conjunction.start()]
    return bool(lexicon.capture_agent.search(_last_tokens(first, 4)))


def _clause_start(sentence: str, end: int, lexicon: Lexicon) -> int:
    """Start of the clause that ends at ``end``: after its last strong boundary, at most ``window`` tokens back."""
    start = end - len(_last_tokens(sentence, lexicon.capture_window, end))
    boundaries = list(_STRONG_BOUNDARY.finditer(sentence, start, end))
    return boundaries[-1].end() if boundaries else start


def _clause_end(sentence: str, start: int, lexicon: Lexicon) -> int:
    """End of the clause that starts at ``start``: its first strong boundary, at most ``window`` tokens on."""
    end = _tokens_end(sentence, lexicon.capture_window, start)
    boundary = _STRONG_BOUNDARY.search(sentence, start, end)
    return boundary.start() if boundary else end


def _tokens_end(text: str, n: int, start: int) -> int:
    """End of the ``n``-th token of ``text`` from ``start`` (the text's end when it has fewer).

    Read in growing windows, as :func:`_last_tokens` does, so that the cost is that of ``n`` tokens.
    """
    if n < 1:
        return start
    span = 8 * (n + 1)
    while True:
        hi = min(len(text), start + span)
        ends = [m.end() for m in _TOKEN.finditer(text, start, hi)]
        if len(ends) > n:
            return ends[n - 1]
        if hi == len(text):
            return hi
        span *= 2


def _actor_type(actor: str, lexicon: Lexicon) -> str | None:
    """``"non_state"`` when a non-state word names the actor, else ``"state"`` when a state word does.

    Non-state words win because they are the marked case: "Syrian rebels", "pro-government militia" (a
    non-state actor for ACLED, even when it takes ground for the government). A word inside a patron run
    ("Russian-backed", "pro-Turkish") names someone else and is ignored, unless the lexicon lists the
    whole run ("pro-government forces").
    """
    patrons = [m.span() for m in lexicon.actor_patron.finditer(actor)]

    def counts(match: re.Match[str]) -> bool:
        return not any(s <= match.start() and match.end() <= e and match.span() != (s, e) for s, e in patrons)

    if any(counts(m) for m in lexicon.actor_non_state.finditer(actor)):
        return "non_state"
    if any(counts(m) for m in lexicon.actor_state.finditer(actor)):
        return "state"
    return None
