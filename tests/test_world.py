"""The world gazetteer (GeoNames-derived registry data + curated files): recognition and resolution.

Expectations come from reading the sentences and from GeoNames coordinates, not from the program.
The store is compiled once per machine (about half a minute) into $GEOMAP_DATA or ~/.cache/geomap.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from geopy.distance import geodesic

import geomap

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_ed468d2604eec858.txt"


@pytest.fixture(scope="module")
def world():
    return geomap.load_gazetteer(world=True)


@pytest.fixture(scope="module")
def seed_toponyms(world):
    return geomap.geoparse(SEED.read_text(encoding="utf-8"), world)


def _places(toponyms):
    return [t for t in toponyms if t.type == "place"]


@pytest.mark.parametrize(
    ("surface", "truth", "km"),
    [
        ("Kafr Ruma", (35.62, 36.61), 10),  # not Ruma in Serbia
        ("Maarat al-Numan", (35.64, 36.67), 10),
        ("Maaret al-Numan", (35.64, 36.67), 10),
        ("Khmeimim Air Base", (35.40, 35.95), 10),
        ("Damascus", (33.51, 36.28), 10),
        ("Moscow", (55.76, 37.62), 10),  # the city, not the oblast around it
        ("Idlib", (35.93, 36.63), 35),
    ],
)
def test_seed_still_maps_correctly_with_the_world_loaded(seed_toponyms, surface, truth, km):
    hits = [t for t in _places(seed_toponyms) if t.surface == surface]
    assert hits, surface
    for hit in hits:
        assert geodesic(truth, (hit.place.lat, hit.place.lon)).km <= km, (surface, hit.place)


def test_seed_traps_with_the_world_loaded(seed_toponyms):
    text = SEED.read_text(encoding="utf-8")
    surfaces = {t.surface for t in _places(seed_toponyms)}
    assert "Numan" not in surfaces and "Ruma" not in surfaces
    assert not [t for t in seed_toponyms if t.place and t.place.country == "NG"]  # Numan, Nigeria
    for organisation in ("Radio Free Europe/Radio Liberty", "Hayat Tahrir al-Sham"):
        start = text.index(organisation)
        assert not [t for t in seed_toponyms if t.start < start + len(organisation) and t.end > start]
    credit = text.index("OMAR HAJ KADOUR")
    assert not [t for t in seed_toponyms if credit <= t.start < credit + 40], "a photo credit is not a place"


@pytest.mark.parametrize(
    "sentence",
    [
        "Police said the fire started on March 7.",
        "The Man who came to dinner left on Thursday.",
        "President Obama spoke on Monday.",
        "She said she would meet Jones and Smith at the Council.",
        "He asked for liberty, and justice for all.",
    ],
)
def test_common_words_and_people_are_not_places(world, sentence):
    assert _places(geomap.geoparse(sentence, world)) == []


@pytest.mark.parametrize(
    ("sentence", "surface", "country", "admin1"),
    [
        ("The storm flooded Paris, Texas, on Sunday.", "Paris", "US", "Texas"),
        ("A man from Alexandria, La., was arrested.", "Alexandria", "US", "Louisiana"),
        ("Voters in Springfield, Illinois, went to the polls.", "Springfield", "US", "Illinois"),
        ("Tourists returned to Paris after the strikes in France.", "Paris", "FR", None),
    ],
)
def test_qualifiers_and_context_choose_the_place(world, sentence, surface, country, admin1):
    hit = next(t for t in _places(geomap.geoparse(sentence, world)) if t.surface == surface)
    assert hit.place.country == country, hit
    if admin1:
        assert hit.place.admin1 == admin1, hit
    assert hit.reason


def test_every_mention_has_confidence_and_reason(world, seed_toponyms):
    for top in seed_toponyms:
        assert 0 < top.confidence <= 1 and top.reason


def test_world_store_loads_from_disk_quickly_and_lookups_work(world):
    damascus = [p for p in world.lookup("Damascus") if p.country == "SY"]
    assert damascus and damascus[0].id == "170654"  # GeoNames id
    assert world.lookup("Ma'arrat an-Nu'man")[0].id == "167611"


@pytest.mark.parametrize(
    ("sentence", "surface", "country"),
    [
        ("Shelling continued across the Donbas on Friday.", "Donbas", "UA"),
        ("Settler attacks rose in the West Bank.", "West Bank", "PS"),  # GeoNames: a first-level division
        ("Drought is spreading across the Sahel.", "Sahel", ""),
        ("Talks on the Middle East resumed.", "Middle East", ""),
    ],
)
def test_major_regions_are_places(world, sentence, surface, country):
    hit = next(t for t in _places(geomap.geoparse(sentence, world)) if t.surface == surface)
    assert hit.place.kind in ("region", "province") and hit.place.country == country


def test_northern_syria_is_syria_with_its_relation(world):
    (hit,) = [t for t in _places(geomap.geoparse("Airstrikes hit northern Syria overnight.", world))]
    assert hit.surface == "Syria" and hit.place.id == "163843" and hit.relation == "northern"


@pytest.mark.parametrize(
    ("sentence", "surface"),
    [
        ("Officials in Bangkok said the border was closed.", "Bangkok"),
        ("The health ministry in Gaza said 40 people were killed.", "Gaza"),
    ],
)
def test_a_place_after_a_preposition_is_not_the_speaker(world, sentence, surface):
    assert surface in {t.surface for t in _places(geomap.geoparse(sentence, world))}


def test_demonym_beats_a_village_of_the_same_name(world):
    (thai,) = [t for t in geomap.geoparse("Thai troops moved to the border.", world) if t.surface == "Thai"]
    assert thai.type == "demonym" and thai.place.country == "TH"


def test_a_small_job_finds_its_names_without_loading_the_automaton(seed_text):
    """One article through a freshly opened world store: span index only, same result as the automaton's."""
    from geomap.api import geoparse
    from geomap.gazetteer.world import _open, _paths, data_dir, is_compiled, world_version

    if not is_compiled():
        pytest.skip("world store not compiled")
    version = world_version()
    fresh = _open(*_paths(data_dir(), version), version)
    through_index = geoparse(seed_text, fresh)
    assert not fresh.automaton_loaded
    assert {t.place.id for t in through_index} >= {"169387", "167611"}  # Idlib Governorate, Maarat al-Numan
    fresh.automaton  # noqa: B018  (loads it: from now on the automaton finds the names)
    fresh.memo.clear()
    assert geoparse(seed_text, fresh) == through_index


def test_a_big_job_loads_the_automaton_before_it_starts(seed_text):
    """parse_articles of more text than the span index serves: the automaton is loaded up front."""
    from geomap.api import parse_articles
    from geomap.gazetteer.world import _open, _paths, data_dir, is_compiled, world_version
    from geomap.model import Article
    from geomap.parse.extract import SPAN_INDEX_CHARS

    if not is_compiled():
        pytest.skip("world store not compiled")
    version = world_version()
    articles = [Article(id=str(n), title="", text=seed_text) for n in range(SPAN_INDEX_CHARS // len(seed_text) + 2)]
    small, big = (_open(*_paths(data_dir(), version), version) for _ in range(2))
    [(_, through_index)] = parse_articles(articles[:1], small)
    assert through_index and not small.automaton_loaded
    parsed = parse_articles(articles, big)
    assert big.automaton_loaded and big.memo.get("span_budget") is None  # no text went through the index
    assert all(toponyms == through_index for _, toponyms in parsed)


def test_a_surname_after_a_given_name_is_a_person_in_the_whole_article(world):
    """ "Emilie Holroyd" makes both of the article's "Holroyd"s a person; "in Holroyd" stays a place."""
    obituary = "Emilie Holroyd, a longtime volunteer, died Monday at 74. Holroyd served the state party for decades."
    assert [t.surface for t in geomap.geoparse(obituary, world)] == []
    flood = "Flooding closed roads in Holroyd, and officials in Holroyd said the river rose."
    assert [(t.surface, t.place.country) for t in geomap.geoparse(flood, world)] == [("Holroyd", "AU")] * 2


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Hamas fired rockets from Gaza at Ashkelon.", {"Gaza", "Ashkelon"}),  # not Hamm, Germany
        ("The Taliban entered Kabul on Sunday.", {"Kabul"}),  # not a village in Turkey
        ("Wagner fighters seized Soledar.", {"Soledar"}),  # not villages in Brazil or the US
    ],
)
def test_armed_groups_named_like_places_are_not_places(world, text, places):
    assert {t.surface for t in geomap.geoparse(text, world)} == places


def test_demonyms_of_conflict_regions(world):
    """Adjectives of nationality common in conflict news are context (type demonym), never markers."""
    text = "Palestinian officials met Saudi envoys; Chechen and Abkhaz fighters were seen in Crimea."
    found = [(t.surface, t.type, t.place.name) for t in geomap.geoparse(text, world)]
    assert found == [
        ("Palestinian", "demonym", "Palestinian Territory"), ("Saudi", "demonym", "Saudi Arabia"),
        ("Chechen", "demonym", "Chechnya"), ("Abkhaz", "demonym", "Abkhazia"), ("Crimea", "place", "Crimea"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "Kyiv said the attack killed 12 people.",
        "Tbilisi says the separatists attacked first.",
        "Beijing said it opposed the sanctions.",
    ],
)
def test_a_capital_that_speaks_is_still_a_place(world, text):
    """ "Kyiv said": a capital speaking for its state is metonymy, not a person named Kyiv."""
    assert [t.surface for t in geomap.geoparse(text, world)] == [text.split()[0]]


def test_a_town_name_that_speaks_is_a_person(world):
    assert geomap.geoparse("Manning said the order stands, and Manning will rule again on Monday.", world) == []


def test_the_united_kingdom_under_its_everyday_names(world):
    text = "British officials said Britain and the UK's allies would send aid to the DRC and the UAE."
    found = [(t.surface, t.type, t.place.id) for t in geomap.geoparse(text, world)]
    assert found == [
        ("British", "demonym", "2635167"), ("Britain", "place", "2635167"), ("UK", "place", "2635167"),
        ("DRC", "place", "203312"), ("UAE", "place", "290557"),
    ]  # fmt: skip
    assert [t.place.name for t in geomap.geoparse("Rain fell across Wales.", world)] == ["Wales"]  # not the UK


def test_bare_direction_adjectives_are_not_places_but_names_with_them_are(world):
    text = "Western officials met in Central London; rain hit the Western Cape and Northern Ireland."
    assert [t.surface for t in geomap.geoparse(text, world)] == ["London", "Western Cape", "Northern Ireland"]


def test_a_given_name_before_a_surname_is_a_person_unless_it_names_a_state(world):
    """ "George Bush": George (a town in South Africa) is a first name. "Israel Katz" leaves Israel a place."""
    assert geomap.geoparse("George Bush met George Clooney.", world) == []
    text = "Israel Katz said Israel would strike Gaza. Israel denied it."
    assert [t.surface for t in geomap.geoparse(text, world)].count("Israel") == 3
