"""Moved to :mod:`geomap.events.eventdate` (the events subpackage); this module keeps earlier imports working."""

from geomap.events.eventdate import *  # noqa: F403
from geomap.events.eventdate import __all__  # noqa: F401
