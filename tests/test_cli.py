"""The ``geomap`` command, in-process through ``main`` and once as ``python -m geomap``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import map_text

from geomap.cli import main

ROOT = Path(__file__).resolve().parent.parent
TOPONYM_KEYS = {"start", "end", "surface", "name", "place_id", "lat", "lon", "kind", "country", "type", "confidence"}


def _run(argv, capsys) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _err_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


@pytest.fixture
def seed_folder(tmp_path, seed_path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / seed_path.name).write_bytes(seed_path.read_bytes())
    return folder


# ------------------------------------------------------------------------------------------
# Help


@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"], ["extract", "--help"], ["export", "--help"]])
def test_help_has_examples(capsys, argv):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out.lower()
    if argv[0] != "--help":
        assert f"geomap {argv[0]} " in out  # the example runs this very command


def test_bad_command_line_exits_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["build"])  # no source, no -o
    assert exited.value.code == 2


# ------------------------------------------------------------------------------------------
# build


def test_build_seed_folder_writes_html(tmp_path, seed_folder, capsys):
    output = tmp_path / "maps" / "index.html"
    code, _, err = _run(["build", seed_folder, "-o", output], capsys)
    assert code == 0, err
    assert output.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")
    html = map_text(output)
    for place in ("Kafr Ruma", "Damascus", "Khmeimim Air Base", "Maarat al-Numan", "Moscow"):
        assert place in html
    assert "Traceback" not in err


def test_python_dash_m_geomap_works(tmp_path, seed_folder):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    output = tmp_path / "map.html"
    helped = subprocess.run([sys.executable, "-m", "geomap", "build", "--help"], capture_output=True, text=True,
                            env=env, timeout=120)  # fmt: skip
    assert helped.returncode == 0 and "example" in helped.stdout.lower()
    done = subprocess.run([sys.executable, "-m", "geomap", "build", str(seed_folder), "-o", str(output)],
                          capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Kafr Ruma" in map_text(output)
    missing = subprocess.run([sys.executable, "-m", "geomap", "build", str(tmp_path / "nope"), "-o", str(output)],
                             capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert missing.returncode == 1
    assert len(_err_lines(missing.stderr)) == 1 and "Traceback" not in missing.stderr


@pytest.mark.parametrize("command, suffix", [("build", ".html"), ("extract", ".jsonl"), ("export", ".csv")])
def test_missing_path_exits_1_with_one_line_and_writes_nothing(tmp_path, capsys, command, suffix):
    missing = tmp_path / "no-such-folder"
    output = tmp_path / f"out{suffix}"
    code, out, err = _run([command, missing, "-o", output], capsys)
    assert code == 1
    lines = _err_lines(err)
    assert len(lines) == 1, err
    assert str(missing) in lines[0]
    assert "Traceback" not in err
    assert not output.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left either


@pytest.mark.parametrize("command, suffix", [("build", ".html"), ("extract", ".jsonl"), ("export", ".geojson")])
def test_failed_run_leaves_previous_output_byte_identical(tmp_path, capsys, command, suffix):
    output = tmp_path / f"previous{suffix}"
    previous = b"previous output \xe2\x9c\x93\n"
    output.write_bytes(previous)
    code, _, err = _run([command, tmp_path / "no-such-file.txt", "-o", output], capsys)
    assert code == 1 and len(_err_lines(err)) == 1
    assert output.read_bytes() == previous


def test_empty_folder_exits_1_with_one_line(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    output = tmp_path / "map.html"
    code, _, err = _run(["build", empty, "-o", output], capsys)
    assert code == 1
    lines = _err_lines(err)
    assert len(lines) == 1 and str(empty) in lines[0]
    assert not output.exists()


@pytest.mark.parametrize(
    "name, data",
    [("broken.txt", b"\xff\xfe\xfa"), ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")],
    ids=["undecodable", "binary"],
)
def test_bad_file_next_to_good_one_is_skipped_exit_3(tmp_path, seed_folder, capsys, name, data):
    (seed_folder / name).write_bytes(data)
    output = tmp_path / "map.html"
    code, _, err = _run(["build", seed_folder, "-o", output], capsys)
    assert code == 3, err
    skipped = [line for line in _err_lines(err) if "skipped:" in line]
    assert len(skipped) == 1 and name in skipped[0]
    assert "Traceback" not in err
    html = map_text(output)
    assert "Kafr Ruma" in html and "Damascus" in html


def test_only_bad_files_exit_1_and_write_nothing(tmp_path, capsys):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "broken.txt").write_bytes(b"\xff\xfe\xfa")
    output = tmp_path / "map.html"
    code, _, err = _run(["build", folder, "-o", output], capsys)
    assert code == 1
    assert not output.exists()
    assert "broken.txt" in err and "Traceback" not in err


def test_broken_gazetteer_is_one_line(tmp_path, seed_folder, capsys):
    gaz = tmp_path / "gaz"
    gaz.mkdir()
    (gaz / "places.tsv").write_text("id\tname\n1\tX\n", encoding="utf-8")
    code, _, err = _run(["--gazetteer", gaz, "build", seed_folder, "-o", tmp_path / "m.html"], capsys)
    assert code == 1
    lines = _err_lines(err)
    assert len(lines) == 1 and str(gaz / "places.tsv") in lines[0]


# ------------------------------------------------------------------------------------------
# extract


def test_extract_seed_writes_one_json_line(tmp_path, seed_path, seed_text, capsys):
    output = tmp_path / "pred.jsonl"
    code, _, err = _run(["extract", seed_path, "-o", output], capsys)
    assert code == 0, err
    lines = output.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert set(record) == {"id", "toponyms"}
    assert record["id"] == seed_path.stem
    toponyms = record["toponyms"]
    assert toponyms
    for top in toponyms:
        assert set(top) >= TOPONYM_KEYS
        assert seed_text[top["start"] : top["end"]] == top["surface"]
        assert top["type"] in ("place", "demonym")
        assert 0 <= top["confidence"] <= 1
    assert [t["start"] for t in toponyms] == sorted(t["start"] for t in toponyms)
    kafr = [t for t in toponyms if t["surface"] == "Kafr Ruma"]
    assert len(kafr) == 1
    assert kafr[0]["name"] == "Kafr Ruma" and kafr[0]["country"] == "SY"
    assert kafr[0]["lat"] == pytest.approx(35.62, abs=0.05) and kafr[0]["lon"] == pytest.approx(36.61, abs=0.05)
    assert {t["surface"] for t in toponyms if t["type"] == "demonym"} >= {"Syrian", "Russian", "Turkish", "Iranian"}


def test_extract_jsonl_input(tmp_path, capsys):
    source = tmp_path / "news.jsonl"
    records = [
        {"id": "a1", "text": "Shelling hit Kafr Ruma near Maaret al-Numan."},
        {"id": "a2", "text": "Lavrov spoke in Moscow.", "title": "Lavrov"},
        {"id": "a3", "text": "Nothing here."},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    output = tmp_path / "pred.jsonl"
    code, _, err = _run(["extract", source, "-o", output], capsys)
    assert code == 0, err
    got = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [g["id"] for g in got] == ["a1", "a2", "a3"]
    assert [t["name"] for t in got[0]["toponyms"]] == ["Kafr Ruma", "Maarat al-Numan"]
    assert [(t["surface"], t["start"], t["end"]) for t in got[1]["toponyms"]] == [("Moscow", 16, 22)]
    assert got[2]["toponyms"] == []


def test_extract_malformed_jsonl_line_is_reported_with_file_and_line(tmp_path, capsys):
    source = tmp_path / "news.jsonl"
    source.write_text('{"id": "a1", "text": "Shelling hit Idlib."}\n{"id": "a2", text: oops}\n', encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("Moscow\n\nLavrov spoke in Moscow.\n", encoding="utf-8")
    output = tmp_path / "pred.jsonl"
    code, _, err = _run(["extract", source, good, "-o", output], capsys)
    assert code == 3, err
    reported = [line for line in _err_lines(err) if f"{source}:2" in line]
    assert len(reported) == 1
    assert "Traceback" not in err
    assert output.exists()


def test_extract_only_malformed_jsonl_exits_1(tmp_path, capsys):
    source = tmp_path / "news.jsonl"
    source.write_text('{"id": "a1", "text": "Shelling hit Idlib."}\n{"id": "a2", text: oops}\n', encoding="utf-8")
    output = tmp_path / "pred.jsonl"
    code, _, err = _run(["extract", source, "-o", output], capsys)
    assert code != 0
    assert f"{source}:2" in err and "Traceback" not in err


def test_extract_offsets_index_a_crlf_file(tmp_path, capsys):
    source = tmp_path / "crlf.txt"
    source.write_bytes(b"Title\r\n\r\nShelling hit Damascus and Idlib.\r\n")
    output = tmp_path / "pred.jsonl"
    code, _, err = _run(["extract", source, "-o", output], capsys)
    assert code == 0, err
    text = source.read_bytes().decode("utf-8")
    toponyms = json.loads(output.read_text(encoding="utf-8"))["toponyms"]
    assert [text[t["start"] : t["end"]] for t in toponyms] == ["Damascus", "Idlib"]
