"""Nothing lost, ever: kill -9 mid-build, concurrent builds, bad inputs, atomic writes.

These run real ``python -m geomap`` processes: the guarantees are about processes, not functions.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from articlegen import write_articles
from map_fixtures import scratch_page

from geomap import api
from geomap.cli import main
from geomap.errors import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, OutputError
from geomap.fileio import atomic_write_text
from geomap.store import default_store_path

ROOT = Path(__file__).resolve().parents[1]


def child_env() -> dict[str, str]:
    """The environment of geomap processes: read when they start (conftest sets the store folder)."""
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def geomap_process(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "geomap", "--curated-only", *args],
        env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw,
    )  # fmt: skip


def wait_for(condition, timeout: float = 8.0, interval: float = 0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def integrity(store: Path) -> str:
    with sqlite3.connect(store) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def lock_holder(store: Path, pid: int) -> bool:
    lock = Path(f"{store}.lock")
    return lock.exists() and lock.read_text().strip() == str(pid)


def test_kill_9_mid_build_leaves_old_map_and_store_intact(tmp_path, gazetteer):
    news, out = tmp_path / "news", tmp_path / "map.html"
    store = default_store_path(out)
    write_articles(news, 100, sentences=8)
    api.build_map([news], out, gazetteer=gazetteer)
    old_map = out.read_bytes()
    write_articles(news, 300, seed=1, start=100, sentences=8)  # 300 new articles for the killed builds
    new_map = scratch_page(api.build_events(api.read_articles([news]), gazetteer), gazetteer).encode()

    for delay in (0.0, 0.3, 0.6):  # after the lock is taken: while reading, parsing, rendering
        build = geomap_process("build", str(news), "-o", str(out))
        wait_for(lambda build=build: lock_holder(store, build.pid) or build.poll() is not None)
        time.sleep(delay)
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=5)
        build.stdout.close()
        build.stderr.close()
        if delay == 0.0:
            assert build.returncode == -signal.SIGKILL  # killed while building, not after
        assert out.read_bytes() in (old_map, new_map)
        assert integrity(store) == "ok"

    assert main(["--curated-only", "build", str(news), "-o", str(out)]) == EXIT_OK
    assert out.read_bytes() == new_map
    assert integrity(store) == "ok"


def test_second_build_is_refused_while_the_store_is_in_use(tmp_path, gazetteer):
    news, out = tmp_path / "news", tmp_path / "map.html"
    write_articles(news, 5)
    store = default_store_path(out)
    hold = f"import sys; from geomap.store import Store; s = Store({str(store)!r}); sys.stdin.read()"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold],
        env=child_env(), stdin=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(lambda: lock_holder(store, holder.pid))
        build = geomap_process("build", str(news), "-o", str(out))
        _, err = build.communicate(timeout=20)
        assert build.returncode == EXIT_ERROR
        assert err == (
            f"geomap: error: another geomap build is using {store} (pid {holder.pid}); try again when it finishes\n"
        )
        assert not out.exists()
    finally:
        holder.communicate("", timeout=10)
    assert main(["--curated-only", "build", str(news), "-o", str(out), "-q"]) == EXIT_OK


def test_concurrent_builds_never_corrupt(tmp_path, gazetteer):
    news, out = tmp_path / "news", tmp_path / "map.html"
    write_articles(news, 150)
    builds = [geomap_process("build", str(news), "-o", str(out)) for _ in range(3)]
    results = [(b.wait(timeout=30), b.stderr.read()) for b in builds]
    for build in builds:
        build.stdout.close()
        build.stderr.close()
    assert EXIT_OK in [code for code, _ in results]
    for code, err in results:
        assert code == EXIT_OK or (code == EXIT_ERROR and "another geomap build is using" in err), err
    assert integrity(default_store_path(out)) == "ok"
    assert out.read_text() == scratch_page(api.build_events(api.read_articles([news]), gazetteer), gazetteer)


def test_bad_inputs_are_skipped_with_one_line_each_and_exit_3(tmp_path, capsys):
    news, out = tmp_path / "news", tmp_path / "map.html"
    write_articles(news, 3)
    bad = {
        "empty.txt": b"",
        "binary.txt": b"\x7fELF\x02\x01\x01\x00\x00\x00",
        "latin1.txt": "D\xe9j\xe0 vu in Alep".encode("latin-1"),
        "malformed.jsonl": b'{"id": "x", "text": "Homs"\n',
        "page.html": b"<html><body></body></html>",
    }
    for name, data in bad.items():
        (news / name).write_bytes(data)
    with (news / "huge.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB, sparse
    code = main(["--curated-only", "build", str(news), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_PARTIAL
    skipped = [line for line in err.splitlines() if line.startswith("geomap: skipped: ")]
    assert len(skipped) == len(bad) + 1
    for name in [*bad, "huge.txt"]:
        assert sum(str(news / name) in line for line in skipped) == 1
    assert "3 articles" in err and out.exists()


def test_nothing_readable_writes_nothing_and_exits_1(tmp_path, capsys):
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "empty.txt").write_bytes(b"")
    out = tmp_path / "map.html"
    assert main(["build", str(tmp_path / "news"), "-o", str(out)]) == EXIT_ERROR
    assert not out.exists()
    assert capsys.readouterr().err.splitlines()[-1].startswith("geomap: error: no readable article")


def test_atomic_write_keeps_the_old_file_when_the_write_fails(tmp_path, monkeypatch):
    path = tmp_path / "map.html"
    path.write_text("old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match=f"^{path}: cannot write \\(No space left on device\\)$"):
        atomic_write_text(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]
