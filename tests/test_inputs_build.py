"""Bad inputs through whole builds: a bad record, folder or value costs only itself (issue 16, items 3,
4, 6, 8, 9, 10, 14, 17). ``tests/test_sources_robust.py`` checks the readers; these check that the
store, the map and the exit code follow.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
from conftest import deny_scandir, map_text

from geomap import api
from geomap.cli import main
from geomap.errors import EXIT_OK, EXIT_PARTIAL

ROOT = Path(__file__).resolve().parents[1]


def geomap(*args: str) -> int:
    return main(["--curated-only", *map(str, args)])


def article_ids(path: Path) -> list[str]:
    return json.loads(map_text(path))["articles"]["id"]


def jsonl(path: Path, *lines: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_one_bad_jsonl_line_costs_only_that_line(tmp_path, capsys):
    dump = jsonl(
        tmp_path / "news" / "dump.jsonl",
        '{"id": "one", "text": "Shelling hit Saraqib."}',
        '{"id": "two", "text": "broken',
        '{"id": "three", "text": "A convoy reached Aleppo."}',
    )
    out = tmp_path / "map.html"
    assert geomap("build", dump.parent, "-o", out) == EXIT_PARTIAL
    err = capsys.readouterr().err
    assert f"geomap: skipped: {dump}:2: " in err
    assert sorted(article_ids(out)) == ["one", "three"]
    assert geomap("build", dump.parent, "-o", out) == EXIT_PARTIAL  # said again until it is fixed
    assert f"{dump}:2: " in capsys.readouterr().err
    dump.write_text(dump.read_text().replace('"broken', '"Talks in Homs."}'))
    assert geomap("build", dump.parent, "-o", out) == EXIT_OK
    assert sorted(article_ids(out)) == ["one", "three", "two"]


def test_one_bad_item_of_a_json_list_costs_only_that_item(tmp_path, capsys):
    items = [{"id": "a", "text": "Shelling hit Saraqib."}, {"id": "b", "body": "no text"}, {"id": "c", "text": "Homs."}]
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "list.json").write_text(json.dumps(items, indent=1))
    assert geomap("build", tmp_path / "news", "-o", tmp_path / "map.html") == EXIT_PARTIAL
    assert "list.json:" in capsys.readouterr().err
    assert sorted(article_ids(tmp_path / "map.html")) == ["a", "c"]


def test_an_unreadable_subfolder_is_said_and_its_articles_stay(tmp_path, capsys, monkeypatch):
    news, out = tmp_path / "news", tmp_path / "map.html"
    (news / "locked").mkdir(parents=True)
    (news / "a.txt").write_text("A\n\nShelling hit Saraqib.\n")
    (news / "locked" / "b.txt").write_text("B\n\nA convoy reached Aleppo.\n")
    (news / "z.txt").write_text("Z\n\nTalks in Homs.\n")
    assert geomap("build", news, "-o", out, "-q") == EXIT_OK
    before = out.read_bytes()
    with monkeypatch.context() as patch:
        deny_scandir(patch, news / "locked")
        assert geomap("build", news, "-o", out) == EXIT_PARTIAL
    err = capsys.readouterr().err
    assert f"geomap: skipped: {news / 'locked'}: permission denied" in err
    assert "1 removed" not in err and "0 removed" in err
    assert out.read_bytes() == before  # b is still on the map, where it was


def test_a_map_inside_its_input_folder_is_not_read_back(tmp_path, capsys):
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text("A\n\nShelling hit Saraqib.\n")
    out = news / "index.html"
    assert geomap("build", news, "-o", out) == EXIT_OK
    assert geomap("build", news, "-o", out) == EXIT_OK
    assert geomap("build", news, "-o", news / "other.html") == EXIT_OK  # another map in the folder: not an article
    err = capsys.readouterr().err
    assert err.count("1 articles (") == 3 and "geomap: skipped" not in err
    assert article_ids(news / "other.html") == ["a"]


def test_the_same_source_given_twice_counts_once(tmp_path, capsys):
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text("A\n\nShelling hit Saraqib.\n")
    (tmp_path / "link.txt").symlink_to(news / "a.txt")
    assert geomap("build", news, news / "a.txt", f"./{os.path.relpath(news, Path.cwd())}", tmp_path / "link.txt",
                  "-o", tmp_path / "map.html") == EXIT_OK  # fmt: skip
    assert "1 articles (1 new" in capsys.readouterr().err
    assert geomap("extract", news, news / "a.txt", "-o", tmp_path / "pred.jsonl") == EXIT_OK
    assert len((tmp_path / "pred.jsonl").read_text().splitlines()) == 1


def test_odd_json_values_keep_the_build_going(tmp_path, capsys):
    records = [
        {"id": "iso", "date": "2024-03-03T10:00:00+02:00", "text": "Shelling hit Saraqib."},
        {"id": "words", "date": "March 3, 2024", "text": "Shelling hit Homs."},
        {"id": "garbage", "date": "garbage", "text": "Shelling hit Aleppo."},
        {"id": "surrogate\ud800", "title": "lone \ud800", "text": "Shelling hit Idlib \ud800."},
        {"id": [1, 2], "title": {"a": 1}, "text": "Shelling hit Hama."},
    ]
    dump = tmp_path / "news" / "odd.jsonl"
    dump.parent.mkdir()
    dump.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    out = tmp_path / "map.html"
    assert geomap("build", dump.parent, "-o", out) == EXIT_OK
    err = capsys.readouterr().err
    assert f"warning: {dump}:3: unrecognised date 'garbage'" in err
    assert "field 'title' is an object" in err or "'title'" in err
    events = api.events_for([dump.parent], gazetteer=api.load_gazetteer())
    dates = dict(zip(events.article_id, events.date))  # datetimes (geomap.events.schema): the day as written
    assert dates["iso"] == dates["words"] == pd.Timestamp(2024, 3, 3)
    assert "[1, 2]" not in set(events.article_id) and "surrogate\ufffd" in set(events.article_id)


def test_a_file_name_that_is_not_utf8_and_a_symlink_loop_are_skipped(tmp_path, capfd):
    news = tmp_path / "news"
    news.mkdir()
    (news / "good.txt").write_text("Good\n\nShelling hit Saraqib.\n")
    (Path(os.fsdecode(bytes(news) + b"/caf\xe9.txt"))).write_text("Bad name\n\nHoms.\n")
    (news / "a.txt").symlink_to(news / "b.txt")
    (news / "b.txt").symlink_to(news / "a.txt")
    assert geomap("build", news, "-o", tmp_path / "map.html") == EXIT_PARTIAL
    err = capfd.readouterr().err
    skipped = [line for line in err.splitlines() if line.startswith("geomap: skipped: ")]
    assert len(skipped) == 3 and "caf\\xe9.txt: file name is not UTF-8" in err and "symlink loop" in err
    assert article_ids(tmp_path / "map.html") == ["good"]


def test_stdin_to_stdout_in_a_pipe(tmp_path):
    """``cat a.txt | geomap extract - -o - | jq`` works; messages stay on stderr."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "geomap", "--curated-only", "extract", "-", "-o", "-"]
    done = subprocess.run(command, input=b"Aid\n\nShelling hit Saraqib.\n", capture_output=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    (record,) = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert record["id"] == "stdin" and [t["surface"] for t in record["toponyms"]] == ["Saraqib"]
    assert done.stderr.decode().startswith("geomap: wrote standard output")
    lines = b'{"id": "x", "text": "Shelling hit Homs."}\n{"id": "y", "text": "Talks in Aleppo."}\n'
    jsonl_run = subprocess.run([*command, "--format", "jsonl"], input=lines, capture_output=True, env=env, timeout=60)
    assert [json.loads(line)["id"] for line in jsonl_run.stdout.decode().splitlines()] == ["x", "y"]


def test_stdin_through_a_build(tmp_path, monkeypatch, capsys):
    out = tmp_path / "map.html"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Aid\n\nShelling hit Saraqib.\n")))
    assert geomap("build", "-", "-o", out) == EXIT_OK
    assert article_ids(out) == ["stdin"]


def test_a_file_denied_to_us_keeps_its_articles_but_a_broken_one_does_not(tmp_path, capsys, monkeypatch):
    news, out = tmp_path / "news", tmp_path / "map.html"
    news.mkdir()
    for name, place in (("a", "Saraqib"), ("b", "Aleppo"), ("c", "Homs")):
        (news / f"{name}.txt").write_text(f"{name}\n\nShelling hit {place}.\n")
    assert geomap("build", news, "-o", out, "-q") == EXIT_OK
    before = out.read_bytes()
    os.utime(news / "b.txt", ns=(1, 1))  # changed on disk: it must be read again
    real = Path.read_bytes

    def denied(self):
        if self.name == "b.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    with monkeypatch.context() as patch:
        patch.setattr(Path, "read_bytes", denied)
        assert geomap("build", news, "-o", out) == EXIT_PARTIAL
    assert f"skipped: {news / 'b.txt'}: cannot read (Permission denied)" in capsys.readouterr().err
    assert out.read_bytes() == before  # b stays on the map: a permission problem passes
    (news / "b.txt").write_bytes(b"\x00\x01")  # a broken file is a file the user changed: b leaves
    assert geomap("build", news, "-o", out, "-q") == EXIT_PARTIAL
    assert sorted(article_ids(out)) == ["a", "c"]


def test_extract_writes_each_article_as_it_is_parsed(tmp_path, gazetteer, monkeypatch):
    """``geomap extract`` of a big corpus must not hold every article's toponyms and lines until the
    end (100 MB of news took 3.6 GB): the writer takes an article's line before the next is parsed."""
    news = tmp_path / "news"
    news.mkdir()
    for number, town in enumerate(("Saraqib", "Ariha", "Kafr Nabl")):
        (news / f"{number}.txt").write_text(f"Strikes\n\nAir strikes hit {town}.\n", encoding="utf-8")
    events: list[str] = []
    real_geoparse, real_write = api._geoparse, api.atomic_write_chunks

    def geoparse(text, *args):
        events.append("parse")
        return real_geoparse(text, *args)

    def write(path, chunks):
        def watched():
            for chunk in chunks:
                events.append("write")
                yield chunk

        real_write(path, watched())

    monkeypatch.setattr(api, "_geoparse", geoparse)
    monkeypatch.setattr(api, "atomic_write_chunks", write)
    out = tmp_path / "pred.jsonl"
    assert api.extract([news], out, gazetteer=gazetteer) == 3
    assert events == ["parse", "write"] * 3
    assert [json.loads(line)["toponyms"][0]["surface"] for line in out.read_text().splitlines()] == [
        "Saraqib", "Ariha", "Kafr Nabl",
    ]  # fmt: skip
