/* geomap's event layer: markers, clusters, areas, heatmap and controls built in the browser.
 *
 * Why in the browser: one JSON document of columnar arrays is ~40 bytes a mention, whereas one
 * folium object per marker costs ~1 kB of generated JS each. Article text is untrusted: it only ever
 * reaches the DOM through textContent / createTextNode (see el()), never innerHTML.
 *
 * The folium elements of geomap.map call this library: EventLayer -> geomap.eventLayer(map, group,
 * dataId, options), which returns the layer's API at once and fills it when the data is inflated;
 * EventHeatmap, Legend, SearchBox, TimeFilter -> geomap.heatmap / legend / searchBox / timeFilter(api, ...);
 * MapTitle -> geomap.title(map, ...); VectorBasemap -> geomap.vectorBasemap(map, group, dataId, options).
 */
(function (root) {
  "use strict";
  if (root.geomap && root.geomap.eventLayer) return;  // the library is inlined once per page

  // A data element holds base64 blocks, one per line, each gzip-compressed JSON (see
  // geomap.map.payload.encode_payload), inflated with the browser's own DecompressionStream
  // (Chrome 80, Firefox 113, Safari 16.4).
  function inflate(b64) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }
  function blocks(dataId) {
    var node = document.getElementById(dataId);
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("This browser is too old to open the map (no DecompressionStream)."));
    }
    return Promise.all(node.textContent.split(/\s+/).filter(Boolean).map(inflate));
  }
  function indexer(values) {
    var index = new Map();
    values.forEach(function (v, i) { index.set(v, i); });
    return index;
  }
  function sortedUnion(lists) {
    var all = new Set();
    lists.forEach(function (list) { list.forEach(function (v) { all.add(v); }); });
    return Array.from(all).sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
  }
  // Head + parts -> one document: the same merge as geomap.map.payload.merge_parts. Each part has its
  // own small tables (articles, places by key, snippets, dates, relations, categories by label);
  // articles end up sorted by id, places by key, and mentions follow their articles.
  function merge(head, parts) {
    var articles = [];
    parts.forEach(function (part, n) {
      part.articles.id.forEach(function (id, local) { articles.push([id, n, local]); });
    });
    articles.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]; });
    var placeKeys = sortedUnion(parts.map(function (p) { return p.places.key; }));
    var placeIndex = indexer(placeKeys);
    var dates = sortedUnion(parts.map(function (p) { return p.dates; }));
    var relations = sortedUnion(parts.map(function (p) { return p.relations; }));
    var dateIndex = indexer(dates), relIndex = indexer(relations);
    var catIndex = new Map();
    head.categories.forEach(function (c, i) { catIndex.set(c[0], i); });
    var cols = ["id", "name", "kind", "country", "admin1", "lat", "lon"], nP = placeKeys.length;
    var places = {}, best = new Int32Array(nP), filled = new Uint8Array(nP), snippets = [], remap = [];
    cols.forEach(function (c) { places[c] = new Array(nP); });
    parts.forEach(function (part) {
      var P = part.places;
      var local = P.key.map(function (k) { return placeIndex.get(k); });
      local.forEach(function (g, j) {
        if (!filled[g]) { filled[g] = 1; cols.forEach(function (c) { places[c][g] = P[c][j]; }); best[g] = 0; }
        if (P.names[j] > best[g] || (P.names[j] === best[g] && P.name[j] < places.name[g])) {
          places.name[g] = P.name[j];
          best[g] = P.names[j];
        }
      });
      remap.push({ places: local, offset: snippets.length,
        dates: part.dates.map(function (d) { return dateIndex.get(d); }),
        rels: part.relations.map(function (r) { return relIndex.get(r); }),
        cats: part.categories.map(function (c) { return catIndex.get(c); }) });
      for (var s = 0; s < part.snippets.length; s++) snippets.push(part.snippets[s]);
    });
    // Mentions of each local article are contiguous (parts are sorted by article id).
    var ranges = parts.map(function (part) {
      var lo = {}, hi = {}, a = part.mentions.article;
      for (var i = 0; i < a.length; i++) { if (!(a[i] in lo)) lo[a[i]] = i; hi[a[i]] = i + 1; }
      return { lo: lo, hi: hi };
    });
    var M = { place: [], article: [], snippet: [], hs: [], he: [], rel: [], cat: [], date: [] };
    var A = { id: [], title: [], date: [], url: [], source: [] };
    articles.forEach(function (entry, g) {
      var part = parts[entry[1]], r = remap[entry[1]], local = entry[2], m = part.mentions;
      ["id", "title", "date", "url", "source"].forEach(function (c) { A[c].push(part.articles[c][local]); });
      var lo = ranges[entry[1]].lo[local], hi = ranges[entry[1]].hi[local];
      if (lo === undefined) return;
      for (var i = lo; i < hi; i++) {
        M.place.push(r.places[m.place[i]]);
        M.article.push(g);
        M.snippet.push(r.offset + m.snippet[i]);
        M.hs.push(m.hs[i]);
        M.he.push(m.he[i]);
        M.rel.push(r.rels[m.rel[i]]);
        M.cat.push(r.cats[m.cat[i]]);
        M.date.push(m.date[i] >= 0 ? r.dates[m.date[i]] : -1);
      }
    });
    var groups;
    if (head.groups === null) {  // few articles: one layer entry each
      groups = A.id.map(function (id, i) { return A.date[i] ? A.date[i] + " · " + A.title[i] : (A.title[i] || id); });
      A.group = A.id.map(function (_, i) { return i; });
    } else {
      groups = head.groups;
      var groupIndex = indexer(groups);
      A.group = A.source.map(function (s) {
        var g = groupIndex.get(s || "(no source)");
        return g === undefined ? groups.length - 1 : g;
      });
    }
    var areaOf = new Map();
    head.areas.features.forEach(function (f, i) {
      areaOf.set(f.properties.k, i);
      f.properties = { p: placeIndex.get(f.properties.k) };
    });
    places.area = placeKeys.map(function (k) { var i = areaOf.get(k); return i === undefined ? -1 : i; });
    var aliases = head.aliases || {};
    places.aliases = places.id.map(function (id) { return aliases[id] || []; });
    var counts = new Array(nP).fill(0);
    M.place.forEach(function (p) { counts[p]++; });
    return { title: head.title, colorBy: head.colorBy, categories: head.categories, articles: A, groups: groups,
      dates: dates, relations: relations, places: places, counts: counts, mentions: M, snippets: snippets,
      areas: head.areas, bounds: head.bounds };
  }
  // ---- DOM helpers: text goes in as text, never as markup ------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function stop(node) {
    L.DomEvent.disableClickPropagation(node);
    L.DomEvent.disableScrollPropagation(node);
  }
  function control(position, build) {  // an L.Control whose content build() makes
    var Box = L.Control.extend({ onAdd: build });
    return new Box({ position: position });
  }

  // ---- The event layer ----------------------------------------------------------------------------
  // Returns the layer's API at once; api.ready resolves with it once the data is drawn.
  function eventLayer(map, group, dataId, options) {
    var api = { map: map, layer: group, ready: false, heat: null, listeners: [] };
    api.whenReady = blocks(dataId).then(function (docs) {
      build(api, merge(Object.assign(docs[0], docs[1]), docs.slice(2)), options);
      return api;
    }, function (err) {
      map.getContainer().appendChild(el("div", "gm-error", err.message));
      throw err;
    });
    root.geomap.layers.push(api);
    root.geomap.current = api;
    exposeCurrent(api);
    return api;
  }
  function exposeCurrent(api) {  // window.geomap.map, .cluster, ...: the last event layer (tests, bench)
    ["map", "layer", "cluster", "markers", "areas", "data", "showPlace", "placeIndex"].forEach(function (k) {
      Object.defineProperty(root.geomap, k, { configurable: true, get: function () { return root.geomap.current[k]; } });
    });
  }

  function build(api, D, options) {
    var map = api.map, group = api.layer;
    var P = D.places, M = D.mentions, A = D.articles;
    var nPlaces = P.lat.length, nMentions = M.place.length, nCats = D.categories.length;
    api.data = D;

    // Mentions of each place, in table order (CSR layout: byPlace[start[p] .. start[p+1]]).
    var start = new Int32Array(nPlaces + 1), byPlace = new Int32Array(nMentions), fill, i, p;
    for (i = 0; i < nMentions; i++) start[M.place[i] + 1]++;
    for (p = 0; p < nPlaces; p++) start[p + 1] += start[p];
    fill = start.slice(0, nPlaces);
    for (i = 0; i < nMentions; i++) byPlace[fill[M.place[i]]++] = i;

    // Filter state, changed by the controls through the API (and restored from a permalink).
    var groupOn = D.groups.map(function () { return true; });
    var catOn = D.categories.map(function () { return true; });
    api.groupOn = groupOn;
    api.catOn = catOn;
    api.dateLo = 0;
    api.dateHi = D.dates.length - 1;  // undated mentions always pass
    function passesOtherFilters(m) {  // all filters but the event type: what the legend counts
      if (!groupOn[A.group[M.article[m]]]) return false;
      var d = M.date[m];
      return d < 0 || (d >= api.dateLo && d <= api.dateHi);
    }
    function passes(m) { return catOn[M.cat[m]] && passesOtherFilters(m); }

    if (!map.getPane("gmAreas")) map.createPane("gmAreas").style.zIndex = 390;  // under markers and heat
    // Clustering needs a maximum zoom, which a map without tile layers does not have.
    if (!isFinite(map.getMaxZoom())) map.setMaxZoom(18);

    // Each category: [value, colour, reader's label, shape] (geomap.map.style). Types differ by shape
    // as well as colour, so colour is not the only cue (colour-blind readers, print).
    var colors = D.categories.map(function (c) { return c[1]; });
    api.shape = function (cat) { return "gm-" + (D.categories[cat][3] || "circle"); };
    api.label = function (cat) { return D.categories[cat][2] || D.categories[cat][0]; };
    var iconCache = {};
    function icon(cat, count) {
      var size = Math.min(34, Math.round(14 + 5 * Math.log2(count)));
      var key = cat + "|" + count;
      if (!iconCache[key]) {
        // Only numbers and our own palette go into this markup: no article text.
        iconCache[key] = L.divIcon({
          className: "", iconSize: [size, size],
          html: '<div class="gm-marker ' + api.shape(cat) + '" style="width:' + size + "px;height:" + size +
            "px;background:" + colors[cat] + '"><span>' + (count > 1 ? String(count) : "") + "</span></div>"
        });
      }
      return iconCache[key];
    }

    // Per-place counts under the current filters; per-category counts under the other filters.
    var count = new Int32Array(nPlaces), domCat = new Int32Array(nPlaces), catCount = new Int32Array(nCats);
    api.catCount = catCount;
    function recount() {
      var perCat = new Int32Array(nCats);
      catCount.fill(0);
      for (var p = 0; p < nPlaces; p++) {
        perCat.fill(0);
        var n = 0, best = -1;
        for (var j = start[p]; j < start[p + 1]; j++) {
          var m = byPlace[j];
          if (!passesOtherFilters(m)) continue;
          var c = M.cat[m];
          catCount[c]++;
          if (!catOn[c]) continue;
          n++;
          perCat[c]++;
          if (best < 0 || perCat[c] > perCat[best] || (perCat[c] === perCat[best] && c < best)) best = c;
        }
        count[p] = n;
        domCat[p] = best < 0 ? 0 : best;
      }
    }

    // Markers, clusters, areas. Cluster badges count mentions (what the reader asks about), not places.
    function clusterIcon(c) {
      var total = 0, children = c.getAllChildMarkers();
      for (var k = 0; k < children.length; k++) total += count[children[k].gmPlace];
      var size = total < 10 ? "small" : total < 100 ? "medium" : "large";
      return L.divIcon({ html: "<div><span>" + String(total) + "</span></div>",
        className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40) });
    }
    var markers = new Array(nPlaces), target;
    if (options.cluster) {
      target = L.markerClusterGroup({ chunkedLoading: true, chunkInterval: 150, chunkDelay: 10,
        showCoverageOnHover: false, maxClusterRadius: 50, iconCreateFunction: clusterIcon,
        chunkProgress: function (done, total) { if (done >= total) markReady(); } });
    } else {
      target = L.featureGroup();
    }
    for (p = 0; p < nPlaces; p++) {
      if (P.area[p] >= 0) continue;
      markers[p] = L.marker([P.lat[p], P.lon[p]], { icon: icon(0, 1), keyboard: false });
      markers[p].gmPlace = p;
    }
    group.addLayer(target);

    var areaLayers = new Array(nPlaces);
    var areas = L.geoJSON(D.areas, {
      pane: "gmAreas",
      style: function () { return { weight: 2, fillOpacity: 0.12 }; },
      onEachFeature: function (feature, layer) { layer.gmPlace = feature.properties.p; areaLayers[feature.properties.p] = layer; }
    });
    if (options.areas) group.addLayer(areas);

    function markReady() {
      if (api.ready) return;
      api.ready = true;
      api.readyAt = performance.now();  // ms since navigation start, read by bench/map.py
      if (root.geomap.current === api) {
        root.geomap.ready = true;
        root.geomap.readyAt = api.readyAt;
      }
      document.body.setAttribute("data-geomap-ready", "1");
    }

    function refresh() {
      recount();
      var visible = [], heatPts = [], maxCount = 1;
      for (var p = 0; p < nPlaces; p++) {
        if (count[p] > maxCount) maxCount = count[p];
        if (!count[p]) continue;
        heatPts.push([P.lat[p], P.lon[p], Math.log2(count[p] + 1)]);
        if (markers[p]) {
          markers[p].setIcon(icon(domCat[p], count[p]));
          visible.push(markers[p]);
        }
      }
      areaLayers.forEach(function (layer, p) {
        if (!layer) return;
        var c = colors[domCat[p]];
        var fill = P.kind[p] === "country" ? 0.08 : 0.16;
        layer.setStyle(count[p] ? { color: c, fillColor: c, opacity: 0.9, fillOpacity: fill } : { opacity: 0, fillOpacity: 0 });
      });
      api.heatPoints = { points: heatPts, max: Math.max(1, Math.log2(maxCount + 1)) };
      drawHeat(api);
      target.clearLayers();
      target.addLayers ? target.addLayers(visible) : visible.forEach(function (m) { target.addLayer(m); });
      if (!visible.length || !options.cluster) markReady();
      api.listeners.forEach(function (f) { f(); });
    }

    // Popups and tooltips (DOM built from text nodes only).
    var MAX_SNIPPETS = 200;
    function placeLabel(p) {
      return P.name[p] + " — " + count[p] + (count[p] === 1 ? " mention" : " mentions");
    }
    function popupContent(p) {
      var box = el("div", "gm-popup");
      box.appendChild(el("h3", null, P.name[p]));
      var meta = [P.kind[p], P.admin1[p], P.country[p]].filter(Boolean).join(" · ");
      box.appendChild(el("div", "gm-meta", meta + (meta ? " · " : "") + count[p] + (count[p] === 1 ? " mention" : " mentions")));
      var lastArticle = -1, list = null, shown = 0, hidden = 0;
      for (var j = start[p]; j < start[p + 1]; j++) {
        var m = byPlace[j];
        if (!passes(m)) continue;
        if (shown >= MAX_SNIPPETS) { hidden++; continue; }
        var a = M.article[m];
        if (a !== lastArticle) {
          var art = el("div", "gm-article"), head = el("div", "gm-article-head");
          if (A.url[a]) {
            var link = el("a", null, A.title[a] || A.url[a]);
            link.href = A.url[a];
            link.target = "_blank";
            link.rel = "noopener noreferrer";
            head.appendChild(link);
          } else {
            head.textContent = A.title[a] || A.id[a];
          }
          art.appendChild(head);
          var sub = [A.date[a], A.source[a]].filter(Boolean).join(" · ");
          if (sub) art.appendChild(el("div", "gm-article-sub", sub));
          list = el("ul");
          art.appendChild(list);
          box.appendChild(art);
          lastArticle = a;
        }
        var item = el("li"), text = D.snippets[M.snippet[m]], hs = M.hs[m], he = M.he[m];
        var rel = D.relations[M.rel[m]];
        if (rel) item.appendChild(el("span", "gm-rel", rel));
        if (D.colorBy !== "kind") item.appendChild(el("span", "gm-rel", api.label(M.cat[m])));
        if (hs >= 0 && he > hs) {
          item.appendChild(document.createTextNode(text.slice(0, hs)));
          item.appendChild(el("mark", null, text.slice(hs, he)));
          item.appendChild(document.createTextNode(text.slice(he)));
        } else {
          item.appendChild(document.createTextNode(text));
        }
        list.appendChild(item);
        shown++;
      }
      if (hidden) box.appendChild(el("div", "gm-more", "… and " + hidden + " more"));
      return box;
    }
    // The popup fits the screen it opens on (a phone is 390 px wide).
    var popup = L.popup({ maxWidth: Math.min(420, window.innerWidth - 50), autoPanPadding: [20, 20],
      maxHeight: Math.min(340, Math.round(window.innerHeight * 0.55)) });
    function openPlace(p, latlng) {
      api.openPlace = p;
      popup.setLatLng(latlng).setContent(popupContent(p)).openOn(map);
    }
    map.on("popupclose", function (e) { if (e.popup === popup) { api.openPlace = -1; notify(); } });
    map.on("popupopen", function (e) { if (e.popup === popup) notify(); });
    var tip = L.tooltip({ direction: "top", offset: [0, -10] });
    function showTip(p, latlng) {
      tip.setLatLng(latlng).setContent(el("span", null, placeLabel(p)));
      map.openTooltip(tip);
    }
    if (options.popups) {
      target.on("click", function (e) { if (e.layer.gmPlace !== undefined) openPlace(e.layer.gmPlace, e.layer.getLatLng()); });
      areas.on("click", function (e) { openPlace(e.layer.gmPlace, e.latlng); });
    }
    target.on("mouseover", function (e) { if (e.layer.gmPlace !== undefined) showTip(e.layer.gmPlace, e.layer.getLatLng()); });
    target.on("mouseout", function () { map.closeTooltip(tip); });
    areas.on("mouseover", function (e) { showTip(e.layer.gmPlace, e.latlng); });
    areas.on("mouseout", function () { map.closeTooltip(tip); });

    function showPlace(p) {
      if (markers[p]) {
        var open = function () { openPlace(p, markers[p].getLatLng()); };
        if (target.zoomToShowLayer) target.zoomToShowLayer(markers[p], open);
        else { map.setView(markers[p].getLatLng(), Math.max(map.getZoom(), 10)); open(); }
      } else if (areaLayers[p]) {
        map.fitBounds(areaLayers[p].getBounds());
        openPlace(p, areaLayers[p].getBounds().getCenter());
      }
    }

    api.cluster = target;
    api.markers = markers;
    api.areas = areaLayers;
    api.count = count;
    api.showPlace = showPlace;
    api.refresh = refresh;
    api.placeIndex = function (id) { return P.id.indexOf(String(id)); };
    api.openPlace = -1;
    api.passes = passes;  // does mention m pass the legend's and the dates' filters? (the event list asks)
    api.setCategory = function (k, on) { catOn[k] = on; refresh(); };
    api.setGroup = function (g, on) { groupOn[g] = on; refresh(); };
    api.setDateRange = function (lo, hi) { api.dateLo = Math.min(lo, hi); api.dateHi = Math.max(lo, hi); refresh(); };
    api.eventBounds = function () { return eventBounds(D, markers, start, byPlace); };
    // Controls and the permalink listen for changes of the view, the filters and the open popup.
    api.changeListeners = [];
    function notify() { api.changeListeners.forEach(function (f) { f(); }); }
    api.listeners.push(notify);
    map.on("moveend", notify);

    var restored = options.permalink ? restorePermalink(api, D) : null;
    if (!restored && options.fitBounds) fitView(map, api.eventBounds());
    refresh();
    if (restored && restored.place >= 0 && restored.place < nPlaces) {
      openPlace(restored.place, areaLayers[restored.place] ? areaLayers[restored.place].getBounds().getCenter()
        : L.latLng(P.lat[restored.place], P.lon[restored.place]));
    }
    if (options.permalink) keepPermalink(api, D);
    responsiveControls(map);
  }

  // ---- The initial view -----------------------------------------------------------------------------
  // Fitted to where something happened: the markers of places with an event other than a statement
  // ("Moscow said") or a mere mention; if none, all markers; if none, the areas (D.bounds).
  var QUIET_TYPES = { diplomacy: true, mention_only: true };
  function eventBounds(D, markers, start, byPlace) {
    var P = D.places, M = D.mentions, events = L.latLngBounds([]), all = L.latLngBounds([]);
    for (var p = 0; p < P.lat.length; p++) {
      if (!markers[p]) continue;
      var at = L.latLng(P.lat[p], P.lon[p]);
      all.extend(at);
      for (var j = start[p]; j < start[p + 1]; j++) {
        if (D.colorBy === "kind" || !QUIET_TYPES[D.categories[M.cat[byPlace[j]]][0]]) { events.extend(at); break; }
      }
    }
    if (events.isValid()) return events;
    if (all.isValid()) return all;
    return D.bounds ? L.latLngBounds(D.bounds) : null;
  }
  function fitView(map, bounds) {
    if (!bounds) return;
    // Not animated: a zoom asked for while an animation runs is dropped by Leaflet (a search or a
    // click right after the page opens would do nothing). One place: a town-sized view. The margins
    // keep the markers clear of the panels: on a large screen the search box and dates on the left,
    // the layer list, event list and legend on the right; on a phone the panels are small buttons.
    var small = smallScreen(), width = map.getSize().x;
    var left = small ? 48 : Math.min(240, width * 0.2), right = small ? 48 : Math.min(340, width * 0.28);
    if (bounds.getNorthEast().equals(bounds.getSouthWest())) map.setView(bounds.getCenter(), 10, { animate: false });
    else map.fitBounds(bounds, { paddingTopLeft: [left, 64], paddingBottomRight: [right, 64], maxZoom: 12, animate: false });
  }

  // ---- Permalinks: the view, the filters and the open popup in the URL's hash ---------------------------
  // "#map=7/35.9/36.6&types=airstrike,shelling&dates=2020-01-20,2020-01-27&place=169389": a reader
  // sends "this place on this day" to a colleague; opening the file with it restores all of it.
  function parseHash() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > 0) out[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1));
    });
    return out;
  }
  function restorePermalink(api, D) {
    var h = parseHash(), restored = { place: -1 };
    if (!h.map && !h.types && !h.dates && !h.place) return null;
    var view = (h.map || "").split("/").map(Number);
    if (view.length === 3 && view.every(isFinite)) api.map.setView([view[1], view[2]], view[0], { animate: false });
    else if (api.eventBounds) fitView(api.map, api.eventBounds());
    if (h.types !== undefined) {
      var wanted = {};
      h.types.split(",").forEach(function (t) { wanted[t] = true; });
      D.categories.forEach(function (c, k) { api.catOn[k] = !!wanted[c[0]]; });
    }
    if (h.dates) {
      var range = h.dates.split(","), lo = D.dates.indexOf(range[0]), hi = D.dates.indexOf(range[1]);
      if (lo >= 0 && hi >= 0) { api.dateLo = Math.min(lo, hi); api.dateHi = Math.max(lo, hi); }
    }
    if (h.place) restored.place = D.places.id.indexOf(h.place);
    return restored;
  }
  function keepPermalink(api, D) {
    function write() {
      var map = api.map, c = map.getCenter(), parts = [];
      parts.push("map=" + map.getZoom() + "/" + c.lat.toFixed(4) + "/" + c.lng.toFixed(4));
      if (api.catOn.some(function (on) { return !on; })) {
        parts.push("types=" + D.categories.filter(function (_, k) { return api.catOn[k]; })
          .map(function (c) { return encodeURIComponent(c[0]); }).join(","));
      }
      if (D.dates.length && (api.dateLo > 0 || api.dateHi < D.dates.length - 1)) {
        parts.push("dates=" + encodeURIComponent(D.dates[api.dateLo]) + "," + encodeURIComponent(D.dates[api.dateHi]));
      }
      if (api.openPlace >= 0) parts.push("place=" + encodeURIComponent(D.places.id[api.openPlace]));
      var hash = "#" + parts.join("&");
      if (hash !== location.hash) history.replaceState(null, "", hash);
    }
    api.changeListeners.push(write);
    write();
  }

  // ---- Small screens: panels collapse to buttons, the layer list to its icon ---------------------------
  function smallScreen() { return window.matchMedia("(max-width: 600px)").matches; }
  function responsiveControls(map) {
    if (!smallScreen()) return;
    var layers = map.getContainer().querySelector(".leaflet-control-layers");
    if (!layers) return;
    layers.classList.remove("leaflet-control-layers-expanded");
    map.on("click", function () { layers.classList.remove("leaflet-control-layers-expanded"); });
  }
  // A panel (legend, dates, list) as <details>: open on a large screen, a button on a small one. On a
  // small screen an open panel is a sheet at the bottom (events.css), one at a time: opening one closes
  // the others, so the search box, zoom and layers above it stay visible.
  function panel(className, title) {
    var box = el("details", "gm-box gm-panel " + className);
    box.open = !smallScreen();
    box.appendChild(el("summary", "gm-panel-title", title));
    box.addEventListener("toggle", function () {
      if (!box.open || !smallScreen()) return;
      var container = box.closest(".leaflet-container") || document;
      Array.prototype.forEach.call(container.querySelectorAll(".gm-panel[open]"), function (other) {
        if (other !== box) other.open = false;
      });
    });
    return box;
  }

  // ---- Parts that attach to an event layer ----------------------------------------------------------
  function whenReady(api, f) { api.whenReady.then(function () { f(api.data); }); }

  // The heatmap shows the points the last refresh computed (not a second refresh: that would add
  // every marker to the map again while the page loads).
  function heatmap(api, heat) {
    api.heat = heat;
    whenReady(api, function () { drawHeat(api); });
  }
  function drawHeat(api) {
    if (!api.heat || !api.heatPoints) return;
    api.heat.setOptions({ max: api.heatPoints.max });
    api.heat.setLatLngs(api.heatPoints.points);
  }

  function title(map, text, position) {
    control(position, function () { return el("div", "gm-title", text); }).addTo(map);
  }

  // The legend doubles as a filter: event types (or place kinds) with their counts, then the
  // articles or sources. Click a type to show or hide it.
  function legend(api, position) {
    whenReady(api, function (D) {
      control(position, function () {
        var box = panel("gm-legend", D.colorBy === "kind" ? "Place kind" : "Event type");
        var counts = [];
        D.categories.forEach(function (c, k) {
          var label = el("label"), check = el("input"), n = el("span", "gm-count");
          check.type = "checkbox";
          check.checked = api.catOn[k];
          check.addEventListener("change", function () { api.setCategory(k, check.checked); });
          var sw = el("span", "gm-swatch " + api.shape(k));
          sw.style.background = c[1];
          sw.setAttribute("aria-hidden", "true");
          label.appendChild(check);
          label.appendChild(sw);
          label.appendChild(document.createTextNode(api.label(k)));
          label.appendChild(n);
          box.appendChild(label);
          counts.push(n);
        });
        function showCounts() { counts.forEach(function (n, k) { n.textContent = String(api.catCount[k]); }); }
        api.listeners.push(showCounts);
        showCounts();
        box.appendChild(el("div", "gm-meta", "Numbers: mentions. Size: mentions at a place. Shaded: areas."));
        if (D.groups.length > 1) {
          var details = el("details", "gm-groups"), list = el("div", "gm-group-list");
          details.appendChild(el("summary", null, D.groups.length + (D.articles.group[0] === 0 &&
            D.groups.length === D.articles.id.length ? " articles" : " sources")));
          D.groups.forEach(function (name, g) {
            var label = el("label", "gm-group"), check = el("input");
            check.type = "checkbox";
            check.checked = api.groupOn[g];
            check.addEventListener("change", function () { api.setGroup(g, check.checked); });
            label.title = name;
            label.appendChild(check);
            label.appendChild(document.createTextNode(name));
            list.appendChild(label);
          });
          details.appendChild(list);
          box.appendChild(details);
        }
        stop(box);
        return box;
      }).addTo(api.map);
    });
  }

  // Search over every name a place is known by (its name, the spellings of its mentions and the
  // gazetteer's aliases, when the page carries them), each place once; arrows move, Enter opens.
  function searchBox(api, position) {
    whenReady(api, function (D) {
      var P = D.places;
      control(position, function () {
        var box = el("div", "gm-box gm-search"), input = el("input"), results = el("ul", "gm-results");
        input.type = "search";
        input.placeholder = "Search places…";
        input.setAttribute("aria-label", "Search places");
        input.setAttribute("role", "combobox");
        input.setAttribute("aria-expanded", "false");
        input.setAttribute("aria-controls", "gm-search-results");
        results.id = "gm-search-results";
        results.setAttribute("role", "listbox");
        var index = null, active = -1, hits = [];  // the index is made on first use: not on the page's load path
        function close() { results.textContent = ""; hits = []; active = -1; input.setAttribute("aria-expanded", "false"); }
        function choose(p) { close(); api.showPlace(p); }
        function highlight(i) {
          active = i;
          Array.prototype.forEach.call(results.children, function (li, j) {
            li.setAttribute("aria-selected", j === i ? "true" : "false");
            if (j === i) li.scrollIntoView({ block: "nearest" });
          });
        }
        input.addEventListener("input", function () {
          close();
          if (index === null) index = searchIndex(P);
          hits = findPlaces(index, input.value, 10);
          hits.forEach(function (hit) {
            var li = el("li", null, P.name[hit.place] + (P.kind[hit.place] ? " (" + P.kind[hit.place] + ")" : ""));
            if (hit.alias) li.appendChild(el("span", "gm-alias", " — " + hit.alias));
            li.setAttribute("role", "option");
            li.addEventListener("click", function () { choose(hit.place); });
            results.appendChild(li);
          });
          input.setAttribute("aria-expanded", hits.length ? "true" : "false");
        });
        input.addEventListener("keydown", function (e) {
          if (e.key === "ArrowDown" && hits.length) { e.preventDefault(); highlight((active + 1) % hits.length); }
          else if (e.key === "ArrowUp" && hits.length) { e.preventDefault(); highlight((active - 1 + hits.length) % hits.length); }
          else if (e.key === "Enter" && hits.length) { e.preventDefault(); choose(hits[active < 0 ? 0 : active].place); }
          else if (e.key === "Escape") { close(); }
        });
        box.appendChild(input);
        box.appendChild(results);
        stop(box);
        return box;
      }).addTo(api.map);
    });
  }
  // Names folded for matching: lower case, accents and apostrophes off ("Ma'arrat" finds "Maarrat").
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/['’ʼ`‘]/g, "").toLowerCase();
  }
  function searchIndex(P) {  // one entry per (place, name); places with the same id merged
    var byId = new Map(), entries = [];
    for (var p = 0; p < P.name.length; p++) {
      var first = byId.get(P.id[p]);
      if (first === undefined) byId.set(P.id[p], first = p);
      var names = [P.name[p]].concat(P.aliases ? P.aliases[p] || [] : []);
      for (var n = 0; n < names.length; n++) {
        entries.push({ place: first, name: names[n], folded: fold(names[n]), display: P.name[first] });
      }
    }
    return entries;
  }
  function findPlaces(index, query, limit) {  // names that start with the query first, then the others
    var q = fold(query.trim()), seen = new Set(), found = [];
    if (!q) return found;
    [function (e) { return e.folded.indexOf(q) === 0; }, function (e) { return e.folded.indexOf(q) > 0; }]
      .forEach(function (test) {
        for (var i = 0; i < index.length && found.length < limit; i++) {
          var e = index[i];
          if (seen.has(e.place) || !test(e)) continue;
          seen.add(e.place);
          found.push({ place: e.place, alias: e.name !== e.display ? e.name : "" });
        }
      });
    return found;
  }

  // Dates: a play button that steps through the days (or weeks, for a long span), markers appearing
  // as their date arrives, and two sliders that set the range by hand: one control.
  var SPEEDS = [0.5, 1, 2, 4];
  function dayOf(date) {  // the first day of a date at any precision ("2020-01" -> "2020-01-01"; intervals: their start)
    var d = String(date).slice(0, 10);
    return d.length === 4 ? d + "-01-01" : d.length === 7 ? d + "-01" : d;
  }
  function addDays(iso, n) {
    var t = new Date(iso + "T00:00:00Z");
    t.setUTCDate(t.getUTCDate() + n);
    return t.toISOString().slice(0, 10);
  }
  function timeline(dates) {  // the frames the animation shows: every day, or every week for spans over two months
    var first = dayOf(dates[0]), last = dates.map(dayOf).sort().pop();
    var span = (new Date(last) - new Date(first)) / 864e5, step = span > 62 ? 7 : 1, frames = [];
    for (var d = first; d < last; d = addDays(d, step)) frames.push(d);
    frames.push(last);
    return { frames: frames, step: step };
  }
  function timeFilter(api, position) {
    whenReady(api, function (D) {
      if (D.dates.length < 2) return;
      control(position, function () {
        var box = panel("gm-dates", "Dates"), label = el("div", "gm-range-label");
        label.setAttribute("aria-live", "polite");
        function slider(value, name) {
          var s = el("input");
          s.type = "range"; s.min = "0"; s.max = String(D.dates.length - 1); s.step = "1"; s.value = String(value);
          s.setAttribute("aria-label", name);
          return s;
        }
        var lo = slider(api.dateLo, "First date"), hi = slider(api.dateHi, "Last date");
        function show(text) {
          var a = +lo.value, b = +hi.value;
          label.textContent = text || D.dates[Math.min(a, b)] + " – " + D.dates[Math.max(a, b)];
        }
        function apply() { api.setDateRange(+lo.value, +hi.value); }
        lo.addEventListener("input", function () { stopPlay(); show(); });
        hi.addEventListener("input", function () { stopPlay(); show(); });
        lo.addEventListener("change", apply);
        hi.addEventListener("change", apply);

        var line = timeline(D.dates), frame = -1, timer = null, speed = 1;
        var bar = el("div", "gm-play-bar"), play = el("button", "gm-play", "▶"), speedBtn = el("button", "gm-speed", "1×");
        play.type = speedBtn.type = "button";
        play.setAttribute("aria-label", "Play: show events as their dates arrive (" + (line.step === 7 ? "by week" : "by day") + ")");
        speedBtn.setAttribute("aria-label", "Speed");
        function lastIndexUpTo(day) {  // the last date on or before day
          var i = -1;
          for (var k = 0; k < D.dates.length; k++) if (dayOf(D.dates[k]) <= day) i = k;
          return i;
        }
        function step() {
          frame++;
          if (frame >= line.frames.length) { stopPlay(); return; }
          var day = line.frames[frame], upTo = lastIndexUpTo(day);
          lo.value = "0";
          hi.value = String(upTo);  // the first frame is the first date's day: upTo >= 0
          api.setDateRange(0, upTo);
          show((line.step === 7 ? "Week of " : "") + day);
        }
        function startPlay() {
          if (frame < 0 || frame >= line.frames.length - 1) frame = -1;
          play.textContent = "❚❚";
          play.setAttribute("aria-pressed", "true");
          step();
          timer = setInterval(step, 1000 / speed);
          api.playing = true;
        }
        function stopPlay() {
          if (timer !== null) clearInterval(timer);
          timer = null;
          api.playing = false;
          play.textContent = "▶";
          play.setAttribute("aria-pressed", "false");
        }
        play.addEventListener("click", function () { if (timer !== null) stopPlay(); else startPlay(); });
        speedBtn.addEventListener("click", function () {
          speed = SPEEDS[(SPEEDS.indexOf(speed) + 1) % SPEEDS.length];
          speedBtn.textContent = speed + "×";
          if (timer !== null) { clearInterval(timer); timer = setInterval(step, 1000 / speed); }
        });
        bar.appendChild(play);
        bar.appendChild(speedBtn);
        show();
        box.appendChild(bar);
        box.appendChild(lo); box.appendChild(hi); box.appendChild(label);
        stop(box);
        return box;
      }).addTo(api.map);
    });
  }

  // ---- The offline basemap: Natural Earth land, borders and admin-1 lines, drawn on a canvas ------------
  function vectorBasemap(map, group, dataId, options) {
    if (!map.getPane("gmBase")) map.createPane("gmBase").style.zIndex = 150;  // under tiles (200)
    var renderer = L.canvas({ pane: "gmBase", padding: 0.5 });
    group.on("add", function () { map.getContainer().classList.add("gm-sea"); });
    group.on("remove", function () { map.getContainer().classList.remove("gm-sea"); });
    blocks(dataId).then(function (docs) {
      var D = docs[0];
      if (D.world) {
        var land = topojson.feature(D.world, D.world.objects.land);
        var borders = topojson.mesh(D.world, D.world.objects.countries, function (a, b) { return a !== b; });
        group.addLayer(L.geoJSON(land, { renderer: renderer, interactive: false,
          style: { color: "#8a9aa6", weight: 0.8, fillColor: "#f4f1e8", fillOpacity: 1 } }));
        group.addLayer(L.geoJSON(borders, { renderer: renderer, interactive: false,
          style: { color: "#9b8e80", weight: 0.9, fill: false } }));
      }
      if (D.admin1 && D.admin1.features.length && options.admin1) {
        group.addLayer(L.geoJSON(D.admin1, { renderer: renderer, interactive: false,
          style: { color: "#7a6a8c", weight: 1, dashArray: "4 3", fill: false } }));
      }
    });
    return group;
  }

  root.geomap = { layers: [], current: null, ready: false, eventLayer: eventLayer, heatmap: heatmap,
    legend: legend, searchBox: searchBox, timeFilter: timeFilter, title: title, vectorBasemap: vectorBasemap,
    merge: merge,
    panel: panel, el: el, stop: stop };  // helpers for the controls of other files (list.js)
})(window);
