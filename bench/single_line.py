"""Benchmark: one-line articles (no sentence punctuation) from 1 KB to 1 MB through ``geomap extract``.

Usage::

    python bench/single_line.py               # 1 KB, 10 KB, 100 KB and 1 MB, world gazetteer
    python bench/single_line.py --quick       # up to 100 KB
    python bench/single_line.py --curated     # the curated gazetteer only (no world store needed)

Why: every step reads the sentence of each mention, and a line without sentence punctuation is one
sentence, however long. Event typing used to read the whole sentence before every cue for every mention,
so a 16 KB line took minutes (issue 16, item 7). Linear means the time per KB stays flat from 1 KB to 1 MB.

Three inputs per size, each one article of one line:

* ``prose``: the words of the seed articles with their ``. ! ?`` and line breaks taken out, repeated;
* ``place names``: "Idlib Aleppo Hama Kafr Ruma Saraqib ..." repeated (a title line of places);
* ``prose with periods``: the same words with their sentence punctuation, for comparison.

Each runs through :func:`geomap.api.extract`, as ``geomap extract`` does: read the JSONL file, geoparse,
type and date the event at every toponym, write the JSON lines. The gazetteer is loaded once, outside
the timing; each time is the best of ``--repeat`` runs after a warm-up. The last line printed is
``RESULT flat_prose=... flat_places=... flat_periods=...``: per input, ms per KB at the largest size
divided by ms per KB at 10 KB (1.0 is perfectly linear).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

import geomap  # noqa: E402
from geomap import api  # noqa: E402

SEEDS = ROOT / "seeds"
SIZES_KB = (1, 10, 100, 1000)
PLACES = (
    "Idlib Aleppo Hama Kafr Ruma Saraqib Damascus Homs Latakia Maarat al-Numan Khmeimim Raqqa Deir ez-Zor "
    "Tartus Daraa Afrin Manbij Jisr al-Shughur Ariha Qamishli "
)


def _seed_words() -> str:
    """The seed articles' text on one line, sentence punctuation kept."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    return " ".join(" ".join(texts).split())


def prose(size: int) -> str:
    """The seed words without ``. ! ?``: one sentence of ``size`` characters."""
    return _repeat(re.sub(r"[.!?]", "", _seed_words()), size)


def places(size: int) -> str:
    """A line of place names only."""
    return _repeat(PLACES, size)


def with_periods(size: int) -> str:
    """The seed words as written: sentences of ordinary length."""
    return _repeat(_seed_words(), size)


INPUTS: dict[str, Callable[[int], str]] = {"prose": prose, "place names": places, "prose with periods": with_periods}


def _repeat(unit: str, size: int) -> str:
    """``unit`` repeated on one line and cut to ``size`` characters at a space."""
    text = (unit.strip() + " ") * (size // len(unit) + 2)
    return text[: text.rfind(" ", 0, size + 1)].strip()


def run_extract(text: str, gazetteer, workdir: Path) -> tuple[float, int]:
    """Seconds for :func:`geomap.api.extract` of one article holding ``text``, and its toponym count."""
    source = workdir / "line.jsonl"
    output = workdir / "out.jsonl"
    record = {"id": "line", "title": "", "text": text, "date": "2020-01-29"}
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    started = time.perf_counter()
    api.extract([source], output, gazetteer=gazetteer)
    seconds = time.perf_counter() - started
    toponyms = len(json.loads(output.read_text(encoding="utf-8"))["toponyms"])
    return seconds, toponyms


def measure(gazetteer, sizes_kb: tuple[int, ...], repeat: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        run_extract(with_periods(2000), gazetteer, workdir)  # warm-up: lexicon, model, caches
        for name, make in INPUTS.items():
            for kb in sizes_kb:
                text = make(kb * 1000)
                runs = [run_extract(text, gazetteer, workdir) for _ in range(repeat)]
                seconds = min(s for s, _ in runs)
                kilobytes = len(text.encode("utf-8")) / 1000
                row = {"input": name, "kb": kb, "seconds": seconds, "ms_per_kb": seconds * 1000 / kilobytes}
                rows.append(row | {"toponyms": runs[0][1]})
                print(f"{name:20s} {kb:6d} KB {seconds:9.3f} s {row['ms_per_kb']:8.2f} ms/KB", flush=True)
    return rows


def table(rows: list[dict], gazetteer_name: str, repeat: int) -> str:
    lines = [
        f"One article of one line through `geomap.api.extract` (events on), {gazetteer_name} gazetteer; "
        f"{_machine()}; best of {repeat} runs.",
        "",
        "| input | size | seconds | ms per KB | toponyms |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        size = f"{row['kb'] // 1000} MB" if row["kb"] >= 1000 else f"{row['kb']} KB"
        lines.append(f"| {row['input']} | {size} | {row['seconds']:.3f} | {row['ms_per_kb']:.2f} | {row['toponyms']} |")
    return "\n".join(lines)


def _machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def flatness(rows: list[dict], name: str) -> float:
    """ms per KB at the largest size over ms per KB at 10 KB (or the smallest size measured)."""
    mine = [r for r in rows if r["input"] == name]
    base = next((r for r in mine if r["kb"] == 10), mine[0])
    return mine[-1]["ms_per_kb"] / base["ms_per_kb"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="sizes up to 100 KB")
    parser.add_argument("--curated", action="store_true", help="the curated gazetteer only (default: world)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (the best is kept)")
    args = parser.parse_args(argv)
    sizes = tuple(kb for kb in SIZES_KB if not args.quick or kb <= 100)
    started = time.perf_counter()
    gazetteer = geomap.load_gazetteer(world=not args.curated)
    print(f"gazetteer loaded in {time.perf_counter() - started:.1f} s", flush=True)
    rows = measure(gazetteer, sizes, args.repeat)
    print(table(rows, "curated" if args.curated else "world", args.repeat))
    flat = {key: flatness(rows, name) for key, name in zip(("prose", "places", "periods"), INPUTS, strict=True)}
    print("RESULT " + " ".join(f"flat_{key}={value:.2f}" for key, value in flat.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
