"""Read articles from files, folders and standard input: the first step of the pipeline.

Inputs people actually have:

``.txt``
    First non-empty line is the title; offsets refer to the whole file.
``.html`` / ``.htm``
    The main text (boilerplate removed) by trafilatura; title and date from the page metadata.
``.json`` / ``.jsonl``
    One object, a list of objects, or one object per line, with fields ``id``, ``title``, ``text``,
    ``date``, ``url``, ``source``, ``locale`` (or ``language``/``lang``: how the source writes
    ``04/03/2020``; only ``text`` is required). Other field names are mapped with
    ``fields={"text": "body", "title": "headline"}`` (CLI: ``--field text=body``).
``.xml`` / ``.rss`` / ``.atom``
    An RSS or Atom feed (feedparser): each entry is an article; its content or summary, HTML
    stripped, is the text; its link the URL; its published date the date.
``-``
    Standard input (:func:`read_stdin`), read once and parsed exactly as a file of the format named
    (``txt``, ``jsonl``, ``json``, ``html``, ``rss``); messages and ``Article.path`` say ``-``.

Folders are read recursively in sorted order, so results are deterministic. An article without a
date in its metadata gets the first date written near the top of its text ("on January 27, 2020",
a dateline "2020-01-27"), see :func:`geomap.events.eventdate.find_article_date`. Offsets always refer
to ``Article.text``.

What is skipped, what is warned: a missing path, or a folder without any article, raises
:class:`~geomap.errors.SourceError`. A path that cannot be listed, a file that cannot be read and a
bad record (a line of a ``.jsonl`` file, an item of a ``.json`` list, a feed entry) are each
reported through ``on_skip`` as a ``SourceError`` naming it, and the rest is read (without
``on_skip``, the first one raises). A value that is made safe rather than refused (a date that
cannot be read for sure, a value that is not text) is reported through ``on_warning``, and the
article is kept. The details are in each module:

* :mod:`~geomap.sources.listing`: which files a run reads (:func:`list_sources`): folders, symlinks,
  the same file named twice, the run's own outputs and geomap's maps (never inputs);
* :mod:`~geomap.sources.readers`: files and standard input as articles (:func:`read_articles`,
  :func:`read_file`, :func:`read_stdin`), one parser per format; bad files, bad records, odd values;
* :mod:`~geomap.sources.dates`: metadata dates as ``YYYY-MM-DD`` (:func:`parse_date`), and when a
  date is too ambiguous to guess.
"""

from geomap.sources.dates import parse_date
from geomap.sources.listing import (
    ARTICLE_SUFFIXES,
    STDIN,
    SourceListing,
    iter_source_files,
    list_sources,
    path_order,
    source_paths,
)
from geomap.sources.readers import (
    FIELDS,
    FORMATS,
    MAX_BYTES,
    MAX_COLLECTION_BYTES,
    parse_field_options,
    read_articles,
    read_file,
    read_stdin,
)

__all__ = [
    "ARTICLE_SUFFIXES",
    "FIELDS",
    "FORMATS",
    "MAX_BYTES",
    "MAX_COLLECTION_BYTES",
    "STDIN",
    "SourceListing",
    "iter_source_files",
    "list_sources",
    "parse_date",
    "parse_field_options",
    "path_order",
    "source_paths",
    "read_articles",
    "read_file",
    "read_stdin",
]
