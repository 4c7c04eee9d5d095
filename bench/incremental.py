"""Benchmark: the cost of adding one article to a store of N (default 100,000) articles.

Usage::

    python bench/incremental.py                 # 100k articles in a temporary folder
    python bench/incremental.py --articles 10000 --workdir /tmp/geomap-bench

How the big store is made: N real .txt files are written, then one real ``Store.update`` reads
every file, hashes it, builds its rows with ``article_rows`` and stores them. To keep the setup to
seconds rather than minutes, the *geoparse* result is cached per article body (bodies come from a
pool of 500; titles carry no place names, so offsets are the same); every other step is the real
one. The timed part is then fully real: one new file is added, and ``geomap build`` /
``geomap export`` run end to end as subprocesses, plus the same steps in-process for a breakdown.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from articlegen import _TEMPLATES, place_names  # noqa: E402

from geomap import api  # noqa: E402
from geomap.events import article_rows  # noqa: E402
from geomap.export import to_csv  # noqa: E402
from geomap.map import render_map  # noqa: E402
from geomap.store import Store  # noqa: E402

POOL = 500


def make_corpus(folder: Path, count: int, *, seed: int = 0) -> None:
    rng = random.Random(seed)
    names = place_names()
    bodies = [
        " ".join(rng.choice(_TEMPLATES).format(a=rng.choice(names), b=rng.choice(names), n=7) for _ in range(2))
        for _ in range(POOL)
    ]
    for number in range(count):
        shard = folder / f"{number // 1000:03d}"
        shard.mkdir(parents=True, exist_ok=True)
        text = f"Report {number:07d}\n\nPublished on January {number % 28 + 1}, 2020.\n\n{bodies[number % POOL]}\n"
        (shard / f"a{number:07d}.txt").write_text(text, encoding="utf-8")


def fill_store(folder: Path, store: Path, world: bool) -> float:
    gaz = api.load_gazetteer(world=world)
    cache: dict[str, list] = {}

    def rows_for(article):
        body = article.text.split("\n\n", 2)[-1]
        if body not in cache:
            cache[body] = api.geoparse(article.text, gaz)
        return article_rows(article, cache[body])

    started = time.perf_counter()
    with Store(store) as opened:
        opened.update([folder], rows_for=rows_for, version=api.pipeline_version(gaz))
    return time.perf_counter() - started


def _automaton_load_seconds() -> float:
    """Seconds to load the world automaton in a fresh process (what one new article used to wait for)."""
    code = (
        "import time, geomap; g = geomap.load_gazetteer(world=True); t = time.perf_counter(); g.automaton; "
        "print(time.perf_counter() - t)"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(done.stdout.split()[-1])


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True)
    return time.perf_counter() - started


def add_article(news: Path, text: str) -> Path:
    extra = news / "new" / f"n{time.time_ns()}.txt"
    extra.parent.mkdir(exist_ok=True)
    extra.write_text(f"Breaking\n\n{text}\n", encoding="utf-8")
    return extra


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--gazetteer", choices=("world", "curated"), default="world")
    args = parser.parse_args()
    world = args.gazetteer == "world"
    work = args.workdir or Path(tempfile.mkdtemp(prefix="geomap-bench-"))
    news, out = work / "news", work / "map.html"
    store = work / f"store-{args.gazetteer}.sqlite"
    geomap = [sys.executable, "-m", "geomap"] + ([] if world else ["--curated-only"])
    results: list[tuple[str, float]] = []

    if not news.exists():
        started = time.perf_counter()
        make_corpus(news, args.articles)
        results.append((f"setup: write {args.articles} .txt files", time.perf_counter() - started))
    if not store.exists():
        results.append(("setup: fill the store (geoparse cached per body)", fill_store(news, store, world)))
    store_mb = store.stat().st_size / 1e6

    build = [*geomap, "build", str(news), "-o", str(out), "--store", str(store)]
    out.unlink(missing_ok=True)
    with Store(store) as opened:  # a first map: no data part or shape cached from an earlier run
        opened.update_cache("part:", [], {})
        opened.update_cache("geo:", [], {})
    results.append(("`geomap build`, first map: every data part made (end to end)", timed(build)))
    results.append(("`geomap build`, nothing new, map already current (end to end)", timed(build)))
    runs = []
    for number in range(3):
        add_article(news, f"Shelling hit Saraqib and Ariha on Monday ({number}).")
        runs.append(timed(build))
    results.append(("`geomap build`, 1 new article (end to end, median of 3)", statistics.median(runs)))
    export = [*geomap, "export", str(news), "-o", str(work / "events.csv"), "--store", str(store)]
    with Store(store) as opened:  # a first export: no table part cached from an earlier run
        opened.update_cache("table:", [], {})
    add_article(news, "Aid reached Palmyra.")
    results.append(("`geomap export --format csv`, first export: every table part made (end to end)", timed(export)))
    add_article(news, "Aid reached Palmyra again.")
    results.append(("`geomap export --format csv`, 1 new article (end to end)", timed(export)))

    # In-process breakdown of one more incremental run
    add_article(news, "Talks in Moscow.")
    started = time.perf_counter()
    gaz = api.load_gazetteer(world=world)
    results.append(("  load the gazetteer", time.perf_counter() - started))
    if world:
        automaton_s = _automaton_load_seconds()
    with Store(store) as opened:
        started = time.perf_counter()
        update = opened.update(
            [news], rows_for=lambda a: article_rows(a, api.geoparse(a.text, gaz)), version=api.pipeline_version(gaz)
        )
        step = f"  update: list and stat {len(update.files)} files, parse {update.parsed} new, commit"
        results.append((step, time.perf_counter() - started))
        started = time.perf_counter()
        page, _counts = api._page_from_store(
            opened, opened.listing(update.files), api.pipeline_version(gaz), title="geomap", assets="inline",
            boundaries=True, gazetteer=gaz,
        )  # fmt: skip
        step = f"  map page from the store: 1 part re-made, {len(page) / 1e6:.1f} MB of HTML"
        results.append((step, time.perf_counter() - started))
        started = time.perf_counter()
        events = api._table_from_store(opened, update.files, api.pipeline_version(gaz))
        step = f"  (export only) the events table from cached parts, 1 re-made ({len(events)} rows)"
        results.append((step, time.perf_counter() - started))
        started = time.perf_counter()
        opened.events(update.files)
        results.append(("  (reference) the events table decoded from all stored rows", time.perf_counter() - started))
    started = time.perf_counter()
    to_csv(events)
    results.append(("  (export only) CSV text of the table", time.perf_counter() - started))
    started = time.perf_counter()
    render_map(events)
    results.append(("  (reference) render the whole table from scratch", time.perf_counter() - started))
    if world:
        results.append(("  (reference) load the automaton, which the span index spares a small job", automaton_s))

    where = f"{args.articles} articles, {args.gazetteer} gazetteer, store {store_mb:.0f} MB"
    print(f"geomap incremental benchmark: {where}")
    print(f"work folder: {work}")
    print("| step | seconds |\n|---|---:|")
    for name, seconds in results:
        print(f"| {name} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
