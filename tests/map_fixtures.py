"""Realistic events tables for the map tests, built from the seed article with real offsets.

Why not hand-typed offsets: the popup highlights ``snippet[start - snippet_start : end - snippet_start]``,
so a fixture whose offsets drift from the text would hide exactly the bugs the tests look for.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_ed468d2604eec858.txt"
SEED_ID = "000_ed468d2604eec858"

# (pattern, place_id, place_name, kind, country, admin1, lat, lon, relation, type)
IDLIB_PROVINCE = ("169388", "Idlib", "province", "SY", "Idlib", 35.83, 36.6)
SEED_PLACES: list[tuple[str, tuple, str, str]] = [
    (r"Idlib region|province of Idlib|Idlib zone|southern Idlib", IDLIB_PROVINCE, "", "place"),
    (r"Idlib", ("169389", "Idlib", "city", "SY", "Idlib", 35.9306, 36.6339), "", "place"),
    (r"Maarat al-Numan|Maaret al-Numan",
     ("167611", "Maarat al-Numan", "town", "SY", "Idlib", 35.6438, 36.6714), "", "place"),
    (r"Kafr Ruma", ("kafr-ruma", "Kafr Ruma", "village", "SY", "Idlib", 35.6230, 36.6090), "outskirts of", "place"),
    (r"Khmeimim Air Base",
     ("khmeimim", "Khmeimim Air Base", "military base", "SY", "Latakia", 35.4011, 35.9486), "", "place"),
    (r"Damascus", ("170654", "Damascus", "city", "SY", "Dimashq", 33.5102, 36.2913), "", "place"),
    (r"Moscow", ("524901", "Moscow", "city", "RU", "Moscow", 55.7522, 37.6156), "", "place"),
    (r"northern Syria|northwest Syria",
     ("163843", "Syria", "country", "SY", "", 36.4, 37.2), "northern part of", "place"),
    (r"Syria", ("163843", "Syria", "country", "SY", "", 35.0, 38.0), "", "place"),
    (r"Russia", ("2017370", "Russia", "country", "RU", "", 60.0, 100.0), "", "place"),
    (r"Syrian", ("163843", "Syria", "country", "SY", "", 35.0, 38.0), "", "demonym"),
    (r"Russian", ("2017370", "Russia", "country", "RU", "", 60.0, 100.0), "", "demonym"),
    (r"Turkish", ("298795", "Turkey", "country", "TR", "", 39.0, 35.0), "", "demonym"),
]  # fmt: skip

# A sentence ends at . ! ? followed by a space or a line end ("window.__pwned" is not an end).
_SENTENCE = re.compile(r"[^\n]+?(?:[.!?]+[\"”']?(?=\s|$)|(?=\n)|$)")


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _SENTENCE.finditer(text):
        lo, hi = m.start(), m.end()
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if hi > lo:
            spans.append((lo, hi))
    return spans


def events_from_text(
    text: str,
    places: list[tuple[str, tuple, str, str]],
    *,
    article_id: str,
    title: str,
    date: str | None,
    url: str | None,
    source: str | None,
) -> pd.DataFrame:
    """One row per match, earlier patterns winning overlaps, like a longest-first gazetteer matcher."""
    taken: list[tuple[int, int]] = []
    rows = []
    sentences = _sentences(text)
    for pattern, (pid, name, kind, cc, admin1, lat, lon), relation, typ in places:
        for m in re.finditer(rf"(?<![\w-])(?:{pattern})(?![\w-])", text):
            if any(m.start() < hi and lo < m.end() for lo, hi in taken):
                continue
            taken.append((m.start(), m.end()))
            s_lo, s_hi = next((lo, hi) for lo, hi in sentences if lo <= m.start() and m.end() <= hi)
            rows.append({
                "article_id": article_id, "title": title, "date": date, "url": url, "source": source,
                "mention": m.group(0), "start": m.start(), "end": m.end(), "type": typ,
                "place_id": pid, "place_name": name, "kind": kind, "country": cc, "admin1": admin1,
                "lat": lat, "lon": lon, "confidence": 0.9, "reason": "fixture", "relation": relation,
                "snippet": text[s_lo:s_hi], "snippet_start": s_lo,
            })  # fmt: skip
    return pd.DataFrame(rows).sort_values("start", kind="mergesort").reset_index(drop=True)


def seed_events() -> pd.DataFrame:
    """The Idlib article (January 2020) as the events table the pipeline should produce."""
    text = SEED.read_text(encoding="utf-8")
    return events_from_text(
        text,
        SEED_PLACES,
        article_id=SEED_ID,
        title=text.splitlines()[0],
        date="2020-01-28",
        url="https://www.newsweek.com/russia-syria-idlib-offensive-pompeo-lavrov-1484400",
        source="Newsweek",
    )


HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1"> Breaking `news` ${window.__pwned=3}'
HOSTILE_TEXT = (
    'Shelling hit `Damascus` at dawn <img src=x onerror="window.__pwned=1"> say witnesses.\n'
    "Residents of Damascus wrote </script><script>window.__pwned=2</script> and ${window.__pwned=3} "
    "on walls ' \" & <b>bold</b>.\n"
)
HOSTILE_ID = "zz_hostile"


def hostile_events() -> pd.DataFrame:
    """An article whose every text field tries to run script (folium issues #850, #1640)."""
    return events_from_text(
        HOSTILE_TEXT,
        [SEED_PLACES[5]],
        article_id=HOSTILE_ID,
        title=HOSTILE_TITLE,
        date="2020-02-01",
        url="javascript:window.__pwned=4",
        source="</script><script>window.__pwned=2</script>",
    )


def seed_and_hostile() -> pd.DataFrame:
    return pd.concat([seed_events(), hostile_events()], ignore_index=True)


def scratch_page(events: pd.DataFrame, gazetteer) -> str:
    """The page a from-scratch render of ``events`` gives, with the gazetteer's aliases for the search
    box as ``geomap build`` embeds them: what a page built through the store must equal, byte for byte."""
    from geomap import api
    from geomap.map import render_map

    return render_map(events, aliases=api.place_aliases(gazetteer, events["place_id"].dropna()))


def inline_library(page: str, marker: str) -> str:
    """The one inline script of ``page`` containing ``marker``, checked as every geomap library after
    events.js must be: inlined once, after events.js (which replaces ``window.geomap``), and allowed by
    the page's Content-Security-Policy through its hash."""
    import base64
    import hashlib

    from geomap.map.policy import inline_scripts

    scripts = list(inline_scripts(page))
    library = [script for script in scripts if marker in script]
    core = [i for i, script in enumerate(scripts) if "root.geomap && root.geomap.eventLayer" in script]
    assert len(library) == 1 and core and core[0] < scripts.index(library[0])  # after events.js
    digest = base64.b64encode(hashlib.sha256(library[0].encode("utf-8")).digest()).decode("ascii")
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert f"'sha256-{digest}'" in policy
    return library[0]
