"""Score geoparser output against a gold corpus: the metrics of the shared ``score.py``, as a library.

Why a copy of the scorer: ``geomap eval`` and the benchmarks need the numbers in-process (no
subprocess, no temporary prediction file), and the test suite checks this module against the shared
``score.py`` so the two cannot drift. The definitions are score.py's, to the last rounding:

Recognition (geotagging)
    *exact*: a predicted span is correct when ``(start, end)`` equals a gold span. *overlap*: it is
    correct when it overlaps a gold span, matched one-to-one (exact pairs first, then the largest
    overlap; ties by gold index, then prediction index). Spans are deduplicated by ``(start, end)``
    (first occurrence kept) and empty spans are ignored. P = matched / predicted, R = matched / gold.
Resolution (geocoding)
    On gold toponyms that have coordinates and were matched under the overlap rule: the haversine
    distance with R = 6371 km (not geopy's ``great_circle``, whose radius is 6371.009 km: the last
    digit of a mean error could differ). A matched prediction without coordinates counts as
    20,039 km. Acc@161km (share of errors < 161 km), mean and median error, and the AUC of the sorted
    log(1 + error) curve (trapezoid rule, normalised by ln(20039) * (n - 1); Gritta et al. 2018, 2019;
    lower is better).
End to end
    Gold toponyms with coordinates recognised (overlap) *and* resolved within 161 km, divided by all
    gold toponyms with coordinates: the one number to compare whole systems.

Files are JSON Lines. Gold: ``{"id", "text", "toponyms": [{"start", "end", "lat", "lon", ...}]}``;
predictions: ``{"id", "toponyms": [{"start", "end", "lat", "lon"}]}`` (``geomap extract`` output
qualifies). A gold document missing from the predictions has no predictions.

Examples
--------
>>> gold = {"d": {"text": "Paris, Texas.", "toponyms": [
...     {"start": 0, "end": 5, "lat": 33.66, "lon": -95.56}, {"start": 7, "end": 12, "lat": 31.25, "lon": -99.25}]}}
>>> pred = {"d": {"toponyms": [{"start": 0, "end": 5, "lat": 48.85, "lon": 2.35}]}}
>>> result = score(gold, pred)
>>> result["recognition_exact"]["precision"], result["recognition_exact"]["recall"]
(1.0, 0.5)
>>> result["resolution"]["acc161"], result["end_to_end"]["acc161"]
(0.0, 0.0)
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from geomap.errors import SourceError
from geomap.gazetteer import Gazetteer

__all__ = [
    "MAX_KM", "ACC_KM", "haversine_km", "auc_of_errors", "load_jsonl", "match_spans", "score", "format_report",
    "predict", "prediction_record",
]  # fmt: skip

MAX_KM = 20039.0
"""Half the Earth's circumference: the error of a recognised but unresolved toponym."""
ACC_KM = 161.0
"""100 miles: the usual threshold of "resolved correctly" (Acc@161km)."""
EARTH_RADIUS_KM = 6371.0

Span = tuple[int, int, tuple[float, float] | None]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine, R = 6371 km), the same formula as ``score.py``.

    >>> round(haversine_km(48.8566, 2.3522, 51.5074, -0.1278), 1)   # Paris - London
    343.6
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def auc_of_errors(errors: Iterable[float]) -> float | None:
    """Area under the sorted log(1 + error) curve, normalised to [0, 1] (0 is perfect); None when empty."""
    xs = sorted(math.log(1.0 + min(e, MAX_KM)) for e in errors)
    if not xs:
        return None
    if len(xs) == 1:
        return xs[0] / math.log(MAX_KM)
    area = sum(xs) - (xs[0] + xs[-1]) / 2.0
    return area / (math.log(MAX_KM) * (len(xs) - 1))


def load_jsonl(path: str | Path) -> dict[str, dict]:
    """``{id: document}`` of a JSON Lines file; a later line with the same id replaces an earlier one.

    Raises :class:`~geomap.errors.SourceError` naming file and line for a missing file, invalid JSON
    or a record without ``id``.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as handle:  # lines as score.py reads them (not str.splitlines)
            lines = list(handle)
    except OSError as err:
        raise SourceError(f"{path}: cannot read ({err.strerror or err})") from err
    docs: dict[str, dict] = {}
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        try:
            doc = json.loads(line)
        except ValueError as err:
            raise SourceError(f"{path}:{number}: invalid JSON ({err})") from err
        if not isinstance(doc, dict) or "id" not in doc:
            raise SourceError(f"{path}:{number}: a record needs an 'id'")
        docs[str(doc["id"])] = doc
    return docs


def _coords(toponym: Mapping) -> tuple[float, float] | None:
    lat, lon = toponym.get("lat"), toponym.get("lon")
    if lat is None or lon is None:
        return None
    return float(lat), float(lon)


def _spans(toponyms: Iterable[Mapping] | None) -> list[Span]:
    """Deduplicated by (start, end), first occurrence kept; empty spans dropped."""
    seen: set[tuple[int, int]] = set()
    spans = []
    for toponym in toponyms or []:
        key = (int(toponym["start"]), int(toponym["end"]))
        if key in seen or key[1] <= key[0]:
            continue
        seen.add(key)
        spans.append((key[0], key[1], _coords(toponym)))
    return spans


def match_spans(gold: list[Span], pred: list[Span], *, exact: bool) -> list[tuple[int, int]]:
    """One-to-one ``(gold_index, pred_index)`` pairs: equal spans, or (``exact=False``) overlapping ones.

    Overlap matching is greedy: exact pairs first, then by decreasing overlap, ties broken by gold
    index and then prediction index (score.py's order).
    """
    if exact:
        index = {(g[0], g[1]): i for i, g in enumerate(gold)}
        return [(index[(p[0], p[1])], j) for j, p in enumerate(pred) if (p[0], p[1]) in index]
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            overlap = min(g[1], p[1]) - max(g[0], p[0])
            if overlap > 0:
                candidates.append((0 if (g[0], g[1]) == (p[0], p[1]) else 1, -overlap, i, j))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, _, i, j in candidates:
        if i in used_gold or j in used_pred:
            continue
        used_gold.add(i)
        used_pred.add(j)
        pairs.append((i, j))
    return pairs


def _prf(tp: int, predicted: int, gold: int) -> dict:
    precision = tp / predicted if predicted else 0.0
    recall = tp / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "predicted": predicted, "gold": gold}


def score(gold_docs: Mapping[str, Mapping], pred_docs: Mapping[str, Mapping]) -> dict:
    """The metrics of ``pred_docs`` against ``gold_docs`` (both ``{id: document}``), as score.py's JSON.

    Keys: ``docs_gold``, ``docs_pred_matched``, ``docs_pred_unknown_ids``, ``recognition_exact`` and
    ``recognition_overlap`` (``precision``, ``recall``, ``f1``, ``tp``, ``predicted``, ``gold``),
    ``resolution`` (``n``, ``unresolved``, ``acc161``, ``mean_km``, ``median_km``, ``auc``; None when
    n is 0) and ``end_to_end`` (``gold_with_coords``, ``correct``, ``acc161``). Always this shape.
    """
    n_gold = n_pred = tp_exact = tp_overlap = gold_with_coords = unresolved = e2e_correct = 0
    errors: list[float] = []
    for doc_id, gold_doc in gold_docs.items():
        gold = _spans(gold_doc.get("toponyms"))
        pred = _spans((pred_docs.get(doc_id) or {}).get("toponyms"))
        n_gold += len(gold)
        n_pred += len(pred)
        tp_exact += len(match_spans(gold, pred, exact=True))
        pairs = match_spans(gold, pred, exact=False)
        tp_overlap += len(pairs)
        gold_with_coords += sum(1 for g in gold if g[2] is not None)
        for i, j in pairs:
            gold_at, pred_at = gold[i][2], pred[j][2]
            if gold_at is None:
                continue
            if pred_at is None:
                unresolved += 1
                error = MAX_KM
            else:
                error = haversine_km(gold_at[0], gold_at[1], pred_at[0], pred_at[1])
            errors.append(error)
            if error < ACC_KM:
                e2e_correct += 1
    return {
        "docs_gold": len(gold_docs),
        "docs_pred_matched": sum(1 for d in gold_docs if d in pred_docs),
        "docs_pred_unknown_ids": sum(1 for d in pred_docs if d not in gold_docs),
        "recognition_exact": _prf(tp_exact, n_pred, n_gold),
        "recognition_overlap": _prf(tp_overlap, n_pred, n_gold),
        "resolution": {
            "n": len(errors),
            "unresolved": unresolved,
            "acc161": sum(1 for e in errors if e < ACC_KM) / len(errors) if errors else None,
            "mean_km": statistics.mean(errors) if errors else None,
            "median_km": statistics.median(errors) if errors else None,
            "auc": auc_of_errors(errors),
        },
        "end_to_end": {
            "gold_with_coords": gold_with_coords,
            "correct": e2e_correct,
            "acc161": e2e_correct / gold_with_coords if gold_with_coords else None,
        },
    }


def _fmt(value: float | None, *, pct: bool = False, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if pct:
        return "%.1f%%" % (100 * value)
    return "%.*f" % (digits, value)


def format_report(result: Mapping) -> str:
    """The human-readable report of :func:`score`'s result, line for line as score.py prints it."""
    lines = [
        "docs: gold=%d, with predictions=%d, unknown pred ids=%d"
        % (result["docs_gold"], result["docs_pred_matched"], result["docs_pred_unknown_ids"]),
        "Recognition            P       R       F1     (tp / pred / gold)",
    ]
    for key, name in (("recognition_exact", "exact span"), ("recognition_overlap", "overlap")):
        m = result[key]
        lines.append(
            "  %-12s       %s  %s  %s  (%d / %d / %d)"
            % (name, _fmt(m["precision"]), _fmt(m["recall"]), _fmt(m["f1"]), m["tp"], m["predicted"], m["gold"])
        )
    s = result["resolution"]
    lines.append("Resolution on recognised (overlap) gold toponyms with coordinates:")
    lines.append("  n=%d (unresolved predictions=%d, scored as %d km)" % (s["n"], s["unresolved"], MAX_KM))
    lines.append(
        "  acc@161km=%s  mean=%s km  median=%s km  AUC=%s (lower is better)"
        % (_fmt(s["acc161"], pct=True), _fmt(s["mean_km"], digits=1), _fmt(s["median_km"], digits=1), _fmt(s["auc"]))
    )
    e = result["end_to_end"]
    lines.append(
        "End-to-end acc@161km over all gold toponyms with coordinates: %s (%d / %d)"
        % (_fmt(e["acc161"], pct=True), e["correct"], e["gold_with_coords"])
    )
    return "\n".join(lines)


def prediction_record(start: int, end: int, place=None) -> dict:
    """One predicted toponym in the scorer's format (``lat``/``lon`` None when unresolved)."""
    return {
        "start": start,
        "end": end,
        "lat": place.lat if place is not None else None,
        "lon": place.lon if place is not None else None,
    }


def predict(
    gold_docs: Mapping[str, Mapping],
    gazetteer: Gazetteer,
    *,
    geoparse: Callable | None = None,
) -> dict[str, dict]:
    """geomap's predictions for every gold document's ``text``: ``{id: {"id", "toponyms"}}``.

    Every toponym :func:`geomap.geoparse` returns is a prediction, demonyms included ("Russian"
    resolved to Russia): LGL annotates adjectival place mentions too. ``geoparse`` replaces the
    pipeline (same signature), e.g. to try another recognition model.
    """
    if geoparse is None:
        from geomap.api import geoparse
    preds = {}
    for doc_id, doc in gold_docs.items():
        toponyms = geoparse(doc.get("text") or "", gazetteer)
        preds[doc_id] = {"id": doc_id, "toponyms": [prediction_record(t.start, t.end, t.place) for t in toponyms]}
    return preds
