"""Pick the place each mention refers to, with a confidence and the reason.

Why scores and not rules: a name like "Idlib" is both a city and a governorate; the words around
it ("Idlib province", "the Idlib region", "southern Idlib"), the countries the article talks about
and the other places it names all pull one way or the other. Each signal adds to a candidate's
score; the confidence is the winner's share of the softmax over candidates, so a clear context
gives a high confidence and a coin toss gives about 0.5. The reason lists the signals that decided.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from geopy.distance import great_circle

from geomap.gazetteer import Gazetteer
from geomap.model import ADMIN_KINDS, POPULATED_KINDS, Match, Place, Toponym

__all__ = ["resolve", "relation_of"]

_ADMIN_AFTER = re.compile(
    r"^[\s-]*(?:province|governorate|region|zone|countryside|district|oblast|state|area|county|parish)\b", re.I
)
_ADMIN_BEFORE = re.compile(r"\b(?:province|governorate|region|district|county|state|oblast)\s+of\s+(?:the\s+)?$", re.I)
_POPULATED_AFTER = re.compile(r"^[\s-]*(?:city|town|village)\b", re.I)
_POPULATED_BEFORE = re.compile(
    r"\b(?:city|town|village|outskirts|center|centre|streets|suburbs)\s+of\s+(?:the\s+)?$", re.I
)
_DIRECTION = r"(?:north|south|east|west|central|(?:north|south)[\s-]?(?:east|west))(?:ern)?"
_DIRECTION_BEFORE = re.compile(rf"\b({_DIRECTION})\s+$", re.I)
_RELATION_BEFORE = re.compile(
    rf"\b(outskirts of|near|close to|(?:{_DIRECTION}) of|outside|around)\s+(?:the\s+)?(?:\w+\s+of\s+)?$", re.I
)

#: Base preference by kind when nothing else is known: a bare name is most often the populated place.
_KIND_PRIOR = {"country": 2.0, "city": 1.5, "town": 1.0, "military base": 1.0, "province": 0.5, "village": 0.5}
_CONTEXT_COUNTRY_BONUS = 1.5
_NEAR_BONUS = 1.0
_NEAR_KM = 250.0
_CUE_BONUS = 4.0


def resolve(text: str, matches: Sequence[Match], gazetteer: Gazetteer) -> list[Toponym]:
    """Resolve every match of one article, in the order given.

    Unambiguous mentions are resolved first; they and the demonyms give the article's countries
    and anchor points, which then help the ambiguous ones.
    """
    candidates = [[gazetteer.place(pid) for pid in match.place_ids] for match in matches]
    anchors = [cands[0] for cands in candidates if len(cands) == 1]
    countries = Counter(place.country for place in anchors if place.country)
    points = [(p.lat, p.lon) for p, m in zip(anchors, matches) if p.kind not in ADMIN_KINDS and m.type == "place"]
    return [_resolve_one(text, match, cands, countries, points) for match, cands in zip(matches, candidates)]


def relation_of(text: str, start: int) -> str:
    """The spatial relation written just before a mention ("outskirts of", "northern"), or ""."""
    before = text[max(0, start - 40) : start]
    found = _RELATION_BEFORE.search(before)
    if found:
        return found.group(1).lower()
    direction = _DIRECTION_BEFORE.search(before)
    return direction.group(1).lower().replace(" ", "-") if direction else ""


def _resolve_one(
    text: str, match: Match, cands: list[Place], countries: Counter, points: list[tuple[float, float]]
) -> Toponym:
    relation = relation_of(text, match.start)
    if not cands:
        return Toponym(match.start, match.end, match.surface, match.type, None, 0.0, "no candidate", relation)
    if match.type == "demonym":
        place = cands[0]
        return Toponym(match.start, match.end, match.surface, "demonym", place, 0.9, f"demonym of {place.name}")
    if len(cands) == 1:
        return Toponym(match.start, match.end, match.surface, "place", cands[0], 0.9, "only candidate", relation)
    cues = _context_cues(text, match, relation)
    scored = [(_score(place, cues, countries, points), place) for place in cands]
    scored.sort(key=lambda item: (-item[0][0], item[1].id))
    best_score, best = scored[0]
    total = sum(math.exp(score[0] - best_score[0]) for score, _ in scored)
    confidence = round(0.95 / total, 2)
    reason = "; ".join(best_score[1]) or "most likely kind and population"
    return Toponym(match.start, match.end, match.surface, "place", best, confidence, reason, relation)


def _context_cues(text: str, match: Match, relation: str) -> set[str]:
    before = text[max(0, match.start - 40) : match.start]
    after = text[match.end : match.end + 30]
    cues = set()
    if _ADMIN_AFTER.search(after) or _ADMIN_BEFORE.search(before):
        cues.add("admin")
    if relation and _DIRECTION_BEFORE.search(before) and not relation.endswith(" of"):
        cues.add("admin")  # "southern Idlib": a part of an area
    if _POPULATED_AFTER.search(after) or _POPULATED_BEFORE.search(before):
        cues.add("populated")
    return cues


def _score(place: Place, cues: set[str], countries: Counter, points) -> tuple[float, list[str]]:
    score = _KIND_PRIOR.get(place.kind, 0.0) + math.log10(place.population + 1) * 0.3
    why: list[str] = []
    if "admin" in cues and place.kind in ADMIN_KINDS:
        score += _CUE_BONUS
        why.append(f"context names an area ({place.kind})")
    if "populated" in cues and place.kind in POPULATED_KINDS:
        score += _CUE_BONUS
        why.append(f"context names a {place.kind}")
    if place.country and countries.get(place.country):
        score += _CONTEXT_COUNTRY_BONUS
        why.append(f"article is about {place.country}")
    if points and any(great_circle(point, (place.lat, place.lon)).km < _NEAR_KM for point in points):
        score += _NEAR_BONUS
        why.append("near the article's other places")
    if not why and place.kind in POPULATED_KINDS:
        why.append("a bare name is the populated place")
    return score, why
