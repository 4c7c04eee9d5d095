/* geomap's event list (geomap.map.event_list.EventList): the events in view as a list, synced with the map.
 *
 * Why: a reader who opens a map of a week's news asks "what happened here, and when?". Markers answer
 * "where"; the list answers the rest at a glance: one item per (article, place, event type) among the
 * mentions that pass the legend's and the dates' filters (api.passes) and whose place is inside the map's
 * view (areas: their point), newest first (undated last), then by place name. Each item shows the date,
 * the place, the event type (its colour and shape, and the readers' label), the article's headline and
 * its source. A <select> limits the list to one source (the legend already filters by article or source).
 *
 * Synced: clicking an item, or Enter/Space on it, centres the map on the place and opens its popup
 * (api.showPlace); moving the map and changing a filter update the list (api.changeListeners, called on
 * every move, filter change and popup), at most once per animation frame. The item of the open popup is
 * marked.
 *
 * Fast at 100k events: nothing is computed while the panel is closed (a phone shows it as a button), nor
 * before the markers are drawn (the page's load is not slowed); an update is one pass over the mentions,
 * a counting sort by date and a sort of the newest dates' items only, and at most CAP items reach the DOM.
 * The last update's numbers are in api.list ({count, shown, ms, updates}).
 *
 * Article text reaches the DOM through textContent only (geomap.el), never as markup. This file is
 * inlined once per page, after events.js (which replaces window.geomap when it runs) and uses its helpers
 * geomap.panel, geomap.el and geomap.stop.
 */
(function (root) {
  "use strict";
  if (!root.geomap || root.geomap.eventList) return;  // inlined once per page, after events.js

  var CAP = 200;  // items drawn at most; the others are counted ("… and N more — zoom in")
  var SMALL = "(max-width: 600px)";  // as events.js: panels are buttons on small screens

  function eventList(api, position) {
    api.whenReady.then(function () { build(api, position); });
  }

  function plural(n, word) { return n.toLocaleString("en-US") + " " + word + (n === 1 ? "" : "s"); }

  function build(api, position) {
    var g = root.geomap, el = g.el, map = api.map, D = api.data;
    var P = D.places, M = D.mentions, A = D.articles;
    var nPlaces = P.lat.length, nMentions = M.place.length, nCats = D.categories.length, nDates = D.dates.length;

    // Sources: one index per article into the sorted distinct sources ("(no source)" last).
    var NO_SOURCE = "(no source)", sourceIndex = new Map();
    A.source.forEach(function (s) { if (s) sourceIndex.set(s, 0); });
    var sources = Array.from(sourceIndex.keys()).sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
    if (A.source.some(function (s) { return !s; })) sources.push(NO_SOURCE);
    sources.forEach(function (s, i) { sourceIndex.set(s, i); });
    var sourceOf = new Int32Array(A.id.length);
    A.source.forEach(function (s, a) { sourceOf[a] = sourceIndex.get(s || NO_SOURCE); });

    var box = g.panel("gm-list", "Events in view");
    box.setAttribute("aria-label", "Events in view");
    var status = el("div", "gm-list-status");
    status.setAttribute("role", "status");
    box.appendChild(status);
    var select = null;
    if (sources.length > 1) {
      select = el("select", "gm-list-source");
      select.setAttribute("aria-label", "Source");
      var all = el("option", null, "All sources");
      all.value = "";
      select.appendChild(all);
      sources.forEach(function (s, i) {
        var option = el("option", null, s);
        option.value = String(i);
        select.appendChild(option);
      });
      select.addEventListener("change", schedule);
      box.appendChild(select);
    }
    var list = el("ul", "gm-list-items"), more = el("div", "gm-more");
    list.setAttribute("role", "list");
    list.setAttribute("aria-label", "Events in view, newest first");
    box.appendChild(list);
    box.appendChild(more);
    g.stop(box);

    // Place names in reading order (lower case), once, on the first update.
    var placeRank = null;
    function rankPlaces() {
      var names = P.name.map(function (n) { return String(n).toLowerCase(); }), order = [];
      for (var p = 0; p < nPlaces; p++) order.push(p);
      order.sort(function (a, b) { return names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : a - b; });
      placeRank = new Int32Array(nPlaces);
      order.forEach(function (p, r) { placeRank[p] = r; });
    }

    // The events in view under the filters: parallel arrays, one entry per (article, place, type).
    function collect() {
      var b = map.getBounds(), south = b.getSouth(), north = b.getNorth(), west = b.getWest(), east = b.getEast();
      var inView = new Uint8Array(nPlaces), p, m;
      for (p = 0; p < nPlaces; p++) {
        var lat = P.lat[p], lon = P.lon[p];
        if (!(lat >= south && lat <= north)) continue;
        lon += 360 * Math.ceil((west - lon) / 360);  // the view may lie beyond ±180° (worldCopyJump)
        if (lon <= east) inView[p] = 1;
      }
      var source = select && select.value !== "" ? +select.value : -1;
      var items = { article: [], place: [], cat: [], date: [] }, seen = new Map(), last = -1;
      for (m = 0; m < nMentions; m++) {
        p = M.place[m];
        if (!inView[p]) continue;
        var a = M.article[m];
        if ((source >= 0 && sourceOf[a] !== source) || !api.passes(m)) continue;
        if (a !== last) { seen.clear(); last = a; }  // mentions follow their articles (events.js merge)
        var key = p * nCats + M.cat[m], i = seen.get(key), d = M.date[m];
        if (i === undefined) {
          seen.set(key, items.article.length);
          items.article.push(a); items.place.push(p); items.cat.push(M.cat[m]); items.date.push(d);
        } else if (d > items.date[i]) {
          items.date[i] = d;  // an article's event on several days: its latest
        }
      }
      return items;
    }

    // The first `limit` items in reading order: newest date first, undated last, then place, type, article.
    function firstItems(items, limit) {
      var n = items.article.length, order = [], i;
      if (!n || limit <= 0) return order;
      function rank(i) { var d = items.date[i]; return d >= 0 ? nDates - 1 - d : nDates; }  // 0: newest
      var perRank = new Int32Array(nDates + 1);
      for (i = 0; i < n; i++) perRank[rank(i)]++;
      var cut = 0, taken = perRank[0];  // the ranks holding the first `limit` items: 0..cut
      while (taken < limit && cut < nDates) taken += perRank[++cut];
      for (i = 0; i < n; i++) if (rank(i) <= cut) order.push(i);
      if (!placeRank) rankPlaces();
      order.sort(function (x, y) {
        return rank(x) - rank(y) || placeRank[items.place[x]] - placeRank[items.place[y]] ||
          items.cat[x] - items.cat[y] || items.article[x] - items.article[y];
      });
      return order.slice(0, limit);
    }

    function keyOf(items, i) { return items.article[i] + ":" + items.place[i] + ":" + items.cat[i]; }
    function item(items, i) {
      var a = items.article[i], p = items.place[i], c = items.cat[i], d = items.date[i];
      var li = el("li", "gm-item");
      li.tabIndex = 0;
      li.setAttribute("data-key", keyOf(items, i));
      li.setAttribute("data-place", String(p));
      var top = el("div", "gm-item-top"), type = el("span", "gm-item-type");
      top.appendChild(el("span", "gm-item-date", d >= 0 ? D.dates[d] : "no date"));
      top.appendChild(el("span", "gm-item-place", P.name[p]));
      var swatch = el("span", "gm-swatch " + api.shape(c));
      swatch.style.background = D.categories[c][1];
      swatch.setAttribute("aria-hidden", "true");
      type.appendChild(swatch);
      type.appendChild(document.createTextNode(api.label(c)));
      top.appendChild(type);
      li.appendChild(top);
      var headline = A.title[a] || A.id[a], sub = el("div", "gm-item-sub");
      sub.appendChild(el("span", "gm-item-title", headline));
      if (A.source[a]) sub.appendChild(el("span", "gm-item-source", " — " + A.source[a]));
      sub.title = headline + (A.source[a] ? " — " + A.source[a] : "");
      li.appendChild(sub);
      return li;
    }

    var shownKeys = "", stats = { count: 0, shown: 0, ms: 0, updates: 0 };
    api.list = stats;
    function update() {
      var t0 = performance.now();
      var hidden = !map.hasLayer(api.layer);
      var items = hidden ? { article: [] } : collect(), n = items.article.length;
      var order = firstItems(items, CAP);
      var keys = order.map(function (i) { return keyOf(items, i); }).join(",");
      status.textContent = hidden ? "The events layer is hidden." :
        n ? plural(n, "event") + " in view" : "No events in view: zoom out or change the filters.";
      var rest = n - order.length;
      more.textContent = rest > 0 ? "… and " + rest.toLocaleString("en-US") + " more — zoom in" : "";
      if (keys !== shownKeys) {  // redraw only when the items changed (keeps the reader's focus and scroll)
        var focused = list.contains(document.activeElement) ? document.activeElement.getAttribute("data-key") : null;
        var fragment = document.createDocumentFragment();
        order.forEach(function (i) { fragment.appendChild(item(items, i)); });
        list.textContent = "";
        list.appendChild(fragment);
        shownKeys = keys;
        if (focused) {
          var again = list.querySelector('li[data-key="' + focused + '"]');  // digits and colons only
          if (again) again.focus({ preventScroll: true });
        }
      }
      markOpen();
      fit();
      stats.count = n; stats.shown = order.length; stats.updates++;
      stats.ms = Math.round((performance.now() - t0) * 10) / 10;
    }
    function markOpen() {
      Array.prototype.forEach.call(list.children, function (li) {
        var open = +li.getAttribute("data-place") === api.openPlace;
        li.classList.toggle("gm-current", open);
        if (open) li.setAttribute("aria-current", "true"); else li.removeAttribute("aria-current");
      });
    }
    // The list scrolls within the room its corner leaves: down to the controls of the corner below it
    // (or up to those above it), so no control covers another.
    function fit() {
      if (!box.open) return;
      var container = map.getContainer(), top = position.indexOf("top") === 0;
      var side = position.indexOf("right") > 0 ? ".leaflet-right" : ".leaflet-left";
      var other = container.querySelector((top ? ".leaflet-bottom" : ".leaflet-top") + side);
      var area = container.getBoundingClientRect(), rect = box.getBoundingClientRect();
      var limit = top ? area.bottom : area.top;
      if (other && other.children.length) {
        var next = other.getBoundingClientRect();
        limit = top ? next.top : next.bottom;
      }
      var slack = top ? limit - 10 - rect.bottom : rect.top - limit - 10;
      list.style.maxHeight = Math.max(96, Math.floor(list.getBoundingClientRect().height + slack)) + "px";
    }

    // One update per animation frame at most; none while the panel is closed or the markers are being drawn.
    var pending = false;
    function schedule() {
      if (pending || !box.open) return;
      pending = true;
      requestAnimationFrame(function () {
        pending = false;
        if (!api.ready) schedule();
        else if (box.open) update();
      });
    }

    function activate(li) {
      var p = +li.getAttribute("data-place");
      if (api.markers[p]) map.panTo([P.lat[p], P.lon[p]], { animate: false });  // then zoomed in if clustered
      api.showPlace(p);
      if (window.matchMedia(SMALL).matches) {  // a phone: the map and its popup, not the list
        box.open = false;
        box.querySelector("summary").focus();
      }
    }
    function itemOf(node) { return node && node.closest ? node.closest("li.gm-item") : null; }
    list.addEventListener("click", function (e) { var li = itemOf(e.target); if (li) activate(li); });
    list.addEventListener("keydown", function (e) {
      var li = itemOf(e.target);
      if (li && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); activate(li); }
    });
    box.addEventListener("toggle", schedule);
    api.changeListeners.push(schedule);  // moves, filters (after each refresh), popups
    map.on("overlayadd overlayremove", schedule);
    // Another panel opening or closing (a legend's sources) moves the corner below: fit again.
    map.getContainer().addEventListener("toggle", function (e) { if (e.target !== box) fit(); }, true);
    window.addEventListener("resize", schedule);

    var Box = L.Control.extend({ onAdd: function () { return box; } });
    new Box({ position: position }).addTo(map);
    schedule();
  }

  root.geomap.eventList = eventList;
})(window);
