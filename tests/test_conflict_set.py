"""The conflict evaluation set (issue 18) is well formed: spans, kinds, coordinates, sources. No geoparsing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "bench" / "data" / "conflict"
KINDS = {"country", "admin", "populated", "neighbourhood", "physical", "macro_region", "site"}


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    with (DATA / "conflict.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    """SOURCES.md's per-document sections, by id."""
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r"^### (\S+)\n(.*?)(?=^### |\Z)", text, re.M | re.S)}


def test_documents_have_unique_ids_and_news_length(docs):
    ids = [d["id"] for d in docs]
    assert len(ids) == len(set(ids))
    assert 25 <= len(docs) <= 40
    for d in docs:
        assert set(d) == {"id", "text", "toponyms"}
        assert 150 <= len(d["text"].split()) <= 500, d["id"]


def test_spans_match_the_text_in_order_without_overlap(docs):
    for d in docs:
        end = 0
        for t in d["toponyms"]:
            assert 0 <= t["start"] < t["end"] <= len(d["text"])
            assert d["text"][t["start"] : t["end"]] == t["surface"], (d["id"], t)
            assert t["surface"] == t["surface"].strip()
            assert t["start"] >= end, (d["id"], t)  # sorted, no overlaps
            end = t["end"]


def test_fields_kinds_and_coordinates(docs):
    for d in docs:
        for t in d["toponyms"]:
            assert set(t) == {"start", "end", "surface", "lat", "lon", "geonameid", "kind"}
            assert t["kind"] in KINDS, t
            assert -90 <= t["lat"] <= 90 and -180 <= t["lon"] <= 180, t
            assert t["geonameid"] is None or (isinstance(t["geonameid"], str) and t["geonameid"].isdigit()), t


def test_a_geonames_id_always_has_the_same_point_and_kind(docs):
    seen: dict[str, tuple] = {}
    for d in docs:
        for t in d["toponyms"]:
            point = (t["lat"], t["lon"], t["kind"])
            if t["geonameid"]:
                assert seen.setdefault(t["geonameid"], point) == point, t


def test_every_document_has_a_source_entry(docs, sources):
    assert set(sources) == {d["id"] for d in docs}
    for doc_id, entry in sources.items():
        for field in ("Title", "URL", "Publisher", "Date", "Licence", "Changes"):
            assert re.search(rf"^- {field}: \S", entry, re.M), (doc_id, field)
        assert re.search(r"^- URL: https?://", entry, re.M), doc_id
        assert re.search(r"^- Licence: .*(public domain|Public domain|CC BY)", entry, re.M), doc_id
