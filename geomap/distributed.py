"""The ``geomap extract`` pipeline on a Dask cluster: partitions of articles in, partitioned Parquet out.

Why Dask: geoparsing is pure CPU work per article with no shared state beyond the read-only
gazetteer, so it scales by running the *same* function (:func:`geomap.geoparse` then
:func:`geomap.api.toponym_record`, exactly what ``geomap extract`` does) on many processes or
machines. Threads would not help: the per-match work is Python and holds the GIL.

Install with ``pip install geomap[dask]``. Each worker process loads the gazetteer once and keeps it
in a module-level cache keyed by the gazetteer's digest (for the world store, its version), so a
second run on the same cluster costs no load at all; the digest the client expects travels with
every task, and a worker whose data differ (another curated folder, other package versions) fails
with :class:`~geomap.errors.GazetteerError` instead of producing different answers.

Output: one Parquet file per partition, ``part-00000.parquet``, ``part-00001.parquet``, ... in
``output_dir``, one row per article with the columns

========== ======= ==============================================================================
id         string  the article id (as in ``geomap extract``)
toponyms   string  the JSON array of toponym records, exactly the ``"toponyms"`` value of the
                   article's ``geomap extract`` line
count      int32   how many toponyms
========== ======= ==============================================================================

Why one row per article with a JSON column rather than one row per toponym: articles without any
place keep a row (a per-toponym table would lose them), the records keep their nested fields
(``event_cues`` is a list) and their key order, and the output can be checked byte for byte against
the single-process ``geomap extract``. A per-toponym table is one line away::

    df = pd.read_parquet(output_dir)
    rows = df.assign(t=df.toponyms.map(json.loads)).explode("t").dropna(subset="t")
    flat = pd.json_normalize(rows.t.tolist()).assign(article_id=rows.id.to_numpy())

Multi-node: start ``dask scheduler`` on one machine and ``dask worker tcp://HOST:8786 --nprocs N
--nthreads 1`` on each of the others (each with geomap installed and the world store built, or
``GEOMAP_CACHE_DIR`` pointing at a shared copy), then pass ``scheduler="tcp://HOST:8786"``.
``output_dir`` must then be a folder every worker can write (a shared file system), or an fsspec URL
such as ``s3://bucket/run1`` with the matching fsspec backend installed on every worker.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from geomap.errors import GazetteerError, GeomapError, SourceError
from geomap.gazetteer import Gazetteer, GazetteerDirs, curated_dirs
from geomap.model import Article

__all__ = ["extract_dask", "article_record", "gazetteer_for"]

_GAZETTEERS: dict[tuple, Gazetteer] = {}
_LOCK = threading.Lock()
_COLUMNS = ("id", "toponyms", "count")


def article_record(article: Article, gazetteer: Gazetteer, *, events: bool = True) -> dict:
    """The ``geomap extract`` record of one article: ``{"id": ..., "toponyms": [...]}``."""
    from geomap.api import geoparse, toponym_record

    toponyms = geoparse(article.text, gazetteer)
    return {"id": article.id, "toponyms": [toponym_record(t, article if events else None) for t in toponyms]}


def _spec(directory: GazetteerDirs, world: bool) -> tuple[tuple[str, ...], bool, str]:
    """What identifies a gazetteer across processes: its added folders, its tier and a digest of its inputs."""
    from geomap.gazetteer.world import world_version

    if directory is None:
        extra: tuple[str, ...] = ()
    elif isinstance(directory, (str, Path)):
        extra = (str(directory),)
    else:
        extra = tuple(str(folder) for folder in directory)
    return (extra, world, world_version(curated_dirs([Path(folder) for folder in extra])))


def gazetteer_for(spec: tuple[tuple[str, ...], bool, str]) -> Gazetteer:
    """The gazetteer of ``spec`` in this process, loaded on first use and kept (one per worker process).

    Raises :class:`~geomap.errors.GazetteerError` when this process would build a different gazetteer
    than the client asked for (the inputs' digest differs).
    """
    cached = _GAZETTEERS.get(spec)
    if cached is not None:
        return cached
    with _LOCK:
        if spec not in _GAZETTEERS:
            extra, world, expected = spec
            here = _spec(extra, world)
            if here != spec:
                raise GazetteerError(
                    f"this worker's gazetteer inputs differ from the client's (digest {here[2]} here, {expected} "
                    f"asked for): install the same geomap, gazetteer files and registry packages on every worker"
                )
            from geomap.api import load_gazetteer

            _GAZETTEERS[spec] = load_gazetteer([Path(folder) for folder in extra], world=world)
        return _GAZETTEERS[spec]


def _write_partition(articles: Sequence[Article], path: str, spec: tuple, events: bool) -> int:
    """Geoparse one partition and write it as one Parquet file; returns the number of articles."""
    import fsspec
    import pyarrow as pa
    import pyarrow.parquet as pq

    from geomap.parse.extract import expect_text

    gazetteer = gazetteer_for(spec)
    expect_text(gazetteer, sum(len(article.text) for article in articles))
    ids, payloads, counts = [], [], []
    for article in articles:
        record = article_record(article, gazetteer, events=events)
        ids.append(record["id"])
        payloads.append(json.dumps(record["toponyms"], ensure_ascii=False))
        counts.append(len(record["toponyms"]))
    table = pa.table(
        {"id": pa.array(ids, pa.string()), "toponyms": pa.array(payloads, pa.string()),
         "count": pa.array(counts, pa.int32())}
    )  # fmt: skip
    with fsspec.open(path, "wb") as handle:
        pq.write_table(table, handle)
    return len(ids)


def extract_dask(
    sources_or_bag,
    output_dir: str | Path,
    *,
    scheduler: str = "local",
    partitions: int | None = None,
    directory: GazetteerDirs = None,
    world: bool = False,
    events: bool = True,
    workers: int | None = None,
    on_skip=None,
) -> int:
    """Geoparse articles on a Dask cluster and write partitioned Parquet; returns the article count.

    Parameters
    ----------
    sources_or_bag
        Article files and folders (read here, on the client, as ``geomap extract`` reads them), a
        sequence of :class:`~geomap.model.Article`, or a ``dask.bag.Bag`` of Articles (for inputs too
        big for the client: e.g. ``db.read_text("news-*.jsonl").map(json.loads).map(to_article)``).
    output_dir
        Folder (or fsspec URL) for ``part-NNNNN.parquet``; earlier ``part-*.parquet`` files there
        are removed first so that a smaller re-run leaves no stale partitions.
    scheduler
        ``"local"``: a ``LocalCluster`` of worker processes (one thread each) for this call;
        ``"tcp://host:port"``: an existing cluster's scheduler; or a ``distributed.Client``.
    partitions
        How many partitions (and files). Default: four per worker thread, so that a slow partition
        does not leave the other workers idle at the end. Ignored for a bag (it has its own).
    directory, world
        Which gazetteer, as :func:`geomap.load_gazetteer` takes them (``directory``: folders added to
        the built-in files; every worker must see the same paths).
    events
        Include each toponym's event type and date, as ``geomap extract`` does.
    workers
        Worker processes of a ``"local"`` cluster (default: one per core).
    on_skip
        Called with each unreadable source file's :class:`~geomap.errors.SourceError` (else it raises),
        as in :func:`geomap.read_articles`.

    Examples
    --------
    >>> extract_dask(["news/"], "out/", world=True)                          # doctest: +SKIP
    >>> extract_dask(["news/"], "out/", scheduler="tcp://10.0.0.5:8786")     # doctest: +SKIP
    >>> pd.read_parquet("out/")                                              # doctest: +SKIP
    """
    try:
        import dask
        import dask.bag as db
        import fsspec
        from distributed import Client, LocalCluster
    except ImportError as err:
        raise GeomapError(f"Dask is not installed ({err.name}); install it with: pip install 'geomap[dask]'") from err

    spec = _spec(directory, world)
    cluster = None
    if isinstance(scheduler, Client):
        client, own_client = scheduler, False
    elif scheduler == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client, own_client = Client(cluster), True
    elif isinstance(scheduler, str) and "://" in scheduler:
        client, own_client = Client(scheduler), True
    else:
        raise ValueError(f"Expected scheduler 'local', 'tcp://host:port' or a Client, instead got: {scheduler!r}")
    try:
        if isinstance(sources_or_bag, db.Bag):
            bag = sources_or_bag
        else:
            articles = _articles(sources_or_bag, on_skip)
            threads = sum(client.nthreads().values()) or 1
            bag = db.from_sequence(articles, npartitions=min(len(articles), partitions or threads * 4))
        fs, root = fsspec.core.url_to_fs(str(output_dir))
        fs.makedirs(root, exist_ok=True)
        for stale in fs.glob(f"{root.rstrip('/')}/part-*.parquet"):
            fs.rm(stale)
        base = str(output_dir).rstrip("/")
        tasks = [
            dask.delayed(_write_partition)(part, f"{base}/part-{i:05d}.parquet", spec, events)
            for i, part in enumerate(bag.to_delayed())
        ]
        counts = client.compute(tasks, sync=True)
    finally:
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()
    return int(sum(counts))


def _articles(sources_or_articles: Iterable, on_skip) -> list[Article]:
    items = list(sources_or_articles)
    if items and all(isinstance(item, Article) for item in items):
        return items
    from geomap.sources import read_articles

    articles = read_articles(items, on_skip=on_skip)
    if not articles:
        raise SourceError("no readable article in the given sources; nothing was written")
    return articles
