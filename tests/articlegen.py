"""Synthetic but realistic articles for store, safety and benchmark tests.

Sentences name real places of the committed gazetteer (``gazetteer/places.tsv``), so every article
goes through the real matcher and resolver. Deterministic: the same seed gives the same files.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLACES_TSV = ROOT / "gazetteer" / "places.tsv"

_TEMPLATES = (
    "Shelling hit {a} on Monday, residents said.",
    "Thousands of families fled {a} towards {b} as the offensive continued.",
    "Aid convoys left {a} for {b} on Tuesday, the UN said.",
    "Officials in {a} said the road to {b} was closed.",
    "Fighting was reported on the outskirts of {a} overnight.",
    "A delegation from {a} met officials in {b} to discuss a ceasefire.",
    "Airstrikes near {a} killed at least {n} people, a monitor said.",
)


def place_names() -> list[str]:
    """The canonical names of the gazetteer's towns, cities and provinces (regions and continents excluded)."""
    lines = [line for line in PLACES_TSV.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t")
    return sorted({row["name"] for row in rows if row["kind"] not in ("continent", "region")})


def article_text(rng: random.Random, names: list[str], number: int, *, sentences: int = 4) -> str:
    title = f"Report {number}: fighting near {rng.choice(names)}"
    body = " ".join(
        rng.choice(_TEMPLATES).format(a=rng.choice(names), b=rng.choice(names), n=rng.randint(2, 40))
        for _ in range(sentences)
    )
    return f"{title}\n\nPublished on January {rng.randint(1, 28)}, 2020.\n\n{body}\n"


def write_articles(folder: Path, count: int, *, seed: int = 0, start: int = 0, sentences: int = 4) -> list[Path]:
    """Write ``count`` .txt articles named ``a00000.txt``... into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = place_names()
    paths = []
    for number in range(start, start + count):
        path = folder / f"a{number:06d}.txt"
        path.write_text(article_text(rng, names, number, sentences=sentences), encoding="utf-8")
        paths.append(path)
    return paths
