"""Outputs as a careful user of a Unix tool expects them (issue 16, items 2, 11, 13, 15, 16).

Symlinks are written through, pipes and devices written to, nothing else replaced; a bad output
fails in one line before any parsing; nothing but the outputs appears next to the outputs; names
in messages cannot forge lines or drive the terminal.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from articlegen import write_articles

from geomap.cli import main
from geomap.errors import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE
from geomap.store import default_store_path, store_error, stores_dir


def geomap(*args: str) -> int:
    return main(["--curated-only", *map(str, args)])


def error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err


# -- item 2: symlinks, pipes, devices ---------------------------------------------------------


def test_a_symlinked_output_is_written_through_to_its_target(tmp_path, capsys):
    write_articles(tmp_path / "news", 2)
    target = tmp_path / "real" / "map.html"
    target.parent.mkdir()
    target.write_text("old map")
    link = tmp_path / "map.html"
    link.symlink_to(target)
    assert geomap("build", tmp_path / "news", "-o", link) == EXIT_OK
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("<!DOCTYPE html>")


def test_a_fifo_output_is_written_to_not_replaced(tmp_path):
    write_articles(tmp_path / "news", 2)
    fifo = tmp_path / "pred.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert geomap("extract", tmp_path / "news", "-o", fifo) == EXIT_OK
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    lines = received[0].decode().splitlines()
    assert len(lines) == 2 and all("toponyms" in json.loads(line) for line in lines)


def test_a_socket_output_is_refused_in_one_line(tmp_path, capsys):
    write_articles(tmp_path / "news", 1)
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        assert geomap("extract", tmp_path / "news", "-o", path) == EXIT_ERROR
    finally:
        server.close()
    assert f"{path}: is not a regular file, a device or a pipe" in error_line(capsys)
    assert stat.S_ISSOCK(os.stat(path).st_mode)


def test_dash_writes_extract_and_export_to_stdout(tmp_path, capfd):
    write_articles(tmp_path / "news", 2)
    assert geomap("extract", tmp_path / "news", "-o", "-") == EXIT_OK
    out, err = capfd.readouterr()
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["a000000", "a000001"]
    assert "wrote standard output" in err and not (tmp_path / "-").exists() and not Path("-").exists()
    assert geomap("export", tmp_path / "news", "-o", "-", "--format", "geojson") == EXIT_OK
    out, _ = capfd.readouterr()
    assert json.loads(out)["type"] == "FeatureCollection"


# -- item 11: output problems, before parsing ----------------------------------------------------


def test_an_output_that_is_a_folder_fails_before_parsing(tmp_path, capsys, parse_calls):
    write_articles(tmp_path / "news", 3)
    folder = tmp_path / "maps"
    folder.mkdir()
    assert geomap("build", tmp_path / "news", "-o", folder) == EXIT_ERROR
    assert f"{folder}: is a folder; give a file name" in error_line(capsys)
    assert parse_calls == []


def test_long_output_names_work_up_to_the_limit_and_fail_in_one_line_beyond(tmp_path, capsys):
    write_articles(tmp_path / "news", 1)
    ok = tmp_path / ("m" * 245 + ".html")  # 250 characters: the temporary file's name must still fit
    assert geomap("build", tmp_path / "news", "-o", ok) == EXIT_OK
    assert ok.is_file()
    capsys.readouterr()
    too_long = tmp_path / ("m" * 300 + ".html")
    assert geomap("build", tmp_path / "news", "-o", too_long) == EXIT_ERROR
    assert "file name too long (305 bytes, at most 255)" in error_line(capsys)


def test_an_empty_output_name_is_a_usage_error(tmp_path, capsys):
    write_articles(tmp_path / "news", 1)
    with pytest.raises(SystemExit) as exited:
        geomap("extract", tmp_path / "news", "-o", "")
    assert exited.value.code == EXIT_USAGE


def test_an_unwritable_output_folder_is_named_and_the_store_is_not_blamed(tmp_path, capsys, monkeypatch):
    write_articles(tmp_path / "news", 1)
    out = tmp_path / "ro" / "map.html"
    out.parent.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == out.parent else real_access(p, mode))
    assert geomap("build", tmp_path / "news", "-o", out) == EXIT_ERROR
    line = error_line(capsys)
    assert f"cannot write in {out.parent}" in line and "delete" not in line


def test_store_errors_say_what_is_wrong_without_blaming_a_healthy_store():
    readonly = store_error("/x/s.sqlite", sqlite3.OperationalError("attempt to write a readonly database"))
    assert "delete" not in str(readonly) and "writable" in str(readonly)
    full = store_error("/x/s.sqlite", sqlite3.OperationalError("database or disk is full"))
    assert str(full) == "/x/s.sqlite: the disk is full"
    damaged = store_error("/x/s.sqlite", sqlite3.DatabaseError("file is not a database"))
    assert "delete it to rebuild from sources" in str(damaged)


def test_a_store_with_damaged_pages_is_one_clean_line(tmp_path, capsys):
    write_articles(tmp_path / "news", 30, sentences=8)
    out, store = tmp_path / "map.html", tmp_path / "store.sqlite"
    assert geomap("build", tmp_path / "news", "-o", out, "--store", store, "-q") == EXIT_OK
    data = bytearray(store.read_bytes())
    page = 4096
    data[page * 2 : page * 6] = os.urandom(page * 4)  # garbage over some pages, the header intact
    store.write_bytes(bytes(data))
    before = out.read_bytes()
    write_articles(tmp_path / "news", 1, seed=3, start=500)
    code = geomap("build", tmp_path / "news", "-o", out, "--store", store)
    line = error_line(capsys)
    assert code == EXIT_ERROR and str(store) in line
    assert all(c.isprintable() for c in line.rstrip("\n"))
    assert out.read_bytes() == before


def test_a_store_missing_a_table_is_one_clean_line(tmp_path, capsys):
    write_articles(tmp_path / "news", 2)
    out, store = tmp_path / "map.html", tmp_path / "store.sqlite"
    assert geomap("build", tmp_path / "news", "-o", out, "--store", store, "-q") == EXIT_OK
    with sqlite3.connect(store) as db:
        db.execute("DROP TABLE rows")
    write_articles(tmp_path / "news", 1, seed=3, start=500)
    assert geomap("build", tmp_path / "news", "-o", out, "--store", store) == EXIT_ERROR
    assert "no such table: rows" in error_line(capsys)


# -- item 13: no stray files ---------------------------------------------------------------------


def test_nothing_but_the_outputs_appears_next_to_them(tmp_path):
    write_articles(tmp_path / "news", 2)
    maps = tmp_path / "maps"
    assert geomap("build", tmp_path / "news", "-o", maps / "index.html", "-q") == EXIT_OK
    assert geomap("export", tmp_path / "news", "-o", maps / "events.csv", "-q") == EXIT_OK
    assert geomap("build", tmp_path / "news", "-o", maps / "index.html", "-q") == EXIT_OK  # a re-run too
    assert sorted(p.name for p in maps.iterdir()) == ["events.csv", "index.html"]
    store = default_store_path(maps / "index.html")
    assert store.parent == stores_dir() and store.is_file()
    assert not Path(f"{store}.lock").exists()


def test_a_failed_first_build_leaves_nothing_behind(tmp_path, capsys):
    news = tmp_path / "news"
    news.mkdir()
    (news / "empty.txt").write_text("")
    out = tmp_path / "new-folder" / "map.html"
    store = default_store_path(out)
    assert geomap("build", news, "-o", out) == EXIT_ERROR
    assert "no readable article" in capsys.readouterr().err
    assert not out.parent.exists()
    assert not [p for p in store.parent.glob(f"{store.name}*")]


def test_a_store_next_to_the_output_from_an_older_geomap_is_still_used(tmp_path, parse_calls):
    write_articles(tmp_path / "news", 2)
    out = tmp_path / "map.html"
    legacy = tmp_path / "map.html.geomap.sqlite"
    assert geomap("build", tmp_path / "news", "-o", out, "--store", legacy, "-q") == EXIT_OK
    parse_calls.clear()
    assert default_store_path(out) == legacy
    assert geomap("build", tmp_path / "news", "-o", out, "-q") == EXIT_OK
    assert parse_calls == []


# -- item 15: -v and -q anywhere, usage errors ------------------------------------------------------


def test_levels_before_the_command_and_stages_with_v(tmp_path, capsys):
    write_articles(tmp_path / "news", 2)
    out = tmp_path / "map.html"
    assert main(["-q", "--curated-only", "build", str(tmp_path / "news"), "-o", str(out)]) == EXIT_OK
    assert capsys.readouterr().err == ""
    write_articles(tmp_path / "news", 1, seed=2, start=10)
    assert main(["-v", "--curated-only", "build", str(tmp_path / "news"), "-o", str(out)]) == EXIT_OK
    stages = [line for line in capsys.readouterr().err.splitlines() if line.startswith("geomap: stage ")]
    names = [line.split(":")[1].strip().removeprefix("stage ") for line in stages]
    assert names == ["list sources", "read and parse", "render", "write"]
    assert "1 new" in stages[1] and " s " in stages[1] + " "


@pytest.mark.parametrize(
    "args",
    [["build", "NEWS", "-o", "m.html", "--field", "body"], ["export", "NEWS", "-o", "events.xlsx"]],
    ids=["bad-field", "unknown-export-format"],
)
def test_bad_option_values_are_usage_errors(tmp_path, capsys, args):
    write_articles(tmp_path / "news", 1)
    args = [str(tmp_path / "news") if a == "NEWS" else a for a in args]
    assert geomap(*args) == EXIT_USAGE
    assert error_line(capsys).startswith("geomap: error: ")


# -- item 16: names in messages --------------------------------------------------------------------


def test_a_file_name_cannot_forge_a_line_or_reach_the_terminal(tmp_path, capsys):
    news = tmp_path / "news"
    write_articles(news, 1)
    (news / "x\ngeomap: wrote fake.html: 0 articles\x1b[2J.txt").write_text("")
    assert geomap("build", news, "-o", tmp_path / "map.html") == EXIT_PARTIAL
    err = capsys.readouterr().err
    assert "\x1b" not in err
    lines = err.splitlines()
    assert len(lines) == 2 and lines[0].startswith("geomap: skipped: ") and "\\n" in lines[0]
    assert lines[1].startswith("geomap: wrote ") and "fake.html" not in lines[1]
