"""Inputs that are partly broken (issue 16): one bad record, odd dates, odd values, odd folders, stdin.

Each test names the defect it covers; each one failed on the reader before the fix. The functions
are reached through the module (``sources.parse_date``) so that, on the old reader, every test fails
on its own rather than the whole file failing to import.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
from pathlib import Path

import pytest
from conftest import deny_scandir

from geomap import sources
from geomap.cli import main
from geomap.errors import SourceError
from geomap.sources import readers

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire</title>
<item><title>Shelling hits Saraqib</title><link>https://example.org/1</link>
<pubDate>Tue, 28 Jan 2020 10:00:00 GMT</pubDate><description>Shelling hit Saraqib.</description></item>
<item><title>Aid reaches Aleppo</title><link>https://example.org/2</link>
<description>BROKEN</description></item>
<item><title>Talks in Moscow</title><link>https://example.org/3</link>
<description>Officials met in Moscow.</description></item>
</channel></rss>
"""

GEOMAP_MAP = (
    '<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="content-type" content="text/html; charset=UTF-8" />\n'
    '<meta name="generator" content="geomap">\n<title>map</title></head><body><p>Idlib Aleppo Homs</p></body></html>\n'
)


def collect():
    """An ``on_skip`` / ``on_warning`` callback that keeps what it is given."""
    got: list = []
    return got, got.append


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# 1. One bad record no longer drops the whole file


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ('{"id": "b", "text": ', "malformed JSON"),
        ('{"id": "b", "body": "no text field"}', "string field 'text'"),
        ("[1, 2]", "expected a JSON object, not list"),
        ('{"id": "b", "text": 42}', "string field 'text'"),
    ],
    ids=["malformed", "no-text", "not-an-object", "text-not-a-string"],
)
def test_jsonl_bad_line_is_skipped_and_the_others_kept(tmp_path, bad, why):
    path = write_jsonl(tmp_path / "f.jsonl", ['{"id": "a", "text": "Idlib."}', bad, '{"id": "c", "text": "Homs."}'])
    skipped, on_skip = collect()
    articles = list(sources.read_file(path, on_skip=on_skip))
    assert [a.id for a in articles] == ["a", "c"]
    (err,) = skipped
    assert isinstance(err, SourceError) and str(err).startswith(f"{path}:2: ") and why in str(err)
    with pytest.raises(SourceError, match=f"{path}:2: "):  # without on_skip: raises, as before
        list(sources.read_file(path))


def test_json_list_bad_record_is_skipped_naming_its_line(tmp_path):
    path = tmp_path / "list.json"
    path.write_text(
        '[\n  {"id": "a", "text": "Idlib."},\n  {"id": "b",\n   "body": "no text"},\n  7,\n'
        '  {"id": "d", "text": "Homs."}\n]\n'
    )
    skipped, on_skip = collect()
    assert [a.id for a in sources.read_file(path, on_skip=on_skip)] == ["a", "d"]
    assert [str(e).split(": ")[0] for e in skipped] == [f"{path}:3", f"{path}:5"]
    assert "expected a JSON object, not int" in str(skipped[1])


def test_json_single_object_default_ids_and_list_ids_unchanged(tmp_path):
    (tmp_path / "one.json").write_text('\n\n{"text": "Idlib."}')
    (tmp_path / "many.json").write_text('[{"text": "Aleppo."},\n {"text": "Homs."}]')
    assert [a.id for a in sources.read_file(tmp_path / "one.json")] == ["one"]
    assert [a.id for a in sources.read_file(tmp_path / "many.json")] == ["many:1", "many:2"]
    (tmp_path / "bad.json").write_text('\n\n{"body": "Idlib."}')
    with pytest.raises(SourceError, match=f"^{tmp_path / 'bad.json'}:3: expected an object with a string field"):
        list(sources.read_file(tmp_path / "bad.json", on_skip=lambda err: None))  # its one record: the file's problem


def test_file_without_any_usable_record_raises_its_first_error(tmp_path):
    """A dump that needs --field text=body: one message for the file, not one per record."""
    path = write_jsonl(tmp_path / "f.jsonl", [json.dumps({"id": n, "body": "Idlib."}) for n in range(500)])
    skipped, on_skip = collect()
    with pytest.raises(SourceError, match=rf"^{path}:1: expected an object with a string field 'text' \(map"):
        list(sources.read_file(path, on_skip=on_skip))
    assert skipped == []
    (tmp_path / "f.json").write_text("[1,\n 2]")
    with pytest.raises(SourceError, match=f"^{tmp_path / 'f.json'}:1: expected a JSON object, not int"):
        list(sources.read_file(tmp_path / "f.json", on_skip=on_skip))


def test_bad_records_before_the_first_good_one_are_reported_in_order(tmp_path):
    path = write_jsonl(tmp_path / "f.jsonl", ["{", "[]", '{"id": "a", "text": "Idlib."}', "7"])
    skipped, on_skip = collect()
    assert [a.id for a in sources.read_file(path, on_skip=on_skip)] == ["a"]
    assert [str(e).split(": ")[0] for e in skipped] == [f"{path}:1", f"{path}:2", f"{path}:4"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("[1, 2", "malformed JSON"),
        ('[{"text": "a"} {"text": "b"}]', "malformed JSON (Expecting ',' delimiter"),
        ('[{"text": "a"},]', "malformed JSON"),
        ('[{"text": "a"}] x', "malformed JSON (Extra data"),
        ('"just a string"', "expected a JSON object or a list of objects, not str"),
    ],
)
def test_json_file_level_problems_still_raise_with_on_skip(tmp_path, data, message):
    path = tmp_path / "f.json"
    path.write_text(data)
    skipped, on_skip = collect()
    with pytest.raises(SourceError, match=re.escape(message)):
        list(sources.read_file(path, on_skip=on_skip))
    assert skipped == []


def test_json_list_syntax_error_names_line_and_column(tmp_path):
    path = tmp_path / "f.json"
    path.write_text('[\n {"text": "a"},\n {"text": "b"}\n {"text": "c"}\n]')
    with pytest.raises(SourceError, match=rf"^{path}:4: malformed JSON \(Expecting ',' delimiter at column 2\)$"):
        list(sources.read_file(path))


@pytest.mark.parametrize(("name", "data"), [("e.jsonl", b""), ("l.jsonl", b'{"text": "D\xe9j\xe0"}\n')])
def test_file_level_problems_raise_even_with_on_skip(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(SourceError, match="empty file|not UTF-8"):
        list(sources.read_file(tmp_path / name, on_skip=lambda err: None))


def test_feed_entry_error_skips_that_entry(tmp_path, monkeypatch):
    path = tmp_path / "wire.rss"
    path.write_bytes(RSS)
    strip = readers._strip_html

    def broken(fragment: str) -> str:
        if "BROKEN" in fragment:
            raise ValueError("unexpected markup")
        return strip(fragment)

    monkeypatch.setattr(readers, "_strip_html", broken)
    skipped, on_skip = collect()
    articles = list(sources.read_file(path, on_skip=on_skip))
    assert [a.url for a in articles] == ["https://example.org/1", "https://example.org/3"]
    assert len(skipped) == 1 and f"{path}: entry 2: " in str(skipped[0]) and "unexpected markup" in str(skipped[0])


def test_read_articles_reports_bad_records_and_keeps_the_rest(tmp_path):
    write_jsonl(tmp_path / "f.jsonl", ['{"id": "a", "text": "Idlib."}', "{", '{"id": "c", "text": "Homs."}'])
    skipped, on_skip = collect()
    assert [a.id for a in sources.read_articles([tmp_path], on_skip=on_skip)] == ["a", "c"]
    assert [str(e).split(": ")[0] for e in skipped] == [f"{tmp_path / 'f.jsonl'}:2"]


# ---------------------------------------------------------------------------------------------
# 2. Dates


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-03-03", "2024-03-03"),
        ("2024-03-03T10:00:00+02:00", "2024-03-03"),
        ("2024-03-03T23:30:00-05:00", "2024-03-03"),  # as written in its own zone, not UTC (2024-03-04)
        ("2024-03-03T00:30:00+05:00", "2024-03-03"),
        ("2024-03-03T10:00:00Z", "2024-03-03"),
        ("2024-03-03T10:00:00.123456", "2024-03-03"),
        ("2024-03-03 10:00", "2024-03-03"),
        ("2024-03-03 10:00:00 UTC", "2024-03-03"),
        ("20240303", "2024-03-03"),
        (" 2024-03-03 ", "2024-03-03"),
        ("Sun, 03 Mar 2024 10:00:00 +0000", "2024-03-03"),
        ("Sun, 03 Mar 2024 23:30:00 -0500", "2024-03-03"),
        ("03 Mar 2024 10:00:00 GMT", "2024-03-03"),
        ("March 3, 2024", "2024-03-03"),
        ("march 3 2024", "2024-03-03"),
        ("Mar 3 2024", "2024-03-03"),
        ("Mar. 3, 2024", "2024-03-03"),
        ("Sept. 30, 2024", "2024-09-30"),
        ("Sunday, March 3, 2024", "2024-03-03"),
        ("March 3rd, 2024", "2024-03-03"),
        ("3 March 2024", "2024-03-03"),
        ("3 Mar. 2024", "2024-03-03"),
        ("03 March, 2024", "2024-03-03"),
        ("March 3, 2024 10:00 AM", "2024-03-03"),
        ("2024/03/03", "2024-03-03"),
        ("2024/3/4", "2024-03-04"),
        ("2024.03.04", "2024-03-04"),
        ("03/03/2024", "2024-03-03"),  # day == month: either order gives the same date
        ("25/03/2024", "2024-03-25"),  # 25 cannot be a month: day first
        ("03/25/2024", "2024-03-25"),  # 25 cannot be a month: month first
        ("25-03-2024", "2024-03-25"),
        ("3.3.2024", "2024-03-03"),
        ("4.3.2024", "2024-03-04"),  # dotted: always day first (European)
        ("04.03.2024", "2024-03-04"),
    ],
)
def test_parse_date_forms(value, iso):
    assert sources.parse_date(value) == iso


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "",
        "   ",
        "04/03/2024",  # ambiguous: April 3 (US) or 4 March (most of the world): no guess
        "3/4/2024",
        "13/13/2024",
        "2024-02-30",
        "February 30, 2024",
        "Marc 3, 2024",
        "2024",
        "March 2024",
        "published on March 3, 2024 by Reuters",  # no fishing in free text
        "3.3.24",
        "2024-03-03x10:00",
        "Funday, March 3, 2024",
        "1709460000",
    ],
)
def test_parse_date_rejects_what_it_cannot_read_for_sure(value):
    assert sources.parse_date(value) is None


def test_json_dates_become_iso_and_bad_ones_warn(tmp_path):
    path = tmp_path / "d.jsonl"
    write_jsonl(
        path,
        [
            json.dumps({"id": "iso", "text": "Idlib.", "date": "2024-03-03T10:00:00+02:00"}),
            json.dumps({"id": "rfc", "text": "Idlib.", "date": "Sun, 03 Mar 2024 10:00:00 +0000"}),
            json.dumps({"id": "bad", "text": "Idlib.", "date": "garbage"}),
            json.dumps({"id": "amb", "text": "Idlib.", "date": "04/03/2024"}),
            json.dumps({"id": "txt", "text": "Shelling on January 27, 2020 in Idlib.", "date": "soon"}),
        ],
    )
    warnings, on_warning = collect()
    dates = {a.id: a.date for a in sources.read_file(path, on_warning=on_warning)}
    assert dates == {"iso": "2024-03-03", "rfc": "2024-03-03", "bad": None, "amb": None, "txt": "2020-01-27"}
    assert warnings == [
        f"{path}:3: unrecognised date 'garbage'; article kept without a date",
        f"{path}:4: ambiguous date '04/03/2024' (day and month could be either way); article kept without a date",
        f"{path}:5: unrecognised date 'soon'; article dated 2020-01-27 from its text",
    ]
    assert [a.date for a in sources.read_file(path)][2] is None  # no on_warning: silently kept


def test_build_with_non_iso_dates_exits_0(tmp_path, capsys):
    news = tmp_path / "news"
    news.mkdir()
    records = [
        {"id": "a", "text": "Shelling hit Idlib and Aleppo.", "date": "2024-03-03T10:00:00+02:00"},
        {"id": "b", "text": "Protest in Damascus.", "date": "March 3, 2024"},
        {"id": "c", "text": "Strike in Homs.", "date": "garbage"},
    ]
    (news / "x.json").write_text(json.dumps(records))
    code = main(["--curated-only", "build", str(news), "-o", str(tmp_path / "map.html"), "-q"])
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err, err


# ---------------------------------------------------------------------------------------------
# 3. Lone surrogates


def test_lone_surrogates_become_replacement_characters(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text(
        '{"id": "x\\ud800", "title": "T\\udfff", "text": "A\\ud800 strike hit Idlib \\ud83d\\ude00.", '
        '"url": "u\\udc00", "source": "s\\ud801"}\n'
    )
    (article,) = sources.read_file(path)
    assert article.text == "A\ufffd strike hit Idlib \U0001f600."  # a real pair stays one character
    assert article.text.index("Idlib") == len("A\ud800 strike hit ")  # offsets unchanged
    assert (article.id, article.title, article.url, article.source) == ("x\ufffd", "T\ufffd", "u\ufffd", "s\ufffd")
    for value in (article.id, article.title, article.text, article.url, article.source):
        value.encode("utf-8")


def test_build_with_lone_surrogates_exits_0(tmp_path, capsys):
    news = tmp_path / "news"
    news.mkdir()
    (news / "s.json").write_text('{"id": "x\\ud800", "title": "T\\ud800", "text": "Shelling hit Idlib.\\ud800"}')
    code = main(["--curated-only", "build", str(news), "-o", str(tmp_path / "map.html"), "-q"])
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err, err


# ---------------------------------------------------------------------------------------------
# 4. Values that are not text


def test_numbers_become_their_json_text(tmp_path):
    path = write_jsonl(tmp_path / "n.jsonl", ['{"id": 17, "title": 2024, "text": "Idlib.", "source": 1.5}'])
    warnings, on_warning = collect()
    (article,) = sources.read_file(path, on_warning=on_warning)
    assert (article.id, article.title, article.source) == ("17", "2024", "1.5") and warnings == []


def test_lists_objects_and_booleans_are_dropped_with_a_warning(tmp_path):
    path = write_jsonl(
        tmp_path / "v.jsonl",
        [
            '{"id": [1, 2], "title": {"a": 1}, "text": "Idlib today.", "url": true, "source": ["x"], "date": [2024]}',
            '{"id": false, "title": null, "text": "Homs.", "date": null}',
            '{"id": NaN, "text": "Hama."}',
        ],
    )
    warnings, on_warning = collect()
    first, second, third = sources.read_file(path, on_warning=on_warning)
    assert (first.id, first.title, first.url, first.source, first.date) == ("v:1", "Idlib today.", None, None, None)
    assert (second.id, second.title, second.date) == ("v:2", "Homs.", None)
    assert third.id == "v:3"
    assert warnings == [
        f"{path}:1: field 'id' is a list, not text; the default id 'v:1' is used",
        f"{path}:1: field 'title' is an object, not text; ignored",
        f"{path}:1: field 'date' is a list, not text; ignored",
        f"{path}:1: field 'url' is a boolean, not text; ignored",
        f"{path}:1: field 'source' is a list, not text; ignored",
        f"{path}:2: field 'id' is a boolean, not text; the default id 'v:2' is used",
        f"{path}:3: field 'id' is NaN, not text; the default id 'v:3' is used",
    ]
    assert all("[" not in a.title and "{" not in a.title for a in (first, second, third))


def test_mapped_field_names_appear_in_warnings(tmp_path):
    path = write_jsonl(tmp_path / "m.jsonl", ['{"headline": ["H"], "body": "Idlib."}'])
    warnings, on_warning = collect()
    (article,) = sources.read_file(path, fields={"title": "headline", "text": "body"}, on_warning=on_warning)
    assert article.title == "Idlib." and warnings == [f"{path}:1: field 'headline' is a list, not text; ignored"]


# ---------------------------------------------------------------------------------------------
# 5. Deep nesting and huge numbers


def test_deeply_nested_json_file_is_a_source_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(SourceError, match=f"^{path}:1: JSON nested too deeply"):
        list(sources.read_file(path, on_skip=lambda err: None))
    path.write_text('{"text": "Idlib.", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(SourceError, match="nested too deeply"):
        list(sources.read_file(path))


def test_deeply_nested_jsonl_line_is_skipped(tmp_path):
    deep = '{"text": "x", "y": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path = write_jsonl(tmp_path / "deep.jsonl", ['{"id": "a", "text": "Idlib."}', deep, '{"id": "c", "text": "Homs."}'])
    skipped, on_skip = collect()
    assert [a.id for a in sources.read_file(path, on_skip=on_skip)] == ["a", "c"]
    assert [str(e) for e in skipped] == [f"{path}:2: JSON nested too deeply"]
    with pytest.raises(SourceError, match="nested too deeply"):
        list(sources.read_file(path))


def test_number_too_long_to_convert_is_a_bad_record(tmp_path):
    path = write_jsonl(
        tmp_path / "n.jsonl", ['{"id": "a", "text": "Idlib."}', '{"text": "x", "n": ' + "1" * 5000 + "}"]
    )
    skipped, on_skip = collect()
    assert [a.id for a in sources.read_file(path, on_skip=on_skip)] == ["a"]
    assert str(skipped[0]).startswith(f"{path}:2: unreadable JSON")


# ---------------------------------------------------------------------------------------------
# 6. Listing


def test_list_sources_plain_folder_same_as_source_paths(tmp_path):
    news = tmp_path / "news"
    (news / "sub").mkdir(parents=True)
    for name in ("b.txt", "a.txt", "sub/c.jsonl", "sub-x.txt", ".hidden.txt", "notes.csv"):
        (news / name).write_text("T\n\nIdlib.\n")
    listing = sources.list_sources([news])
    assert isinstance(listing, sources.SourceListing)
    expected = [f"{news}/a.txt", f"{news}/b.txt", f"{news}/sub/c.jsonl", f"{news}/sub-x.txt"]
    assert listing.files == expected and listing.skipped == [] and listing.unreadable == []
    assert sources.source_paths([news]) == expected
    assert sources.iter_source_files([news]) == [Path(p) for p in expected]


def _check_unreadable_subfolder(news: Path) -> None:
    listing = sources.list_sources([news])
    assert listing.files == [f"{news}/a.txt"]
    assert [str(e) for e in listing.skipped] == [f"{news}/locked: permission denied"]
    assert listing.unreadable == [f"{news}/locked"]


def _news_with_locked_subfolder(tmp_path: Path) -> Path:
    news = tmp_path / "news"
    (news / "locked").mkdir(parents=True)
    (news / "a.txt").write_text("T\n\nIdlib.\n")
    (news / "locked" / "b.txt").write_text("T\n\nHoms.\n")
    return news


def test_unreadable_subfolder_is_reported_any_user(tmp_path, monkeypatch):
    news = _news_with_locked_subfolder(tmp_path)
    deny_scandir(monkeypatch, news / "locked")
    _check_unreadable_subfolder(news)


@pytest.mark.skipif(IS_ROOT, reason="root can read a chmod 000 folder; the monkeypatched test covers it")
def test_unreadable_subfolder_is_reported_chmod(tmp_path):
    news = _news_with_locked_subfolder(tmp_path)
    (news / "locked").chmod(0)
    try:
        _check_unreadable_subfolder(news)
    finally:
        (news / "locked").chmod(0o755)


def test_unreadable_folder_given_directly_is_skipped_not_fatal(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text("T\n\nIdlib.\n")
    (tmp_path / "b.txt").write_text("T\n\nHoms.\n")
    deny_scandir(monkeypatch, locked)
    listing = sources.list_sources([locked, tmp_path / "b.txt"])
    assert listing.files == [f"{tmp_path}/b.txt"]
    assert [str(e) for e in listing.skipped] == [f"{locked}: permission denied"]
    assert listing.unreadable == [str(locked)]


def test_folder_whose_only_content_is_unreadable_is_not_fatal(tmp_path, monkeypatch):
    news = tmp_path / "news"
    (news / "locked").mkdir(parents=True)
    deny_scandir(monkeypatch, news / "locked")
    listing = sources.list_sources([news])
    assert listing.files == [] and listing.unreadable == [f"{news}/locked"]


@pytest.mark.skipif(IS_ROOT, reason="root can read a chmod 000 file")
def test_unreadable_file_given_directly_is_skipped(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("T\n\nIdlib.\n")
    path.chmod(0)
    try:
        listing = sources.list_sources([path])
    finally:
        path.chmod(0o644)
    assert listing.files == [] and listing.unreadable == [str(path)]
    assert [str(e) for e in listing.skipped] == [f"{path}: permission denied"]


def _bytes_name(folder: Path, name: bytes) -> str:
    """Create ``folder/name`` with a raw (non-UTF-8) name, or skip where the file system refuses it."""
    try:
        with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
            handle.write(b"T\n\nIdlib.\n")
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    return os.fsdecode(os.path.join(os.fsencode(folder), name))


def test_file_name_not_utf8_is_skipped_with_a_printable_message(tmp_path):
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text("T\n\nIdlib.\n")
    bad = _bytes_name(news, b"caf\xe9.txt")
    listing = sources.list_sources([news])
    assert listing.files == [f"{news}/a.txt"]
    (err,) = listing.skipped
    assert str(err) == f"{news}/caf\\xe9.txt: file name is not UTF-8"
    str(err).encode("utf-8")
    direct = sources.list_sources([bad])
    assert direct.files == [] and str(direct.skipped[0]) == f"{news}/caf\\xe9.txt: file name is not UTF-8"


def test_symlink_loops_and_broken_links_are_reported(tmp_path):
    news = tmp_path / "news"
    news.mkdir()
    (news / "good.txt").write_text("T\n\nIdlib.\n")
    os.symlink("b.txt", news / "a.txt")
    os.symlink("a.txt", news / "b.txt")
    os.symlink("missing.txt", news / "dangling.txt")
    os.symlink("missing", news / "dangling-other")  # no article suffix: not ours, not reported
    listing = sources.list_sources([news])
    assert listing.files == [f"{news}/good.txt"]
    assert [str(e) for e in listing.skipped] == [
        f"{news}/a.txt: symlink loop",
        f"{news}/b.txt: symlink loop",
        f"{news}/dangling.txt: broken symlink",
    ]
    assert listing.unreadable == []
    direct = sources.list_sources([news / "a.txt", news / "dangling.txt", news / "good.txt"])
    assert direct.files == [f"{news}/good.txt"]
    assert [str(e) for e in direct.skipped] == [f"{news}/a.txt: symlink loop", f"{news}/dangling.txt: broken symlink"]


def test_the_same_file_is_listed_once(tmp_path, monkeypatch):
    news = tmp_path / "news"
    (news / "sub").mkdir(parents=True)
    (news / "a.txt").write_text("T\n\nIdlib.\n")
    (news / "sub" / "c.txt").write_text("T\n\nHoms.\n")
    os.symlink("a.txt", news / "z-link.txt")
    os.symlink("sub", news / "linked-sub")  # symlinked folders are not followed
    monkeypatch.chdir(news)
    listing = sources.list_sources(["./a.txt", "a.txt", news, "sub", Path("sub/c.txt")])
    assert listing.files == ["a.txt", f"{news}/sub/c.txt"] and listing.skipped == []
    assert sources.list_sources([news / "sub", news]).files == [f"{news}/sub/c.txt", f"{news}/a.txt"]
    assert sources.list_sources([news / "z-link.txt", news]).files == [f"{news}/z-link.txt", f"{news}/sub/c.txt"]


def test_same_file_across_folders_and_files_not_listed_from_a_folder(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "a.txt").write_text("T\n\nIdlib.\n")
    (one / ".hidden.txt").write_text("T\n\nHama.\n")
    (two / "b.txt").write_text("T\n\nHoms.\n")
    os.symlink(one / "a.txt", two / "c.txt")  # the same file as one/a.txt, from another folder
    listing = sources.list_sources([one, two, one / ".hidden.txt", two / "b.txt", one / "a.txt"])
    assert listing.files == [f"{one}/a.txt", f"{two}/b.txt", f"{one}/.hidden.txt"]
    assert sources.list_sources([two, one]).files == [f"{two}/b.txt", f"{two}/c.txt"]
    assert sources.list_sources(["-", "-"]).files == ["-"]


def test_outputs_and_geomap_maps_are_not_inputs(tmp_path, monkeypatch):
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text("T\n\nIdlib.\n")
    (news / "map.html").write_text(GEOMAP_MAP)  # a map geomap wrote: never an article
    (news / "page.html").write_text("<html><head><title>Idlib</title></head><body><p>Idlib.</p></body></html>")
    late = "<html><head>" + " " * 5000 + '<meta name="generator" content="geomap"></head></html>'
    (news / "late.htm").write_text(late)  # the marker beyond 4 KB is not looked at
    (news / "out.jsonl").write_text('{"id": "x", "toponyms": []}\n')
    monkeypatch.chdir(tmp_path)
    listing = sources.list_sources([news], exclude=["news/out.jsonl", tmp_path / "store.sqlite"])
    assert listing.files == [f"{news}/a.txt", f"{news}/late.htm", f"{news}/page.html"]
    assert listing.skipped == [] and listing.unreadable == []
    assert sources.list_sources([news / "map.html", news / "a.txt"]).files == [f"{news}/a.txt"]


def test_fatal_listing_errors_stay_fatal(tmp_path):
    with pytest.raises(SourceError, match=f"^{tmp_path / 'nope'}: no such file or folder$"):
        sources.list_sources([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.csv").write_text("x")
    with pytest.raises(SourceError, match="no article files .* in this folder"):
        sources.list_sources([tmp_path / "empty"])


def test_read_articles_reports_listing_problems(tmp_path, monkeypatch):
    news = _news_with_locked_subfolder(tmp_path)
    os.symlink("missing.txt", news / "dangling.txt")
    deny_scandir(monkeypatch, news / "locked")
    skipped, on_skip = collect()
    assert [a.id for a in sources.read_articles([news], on_skip=on_skip)] == ["a"]
    assert [str(e) for e in skipped] == [f"{news}/dangling.txt: broken symlink", f"{news}/locked: permission denied"]
    with pytest.raises(SourceError, match="broken symlink"):
        sources.read_articles([news])


# ---------------------------------------------------------------------------------------------
# 7. Standard input


@pytest.mark.parametrize(
    ("fmt", "data", "ids"),
    [
        ("txt", b"Title line\n\nShelling hit Idlib.\n", ["stdin"]),
        ("jsonl", b'{"id": "a", "text": "Idlib."}\n{"text": "Homs."}\n', ["a", "stdin:2"]),
        ("json", b'[{"text": "Idlib."}, {"id": "b", "text": "Homs."}]', ["stdin:1", "b"]),
        ("rss", RSS, ["https://example.org/1", "https://example.org/2", "https://example.org/3"]),
    ],
)
def test_read_stdin_formats(fmt, data, ids):
    articles = sources.read_stdin(fmt, stream=io.BytesIO(data))
    assert [a.id for a in articles] == ids and {a.path for a in articles} == {"-"}


def test_read_stdin_html():
    page = b"<html><head><title>Thousands flee Idlib</title></head><body><article><p>" + b"Shelling hit Idlib. " * 20
    (article,) = sources.read_stdin("html", stream=io.BytesIO(page + b"</p></article></body></html>"))
    assert (article.id, article.path, article.title) == ("stdin", "-", "Thousands flee Idlib")


def test_read_stdin_messages_name_dash():
    skipped, on_skip = collect()
    warnings, on_warning = collect()
    data = b'{"id": "a", "text": "Idlib.", "date": "garbage"}\n{\n'
    (article,) = sources.read_stdin("jsonl", stream=io.BytesIO(data), on_skip=on_skip, on_warning=on_warning)
    assert article.id == "a" and [str(e).split(": ")[0] for e in skipped] == ["-:2"]
    assert warnings == ["-:1: unrecognised date 'garbage'; article kept without a date"]
    with pytest.raises(SourceError, match="^-: empty file$"):
        sources.read_stdin("txt", stream=io.BytesIO(b""))
    with pytest.raises(SourceError, match="^-:1: not UTF-8"):
        sources.read_stdin("txt", stream=io.BytesIO(b"\xff\xfe caf\xe9"))
    with pytest.raises(SourceError, match="unknown input format 'csv'"):
        sources.read_stdin("csv", stream=io.BytesIO(b"a,b"))


def test_read_articles_dash_reads_stdin(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("T\n\nIdlib.\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"id": "s", "text": "Homs."}\n')))
    articles = sources.read_articles([tmp_path / "a.txt", "-"], stdin_format="jsonl")
    assert [(a.id, a.path) for a in articles] == [("a", f"{tmp_path}/a.txt"), ("s", "-")]
    assert sources.list_sources(["-", tmp_path / "a.txt"]).files == ["-", f"{tmp_path}/a.txt"]
