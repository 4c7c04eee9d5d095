"""Folding: spelling variants meet on one key, and folded matches map back to the original text."""

from __future__ import annotations

import random

import numpy as np
import pytest

from geomap.parse.normalize import fold, fold_name, name_keys

MAARAT_KEY = " marat al numan"


@pytest.mark.parametrize(
    "written",
    [
        "Maarat al-Numan",
        "Ma'arrat al-Nu'man",
        "Maarat an-Numan",
        "MAARAT AL-NUMAN",
        "maarat al-numan",
        "Ma’arrat an-Nu’man",  # curly apostrophes
        "Maʿarrat al-Nuʿman",  # ayn
        "Maʾarrat al-Nuʾman",  # hamza
        "Ma`arrat al-Nu`man",  # backtick
        "Maʿarrat al-Nuʿmān",  # ayn and a macron
        "Maarat an–Numan",  # en dash
        "Maarat an—Numan",  # em dash
        "Maarat an‐Numan",  # U+2010 hyphen
        "Maarat an‑Numan",  # U+2011 non-breaking hyphen
    ],
)
def test_maarat_variants_fold_to_one_key(written):
    assert fold_name(written) == MAARAT_KEY


def test_gazetteer_spelling_with_a_spaced_article_is_indexed_under_the_al_key():
    # GeoNames writes the article with a space; news writes it with a hyphen.
    keys = name_keys("Ma`arrat an Nu`man")
    assert MAARAT_KEY in keys
    assert " marat an numan" in keys


@pytest.mark.parametrize(
    "written, key",
    [
        ("Ḩamāh", " hamah"),
        ("Ḥamā", " hama"),
        ("Türkiye", " turkiye"),
        ("Ḩalab", " halab"),
        ("Dayr az Zawr", " dayr az zawr"),  # article written with a space: left as is by fold
        ("Jisr ash-Shughur", " jisr al shughur"),
        ("Deir el Zor", " deir al zor"),  # "el" before a space is the article
        ("A’zaz", " azaz"),
        ("Tall Rif‘at", " tal rifat"),
        ("Ｉｄｌｉｂ", " idlib"),  # full-width letters
    ],
)
def test_fold_name_diacritics_marks_and_articles(written, key):
    assert fold_name(written) == key


@pytest.mark.parametrize(
    "text, folded",
    [
        ("an attack", " an atack"),
        ("as well as Idlib", " as wel as idlib"),
        ("Assad’s forces an hour ago", " asad s forces an hour ago"),
        ("at Idlib", " at idlib"),
    ],
)
def test_english_an_and_as_without_hyphen_are_not_folded_to_al(text, folded):
    assert fold(text).text == folded


def test_khmeimim_and_hmeimim_are_distinct_keys_joined_by_gazetteer_aliases(gazetteer):
    assert fold_name("Khmeimim") != fold_name("Hmeimim")
    (khmeimim,) = gazetteer.lookup("Khmeimim")
    (hmeimim,) = gazetteer.lookup("Hmeimim")
    assert khmeimim.id == hmeimim.id == "geomap:khmeimim-air-base"


@pytest.mark.parametrize(
    "variant",
    ["Maarat al-Numan", "Ma'arrat al-Nu'man", "Maarat an-Numan", "Ma`arrat an Nu`man", "MAARAT AL-NUMAN",
     "Maaret al-Numan", "Maʿarrat an‑Nuʿmān"],
)  # fmt: skip
def test_maarat_variants_look_up_one_place(gazetteer, variant):
    assert [place.id for place in gazetteer.lookup(variant)] == ["167611"]


def test_hamah_with_diacritics_looks_up_the_city(gazetteer):
    assert "170017" in {place.id for place in gazetteer.lookup("Ḩamāh")}


@pytest.mark.parametrize(
    "text, piece",
    [
        ("Shelling hit Ma’arrat an-Nu’man on Monday.", "Ma’arrat an-Nu’man"),
        ("«Ḩamāh» 😀 and Idlib", "Ḩamāh"),
        ("東京 and Maʿarrat al‑Nuʿmān — again", "Maʿarrat al‑Nuʿmān"),
        ("near Jisr ash-Shughur, 2020", "Jisr ash-Shughur"),
        ("🇸🇾 Kafr  Ruma", "Kafr  Ruma"),
    ],
)
def test_span_of_a_folded_name_is_the_original_piece(text, piece):
    folded = fold(text)
    key = fold_name(piece)
    at = folded.text.index(key) + 1  # skip the key's leading space
    start, end = folded.span(at, at + len(key) - 1)
    assert text[start:end] == piece


# ------------------------------------------------------------------------------------------
# Property-style check over many generated strings (hypothesis is not installed: seeded random).

_NAMES = [
    "Maarat al-Numan", "Ma'arrat an-Nu'man", "Maʿarrat al-Nuʿmān", "Ḩamāh", "Jisr ash-Shughur",
    "Khmeimim Air Base", "Deir ez-Zor", "Türkiye", "Kafr Ruma", "A'zaz", "Tall Rif'at", "Maaret el Noman",
    "Idlib", "Aleppo", "Ras al-Ain", "Ayn al-Arab",
]  # fmt: skip
_NOISE = [
    "smoke", "Ça", "naïve", "東京", "北京市", "ééé", "straße", "İstanbul", "an", "as", "el", "al-", "1,200",
    "Œuvre", "ﬁne", "don’t", "x", "a", "aa", "l", "ll", "…", "«", "»", "(", ")", "—", "–", "’", "`", "ʿ",
]  # fmt: skip
_SEPARATORS = [" ", "  ", ", ", " — ", " – ", "\n", "\n\n", " (", ") ", " 😀 ", " 🇸🇾 ", " 東京 ", "… ", " - ", "; "]
_APOSTROPHE_MARKS = "'’‘`´ʿʾ"
_HYPHEN_MARKS = "-‐‑‒–—"


def _mutate(name: str, rng: random.Random) -> str:
    out = []
    for ch in name:
        if ch in _APOSTROPHE_MARKS:
            ch = rng.choice(_APOSTROPHE_MARKS)
        elif ch == "-":
            ch = rng.choice(_HYPHEN_MARKS)
        out.append(ch)
    text = "".join(out)
    return rng.choice([text, text.upper(), text.lower(), text.title()])


def _generated_texts(count: int, seed: int = 20200127):
    rng = random.Random(seed)
    for _ in range(count):
        parts: list[str] = []
        names: list[str] = []
        for _ in range(rng.randint(2, 10)):
            if rng.random() < 0.4:
                name = _mutate(rng.choice(_NAMES), rng)
                names.append(name)
                parts.append(name)
            else:
                parts.append(rng.choice(_NOISE))
            parts.append(rng.choice(_SEPARATORS))
        yield "".join(parts), names


def _word_aligned_occurrences(folded: str, key: str):
    at = folded.find(key)
    while at != -1:
        end = at + len(key)
        if end == len(folded) or folded[end] == " ":
            yield at + 1, end
        at = folded.find(key, at + 1)


def test_offsets_are_increasing_and_inside_the_text():
    for text, _ in _generated_texts(400):
        folded = fold(text)
        assert folded.text.startswith(" ")
        assert len(folded.offsets) == len(folded.text)
        inner = folded.offsets[1:]
        assert np.all(inner[1:] > inner[:-1]), text
        assert inner.size == 0 or (inner.min() >= 0 and inner.max() < len(text)), text


def test_span_maps_every_folded_match_back_to_text_that_folds_to_the_key():
    checked = 0
    for text, names in _generated_texts(600):
        folded = fold(text)
        for key in {fold_name(name) for name in names}:
            for fstart, fend in _word_aligned_occurrences(folded.text, key):
                start, end = folded.span(fstart, fend)
                piece = text[start:end]
                assert fold_name(piece) == key, (text, key, piece)
                assert piece[:1].isalnum() and piece[-1:].isalnum(), (text, piece)
                checked += 1
    assert checked > 500  # the loop really exercised the property


@pytest.mark.parametrize("symbol", ["☀", "✈", "→"])
def test_bmp_symbols_separate_words(symbol):
    assert fold(f"Idlib{symbol}Syria").text == " idlib syria"


@pytest.mark.parametrize("symbol", ["😀", "🇸🇾", "🔥"])
def test_astral_symbols_separate_words_like_bmp_symbols(symbol):
    assert fold(f"Idlib{symbol}Syria").text == " idlib syria"
