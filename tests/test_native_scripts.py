"""Place names in their own script (geomap issue 18, item 7): Arabic, Ukrainian, Russian and Hebrew.

Folding of the scripts (normalize), which GeoNames names the world store keeps (registry), names with
an attached prefix or case ending (affixes), and news sentences written for these tests that must
resolve to the GeoNames ids of the places' English names.
"""

from __future__ import annotations

import pytest

import geomap
from geomap.gazetteer import Gazetteer, SpanIndex
from geomap.gazetteer.registry import _Bearer, _usable_alias
from geomap.model import Place
from geomap.parse.extract import find_mentions
from geomap.parse.normalize import fold, fold_name

IDLIB, ALEPPO, KHARKIV, BAKHMUT, KYIV, MOSCOW = "169389", "170063", "706483", "713174", "703448", "524901"
JERUSALEM, GAZA, ODESA, TEL_AVIV, DAMASCUS, BEIRUT = "281184", "281133", "698740", "293397", "170654", "276781"
LVIV, SUMY, KUPIANSK = "702550", "692194", "703656"

# ------------------------------------------------------------------------------------------
# Folding


@pytest.mark.parametrize(
    "written, plain",
    [
        ("حَلَبُ", "حلب"),  # harakat
        ("القُدْس", "القدس"),  # damma, sukun
        ("حـلـب", "حلب"),  # tatweel
        ("إدلب", "ادلب"),  # hamza below
        ("أريحا", "اريحا"),  # hamza above
        ("آمد", "امد"),  # madda
        ("ٱلقدس", "القدس"),  # alef wasla
        ("مستشفى", "مستشفي"),  # alef maksura
        ("غزة", "غزه"),  # teh marbuta
        ("کیف", "كيف"),  # Persian keheh and yeh
        ("تل\u200cآویو", "تلآویو"),  # zero-width non-joiner
        ("יְרוּשָׁלַיִם", "ירושלים"),  # niqqud
        ("ג׳ובה", "ג'ובה"),  # geresh as an apostrophe
        ("Ёлкино", "Елкино"),
        ("ХАРКІВ", "Харків"),
    ],
)
def test_script_variants_fold_to_one_key(written, plain):
    assert fold_name(written) == fold_name(plain)


def test_arabic_indic_digits_fold_to_ascii_digits():
    assert fold("قتل ٢٥ شخصاً").text == fold("قتل 25 شخصاً").text
    assert fold("۱۴۰۲").text == " 1402"  # the Persian forms


@pytest.mark.parametrize(
    "name, word",
    [("كييف", "كيف"), ("Ракка", "Рака"), ("Запоріжжя", "Запоріжя"), ("קייב", "קיב")],  # Kyiv and "how" in Arabic
)
def test_doubled_letters_of_these_scripts_are_not_collapsed(name, word):
    assert fold_name(name) != fold_name(word)


def test_marks_do_not_split_words_and_belong_to_their_letter():
    text = "قصف حَلَبُ اليوم"
    folded = fold(text)
    assert folded.text == " قصف حلب اليوم"
    at = folded.text.index(" حلب") + 1
    start, end = folded.span(at, at + 3)
    assert text[start:end] == "حَلَبُ"  # the final damma is part of the name


# ------------------------------------------------------------------------------------------
# Which GeoNames names are kept (registry): examples from cities500


@pytest.mark.parametrize(
    "alias, bearer",
    [
        ("إدلب", _Bearer("SY", 128_840, ("Idlib",))),
        ("حلب", _Bearer("SY", 2_098_210, ("Aleppo",))),  # also 4.9 Zipf in Arabic: it is Aleppo's name
        ("Бахмут", _Bearer("UA", 80_500, ("Bakhmut",))),
        ("Київ", _Bearer("UA", 2_952_301, ("Kyiv", "Kiev"))),
        ("Лондон", _Bearer("GB", 8_961_989, ("London",))),  # common in Russian, as London is in English
        ("ירושלים", _Bearer("IL", 971_800, ("Jerusalem",))),
        ("كييف", _Bearer("UA", 2_952_301, ("Kyiv", "Kiev"))),  # not "كيف" ("how"): doubled letters count
    ],
)
def test_names_in_their_own_script_are_kept(alias, bearer):
    assert _usable_alias(alias, allow_caps=False, bearer=bearer)


@pytest.mark.parametrize(
    "alias, bearer",
    [
        ("Kuuds-GӀala", _Bearer("IL", 971_800)),  # Latin and Cyrillic mixed
        ("киев", _Bearer("UA", 2_952_301)),  # Cyrillic has case: a lowercase alias is a key, not a name
        ("بن", _Bearer("DE", 330_579, ("Bonn",))),  # two letters: "son of"
        ("کیف", _Bearer("UA", 2_952_301, ("Kyiv", "Kiev"))),  # Persian Kyiv folds to Arabic "how"
        ("Усі", _Bearer("CN", 4_396_835, ("Wuxi",))),  # Ukrainian "all"
        ("سنه", _Bearer("IR", 349_176, ("Sanandaj",))),  # "year", far commoner than a city of 350k
        ("שלם", _Bearer("IL", 971_800, ("Jerusalem",))),  # "whole"
        ("Курсе", _Bearer("FR", 585, ("Courset",))),  # a French village: no news in Cyrillic names it
    ],
)
def test_mixed_lowercase_short_common_and_remote_names_are_not_kept(alias, bearer):
    assert not _usable_alias(alias, allow_caps=False, bearer=bearer)


# ------------------------------------------------------------------------------------------
# Affixes, on a small gazetteer (both ways of matching: automaton and span index)

_PLACES = [
    Place(ALEPPO, "Aleppo", "city", "SY", 36.20, 37.16, population=2_098_210, aliases=("حلب", "Халеб")),
    Place(JERUSALEM, "Jerusalem", "city", "IL", 31.77, 35.22, population=971_800, aliases=("القدس", "ירושלים")),
    Place(TEL_AVIV, "Tel Aviv", "city", "IL", 32.08, 34.78, population=432_892, aliases=("تل أبيب", "תל אביב")),
    Place(KHARKIV, "Kharkiv", "city", "UA", 50.0, 36.23, population=1_421_125, aliases=("Харків", "Харьков")),
    Place(KYIV, "Kyiv", "city", "UA", 50.45, 30.52, population=2_952_301, aliases=("Київ", "Киев")),
    Place(MOSCOW, "Moscow", "city", "RU", 55.75, 37.62, population=10_381_222, aliases=("Москва",)),
    Place(ODESA, "Odesa", "city", "UA", 46.48, 30.73, population=1_010_537, aliases=("Одеса",)),
    Place(LVIV, "Lviv", "city", "UA", 49.84, 24.02, population=717_273, aliases=("Львів",)),
    Place(SUMY, "Sumy", "city", "UA", 50.92, 34.80, population=256_474, aliases=("Суми",)),
    Place(KUPIANSK, "Kupiansk", "town", "UA", 49.71, 37.62, population=27_169, aliases=("Куп'янськ",)),
    Place("2", "Kupiansk hromada", "district", "UA", 49.7, 37.6, aliases=("Куп'янська міська громада",)),
    Place("1", "Zir", "village", "IR", 30.0, 50.0, population=800, aliases=("زير",)),
]


@pytest.fixture(params=["automaton", "span index"])
def small(request) -> Gazetteer:
    gaz = Gazetteer.from_records(_PLACES)
    if request.param == "automaton":
        return gaz
    automaton = gaz.automaton
    spans = SpanIndex.from_keys((eid, entry.key) for eid, entry in gaz.entries.items())
    return Gazetteer(places=gaz.places, entries=gaz.entries, automaton=lambda: automaton, version="t", spans=spans)


def _found(text: str, gaz: Gazetteer) -> list[tuple[str, str]]:
    mentions = find_mentions(text, gaz)
    assert all(text[m.start : m.end] == m.surface for m in mentions)
    return [(m.surface, m.place_ids[0]) for m in mentions]


@pytest.mark.parametrize(
    "text, found",
    [
        ("قصف جوي على حلب", [("حلب", ALEPPO)]),
        ("معارك عنيفة وحلب تحت الحصار", [("حلب", ALEPPO)]),  # و: and
        ("اشتباكات بحلب اليوم", [("حلب", ALEPPO)]),  # ب: in
        ("مساعدات لحلب", [("حلب", ALEPPO)]),  # ل: for
        ("مظاهرات بالقدس", [("القدس", JERUSALEM)]),  # ب before the article
        ("زيارة للقدس", [("لقدس", JERUSALEM)]),  # ل before the article drops its alef: the name from the lam
        ("ووصلت الصواريخ وبتل أبيب", [("تل أبيب", TEL_AVIV)]),  # two prefixes, a name of two words
        ("التقى وزير الخارجية", []),  # "minister" is not "and Zir"
        ("הפגנה גדולה בירושלים", [("ירושלים", JERUSALEM)]),
        ("טילים שוגרו לעבר תל אביב ומירושלים", [("תל אביב", TEL_AVIV), ("ירושלים", JERUSALEM)]),
    ],
)
def test_arabic_and_hebrew_prefixes_are_not_part_of_the_name(small, text, found):
    assert _found(text, small) == found


def test_a_prefixed_name_has_the_offsets_of_the_name_itself(small):
    text = "وقال ناشطون إن القصف طال بحلب وريفها"
    (mention,) = find_mentions(text, small)
    assert (mention.start, mention.end) == (text.index("بحلب") + 1, text.index("بحلب") + 4)


@pytest.mark.parametrize(
    "text, found",
    [
        ("Обстріл Харкова триває.", [("Харкова", KHARKIV)]),  # Ukrainian genitive, о/і alternation
        ("Ракетний удар по Києву.", [("Києву", KYIV)]),
        ("У Києві оголосили тривогу.", [("Києві", KYIV)]),
        ("В Москве прошёл митинг.", [("Москве", MOSCOW)]),
        ("Жители Москвы вышли на улицы.", [("Москвы", MOSCOW)]),
        ("Росія атакувала Одесу.", [("Одесу", ODESA)]),
        ("Вибухи у Львові.", [("Львові", LVIV)]),  # "Львов" + "і", not "Льв" + "ові"
        ("Удари по Сумах.", [("Сумах", SUMY)]),  # a plural name
        ("Обстріл Куп'янська.", [("Куп'янська", KUPIANSK)]),  # the genitive also starts a longer name
        ("Куп'янська міська громада", [("Куп'янська міська громада", "2")]),
        ("Российские войска обстреляли Харьков.", [("Харьков", KHARKIV)]),
        ("Ситуація на Харківщині складна.", []),  # the Kharkiv region: Харків is not a word of it
        ("Війська відійшли з Харківського напрямку.", []),  # an adjective
        ("харкова", []),  # lowercase: no name
    ],
)
def test_declined_russian_and_ukrainian_names_are_found_as_whole_words(small, text, found):
    assert _found(text, small) == found


# ------------------------------------------------------------------------------------------
# The world gazetteer: news sentences resolve like the places' English names


@pytest.fixture(scope="module")
def world():
    return geomap.load_gazetteer(world=True)


@pytest.mark.parametrize(
    "text, surface, place_id",
    [
        ("قصفت طائرات حربية مدينة إدلب صباح اليوم.", "إدلب", IDLIB),
        ("وقال ناشطون إن القصف طال بحلب وريفها.", "حلب", ALEPPO),
        ("وصل الوزير إلى دمشق قادماً من بيروت.", "دمشق", DAMASCUS),
        ("وصل الوزير إلى دمشق قادماً من بيروت.", "بيروت", BEIRUT),
        ("سقط صاروخ على تل أبيب.", "تل أبيب", TEL_AVIV),
        ("غارات جوية على غزة.", "غزة", GAZA),
        ("Обстріл Харкова триває.", "Харкова", KHARKIV),
        ("Бої за Бахмут тривають.", "Бахмут", BAKHMUT),
        ("Ракетний удар по Києву.", "Києву", KYIV),
        ("Российские войска обстреляли Харьков.", "Харьков", KHARKIV),
        ("В Москве прошёл митинг.", "Москве", MOSCOW),
        ("הפגנה גדולה התקיימה בירושלים.", "ירושלים", JERUSALEM),
        ("טילים שוגרו מעזה.", "עזה", GAZA),
    ],
)
def test_news_sentences_in_their_own_script_resolve_to_the_geonames_place(world, text, surface, place_id):
    found = {t.surface: t.place.id for t in geomap.geoparse(text, world) if t.place}
    assert found.get(surface) == place_id, found


@pytest.mark.parametrize(
    "native, english",
    [
        ("قصفت طائرات حربية مدينة إدلب.", "Warplanes bombed the city of Idlib."),
        ("قصف مدفعي على حلب.", "Artillery shelled Aleppo."),
        ("Обстріл Харкова триває.", "The shelling of Kharkiv goes on."),
        ("Бої за Бахмут тривають.", "Fighting for Bakhmut goes on."),
        ("הפגנה גדולה התקיימה בירושלים.", "A large protest took place in Jerusalem."),
    ],
)
def test_a_native_mention_resolves_like_its_english_name(world, native, english):
    (in_english,) = [t.place.id for t in geomap.geoparse(english, world) if t.place]
    assert [t.place.id for t in geomap.geoparse(native, world) if t.place] == [in_english]


def test_a_name_does_not_match_inside_a_longer_word(world):
    assert geomap.geoparse("Ситуація на Харківщині складна.", world) == []
