"""The ACLED-layout export (issue 17): ACLED's columns in ACLED's order, geomap's types mapped onto its taxonomy."""

from __future__ import annotations

import csv
import io

import pytest

from geomap import api
from geomap.acled import ACLED_COLUMNS, EVENT_TYPES, TERRITORY_TAKEN, to_acled
from geomap.cli import main
from geomap.events import geo_precision
from geomap.model import Article


@pytest.fixture(scope="module")
def seed_rows(seed_events) -> list[dict]:
    return list(csv.DictReader(io.StringIO(to_acled(seed_events))))


def test_columns_are_acleds_in_acleds_order(seed_events):
    header = to_acled(seed_events).splitlines()[0].split(",")
    assert tuple(header) == ACLED_COLUMNS
    assert header[:7] == ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                          "sub_event_type"]  # fmt: skip


def test_the_seed_airstrike_on_kafr_ruma(seed_rows):
    (row,) = [r for r in seed_rows if r["location"] == "Kafr Ruma"]
    assert (row["disorder_type"], row["event_type"], row["sub_event_type"]) == (
        "Political violence", "Explosions/Remote violence", "Air/drone strike",
    )  # fmt: skip
    assert (row["event_date"], row["year"], row["time_precision"], row["geo_precision"]) == (
        "2020-01-27",
        "2020",
        "1",
        "1",
    )
    assert row["country"] == "Syria" and "Kafr Ruma" in row["notes"]
    assert (float(row["latitude"]), float(row["longitude"])) == pytest.approx((35.68, 36.6), abs=0.1)


def test_only_reported_events_at_places_are_exported(seed_events, seed_rows):
    eventful = seed_events[(seed_events["type"] == "place") & seed_events["event_type"].isin(list(EVENT_TYPES))]
    assert len(seed_rows) == len(eventful) and 0 < len(seed_rows) < len(seed_events)
    subtypes = {sub for _, _, sub in EVENT_TYPES.values()} | set(TERRITORY_TAKEN.values())
    assert {r["sub_event_type"] for r in seed_rows} <= subtypes


def test_a_month_is_time_precision_3_and_a_province_geo_precision_3(seed_rows):
    months = [r for r in seed_rows if r["event_date"].endswith("-01") and r["time_precision"] == "3"]
    assert months
    assert {r["geo_precision"] for r in seed_rows if r["location"] in ("Syria", "Idlib Governorate")} == {"3"}


@pytest.mark.parametrize(
    ("kind", "relation", "expected"),
    [("town", "", 1), ("village", "outskirts of", 2), ("district", "", 2), ("province", "", 3), ("country", "", 3)],
)
def test_geo_precision(kind, relation, expected):
    assert geo_precision(kind, relation) == expected


def test_cli_acled_export_is_deterministic(tmp_path, seed_path):
    outputs = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for output in outputs:
        assert main(["--curated-only", "-q", "export", str(seed_path), "-o", str(output), "--format", "acled"]) == 0
    assert outputs[0].read_bytes() == outputs[1].read_bytes()


# -- who took the place, per event, weeks (articles written for these tests) ------------------------

CAPTURES = [
    Article(id="rebels", title="r", date="2020-02-25", source="Wire A",
            text="Rebels seized the town of Saraqib on Monday after heavy fighting.\n"),
    Article(id="army", title="a", date="2020-03-03", source="Wire A",
            text="Syrian government forces recaptured Saraqib on Monday, state media said.\n"),
    Article(id="clash", title="c", date="2020-03-04", source="Wire A",
            text="Fierce clashes erupted in Saraqib on Tuesday.\n"),
    Article(id="week", title="w", date="2020-03-09", source="Daily B",
            text="Air strikes hit Saraqib last week.\n"),
]  # fmt: skip


@pytest.fixture(scope="module")
def capture_rows(gazetteer) -> dict[str, dict]:
    events = api.build_events(CAPTURES, gazetteer)
    rows = csv.DictReader(io.StringIO(to_acled(events)))
    return {row["event_id_cnty"].split("-")[1]: row for row in rows if row["location"] == "Saraqib"}


def test_a_capture_says_who_took_the_place(capture_rows):
    rebels, army, clash = capture_rows["rebels"], capture_rows["army"], capture_rows["clash"]
    assert (rebels["sub_event_type"], rebels["actor1"], rebels["inter1"]) == (
        "Non-state actor overtakes territory", "Rebels", "",
    )  # fmt: skip
    assert (army["sub_event_type"], army["actor1"], army["inter1"]) == (
        "Government regains territory", "Syrian government forces", "State forces",
    )  # fmt: skip
    assert (clash["event_type"], clash["sub_event_type"], clash["actor1"]) == ("Battles", "Armed clash", "")


def test_a_week_is_time_precision_2(capture_rows):
    week = capture_rows["week"]
    assert (week["event_date"], week["time_precision"]) == ("2020-03-02", "2")


def test_per_event_one_row_per_event_with_every_source(gazetteer):
    events = api.build_events([*CAPTURES, Article(id="retold", title="t", date="2020-03-10", source="Weekly C",
                                                  text="Air strikes hit Saraqib last week.\n")], gazetteer)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(to_acled(events, per_event=True))))
    strikes = [r for r in rows if r["location"] == "Saraqib" and r["sub_event_type"] == "Air/drone strike"]
    assert len(strikes) == 1 and strikes[0]["source"] == "Daily B; Weekly C"
    assert strikes[0]["event_id_cnty"].startswith("ev-") and len({r["event_id_cnty"] for r in rows}) == len(rows)
