"""Inputs people actually have: text, HTML pages, JSON, JSON lines, RSS and Atom feeds, folders."""

from __future__ import annotations

import json

import pytest

from geomap import api
from geomap.cli import main
from geomap.errors import SourceError
from geomap.events.eventdate import find_article_date
from geomap.sources import parse_field_options, read_articles, read_file

HTML_PAGE = """<!DOCTYPE html>
<html><head>
<title>Syria: thousands flee Maarat al-Numan | Example News</title>
<meta property="og:title" content="Thousands flee Maarat al-Numan as shelling intensifies">
<meta property="article:published_time" content="2020-01-27T09:30:00Z">
<meta property="og:site_name" content="Example News">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | Berlin office</nav>
<article>
<h1>Thousands flee Maarat al-Numan as shelling intensifies</h1>
<p>Government forces shelled Maarat al-Numan on Monday, and residents said thousands of families
fled north towards the Turkish border near Sarmada.</p>
<p>Aid groups in Idlib said camps were full and that more people were expected from Saraqib in the
coming days, as the offensive entered its second month.</p>
</article>
<footer>Copyright Example News. Offices in London and Paris.</footer>
</body></html>
"""

RSS_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Syria Wire</title><link>https://example.org/</link><description>News</description>
<item>
  <title>Shelling hits Saraqib</title>
  <link>https://example.org/saraqib</link>
  <guid>https://example.org/saraqib</guid>
  <pubDate>Tue, 28 Jan 2020 10:00:00 GMT</pubDate>
  <description>&lt;p&gt;Shelling hit &lt;b&gt;Saraqib&lt;/b&gt; and Ariha overnight.&lt;/p&gt;</description>
</item>
<item>
  <title>Aid reaches Aleppo</title>
  <link>https://example.org/aleppo</link>
  <pubDate>Wed, 29 Jan 2020 08:00:00 GMT</pubDate>
  <description>A UN convoy reached Aleppo from Damascus.</description>
</item>
</channel></rss>
"""

ATOM_FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Wire</title><id>urn:wire</id><updated>2020-02-01T00:00:00Z</updated>
  <entry>
    <title>Talks in Moscow</title><id>urn:wire:1</id>
    <link href="https://example.org/moscow"/>
    <published>2020-02-01T12:00:00Z</published><updated>2020-02-01T12:00:00Z</updated>
    <content type="html">&lt;p&gt;Officials from Ankara met in Moscow.&lt;/p&gt;
      &lt;script&gt;x()&lt;/script&gt;</content>
  </entry>
</feed>
"""


def assert_offsets(events):
    """Offsets refer to Article.text: each snippet holds its mention at the stated place."""
    for row in events.itertuples():
        assert row.snippet[row.start - row.snippet_start : row.end - row.snippet_start] == row.mention


def test_txt_date_from_the_text(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Idlib offensive\n\nIDLIB, Syria, on January 27, 2020 - shelling hit Saraqib.\n")
    (article,) = read_file(path)
    assert (article.id, article.title, article.date) == ("a", "Idlib offensive", "2020-01-27")


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("MOSCOW, Jan. 28, 2020 (Reuters) - talks", "2020-01-28"),
        ("Posted 3 February 2020. Shelling...", "2020-02-03"),
        ("Dateline 2020-01-05: fighting", "2020-01-05"),
        ("No date here at all.", None),
        ("Not a date: February 30, 2020.", None),
    ],
)
def test_article_date_from_text(text, date):
    assert find_article_date(text) == date


def test_html_page_main_text_title_and_date(tmp_path, gazetteer):
    path = tmp_path / "page.html"
    path.write_text(HTML_PAGE)
    (article,) = read_file(path)
    assert article.title == "Thousands flee Maarat al-Numan as shelling intensifies"
    assert article.date == "2020-01-27"
    assert "Government forces shelled Maarat al-Numan" in article.text
    assert "Offices in London" not in article.text and "Berlin office" not in article.text  # boilerplate gone
    events = api.build_events([article], gazetteer)
    assert {"Maarat al-Numan", "Idlib", "Saraqib"} <= set(events.place_name)
    assert_offsets(events)


def test_rss_feed_entries_are_articles(tmp_path, gazetteer):
    path = tmp_path / "wire.rss"
    path.write_text(RSS_FEED)
    first, second = read_file(path)
    assert first.id == first.url == "https://example.org/saraqib"
    assert (first.title, first.date, first.source) == ("Shelling hits Saraqib", "2020-01-28", "Syria Wire")
    assert "<b>" not in first.text and "Shelling hit Saraqib and Ariha overnight." in first.text
    assert second.id == "https://example.org/aleppo" and second.date == "2020-01-29"
    events = api.build_events([first, second], gazetteer)
    assert {"Saraqib", "Ariha", "Aleppo", "Damascus"} <= set(events.place_name)
    assert_offsets(events)


def test_atom_feed_strips_html_and_scripts(tmp_path):
    path = tmp_path / "wire.atom"
    path.write_text(ATOM_FEED)
    (entry,) = read_file(path)
    assert (entry.id, entry.url, entry.date) == ("urn:wire:1", "https://example.org/moscow", "2020-02-01")
    assert entry.text == "Talks in Moscow\n\nOfficials from Ankara met in Moscow.\n"


def test_json_object_list_and_field_mapping(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"id": "o1", "text": "Shelling hit Idlib.", "date": "2020-01-02"}))
    (tmp_path / "many.json").write_text(json.dumps([{"text": "Aleppo."}, {"id": "m2", "text": "Homs."}]))
    (tmp_path / "other.jsonl").write_text(
        json.dumps({"guid": "g1", "headline": "H", "body": "Shelling in Hama on 5 March 2020.", "link": "u"}) + "\n"
    )
    fields = parse_field_options(["id=guid", "title=headline", "text=body", "url=link"])
    articles = read_articles([tmp_path], fields=fields)
    by_id = {a.id: a for a in articles}
    assert set(by_id) == {"o1", "many:1", "m2", "g1"}
    assert (by_id["g1"].title, by_id["g1"].url, by_id["g1"].date) == ("H", "u", "2020-03-05")
    assert by_id["o1"].date == "2020-01-02"
    with pytest.raises(SourceError, match=r"string field 'text' \(map another name with --field text=NAME\)"):
        list(read_file(tmp_path / "other.jsonl"))
    with pytest.raises(SourceError, match="FIELD=NAME"):
        parse_field_options(["body"])


def test_folder_of_every_format_through_the_cli(tmp_path, capsys):
    news = tmp_path / "news"
    news.mkdir()
    (news / "page.htm").write_text(HTML_PAGE)
    (news / "wire.xml").write_text(RSS_FEED)
    (news / "note.txt").write_text("Note\n\nQuiet day in Latakia.\n")
    (news / "dump.jsonl").write_text(json.dumps({"id": "d", "content": "Strikes near Palmyra."}) + "\n")
    (news / "ignored.csv").write_text("not an article")
    out = tmp_path / "events.csv"
    code = main(["export", str(news), "-o", str(out), "--field", "text=content"])
    assert code == 0, capsys.readouterr().err
    text = out.read_text()
    for place in ("Maarat al-Numan", "Saraqib", "Latakia", "Palmyra"):
        assert place in text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"   \n\n", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("latin1.txt", "Shelling in Alep\xe9 \xe9".encode("latin-1"), "not UTF-8"),
        ("bad.jsonl", b'{"id": 1, "text": "ok"}\n{"id": 2, "text": \n', "bad.jsonl:2: malformed JSON"),
        ("bad.json", b"[1, 2", "malformed JSON"),
        ("notafeed.xml", b"<html><body>hello</body></html>", "not an RSS/Atom feed"),
        ("empty.html", b"<html><head><title>t</title></head><body></body></html>", "no article text"),
    ],
)
def test_bad_files_raise_one_line_naming_the_path(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SourceError, match=message) as info:
        list(read_file(path))
    assert str(path) in str(info.value) and "\n" not in str(info.value)
