"""``geomap watch`` as users run it: a real process, real files dropped in, SIGTERM to stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import map_text

from geomap.cli import main
from geomap.errors import SourceError

ROOT = Path(__file__).resolve().parents[1]


def wait_for(condition, timeout: float = 30.0, interval: float = 0.05):
    """Poll until ``condition()``; the bound is for liveness, not speed (a build takes ~2-4 s, more on a busy CI)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def map_has(path: Path, text: str) -> bool:
    try:
        return text in map_text(path)
    except FileNotFoundError:
        return False


def test_watch_rebuilds_on_new_files_survives_bad_ones_and_stops_on_sigterm(tmp_path):
    news, out = tmp_path / "news", tmp_path / "out" / "map.html"
    news.mkdir()
    (news / "first.txt").write_text("Shelling\n\nShelling hit Saraqib on Monday.\n")
    watcher = subprocess.Popen(
        [sys.executable, "-m", "geomap", "watch", str(news), "-o", str(out), "--debounce", "0.2"],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(lambda: map_has(out, "Saraqib"))
        (news / "bad.txt").write_bytes(b"\x00\x01binary")
        (news / "second.txt").write_text("Aid\n\nA convoy reached Palmyra.\n")
        wait_for(lambda: map_has(out, "Palmyra"))
        (news / "first.txt").unlink()
        wait_for(lambda: not map_has(out, "Saraqib"))
        assert watcher.poll() is None  # still running after a bad file
    finally:
        watcher.send_signal(signal.SIGTERM)
        _, err = watcher.communicate(timeout=10)
    assert watcher.returncode == 0, err
    assert f"skipped: {news / 'bad.txt'}: binary file" in err
    assert err.rstrip().endswith("geomap: stopped")


def test_watch_refuses_a_map_inside_the_folder(tmp_path, capsys):
    assert main(["watch", str(tmp_path), "-o", str(tmp_path / "map.html")]) == 1
    assert "outside the watched folder" in capsys.readouterr().err


def test_watch_in_process_reports_an_empty_folder_and_keeps_going(tmp_path, gazetteer):
    """No article yet is not fatal: the error is said, and the next change triggers a build."""
    from geomap.watch import watch

    news = tmp_path / "news"
    news.mkdir()
    stop = threading.Event()
    said: list[str] = []

    def say(message, level=1):
        said.append(message)
        if message.startswith("error:"):
            (news / "late.txt").write_text("Late\n\nShelling hit Ariha.\n")
        elif message.startswith("wrote"):
            stop.set()

    timer = threading.Timer(8.0, stop.set)  # a bound, should the rebuild never come
    timer.start()
    try:
        assert watch(news, tmp_path / "m.html", gazetteer=gazetteer, say=say, stop=stop, debounce=0.05) == 0
    finally:
        timer.cancel()
    assert any("no article files" in m for m in said) and said[-2].startswith("wrote")
    assert map_has(tmp_path / "m.html", "Ariha")
    with pytest.raises(SourceError, match="no such folder"):
        watch(tmp_path / "missing", tmp_path / "m.html", gazetteer=gazetteer)


def test_watch_follows_a_folder_deleted_and_created_again(tmp_path, gazetteer):
    """The OS watches inodes: ``rm -r news && mkdir news`` used to leave the map frozen for good."""
    import shutil

    from geomap.watch import watch

    news, out = tmp_path / "news", tmp_path / "m.html"
    news.mkdir()
    (news / "first.txt").write_text("First\n\nShelling hit Saraqib.\n")
    stop = threading.Event()
    said: list[str] = []

    def replace_folder() -> None:
        shutil.rmtree(news)
        time.sleep(1.0)  # long enough for the watch to see the folder gone
        news.mkdir()
        time.sleep(1.0)  # ... and to see it back; the article arrives in the new folder
        (news / "again.txt").write_text("Again\n\nA convoy reached Palmyra.\n")

    def say(message, level=1):
        said.append(message)
        wrote = [m for m in said if m.startswith("wrote")]
        if message.startswith("wrote") and len(wrote) == 1:
            threading.Thread(target=replace_folder, daemon=True).start()
        elif message.startswith("wrote") and map_has(out, "Palmyra"):
            stop.set()

    timer = threading.Timer(15.0, stop.set)
    timer.start()
    try:
        assert watch(news, out, gazetteer=gazetteer, say=say, stop=stop, debounce=0.05) == 0
    finally:
        timer.cancel()
    assert map_has(out, "Palmyra") and not map_has(out, "Saraqib"), said
