"""One event, many reports (issue 17): rows of articles that retell one event share an event_id, and
``geomap export --events`` writes one row per event with its reports and sources.

The articles are written for this test: one air strike on Saraqib on Tuesday 28 January 2020, told
by a wire story that day, by a paper the next day (spelling the town "Saraqeb"), and by a weekly
round-up ("last week"); other events at the same place (shelling the same day, a strike on another
day) must stay events of their own.
"""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pandas as pd
import pytest

from geomap import api
from geomap.cli import main
from geomap.events import DISTINCT_EVENT_COLUMNS, assign_event_ids, distinct_events
from geomap.export import to_csv, to_geojson
from geomap.model import Article

WIRE = Article(
    id="wire-0128", title="Strikes hit Saraqib", date="2020-01-28", source="Wire A",
    url="https://wire.example/0128",
    text="Russian warplanes carried out air strikes on Saraqib on Tuesday, killing six civilians, activists said.\n",
)  # fmt: skip
DAILY = Article(
    id="daily-0129", title="Six killed in Saraqeb", date="2020-01-29", source="Daily B",
    url="https://daily.example/0129",
    text="Tuesday's air strikes on Saraqeb killed six people, according to rescuers.\n",
)  # fmt: skip
WEEKLY = Article(
    id="weekly-0203", title="The week in Idlib", date="2020-02-03", source="Weekly C",
    url="https://weekly.example/0203",
    text="Last week, air strikes hit Saraqib as the offensive moved north.\n",
)  # fmt: skip
SHELLING = Article(
    id="wire-0128b", title="Shelling", date="2020-01-28", source="Wire A",
    text="Government artillery shelled Saraqib on Tuesday.\n",
)  # fmt: skip
FRIDAY = Article(
    id="wire-0131", title="Strikes again", date="2020-01-31", source="Wire A",
    text="Air strikes hit Saraqib again on Friday, rescuers said.\n",
)  # fmt: skip


def _saraqib(events: pd.DataFrame) -> pd.DataFrame:
    return events[events["place_name"] == "Saraqib"]


def _ids(events: pd.DataFrame, article: Article) -> set[str]:
    return set(_saraqib(events)[_saraqib(events)["article_id"] == article.id]["event_id"])


@pytest.fixture(scope="module")
def retold(gazetteer) -> pd.DataFrame:
    return api.build_events([WIRE, DAILY, WEEKLY, SHELLING], gazetteer)


def test_the_articles_are_read_as_the_test_means(retold):
    """The premise: every article's Saraqib row is typed and dated as written (else the test proves nothing)."""
    rows = _saraqib(retold).set_index("article_id")
    assert rows.loc[[WIRE.id, DAILY.id, WEEKLY.id], "event_type"].tolist() == ["airstrike"] * 3
    assert rows.loc[SHELLING.id, "event_type"] == "shelling"
    assert rows.loc[DAILY.id, "mention"] == "Saraqeb"
    assert str(rows.loc[WIRE.id, "event_date"].date()) == str(rows.loc[DAILY.id, "event_date"].date()) == "2020-01-28"
    assert rows.loc[WEEKLY.id, "date_precision"] == "week"
    week = (str(rows.loc[WEEKLY.id, "event_date"].date()), str(rows.loc[WEEKLY.id, "event_date_end"].date()))
    assert week == ("2020-01-27", "2020-02-02")


def test_three_reports_of_one_strike_share_one_event_id(retold):
    ids = _ids(retold, WIRE) | _ids(retold, DAILY) | _ids(retold, WEEKLY)
    assert len(ids) == 1 and next(iter(ids)).startswith("ev-")


def test_another_type_at_the_same_place_and_day_is_another_event(retold):
    assert _ids(retold, SHELLING).isdisjoint(_ids(retold, WIRE))


def test_a_strike_on_another_day_is_another_event_and_the_week_cannot_say_which(gazetteer, retold):
    events = api.build_events([WIRE, DAILY, WEEKLY, SHELLING, FRIDAY], gazetteer)
    assert _ids(events, FRIDAY).isdisjoint(_ids(events, WIRE))
    assert _ids(events, WIRE) == _ids(events, DAILY) == _ids(retold, WIRE)  # the day event keeps its id
    assert _ids(events, WEEKLY).isdisjoint(_ids(events, WIRE) | _ids(events, FRIDAY))  # overlaps both days


def test_ids_do_not_depend_on_the_order_of_articles(gazetteer, retold):
    articles = [WIRE, DAILY, WEEKLY, SHELLING]
    random.Random(7).shuffle(articles)
    shuffled = api.build_events(articles, gazetteer)
    key = ["article_id", "start"]
    pd.testing.assert_frame_equal(
        shuffled.sort_values(key).reset_index(drop=True), retold.sort_values(key).reset_index(drop=True)
    )


def test_mentions_and_demonyms_report_no_event(gazetteer):
    text = "Syrian officials visited the market. Saraqib is a town on the M5 highway.\n"
    events = api.build_events([Article(id="quiet", title="q", text=text, date="2020-01-28")], gazetteer)
    assert len(events) and events["event_id"].isna().all()


def test_undated_reports_are_one_event_per_article():
    table = pd.DataFrame(
        {
            "article_id": ["a", "a", "b"], "start": [0, 50, 0], "type": ["place"] * 3, "place_id": ["1"] * 3,
            "place_name": ["X"] * 3, "event_type": ["airstrike"] * 3, "event_date": [None] * 3,
        }
    )  # fmt: skip
    from geomap.events.schema import conform

    ids = assign_event_ids(conform(table))["event_id"].tolist()
    assert ids[0] == ids[1] != ids[2]


def test_distinct_events_count_reports_and_sources(retold):
    distinct = distinct_events(retold)
    assert list(distinct.columns) == list(DISTINCT_EVENT_COLUMNS)
    (strike,) = distinct[(distinct["place_name"] == "Saraqib") & (distinct["event_type"] == "airstrike")].itertuples()
    assert (strike.reports, strike.mentions) == (3, 3)
    assert strike.sources == ["Daily B", "Weekly C", "Wire A"]
    assert strike.article_ids == [DAILY.id, WEEKLY.id, WIRE.id]
    assert (str(strike.event_date.date()), strike.date_precision) == ("2020-01-28", "day")  # the finest report's
    assert str(strike.first_reported.date()) == "2020-01-28" and strike.title == WIRE.title
    assert len(distinct) == distinct["event_id"].nunique() == retold["event_id"].nunique()


def test_export_events_writes_one_row_per_event(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    lines = [json.dumps({"id": a.id, "title": a.title, "text": a.text, "date": a.date, "source": a.source})
             for a in (WIRE, DAILY, WEEKLY, SHELLING)]  # fmt: skip
    (folder / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "events.csv"
    assert main(["export", str(folder), "--events", "-o", str(out), "--curated-only"]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    strikes = [r for r in rows if r["place_name"] == "Saraqib" and r["event_type"] == "airstrike"]
    assert len(strikes) == 1 and (strikes[0]["reports"], strikes[0]["sources"]) == ("3", "Daily B; Weekly C; Wire A")
    assert len({r["event_id"] for r in rows}) == len(rows)


def test_per_place_is_refused_for_a_table(tmp_path, capsys):
    seeds = str(Path(__file__).resolve().parent.parent / "seeds")
    assert main(["export", seeds, "--per", "place", "-o", str(tmp_path / "x.csv")]) == 2
    assert "--per place is for GeoJSON" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_geojson_per_event(retold):
    features = json.loads(to_geojson(retold, per="event"))["features"]
    assert len(features) == retold["event_id"].nunique()
    assert {f["properties"]["reports"] for f in features} >= {3}
    assert to_csv(retold, per="event").splitlines()[0].split(",") == list(DISTINCT_EVENT_COLUMNS)
