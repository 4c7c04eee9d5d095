"""geomap.evaluate and ``geomap eval``: hand-computed metrics, and parity with the shared score.py."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from geomap import evaluate
from geomap.cli import main
from geomap.errors import SourceError

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVAL = ROOT.parent / "shared" / "eval"
LGL = SHARED_EVAL / "lgl.jsonl"
SCORE_PY = SHARED_EVAL / "score.py"

PARIS = (48.8566, 2.3522)
LYON = (45.764, 4.8357)

# Document "a": "Paris and Lyon met in Nice." (Paris 0-5, Lyon 10-14, Nice 22-26; Nice has no coordinates).
GOLD = {
    "a": {
        "id": "a",
        "text": "Paris and Lyon met in Nice.",
        "toponyms": [
            {"start": 0, "end": 5, "surface": "Paris", "lat": PARIS[0], "lon": PARIS[1]},
            {"start": 10, "end": 14, "surface": "Lyon", "lat": LYON[0], "lon": LYON[1]},
            {"start": 22, "end": 26, "surface": "Nice", "lat": None, "lon": None},
        ],
    },
    "b": {"id": "b", "text": "Quito.", "toponyms": [{"start": 0, "end": 5, "surface": "Quito", "lat": 0, "lon": 0}]},
}
PRED = {
    "a": {
        "id": "a",
        "toponyms": [
            {"start": 0, "end": 5, "lat": PARIS[0], "lon": PARIS[1]},  # exact, 0 km
            {"start": 0, "end": 5, "lat": 0.0, "lon": 0.0},  # duplicate span: ignored (first kept)
            {"start": 10, "end": 16, "lat": None, "lon": None},  # overlaps Lyon, unresolved: 20039 km
            {"start": 22, "end": 26, "lat": 1.0, "lon": 1.0},  # exact, but gold has no coordinates
            {"start": 17, "end": 20, "lat": 1.0, "lon": 1.0},  # false positive
        ],
    },
    # "b" missing: a document without predictions
    "zzz": {"id": "zzz", "toponyms": [{"start": 0, "end": 1, "lat": 0, "lon": 0}]},  # unknown id: ignored
}


def test_hand_computed_metrics():
    r = evaluate.score(GOLD, PRED)
    assert (r["docs_gold"], r["docs_pred_matched"], r["docs_pred_unknown_ids"]) == (2, 1, 1)
    # 4 gold spans, 4 distinct predicted spans; exact: Paris, Nice; overlap: + Lyon
    assert r["recognition_exact"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 2, "predicted": 4, "gold": 4}
    overlap = r["recognition_overlap"]
    assert (overlap["tp"], overlap["precision"], overlap["recall"], overlap["f1"]) == (3, 0.75, 0.75, 0.75)
    # resolution on Paris (0 km) and Lyon (unresolved, 20039 km); Nice has no gold coordinates
    res = r["resolution"]
    assert (res["n"], res["unresolved"], res["acc161"]) == (2, 1, 0.5)
    assert res["mean_km"] == res["median_km"] == 10019.5
    assert res["auc"] == pytest.approx(math.log(20040) / (2 * math.log(20039)))  # (0 + ln 20040) / 2, normalised
    # end to end: Paris right; Lyon unresolved and Quito missed are wrong
    assert r["end_to_end"] == {"gold_with_coords": 3, "correct": 1, "acc161": pytest.approx(1 / 3)}


def test_gold_against_itself_is_perfect():
    r = evaluate.score(GOLD, GOLD)
    assert r["recognition_exact"]["f1"] == r["recognition_overlap"]["f1"] == 1.0
    assert (r["resolution"]["acc161"], r["resolution"]["auc"], r["end_to_end"]["acc161"]) == (1.0, 0.0, 1.0)


def test_no_predictions_gives_none_not_errors():
    r = evaluate.score(GOLD, {})
    assert r["recognition_overlap"]["f1"] == 0.0
    assert r["resolution"] == {"n": 0, "unresolved": 0, "acc161": None, "mean_km": None, "median_km": None, "auc": None}
    assert "acc@161km=n/a" in evaluate.format_report(r)


@pytest.mark.parametrize(
    "gold, pred, exact, pairs",
    [
        ([(0, 10)], [(0, 4), (2, 10)], False, [(0, 1)]),  # the largest overlap wins
        ([(0, 10), (2, 6)], [(2, 6)], False, [(1, 0)]),  # an exact pair before an equal overlap
        ([(0, 5)], [(0, 5), (1, 4)], False, [(0, 0)]),  # one-to-one: a gold span is used once
        ([(0, 5), (6, 9)], [(0, 9)], False, [(0, 0)]),  # one prediction covering two gold spans
        ([(0, 5)], [(0, 4)], True, []),  # exact needs both ends
        ([(0, 5), (7, 9)], [(7, 9), (0, 5)], True, [(1, 0), (0, 1)]),
    ],
)
def test_match_spans(gold, pred, exact, pairs):
    as_spans = [(s, e, None) for s, e in gold], [(s, e, None) for s, e in pred]
    assert evaluate.match_spans(*as_spans, exact=exact) == pairs


def test_haversine_matches_a_known_distance():
    assert evaluate.haversine_km(*PARIS, *LYON) == pytest.approx(391.5, abs=0.5)
    assert evaluate.haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * 6371.0)


def test_load_jsonl_names_the_bad_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a", "toponyms": []}\n\n{"id": \n', encoding="utf-8")
    with pytest.raises(SourceError, match=r"gold.jsonl:3: invalid JSON"):
        evaluate.load_jsonl(path)
    path.write_text('{"toponyms": []}\n', encoding="utf-8")
    with pytest.raises(SourceError, match=r"gold.jsonl:1: a record needs an 'id'"):
        evaluate.load_jsonl(path)
    with pytest.raises(SourceError, match="cannot read"):
        evaluate.load_jsonl(tmp_path / "missing.jsonl")


def _write_jsonl(path: Path, docs) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------
# geomap eval


def test_cli_eval_scores_a_prediction_file(tmp_path, capsys):
    gold = _write_jsonl(tmp_path / "gold.jsonl", GOLD.values())
    pred = _write_jsonl(tmp_path / "pred.jsonl", PRED.values())
    assert main(["eval", str(gold), "--pred", str(pred), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(evaluate.score(GOLD, PRED)))
    assert main(["eval", str(gold), "--pred", str(pred)]) == 0
    out = capsys.readouterr().out
    assert "  exact span         0.500  0.500  0.500  (2 / 4 / 4)" in out
    assert "End-to-end acc@161km over all gold toponyms with coordinates: 33.3% (1 / 3)" in out


def test_cli_eval_runs_geomap_on_the_gold_text(tmp_path, capsys):
    text = "Shelling hit Kafr Ruma near Idlib."
    doc = {"id": "s", "text": text, "toponyms": [
        {"start": 13, "end": 22, "surface": "Kafr Ruma", "lat": 35.6, "lon": 36.6},
        {"start": 28, "end": 33, "surface": "Idlib", "lat": 35.93, "lon": 36.63},
    ]}  # fmt: skip
    gold = _write_jsonl(tmp_path / "gold.jsonl", [doc])
    assert main(["--curated-only", "eval", str(gold), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["recognition_exact"]["tp"] == 2
    assert result["end_to_end"]["acc161"] == 1.0


def test_cli_eval_help_has_an_example(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["eval", "--help"])
    assert exited.value.code == 0
    assert "geomap eval " in capsys.readouterr().out


def test_cli_eval_bad_gold_is_one_line_and_exit_1(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "missing.jsonl"), "--pred", str(tmp_path / "p.jsonl")]) == 1
    assert capsys.readouterr().err.startswith("geomap: error: ")


# ------------------------------------------------------------------------------------------
# Parity with the shared scorer on LGL (skipped where ../shared/eval is not beside the checkout)


@pytest.mark.skipif(not (LGL.exists() and SCORE_PY.exists()), reason="../shared/eval/lgl.jsonl or score.py missing")
def test_same_numbers_as_score_py_on_lgl(tmp_path, gazetteer):
    gold = evaluate.load_jsonl(LGL)
    first = dict(list(gold.items())[:60])  # cheap: 60 documents with the curated gazetteer; the rest unpredicted
    preds = evaluate.predict(first, gazetteer)
    pred_path = _write_jsonl(tmp_path / "pred.jsonl", preds.values())
    ours = evaluate.score(gold, preds)
    run = [sys.executable, str(SCORE_PY), str(LGL), str(pred_path)]
    theirs = json.loads(subprocess.run([*run[:2], "--json", *run[2:]], capture_output=True, check=True).stdout)
    assert ours["recognition_overlap"]["tp"] > 0 and ours["resolution"]["n"] > 0
    assert json.loads(json.dumps(ours)) == theirs  # exact floats, not approximately
    report = subprocess.run(run, capture_output=True, check=True, text=True).stdout
    assert evaluate.format_report(ours) == report.rstrip("\n")
