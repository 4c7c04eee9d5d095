"""Evaluate geomap.events.eventtype on the hand-labelled set in bench/data/events_eval.txt.

Prints per-type precision, recall and F1 and the overall accuracy, for the dev split,
the held-out test split (every third item, not looked at while tuning rules) and all.

Example::

    python bench/events_eval.py              # table for all three splits
    python bench/events_eval.py --errors dev # also list the dev items it gets wrong
    python bench/events_eval.py --markdown   # the table as Markdown, for docs/events.md
    python bench/events_eval.py --blind      # the blind set, written after the rules were frozen
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from geomap.events.eventtype import EVENT_TYPES, classify_event

DATA = ROOT / "bench" / "data" / "events_eval.txt"
BLIND = ROOT / "bench" / "data" / "events_blind.txt"


@dataclass(frozen=True)
class Item:
    number: int
    split: str
    gold: str
    region: str
    text: str
    start: int
    end: int


def load_items(path: Path = DATA) -> list[Item]:
    """Parse ``gold | region | sentence with [[mention]]`` lines; every third item is the test split."""
    items: list[Item] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        gold, region, marked = (part.strip() for part in line.split(" | ", 2))
        if gold not in EVENT_TYPES:
            raise ValueError(f"Unknown gold type {gold!r} in line: {line!r}")
        start = marked.index("[[")
        end = marked.index("]]") - 2
        text = marked.replace("[[", "", 1).replace("]]", "", 1)
        number = len(items) + 1
        items.append(Item(number, "test" if number % 3 == 0 else "dev", gold, region, text, start, end))
    return items


def scores(pairs: list[tuple[str, str]]) -> tuple[list[tuple[str, int, float, float, float]], float]:
    """Per-type (type, support, precision, recall, F1) and overall accuracy for (gold, predicted) pairs."""
    rows = []
    for type_ in EVENT_TYPES:
        tp = sum(1 for g, p in pairs if g == type_ and p == type_)
        fp = sum(1 for g, p in pairs if g != type_ and p == type_)
        fn = sum(1 for g, p in pairs if g == type_ and p != type_)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append((type_, tp + fn, precision, recall, f1))
    accuracy = sum(1 for g, p in pairs if g == p) / len(pairs) if pairs else 0.0
    return rows, accuracy


def table(title: str, pairs: list[tuple[str, str]], *, markdown: bool) -> str:
    rows, accuracy = scores(pairs)
    macro = sum(r[4] for r in rows) / len(rows)
    lines = [f"{title}: n={len(pairs)}, accuracy={accuracy:.3f}, macro-F1={macro:.3f}"]
    if markdown:
        lines += ["", "| type | n | precision | recall | F1 |", "| --- | ---: | ---: | ---: | ---: |"]
        lines += [f"| {t} | {n} | {p:.2f} | {r:.2f} | {f:.2f} |" for t, n, p, r, f in rows]
    else:
        lines.append(f"{'type':<16} {'n':>4} {'prec':>6} {'rec':>6} {'F1':>6}")
        lines += [f"{t:<16} {n:>4} {p:>6.2f} {r:>6.2f} {f:>6.2f}" for t, n, p, r, f in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", choices=["dev", "test", "all"], help="list misclassified items of a split")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--blind", action="store_true", help="evaluate bench/data/events_blind.txt instead")
    args = parser.parse_args(argv)
    items = load_items(BLIND if args.blind else DATA)
    predicted = {item.number: classify_event(item.text, item.start, item.end) for item in items}
    for split in ("all",) if args.blind else ("dev", "test", "all"):
        chosen = [i for i in items if split == "all" or i.split == split]
        print(table(split, [(i.gold, predicted[i.number].type) for i in chosen], markdown=args.markdown))
        print()
    if args.errors:
        for item in items:
            result = predicted[item.number]
            if (args.errors == "all" or item.split == args.errors) and result.type != item.gold:
                marked = f"{item.text[: item.start]}[[{item.text[item.start : item.end]}]]{item.text[item.end :]}"
                print(f"#{item.number} gold={item.gold} got={result.type} {result.confidence} {result.cues}")
                print(f"    {marked}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
