"""Benchmark: CPU seconds per pipeline stage on LGL's 588 texts (warm), this checkout against another.

Usage::

    python bench/stages.py                              # this checkout, best of 5 passes
    python bench/stages.py --before /tmp/old --rounds 3 # plus another checkout's code, alternating

Why: `bench/extract.py` gives the throughput of the whole pipeline; this says where a change saved
time. Each version runs in its own child process (its own code first on ``sys.path``, its own cache
folder, so a store compiled by other code is never replaced), loads the world gazetteer and its
automaton, parses every text once to warm the caches, then times each stage of `geoparse` per text
with ``time.process_time`` (CPU: the machine is shared). A stage's figure is the best of the passes;
versions alternate round by round so that both see the same load.

The last line printed is ``RESULT find=... recognise=... resolve=... geoparse=...`` (this checkout)
and, with ``--before``, ``speedup=...`` (the other code's geoparse seconds over this one's).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LGL = ROOT.parent / "shared" / "eval" / "lgl.jsonl"
STAGES = ("fold", "scan", "find", "recognise", "resolve")

_CHILD = r"""
import json, sys, time
import geomap
from geomap.parse.extract import _word_hits, find_mentions
from geomap.parse.normalize import fold
from geomap.parse.recognize import recognise
from geomap.parse.resolve import resolve

texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
passes = int(sys.argv[2])
gazetteer = geomap.load_gazetteer(world=True)
gazetteer.automaton
for text in texts:
    geomap.geoparse(text, gazetteer)
best = {}
for _ in range(passes):
    spent = dict.fromkeys(("fold", "scan", "find", "recognise", "resolve"), 0.0)
    clock = time.process_time
    for text in texts:
        t0 = clock(); folded = fold(text); t1 = clock(); _word_hits(folded, gazetteer); t2 = clock()
        matches = find_mentions(text, gazetteer); t3 = clock()
        kept = recognise(text, matches, gazetteer); t4 = clock()
        resolve(text, kept, gazetteer); t5 = clock()
        for stage, seconds in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            spent[stage] += seconds
    best = {stage: min(best.get(stage, spent[stage]), spent[stage]) for stage in spent}
print(json.dumps(best))
"""


def _run(code: Path, cache: Path | None, passes: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    if cache is not None:
        env["GEOMAP_CACHE_DIR"] = str(cache)
    # cwd: ``-c`` puts the working directory first on sys.path, ahead of PYTHONPATH.
    command = [sys.executable, "-c", _CHILD, str(LGL), str(passes)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True, cwd=code)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _geoparse(stages: dict[str, float]) -> float:
    """``find`` includes its fold and scan (timed apart as well); geoparse is find + recognise + resolve."""
    return stages["find"] + stages["recognise"] + stages["resolve"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of other code, measured in the same run")
    parser.add_argument(
        "--before-cache", type=Path, default=Path(tempfile.gettempdir()) / "geomap-bench-before",
        help="where the --before code keeps its own compiled store",
    )  # fmt: skip
    parser.add_argument("--rounds", type=int, default=1, help="rounds (versions alternate; best of all)")
    parser.add_argument("--passes", type=int, default=5, help="timed passes over LGL per round")
    args = parser.parse_args(argv)
    versions = {"now": (ROOT, None)}
    if args.before:
        versions["before"] = (args.before.resolve(), args.before_cache)
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.rounds):
        for label, (code, cache) in versions.items():
            got = _run(code, cache, args.passes)
            best[label] = {stage: min(best.get(label, got)[stage], got[stage]) for stage in STAGES}
    print("| stage | " + " | ".join(versions) + " |")
    print("|---|" + "---:|" * len(versions))
    for stage in (*STAGES, "geoparse"):
        cells = [_geoparse(best[v]) if stage == "geoparse" else best[v][stage] for v in versions]
        print(f"| {stage} | " + " | ".join(f"{cell:.3f}" for cell in cells) + " |")
    now = best["now"]
    result = " ".join(f"{stage}={now[stage]:.3f}" for stage in ("find", "recognise", "resolve"))
    result += f" geoparse={_geoparse(now):.3f}"
    if args.before:
        result += f" speedup={_geoparse(best['before']) / _geoparse(now):.2f}"
    print(f"RESULT {result}")


if __name__ == "__main__":
    main()
