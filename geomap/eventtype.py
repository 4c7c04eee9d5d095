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
  drone attack, "demonstrators stormed X" a protest).

Limits: no parser, so long-distance syntax (a place three clauses from its verb) and
coordination are approximated by distance. See ``docs/events.md`` for the evaluation.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geomap.errors import GeomapError
from geomap.sentences import GapCounts, sentence_bounds

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
    """

    type: str
    confidence: float
    cues: tuple[str, ...]


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
    #: Per cue group, the words its phrases can start with: ``(exact words, word prefixes)`` (speed only).
    cue_starts: tuple[tuple[frozenset[str], tuple[str, ...]] | None, ...]

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
        cue_starts=tuple(cue_starts),
    )


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

    cues: tuple[_Cue, ...]
    #: Per cue: "negated", "hypothetical" or "" (it counts).
    cancelled: tuple[str, ...]
    #: Per cue: an "alleged" word and a "setting" phrase ("at a") just before it.
    alleged: tuple[bool, ...]
    setting: tuple[bool, ...]
    #: The cues retyped by a named agent (:func:`_absorb`), when no cue is left out for the mention.
    absorbed: tuple[_Cue, ...]
    gaps: GapCounts


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
    gaps = GapCounts(sentence, _STRONG_BOUNDARY)
    modifiers = [_modifiers(sentence, cue.start, lexicon) for cue in cues]
    return _SentenceCues(
        cues=cues,
        cancelled=tuple(m[0] for m in modifiers),
        alleged=tuple(m[1] for m in modifiers),
        setting=tuple(m[2] for m in modifiers),
        absorbed=tuple(_absorb(list(cues), gaps, lexicon)),
        gaps=gaps,
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
    memo = _RUN_GROUPS.setdefault(lexicon.path, {})
    if len(memo) > 100_000:
        memo.clear()
    tried: dict[int, list[int]] = {}
    for run in _RUN.finditer(sentence):
        text = run.group()
        groups = memo.get(text)
        if groups is None:
            groups = memo[text] = _groups_starting(text, starts)
        for index in groups:
            tried.setdefault(index, []).append(run.start())
    found: list[tuple[int, int, int]] = []
    for index, ((_, _, pattern), first) in enumerate(zip(lexicon.cue_groups, starts, strict=True)):
        if first is None:
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


def _groups_starting(run: str, starts) -> tuple[int, ...]:
    """The cue groups (with known first words) a phrase of which can start at a word run ``run``."""
    if not run.isascii():
        return tuple(index for index, first in enumerate(starts) if first is not None)
    lowered = run.lower()
    return tuple(
        index
        for index, first in enumerate(starts)
        if first is not None and (lowered in first[0] or (first[1] and lowered.startswith(first[1])))
    )


_RUN_GROUPS: dict[str, dict[str, tuple[int, ...]]] = {}  # lexicon path -> word run -> cue groups


#: Tokens of context read before a cue or a mention for its modifiers and role. The lexicon's
#: phrases span a few tokens (the longest, "demanded an end to", four; a setting phrase such as
#: "at a" may take one more word), so reading more changes nothing, while reading the whole
#: sentence before every cue made typing quadratic.
_CONTEXT_TOKENS = 20
_ENDS_WITH_PREPOSITION = re.compile(
    r"\b(?:in|on|at|of|from|to|near|into|over|around|across|outside|against|for|with|by|toward|towards)\s*$",
    re.IGNORECASE,
)
_ENDS_WITH_ARTICLE = re.compile(r"\b(?:the|a|an)\s*$", re.IGNORECASE)


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
    if not _ENDS_WITH_PREPOSITION.search(near) and not _ENDS_WITH_ARTICLE.search(near):
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
        is found with :func:`geomap.sentences.sentence_bounds`.
    lexicon : Lexicon, optional
        A lexicon from :func:`load_lexicon`; the shipped one by default.

    Returns
    -------
    EventType
        ``type`` from :data:`EVENT_TYPES`, ``confidence`` in 0..1 and the deciding ``cues``.

    Examples
    --------
    >>> s = "Russian jets flying from Khmeimim bombed Kafr Ruma on Tuesday."
    >>> classify_event(s, s.index("Kafr"), s.index(" on Tue")).type
    'airstrike'
    >>> classify_event(s, s.index("Khmeimim"), s.index(" bombed"))
    EventType(type='mention_only', confidence=0.8, cues=('from',))
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
    used = [(c.start, c.text) for s, c in scores.get(best_type, []) if s >= max(0.05, 0.25 * top)]
    if role == "metonym" and best_type == "diplomacy":
        offset = m_end + right.find(role_cue) if role_cue in right else max(0, left.rfind(role_cue))
        used.append((offset, role_cue))
    return EventType(best_type, round(min(confidence, 0.99), 2), tuple(t for _, t in sorted(used)))


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
