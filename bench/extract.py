"""Benchmark: geomap's extraction + resolution against flashtext, flashgeotext and a bare automaton.

Usage::

    python bench/extract.py --quick              # ~5 MB, under two minutes on 2 cores
    python bench/extract.py                      # >= 50 MB (the numbers in docs/performance.md)
    python bench/extract.py --quick --dask       # also the same pipeline on a 1- and 2-worker LocalCluster
    python bench/extract.py --growth             # cost growth with gazetteer and corpus size

Why side by side in one run: throughput depends on the machine, so a number alone says little; the
ratio to peers measured on the same corpus, the same names and the same machine is what a reader can
carry over. No network: the world store must already be built (``geomap gazetteer build`` or any
``load_gazetteer(world=True)``), and the peers use their installed data.

The corpus is the *texts* of ``../shared/eval/lgl.jsonl`` (real local news, dense in place names),
repeated in a shuffled order with a fixed seed until it reaches the target size; the annotations are
never read. Each engine runs in its own subprocess, so its peak RSS (``ru_maxrss``) is its own:

* ``geomap``: ``geomap.geoparse(text, gaz)`` with ``load_gazetteer(world=True)`` (find, recognise,
  resolve), plus a per-stage breakdown on the first 2 MB;
* ``flashtext``: a ``KeywordProcessor`` over the folded keys of the world store's ``entries`` table
  (leading space stripped). Why the keys and not the original-cased names of ``places``: they are
  exactly the vocabulary geomap's automaton holds (477k strings rather than 674k names that mostly
  collapse to the same keys once flashtext lowercases them), so both sides search the same set;
* ``flashgeotext``: ``GeoText()`` with its default data (its own, much smaller gazetteer);
* ``pyahocorasick``: the world store's own automaton, ``iter_long`` over ``" " + text.lower()``,
  counting hits and doing nothing else: the practical floor of any Python loop over matches.

The last line printed is ``RESULT mb_per_s=... vs_flashtext=... vs_pyahocorasick=... rss_mb=... load_s=...``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import peak_rss_mb  # bench/measure.py: these scripts run from bench/

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

LGL = ROOT.parent / "shared" / "eval" / "lgl.jsonl"
if not LGL.exists():  # a worktree beside the main checkout
    LGL = Path("/work/shared/eval/lgl.jsonl")
DOC = ROOT / "docs" / "performance.md"
ENGINES = ("geomap", "flashtext", "flashgeotext", "pyahocorasick")


# ---------------------------------------------------------------------------------------------
# Corpus


def lgl_texts(path: Path = LGL) -> list[str]:
    """The texts of the evaluation corpus (annotations are not read)."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def corpus(megabytes: float, *, seed: int = 7) -> list[tuple[str, str]]:
    """``(id, text)`` pairs: LGL texts in shuffled rounds until ``megabytes`` of UTF-8 are reached."""
    texts = lgl_texts()
    rng = random.Random(seed)
    target = megabytes * 1e6
    out: list[tuple[str, str]] = []
    size = 0
    while size < target:
        order = list(range(len(texts)))
        rng.shuffle(order)
        for i in order:
            out.append((f"a{len(out):07d}", texts[i]))
            size += len(texts[i].encode("utf-8"))
            if size >= target:
                break
    return out


def _mb(articles) -> float:
    return sum(len(text.encode("utf-8")) for _, text in articles) / 1e6


# ---------------------------------------------------------------------------------------------
# Engines (each run in a child process: ``--engine NAME``)


def _keys() -> list[str]:
    """The folded keys of the world store's ``entries`` table, without their leading space."""
    import sqlite3

    from geomap.world import _paths, data_dir, world_version

    db_path, _ = _paths(data_dir(), world_version())
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return [key.strip() for (key,) in connection.execute("SELECT key FROM entries ORDER BY eid")]
    finally:
        connection.close()


def run_geomap(articles) -> dict:
    import geomap
    from geomap.extract import find_mentions
    from geomap.recognize import recognise
    from geomap.resolve import resolve

    started = time.perf_counter()
    gaz = geomap.load_gazetteer(world=True)
    gaz.automaton  # noqa: B018  (a big job's matcher, loaded in setup like the peers' automata)
    load = time.perf_counter() - started
    started = time.perf_counter()
    found = sum(len(geomap.geoparse(text, gaz)) for _, text in articles)
    seconds = time.perf_counter() - started
    # Per-stage breakdown on a 2 MB prefix (caches already warm, as in the main loop's second half).
    sample, size = [], 0
    for item in articles:
        sample.append(item)
        size += len(item[1].encode("utf-8"))
        if size >= 2e6:
            break
    stages = {"find": 0.0, "recognise": 0.0, "resolve": 0.0}
    for _, text in sample:
        t0 = time.perf_counter()
        matches = find_mentions(text, gaz)
        t1 = time.perf_counter()
        kept = recognise(text, matches, gaz)
        t2 = time.perf_counter()
        resolve(text, kept, gaz)
        t3 = time.perf_counter()
        stages["find"] += t1 - t0
        stages["recognise"] += t2 - t1
        stages["resolve"] += t3 - t2
    share = {k: round(v / sum(stages.values()), 3) for k, v in stages.items()}
    return {"seconds": seconds, "found": found, "setup_s": load, "stage_share": share}


def run_flashtext(articles) -> dict:
    from flashtext import KeywordProcessor

    started = time.perf_counter()
    processor = KeywordProcessor()
    for key in _keys():
        processor.add_keyword(key)
    setup = time.perf_counter() - started
    started = time.perf_counter()
    found = sum(len(processor.extract_keywords(text)) for _, text in articles)
    return {"seconds": time.perf_counter() - started, "found": found, "setup_s": setup}


def run_flashgeotext(articles) -> dict:
    from flashgeotext.geotext import GeoText

    started = time.perf_counter()
    geotext = GeoText()
    setup = time.perf_counter() - started
    started = time.perf_counter()
    found = 0
    for _, text in articles:
        result = geotext.extract(input_text=text)
        found += sum(item["count"] for kind in result.values() for item in kind.values())
    return {"seconds": time.perf_counter() - started, "found": found, "setup_s": setup}


def run_pyahocorasick(articles) -> dict:
    import geomap

    started = time.perf_counter()
    automaton = geomap.load_gazetteer(world=True).automaton
    setup = time.perf_counter() - started
    started = time.perf_counter()
    found = 0
    for _, text in articles:
        for _hit in automaton.iter_long(" " + text.lower()):
            found += 1
    return {"seconds": time.perf_counter() - started, "found": found, "setup_s": setup}


def run_dask(articles, workers: int) -> dict:
    """The same pipeline through :func:`geomap.distributed.extract_dask` on a local cluster of ``workers``."""
    from dask.distributed import LocalCluster

    from geomap.distributed import extract_dask
    from geomap.model import Article

    items = [Article(id=aid, title="", text=text) for aid, text in articles]
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
    ):
        # Warm-up: the gazetteer is loaded once per worker, before the clock starts.
        extract_dask(items[: workers * 4], Path(tmp) / "warm", scheduler=cluster.scheduler_address, world=True,
                     partitions=workers * 4)  # fmt: skip
        started = time.perf_counter()
        extract_dask(items, Path(tmp) / "out", scheduler=cluster.scheduler_address, world=True,
                     partitions=workers * 8)  # fmt: skip
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "found": 0, "setup_s": 0.0}


RUNNERS = {
    "geomap": run_geomap,
    "flashtext": run_flashtext,
    "flashgeotext": run_flashgeotext,
    "pyahocorasick": run_pyahocorasick,
}


def child(engine: str, megabytes: float, seed: int) -> None:
    """Run one engine and print one JSON line (called in a subprocess)."""
    articles = corpus(megabytes, seed=seed)
    result = run_dask(articles, int(engine[4:])) if engine.startswith("dask") else RUNNERS[engine](articles)
    mb = _mb(articles)
    result |= {
        "engine": engine, "articles": len(articles), "mb": round(mb, 2), "mb_per_s": mb / result["seconds"],
        "articles_per_s": len(articles) / result["seconds"], "rss_mb": peak_rss_mb(),
    }  # fmt: skip
    print(json.dumps(result))


def _spawn(args: list[str]) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=_env())
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def load_time(repeats: int = 3) -> dict:
    """Seconds to ``load_gazetteer(world=True)`` in a fresh interpreter (store built; imports timed apart).

    ``open_s`` is the store opened (what a small job waits for: it matches through the span index);
    ``load_s`` adds loading the automaton, which a big job such as this benchmark uses.
    """
    code = (
        "import time; t0 = time.perf_counter(); import geomap; t1 = time.perf_counter(); "
        "g = geomap.load_gazetteer(world=True); t2 = time.perf_counter(); g.automaton; t3 = time.perf_counter(); "
        "import json; print(json.dumps({'import_s': t1 - t0, 'open_s': t2 - t1, 'load_s': t3 - t1}))"
    )
    runs = []
    for _ in range(repeats):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=_env())
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {key: statistics.median(run[key] for run in runs) for key in ("import_s", "open_s", "load_s")}


# ---------------------------------------------------------------------------------------------
# Growth (``--growth``): automaton cost vs number of names; geomap cost vs corpus size


def growth_names(sizes=(10_000, 100_000, 1_000_000), *, megabytes: float = 2.0) -> list[dict]:
    """Build a bare automaton over the first N of a shuffled pool of distinct names; time build and match.

    The pool is the world store's folded keys plus the original-cased names and aliases of its
    places (distinct strings, about 1.15 million), so that 1M names is reachable with real data.
    """
    import gc
    import sqlite3

    import ahocorasick

    from geomap.world import _paths, data_dir, world_version

    db_path, _ = _paths(data_dir(), world_version())
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    pool = {key for (key,) in connection.execute("SELECT key FROM entries")}
    for name, aliases in connection.execute("SELECT name, aliases FROM places"):
        pool.update(" " + form for form in (name, *json.loads(aliases)))
    connection.close()
    pool = sorted(pool)
    random.Random(1).shuffle(pool)
    texts = [" " + text.lower() for _, text in corpus(megabytes)]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    rows = []
    for size in [*sizes, len(pool)]:
        if size > len(pool):
            continue
        gc.collect()
        started = time.perf_counter()
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for i, name in enumerate(pool[:size]):
            automaton.add_word(name, i)
        automaton.make_automaton()
        build = time.perf_counter() - started
        stats = automaton.get_stats()
        started = time.perf_counter()
        hits = sum(1 for text in texts for _ in automaton.iter_long(text))
        match = time.perf_counter() - started
        rows.append({
            "names": size, "build_s": build, "nodes": stats["nodes_count"], "mb": stats["total_size"] / 1e6,
            "match_mb_per_s": mb / match, "hits": hits,
        })  # fmt: skip
        del automaton
    return rows


def growth_corpus(sizes=(5, 10, 20, 50)) -> list[dict]:
    rows = []
    for megabytes in sizes:
        result = _spawn(["--engine", "geomap", "--mb", str(megabytes)])
        rows.append(result)
    return rows


# ---------------------------------------------------------------------------------------------
# Report


def _replace_section(name: str, body: str) -> None:
    """Replace the text between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` in docs/performance.md."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + f"\n\n{block}\n"
    DOC.write_text(text, encoding="utf-8")


def _machine() -> str:
    import platform

    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="~5 MB corpus (under two minutes)")
    parser.add_argument("--mb", type=float, default=None, help="corpus size in MB (default 50, 5 with --quick)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dask", action="store_true", help="also run the pipeline on 1- and 2-worker LocalClusters")
    parser.add_argument("--growth", action="store_true", help="only the growth tables (names, corpus size)")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/performance.md")
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    megabytes = args.mb or (5.0 if args.quick else 50.0)
    if args.engine:
        child(args.engine, megabytes, args.seed)
        return
    if args.growth:
        return report_growth(args)

    load = load_time()
    print(
        f"gazetteer ready in {load['load_s']:.2f} s with its automaton, opened in {load['open_s']:.3f} s "
        f"(imports {load['import_s']:.2f} s, fresh process)",
        flush=True,
    )
    results = {}
    for engine in ENGINES:
        results[engine] = _spawn(["--engine", engine, "--mb", str(megabytes), "--seed", str(args.seed)])
        r = results[engine]
        print(f"{engine:14s} {r['mb_per_s']:7.2f} MB/s {r['articles_per_s']:9.0f} art/s  rss {r['rss_mb']:6.0f} MB"
              f"  setup {r['setup_s']:5.1f} s  found {r['found']}", flush=True)  # fmt: skip
    ours = results["geomap"]
    table = [
        f"Corpus: {ours['mb']} MB, {ours['articles']} articles (LGL texts, shuffled rounds, seed {args.seed}); "
        f"{_machine()}; one process per engine, one core each.",
        "",
        "| engine | MB/s | articles/s | peak RSS (MB) | setup (s) | hits | geomap is x faster |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for engine, r in results.items():
        ratio = ours["mb_per_s"] / r["mb_per_s"]
        table.append(
            f"| {engine} | {r['mb_per_s']:.2f} | {r['articles_per_s']:.0f} | {r['rss_mb']:.0f} | {r['setup_s']:.1f} "
            f"| {r['found']} | {ratio:.2f} |"
        )
    share = ours["stage_share"]
    table += [
        "",
        f"geomap's time by stage (2 MB sample): find {share['find']:.0%}, recognise {share['recognise']:.0%}, "
        f"resolve {share['resolve']:.0%}.",
        f"Gazetteer ready (`load_gazetteer(world=True)` and its automaton, fresh process, store built, median "
        f"of 3): {load['load_s']:.2f} s; opened without the automaton (small jobs, span index): "
        f"{load['open_s']:.3f} s; importing geomap first: {load['import_s']:.2f} s.",
        "geomap's hits are resolved toponyms; flashtext's and the automaton's are raw name matches.",
    ]
    if args.dask:
        table += ["", *report_dask(args, megabytes, ours)]
    if not args.no_doc:
        _replace_section("quick" if args.quick else "extract", "\n".join(table))
    print("\n".join(table))
    vs_flashtext = ours["mb_per_s"] / results["flashtext"]["mb_per_s"]
    vs_aho = ours["mb_per_s"] / results["pyahocorasick"]["mb_per_s"]
    print(
        f"RESULT mb_per_s={ours['mb_per_s']:.2f} vs_flashtext={vs_flashtext:.2f} vs_pyahocorasick={vs_aho:.3f} "
        f"rss_mb={ours['rss_mb']:.0f} load_s={load['load_s']:.2f}"
    )


def report_dask(args, megabytes: float, ours: dict) -> list[str]:
    one = _spawn(["--engine", "dask1", "--mb", str(megabytes), "--seed", str(args.seed)])
    two = _spawn(["--engine", "dask2", "--mb", str(megabytes), "--seed", str(args.seed)])
    print(f"dask 1 worker {one['mb_per_s']:.2f} MB/s, 2 workers {two['mb_per_s']:.2f} MB/s", flush=True)
    return [
        f"Dask (`extract_dask`, LocalCluster, processes, 1 thread per worker, Parquet written, events included; "
        f"{two['mb']} MB):",
        "",
        "| run | MB/s | articles/s | speed-up vs 1 worker |",
        "|---|---:|---:|---:|",
        f"| single process, `geoparse` only | {ours['mb_per_s']:.2f} | {ours['articles_per_s']:.0f} | |",
        f"| dask, 1 worker | {one['mb_per_s']:.2f} | {one['articles_per_s']:.0f} | 1.00 |",
        f"| dask, 2 workers | {two['mb_per_s']:.2f} | {two['articles_per_s']:.0f} "
        f"| {two['mb_per_s'] / one['mb_per_s']:.2f} |",
    ]


def report_growth(args) -> None:
    names = growth_names()
    lines = [
        "Gazetteer size (bare automaton, `iter_long` over a 2 MB lowercased LGL sample; names are a shuffled pool "
        "of folded keys and original-cased names):",
        "",
        "| names | build (s) | build µs/name | nodes | automaton MB | match MB/s | hits |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in names:
        lines.append(
            f"| {r['names']:,} | {r['build_s']:.2f} | {r['build_s'] / r['names'] * 1e6:.2f} | {r['nodes']:,} "
            f"| {r['mb']:.0f} | {r['match_mb_per_s']:.1f} | {r['hits']:,} |"
        )
    print("\n".join(lines), flush=True)
    sizes = (2, 5) if args.quick else (5, 10, 20, 50)
    rows = growth_corpus(sizes)
    lines += [
        "",
        "Corpus size (full geomap pipeline, world gazetteer, one process):",
        "",
        "| corpus MB | articles | seconds | s per MB | MB/s | peak RSS (MB) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['mb']} | {r['articles']} | {r['seconds']:.1f} | {r['seconds'] / r['mb']:.3f} "
            f"| {r['mb_per_s']:.2f} | {r['rss_mb']:.0f} |"
        )
    if not args.no_doc:
        _replace_section("growth", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
