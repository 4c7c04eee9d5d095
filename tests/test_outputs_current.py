"""Every output is brought up to date with the store whenever they differ (issue 16, item 1).

A build commits new articles to the store before it writes the map. If it dies in between (kill -9,
Ctrl-C, a full disk, a read-only output folder), the next plain rebuild finds nothing new in the
sources, yet must still write the map: each output is tied to the store state it was drawn from.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from articlegen import write_articles
from map_fixtures import scratch_page

from geomap import api
from geomap.cli import main
from geomap.errors import EXIT_OK, GeomapError

ROOT = Path(__file__).resolve().parents[1]


def fresh_map(sources, gazetteer) -> str:
    return scratch_page(api.build_events(api.read_articles(sources), gazetteer), gazetteer)


def fail_writes(monkeypatch, error: BaseException) -> None:
    """Make the map's write fail the way a full disk or Ctrl-C at that moment would."""
    import geomap.fileio

    def failing(path, data):
        raise error

    monkeypatch.setattr(geomap.fileio, "_write_replacing", failing)


@pytest.mark.parametrize(
    "error",
    [OSError(28, "No space left on device"), KeyboardInterrupt()],
    ids=["disk-full", "ctrl-c"],
)
def test_map_is_rewritten_after_a_build_that_died_before_writing_it(tmp_path, gazetteer, monkeypatch, error):
    news, out, store = tmp_path / "news", tmp_path / "map.html", tmp_path / "store.sqlite"
    write_articles(news, 4)
    api.build_map([news], out, gazetteer=gazetteer, store=store)
    old = out.read_bytes()
    write_articles(news, 2, seed=5, start=10)

    with monkeypatch.context() as patch:
        fail_writes(patch, error)
        with pytest.raises((GeomapError, KeyboardInterrupt)):
            api.build_map([news], out, gazetteer=gazetteer, store=store)
    assert out.read_bytes() == old  # nothing half-written

    report = api.build_map([news], out, gazetteer=gazetteer, store=store)
    assert report.new == 0  # the store already has the articles ...
    assert out.read_text() == fresh_map([news], gazetteer)  # ... and the map catches up


def test_deleted_articles_leave_a_map_whose_write_failed_before(tmp_path, gazetteer, monkeypatch):
    news, out, store = tmp_path / "news", tmp_path / "map.html", tmp_path / "store.sqlite"
    paths = write_articles(news, 4)
    api.build_map([news], out, gazetteer=gazetteer, store=store)
    paths[0].unlink()
    with monkeypatch.context() as patch:
        fail_writes(patch, OSError(30, "Read-only file system"))
        with pytest.raises(GeomapError, match="Read-only file system"):
            api.build_map([news], out, gazetteer=gazetteer, store=store)
    api.build_map([news], out, gazetteer=gazetteer, store=store)
    assert out.read_text() == fresh_map([news], gazetteer)


def test_a_write_that_did_not_happen_is_never_claimed(tmp_path, gazetteer, monkeypatch, capsys):
    news, out, store = tmp_path / "news", tmp_path / "map.html", tmp_path / "store.sqlite"
    write_articles(news, 2)
    with monkeypatch.context() as patch:
        fail_writes(patch, OSError(28, "No space left on device"))
        code = main(["--curated-only", "build", str(news), "-o", str(out), "--store", str(store)])
    err = capsys.readouterr().err
    assert code != EXIT_OK
    assert "wrote" not in err
    assert err.count("\n") == 1 and "No space left on device" in err and str(out) in err


def _build(news: Path, out: Path, store: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "geomap", "--curated-only", "build", str(news), "-o", str(out)]
    return subprocess.Popen(
        [*command, "--store", str(store), "-q"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def test_kill_9_at_random_points_then_a_plain_rebuild_matches_the_store(tmp_path, gazetteer):
    """The acceptance test of issue 16: 20 kills at random moments of builds that add and remove articles."""
    news, out, store = tmp_path / "news", tmp_path / "map.html", tmp_path / "store.sqlite"
    paths = write_articles(news, 12, sentences=6)
    _build(news, out, store).wait(timeout=60)
    write_articles(news, 3, seed=99, start=900, sentences=6)
    started = time.monotonic()
    _build(news, out, store).wait(timeout=60)
    rebuild = time.monotonic() - started  # an incremental build: start-up, read, parse, commit, render, write
    rng = random.Random(16)
    for trial in range(20):
        write_articles(news, 3, seed=100 + trial, start=1000 + 3 * trial, sentences=6)
        if trial % 3 == 0:
            paths.pop(rng.randrange(len(paths))).unlink()
        build = _build(news, out, store)
        time.sleep(rng.uniform(0.3, 1.1) * rebuild)  # mostly after start-up: reading, committing, writing
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=30)
    assert main(["--curated-only", "-q", "build", str(news), "-o", str(out), "--store", str(store)]) == EXIT_OK
    assert out.read_text() == fresh_map([news], gazetteer)
    stored = api.events_for([news], store=store, gazetteer=gazetteer)
    fresh = api.build_events(api.read_articles([news]), gazetteer)
    assert stored.equals(fresh)
