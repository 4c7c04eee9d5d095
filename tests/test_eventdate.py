"""Event dates: the seed's explicit caption date and relative forms against a fixed article date."""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap.events.eventdate import EventDate, event_date, find_article_date

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_ed468d2604eec858.txt"
ARTICLE = "2020-01-29"  # a Wednesday: the seed reports Lavrov speaking "Tuesday" and Pompeo's "Monday" statement


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED.read_text(encoding="utf-8")


def date_of(text: str, mention: str, article_date: str | None = ARTICLE, after: str = "") -> EventDate:
    start = text.index(mention, text.index(after) if after else 0)
    return event_date(text, start, start + len(mention), article_date=article_date)


def test_seed_kafr_ruma_explicit(seed: str) -> None:
    assert date_of(seed, "Kafr Ruma") == EventDate("2020-01-27", "explicit", "January 27, 2020")


def test_seed_explicit_needs_no_article_date(seed: str) -> None:
    assert date_of(seed, "Kafr Ruma", article_date=None).date == "2020-01-27"


def test_seed_moscow_said_tuesday(seed: str) -> None:
    assert date_of(seed, "Moscow") == EventDate("2020-01-28", "relative", "Tuesday")


def test_seed_offensive_began_in_december(seed: str) -> None:
    assert date_of(seed, "Idlib", after="offensive into Idlib") == EventDate("2019-12", "relative", "in December")


def test_seed_baghdadi_killed_last_year(seed: str) -> None:
    assert date_of(seed, "Idlib", after="hiding in") == EventDate("2019", "relative", "last year")


def test_seed_no_date_falls_back_to_article(seed: str) -> None:
    assert date_of(seed, "Maarat al-Numan") == EventDate(ARTICLE, "article", "")


def test_seed_unknown_without_article_date(seed: str) -> None:
    assert date_of(seed, "Maarat al-Numan", article_date=None) == EventDate(None, None, "")


def test_seed_article_date_from_caption(seed: str) -> None:
    assert find_article_date(seed) == "2020-01-27"


RELATIVE = [
    # (sentence, expected date, expected cue); article date 2020-01-29, a Wednesday
    ("Lavrov said Tuesday that Moscow backs the offensive.", "2020-01-28", "Tuesday"),
    ("Shelling hit Aleppo on Wednesday.", "2020-01-29", "on Wednesday"),
    ("Shelling hit Aleppo last Wednesday.", "2020-01-22", "last Wednesday"),
    ("Shelling hit Aleppo on Thursday.", "2020-01-23", "on Thursday"),
    ("Talks will resume in Geneva next Monday.", "2020-02-03", "next Monday"),
    ("Shelling hit Aleppo yesterday.", "2020-01-28", "yesterday"),
    ("Shelling hit Aleppo last night.", "2020-01-28", "last night"),
    ("Shelling hit Aleppo today.", "2020-01-29", "today"),
    ("Aleppo was shelled three days ago.", "2020-01-26", "three days ago"),
    ("Aleppo was shelled two weeks ago.", "2020-01-13/2020-01-19", "two weeks ago"),  # the week of D-14
    ("A ceasefire for Idlib was agreed earlier this month.", "2020-01", "earlier this month"),
    ("Aleppo was shelled last month.", "2019-12", "last month"),
    ("Aleppo was shelled last year.", "2019", "last year"),
    ("Aleppo has been quiet this year.", "2020", "this year"),
    ("The offensive on Idlib began in December.", "2019-12", "in December"),
    ("The offensive on Idlib began in January.", "2020-01", "in January"),
    ("Jets struck Idlib on January 12.", "2020-01-12", "January 12"),
    ("Jets struck Idlib on 3 February.", "2019-02-03", "3 February"),
    ("Protests in Idlib last week drew thousands.", "2020-01-20/2020-01-26", "last week"),  # Monday to Sunday
]


@pytest.mark.parametrize(("sentence", "expected", "cue"), RELATIVE)
def test_relative_against_fixed_article_date(sentence: str, expected: str, cue: str) -> None:
    place = next(p for p in ("Aleppo", "Idlib", "Geneva", "Moscow") if p in sentence)
    assert date_of(sentence, place) == EventDate(expected, "relative", cue)


EXPLICIT = [
    ("Mosul fell to Islamic State fighters in June 2014.", "Mosul", "2014-06", "June 2014"),
    ("An earthquake struck Gaziantep on 6 February 2023.", "Gaziantep", "2023-02-06", "6 February 2023"),
    ("An earthquake struck Gaziantep on Feb. 6, 2023.", "Gaziantep", "2023-02-06", "Feb. 6, 2023"),
    ("Report dated 2023-09-11 on floods in Derna.", "Derna", "2023-09-11", "2023-09-11"),
    ("Earthquakes flattened villages in Herat province in 2023.", "Herat", "2023", "in 2023"),
]


@pytest.mark.parametrize(("sentence", "mention", "expected", "cue"), EXPLICIT)
def test_explicit_dates(sentence: str, mention: str, expected: str, cue: str) -> None:
    assert date_of(sentence, mention, article_date=None) == EventDate(expected, "explicit", cue)


def test_nearest_expression_wins() -> None:
    sentence = "After the offensive began in December, jets bombed Saraqeb on Tuesday."
    assert date_of(sentence, "Saraqeb").cue == "on Tuesday"


def test_relative_without_article_date_is_unknown() -> None:
    assert date_of("Shelling hit Aleppo on Tuesday.", "Aleppo", article_date=None) == EventDate(None, None, "")


def test_month_and_may_as_words_are_not_dates() -> None:
    sentence = "Protesters may march through Aleppo, officials fear."
    assert date_of(sentence, "Aleppo").source == "article"


def test_impossible_date_is_skipped() -> None:
    assert date_of("Jets struck Idlib on February 30.", "Idlib").source == "article"


def test_bad_article_date_says_the_format() -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        date_of("Jets struck Idlib.", "Idlib", article_date="29/01/2020")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Published: March 3, 2022\nKYIV - Russian forces shelled Kharkiv on February 28, 2022.",
            "2022-03-03",
        ),
        ("KHARTOUM, 16 April 2023 - Fighting spread across the capital.", "2023-04-16"),
        ("Fighting began on 15 April 2023. By 2 May 2023 the city was divided.", "2023-04-15"),
        ("No date here at all.", None),
    ],
)
def test_find_article_date(text: str, expected: str | None) -> None:
    assert find_article_date(text) == expected


@pytest.mark.parametrize(
    ("written", "expected", "source"),
    [
        ("03/03/2020", "2020-03-03", "explicit"),  # day == month: one reading
        ("3.3.2020", "2020-03-03", "explicit"),  # dotted: day first
        ("1.2.2020", "2020-02-01", "explicit"),
        ("27/01/2020", "2020-01-27", "explicit"),  # a part above 12 decides
        ("01/27/2020", "2020-01-27", "explicit"),
        ("04/03/2020", None, "ambiguous"),  # April 3 or 4 March: said, never guessed
    ],
)
def test_numeric_dates_in_the_text(written, expected, source):
    text = f"Clashes were reported in Homs on {written}, residents said."
    start = text.index("Homs")
    found = event_date(text, start, start + 4, article_date="2020-03-20")
    assert (found.date, found.source, found.cue) == (expected, source, written)


def test_numbers_that_are_not_dates_are_left_alone():
    text = "Version 10.12.20201 of the report on Homs, and 1/2/3 of the convoy."
    start = text.index("Homs")
    assert event_date(text, start, start + 4, article_date="2020-03-20").source == "article"
