"""Moved to :mod:`geomap.events.eventtype` (the events subpackage); this module keeps earlier imports working."""

from geomap.events.eventtype import *  # noqa: F403
from geomap.events.eventtype import __all__  # noqa: F401
