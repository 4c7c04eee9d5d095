"""Train the recognition model (geomap/data/recognizer.json) on a gold JSONL corpus.

Usage::

    pip install -e '.[train]'
    python bench/train_recognizer.py ../shared/eval/lgl.jsonl [-o geomap/data/recognizer.json]

Every gazetteer match of every document is a sample; it is positive when it overlaps a gold
toponym. The model is a logistic regression over the general features of :mod:`geomap.parse.recognize`
(no word identities, so it cannot memorise the corpus's names). The script reports 2-fold
cross-validated precision/recall/F1 (documents split in two halves) so the number printed is on
text the model did not see, then fits on everything and writes the weights with the threshold
that maximised cross-validated F1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

import geomap
from geomap.parse.extract import find_mentions
from geomap.parse.recognize import FEATURES, MODEL_PATH, match_features


def samples(gold_path: Path, gazetteer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows, labels, groups = [], [], []
    for number, line in enumerate(gold_path.read_text(encoding="utf-8").split("\n")):
        if not line.strip():
            continue
        doc = json.loads(line)
        spans = [(t["start"], t["end"]) for t in doc["toponyms"]]
        matches = find_mentions(doc["text"], gazetteer)
        for match, vector in zip(matches, match_features(doc["text"], matches, gazetteer)):
            rows.append([vector[name] for name in FEATURES])
            labels.append(any(match.start < e and match.end > s for s, e in spans))
            groups.append(number % 2)
    return np.array(rows), np.array(labels, dtype=int), np.array(groups)


def fit(x: np.ndarray, y: np.ndarray) -> LogisticRegression:
    # fit_intercept=False: the "bias" feature is the intercept, so the weights file is self-contained.
    return LogisticRegression(C=1.0, max_iter=2000, fit_intercept=False).fit(x, y)


def best_threshold(probabilities: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    best = (0.5, 0.0)
    for threshold in np.arange(0.2, 0.8, 0.02):
        predicted = probabilities >= threshold
        tp = int((predicted & (y == 1)).sum())
        precision = tp / max(1, int(predicted.sum()))
        recall = tp / max(1, int(y.sum()))
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        if f1 > best[1]:
            best = (round(float(threshold), 2), f1)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("-o", "--output", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    gazetteer = geomap.load_gazetteer(world=True)
    x, y, groups = samples(args.gold, gazetteer)
    cv = np.zeros(len(y))
    for fold in (0, 1):
        model = fit(x[groups != fold], y[groups != fold])
        cv[groups == fold] = model.predict_proba(x[groups == fold])[:, 1]
    threshold, f1 = best_threshold(cv, y)
    print(f"samples={len(y)} positives={int(y.sum())} 2-fold CV match-level F1={f1:.3f} at threshold {threshold}")
    model = fit(x, y)
    weights = {name: round(float(w), 4) for name, w in zip(FEATURES, model.coef_[0])}
    payload = {
        "about": (
            "logistic regression weights over geomap.parse.recognize.FEATURES; trained by bench/train_recognizer.py"
        ),
        "trained_on": args.gold.name,
        "threshold": threshold,
        "weights": weights,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    for name, weight in sorted(weights.items(), key=lambda item: -abs(item[1])):
        print(f"  {name:20s} {weight:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
