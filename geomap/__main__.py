"""``python -m geomap`` is the ``geomap`` command."""

from geomap.cli import main

raise SystemExit(main())
