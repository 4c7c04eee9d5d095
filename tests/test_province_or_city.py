"""Same-name pairs: a province or region and the town that bears its name (geomap issue 18, item 6).

"Idlib" is a city and a governorate, "Donetsk" a city and an oblast, "New York" a city and a state.
The text decides: a head noun ("Idlib province", "Idlib city"), a direction or spread word
("southern Idlib", "across Idlib"), a place the area contains ("Saraqib, in Idlib"), and what the
article said before ("Idlib province", then a bare "Idlib"). Each case checks the chosen place and
that the reason quotes the cue. The sentences are written for these tests; ids are GeoNames ids.
"""

from __future__ import annotations

import pytest

import geomap

IDLIB_CITY, IDLIB_PROVINCE = "169389", "169387"
DONETSK_CITY, DONETSK_OBLAST = "709717", "709716"
KHERSON_CITY, KHERSON_OBLAST = "706448", "706442"
ZAPORIZHZHIA_OBLAST = "687699"
ALEPPO_CITY, ALEPPO_PROVINCE = "170063", "170062"
DARFUR = "geomap:darfur"
BORNO_STATE = "2346794"
CABO_DELGADO = "1051823"
NEW_YORK_CITY, NEW_YORK_STATE = "5128581", "5128638"


@pytest.fixture(scope="module")
def world():
    return geomap.load_gazetteer(world=True)


def _mention(world, text: str, surface: str, occurrence: int = 0):
    """The resolved mention of ``surface`` (its ``occurrence``-th in the text)."""
    hits = [t for t in geomap.geoparse(text, world) if t.surface == surface]
    assert len(hits) > occurrence, (surface, hits)
    return hits[occurrence]


# (sentence, surface, which occurrence, place id, words the reason must quote)
CASES = [
    # The words around the name.
    ("Airstrikes hit Idlib city on Tuesday, killing four people near the main market.",
     "Idlib", 0, IDLIB_CITY, '"Idlib city"'),
    ("Residents of the city of Idlib said the bombardment lasted all night.",
     "Idlib", 0, IDLIB_CITY, '"city of Idlib"'),
    ("Shops in Idlib's old town stayed shut after the shelling.", "Idlib", 0, IDLIB_CITY, "\"Idlib's old town\""),
    ("Government forces advanced in rural Idlib, seizing two villages.", "Idlib", 0, IDLIB_PROVINCE, '"rural Idlib"'),
    ("Shelling continued in the Idlib countryside overnight.", "Idlib", 0, IDLIB_PROVINCE, '"Idlib countryside"'),
    ("Clashes erupted in southern Idlib as the offensive widened.", "Idlib", 0, IDLIB_PROVINCE, '"southern Idlib"'),
    ("Aid convoys reached displaced families across Idlib this week.", "Idlib", 0, IDLIB_PROVINCE, '"across Idlib"'),
    ("A missile hit an apartment block in the city of Donetsk on Sunday.",
     "Donetsk", 0, DONETSK_CITY, '"city of Donetsk"'),
    ("Explosions were heard in Kherson city after the Russian withdrawal.",
     "Kherson", 0, KHERSON_CITY, '"Kherson city"'),
    ("Fighting near the front line in southern Zaporizhzhia intensified on Friday.",
     "Zaporizhzhia", 0, ZAPORIZHZHIA_OBLAST, '"southern Zaporizhzhia"'),
    ("Barrel bombs fell on the Aleppo countryside for a third day.",
     "Aleppo", 0, ALEPPO_PROVINCE, '"Aleppo countryside"'),
    ("Residents of Aleppo city queued for bread as the siege tightened.", "Aleppo", 0, ALEPPO_CITY, '"Aleppo city"'),
    ("New York Governor Kathy Hochul signed the bill on Tuesday.",
     "New York", 0, NEW_YORK_STATE, '"New York Governor"'),
    ("Farmers in upstate New York are struggling with the drought.",
     "New York", 0, NEW_YORK_STATE, '"upstate New York"'),
    ("A man was pushed onto the tracks at a New York subway station on Monday, police said.",
     "New York", 0, NEW_YORK_CITY, '"New York subway"'),
    # Containment: the area that holds another place of the sentence.
    ("The militants fled to Binnish in Idlib after the raid.", "Idlib", 0, IDLIB_PROVINCE, "Binnish lies in it"),
    ("Jets bombed Kafranbel, a town in Idlib, on Sunday.", "Idlib", 0, IDLIB_PROVINCE, "Kafranbel lies in it"),
    # Discourse: a bare mention keeps the sense the article stated for the name.
    ("Rebels hold most of Idlib province. Since December, Idlib has seen hundreds of airstrikes.",
     "Idlib", 0, IDLIB_PROVINCE, '"Idlib province"'),
    ("Shelling in Idlib. Turkish troops moved deeper into Idlib province on Sunday.",
     "Idlib", 0, IDLIB_PROVINCE, '"Idlib province"'),  # the headline's bare name too
    ("Russian troops shelled Donetsk Oblast overnight. Officials said Donetsk remains the focus of the offensive.",
     "Donetsk", 0, DONETSK_OBLAST, '"Donetsk Oblast"'),
    ("Ukrainian forces pushed into the Kherson region, and residents said Kherson had been freed village by village.",
     "Kherson", 1, KHERSON_OBLAST, '"Kherson region"'),
    ("Troops entered the Idlib town of Saraqib on Monday. Idlib has been shelled for weeks.",
     "Idlib", 1, IDLIB_PROVINCE, '"Idlib town of"'),
    ("Boko Haram fighters attacked a camp in Borno State. Borno has borne the brunt of the insurgency.",
     "Borno", 0, BORNO_STATE, '"Borno State"'),
    ("New York City officials announced new rules for delivery workers. The rules make New York the first to cap fees.",
     "New York", 0, NEW_YORK_CITY, '"New York City"'),
    # A direction word is the town's own part when the article names the town as a town.
    ("Drones struck the city of Idlib on Monday. Later, fighting flared in southern Idlib, near the clock tower.",
     "Idlib", 1, IDLIB_CITY, '"city of Idlib"'),
    ("Food ran out in the city of Aleppo last week. Rebels and soldiers still fight over eastern Aleppo.",
     "Aleppo", 1, ALEPPO_CITY, '"city of Aleppo"'),
]  # fmt: skip


@pytest.mark.parametrize(("text", "surface", "occurrence", "place_id", "quoted"), CASES, ids=[c[0][:50] for c in CASES])
def test_the_text_chooses_the_province_or_the_city(world, text, surface, occurrence, place_id, quoted):
    hit = _mention(world, text, surface, occurrence)
    assert hit.place.id == place_id, (hit.place, hit.reason)
    assert quoted in hit.reason, hit.reason


def test_an_opposite_cue_decides_its_own_mention_and_the_article_keeps_its_sense(world):
    text = "Rebels hold most of Idlib province. On Friday a car bomb hit Idlib city. By evening Idlib was quiet."
    named, city, bare = (t for t in geomap.geoparse(text, world) if t.surface.startswith("Idlib"))
    assert named.place.id == IDLIB_PROVINCE
    assert city.place.id == IDLIB_CITY and '"Idlib city"' in city.reason
    assert bare.place.id == IDLIB_PROVINCE and '"Idlib province"' in bare.reason


def test_a_suburb_of_the_city_does_not_make_the_name_the_state(world):
    """Brooklyn lies in New York State but within New York City: "Brooklyn, New York" names no area."""
    text = "New York City police are searching for a gunman. The shooting in Brooklyn, New York, left two dead."
    hit = _mention(world, text, "New York")
    assert hit.place.id == NEW_YORK_CITY and '"New York City"' in hit.reason, hit.reason


@pytest.mark.parametrize(
    ("text", "surface", "place_id"),
    [
        # "San Diego State" is a university, not a county; "San Diego County" is named after its city.
        ("San Diego State beat Fresno State on Saturday, and fans in San Diego celebrated.", "San Diego", "5391811"),
        ("San Diego County deputies arrested a man. San Diego police said he was armed.", "San Diego", "5391811"),
    ],
)
def test_words_that_do_not_fit_the_kind_state_no_sense(world, text, surface, place_id):
    hit = _mention(world, text, surface, occurrence=-1)
    assert hit.place.id == place_id, (hit.place, hit.reason)


@pytest.mark.parametrize(
    ("text", "surface", "place_id"),
    [
        ("Violence has displaced thousands across Darfur, the United Nations said.", "Darfur", DARFUR),
        ("Insurgents attacked Mocimboa da Praia in Cabo Delgado province.", "Cabo Delgado", CABO_DELGADO),
        ("Rockets hit Maiduguri, the capital of Borno, on Sunday.", "Borno", BORNO_STATE),
    ],
)
def test_regions_without_a_town_of_their_name_stay_the_region(world, text, surface, place_id):
    hit = _mention(world, text, surface)
    assert hit.place.id == place_id and hit.place.kind in ("province", "region"), (hit.place, hit.reason)
