/* geomap map page: builds markers, clusters, areas and controls from the embedded JSON.
 *
 * Why in the browser: one JSON document of columnar arrays is ~40 bytes a mention, whereas one
 * folium object per marker costs ~1 kB of generated JS each. Article text is untrusted: it only ever
 * reaches the DOM through textContent / createTextNode (see el()), never innerHTML.
 */
(function () {
  "use strict";
  // The data element holds base64 blocks, one per line: the head, the geometry, then the parts (see
  // geomap.render.render_page). Each is gzip-compressed JSON, inflated with the browser's own
  // DecompressionStream (Chrome 80, Firefox 113, Safari 16.4).
  function inflate(b64) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }
  function load() {
    var blocks = document.getElementById("geomap-data").textContent.split(/\s+/).filter(Boolean);
    return Promise.all(blocks.map(inflate)).then(function (docs) {
      return merge(Object.assign(docs[0], docs[1]), docs.slice(2));  // head + geometry, then the parts
    });
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
  // Head + parts -> one document: the same merge as geomap.render.merge_parts. Each part has its
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
      areas: head.areas, admin1: head.admin1, world: head.world, bounds: head.bounds, offline: head.offline };
  }
  if (typeof DecompressionStream === "undefined") {
    document.getElementById("geomap").textContent = "This browser is too old to open the map (no DecompressionStream).";
    return;
  }
  load().then(main);

function main(D) {
  performance.mark("geomap:data");
  var P = D.places, M = D.mentions, A = D.articles;
  var nPlaces = P.lat.length, nMentions = M.place.length, nCats = D.categories.length;

  // ---- DOM helpers: text goes in as text, never as markup ------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function escapeHtml(text) {  // only for Leaflet APIs that insist on an HTML string (layer names)
    return String(text).replace(/[&<>"'`]/g, function (c) {
      return "&#" + c.charCodeAt(0) + ";";
    });
  }
  function stop(node) {
    L.DomEvent.disableClickPropagation(node);
    L.DomEvent.disableScrollPropagation(node);
  }

  // ---- Indexes --------------------------------------------------------------------------------
  // Mentions of each place, in table order (CSR layout: byPlace[start[p] .. start[p+1]]).
  var start = new Int32Array(nPlaces + 1), byPlace = new Int32Array(nMentions), fill;
  for (var i = 0; i < nMentions; i++) start[M.place[i] + 1]++;
  for (var p = 0; p < nPlaces; p++) start[p + 1] += start[p];
  fill = start.slice(0, nPlaces);
  for (i = 0; i < nMentions; i++) byPlace[fill[M.place[i]]++] = i;

  // ---- Filter state -----------------------------------------------------------------------------
  var groupOn = D.groups.map(function () { return true; });
  var catOn = D.categories.map(function () { return true; });
  var dateLo = 0, dateHi = D.dates.length - 1;  // undated mentions always pass
  function passes(m) {
    if (!groupOn[A.group[M.article[m]]] || !catOn[M.cat[m]]) return false;
    var d = M.date[m];
    return d < 0 || (d >= dateLo && d <= dateHi);
  }

  // ---- Map and basemaps ---------------------------------------------------------------------------
  var map = L.map("geomap", { preferCanvas: false, worldCopyJump: true, minZoom: 1, maxZoom: 18, zoomSnap: 0.5 });
  map.attributionControl.setPrefix(false);
  map.createPane("gmBase").style.zIndex = 150;   // under tiles (200): the offline basemap
  map.createPane("gmAreas").style.zIndex = 390;  // under markers and the heatmap
  var baseRenderer = L.canvas({ pane: "gmBase", padding: 0.5 });

  var osmAttr = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
  var tiles = {
    "OpenStreetMap": L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
      { maxZoom: 19, attribution: osmAttr }),
    "CartoDB Positron": L.tileLayer("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
      { maxZoom: 20, subdomains: "abcd", attribution: osmAttr + ' &copy; <a href="https://carto.com/attributions">CARTO</a>' }),
    "Esri World Imagery": L.tileLayer(
      "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
      { maxZoom: 19, attribution: "Tiles &copy; Esri, Maxar, Earthstar Geographics, and the GIS User Community" }),
    "OpenTopoMap": L.tileLayer("https://{s}.tile.opentopomap.org/{z}/{x}/{y}.png",
      { maxZoom: 17, attribution: osmAttr + ', SRTM | &copy; <a href="https://opentopomap.org">OpenTopoMap</a> (CC-BY-SA)' })
  };
  var baseLayers = {};
  var offlineBase = L.layerGroup([], { attribution: "Natural Earth (public domain)" });
  if (D.world) {
    var land = topojson.feature(D.world, D.world.objects.land);
    var borders = topojson.mesh(D.world, D.world.objects.countries, function (a, b) { return a !== b; });
    L.geoJSON(land, { renderer: baseRenderer, interactive: false,
      style: { color: "#8a9aa6", weight: 0.8, fillColor: "#f4f1e8", fillOpacity: 1 } }).addTo(map);
    L.geoJSON(borders, { renderer: baseRenderer, interactive: false,
      style: { color: "#9b8e80", weight: 0.9, fill: false } }).addTo(map);
    baseLayers["Offline (Natural Earth)"] = offlineBase;
  }
  Object.keys(tiles).forEach(function (k) { baseLayers[k] = tiles[k]; });
  // Offline-first: an inline page makes no request until the reader picks a tile layer.
  (D.offline && D.world ? offlineBase : tiles["OpenStreetMap"]).addTo(map);

  var overlays = {};
  if (D.admin1 && D.admin1.features.length) {
    overlays["Admin-1 borders"] = L.geoJSON(D.admin1, { renderer: L.canvas({ pane: "gmAreas" }), interactive: false,
      style: { color: "#7a6a8c", weight: 1, dashArray: "4 3", fill: false } }).addTo(map);
  }

  performance.mark("geomap:basemap");
  // ---- Colours and icons ------------------------------------------------------------------------
  var colors = D.categories.map(function (c) { return c[1]; });
  // Event types also differ by shape, so colour is not the only cue (colour-blind readers, print).
  var SHAPES = ["gm-circle", "gm-square", "gm-diamond"];
  function shape(cat) { return D.colorBy === "kind" ? "gm-circle" : SHAPES[cat % SHAPES.length]; }
  var iconCache = {};
  function icon(cat, count) {
    var size = Math.min(34, Math.round(14 + 5 * Math.log2(count)));
    var key = cat + "|" + count;
    if (!iconCache[key]) {
      // Only numbers and our own palette go into this markup: no article text.
      iconCache[key] = L.divIcon({
        className: "", iconSize: [size, size],
        html: '<div class="gm-marker ' + shape(cat) + '" style="width:' + size + "px;height:" + size +
          "px;background:" + colors[cat] + '"><span>' + (count > 1 ? String(count) : "") + "</span></div>"
      });
    }
    return iconCache[key];
  }

  // ---- Per-place counts under the current filters -------------------------------------------------
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

  // ---- Markers, clusters, areas, heat -------------------------------------------------------------
  // Cluster badges count mentions (what the reader asks about), not places.
  function clusterIcon(c) {
    var total = 0, children = c.getAllChildMarkers();
    for (var k = 0; k < children.length; k++) total += count[children[k].gmPlace];
    var size = total < 10 ? "small" : total < 100 ? "medium" : "large";
    return L.divIcon({ html: "<div><span>" + String(total) + "</span></div>",
      className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40) });
  }
  var cluster = L.markerClusterGroup({ chunkedLoading: true, chunkInterval: 150, chunkDelay: 10,
    showCoverageOnHover: false, maxClusterRadius: 50, iconCreateFunction: clusterIcon,
    chunkProgress: function (done, total) { if (done >= total) markReady(); } });
  var markers = new Array(nPlaces);
  for (p = 0; p < nPlaces; p++) {
    if (P.area[p] >= 0) continue;
    markers[p] = L.marker([P.lat[p], P.lon[p]], { icon: icon(0, 1), keyboard: false });
    markers[p].gmPlace = p;
  }
  cluster.addTo(map);
  overlays["Places (clustered)"] = cluster;

  var areaLayers = new Array(nPlaces);
  var areas = L.geoJSON(D.areas, {
    pane: "gmAreas",
    style: function () { return { weight: 2, fillOpacity: 0.12 }; },
    onEachFeature: function (feature, layer) { layer.gmPlace = feature.properties.p; areaLayers[feature.properties.p] = layer; }
  }).addTo(map);
  overlays["Areas (countries, provinces)"] = areas;

  var heat = L.heatLayer([], { radius: 22, blur: 18, minOpacity: 0.3 });
  overlays["Heatmap"] = heat;

  performance.mark("geomap:markers");
  var ready = false;
  function markReady() {
    if (ready) return;
    ready = true;
    window.geomap.ready = true;
    window.geomap.readyAt = performance.now();  // ms since navigation start, read by bench/map.py
    document.body.setAttribute("data-geomap-ready", "1");
  }

  function refresh() {
    recount();
    var visible = [], heatPts = [], maxCount = 1;
    for (var p = 0; p < nPlaces; p++) {
      if (count[p] > maxCount) maxCount = count[p];
      if (!count[p]) continue;
      heatPts.push([P.lat[p], P.lon[p], count[p]]);
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
    heat.setOptions({ max: Math.max(1, Math.log2(maxCount + 1)) });
    heat.setLatLngs(heatPts.map(function (h) { return [h[0], h[1], Math.log2(h[2] + 1)]; }));
    cluster.clearLayers();
    cluster.addLayers(visible);
    if (!visible.length) markReady();
  }

  // ---- Popups and tooltips (DOM built from text nodes only) ---------------------------------------
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
  cluster.on("click", function (e) { if (e.layer.gmPlace !== undefined) openPlace(e.layer.gmPlace, e.layer.getLatLng()); });
  cluster.on("mouseover", function (e) { if (e.layer.gmPlace !== undefined) showTip(e.layer.gmPlace, e.layer.getLatLng()); });
  cluster.on("mouseout", function () { map.closeTooltip(tip); });
  areas.on("click", function (e) { openPlace(e.layer.gmPlace, e.latlng); });
  areas.on("mouseover", function (e) { showTip(e.layer.gmPlace, e.latlng); });
  areas.on("mouseout", function () { map.closeTooltip(tip); });

  // ---- Controls ---------------------------------------------------------------------------------------
  var Title = L.Control.extend({ onAdd: function () { return el("div", "gm-title", D.title); } });
  new Title({ position: "topright" }).addTo(map);
  new L.Control.FullScreen({ position: "topleft", title: "Full screen", titleCancel: "Exit full screen" }).addTo(map);

  // Layer control: base maps, overlays, and one entry per article (or source) that filters mentions.
  var groupLayers = D.groups.map(function (label, g) {
    var layer = L.layerGroup();
    layer.gmGroup = g;
    overlays["<span class=\"gm-group\" title=\"" + escapeHtml(label) + "\">" + escapeHtml(label) + "</span>"] = layer;
    layer.addTo(map);
    return layer;
  });
  L.control.layers(baseLayers, overlays, { collapsed: false, position: "topright" }).addTo(map);
  map.on("overlayadd overlayremove", function (e) {
    if (e.layer.gmGroup === undefined) return;
    groupOn[e.layer.gmGroup] = e.type === "overlayadd";
    refresh();
  });
  void groupLayers;

  // Legend, doubling as a category filter.
  var Legend = L.Control.extend({
    onAdd: function () {
      var box = el("div", "gm-box gm-legend");
      box.appendChild(el("h4", null, D.colorBy === "kind" ? "Place kind" : "Event type"));
      D.categories.forEach(function (c, k) {
        var label = el("label"), box2 = el("input");
        box2.type = "checkbox";
        box2.checked = true;
        box2.addEventListener("change", function () { catOn[k] = box2.checked; refresh(); });
        var sw = el("span", "gm-swatch " + shape(k));
        sw.style.background = c[1];
        label.appendChild(box2);
        label.appendChild(sw);
        label.appendChild(document.createTextNode(c[0]));
        box.appendChild(label);
      });
      box.appendChild(el("div", "gm-meta", "Size and number: mentions. Shaded: areas."));
      stop(box);
      return box;
    }
  });
  new Legend({ position: "bottomright" }).addTo(map);

  // Place search.
  var Search = L.Control.extend({
    onAdd: function () {
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
        for (var p = 0; p < nPlaces && hits.length < 10; p++) if (folded[p].indexOf(q) >= 0) hits.push(p);
        hits.forEach(function (p) {
          var li = el("li", null, P.name[p] + (P.kind[p] ? " (" + P.kind[p] + ")" : ""));
          li.tabIndex = 0;
          li.addEventListener("click", function () { showPlace(p); results.textContent = ""; });
          results.appendChild(li);
        });
      });
      box.appendChild(input);
      box.appendChild(results);
      stop(box);
      return box;
    }
  });
  new Search({ position: "topleft" }).addTo(map);

  // Date range (two sliders over the distinct dates), when there are dates to choose between.
  if (D.dates.length > 1) {
    var Dates = L.Control.extend({
      onAdd: function () {
        var box = el("div", "gm-box gm-dates"), label = el("div", "gm-range-label");
        box.appendChild(el("h4", null, "Dates"));
        function slider(value) {
          var s = el("input");
          s.type = "range"; s.min = "0"; s.max = String(D.dates.length - 1); s.step = "1"; s.value = String(value);
          return s;
        }
        var lo = slider(0), hi = slider(D.dates.length - 1);
        function update() {
          var a = +lo.value, b = +hi.value;
          dateLo = Math.min(a, b); dateHi = Math.max(a, b);
          label.textContent = D.dates[dateLo] + " – " + D.dates[dateHi];
        }
        lo.addEventListener("input", update);
        hi.addEventListener("input", update);
        lo.addEventListener("change", refresh);
        hi.addEventListener("change", refresh);
        update();
        box.appendChild(lo); box.appendChild(hi); box.appendChild(label);
        stop(box);
        return box;
      }
    });
    new Dates({ position: "bottomleft" }).addTo(map);
  }
  L.control.scale({ position: "bottomleft" }).addTo(map);

  function showPlace(p) {
    if (markers[p]) {
      cluster.zoomToShowLayer(markers[p], function () { openPlace(p, markers[p].getLatLng()); });
    } else if (areaLayers[p]) {
      map.fitBounds(areaLayers[p].getBounds());
      openPlace(p, areaLayers[p].getBounds().getCenter());
    }
  }

  // ---- Go -------------------------------------------------------------------------------------------------
  window.geomap = { map: map, cluster: cluster, markers: markers, areas: areaLayers, data: D, ready: false,
    showPlace: showPlace, placeIndex: function (id) { return P.id.indexOf(String(id)); } };
  if (D.bounds) {
    var b = D.bounds;
    if (b[0][0] === b[1][0] && b[0][1] === b[1][1]) map.setView(b[0], 10);
    else map.fitBounds(b, { padding: [40, 40], maxZoom: 12 });
  } else {
    map.setView([20, 0], 2);
  }
  refresh();
}
})();
