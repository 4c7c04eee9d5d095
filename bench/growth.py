"""Benchmark: how the cost of ``geomap extract`` grows with the corpus and with the gazetteer.

Usage::

    python bench/growth.py                   # corpus 1, 10, 100 MB; gazetteer 10k, 100k, 1M names
    python bench/growth.py --quick           # corpus 1, 10 MB; gazetteer 10k, 100k names
    python bench/growth.py --corpus 1 10 --names 10000 --repeat 3 --no-doc

Every case runs in its own subprocess, so its peak RSS (``VmHWM``, see ``bench/measure.py``) is its
own. A case that takes under 150 s is run ``--repeat`` times (default 3) and the median is shown;
longer ones run once (the "runs" column says which). Times are CPU seconds of the case's process
(user + system, ``time.process_time``) unless a column says wall: on a machine shared with other
jobs, CPU time moves far less between runs than wall time, and it is what the work costs.

**Corpus growth**: the real ``geomap extract CORPUS.jsonl -o OUT.jsonl`` command (``geomap.cli.main``;
world gazetteer, event type and date included, as a user runs it) on 1, 10 and 100 MB of news-like
text, plus a one-article run for the fixed cost (imports, opening the gazetteer; one article finds its
names through the span index, so the automaton's load, about a second, counts in the larger cases). The
store must already be built (``geomap gazetteer build``); the bench refuses to start otherwise, so
that no case pays for a compile. Articles are built from the repository's texts: a title and dateline
and template sentences of ``tests/articlegen.py`` (places of the curated gazetteer) mixed with the
hand-written news sentences of ``bench/data/events_*.txt`` (places all over the world), drawn with a
fixed seed, each article with its own id.

**Gazetteer growth**: synthetic GeoNames rows (19 tab-separated columns, populated places with
made-up but pronounceable names: "Bairepekai", "Tiletago Valley"; one name per place, no alternate
names), loaded the way ``geomap gazetteer import`` loads a GeoNames dump:
:func:`geomap.gazetteer.geonames.import_dump` into ``imports.sqlite``, then :func:`geomap.gazetteer.world.build_world`
into a fresh cache folder, with ``registry=False`` so that the synthetic names and the curated
files are the whole gazetteer (the registry's 260k places would otherwise be a constant under every
row). Then, in a new process: :func:`geomap.gazetteer.world.load_world`, the automaton, and
:func:`geomap.api.extract` (what ``geomap extract`` calls) on a fixed 1 MB corpus of the same kind as
above, in which each article also names one of the first 10,000 synthetic places (present at every
size). The first row (0 names) is the curated files alone.

For each pair of consecutive sizes the tables give the growth exponent ``k`` of
``cost ~ size**k`` (``log(c2 / c1) / log(s2 / s1)``): 1 is linear, above 1 grows faster than the size.
For memory the exponent is of the RSS *above the fixed cost* (the one-article run, or the 0-name
store), since the whole RSS includes the interpreter and the gazetteer.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import machine, peak_rss_mb, replace_section  # bench/measure.py: these scripts run from bench/

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

DOC = ROOT / "docs" / "performance.md"
DATA = ROOT / "bench" / "data"
SLOW_CASE_S = 150.0  # a case slower than this (wall) runs once, whatever --repeat says
FIRST_NAMES = 10_000  # the corpus of the gazetteer cases names places among the first this many


# ---------------------------------------------------------------------------------------------
# Corpora


def news_sentences() -> list[str]:
    """The hand-written news sentences of ``bench/data/events_*.txt`` (``gold | region | sentence``), unmarked."""
    sentences: dict[str, None] = {}
    for path in sorted(DATA.glob("events_*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split(" | ")
            if line.startswith("#") or len(parts) != 3:
                continue
            sentences[parts[2].replace("[[", "").replace("]]", "").strip()] = None
    return list(sentences)


def write_corpus(path: Path, megabytes: float, *, seed: int = 11, synthetic: list[str] | None = None) -> dict:
    """Write ``megabytes`` of news-like articles as JSONL (``id``, ``title``, ``text``); returns its size.

    Each article: an ``articlegen`` title and dateline, two of its template sentences and four of the
    ``bench/data`` sentences, shuffled; with ``synthetic``, one more sentence names one of those places.
    """
    from articlegen import _TEMPLATES, place_names

    rng = random.Random(seed)
    names, sentences = place_names(), news_sentences()
    target, size, count = megabytes * 1e6, 0, 0
    with path.open("w", encoding="utf-8") as handle:
        while size < target:
            body = [
                rng.choice(_TEMPLATES).format(a=rng.choice(names), b=rng.choice(names), n=rng.randint(2, 40))
                for _ in range(2)
            ]
            body += rng.sample(sentences, 4)
            if synthetic:
                body.append(f"Officials in {rng.choice(synthetic)} said the road was closed on {rng.choice(_DAYS)}.")
            rng.shuffle(body)
            title = f"Report {count}: fighting near {rng.choice(names)}"
            text = f"Published on January {rng.randint(1, 28)}, 2020.\n\n{' '.join(body)}\n"
            record = {"id": f"n{count:08d}", "title": title, "text": text}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            size += len(title.encode("utf-8")) + len(text.encode("utf-8"))
            count += 1
    return {"mb": size / 1e6, "articles": count}


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# ---------------------------------------------------------------------------------------------
# Synthetic gazetteers

_ONSETS = ("b", "d", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "kh", "dr")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")
_SECOND = ("Heights", "Junction", "Springs", "Creek", "Ridge", "Valley", "Crossing", "Wells")
_COUNTRIES = ("SY", "IQ", "TR", "LB", "JO", "US", "FR", "DE", "NG", "IN", "BR", "UA", "YE", "SD", "MM")


def synthetic_names(count: int, *, seed: int = 42) -> list[str]:
    """``count`` distinct made-up place names; the first N are the same for every ``count`` >= N."""
    rng = random.Random(seed)
    names: dict[str, None] = {}
    while len(names) < count:
        syllables = rng.choices((2, 3, 4), weights=(1, 4, 5))[0]
        name = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)).capitalize()
        if rng.random() < 0.1:
            name += " " + rng.choice(_SECOND)
        names.setdefault(name, None)
    return list(names)


def write_dump(path: Path, names: list[str], *, seed: int = 5) -> None:
    """``names`` as a GeoNames dump (19 columns; class P, code PPL; ids from 20,000,000 on)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for number, name in enumerate(names):
            population = int(10 ** rng.uniform(1, 6))
            lat, lon = rng.uniform(-55, 70), rng.uniform(-170, 170)
            row = (
                str(20_000_000 + number), name, name, "", f"{lat:.5f}", f"{lon:.5f}", "P", "PPL",
                rng.choice(_COUNTRIES), "", "01", "", "", "", str(population), "", "100", "Etc/UTC", "2024-01-01",
            )  # fmt: skip
            handle.write("\t".join(row) + "\n")


# ---------------------------------------------------------------------------------------------
# Children (one process per case: ``--child KIND``)


def child_extract(corpus: Path) -> dict:
    """``geomap extract CORPUS -o OUT -v``, in this process; the stage times are read from its stderr."""
    started = time.perf_counter()
    from geomap import cli

    with tempfile.TemporaryDirectory() as tmp:
        code = cli.main(["extract", str(corpus), "-o", str(Path(tmp) / "out.jsonl"), "-v"])
        toponyms = sum(line.count('"place_id"') for line in (Path(tmp) / "out.jsonl").open(encoding="utf-8"))
    if code:
        raise SystemExit(f"geomap extract exited {code}")
    return {
        "seconds": time.perf_counter() - started, "cpu_s": time.process_time(), "toponyms": toponyms,
        "rss_mb": peak_rss_mb(),
    }  # fmt: skip


def child_build(directory: Path, dump: Path | None) -> dict:
    """Import the dump (as ``geomap gazetteer import`` does) and compile the store without registry data."""
    started = time.perf_counter()
    from geomap.gazetteer import geonames, world

    imported = imported_cpu = 0.0
    if dump is not None:
        t0, c0 = time.perf_counter(), time.process_time()
        geonames.import_dump(dump, directory / "imports.sqlite")
        imported, imported_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    world.build_world(directory=directory, registry=False)
    build, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "import_s": imported, "import_cpu_s": imported_cpu, "build_s": build, "build_cpu_s": build_cpu,
        "seconds": time.perf_counter() - started, "rss_mb": peak_rss_mb(),
        "store_mb": sum(p.stat().st_size for p in directory.glob("world-*")) / 1e6,
    }  # fmt: skip


def child_load_extract(directory: Path, corpus: Path) -> dict:
    """Open the store, load its automaton, run :func:`geomap.api.extract` on the fixed corpus."""
    from geomap import api
    from geomap.gazetteer import world

    clock = time.perf_counter
    t0, c0 = clock(), time.process_time()
    gazetteer = world.load_world(directory=directory, registry=False, build=False)
    t1, c1 = clock(), time.process_time()
    gazetteer.automaton  # noqa: B018  (loaded here, so that extract's time is the matching alone)
    t2, c2 = clock(), time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        api.extract([corpus], out, gazetteer=gazetteer)
        t3, c3 = clock(), time.process_time()
        toponyms = sum(line.count('"place_id"') for line in out.open(encoding="utf-8"))
    return {
        "open_s": t1 - t0, "automaton_s": t2 - t1, "extract_s": t3 - t2, "open_cpu_s": c1 - c0,
        "automaton_cpu_s": c2 - c1, "extract_cpu_s": c3 - c2, "toponyms": toponyms,
        "names": len(gazetteer.entries), "rss_mb": peak_rss_mb(),
    }  # fmt: skip


def _env(cache: Path | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    if cache is not None:  # a private cache folder and no user gazetteer folder: the store holds only what we put in
        env["GEOMAP_CACHE_DIR"] = str(cache)
        env["GEOMAP_GAZETTEER_DIR"] = str(cache / "no-user-gazetteer")
    return env


def _spawn(args: list[str], *, cache: Path | None = None, timeout: float = 1800) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=_env(cache), timeout=timeout)
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    result |= {f"{stage}_s": float(s) for stage, s in re.findall(r"stage (\w+): ([\d.]+) s", done.stderr)}
    return result


def _repeated(run, repeat: int) -> dict:
    """``run()`` once, and ``repeat - 1`` more times when it was fast; the median of every number."""
    runs = [run()]
    if runs[0]["wall_s"] < SLOW_CASE_S:
        runs += [run() for _ in range(repeat - 1)]
    merged = {key: statistics.median(r[key] for r in runs) for key, value in runs[0].items() if _number(value)}
    return merged | {"runs": len(runs)}


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# ---------------------------------------------------------------------------------------------
# Cases


def corpus_growth(sizes: list[float], repeat: int, work: Path) -> list[dict]:
    from geomap.gazetteer.world import is_compiled

    if not is_compiled():
        raise SystemExit("the world store is not built: run 'geomap gazetteer build' first (no case may pay for it)")
    rows = []
    for megabytes in [0.0, *sizes]:
        path = work / f"corpus-{megabytes:g}.jsonl"
        size = write_corpus(path, megabytes) if megabytes else _one_article(path)
        result = _repeated(lambda path=path: _spawn(["--child", "extract", "--input", str(path)]), repeat)
        rows.append(size | result)
        print(f"corpus {size['mb']:.2f} MB: {json.dumps(rows[-1])}", flush=True)
        path.unlink()
    return rows


def _one_article(path: Path) -> dict:
    write_corpus(path, 0.0001)
    line = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(line + "\n", encoding="utf-8")
    record = json.loads(line)
    return {"mb": (len(record["title"].encode()) + len(record["text"].encode())) / 1e6, "articles": 1}


def gazetteer_growth(sizes: list[int], repeat: int, work: Path, *, corpus_mb: float = 1.0) -> list[dict]:
    pool = synthetic_names(max(sizes, default=0))
    corpus = work / "gazetteer-corpus.jsonl"
    size = write_corpus(corpus, corpus_mb, synthetic=pool[:FIRST_NAMES])
    rows = []
    for count in [0, *sizes]:
        store = work / f"store-{count}"
        made = _repeated(lambda count=count, store=store: _build(pool[:count], work, store), repeat)
        loaded = _repeated(
            lambda store=store: _spawn(["--child", "load", "--dir", str(store), "--input", str(corpus)], cache=store),
            repeat,
        )
        row = {"synthetic": count, "corpus_mb": size["mb"], "articles": size["articles"]}
        rows.append(row | {f"build_{k}": v for k, v in made.items()} | {f"load_{k}": v for k, v in loaded.items()})
        print(f"names {count}: {json.dumps(rows[-1])}", flush=True)
        shutil.rmtree(store)
    return rows


def _build(names: list[str], work: Path, store: Path) -> dict:
    """A fresh store of ``names`` (none: the curated files alone), compiled in a child process."""
    shutil.rmtree(store, ignore_errors=True)
    store.mkdir()
    dump = work / "synthetic.txt"
    if names:
        write_dump(dump, names)
    result = _spawn(["--child", "build", "--dir", str(store), *(["--input", str(dump)] if names else [])], cache=store)
    dump.unlink(missing_ok=True)
    return result


# ---------------------------------------------------------------------------------------------
# Report


def exponent(size1: float, cost1: float, size2: float, cost2: float) -> float | None:
    """``k`` of ``cost ~ size**k`` between two points (None when a cost is not positive)."""
    if min(size1, size2, cost1, cost2) <= 0 or size1 == size2:
        return None
    return math.log(cost2 / cost1) / math.log(size2 / size1)


def _k(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _verdict(label: str, pairs: list[tuple[str, float | None]]) -> str:
    """One sentence: where ``label`` grows faster than linear (k > 1.1), from the exponents between sizes."""
    known = [(span, k) for span, k in pairs if k is not None]
    if not known:
        return f"{label}: too few sizes to tell."
    faster = [f"{span} (k = {k:.2f})" for span, k in known if k > 1.1]
    listed = ", ".join(f"{k:.2f} from {span}" for span, k in known)
    if faster:
        return f"{label} grows faster than linear from {'; '.join(faster)} (exponents: {listed})."
    return f"{label} grows no faster than linear (k <= 1.1; exponents: {listed})."


def corpus_table(rows: list[dict]) -> list[str]:
    base = rows[0]
    lines = [
        "| corpus MB | articles | toponyms | wall (s) | CPU (s) | CPU s per MB above fixed | peak RSS (MB) "
        "| RSS above fixed (MB) | k CPU time | k RSS | runs |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    time_pairs, rss_pairs = [], []
    for index, r in enumerate(rows):
        extra_cpu, extra_rss = r["cpu_s"] - base["cpu_s"], r["rss_mb"] - base["rss_mb"]
        k_time = k_rss = None
        if index >= 2:
            p = rows[index - 1]
            k_time = exponent(p["mb"], p["cpu_s"] - base["cpu_s"], r["mb"], extra_cpu)
            k_rss = exponent(p["mb"], p["rss_mb"] - base["rss_mb"], r["mb"], extra_rss)
            span = f"{p['mb']:.3g} to {r['mb']:.3g} MB"
            time_pairs.append((span, k_time))
            rss_pairs.append((span, k_rss))
        per_mb = f"{extra_cpu / r['mb']:.2f}" if index else ""
        label = f"{r['mb']:.4f} (1 article)" if index == 0 else f"{r['mb']:.1f}"
        lines.append(
            f"| {label} | {r['articles']:,} | {r['toponyms']:,} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {per_mb} "
            f"| {r['rss_mb']:.0f} | {extra_rss:.0f} | {_k(k_time)} | {_k(k_rss)} | {r['runs']} |"
        )
    lines += ["", _verdict("CPU time above the fixed cost", time_pairs) + " "
              + _verdict("Peak RSS above the fixed cost", rss_pairs)]  # fmt: skip
    return lines


def gazetteer_table(rows: list[dict]) -> list[str]:
    base = rows[0]
    lines = [
        "| synthetic names | keys in store | store MB | import CPU (s) | compile CPU (s) | build peak RSS (MB) "
        "| open (s) | automaton CPU (s) | extract 1 MB CPU (s) | toponyms | extract peak RSS (MB) | k compile "
        "| k automaton | k extract RSS | runs |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    pairs: dict[str, list] = {"compile": [], "build RSS": [], "extract RSS": [], "automaton": [], "extract": []}
    for index, r in enumerate(rows):
        ks: dict[str, float | None] = {}
        if index >= 2:
            p = rows[index - 1]
            span = f"{p['synthetic']:,} to {r['synthetic']:,} names"

            def k(key: str, minus: bool = False, p=p, r=r) -> float | None:
                off = base[key] if minus else 0.0
                return exponent(p["synthetic"], p[key] - off, r["synthetic"], r[key] - off)

            ks = {
                "compile": k("build_build_cpu_s"), "build RSS": k("build_rss_mb", minus=True),
                "extract RSS": k("load_rss_mb", minus=True), "automaton": k("load_automaton_cpu_s"),
                "extract": k("load_extract_cpu_s", minus=True),
            }  # fmt: skip
            for name, value in ks.items():
                pairs[name].append((span, value))
        lines.append(
            f"| {r['synthetic']:,} | {r['load_names']:,} | {r['build_store_mb']:.0f} | {r['build_import_cpu_s']:.2f} "
            f"| {r['build_build_cpu_s']:.2f} | {r['build_rss_mb']:.0f} | {r['load_open_s']:.3f} "
            f"| {r['load_automaton_cpu_s']:.2f} | {r['load_extract_cpu_s']:.2f} | {r['load_toponyms']:,} "
            f"| {r['load_rss_mb']:.0f} | {_k(ks.get('compile'))} | {_k(ks.get('automaton'))} "
            f"| {_k(ks.get('extract RSS'))} | {min(r['build_runs'], r['load_runs'])} |"
        )
    lines.append("")
    lines.append(
        " ".join([
            _verdict("Compile CPU time", pairs["compile"]),
            _verdict("Compile peak RSS above the curated-only store", pairs["build RSS"]),
            _verdict("Automaton load CPU time", pairs["automaton"]),
            _verdict("Extract peak RSS above the curated-only store", pairs["extract RSS"]),
            _verdict("Extract CPU time on the fixed corpus, above the curated-only store's", pairs["extract"]),
        ])
    )  # fmt: skip
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="corpus 1 and 10 MB, gazetteers of 10k and 100k names")
    parser.add_argument("--corpus", type=float, nargs="*", default=None, metavar="MB", help="corpus sizes")
    parser.add_argument("--names", type=int, nargs="*", default=None, metavar="N", help="gazetteer sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case under a minute (median)")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/performance.md")
    parser.add_argument("--child", choices=("extract", "build", "load"), help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "extract":
        return print(json.dumps(child_extract(args.input)))
    if args.child == "build":
        return print(json.dumps(child_build(args.dir, args.input)))
    if args.child == "load":
        return print(json.dumps(child_load_extract(args.dir, args.input)))

    corpus_sizes = args.corpus if args.corpus is not None else ([1, 10] if args.quick else [1, 10, 100])
    name_sizes = args.names if args.names is not None else ([10_000, 100_000] if args.quick else
                                                            [10_000, 100_000, 1_000_000])  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="geomap-growth-") as tmp:
        work = Path(tmp)
        if corpus_sizes:
            rows = corpus_growth(corpus_sizes, args.repeat, work)
            lines = [
                f"Corpus growth, `geomap extract` (world gazetteer, events on; median of the runs; {machine()}):",
                "",
                *corpus_table(rows),
            ]
            print("\n".join(lines), flush=True)
            if not args.no_doc:
                replace_section(DOC, "growth-corpus", "\n".join(lines))
        if name_sizes:
            rows = gazetteer_growth(name_sizes, args.repeat, work)
            lines = [
                f"Gazetteer growth, synthetic GeoNames dump imported and compiled without registry data, then "
                f"`api.extract` on a fixed {rows[0]['corpus_mb']:.1f} MB corpus ({rows[0]['articles']:,} articles; "
                f"median of the runs; {machine()}):",
                "",
                *gazetteer_table(rows),
            ]
            print("\n".join(lines), flush=True)
            if not args.no_doc:
                replace_section(DOC, "growth-gazetteer", "\n".join(lines))


if __name__ == "__main__":
    main()
