"""Sentence snippets: the sentence a reader would quote, with the mention at the right offset."""

from __future__ import annotations

import pytest

from geomap.events import EVENT_COLUMNS
from geomap.parse.sentences import sentence_at, sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_kafr_ruma_caption_sentence(seed_text):
    start, end = sentence_at(seed_text, seed_text.index("Kafr Ruma"))
    sentence = seed_text[start:end]
    assert sentence.startswith("Smoke billows")
    assert sentence.endswith("2020.")


def test_us_secretary_of_state_does_not_split(seed_text):
    at = seed_text.index("U.S. Secretary of State")
    start, end = sentence_at(seed_text, at)
    sentence = seed_text[start:end]
    assert sentence.startswith("Russia's foreign minister backed")
    assert sentence.endswith("developing there.")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Shelling hit Idlib. Civilians fled north.", ["Shelling hit Idlib.", "Civilians fled north."]),
        ("Calls from U.S. Secretary of State Mike Pompeo went unheeded.",
         ["Calls from U.S. Secretary of State Mike Pompeo went unheeded."]),
        ("Mr. Lavrov spoke. Gen. Mazloum Abdi replied.", ["Mr. Lavrov spoke.", "Gen. Mazloum Abdi replied."]),
        ("ISIS leader Abu Bakr al-Baghdadi was hiding. J. Smith said so.",
         ["ISIS leader Abu Bakr al-Baghdadi was hiding.", "J. Smith said so."]),
        ('He said: "Leave now." Then he left.', ['He said: "Leave now."', "Then he left."]),
        ("Is Idlib safe? No! Not at all.", ["Is Idlib safe?", "No!", "Not at all."]),
        ("Title line\n\nFirst paragraph here.\n\nSecond one.", ["Title line", "First paragraph here.", "Second one."]),
        ("They captured 46 settlements. 123 square miles were taken.",
         ["They captured 46 settlements.", "123 square miles were taken."]),
    ],
)  # fmt: skip
def test_sentence_spans(text, expected):
    assert _sentences(text) == expected


def test_sentence_spans_are_trimmed_ordered_and_disjoint(seed_text):
    spans = sentence_spans(seed_text)
    assert len(spans) > 20
    for (s1, e1), (s2, _) in zip(spans, spans[1:]):
        assert s1 < e1 <= s2
    for s, e in spans:
        assert seed_text[s:e] == seed_text[s:e].strip()
        assert "\n\n" not in seed_text[s:e]


def test_events_snippet_contains_the_mention_at_its_offset(seed_events, seed_text):
    assert len(seed_events) > 30
    for row in seed_events.itertuples():
        offset = row.start - row.snippet_start
        assert row.snippet[offset : row.end - row.snippet_start] == row.mention
        assert seed_text[row.snippet_start : row.snippet_start + len(row.snippet)] == row.snippet


def test_events_snippet_of_kafr_ruma(seed_events):
    (row,) = seed_events[seed_events["mention"] == "Kafr Ruma"].itertuples()
    assert row.snippet.startswith("Smoke billows") and row.snippet.endswith("2020.")
    assert "OMAR HAJ KADOUR" not in row.snippet


def test_events_table_is_sorted_with_documented_columns(seed_events):
    assert list(seed_events.columns) == list(EVENT_COLUMNS)
    assert list(seed_events["start"]) == sorted(seed_events["start"])
