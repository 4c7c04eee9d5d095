"""Finding gazetteer names in short real-style sentences: longest match, whole words, exclusions, offsets."""

from __future__ import annotations

import pytest

from geomap.parse.extract import find_mentions

KHMEIMIM = "geomap:khmeimim-air-base"

# (text, [(surface, type, place id that must be among the candidates)])
CASES = [
    ("Drone attacks against the Khmeimim Air Base were repelled.", [("Khmeimim Air Base", "place", KHMEIMIM)]),
    ("Jets took off from Hmeimim airbase near Jableh.",
     [("Hmeimim airbase", "place", KHMEIMIM), ("Jableh", "place", "169304")]),
    ("Russian jets flew from Hmeimim.", [("Russian", "demonym", "2017370"), ("Hmeimim", "place", KHMEIMIM)]),
    ("An Idlibi activist said the town was empty.", []),
    ("Aleppines and Damascenes", []),
    ("according to Radio Free Europe/Radio Liberty.", []),
    ("Idlib is controlled by jihadist factions, with Hayat Tahrir al-Sham the most powerful.",
     [("Idlib", "place", "169389")]),
    ("Fighters of the Free Syrian Army entered Azaz.", [("Azaz", "place", "172082")]),
    ("the Syrian Observatory for Human Rights reported", []),
    ("a Russian-Turkish ceasefire agreed earlier this month",
     [("Russian", "demonym", "2017370"), ("Turkish", "demonym", "298795")]),
    ("Syrian and Russian warplanes", [("Syrian", "demonym", "163843"), ("Russian", "demonym", "2017370")]),
    ("the rebel-held Idlib province", [("Idlib province", "place", "169387")]),
    ("Smoke billows over Kafr Ruma on the outskirts of Maaret al-Numan, in Idlib.",
     [("Kafr Ruma", "place", "geomap:kafr-ruma"), ("Maaret al-Numan", "place", "167611"),
      ("Idlib", "place", "169389")]),
    ("Troops entered Ma’arrat an‑Nu’man on Tuesday.", [("Ma’arrat an‑Nu’man", "place", "167611")]),
    ("Clashes near Jisr ash-Shughur and Saraqib.",
     [("Jisr ash-Shughur", "place", "169023"), ("Saraqib", "place", "164816")]),
    ("a Damascus-based group", [("Damascus", "place", "170654")]),
    ("the Idlib-Hama border", [("Idlib", "place", "169389"), ("Hama", "place", "170017")]),
    ("Hamas leaders met in Tehran.", [("Tehran", "place", "112931")]),
    ("Lavrov said Tuesday that Moscow is fully behind Assad.", [("Moscow", "place", "524901")]),
    ("the United Nations said", []),
    ("IDLIB, Syria (AP)", [("IDLIB", "place", "169389"), ("Syria", "place", "163843")]),
]  # fmt: skip


@pytest.mark.parametrize("text, expected", CASES, ids=[case[0][:40] for case in CASES])
def test_mentions(gazetteer, text, expected):
    mentions = find_mentions(text, gazetteer)
    assert [(m.surface, m.type) for m in mentions] == [(surface, type_) for surface, type_, _ in expected]
    for mention, (_, _, place_id) in zip(mentions, expected):
        assert place_id in mention.place_ids


@pytest.mark.parametrize("text", [case[0] for case in CASES], ids=[case[0][:40] for case in CASES])
def test_offsets_are_exact(gazetteer, text):
    for mention in find_mentions(text, gazetteer):
        assert text[mention.start : mention.end] == mention.surface


def test_seed_offsets_are_exact_and_in_order(gazetteer, seed_text):
    mentions = find_mentions(seed_text, gazetteer)
    assert len(mentions) > 30
    for mention in mentions:
        assert seed_text[mention.start : mention.end] == mention.surface
    starts = [m.start for m in mentions]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))  # no overlaps


@pytest.mark.parametrize(
    "phrase",
    [
        "Radio Free Europe/Radio Liberty",
        "Hayat Tahrir al-Sham",
        "Free Syrian Army",
        "Syrian Democratic Forces",
        "Turkish Airlines",
    ],
)
def test_exclusions_produce_nothing_inside_them(gazetteer, seed_text, phrase):
    text = seed_text if phrase in seed_text else f"According to the {phrase}, fighting continued in Syria."
    at = text.index(phrase)
    mentions = find_mentions(text, gazetteer)
    assert mentions, "the text around the phrase does name places"
    assert [m for m in mentions if m.start < at + len(phrase) and m.end > at] == []


def test_seed_finds_the_places_a_reader_sees(gazetteer, seed_text):
    surfaces = {m.surface for m in find_mentions(seed_text, gazetteer) if m.type == "place"}
    assert {"Moscow", "Damascus", "Khmeimim Air Base", "Maarat al-Numan", "Maaret al-Numan", "Kafr Ruma",
            "Idlib", "Syria", "U.S."} <= surfaces  # fmt: skip


@pytest.mark.parametrize(
    "text, surface",
    [
        ("Russia's foreign minister backed the offensive.", "Russia"),
        ("Russia’s Tass state news agency reported.", "Russia"),
        ("Stop 'Unjustifiable Attacks' in Syria's Idlib", "Syria"),
        ("Aleppo's old city", "Aleppo"),
    ],
)
def test_possessive_names_are_found(gazetteer, text, surface):
    assert surface in [m.surface for m in find_mentions(text, gazetteer)]


def test_seed_title_names(gazetteer, seed_text):
    title = seed_text.splitlines()[0]
    found = [m.surface for m in find_mentions(title, gazetteer)]
    assert "Russia" in found and "Idlib" in found


def test_seed_title_finds_syria(gazetteer, seed_text):
    title = seed_text.splitlines()[0]
    assert "Syria" in [m.surface for m in find_mentions(title, gazetteer)]


@pytest.mark.parametrize("text", ["Idlib😀", "Breaking: 🔥Idlib under fire", "Idlib🇸🇾 tonight"])
def test_name_next_to_emoji_is_found(gazetteer, text):
    assert [m.surface for m in find_mentions(text, gazetteer)] == ["Idlib"]


def test_name_next_to_bmp_symbol_is_found(gazetteer):
    assert [m.surface for m in find_mentions("☀Idlib✈Damascus", gazetteer)] == ["Idlib", "Damascus"]


def test_washington_dc_keeps_its_final_period(gazetteer):
    text = "Talks were held in Washington, D.C. on Monday."
    assert [m.surface for m in find_mentions(text, gazetteer)] == ["Washington, D.C."]
