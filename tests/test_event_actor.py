"""Who took the place: the actor of a capture, for ACLED's "Battles" sub-event types.

The sentences are written for these tests in the style of wire reports; expectations come from
reading them (who took the place, and whether a state or a non-state group did), not from the output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap.events.eventtype import EventType, LexiconError, classify_event, load_lexicon

SHIPPED = Path(__file__).resolve().parents[1] / "gazetteer" / "event_types.toml"


def classify_in(text: str, mention: str) -> EventType:
    """Classify the first occurrence of ``mention`` in ``text``."""
    start = text.index(mention)
    return classify_event(text, start, start + len(mention))


CAPTURES = [
    # (sentence, mention, actor as written, actor type)
    pytest.param(
        "Syrian government forces captured the town of Kafr Nabl on Wednesday after a two-week offensive.",
        "Kafr Nabl",
        "Syrian government forces",
        "state",
        id="active-state",
    ),
    pytest.param(
        "Islamist rebels on Tuesday seized the village of Tal Tamr, a monitoring group said.",
        "Tal Tamr",
        "Islamist rebels",
        "non_state",
        id="active-non-state",
    ),
    pytest.param(
        "The border crossing at Bab al-Hawa was captured by Turkish-backed rebels late on Sunday.",
        "Bab al-Hawa",
        "Turkish-backed rebels",
        "non_state",
        id="passive-by",
    ),
    pytest.param(
        "Lashkar Gah fell to the Taliban on Friday after weeks of street fighting.",
        "Lashkar Gah",
        "Taliban",
        "non_state",
        id="fell-to-non-state",
    ),
    pytest.param(
        "Kherson fell to Russian troops in the first week of March, officials in Kyiv conceded.",
        "Kherson",
        "Russian troops",
        "state",
        id="fell-to-state",
    ),
    pytest.param(
        "Government forces captured Khan Sheikhoun from rebels after days of heavy fighting.",
        "Khan Sheikhoun",
        "Government forces",
        "state",
        id="captured-from-rebels",
    ),
    pytest.param(
        "Ramadi, which was retaken by the Iraqi army in early 2016, is still largely in ruins.",
        "Ramadi",
        "Iraqi army",
        "state",
        id="which-was-retaken-by",
    ),
    pytest.param(
        "Russian-backed Syrian government forces recaptured Palmyra in March, state television reported.",
        "Palmyra",
        "Russian-backed Syrian government forces",
        "state",
        id="modifiers-kept",
    ),
    pytest.param(
        "The Syrian army retook Deir Hafer overnight, the defence ministry said.",
        "Deir Hafer",
        "Syrian army",
        "state",
        id="the-not-kept",
    ),
    pytest.param(
        "Rebels backed by Turkish troops seized Afrin's town centre on Sunday morning.",
        "Afrin",
        "Rebels",
        "non_state",
        id="backed-by-is-not-the-subject",
    ),
    pytest.param(
        "Malian troops and Russian mercenaries took control of Kidal on Tuesday.",
        "Kidal",
        "Malian troops",
        "state",
        id="first-of-coordinated-subjects",
    ),
    pytest.param(
        "Government troops routed the insurgents and retook Bentiu before dawn.",
        "Bentiu",
        "Government troops",
        "state",
        id="object-of-first-verb-is-not-the-subject",
    ),
    pytest.param(
        "Pro-government militias took control of Tawergha after the rebels pulled out.",
        "Tawergha",
        "Pro-government militias",
        "non_state",
        id="pro-government-militia-is-non-state",
    ),
    pytest.param(
        "Pro-government forces overran Tawergha after the rebels pulled out.",
        "Tawergha",
        "Pro-government forces",
        "state",
        id="pro-government-forces-are-state",
    ),
    pytest.param(
        "Wagner mercenaries took control of Soledar after weeks of costly assaults.",
        "Soledar",
        "Wagner mercenaries",
        "non_state",
        id="private-military-company",
    ),
    pytest.param(
        "Forces loyal to President Bashar al-Assad retook Maaloula in April.",
        "Maaloula",
        "Forces loyal to President Bashar al-Assad",
        "state",
        id="forces-loyal-to",
    ),
    pytest.param(
        "The Kremlin's forces captured Avdiivka after a four-month battle.",
        "Avdiivka",
        "Kremlin's forces",
        "state",
        id="possessive",
    ),
    pytest.param(
        "Hayat Tahrir al-Sham (HTS) captured Saraqib after an overnight assault.",
        "Saraqib",
        "Hayat Tahrir al-Sham",
        "non_state",
        id="acronym-in-parentheses",
    ),
    pytest.param(
        "IS captured Palmyra in May 2015 and blew up its Roman temples.",
        "Palmyra",
        "IS",
        "non_state",
        id="IS-acronym",
    ),
    pytest.param(
        "The recapture of Manbij by Kurdish-led fighters was confirmed on Friday.",
        "Manbij",
        "Kurdish-led fighters",
        "non_state",
        id="noun-with-by",
    ),
    pytest.param(
        "Ukrainian troops managed to retake Kupiansk after a lightning counteroffensive.",
        "Kupiansk",
        "Ukrainian troops",
        "state",
        id="managed-to",
    ),
]


@pytest.mark.parametrize(("sentence", "mention", "actor", "actor_type"), CAPTURES)
def test_capture_names_who_took_the_place(sentence: str, mention: str, actor: str, actor_type: str) -> None:
    result = classify_in(sentence, mention)
    assert result.type == "ground_fighting"
    assert (result.actor, result.actor_type) == (actor, actor_type)
    assert result.actor in sentence, "the actor is the text as written"


NO_ACTOR = [
    # (sentence, mention, expected type)
    pytest.param(
        "Khan Sheikhoun was captured on Tuesday, the monitor said.", "Khan Sheikhoun", "ground_fighting", id="passive"
    ),
    pytest.param(
        "Heavy clashes broke out in Kidal between the army and separatist fighters.",
        "Kidal",
        "ground_fighting",
        id="fighting-not-capture",
    ),
    pytest.param(
        "Russian warplanes bombed Ariha overnight, killing nine civilians.", "Ariha", "airstrike", id="airstrike"
    ),
    pytest.param(
        "Government troops retreated to the hills on Saturday; captured on Sunday, Kafr Nabl is now deserted.",
        "Kafr Nabl",
        "ground_fighting",
        id="semicolon-boundary",
    ),
    pytest.param(
        "Rebels had held Kafr Nabl since 2012 \u2014 recaptured on Sunday, it is now deserted.",
        "Kafr Nabl",
        "ground_fighting",
        id="dash-boundary",
    ),
    pytest.param(
        "The rebels launched an offensive to capture Marib from the government.",
        "Marib",
        "ground_fighting",
        id="aim-not-change",
    ),
    pytest.param(
        "Rebels captured 20 soldiers near Kafr Nabl on Sunday.", "Kafr Nabl", "ground_fighting", id="people-taken"
    ),
    pytest.param(
        "Police seized two tonnes of cocaine in Rotterdam.", "Rotterdam", "ground_fighting", id="goods-seized"
    ),
    pytest.param(
        "Kurdish-led forces captured Raqqa after a four-month battle.",
        "Raqqa",
        "ground_fighting",
        id="unclear-kind",
    ),
    pytest.param(
        "The newly captured town of Bentiu was quiet on Monday.", "Bentiu", "ground_fighting", id="adjectival"
    ),
]


@pytest.mark.parametrize(("sentence", "mention", "expected"), NO_ACTOR)
def test_no_actor_when_the_text_does_not_say_who_took_the_place(sentence: str, mention: str, expected: str) -> None:
    result = classify_in(sentence, mention)
    assert result.type == expected
    assert (result.actor, result.actor_type) == ("", None)


def test_the_boundary_is_what_stops_the_actor() -> None:
    # The same words joined by a comma instead of a dash: the subject is read across it.
    sentence = "Rebels shelled the outskirts for a week, then captured Kafr Nabl on Sunday."
    joined = classify_in(sentence, "Kafr Nabl")
    assert (joined.type, joined.actor) == ("ground_fighting", "Rebels")
    cut = classify_in(sentence.replace(", then", " \u2014 then"), "Kafr Nabl")
    assert (cut.type, cut.actor) == ("ground_fighting", "")


def test_other_types_and_old_constructions_have_no_actor() -> None:
    assert EventType("airstrike", 0.5, ("bombed",)) == EventType("airstrike", 0.5, ("bombed",), "", None)
    protest = classify_in("Thousands of protesters marched in Yerevan on Saturday.", "Yerevan")
    assert (protest.type, protest.actor, protest.actor_type) == ("protest", "", None)


def _lexicon_with(tmp_path: Path, old: str, new: str) -> Path:
    shipped = SHIPPED.read_text(encoding="utf-8")
    assert old in shipped
    path = tmp_path / "custom.toml"
    path.write_text(shipped.replace(old, new, 1), encoding="utf-8")
    return path


def test_capture_cues_must_be_ground_fighting_cues(tmp_path: Path) -> None:
    path = _lexicon_with(tmp_path, 'active = ["captured",', 'active = ["entered", "captured",')
    with pytest.raises(LexiconError, match="entered"):
        load_lexicon(path)


def test_missing_capture_list_says_what_to_add(tmp_path: Path) -> None:
    path = _lexicon_with(tmp_path, "agentive = [", "agentives = [")
    with pytest.raises(LexiconError, match=r"agentive = .*\[capture\]"):
        load_lexicon(path)


def test_missing_actor_table_says_what_to_add(tmp_path: Path) -> None:
    path = _lexicon_with(tmp_path, "[capture.actors.state]", "[capture.actors.government]")
    with pytest.raises(LexiconError, match=r"\[capture\.actors\.state\]"):
        load_lexicon(path)


def test_actor_words_come_from_the_lexicon(tmp_path: Path) -> None:
    sentence = "Zapatista guerrillas seized San Cristobal on New Year's Day."
    assert classify_in(sentence, "San Cristobal").actor_type == "non_state"
    path = _lexicon_with(tmp_path, '"guerrillas",', "")
    start = sentence.index("San Cristobal")
    custom = classify_event(sentence, start, start + len("San Cristobal"), lexicon=load_lexicon(path))
    assert (custom.actor, custom.actor_type) == ("", None)
