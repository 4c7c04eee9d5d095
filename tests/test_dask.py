"""The Dask path gives exactly the single-process ``geomap extract`` output (issue 7).

Articles are generated from the committed gazetteer's place names (tests/articlegen.py), so the
test needs no corpus and no world store; it runs on a real two-process LocalCluster.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("dask", reason="Dask is an optional extra: pip install 'geomap[dask]'")
pytest.importorskip("distributed", reason="Dask is an optional extra: pip install 'geomap[dask]'")

import pandas as pd  # noqa: E402
from articlegen import write_articles  # noqa: E402
from conftest import GAZETTEER_DIR  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

from geomap import api  # noqa: E402
from geomap.distributed import extract_dask  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


def _single_process(folder, tmp_path, gazetteer) -> list[str]:
    out = tmp_path / "single.jsonl"
    api.extract([folder], out, gazetteer=gazetteer)
    return out.read_text(encoding="utf-8").splitlines()


def _from_parquet(folder) -> list[str]:
    table = pd.read_parquet(folder)
    return [
        json.dumps({"id": aid, "toponyms": json.loads(toponyms)}, ensure_ascii=False)
        for aid, toponyms in zip(table["id"], table["toponyms"])
    ]


def test_dask_equals_single_process(tmp_path, cluster, gazetteer):
    folder = tmp_path / "news"
    write_articles(folder, 50, seed=11, sentences=6)
    expected = _single_process(folder, tmp_path, gazetteer)
    with Client(cluster) as client:
        count = extract_dask([folder], tmp_path / "out", scheduler=client, directory=GAZETTEER_DIR, partitions=7)
        workers = client.run(lambda: __import__("geomap.distributed").distributed._GAZETTEERS.__len__())
    assert count == 50
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"part-{i:05d}.parquet" for i in range(7)]
    assert _from_parquet(tmp_path / "out") == expected
    assert sum(1 for line in expected if json.loads(line)["toponyms"]) >= 45  # the articles do name places
    assert set(workers.values()) == {1}  # one gazetteer per worker process, loaded once


def test_dask_by_scheduler_address_rewrites_partitions(tmp_path, cluster, gazetteer):
    folder = tmp_path / "news"
    write_articles(folder, 12, seed=3)
    out = tmp_path / "out"
    extract_dask([folder], out, scheduler=cluster.scheduler_address, directory=GAZETTEER_DIR, partitions=6)
    extract_dask([folder], out, scheduler=cluster.scheduler_address, directory=GAZETTEER_DIR, partitions=2)
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.parquet", "part-00001.parquet"]
    assert _from_parquet(out) == _single_process(folder, tmp_path, gazetteer)


def test_bad_scheduler_names_the_value(tmp_path):
    with pytest.raises(ValueError, match="instead got: 'nowhere'"):
        extract_dask([tmp_path], tmp_path / "out", scheduler="nowhere")
