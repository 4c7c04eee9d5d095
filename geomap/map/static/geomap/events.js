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

    // Filter state, changed by the controls through the API.
    var groupOn = D.groups.map(function () { return true; });
    var catOn = D.categories.map(function () { return true; });
    api.dateLo = 0;
    api.dateHi = D.dates.length - 1;  // undated mentions always pass
    function passes(m) {
      if (!groupOn[A.group[M.article[m]]] || !catOn[M.cat[m]]) return false;
      var d = M.date[m];
      return d < 0 || (d >= api.dateLo && d <= api.dateHi);
    }

    if (!map.getPane("gmAreas")) map.createPane("gmAreas").style.zIndex = 390;  // under markers and heat
    // Clustering needs a maximum zoom, which a map without tile layers does not have.
    if (!isFinite(map.getMaxZoom())) map.setMaxZoom(18);

    // Event types also differ by shape, so colour is not the only cue (colour-blind readers, print).
    var colors = D.categories.map(function (c) { return c[1]; });
    var SHAPES = ["gm-circle", "gm-square", "gm-diamond"];
    api.shape = function (cat) { return D.colorBy === "kind" ? "gm-circle" : SHAPES[cat % SHAPES.length]; };
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

    // Per-place counts under the current filters.
    var count = new Int32Array(nPlaces), domCat = new Int32Array(nPlaces);
    function recount() {
      var perCat = new Int32Array(nCats);
      for (var p = 0; p < nPlaces; p++) {
        perCat.fill(0);
        var n = 0, best = -1;
        for (var j = start[p]; j < start[p + 1]; j++) {
          var m = byPlace[j];
          if (!passes(m)) continue;
          n++;
          var c = M.cat[m];
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
      if (api.heat) {
        api.heat.setOptions({ max: Math.max(1, Math.log2(maxCount + 1)) });
        api.heat.setLatLngs(heatPts);
      }
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
        if (D.colorBy !== "kind") item.appendChild(el("span", "gm-rel", D.categories[M.cat[m]][0]));
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
    var popup = L.popup({ maxWidth: 420, maxHeight: 340, autoPanPadding: [20, 20] });
    function openPlace(p, latlng) {
      popup.setLatLng(latlng).setContent(popupContent(p)).openOn(map);
    }
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
    api.setCategory = function (k, on) { catOn[k] = on; refresh(); };
    api.setGroup = function (g, on) { groupOn[g] = on; refresh(); };
    api.setDateRange = function (lo, hi) { api.dateLo = Math.min(lo, hi); api.dateHi = Math.max(lo, hi); refresh(); };

    if (options.fitBounds && D.bounds) {
      var b = D.bounds;
      // Not animated: a zoom asked for while an animation runs is dropped by Leaflet (a search or a
      // click right after the page opens would do nothing).
      if (b[0][0] === b[1][0] && b[0][1] === b[1][1]) map.setView(b[0], 10, { animate: false });
      else map.fitBounds(b, { padding: [40, 40], maxZoom: 12, animate: false });
    }
    refresh();
  }

  // ---- Parts that attach to an event layer ----------------------------------------------------------
  function whenReady(api, f) { api.whenReady.then(function () { f(api.data); }); }

  function heatmap(api, heat) {
    api.heat = heat;
    whenReady(api, function () { api.refresh(); });
  }

  function title(map, text, position) {
    control(position, function () { return el("div", "gm-title", text); }).addTo(map);
  }

  // The legend doubles as a filter: event types (or place kinds), then the articles or sources.
  function legend(api, position) {
    whenReady(api, function (D) {
      control(position, function () {
        var box = el("div", "gm-box gm-legend");
        box.appendChild(el("h4", null, D.colorBy === "kind" ? "Place kind" : "Event type"));
        D.categories.forEach(function (c, k) {
          var label = el("label"), check = el("input");
          check.type = "checkbox";
          check.checked = true;
          check.addEventListener("change", function () { api.setCategory(k, check.checked); });
          var sw = el("span", "gm-swatch " + api.shape(k));
          sw.style.background = c[1];
          label.appendChild(check);
          label.appendChild(sw);
          label.appendChild(document.createTextNode(c[0]));
          box.appendChild(label);
        });
        box.appendChild(el("div", "gm-meta", "Size and number: mentions. Shaded: areas."));
        if (D.groups.length > 1) {
          var details = el("details", "gm-groups"), list = el("div", "gm-group-list");
          details.appendChild(el("summary", null, D.groups.length + (D.articles.group[0] === 0 &&
            D.groups.length === D.articles.id.length ? " articles" : " sources")));
          D.groups.forEach(function (name, g) {
            var label = el("label", "gm-group"), check = el("input");
            check.type = "checkbox";
            check.checked = true;
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

  function searchBox(api, position) {
    whenReady(api, function (D) {
      var P = D.places;
      control(position, function () {
        var box = el("div", "gm-box gm-search"), input = el("input"), results = el("ul", "gm-results");
        input.type = "search";
        input.placeholder = "Search places…";
        input.setAttribute("aria-label", "Search places");
        var folded = P.name.map(function (n) { return n.toLowerCase(); });
        input.addEventListener("input", function () {
          results.textContent = "";
          var q = input.value.trim().toLowerCase();
          if (!q) return;
          var hits = [];
          for (var p = 0; p < folded.length && hits.length < 10; p++) if (folded[p].indexOf(q) >= 0) hits.push(p);
          hits.forEach(function (p) {
            var li = el("li", null, P.name[p] + (P.kind[p] ? " (" + P.kind[p] + ")" : ""));
            li.tabIndex = 0;
            li.addEventListener("click", function () { api.showPlace(p); results.textContent = ""; });
            li.addEventListener("keydown", function (e) { if (e.key === "Enter") { api.showPlace(p); results.textContent = ""; } });
            results.appendChild(li);
          });
        });
        box.appendChild(input);
        box.appendChild(results);
        stop(box);
        return box;
      }).addTo(api.map);
    });
  }

  // Date range: two sliders over the distinct dates, when there are dates to choose between.
  function timeFilter(api, position) {
    whenReady(api, function (D) {
      if (D.dates.length < 2) return;
      control(position, function () {
        var box = el("div", "gm-box gm-dates"), label = el("div", "gm-range-label");
        box.appendChild(el("h4", null, "Dates"));
        function slider(value) {
          var s = el("input");
          s.type = "range"; s.min = "0"; s.max = String(D.dates.length - 1); s.step = "1"; s.value = String(value);
          return s;
        }
        var lo = slider(0), hi = slider(D.dates.length - 1);
        function show() {
          var a = +lo.value, b = +hi.value;
          label.textContent = D.dates[Math.min(a, b)] + " – " + D.dates[Math.max(a, b)];
        }
        function apply() { api.setDateRange(+lo.value, +hi.value); }
        lo.addEventListener("input", show);
        hi.addEventListener("input", show);
        lo.addEventListener("change", apply);
        hi.addEventListener("change", apply);
        show();
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
    merge: merge };
})(window);
