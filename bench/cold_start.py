"""Benchmark: the cold start of ``geomap extract``, a fresh process's first pass against its own warm pass.

Usage::

    python bench/cold_start.py                          # LGL's texts (1.1 MB), 3 fresh processes
    python bench/cold_start.py --input corpus.jsonl     # any input geomap extract reads
    python bench/cold_start.py --before /tmp/old        # also the code of another checkout, same run
    python bench/cold_start.py --cache /tmp/stores      # where each version keeps its compiled store

Why this measure: users feel the cold start on every small job (a cron run over today's articles,
``geomap watch``), and the ratio of a process's first pass to its second pass over the same texts is
what carries over to another machine. Each run is a child process (a fresh interpreter, the world
store already compiled in the cache folder) that calls :func:`geomap.api.extract` twice on the same
input: the first call pays for everything loaded on first use (the automaton or the span index, the
word-frequency table, the folding table, place rows from SQLite), the second only for the work.
Imports are timed apart (they are paid by every command, whatever the job's size).

The last line printed is ``RESULT cold_s=... warm_s=... ratio=...`` (medians over the runs).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LGL = ROOT.parent / "shared" / "eval" / "lgl.jsonl"

_CHILD = r"""
import json, sys, time
start = time.perf_counter()
from geomap import api
imported = time.perf_counter()
source, out = sys.argv[1], sys.argv[2]
times = []
for n in range(2):
    t0 = time.perf_counter()
    api.extract([source], f"{out}.{n}")
    times.append(time.perf_counter() - t0)
print(json.dumps({"import_s": imported - start, "cold_s": times[0], "warm_s": times[1]}))
"""


_PREPARE = "import geomap; g = geomap.load_gazetteer(world=True); g.automaton; geomap.geoparse('Idlib.', g)"


def _child(code_dir: Path, source: Path, runs: int, cache: Path) -> dict[str, float]:
    """Median import, first-pass and second-pass seconds of ``runs`` fresh processes on ``code_dir``'s code.

    Each version has its own cache folder (a compile removes the stores of other versions), prepared
    by one untimed process first: the runs measure a user's every later job, not the first compile.
    """
    results = []
    env = {**os.environ, "PYTHONPATH": str(code_dir), "GEOMAP_CACHE_DIR": str(cache)}
    subprocess.run([sys.executable, "-c", _PREPARE], cwd=code_dir, env=env, check=True, capture_output=True)
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(runs):
            done = subprocess.run(
                [sys.executable, "-c", _CHILD, str(source), str(Path(scratch) / "out.jsonl")],
                cwd=code_dir, env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def _line(label: str, figures: dict[str, float]) -> str:
    ratio = figures["cold_s"] / figures["warm_s"]
    return (
        f"{label:>8}: import {figures['import_s']:.2f} s, first pass {figures['cold_s']:.2f} s, "
        f"second pass {figures['warm_s']:.2f} s, first/second {ratio:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=LGL, help="what geomap extract reads (default: LGL's texts)")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per version (median)")
    parser.add_argument("--before", type=Path, help="a checkout of other code to measure in the same run")
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "geomap-cold-start",
        help="where each version keeps its own compiled store (kept between runs; default: %(default)s)",
    )  # fmt: skip
    args = parser.parse_args()
    size_mb = args.input.stat().st_size / 1e6
    print(f"input {args.input.name} ({size_mb:.2f} MB), {args.runs} fresh processes each")
    versions = [("before", args.before)] if args.before else []
    versions.append(("now", ROOT))
    figures = {}
    for label, code_dir in versions:
        figures[label] = _child(code_dir, args.input, args.runs, args.cache / label)
        print(_line(label, figures[label]))
    now = figures["now"]
    if "before" in figures:
        print(f"second pass now/before: {now['warm_s'] / figures['before']['warm_s']:.2f}x")
    print(f"RESULT cold_s={now['cold_s']:.3f} warm_s={now['warm_s']:.3f} ratio={now['cold_s'] / now['warm_s']:.2f}")


if __name__ == "__main__":
    main()
