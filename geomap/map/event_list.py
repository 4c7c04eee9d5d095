"""A list of an EventLayer's events in view, synced with the map.

Why: markers say where something happened; a reader also asks what, when and who reported it, and
wants it at a glance, not popup by popup. The list shows one item per (article, place, event type)
among the mentions that pass the legend's and the dates' filters and whose place is in the map's
view, newest first (undated last), then by place: date, place, event type (colour, shape and the
readers' label), headline and source. Clicking an item (or Enter) centres the map on the place and
opens its popup; moving the map or changing a filter updates the list. A ``<select>`` limits it to one
source.

How: ``static/geomap/list.js`` (inlined once per page, after ``events.js``) and
``static/geomap/list.css``. At 100k events it stays fast: nothing is computed while the panel is
closed (a button on a phone) or before the markers are drawn, and at most 200 items are drawn
("… and N more — zoom in").
"""

from __future__ import annotations

from typing import Any

from branca.element import Element

from geomap.map.assets import inline_script, inline_style
from geomap.map.element import AttachedControl

__all__ = ["EventList"]


class EventList(AttachedControl):
    """The events in the map's view as a list, newest first, synced with the map.

    A panel ("Events in view"; a button on small screens until tapped) listing one item per
    (article, place, event type) that passes the layer's filters and lies in view, with a source
    filter. Top right by default, under the layer control. See
    :class:`~geomap.map.element.AttachedControl` for the parameters.

    Examples
    --------
    >>> layer = geomap.EventLayer(events, event_list=False).add_to(m)    # doctest: +SKIP
    >>> geomap.EventList(layer, position="topleft").add_to(m)            # doctest: +SKIP
    """

    _js_function = "eventList"
    default_position = "topright"

    def render(self, **kwargs: Any) -> None:
        """Render as any geomap element, then add ``list.css`` and ``list.js`` (after ``events.js``)
        to the page header, once per page."""
        super().render(**kwargs)
        header = self.get_root().header
        header.add_child(Element(inline_style("geomap/list.css")), name="geomap_list_css")
        header.add_child(Element(inline_script("geomap/list.js")), name="geomap_list_js")
