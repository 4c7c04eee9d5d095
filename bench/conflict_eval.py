"""Accuracy on geomap's own conflict-news set, per feature kind (issue 18).

Usage::

    python bench/conflict_eval.py                      # the table
    python bench/conflict_eval.py --json               # one JSON object
    python bench/conflict_eval.py --errors             # also list misses, far resolutions, false alarms
    python bench/conflict_eval.py OTHER.jsonl          # any gold file in the same format

Why: the development set, LGL, is US local news from 2009; geomap's users map wars and crises. The
gold set ``bench/data/conflict/conflict.jsonl`` holds news-like texts (26 when written) on the wars in
Ukraine, Sudan, Gaza, Lebanon, Yemen and the Red Sea, Syria, Mali, DR Congo, Myanmar, Ethiopia and
Nagorno-Karabakh, taken from public-domain and CC BY-SA sources and annotated by hand, each toponym
with a feature ``kind`` (country, admin, populated, neighbourhood, physical, macro_region, site);
sources, licences and how the coordinates were set are in ``bench/data/conflict/SOURCES.md``. Scores
on LGL say little about, say, an oblast, a border crossing or a sea; this table says it per kind.

What, for each gold kind and in total:

* **gold**: gold toponyms of that kind.
* **found**: gold toponyms overlapped by at least one predicted *place* toponym (``type == "place"``;
  demonyms do not count). A prediction that overlaps several gold spans finds each of them.
* **<161 km** and **<25 km**: found toponyms whose prediction lies closer than 161 km (100 miles,
  the usual Acc@161) or 25 km to the gold point, as a share of the found ones and of all gold ones
  (a miss counts as wrong in the second). Where several predictions overlap one gold span, the one
  overlapping it most (then the earliest) is scored. A prediction without a place is found but far.
  Distance: haversine, R = 6371 km, as in ``../shared/eval/score.py``.
* **median km**: the median error of the found ones.

And overall: **predicted** place toponyms, **false alarms** (predicted place toponyms that overlap
no gold toponym) and **precision** = 1 - false alarms / predicted.

Read the country, admin and macro_region rows with care: their gold point is one conventional label
point of an area (SOURCES.md), so a prediction at another fair point of a large country is "wrong"
at 161 km. Output is deterministic: documents in file order, kinds in a fixed order, fixed rounding.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT / "bench" / "data" / "conflict" / "conflict.jsonl"
KINDS = ("country", "admin", "populated", "neighbourhood", "physical", "macro_region", "site")
EARTH_R = 6371.0
FAR, NEAR = 161.0, 25.0


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_R * math.asin(min(1.0, math.sqrt(a)))


def load_gold(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def predict(docs: list[dict], *, curated_only: bool = False) -> dict[str, list[dict]]:
    """geomap's place toponyms for each document: start, end, surface, name, lat, lon (None without a place)."""
    import geomap

    gazetteer = geomap.load_gazetteer(world=not curated_only)
    out = {}
    for doc in docs:
        out[doc["id"]] = [
            {
                "start": t.start,
                "end": t.end,
                "surface": t.surface,
                "name": t.place.name if t.place else None,
                "id": t.place.id if t.place else None,
                "kind": t.place.kind if t.place else None,
                "lat": t.place.lat if t.place else None,
                "lon": t.place.lon if t.place else None,
            }
            for t in geomap.geoparse(doc["text"], gazetteer)
            if t.type == "place"
        ]
    return out


def _overlap(a: dict, b: dict) -> int:
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


def score(docs: list[dict], predictions: dict[str, list[dict]]) -> dict:
    """Per-kind and total counts, plus the itemised errors (see the module docstring)."""
    rows = {kind: {"gold": 0, "found": 0, "within_161": 0, "within_25": 0, "errors_km": []} for kind in KINDS}
    misses, far, false_alarms = [], [], []
    predicted = 0
    for doc in docs:
        preds = predictions.get(doc["id"], [])
        predicted += len(preds)
        for gold in doc["toponyms"]:
            row = rows[gold["kind"]]
            row["gold"] += 1
            hits = [p for p in preds if _overlap(p, gold) > 0]
            if not hits:
                misses.append((doc["id"], gold))
                continue
            row["found"] += 1
            best = min(hits, key=lambda p: (-_overlap(p, gold), p["start"], p["end"]))
            km = math.inf if best["lat"] is None else haversine(gold["lat"], gold["lon"], best["lat"], best["lon"])
            row["errors_km"].append(km)
            row["within_161"] += km < FAR
            row["within_25"] += km < NEAR
            if km >= FAR:
                far.append((doc["id"], gold, best, km))
        false_alarms += [(doc["id"], p) for p in preds if not any(_overlap(p, g) > 0 for g in doc["toponyms"])]
    total = {key: sum(rows[k][key] for k in KINDS) for key in ("gold", "found", "within_161", "within_25")}
    total["errors_km"] = [km for k in KINDS for km in rows[k]["errors_km"]]
    return {
        "kinds": {k: _summary(rows[k]) for k in KINDS if rows[k]["gold"]},
        "total": _summary(total),
        "documents": len(docs),
        "predicted": predicted,
        "false_alarms": len(false_alarms),
        "precision": round(1 - len(false_alarms) / predicted, 3) if predicted else None,
        "_misses": misses,
        "_far": far,
        "_false_alarms": false_alarms,
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _summary(row: dict) -> dict:
    errors = row["errors_km"]
    median = statistics.median(errors) if errors else None
    return {
        "gold": row["gold"],
        "found": row["found"],
        "found_share": _share(row["found"], row["gold"]),
        "within_161": row["within_161"],
        "within_161_of_found": _share(row["within_161"], row["found"]),
        "within_161_of_gold": _share(row["within_161"], row["gold"]),
        "within_25": row["within_25"],
        "within_25_of_found": _share(row["within_25"], row["found"]),
        "within_25_of_gold": _share(row["within_25"], row["gold"]),
        "median_km": None if median is None or math.isinf(median) else round(median, 1),
    }


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def table(result: dict) -> str:
    head = (
        f"{'kind':<13}{'gold':>6}{'found':>7}{'':>6}{'<161 km':>9}{'/found':>8}{'/gold':>7}"
        f"{'<25 km':>8}{'/found':>8}{'/gold':>7}{'median km':>11}"
    )
    lines = [head, "-" * len(head)]
    for name, row in [*result["kinds"].items(), ("total", result["total"])]:
        if name == "total":
            lines.append("-" * len(head))
        median = "-" if row["median_km"] is None else f"{row['median_km']:.1f}"
        lines.append(
            f"{name:<13}{row['gold']:>6}{row['found']:>7}{_pct(row['found_share']):>6}"
            f"{row['within_161']:>9}{_pct(row['within_161_of_found']):>8}{_pct(row['within_161_of_gold']):>7}"
            f"{row['within_25']:>8}{_pct(row['within_25_of_found']):>8}{_pct(row['within_25_of_gold']):>7}"
            f"{median:>11}"
        )
    lines.append("")
    lines.append(
        f"{result['documents']} documents; {result['predicted']} predicted place toponyms, "
        f"{result['false_alarms']} overlap no gold toponym: precision {_pct(result['precision'])}"
    )
    return "\n".join(lines)


def errors(result: dict) -> str:
    lines = ["", "Missed (no predicted place overlaps the gold span):"]
    lines += [f"  {doc}  {g['surface']!r} [{g['kind']}] at {g['start']}" for doc, g in result["_misses"]]
    lines += ["", "Found but 161 km or more away:"]
    for doc, g, p, km in result["_far"]:
        where = "no place" if p["lat"] is None else f"{p['name']} ({p['id']}, {p['kind']}) {km:.0f} km"
        lines.append(f"  {doc}  {g['surface']!r} [{g['kind']}] -> {p['surface']!r}: {where}")
    lines += ["", "False alarms (predicted places that overlap no gold toponym):"]
    lines += [f"  {doc}  {p['surface']!r} -> {p['name']} ({p['id']})" for doc, p in result["_false_alarms"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD, help="gold JSONL (default: conflict set)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--errors", action="store_true", help="also list misses, far resolutions and false alarms")
    parser.add_argument("--curated-only", action="store_true", help="geomap without the world gazetteer")
    args = parser.parse_args(argv)
    docs = load_gold(args.gold)
    result = score(docs, predict(docs, curated_only=args.curated_only))
    if args.json:
        public = {k: v for k, v in result.items() if not k.startswith("_")}
        print(json.dumps(public, indent=2, sort_keys=True))
    else:
        print(table(result))
        if args.errors:
            print(errors(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
