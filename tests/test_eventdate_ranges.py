"""Event dates as periods: weeks, ranges written in the text, their text form, and the source's locale.

Sentences are written for these tests; article dates are fixed, so nothing depends on the clock.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from geomap.events.eventdate import EventDate, Period, date_text, day_first, event_date, period
from geomap.sources import read_articles, read_file

WEDNESDAY = "2020-03-04"  # its week runs Monday 2 March .. Sunday 8 March; the week before crosses into February


def date_of(sentence: str, place: str, article_date: str | None = WEDNESDAY, **options) -> EventDate:
    start = sentence.index(place)
    return event_date(sentence, start, start + len(place), article_date=article_date, **options)


# -- the text form: date_text and period ------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "text"),
    [
        (date(2020, 1, 27), date(2020, 1, 27), "2020-01-27"),
        (date(2020, 2, 1), date(2020, 2, 29), "2020-02"),  # a whole calendar month, leap February
        (date(2019, 1, 1), date(2019, 12, 31), "2019"),
        (date(2020, 2, 24), date(2020, 3, 1), "2020-02-24/2020-03-01"),
        (date(2020, 2, 1), date(2020, 2, 28), "2020-02-01/2020-02-28"),  # one day short of the month
        (date(2019, 12, 1), date(2020, 1, 31), "2019-12-01/2020-01-31"),  # two months are not one
    ],
)
def test_date_text_is_the_shortest_form_that_loses_nothing(first: date, last: date, text: str) -> None:
    assert date_text(first, last) == text
    assert (period(text).first, period(text).last) == (first, last)  # and reads back to the same days


def test_date_text_refuses_a_period_that_ends_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends on or after"):
        date_text(date(2020, 3, 14), date(2020, 3, 12))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-01-27", Period(date(2020, 1, 27), date(2020, 1, 27), "day")),
        ("2020-03-12/2020-03-14", Period(date(2020, 3, 12), date(2020, 3, 14), "week")),
        ("2020-02-24/2020-03-01", Period(date(2020, 2, 24), date(2020, 3, 1), "week")),
        ("2020-03-09/2020-03-15", Period(date(2020, 3, 9), date(2020, 3, 15), "week")),  # 7 days
        ("2020-02-25/2020-03-03", Period(date(2020, 2, 25), date(2020, 3, 3), "month")),  # 8 days
        ("2020-02", Period(date(2020, 2, 1), date(2020, 2, 29), "month")),
        ("2020-03-01/2020-03-31", Period(date(2020, 3, 1), date(2020, 3, 31), "month")),  # 31 days
        ("2020-03-01/2020-04-01", Period(date(2020, 3, 1), date(2020, 4, 1), "year")),  # 32 days
        ("2019", Period(date(2019, 1, 1), date(2019, 12, 31), "year")),
    ],
)
def test_period_reads_every_text_form_with_its_precision(text: str, expected: Period) -> None:
    assert period(text) == expected


@pytest.mark.parametrize(
    "text",
    [None, "", "2020-13", "2021-02-29", "2020-03-14/2020-03-12", "2020-1-5", "20200127", "2020-03-12/", "2020/03/12"]
    + ["March 2020", " 2020", "2020-03-12/2020-03-14/2020-03-20", "\u0662\u0660\u0662\u0660", "0000"],
)
def test_period_is_none_for_anything_else(text: str | None) -> None:
    assert period(text) is None


def test_period_never_raises_on_values_that_are_not_text() -> None:
    assert period(2020) is None  # type: ignore[arg-type]
    assert period(float("nan")) is None  # type: ignore[arg-type]


# -- weeks ------------------------------------------------------------------------------------------


def test_last_week_is_a_week_monday_to_sunday_across_the_month_boundary() -> None:
    found = date_of("Protesters gathered in Basra last week to demand jobs.", "Basra")
    assert found == EventDate("2020-02-24/2020-03-01", "relative", "last week")
    assert period(found.date).precision == "week"


@pytest.mark.parametrize(
    ("sentence", "expected", "cue"),
    [
        ("Power cuts hit Basra this week.", "2020-03-02/2020-03-04", "this week"),  # Monday .. the article day
        ("Talks in Basra are due later this week.", "2020-03-04/2020-03-08", "later this week"),
        ("Officials in Basra said the previous week was the calmest.", "2020-02-24/2020-03-01", "previous week"),
        ("Elections in Basra will be held next week.", "2020-03-09/2020-03-15", "next week"),
        ("A bomb exploded in Basra a week ago.", "2020-02-24/2020-03-01", "a week ago"),
        ("A bomb exploded in Basra two weeks ago.", "2020-02-17/2020-02-23", "two weeks ago"),
        ("Rockets hit Basra over the past two weeks.", "2020-02-20/2020-03-04", "over the past two weeks"),
        ("Rockets hit Basra over the past week.", "2020-02-27/2020-03-04", "over the past week"),
        ("Rockets hit Basra in the past three days.", "2020-03-02/2020-03-04", "in the past three days"),
        ("Rockets hit Basra in the last three days.", "2020-03-02/2020-03-04", "last three days"),
        ("Curfews in Basra are expected over the next two weeks.", "2020-03-04/2020-03-17", "next two weeks"),
    ],
)
def test_weeks_and_counted_days_are_intervals(sentence: str, expected: str, cue: str) -> None:
    assert date_of(sentence, "Basra") == EventDate(expected, "relative", cue)


def test_this_week_on_a_monday_is_that_day() -> None:
    assert date_of("Power cuts hit Basra this week.", "Basra", article_date="2020-03-02").date == "2020-03-02"


@pytest.mark.parametrize(
    ("sentence", "expected", "precision"),
    [
        ("Prices in Basra rose last month.", "2020-02", "month"),
        ("Prices in Basra rose earlier this month.", "2020-03", "month"),
        ("Prices in Basra rose a month ago.", "2020-02", "month"),
        ("Prices in Basra rose last year.", "2019", "year"),
        ("Prices in Basra rose over the past two months.", "2020-01-05/2020-03-04", "year"),
    ],
)
def test_months_and_years_keep_their_meaning(sentence: str, expected: str, precision: str) -> None:
    found = date_of(sentence, "Basra")
    assert (found.date, period(found.date).precision) == (expected, precision)


def test_the_past_month_from_a_month_end_is_that_month() -> None:
    found = date_of("Prices in Basra rose over the past month.", "Basra", article_date="2020-03-31")
    assert found.date == "2020-03"


def test_the_past_week_is_a_week_and_the_past_two_weeks_a_month() -> None:
    """n whole units ending on the article day: 7 days are ACLED's week, 14 no longer are."""
    week = date_of("Rockets hit Basra over the past week.", "Basra")
    fortnight = date_of("Rockets hit Basra over the past two weeks.", "Basra")
    assert (period(week.date).precision, period(fortnight.date).precision) == ("week", "month")


# -- ranges written in the text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("article_date", "expected"),
    [("2020-03-20", "2020-03-12/2020-03-14"), ("2020-01-10", "2019-03-12/2019-03-14")],
    ids=["same-year", "previous-year"],
)
def test_a_range_without_year_is_the_most_recent_one(article_date: str, expected: str) -> None:
    sentence = "Militias clashed in Tripoli between 12 and 14 March, the UN mission said."
    found = date_of(sentence, "Tripoli", article_date=article_date)
    assert found == EventDate(expected, "relative", "between 12 and 14 March")
    assert period(found.date).precision == "week"


@pytest.mark.parametrize(
    ("sentence", "expected", "source", "cue"),
    [
        ("Flights from Tripoli were suspended 12-14 March.", "2020-03-12/2020-03-14", "relative", "12-14 March"),
        (
            "Flights from Tripoli were suspended 12\u201314 March 2019.",
            "2019-03-12/2019-03-14",
            "explicit",
            "12\u201314 March 2019",
        ),
        ("Flights from Tripoli were suspended March 12-14.", "2020-03-12/2020-03-14", "relative", "March 12-14"),
        ("Flights from Tripoli were suspended March 12 to 14.", "2020-03-12/2020-03-14", "relative", "March 12 to 14"),
        (
            "Flights from Tripoli were suspended from 12 to 14 March.",
            "2020-03-12/2020-03-14",
            "relative",
            "from 12 to 14 March",
        ),
        (
            "Fighting near Tripoli airport between March 12 and 14 closed the runway.",
            "2020-03-12/2020-03-14",
            "relative",
            "between March 12 and 14",
        ),
        (
            "Fighting near Tripoli airport between 28 February and 2 March closed the runway.",
            "2020-02-28/2020-03-02",
            "relative",
            "between 28 February and 2 March",
        ),
        (
            "Tripoli was under curfew from March 28 to April 2, 2019, officials said.",
            "2019-03-28/2019-04-02",
            "explicit",
            "from March 28 to April 2, 2019",
        ),
        (
            "Tripoli was under curfew 28 February - 2 March 2019, officials said.",
            "2019-02-28/2019-03-02",
            "explicit",
            "28 February - 2 March 2019",
        ),
        (
            "Tripoli was under curfew from 28 December 2018 to 3 January 2019.",
            "2018-12-28/2019-01-03",
            "explicit",
            "from 28 December 2018 to 3 January 2019",
        ),
        (
            "Tripoli was under curfew from Feb. 28 to Mar. 2.",
            "2020-02-28/2020-03-02",
            "relative",
            "from Feb. 28 to Mar. 2",
        ),
    ],
)
def test_ranges_written_in_the_text(sentence: str, expected: str, source: str, cue: str) -> None:
    assert date_of(sentence, "Tripoli", article_date="2020-03-20") == EventDate(expected, source, cue)


def test_a_range_beats_the_single_date_inside_it() -> None:
    sentence = "Tripoli was shelled between 12 and 14 March 2019."
    assert date_of(sentence, "Tripoli", article_date=None).date == "2019-03-12/2019-03-14"  # not "2019-03-14"


def test_a_range_across_the_new_year_without_years_is_the_one_just_past() -> None:
    sentence = "Tripoli was under curfew from 28 December to 3 January."
    assert date_of(sentence, "Tripoli", article_date="2020-01-20").date == "2019-12-28/2020-01-03"


@pytest.mark.parametrize(
    "sentence",
    [
        "Militias clashed in Tripoli between 14 and 12 March.",  # ends before it starts
        "Militias clashed in Tripoli between 2 March and 28 February.",  # or would be most of a year
        "Militias clashed in Tripoli between 30 and 31 February.",  # no such days
        "Militias clashed in Tripoli between 14 and 12 March 2019.",
    ],
)
def test_an_impossible_range_gives_no_wrong_date(sentence: str) -> None:
    assert date_of(sentence, "Tripoli", article_date="2020-03-20") == EventDate("2020-03-20", "article", "")


def test_an_impossible_range_lets_the_next_expression_decide() -> None:
    sentence = "On Monday, militias clashed in Tripoli between 14 and 12 March."
    assert date_of(sentence, "Tripoli", article_date="2020-03-20").cue == "On Monday"


def test_counts_that_are_not_days_are_no_range() -> None:
    sentence = "Between 20 and 30 people were wounded in Tripoli in March."
    assert date_of(sentence, "Tripoli", article_date="2020-03-20") == EventDate("2020-03", "relative", "in March")


# -- slashed dates and the source's locale ----------------------------------------------------------


@pytest.mark.parametrize(
    ("day_first_option", "expected", "source"),
    [(True, "2020-03-04", "explicit"), (False, "2020-04-03", "explicit"), (None, None, "ambiguous")],
)
def test_a_slashed_date_follows_the_source_convention(day_first_option, expected, source) -> None:
    sentence = "Police dispersed a protest in Sfax on 04/03/2020, witnesses said."
    found = date_of(sentence, "Sfax", article_date="2020-04-20", day_first=day_first_option)
    assert found == EventDate(expected, source, "04/03/2020")


@pytest.mark.parametrize("day_first_option", [True, False, None])
def test_dotted_dates_and_parts_above_twelve_ignore_the_convention(day_first_option) -> None:
    for written, expected in [("4.3.2020", "2020-03-04"), ("27/01/2020", "2020-01-27"), ("01/27/2020", "2020-01-27")]:
        sentence = f"Police dispersed a protest in Sfax on {written}, witnesses said."
        assert date_of(sentence, "Sfax", day_first=day_first_option).date == expected


def test_the_cached_scan_does_not_mix_conventions() -> None:
    sentence = "Police dispersed a protest in Sfax on 04/03/2020, witnesses said."
    dates = [date_of(sentence, "Sfax", day_first=option).date for option in (True, False, None, True)]
    assert dates == ["2020-03-04", "2020-04-03", None, "2020-03-04"]


@pytest.mark.parametrize(
    ("locale", "url", "expected"),
    [
        ("en-US", None, False),
        ("en-us", None, False),
        ("en_GB", None, True),
        ("en_GB.UTF-8", None, True),
        ("fr", None, True),
        ("ar-SY", None, True),
        ("es-419", None, True),  # a numeric region: the language decides
        ("fil-PH", None, False),
        ("en", None, None),  # either way
        ("zh-CN", None, None),  # year first
        ("ja", None, None),
        ("zh-Hant-TW", None, None),
        (None, "https://www.bbc.co.uk/news/world-middle-east", True),
        ("en", "https://www.bbc.co.uk/news/world-middle-east", True),  # the locale leaves it open
        ("en-US", "https://www.bbc.co.uk/news", False),  # the locale decides first
        (None, "https://www.example.com/news", None),
        (None, "https://news.example.us/story", False),
        (None, "www.lemonde.fr/international/article", True),  # no scheme
        (None, "https://radio.fm/live", None),  # a country code sold as a generic name
        (None, None, None),
    ],
)
def test_day_first_from_locale_and_url(locale: str | None, url: str | None, expected: bool | None) -> None:
    assert day_first(locale, url) is expected


@pytest.mark.parametrize(
    ("locale", "url"),
    [("", ""), ("!!!", "not a url"), ("C", "http://[::1"), ("x-private", "http://127.0.0.1/"), (42, 17), ("e", "::")]
    + [("en-x-us", "https://localhost/"), ("\ud800", "https://\ud800/")],
)
def test_day_first_is_none_for_garbage_and_never_raises(locale, url) -> None:
    assert day_first(locale, url) is None


# -- Article.locale from the readers ----------------------------------------------------------------


def test_jsonl_records_read_locale_then_language_then_lang(tmp_path) -> None:
    records = [
        {"id": "a", "text": "Shelling in Hama.", "locale": "en-US", "language": "fr"},
        {"id": "b", "text": "Shelling in Hama.", "language": "fr-FR", "lang": "de"},
        {"id": "c", "text": "Shelling in Hama.", "lang": "ar"},
        {"id": "d", "text": "Shelling in Hama.", "locale": "", "lang": "en_GB"},
        {"id": "e", "text": "Shelling in Hama."},
    ]
    path = tmp_path / "wire.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert {a.id: a.locale for a in read_file(path)} == {"a": "en-US", "b": "fr-FR", "c": "ar", "d": "en_GB", "e": None}


def test_a_locale_that_is_not_text_is_dropped_with_a_warning(tmp_path) -> None:
    path = tmp_path / "wire.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Shelling in Hama.", "language": ["en", "ar"]}) + "\n")
    warnings: list[str] = []
    (article,) = read_file(path, on_warning=warnings.append)
    assert article.locale is None
    assert warnings == [f"{path}:1: field 'language' is a list, not text; ignored"]


def test_field_mapping_names_the_locale_field(tmp_path) -> None:
    path = tmp_path / "dump.json"
    path.write_text(
        json.dumps([{"body": "Shelling in Hama.", "lng": "en-GB", "lang": "fr"}, {"body": "Homs.", "lang": "fr"}])
    )
    articles = read_articles([path], fields={"text": "body", "locale": "lng"})
    assert [a.locale for a in articles] == ["en-GB", "fr"]


def test_rss_feed_language_is_every_entry_locale(tmp_path) -> None:
    path = tmp_path / "wire.rss"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title>'
        "<language>en-us</language>"
        "<item><title>Shelling hits Saraqib</title><description>Shelling hit Saraqib.</description></item>"
        "<item><title>Aid reaches Aleppo</title><description>A convoy reached Aleppo.</description></item>"
        "</channel></rss>"
    )
    assert [a.locale for a in read_file(path)] == ["en-us", "en-us"]


def test_atom_feed_xml_lang_is_the_locale(tmp_path) -> None:
    path = tmp_path / "wire.atom"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr-FR">'
        "<title>Fil</title><id>urn:fil</id><updated>2020-02-01T00:00:00Z</updated>"
        "<entry><title>Pourparlers</title><id>urn:fil:1</id><summary>Pourparlers au Caire.</summary></entry></feed>"
    )
    assert [a.locale for a in read_file(path)] == ["fr-FR"]


def test_feed_without_language_has_no_locale(tmp_path) -> None:
    path = tmp_path / "wire.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        "<item><title>Aid reaches Aleppo</title><description>A convoy reached Aleppo.</description></item>"
        "</channel></rss>"
    )
    assert [a.locale for a in read_file(path)] == [None]


HTML_PAGE = """<!DOCTYPE html>
<html {lang}class="no-js"><head><title>Flooding in Derna</title></head>
<body><article>
<p>Floodwater swept through Derna overnight after two dams burst, and rescue teams said hundreds
of families were missing in the eastern districts of the city.</p>
<p>Aid agencies in Benghazi said convoys were leaving for Derna and that roads were still closed.</p>
</article></body></html>
"""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [('lang="en-GB" ', "en-GB"), ("lang='ar' ", "ar"), ("LANG=fr ", "fr"), ('data-lang="xx" ', None), ("", None)],
)
def test_html_lang_attribute_is_the_locale(tmp_path, lang: str, expected: str | None) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML_PAGE.format(lang=lang))
    (article,) = read_file(path)
    assert "Derna" in article.text and article.locale == expected


def test_plain_text_has_no_locale(tmp_path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Note\n\nQuiet day in Latakia.\n")
    (article,) = read_file(path)
    assert article.locale is None
