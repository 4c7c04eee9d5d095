"""Time classify_event, event_date and find_article_date per call on the seed article.

Example::

    python bench/events_timing.py
"""

from __future__ import annotations

import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from geomap.events import eventtype
from geomap.events.eventdate import event_date, find_article_date
from geomap.events.eventtype import classify_event, load_lexicon

MENTIONS = ("Kafr Ruma", "Moscow", "Maarat al-Numan", "Khmeimim Air Base", "Damascus", "Idlib")


def main() -> int:
    text = (ROOT / "seeds" / "000_ed468d2604eec858.txt").read_text(encoding="utf-8")
    spans = [(text.index(m), text.index(m) + len(m)) for m in MENTIONS]
    eventtype._load.cache_clear()
    started = time.perf_counter()
    load_lexicon()
    print(f"{'load_lexicon':<26} {(time.perf_counter() - started) * 1e3:8.1f} ms once (cold, then cached)")
    calls = {
        "classify_event": lambda: [classify_event(text, s, e) for s, e in spans],
        "event_date": lambda: [event_date(text, s, e, article_date="2020-01-29") for s, e in spans],
        "find_article_date": lambda: [find_article_date(text) for _ in spans],
    }
    calls["classify_event (cold)"] = lambda: [
        (eventtype._cues_cached.cache_clear(), classify_event(text, s, e)) for s, e in spans
    ]
    calls["find_article_date (cold)"] = lambda: [
        (find_article_date.cache_clear(), find_article_date(text)) for _ in spans
    ]
    runs = 200
    for name, call in calls.items():
        best = min(timeit.repeat(call, number=runs, repeat=5))
        print(f"{name:<26} {best / runs / len(spans) * 1e6:8.1f} us per call")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
