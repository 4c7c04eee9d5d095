"""Pick the place each mention refers to, with a confidence and the reason.

Why scores and not rules: "Paris" is a city in France and a town in Texas; "Idlib" is a city and a
governorate. The words around a mention ("Idlib province", "Paris, Texas", "southern Idlib"), the
countries and states the article names, and the other places it mentions all pull one way or the
other. Each signal adds to a candidate's score:

* prior: kind (countries first) and population; a name that is only an alias of a place counts less;
  rows of the curated files under ``gazetteer/`` come first;
* qualifier: "Alexandria, La." or "Paris, Texas" names the state or country the place lies in;
* words around: "X province", "province of X", "southern X" favour areas; "city of X" favours towns;
  a bare "Idlib" is the city before the governorate named after it;
* sense of a same-name pair (a province or region and a town bearing its name, see :func:`_sense_cues`):
  "Saraqib, in Idlib" names the area that contains Saraqib; once an article has said "Idlib province"
  (or "New York City"), its bare "Idlib" ("New York") keeps that sense;
* article context: the countries (demonyms included) that the article's *other* names could lie in,
  the divisions it names, those of its surest places, and its dateline;
* proximity: candidates within 250 km of the article's other places.

The first pass knows only the candidates; later passes use where the previous pass put the
article's places. :data:`WEIGHTS` holds every signal's weight (swept by hand on the LGL development
corpus; a learned ranker over the same signals did no better in cross-validation).

The confidence is the winner's share of the softmax over candidates, so a clear context gives a high
confidence and a coin toss about 0.5; the reason lists the signals that decided.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from geopy.distance import great_circle

from geomap.gazetteer import Gazetteer
from geomap.model import ADMIN_KINDS, MARINE_KINDS, PHYSICAL_KINDS, POPULATED_KINDS, Match, Place, Toponym
from geomap.parse.normalize import skeleton
from geomap.parse.recognize import coded_divisions, is_curated

__all__ = ["resolve", "relation_of", "rank_lone_name", "ONLY_CANDIDATE_CONFIDENCE", "SHARED_CONFIDENCE"]

# The words that tell an area from a town of the same name ("Idlib province" or "Idlib city"), in
# regexes over the 30 characters after a name and the 40 before it. Area: a head noun after the name
# (possessive allowed: "Idlib's countryside") or before it with "of"; an office only an area has
# ("New York Governor"); "the Idlib town of Saraqib" (a town *in* the area); words only an area
# takes before it ("rural Idlib", "upstate New York"). Town: "Idlib city", "Idlib's old town",
# "city of Idlib", "mayor of X", municipal nouns ("a New York subway station", "downtown X").
# The patterns of the words after are anchored at the name (``^``), so ``match`` finds what ``search`` does.
_APOSTROPHE_S = r"(?:['’]s)?"
_ADMIN_AFTER = re.compile(
    rf"^{_APOSTROPHE_S}[\s-]*(?:(?:province|governorate|region|zone|countryside|district|oblast|state|area|county"
    r"|parish|governor|(?:city|town|village)\s+of)\b|gov\.)",
    re.I,
)
_AREA_BEFORE_WORDS = ("rural", "upstate", "downstate")
#: Like a direction word, a spread word says "area" only when the article does not name the town as a town.
_SPREAD_BEFORE_WORDS = ("across", "throughout")
_AREA_HEADS = ("province", "governorate", "region", "district", "county", "state", "oblast", "countryside", "governor")
_ADMIN_BEFORE_HARD = re.compile(
    rf"\b(?:{'|'.join(_AREA_HEADS)})\s+of\s+(?:the\s+)?$|\b(?:{'|'.join(_AREA_BEFORE_WORDS)})\s+$",
    re.I,
)
_ADMIN_BEFORE = re.compile(rf"{_ADMIN_BEFORE_HARD.pattern}|\b(?:{'|'.join(_SPREAD_BEFORE_WORDS)})\s+$", re.I)
_POPULATED_AFTER = re.compile(
    rf"^{_APOSTROPHE_S}[\s-]*(?:old\s+(?:city|town)|(?:city|town|village)(?!\s+of\b)|mayor|subway|metro|downtown)\b",
    re.I,
)
_TOWN_HEADS = ("city", "town", "village", "outskirts", "center", "centre", "streets", "suburbs", "mayor")
_POPULATED_BEFORE = re.compile(rf"\b(?:{'|'.join(_TOWN_HEADS)})\s+of\s+(?:the\s+)?$|\bdowntown\s+$", re.I)
_DIRECTION = r"(?:north|south|east|west|central|(?:north|south)[\s-]?(?:east|west))(?:ern)?"
_DIRECTION_BEFORE = re.compile(rf"\b({_DIRECTION})\s+$", re.I)
_RELATION_BEFORE = re.compile(
    rf"\b(outskirts of|near|close to|(?:{_DIRECTION}) of|outside|around)\s+(?:the\s+)?(?:\w+\s+of\s+)?$", re.I
)

_DATELINE = re.compile(
    r"(?:^|[.!?]\s+|\n\s*)((?:[A-Z][A-Z.'-]+ ?){1,4}(?:, [A-Z][A-Za-z.]+){0,2})\s*(?:\((?:AP|Reuters|AFP)\)\s*)?"
    r"(?:--|—|–| - )"
)
_DATELINE_WINDOW = 400
_LATER_PASSES = 2
#: The confidence of a mention whose name has one candidate, and the most a shared name can get
#: (the winner's softmax share of it).
ONLY_CANDIDATE_CONFIDENCE = 0.9
SHARED_CONFIDENCE = 0.95
_REGION_CONFIDENCE = 0.9  # a first-pass place this sure of itself tells which division the article is in
_DATELINE_WEIGHT = 3.0

#: Base preference by kind when nothing else is known.
_KIND_PRIOR = {
    "continent": 3.0, "country": 3.0, "province": 1.0, "region": 4.0, "city": 1.0, "town": 0.5,
    "military base": 1.0, "village": 0.0,
    # A sea or strait is read before a province or a city named after it ("Red Sea"); a named region,
    # lake, river, range or desert before a town of some 20,000 people (Siberia, the Andes, the Volga).
    **dict.fromkeys(MARINE_KINDS, 6.0), **dict.fromkeys(PHYSICAL_KINDS - MARINE_KINDS, 4.0),
}  # fmt: skip
_POPULATION_WEIGHT = 0.7
_QUALIFIER_BONUS = 6.0
_CUE_BONUS = 4.0
_SAID_BONUS = 4.0  # the sense the article stated for the name elsewhere (see _sense_cues)
_BARE_AREA_PENALTY = 1.5
_ALIAS_PENALTY = 2.5
_CURATED_BONUS = 4.5  # the reviewed files under gazetteer/ take precedence over bulk registry data
_ADMIN1_BONUS = 2.5
_COUNTRY_BONUS = 5.0
_NEAR_BONUS = 1.5
_NEAR_KM = 250.0
_EARTH_KM = 6371.0


@dataclass
class _Context:
    """What the whole article says: its countries and first-level divisions, with weights."""

    countries: Counter = field(default_factory=Counter)
    own_countries: dict[str, Counter] = field(default_factory=dict)  # each surface's own contribution
    totals: dict[str, tuple[Counter, float]] = field(default_factory=dict)  # cache of _country_share
    admin1: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    anchors: np.ndarray = field(default_factory=lambda: _NO_POINTS)
    anchor_owner: list[str] = field(default_factory=list)
    # Speed only (see _near_counts): every candidate of the article against every anchor, at once.
    rows: dict[tuple[str, ...], int] = field(default_factory=dict)  # place ids -> first row of `within`
    within: np.ndarray = field(default_factory=lambda: _NOTHING_WITHIN)
    counts: dict[str, list[int]] = field(default_factory=dict)  # per surface ("" for all): anchors of others within


_NO_POINTS = np.zeros((0, 2))  # shared by every context without anchors: read only
_NO_POINTS.flags.writeable = False
_NOTHING_WITHIN = np.zeros((0, 0), dtype=bool)
_NOTHING_WITHIN.flags.writeable = False


def resolve(text: str, matches: Sequence[Match], gazetteer: Gazetteer) -> list[Toponym]:
    """Resolve every match of one article, in the order given.

    The first pass knows only the candidates; each later pass also knows where the previous one put
    the article's places (anchors for proximity, their divisions, the dateline's place), so a sure
    "Lamar County" pulls "Paris" to Texas. Two later passes settle it (a third changes nothing on LGL).

    Speed only, same answers: the words around each mention are read once, not once per pass;
    mentions that agree in everything the scores read (name, candidates, qualifiers, cues) are one
    :class:`_Choice`, scored once per pass; a pass whose context equals the previous pass's is not
    run (same answers); toponyms are built once, from the last pass's decisions.
    """
    found = [_candidates(gazetteer, match.place_ids) for match in matches]
    relations = [relation_of(text, match.start) for match in matches]
    ambiguous = [len(f.places) > 1 and match.type != "demonym" for match, f in zip(matches, found, strict=True)]
    plain = [
        None if shared else _resolve_one(match, f.places, relation)
        for match, f, relation, shared in zip(matches, found, relations, ambiguous, strict=True)
    ]
    if not any(ambiguous):
        return plain  # no scores needed, and nothing for the article's context to decide
    surfaces = [match.surface.lower() for match in matches]
    choices, choice_of = _choices(text, matches, found, relations, ambiguous, surfaces)
    article = _Article(plain, choice_of, surfaces, _dateline_mention(text, matches, plain))
    base = _article_context(surfaces, found)
    near_rows = _NearRows.of(choices)
    done = _run_pass(choices, _copy_context(base, near_rows.rows), None)
    seen = _context_state(done.context)
    for _ in range(_LATER_PASSES):
        placed = article.placed(done.decisions)
        context = _copy_context(base, near_rows.rows)
        _add_anchors(context, placed)
        _add_dateline(context, placed, article.dateline)
        state = _context_state(context)
        if state == seen:
            break  # the same context as the last pass: the same answers again
        near_rows.prepare(context, done.context if state[2:] == seen[2:] else None)
        seen = state
        previous, done = done, _run_pass(choices, context, done)
        if all(now[:2] == before[:2] for now, before in zip(done.decisions, previous.decisions, strict=True)):
            # The same places and confidences: the next pass's context, built from those alone,
            # would be this pass's, and give the same answers.
            break
    decisions = done.decisions
    reasons = [_reason(choice, decision, done.context) for choice, decision in zip(choices, decisions, strict=True)]
    return [
        top if k is None else _toponym(match, decisions[k], reasons[k], relation)
        for match, top, k, relation in zip(matches, plain, choice_of, relations, strict=True)
    ]


@dataclass
class _Choice:
    """The ambiguous mentions of an article that agree in everything their scores read.

    What no pass changes: the name, its candidates, the qualifiers after it and the sense cues
    around it (with the words the reason quotes for them).
    """

    found: _Candidates
    place_ids: tuple[str, ...]
    surface: str  # lowercased
    qualifiers: list[Place]
    cues: set[str]
    cue_words: str  # see _sense_cues


#: One pass's answer for a choice: the winner, its confidence, and how many anchors lie near it.
_Decision = tuple[Place, float, int]


def _choices(
    text: str,
    matches: Sequence[Match],
    found: list[_Candidates],
    relations: list[str],
    ambiguous: list[bool],
    surfaces: list[str],
) -> tuple[list[_Choice], list[int | None]]:
    """The article's choices, and each mention's index among them (None when it is not ambiguous)."""
    candidates = [f.places for f in found]
    own_cues = [
        _context_cues(text, match, relation) if shared else set()
        for match, relation, shared in zip(matches, relations, ambiguous, strict=True)
    ]
    cues, cue_words = _sense_cues(text, matches, found, ambiguous, own_cues)
    choices: list[_Choice] = []
    index: dict[tuple, int] = {}
    choice_of: list[int | None] = []
    for i, match in enumerate(matches):
        if not ambiguous[i]:
            choice_of.append(None)
            continue
        qualifiers = _qualifier_places(text, matches, candidates, i)
        key = (match.place_ids, surfaces[i], tuple(q.id for q in qualifiers), tuple(sorted(cues[i])), cue_words[i])
        k = index.get(key)
        if k is None:
            k = index[key] = len(choices)
            choices.append(_Choice(found[i], match.place_ids, surfaces[i], qualifiers, cues[i], cue_words[i]))
        choice_of.append(k)
    return choices, choice_of


@dataclass
class _Article:
    """Where a pass's decisions go among the article's mentions (what the next pass's context reads)."""

    plain: list[Toponym | None]  # the mentions that need no scores, resolved; None for a choice's
    choice_of: list[int | None]
    surfaces: list[str]
    dateline: int | None  # the mention that is the dateline's place (see _dateline_mention)

    def placed(self, decisions: list[_Decision]) -> list[tuple[str, Place, float] | None]:
        """Each mention's (lowercased name, place, confidence), or None when it is no placed place
        (a demonym, a name without candidates)."""
        placed: list[tuple[str, Place, float] | None] = []
        for surface, top, k in zip(self.surfaces, self.plain, self.choice_of, strict=True):
            if k is not None:
                place, confidence, _ = decisions[k]
                placed.append((surface, place, confidence))
            elif top.place is not None and top.type == "place":
                placed.append((surface, top.place, top.confidence))
            else:
                placed.append(None)
        return placed


@dataclass
class _Pass:
    """One pass's answers (a decision per choice), and what the choices read of its context."""

    context: _Context
    nears: list[list[int]]  # per choice, its candidates' near counts
    decisions: list[_Decision]


def _run_pass(choices: list[_Choice], context: _Context, previous: _Pass | None) -> _Pass:
    """Decide every choice in ``context``; one that reads the same as in the ``previous`` pass keeps its decision.

    Speed only: of the context, a choice's scores read its candidates' near counts, the country
    shares of its name and whether its candidates' divisions are named (see :func:`_scores`); when
    none of these changed, its scores and decision are the previous pass's, and so is its reason.
    """
    nears = [_near_counts(choice.place_ids, len(choice.found.places), context, choice.surface) for choice in choices]
    changed = None if previous is None else _changed_divisions(previous.context, context)
    decisions = []
    for i, (choice, near) in enumerate(zip(choices, nears, strict=True)):
        if changed is not None and near == previous.nears[i] and changed.isdisjoint(choice.found.divisions):
            decisions.append(previous.decisions[i])
        else:
            decisions.append(_decide(choice, context, near))
    return _Pass(context, nears, decisions)


def _changed_divisions(before: _Context, now: _Context) -> set[tuple[str, str]] | None:
    """The divisions named differently in two contexts, or None when their countries differ (every share may)."""
    if list(before.countries.items()) != list(now.countries.items()):  # in order: the shares' sums follow it
        return None
    old, new = before.admin1, now.admin1
    return {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


def _toponym(match: Match, decision: _Decision, reason: str, relation: str) -> Toponym:
    place, confidence, _ = decision
    return Toponym(match.start, match.end, match.surface, "place", place, confidence, reason, relation)


def _copy_context(base: _Context, rows: dict[tuple[str, ...], int]) -> _Context:
    """A fresh context equal to ``base`` (what _article_context returns again), without recounting."""
    return _Context(
        countries=Counter(base.countries),
        own_countries=base.own_countries,  # read only after _article_context
        admin1={key: set(names) for key, names in base.admin1.items()},
        rows=rows,  # the same candidates in every pass
    )


def _context_state(context: _Context) -> tuple:
    """Everything of a context that a score reads, in a comparable form (country order included:
    the share's float sums follow it)."""
    return (
        list(context.countries.items()),
        context.admin1,
        context.anchors.tolist(),
        context.anchor_owner,
    )


def dateline_span(text: str) -> tuple[int, int] | None:
    """Where the dateline is ("WINONA --", "COVINGTON, Ky. (AP) -"): the place the story is filed from."""
    found = _DATELINE.search(text[:_DATELINE_WINDOW])
    return found.span(1) if found else None


def _dateline_mention(text: str, matches: Sequence[Match], plain: list[Toponym | None]) -> int | None:
    """The first place mention inside the dateline: a choice's (it always gets a place) or a plain one."""
    span = dateline_span(text)
    if span is None:
        return None
    for i, (match, top) in enumerate(zip(matches, plain, strict=True)):
        placed = top is None or (top.place is not None and top.type == "place")
        if placed and span[0] <= match.start < span[1]:
            return i
    return None


def _add_dateline(context: _Context, placed: list[tuple[str, Place, float] | None], dateline: int | None) -> None:
    """The dateline's place anchors the article: its division and country count as named again."""
    if dateline is None:
        return
    _, place, _ = placed[dateline]
    if place.admin1:
        context.admin1.setdefault((place.country, place.admin1), set()).add("<dateline>")
    if place.country:
        context.countries[place.country] += _DATELINE_WEIGHT


def relation_of(text: str, start: int) -> str:
    """The spatial relation written just before a mention ("outskirts of", "northern"), or ""."""
    before = text[max(0, start - 40) : start]
    if not _may_end(before, _RELATION_ENDINGS):
        return ""  # neither pattern can match
    found = _RELATION_BEFORE.search(before)
    if found:
        return found.group(1).lower()
    direction = _DIRECTION_BEFORE.search(before)
    return direction.group(1).lower().replace(" ", "-") if direction else ""


def _article_context(surfaces: list[str], found: list[_Candidates]) -> _Context:
    """Countries weighted by how many mentions could lie in them; divisions that are named (and by what)."""
    context = _Context()
    weights, owns, divisions = context.countries, context.own_countries, context.admin1
    for surface, candidates in zip(surfaces, found, strict=True):
        own = owns.get(surface)
        if own is None:
            own = owns[surface] = Counter()
        countries = candidates.countries
        if countries:
            weight = 1.0 / len(countries)
            for country in countries:
                weights[country] += weight
                own[country] += weight
        for division in candidates.provinces:
            divisions.setdefault(division, set()).add(surface)
    return context


def _add_anchors(context: _Context, placed: list[tuple[str, Place, float] | None]) -> None:
    """The divisions of the surest places, and the points of the fairly sure ones that are not areas."""
    for entry in placed:
        if entry is not None:
            surface, place, confidence = entry
            if place.admin1 and confidence >= _REGION_CONFIDENCE:
                context.admin1.setdefault((place.country, place.admin1), set()).add(surface)
    points, owners = [], []
    for entry in placed:
        if entry is not None:
            surface, place, confidence = entry
            if place.kind not in ADMIN_KINDS and confidence >= 0.6:
                points.append((place.lat, place.lon))
                owners.append(surface)
    context.anchors = np.radians(np.array(points, dtype=float)) if points else _NO_POINTS
    context.anchor_owner = owners


def _qualifier_places(text: str, matches: Sequence[Match], candidates: list[list[Place]], i: int) -> list[Place]:
    """Places named right after a comma ("Paris, Texas"): the state or country this one lies in.

    A postal code there names the state, province or territory ("Portland, ME", "Hamilton, ON",
    "Cambridge, MA, USA"): see :func:`geomap.parse.recognize.coded_divisions`.
    """
    end = matches[i].end
    if text[end : end + 1] == ",":
        coded = coded_divisions(text, end)
        if coded:
            return list(coded)
    if i + 1 >= len(matches):
        return []
    gap = text[end : matches[i + 1].start]
    if gap.strip() != "," or len(gap) > 3:
        return []
    return [p for p in candidates[i + 1] if p.kind in ("province", "country")]


def _resolve_one(match: Match, cands: list[Place], relation: str) -> Toponym:
    """A mention with at most one candidate, or a demonym: no scores needed."""
    if not cands:
        return Toponym(match.start, match.end, match.surface, match.type, None, 0.0, "no candidate", relation)
    if match.type == "demonym":
        place = cands[0]
        return Toponym(match.start, match.end, match.surface, "demonym", place, 0.9, f"demonym of {place.name}")
    if len(cands) == 1:
        confidence = ONLY_CANDIDATE_CONFIDENCE
        return Toponym(match.start, match.end, match.surface, "place", cands[0], confidence, "only candidate", relation)
    raise ValueError("an ambiguous mention is a _Choice")


def _decide(choice: _Choice, context: _Context, near: list[int]) -> _Decision:
    """The best-scoring candidate of a choice in one pass, and its confidence (its softmax share)."""
    found = choice.found
    cands = found.places
    surface = choice.surface
    scores = _scores(cands, found.statics, choice.cues, choice.qualifiers, context, near, found.towns_in, surface)
    top = max(scores)
    best = scores.index(top)
    if scores.count(top) > 1:  # a tie goes to the smaller id
        best = min((i for i, score in enumerate(scores) if score == top), key=lambda i: cands[i].id)
    # Summed best first: the order of the float additions is part of the answer. Tied scores are
    # equal floats, so their order among themselves does not change the sum.
    total = sum([math.exp(score - top) for score in sorted(scores, reverse=True)])
    return cands[best], round(SHARED_CONFIDENCE / total, 2), near[best]


def _reason(choice: _Choice, decision: _Decision, context: _Context) -> str:
    """The signals that decided a choice, in words, from the context of the pass that decided it."""
    place, _, near = decision
    signals = _signals(place, choice.cues, choice.qualifiers, context, near, choice.found.towns_in, choice.surface)
    why = _reasons(place, signals, choice.qualifiers, near, choice.cue_words)
    return "; ".join(why) or "most likely kind and population"


def _near_counts(place_ids: tuple[str, ...], size: int, context: _Context, surface: str) -> list[int]:
    """For each candidate, how many of the article's other anchor places lie within 250 km."""
    if not len(context.anchors):
        return [0] * size
    counts = context.counts.get(surface)
    if counts is None:  # once per name and pass, for all the article's candidates
        if surface in context.anchor_owner:
            keep = [owner != surface for owner in context.anchor_owner]
            counts = context.within[:, keep].sum(axis=1).tolist()
        else:  # every anchor is another name's: the same counts as for any such name
            counts = context.counts.get("")
            if counts is None:
                counts = context.counts[""] = context.within.sum(axis=1).tolist()
        context.counts[surface] = counts
    row = context.rows[place_ids]
    return counts[row : row + size]


@dataclass
class _NearRows:
    """The points of all the article's candidates, one row per candidate, for :meth:`prepare`.

    Speed only: stacked and their cosines taken once per article, not once per pass.
    """

    rows: dict[tuple[str, ...], int]  # place ids -> first row
    lat: np.ndarray  # a column, radians
    lon: np.ndarray
    cos_lat: np.ndarray

    @classmethod
    def of(cls, choices: list[_Choice]) -> _NearRows:
        """The rows of every distinct name among ``choices``, in their order."""
        rows: dict[tuple[str, ...], int] = {}
        blocks = []
        row = 0
        for choice in choices:
            if choice.place_ids not in rows:
                rows[choice.place_ids] = row
                blocks.append(choice.found.points)
                row += len(choice.found.points)
        points = np.concatenate(blocks)
        lat = points[:, :1]
        return cls(rows, lat, points[:, 1:], np.cos(lat))

    def prepare(self, context: _Context, same_anchors: _Context | None) -> None:
        """Which candidates lie within 250 km of which anchors of ``context``, in one matrix.

        The same haversine as one mention at a time, element for element (numpy's elementwise
        functions do not depend on where an element sits in the array). A previous pass's context
        with the same anchors and owners (``same_anchors``) lends its matrix and counts instead.
        """
        if not len(context.anchors):
            return
        if same_anchors is not None:
            context.within, context.counts = same_anchors.within, same_anchors.counts
            return
        lat2, lon2 = context.anchors[:, 0][None, :], context.anchors[:, 1][None, :]
        lat1, lon1 = self.lat, self.lon
        h = np.sin((lat2 - lat1) / 2) ** 2 + self.cos_lat * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
        clipped = np.minimum(np.maximum(h, 0.0), 1.0)  # np.clip(h, 0, 1), without its per-call overhead
        km = 2 * _EARTH_KM * np.arcsin(np.sqrt(clipped))
        context.within = km < _NEAR_KM


def _context_cues(text: str, match: Match, relation: str) -> set[str]:
    """Which sense the words right around a mention name: "admin" (an area), "populated" (a town), both or none."""
    before = text[max(0, match.start - 40) : match.start]
    after = text[match.end : match.end + 30]
    cues = set()
    if _ADMIN_AFTER.match(after) or (_may_end(before, _ADMIN_ENDINGS) and _ADMIN_BEFORE.search(before)):
        cues.add("admin")
    if relation and _DIRECTION_BEFORE.search(before) and not relation.endswith(" of"):
        cues.add("admin")  # "southern Idlib": a part of an area
    if _POPULATED_AFTER.match(after) or (_may_end(before, _POPULATED_ENDINGS) and _POPULATED_BEFORE.search(before)):
        cues.add("populated")
    return cues


#: The two senses of a same-name pair: a first- or second-level area, and a place people live in.
_AREA_KINDS = frozenset({"province", "region", "district"})
#: A name that states its own kind ("Idlib province", "Donetsk Oblast", "New York City") tells which
#: sense the article means, when the word fits the place's kind ("San Diego State" is a university).
#: Not "county": "Sacramento County" is named after its city, and a later bare "Sacramento" is the city.
_KIND_WORDS: dict[str, frozenset[str]] = {
    "province": frozenset({"province"}), "governorate": frozenset({"province"}), "oblast": frozenset({"province"}),
    "state": frozenset({"province"}), "region": frozenset({"province", "region"}),
    "district": frozenset({"district"}), "city": POPULATED_KINDS, "town": POPULATED_KINDS,
}  # fmt: skip
_KIND_WORD = re.compile(rf"\b(?:{'|'.join(_KIND_WORDS)})\b", re.I)
#: Cue words that name an area but state no sense for later bare mentions (see _KIND_WORDS on counties;
#: "the Sacramento area" is the city and around it).
_NOT_DECLARING = re.compile(r"\b(?:county|parish|area)\b", re.I)
#: "Saraqib, in southern Idlib", "Saraqib in Idlib", "Saraqib, a town in Idlib", "Saraqib, Idlib":
#: what lies between a place and the area that contains it.
_CONTAINED_GAP = re.compile(
    rf"^(?:,\s*|,?\s+(?:(?:a|the)\s+(?:[\w-]+\s+)?(?:city|town|village)\s+)?in\s+(?:the\s+)?(?:{_DIRECTION}\s+)?)$",
    re.I,
)
_CONTAINED_GAP_MAX = 40
#: People per km² of a city's built-up area, for its radius: 8.8 million people span ~30 km, 130,000 ~4 km.
#: A place that close to a town of the pair is in the town ("Brooklyn, New York"), not only in the area.
_URBAN_DENSITY = 3000.0
_URBAN_MIN_KM = 5.0


@dataclass(frozen=True)
class _Declared:
    """A sense the article states for a name: the places of that sense, and the words that state it."""

    sense: str  # "admin" or "populated"
    ids: frozenset[str]
    words: str


def _sense_cues(
    text: str, matches: Sequence[Match], found: list[_Candidates], ambiguous: list[bool], own: list[set[str]]
) -> tuple[list[set[str]], list[str]]:
    """Each mention's cues, with containment and the article's stated senses, and the words they quote.

    A *pair* is a name whose candidates hold an area (province, region, district) and a town but no
    country: Idlib and Idlib Governorate, Donetsk and Donetsk Oblast, New York and New York State.
    For a pair, beyond the words around it (:func:`_context_cues`):

    * containment: "Saraqib, in southern Idlib" names the area Saraqib lies in (unless Saraqib lies
      within the radius of the pair's own town: "Brooklyn, New York");
    * a direction or spread word ("southern Idlib", "across Idlib") names the area only when the
      article does not also name the town as a town ("the city of Idlib");
    * discourse: a bare mention takes the sense the article *first* states for the name, in the words
      around a mention ("Idlib province", "the city of Idlib") or in a name ("Donetsk Oblast", "New York
      City"); earlier bare mentions too (a headline's "Syria's Idlib" before the body's "Idlib province").
      An opposite explicit cue decides its own mention only and does not reset the article's sense:
      a writer who says "Idlib city" once inside a story about the province qualifies it precisely
      because the bare name means the province. Discourse cues are ``"said:<place id>"``, one per
      candidate of the stated sense (the :data:`WEIGHTS` signal ``said``).

    Computed once per article, before any pass: none of it depends on where a pass put places.
    """
    cues = [set(said) for said in own]
    words = [_cue_words(text, match, said) if said else "" for match, said in zip(matches, own, strict=True)]
    pairs = [i for i in range(len(matches)) if ambiguous[i] and found[i].is_pair]
    if not pairs:
        return cues, words
    candidates = [f.places for f in found]
    how: dict[int, str] = {}  # each pair mention's own cue: "contained", "soft", "words" or "bare"
    for i in pairs:
        if "populated" not in cues[i] and i and _contains_previous(text, matches, candidates, i):
            cues[i].add("admin")
            inner = matches[i - 1]
            words[i] = f'"{_quote(text[inner.start : matches[i].end])}" ({inner.surface} lies in it)'
            how[i] = "contained"
        elif cues[i] == {"admin"} and not _hard_area_words(text, matches[i]):
            how[i] = "soft"
        else:
            how[i] = "words" if cues[i] else "bare"
    declared = _declared_senses(matches, candidates, cues, words, how)
    for i in pairs:
        ids = set(matches[i].place_ids)
        if how[i] == "soft" and any(d.sense == "populated" and d.ids & ids for d in declared):
            cues[i], words[i] = set(), ""  # "southern Idlib" after "the city of Idlib": the city's south
        if not cues[i]:
            first = next((d for d in declared if d.ids & ids), None)
            if first is not None:
                cues[i] = {f"said:{pid}" for pid in first.ids & ids}
                words[i] = first.words
    return cues, words


def _is_pair(cands: list[Place]) -> bool:
    """An area and a town share the name, and no country does (countries are not this choice)."""
    kinds = {place.kind for place in cands}
    return bool(kinds & _AREA_KINDS) and bool(kinds & POPULATED_KINDS) and "country" not in kinds


def _declared_senses(
    matches: Sequence[Match], candidates: list[list[Place]], cues: list[set[str]], words: list[str], how: dict[int, str]
) -> list[_Declared]:
    """The senses the article states, in text order: pairs with one hard cue, and names that say their kind.

    A kind word of the sense must fit the places it declares: "San Diego State" (a university)
    declares no county; "the Idlib town of Saraqib" declares the area ("town" is Saraqib's kind).
    """
    declared = []
    for i, match in enumerate(matches):
        own = how.get(i)
        if own is not None:
            if own in ("soft", "bare") or len(cues[i]) != 1:
                continue
            (sense,) = cues[i]
            kinds = _AREA_KINDS if sense == "admin" else POPULATED_KINDS
            if own == "words":
                if _NOT_DECLARING.search(words[i]):
                    continue
                named = [_KIND_WORDS[word.lower()] & kinds for word in _KIND_WORD.findall(words[i])]
                kinds = frozenset().union(*named) if any(named) else kinds
            ids = frozenset(p.id for p in candidates[i] if p.kind in kinds)
            if ids:
                declared.append(_Declared(sense, ids, words[i]))
        elif len(candidates[i]) == 1 and match.type == "place" and _names_its_kind(match.surface, candidates[i][0]):
            place = candidates[i][0]
            sense = "admin" if place.kind in _AREA_KINDS else "populated"
            declared.append(_Declared(sense, frozenset((place.id,)), f'"{_quote(match.surface)}"'))
    return declared


def _names_its_kind(surface: str, place: Place) -> bool:
    """The name holds a word for the place's own kind: "Donetsk Oblast" (a province), "New York City"."""
    return any(place.kind in _KIND_WORDS[word.lower()] for word in _KIND_WORD.findall(surface))


def _contains_previous(text: str, matches: Sequence[Match], candidates: list[list[Place]], i: int) -> bool:
    """The mention before ``i`` is a place in one of ``i``'s areas, outside that area's town of the name."""
    before = matches[i - 1]
    gap = text[before.end : matches[i].start]
    if len(gap) > _CONTAINED_GAP_MAX or not _CONTAINED_GAP.match(gap):
        return False
    outer = candidates[i]
    for area in outer:
        if area.kind not in _AREA_KINDS:
            continue
        towns = [p for p in outer if p.kind in POPULATED_KINDS and _lies_in(p, area)]
        for place in candidates[i - 1]:
            if place.kind in ADMIN_KINDS or not _lies_in(place, area):
                continue
            if all(_km(place, town) > _urban_km(town) for town in towns):
                return True
    return False


def _urban_km(town: Place) -> float:
    """How far a town's built-up area reaches, from its population (see _URBAN_DENSITY)."""
    return max(_URBAN_MIN_KM, math.sqrt(town.population / _URBAN_DENSITY / math.pi))


def _km(a: Place, b: Place) -> float:
    """Great-circle distance, for the few containment checks of an article."""
    return great_circle((a.lat, a.lon), (b.lat, b.lon)).km


def _hard_area_words(text: str, match: Match) -> bool:
    """Words around the mention name an area by themselves ("Idlib province", "rural Idlib"), not only
    by a direction or spread word, which may mean a part of the town ("eastern Aleppo")."""
    before = text[max(0, match.start - 40) : match.start]
    return bool(_ADMIN_AFTER.match(text[match.end : match.end + 30]) or _ADMIN_BEFORE_HARD.search(before))


def _cue_words(text: str, match: Match, cues: set[str]) -> str:
    """The words around a mention that gave its cues, quoted for the reason ("Idlib countryside")."""
    before = text[max(0, match.start - 40) : match.start]
    after = text[match.end : match.end + 30]
    afters, befores = [], []
    if "admin" in cues:
        afters.append(_ADMIN_AFTER)
        befores += [_ADMIN_BEFORE, _DIRECTION_BEFORE]
    if "populated" in cues:
        afters.append(_POPULATED_AFTER)
        befores.append(_POPULATED_BEFORE)
    quoted = [match.surface + after[: found.end()] for found in (p.match(after) for p in afters) if found]
    quoted += [before[found.start() :] + match.surface for found in (p.search(before) for p in befores) if found]
    return ", ".join(dict.fromkeys(f'"{_quote(words)}"' for words in quoted))


def _quote(words: str) -> str:
    return " ".join(words.split())


@dataclass(frozen=True)
class _Endings:
    """How the words that a pattern of the words before a mention ends on (``...\\s+$``) may end, in lower case.

    ``last``: how the last word may end. ``after``: for a last word that is only a link ("of", "the",
    "to"), how the word before it may end ("province of", "near the", "close to").
    """

    last: tuple[str, ...]
    after: dict[str, tuple[str, ...]]


_DIRECTION_ENDINGS = ("north", "south", "east", "west", "central", "ern")
#: _RELATION_BEFORE and _DIRECTION_BEFORE: "near", "outside", "around", a direction ("northern X"), "of"
#: ("outskirts of", "north of", "near the town of"); "the" after a relation, "to" after "close".
_RELATION_ENDINGS = _Endings(
    ("near", "outside", "around", "of", *_DIRECTION_ENDINGS),
    {"the": ("of", "near", "to", "outside", "around"), "to": ("close",)},
)
_ADMIN_ENDINGS = _Endings((*_AREA_BEFORE_WORDS, *_SPREAD_BEFORE_WORDS), {"of": _AREA_HEADS, "the": ("of",)})
_POPULATED_ENDINGS = _Endings(("downtown",), {"of": _TOWN_HEADS, "the": ("of",)})


def _may_end(window: str, endings: _Endings) -> bool:
    """False when the last words of ``window`` do not end as ``endings`` says, so the pattern cannot match.

    Speed only: a test of two words instead of a regex search trying every position. A word with
    non-ASCII characters always passes (case-insensitive matching knows more equivalents than
    ``str.lower``, such as "ſ" for "s"); ``str.split`` and ``\\s`` agree on what whitespace is.
    """
    words = window.rsplit(None, 2)
    if not words:
        return False
    last = words[-1]
    if not last.isascii():
        return True
    last = last.lower()
    before = endings.after.get(last)
    if before is None:
        return last.endswith(endings.last)
    if len(words) < 2:
        return False
    previous = words[-2]
    return not previous.isascii() or previous.lower().endswith(before)


def _signals(
    place: Place,
    cues: set[str],
    qualifiers: list[Place],
    context: _Context,
    near: int,
    towns_in: set,
    surface: str,
) -> dict[str, float]:
    """What speaks for or against one candidate, as named numbers (see :data:`WEIGHTS`)."""
    return {
        f"kind_{place.kind}": 1.0,
        "log_population": math.log10(place.population + 1),
        "alias": float(skeleton(place.name) != skeleton(surface)),
        "qualified": float(any(_lies_in(place, q) for q in qualifiers)),
        "area_cue": float("admin" in cues and place.kind in ADMIN_KINDS),
        "town_cue": float("populated" in cues and place.kind in POPULATED_KINDS),
        "said": float(f"said:{place.id}" in cues),
        "bare_area": float(
            "admin" not in cues
            and f"said:{place.id}" not in cues
            and place.kind in ("province", "district", "region")
            and _has_town(place, towns_in)
        ),
        "in_named_division": float(
            bool(place.admin1) and bool(context.admin1.get((place.country, place.admin1), set()) - {surface})
        ),
        "named_division": float(
            place.kind == "province" and bool(context.admin1.get((place.country, place.name), set()) - {surface})
        ),
        "country_share": _country_share(context, place.country, surface),
        "near": min(near, 3) / 3,
        "near_any": float(near > 0),
        "curated": float(is_curated((place,))),
    }


#: Weights of :func:`_signals`; a candidate's score is their weighted sum.
WEIGHTS: dict[str, float] = {
    **{f"kind_{kind}": prior for kind, prior in _KIND_PRIOR.items()},
    "log_population": _POPULATION_WEIGHT,
    "alias": -_ALIAS_PENALTY,
    "qualified": _QUALIFIER_BONUS,
    "area_cue": _CUE_BONUS,
    "town_cue": _CUE_BONUS,
    "said": _SAID_BONUS,
    "bare_area": -_BARE_AREA_PENALTY,
    "in_named_division": _ADMIN1_BONUS,
    "named_division": _ADMIN1_BONUS,
    "country_share": _COUNTRY_BONUS,
    "near": _NEAR_BONUS,
    "near_any": _NEAR_BONUS / 2,
    "curated": _CURATED_BONUS,
}
_DEFAULT_KIND_PRIOR = 0.5
_CACHE_LIMIT = 20_000  # candidate lists kept per gazetteer (names, ~2 kB each), emptied when full


@dataclass(frozen=True)
class _Candidates:
    """The places a name may refer to, and what the resolver reads of them that no article changes."""

    places: list[Place]
    statics: list[tuple]  # per place, the parts of its score that do not depend on the article: see _static
    points: np.ndarray  # per place, (lat, lon) in radians
    towns_in: set[tuple[str, str]]  # the (country, admin1) of the sizeable towns among them (see _has_town)
    countries: list[str]  # their countries, sorted (not a set: the article's float sums must not depend on
    # the process's hash seed)
    provinces: list[tuple[str, str]]  # (country, name) of the provinces among at most 3 places: named divisions
    is_pair: bool  # see _is_pair
    divisions: frozenset[tuple[str, str]]  # the (country, division) keys their scores look up in _Context.admin1


def _candidates(gazetteer: Gazetteer, place_ids: tuple[str, ...]) -> _Candidates:
    """The places of a match and what the resolver reads of them that does not depend on the article.

    Speed only: cached per gazetteer and name, so a place's prior, kind tests and name skeleton are
    worked out once, not once per mention and pass.
    """
    cache = gazetteer.memo.setdefault("resolve", {})
    found = cache.get(place_ids)
    if found is None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        by_id = gazetteer.places  # what gazetteer.place() reads, without a method call per candidate
        places = [by_id[pid] for pid in place_ids]
        found = cache[place_ids] = _Candidates(
            places=places,
            statics=[_static(place) for place in places],
            points=np.radians(np.array([(p.lat, p.lon) for p in places], dtype=float)),
            towns_in={(p.country, p.admin1) for p in places if p.kind in POPULATED_KINDS and p.population >= 10_000},
            countries=sorted({p.country for p in places if p.country}),
            provinces=[(p.country, p.name) for p in places if p.kind == "province"] if len(places) <= 3 else [],
            is_pair=_is_pair(places),
            divisions=frozenset(
                [(p.country, p.admin1) for p in places if p.admin1]
                + [(p.country, p.name) for p in places if p.kind == "province"]
            ),
        )
    return found


def _static(place: Place) -> tuple:
    """What :func:`_scores` reads of a candidate that no article changes, in the order it reads it."""
    get = WEIGHTS.get
    kind = place.kind
    # The first two terms of _score's sum, added in the same order (0 + kind prior, then population).
    prior = 0 + get(f"kind_{kind}", 0.0) * 1.0
    prior += get("log_population", 0.0) * math.log10(place.population + 1)
    return (
        prior,
        skeleton(place.name),
        kind in ADMIN_KINDS,
        kind in POPULATED_KINDS,
        kind in ("province", "district", "region"),
        place.country,
        (place.country, place.admin1) if place.admin1 else None,  # the division it lies in
        (place.country, place.name) if kind == "province" else None,  # the division it is
        is_curated((place,)),
        f"kind_{kind}" not in WEIGHTS,
    )


def _scores(
    cands: list[Place],
    statics: list[tuple],
    cues: set[str],
    qualifiers: list[Place],
    context: _Context,
    near: list[int],
    towns_in: set,
    surface: str,
) -> list[float]:
    """What :func:`_score` of :func:`_signals` gives for each candidate, bit for bit, without the dicts.

    The weighted signals are added in the order :func:`_signals` lists them, starting from the
    cached prior; a signal that is zero is skipped (adding ``w * 0.0`` leaves a float unchanged), so
    the sums are the same floats. ``tests/test_speed_paths.py`` checks this against :func:`_score`.
    """
    get = WEIGHTS.get
    w_alias, w_qualified = get("alias", 0.0), get("qualified", 0.0)
    w_area, w_town, w_bare = get("area_cue", 0.0), get("town_cue", 0.0), get("bare_area", 0.0)
    w_said = get("said", 0.0)
    w_in_div, w_div, w_share = get("in_named_division", 0.0), get("named_division", 0.0), get("country_share", 0.0)
    w_near, w_near_any, w_curated = get("near", 0.0), get("near_any", 0.0), get("curated", 0.0)
    admin_cue = "admin" in cues
    town_cue = "populated" in cues
    said = {cue[5:] for cue in cues if cue.startswith("said:")}
    written = skeleton(surface)
    divisions = context.admin1
    countries = context.countries
    own, total = _share_totals(context, surface)
    shares: dict[str, float] = {}  # the _country_share of each country, worked out for its first candidate
    scores = []
    for place, static, n in zip(cands, statics, near, strict=True):
        (
            score,
            name_skeleton,
            is_admin,
            is_populated,
            is_area,
            country,
            division,
            own_division,
            curated,
            unknown_kind,
        ) = static
        if name_skeleton != written:
            score += w_alias
        if qualifiers and any(_lies_in(place, q) for q in qualifiers):
            score += w_qualified
        if admin_cue and is_admin:
            score += w_area
        if town_cue and is_populated:
            score += w_town
        said_here = place.id in said if said else False
        if said_here:
            score += w_said
        if not admin_cue and not said_here and is_area and _has_town(place, towns_in):
            score += w_bare
        if divisions:  # a division named by some other name than this one (see _signals)
            if division is not None:
                named = divisions.get(division)
                if named and (len(named) > 1 or surface not in named):
                    score += w_in_div
            if own_division is not None:
                named = divisions.get(own_division)
                if named and (len(named) > 1 or surface not in named):
                    score += w_div
        share = shares.get(country)
        if share is None:  # _country_share, inline
            share = 0.0
            if country and total > 1e-9:
                share = max(0.0, countries.get(country, 0.0) - own.get(country, 0.0)) / total
            shares[country] = share
        if share:
            score += w_share * share
        if n:
            score += w_near * (min(n, 3) / 3)
            score += w_near_any
        if curated:
            score += w_curated
        if unknown_kind:
            score += _DEFAULT_KIND_PRIOR
        scores.append(score)
    return scores


def _score(place: Place, signals: dict[str, float]) -> tuple[float, dict[str, float]]:
    """The candidate's score and the signals it is made of (the winner's signals become its reason)."""
    get = WEIGHTS.get
    score = sum([get(name, 0.0) * value for name, value in signals.items()])
    if f"kind_{place.kind}" not in WEIGHTS:
        score += _DEFAULT_KIND_PRIOR
    return score, signals


def _reasons(
    place: Place, signals: dict[str, float], qualifiers: list[Place], near: int, cue_words: str = ""
) -> list[str]:
    """The signals that speak for the winner, in words; a sense cue quotes the text that gave it."""
    why = []
    quoted = f": {cue_words}" if cue_words else ""
    if signals["qualified"]:
        why.append(f"qualified by {qualifiers[0].name}")
    if signals["area_cue"]:
        why.append(f"context names an area ({place.kind}){quoted}")
    if signals["town_cue"]:
        why.append(f"context names a {place.kind}{quoted}")
    if signals["said"]:
        why.append(f"the article names this {place.kind} elsewhere{quoted}")
    if signals["in_named_division"]:
        why.append(f"article names {place.admin1}")
    elif signals["named_division"]:
        why.append(f"a division the article names ({place.name})")
    if signals["country_share"] > 0:
        why.append(f"article is about {place.country} ({signals['country_share']:.0%} of mentions)")
    if near:
        why.append(f"{near} of the article's places within {_NEAR_KM:.0f} km")
    return why


def _has_town(area: Place, towns_in: set[tuple[str, str]]) -> bool:
    """A sizeable town of the same name lies inside this area (Idlib in Idlib Governorate)."""
    return any((area.country, name) in towns_in for name in (area.name, *area.aliases))


def _country_share(context: _Context, country: str, surface: str) -> float:
    """The share of the article's *other* mentions that could lie in ``country``.

    A name's own mentions are left out: "Paris" written ten times must not vote for France.
    """
    if not country:
        return 0.0
    own, total = _share_totals(context, surface)
    if total <= 1e-9:
        return 0.0
    return max(0.0, context.countries.get(country, 0.0) - own.get(country, 0.0)) / total


def _share_totals(context: _Context, surface: str) -> tuple[Counter, float]:
    """A name's own country weights, and the weight of the article's other mentions (see _country_share)."""
    cached = context.totals.get(surface)
    if cached is None:  # once per name and pass: the context does not change while a pass scores
        own = context.own_countries.get(surface) or Counter()
        cached = context.totals[surface] = (own, sum(context.countries.values()) - sum(own.values()))
    return cached


def _lies_in(place: Place, container: Place) -> bool:
    if container.kind == "country":
        return place.country == container.country and place.id != container.id
    return place.country == container.country and place.admin1 == container.name


def rank_lone_name(gazetteer: Gazetteer, name: str, place_ids: tuple[str, ...]) -> list[tuple[Place, float]]:
    """``place_ids`` best first with confidences, as :func:`resolve` decides a bare mention of ``name``.

    Why the resolver's own functions: a geocoder that ranked by some other rule would disagree with
    the maps geomap draws. With no text around the name, the resolver's context holds only the name's
    own countries and divisions, which it leaves out of the name's score; the signals left are kind,
    population, alias and curated. Ties go to the smaller id, and the confidences are its softmax
    shares (tests/test_local_geocoder.py checks the winner and its confidence against ``resolve``).
    """
    found = _candidates(gazetteer, place_ids)
    places = found.places
    if len(places) == 1:
        return [(places[0], ONLY_CANDIDATE_CONFIDENCE)]
    context = _article_context([name.lower()], [found])
    scores = _scores(places, found.statics, set(), [], context, [0] * len(places), found.towns_in, name.lower())
    order = sorted(range(len(places)), key=lambda i: (-scores[i], places[i].id))
    shares = [math.exp(scores[i] - scores[order[0]]) for i in order]
    total = sum(shares)
    return [(places[i], round(SHARED_CONFIDENCE * share / total, 2)) for i, share in zip(order, shares)]
