"""Spelling-insensitive folding of text and names, with a map back to the original offsets.

Why: the same place is written many ways in news ("Maarat al-Numan", "Maaret al-Numan",
"Ma'arrat al-Nu'man", "Maarat an-Numan"). Folding both the gazetteer names and the article text
through one function lets a single exact-match automaton find every variant, and the offset map
lets every match point back into the untouched original text.

Every folding step is either a one-to-one character mapping or a deletion, so the folded text is
the original with some characters changed and some removed: ``offsets[i]`` is the index in the
original of folded character ``i``. The steps, in order:

1. case and diacritics: ``"Ḩamāh"`` -> ``"hamah"`` (a translate table, one character to one);
2. apostrophes, ayn and hamza marks (' ’ ‘ ` ´ ʿ ʾ ʻ ʼ) are deleted: ``"Ma'arrat"`` -> ``"maarrat"``,
   except the possessive ``'s``, whose apostrophe becomes a space (``"Dublin's"`` -> ``"dublin s"``);
3. every other non-alphanumeric character becomes a space; runs of spaces become one;
4. a doubled letter becomes one: ``"maarrat"`` -> ``"marat"`` (transliterations disagree on gemination);
5. the Arabic article written with an assimilated consonant and a hyphen (``an-``, ``ash-``, ``ad-``,
   ``ar-``, ``as-``, ``at-``, ``az-``, ``ath-``, ``adh-``, ``el-``) becomes ``al``; ``el`` before a space
   also becomes ``al``. A bare English ``an`` or ``as`` (no hyphen) is left alone.

Names in their own script (Arabic, Persian and Urdu letters, Hebrew, Cyrillic) go through the same
steps, with these additions to step 1 (the usual normalisation of Arabic-script search engines, e.g.
Lucene's ``ArabicNormalizer`` and ``PersianNormalizer``):

* combining marks (Arabic harakat and shadda, Hebrew niqqud and cantillation, any other nonspacing
  mark), the Arabic tatweel ``ـ`` and the Persian zero-width non-joiner are deleted, and the letter
  before them stands for them in the offset map (a mark belongs to its letter, it never separates words):
  ``"حَلَب"`` -> ``"حلب"``, ``"יְרוּשָׁלַיִם"`` -> ``"ירושלים"``;
* Arabic letter variants meet on one letter: the alef forms ``أ إ آ ٱ`` -> ``ا`` (``ؤ`` -> ``و``,
  ``ئ`` -> ``ي``), alef maksura ``ى`` and Persian ``ی`` -> ``ي``, Persian ``ک`` -> ``ك``, teh marbuta
  ``ة`` and Urdu ``ہ`` -> ``ه`` (news writes ``غزة``, GeoNames also has ``غزه``; the merged words are
  told apart by the gazetteer's common-word check, :mod:`geomap.gazetteer.registry`);
* every decimal digit becomes its ASCII digit (``"٢٠٢٤"`` -> ``"2024"``), so digits of any script
  never collapse (step 4);
* the Hebrew geresh and gershayim (``׳ ״``) are deleted like apostrophes (``ג׳ובה`` as ``ג'ובה``).

Cyrillic needs nothing more: ``lower()`` folds its case and NFKD takes ``ё`` to ``е`` (and ``й`` to
``и``, ``ї`` to ``і``). Step 4 leaves the letters of these scripts alone (the blocks U+0400-U+08FF,
Cyrillic to Arabic): they are not transliterations, and a doubled letter there is spelled on purpose
and tells names from words (``"كييف"``, Kyiv, is not ``"كيف"``, "how"; ``"Ракка"`` is not ``"рака"``).

The folded text starts with one space so that every key ``" name"`` matches at a word start.
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["Folded", "fold", "fold_name", "name_keys", "skeleton"]

_DELETE = "\x00"
_HYPHEN = "\x01"
_MARK = "\x02"  # deleted like _DELETE, but the character before it keeps covering it (see _cover_marks)
_APOSTROPHES = "'’‘`´ʿʾʻʼ′ʹ׳״"
_WITHIN_WORD = "\u0640\u200c"  # Arabic tatweel, zero-width non-joiner: inside a word, like a mark
# One letter for another (what NFKD does not do; see the module docstring): alef wasla, alef maksura,
# Farsi yeh, keheh, teh marbuta, Urdu heh goal and teh marbuta goal.
_LETTER_FOLDS = {"ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك", "ة": "ه", "ہ": "ه", "ۃ": "ه"}
_HYPHENS = "-‐‑‒–—"
_SUN_ARTICLES = ("an", "ar", "as", "ash", "at", "ath", "ad", "adh", "az", "el", "al", "ul", "ud", "ur", "un")
_ARTICLE_BEFORE_HYPHEN = re.compile(r"(?<= )(?:%s)\x01" % "|".join(sorted(_SUN_ARTICLES, key=len, reverse=True)))
_POSSESSIVE = re.compile(r"['’](?=[sS]\b)")  # "Dublin's": the apostrophe separates, it does not join
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # emoji and other symbols beyond the BMP separate words
_EL_BEFORE_SPACE = re.compile(r"(?<= )el(?= )")
_SPACE_ARTICLE = re.compile(r"(?<= )(?:%s)(?= )" % "|".join(sorted(_SUN_ARTICLES, key=len, reverse=True)))


@dataclass(frozen=True)
class Folded:
    """Folded text and, for each folded character, its index in the original text."""

    text: str
    offsets: np.ndarray
    ends: np.ndarray  # for each folded character, the end of the original characters it stands for

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the folded span ``[start, end)`` (end exclusive).

        A folded character may stand for several original ones ("ss" in "Tennessee" folds to one
        "s"): the span ends after the last of them.
        """
        return int(self.offsets[start]), int(self.ends[end - 1])


def _fold_char(ch: str) -> str:
    if ch in _APOSTROPHES:
        return _DELETE
    if ch in _HYPHENS:
        return _HYPHEN
    if ch in _WITHIN_WORD or unicodedata.category(ch) in ("Mn", "Me"):
        return _MARK
    if ch in _LETTER_FOLDS:
        return _LETTER_FOLDS[ch]
    if ch.isdecimal():
        return str(unicodedata.decimal(ch))
    if ch.isalnum():
        base = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in base if not unicodedata.combining(c)).lower()
        if len(base) == 1 and base.isalnum():
            return base
        if len(base) == 1:
            return " "
        # Ligatures and letters that decompose to several characters keep a one-to-one map: use the first.
        return base[0] if base and base[0].isalnum() else ch.lower()[:1] or " "
    return " "


@lru_cache(maxsize=1)
def _table_bmp() -> dict[int, str]:
    """The folding of the Basic Multilingual Plane as a ``str.translate`` table (changed characters only)."""
    lookup = _lookup_bmp()
    changed = np.flatnonzero(lookup != np.arange(0x10000, dtype="<u4"))
    return dict(zip(changed.tolist(), map(chr, lookup[changed].tolist()), strict=True))


@lru_cache(maxsize=1)
def _lookup_bmp() -> np.ndarray:
    """The folding of the Basic Multilingual Plane as a code-point lookup array (identity where unchanged).

    Why an array: ``str.translate`` with a dict does one dict lookup per character (about 40 MB/s);
    indexing this array with the text's code points does the same mapping in one vectorised step.
    Building it (:func:`_build_lookup`) takes ~0.25 s, paid by every job before its first match, so
    it is kept in the cache folder (:func:`_cached_lookup`).
    """
    cached = _cached_lookup()
    if cached is not None:
        return cached
    lookup = _build_lookup()
    _store_lookup(lookup)
    return lookup


def _build_lookup() -> np.ndarray:
    lookup = np.arange(0x10000, dtype="<u4")
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue  # surrogates are no characters
        folded = _fold_char(chr(code))
        if folded != chr(code):
            lookup[code] = ord(folded)  # every folded value is exactly one character
    return lookup


#: Bump when :func:`_fold_char` or the tables it reads change: the cached lookup array is then rebuilt.
_FOLD_VERSION = "2"


def _lookup_path() -> Path:
    """One file per folding version and per Unicode version (NFKD and ``isalnum`` follow Python's)."""
    from geomap.paths import cache_dir

    return cache_dir() / f"fold-{_FOLD_VERSION}-unicode{unicodedata.unidata_version}.npy"


def _cached_lookup() -> np.ndarray | None:
    try:
        lookup = np.load(_lookup_path(), allow_pickle=False)
    except (OSError, ValueError):
        return None
    return lookup if lookup.shape == (0x10000,) and lookup.dtype == np.dtype("<u4") else None


def _store_lookup(lookup: np.ndarray) -> None:
    """Write the array for the next process (atomically); a cache folder we cannot write is no error."""
    path = _lookup_path()
    temp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temp.open("wb") as handle:
            np.save(handle, lookup, allow_pickle=False)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


def _to_codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _from_codes(codes: np.ndarray) -> str:
    return codes.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")


def fold(text: str) -> Folded:
    """Fold ``text`` for matching; the result starts with a space and maps back to ``text``.

    Examples
    --------
    >>> f = fold("Maaret al-Numan")
    >>> f.text
    ' maret al numan'
    >>> fold("Ma'arrat an-Nu'man").text
    ' marat al numan'
    """
    padded = " " + text  # index ``p`` of ``padded`` is the original character ``p - 1``, which ends at ``p``
    if "'" in padded or "’" in padded:
        padded = _POSSESSIVE.sub(" ", padded)
    if not padded.isascii():
        padded = _ASTRAL.sub(" ", padded)
    # Same as ``.translate(_table_bmp())``: astral characters are already spaces, so every code point
    # indexes the BMP lookup (surrogates map to themselves there too).
    codes = _lookup_bmp()[_to_codes(padded)]
    ends = np.arange(len(padded))  # where each character of ``padded`` ends in the original
    marks = codes == ord(_MARK)
    if marks.any():
        _cover_marks(ends, marks)
        kept = np.flatnonzero((codes != ord(_DELETE)) & ~marks)
    else:
        kept = np.flatnonzero(codes != ord(_DELETE))
    codes = codes[kept]
    first, last = _repeat_runs(codes)
    offsets = kept[first] - 1
    offsets[0] = 0  # the added space stands for no character: it starts (and ends) at 0
    folded, offsets, ends = _fold_articles(_from_codes(codes[first]), offsets, ends[kept[last]])
    return Folded(folded.replace(_HYPHEN, " "), offsets, ends)


def _cover_marks(ends: np.ndarray, marks: np.ndarray) -> None:
    """Extend, in place, the end of the character before each run of marks over the run.

    Why: a mark belongs to the letter before it, so a name that ends in one ("حلبُ") ends after it in
    the original text, and the word after it starts after it.
    """
    positions = np.arange(len(marks))
    owner = np.maximum.accumulate(np.where(marks, -1, positions))  # the last non-mark at or before
    at = np.nonzero(marks)[0]
    np.maximum.at(ends, owner[at], ends[at])  # position 0, the added space, is never a mark


def _repeat_runs(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the first and the last character of each run of ``codes`` that folds to one character.

    A character equal to its predecessor is dropped when it is a letter or a separator (a hyphen
    and a space count as equal); the kept one stands for the run, so offsets still end after "ee".
    """
    if len(codes) < 2:
        return np.arange(len(codes)), np.arange(len(codes))
    spaceish = (codes == ord(" ")) | (codes == ord(_HYPHEN))
    as_space = np.where(spaceish, ord(" "), codes)
    same = np.empty(len(codes), dtype=bool)
    same[0] = False
    same[1:] = as_space[1:] == as_space[:-1]
    is_digit = (codes >= ord("0")) & (codes <= ord("9"))
    spelled = (codes >= _SPELLED_DOUBLE[0]) & (codes <= _SPELLED_DOUBLE[1])
    # Prefer keeping a hyphen over the space next to it, so "an -Numan" stays rare and "an-" is seen.
    drop = same & ~is_digit & ~spelled
    first = np.flatnonzero(~drop)
    last = np.empty_like(first)
    last[:-1] = first[1:] - 1
    last[-1] = len(codes) - 1
    return first, last


def _fold_articles(folded: str, offsets: np.ndarray, ends: np.ndarray) -> tuple[str, np.ndarray, np.ndarray]:
    """Rewrite Arabic article variants to ``al`` (see module docstring), keeping the offset map."""
    if _HYPHEN not in folded and " el " not in folded:
        return folded, offsets, ends
    found = _matches_in_order(folded)
    if not found:
        return folded, offsets, ends  # speed only: most hyphens are not articles, and the rebuild below would copy
    pieces: list[str] = []
    kept_offsets: list[np.ndarray] = []
    kept_ends: list[np.ndarray] = []
    last = 0
    for start, end in found:  # "ash" of "ash-" (or "el" before a space) becomes "al": "a", then "l" for the rest
        pieces.append(folded[last:start])
        kept_offsets.append(offsets[last:start])
        kept_ends.append(ends[last:start])
        pieces.append("al")
        kept_offsets.append(np.array([offsets[start], offsets[start + 1]], dtype=offsets.dtype))
        kept_ends.append(np.array([ends[start], ends[end - 1]], dtype=ends.dtype))
        last = end
    pieces.append(folded[last:])
    kept_offsets.append(offsets[last:])
    kept_ends.append(ends[last:])
    return "".join(pieces), np.concatenate(kept_offsets), np.concatenate(kept_ends)


_ARTICLES = frozenset(_SUN_ARTICLES)


def _matches_in_order(folded: str) -> list[tuple[int, int]]:
    """The spans of :data:`_ARTICLE_BEFORE_HYPHEN` (without the hyphen) and :data:`_EL_BEFORE_SPACE`, sorted.

    Speed only: the same spans as ``finditer`` of both patterns, found from the hyphens and from
    " el " with ``str.find`` (a regex with a look-behind tries every position of the text). An
    article is two or three letters after a space, so at most one of them ends at a given hyphen.
    """
    spans = []
    hyphen = folded.find(_HYPHEN)
    while hyphen >= 0:
        for size in (3, 2):
            start = hyphen - size
            if start >= 1 and folded[start - 1] == " " and folded[start:hyphen] in _ARTICLES:
                spans.append((start, hyphen))
                break
        hyphen = folded.find(_HYPHEN, hyphen + 1)
    found = folded.find(" el ")
    while found >= 0:
        spans.append((found + 1, found + 3))
        found = folded.find(" el ", found + 3)
    return sorted(spans)


def fold_name(name: str) -> str:
    """The folded key of a gazetteer name (leading space, no trailing space)."""
    return _fold_text(name).rstrip()


_SEPARATOR_RUN = re.compile("([ \x01])[ \x01]+")
_SPELLED_DOUBLE = (0x0400, 0x08FF)  # Cyrillic to Arabic: doubled letters are never collapsed (see above)
_LETTER_RUN = re.compile("([^ \x010-9\u0400-\u08ff])\\1+")


def _fold_text(text: str) -> str:
    """``fold(text).text`` without the offset map: the same steps on the string alone.

    Speed only: :func:`fold` works on arrays, which pays for long texts but costs some 60 µs of
    numpy overhead per call; compiling the world gazetteer folds 700k short names (a minute's work
    there, a few seconds here). Step for step as in :func:`fold`: possessive and astral characters,
    the translate table, deletions, runs of a repeated letter or separator kept as their first
    character (digits never collapse), the articles, hyphens to spaces.
    """
    folded = " " + text
    if "'" in folded or "’" in folded:
        folded = _POSSESSIVE.sub(" ", folded)
    if not folded.isascii():
        folded = _ASTRAL.sub(" ", folded)
    folded = folded.translate(_table_bmp()).replace(_DELETE, "")
    if _MARK in folded:
        folded = folded.replace(_MARK, "")
    if "  " in folded or _HYPHEN in folded:  # every run of separators holds one of these
        folded = _SEPARATOR_RUN.sub(r"\1", folded)
    folded = _LETTER_RUN.sub(r"\1", folded)
    if _HYPHEN in folded or " el " in folded:
        last, pieces = 0, []
        for start, end in _matches_in_order(folded):
            pieces.append(folded[last:start])
            pieces.append("al")
            last = end
        if pieces:
            pieces.append(folded[last:])
            folded = "".join(pieces)
    return folded.replace(_HYPHEN, " ")


def name_keys(name: str) -> set[str]:
    """All folded keys under which a gazetteer name is indexed.

    Gazetteers write the article with a space ("Ma`arrat an Nu`man"), news with a hyphen
    ("Maarat an-Numan"): a name whose article stands alone is indexed both as written and with
    the article folded to ``al``, so either spelling in the text finds it.
    """
    key = fold_name(name)
    keys = {key} if key.strip() else set()
    with_al = _SPACE_ARTICLE.sub("al", key + " ").rstrip()
    if with_al != key and with_al.strip():
        keys.add(with_al)
    return keys


@lru_cache(maxsize=500_000)
def skeleton(name: str) -> str:
    """Letters and digits of ``name``, lowercased, without diacritics: "is this literally that name?"

    Coarser than nothing, finer than :func:`fold` (no doubled-letter or article folding), so that
    "Tennessee" and "Tenessee" differ. Cached: resolution asks it for the same names again and again.
    """
    return "".join(ch for ch in unicodedata.normalize("NFKD", name.lower()) if ch.isalnum())
