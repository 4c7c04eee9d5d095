/* geomap's place labels on the offline basemap: countries, capitals and cities, seas and rivers.
 *
 * Why: the offline basemap (geomap.vectorBasemap, events.js) draws land and borders only, so a reader
 * could not tell where a marker is without clicking it. The labels come from one bundled data block
 * (static/data/labels.json.gz, made by geomap/map/vendor/labeldata.py: GeoNames cities, Natural Earth
 * countries, seas and rivers) and are drawn on one canvas in their own pane, "gmLabels", zIndex 380:
 * above the basemap (150) and tiles (200), under the event areas (390), the heatmap (400) and the
 * markers (600). The pane takes no pointer events: clicks go through to the map.
 *
 * After each move or zoom the labels are placed again, greedily, in the data's order (countries by
 * size, capitals and cities by population, seas by rank, rivers): a label is drawn when the zoom is
 * in its range, a country's name fits roughly inside the country, and its box overlaps no box drawn
 * before it. Rivers are drawn as thin lines under the labels, their names along them. No font is
 * loaded: the page's own sans-serif, with a halo for legibility.
 *
 * geomap.placeLabels(map, group, dataId, options) adds the label layer to group (the basemap's layer
 * group, so labels come and go with the offline basemap) and returns it. Each layer lists what it drew
 * last in layer.drawn ({text, kind, box: [left, top, right, bottom] in container pixels}).
 */
(function (root) {
  "use strict";
  if (root.geomap && root.geomap.placeLabels) return;  // inlined once per page, after events.js

  var KINDS = ["country", "capital", "city", "ocean", "sea", "river"];
  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  var LAND = "rgba(244,241,232,0.92)", WATER = "rgba(207,226,238,0.92)", WHITE = "rgba(255,255,255,0.92)";
  var STYLES = [
    { font: "600 12px " + FONT, fill: "#6e5d4c", halo: LAND, size: 12, wrap: 90 },                // country
    { font: "600 12px " + FONT, fill: "#1d1d1d", halo: WHITE, size: 12, dot: 3.2 },                // capital
    { font: "12px " + FONT, fill: "#333333", halo: WHITE, size: 12, dot: 2.4 },                     // city
    { font: "italic 14px " + FONT, fill: "#3f6f99", halo: WATER, size: 14, wrap: 110, spacing: "1.5px" },  // ocean
    { font: "italic 12px " + FONT, fill: "#3f6f99", halo: WATER, size: 12, wrap: 90 },             // sea
    { font: "italic 11px " + FONT, fill: "#2f6ea6", halo: LAND, size: 11 }                          // river
  ];
  var RIVER_COLOR = "#8db7da", RIVER_WIDTHS = [0.8, 1.1, 1.5];
  var GAP = 2;  // px kept free around every label
  var RIVER_REPEAT = 280;  // px between two labels of one river

  // The data block: base64 of the gzipped JSON file, inflated by the browser's DecompressionStream.
  var loaded = {};
  function load(dataId) {
    if (!loaded[dataId]) {
      var node = document.getElementById(dataId), bin = atob(node.textContent.trim());
      var bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      loaded[dataId] = new Response(stream).text().then(JSON.parse).then(prepare);
    }
    return loaded[dataId];
  }

  // Web Mercator pixels at zoom 0 (the world is 256 px wide); at zoom z, multiply by 2^z.
  function project(lat, lon) { return L.CRS.EPSG3857.latLngToPoint(L.latLng(lat, lon), 0); }

  function prepare(D) {
    var A = D.labels, labels = [], lines = [];
    for (var i = 0; i < A.n.length; i++) {
      var p = project(A.y[i], A.x[i]);
      labels.push({ text: A.n[i], kind: A.k[i], x: p.x, y: p.y, z: A.z[i], Z: A.Z[i], r: A.r[i] * 256 / 360,
        angle: A.a[i] * Math.PI / 180, river: A.g[i], rows: null, w: 0, h: 0 });
    }
    var R = D.rivers;
    for (var j = 0; j < R.c.length; j++) {
      var c = R.c[j], pts = new Float64Array(c.length), x = 0, y = 0;
      var box = [Infinity, Infinity, -Infinity, -Infinity];
      for (var k = 0; k < c.length; k += 2) {
        x += c[k]; y += c[k + 1];
        var q = project(y / 100, x / 100);
        pts[k] = q.x; pts[k + 1] = q.y;
        box = [Math.min(box[0], q.x), Math.min(box[1], q.y), Math.max(box[2], q.x), Math.max(box[3], q.y)];
      }
      lines.push({ z: R.z[j], width: RIVER_WIDTHS[R.w[j]] || 1, pts: pts, box: box });
    }
    return { labels: labels, lines: lines };
  }

  // A label's rows (two when a long name has a space to break at), width and height, measured once.
  function measure(ctx, label, style) {
    if (label.rows) return;
    ctx.font = style.font;
    if ("letterSpacing" in ctx) ctx.letterSpacing = style.spacing || "0px";
    var rows = [label.text], width = ctx.measureText(label.text).width;
    if (style.wrap && width > style.wrap && label.text.indexOf(" ") > 0) {
      var words = label.text.split(" "), best = null;
      for (var i = 1; i < words.length; i++) {
        var a = words.slice(0, i).join(" "), b = words.slice(i).join(" ");
        var w = Math.max(ctx.measureText(a).width, ctx.measureText(b).width);
        if (!best || w < best[0]) best = [w, a, b];
      }
      rows = [best[1], best[2]];
      width = best[0];
    }
    label.rows = rows;
    label.w = Math.ceil(width);
    label.h = Math.ceil(style.size * 1.2 * rows.length);
  }

  function overlaps(box, placed) {
    for (var i = 0; i < placed.length; i++) {
      var o = placed[i];
      if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) return true;
    }
    return false;
  }

  function drawText(ctx, label, style, x, y, align) {
    ctx.font = style.font;
    if ("letterSpacing" in ctx) ctx.letterSpacing = style.spacing || "0px";
    ctx.textAlign = align;
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    ctx.lineWidth = 3;
    ctx.strokeStyle = style.halo;
    ctx.fillStyle = style.fill;
    var line = style.size * 1.2, top = y - (label.rows.length - 1) * line / 2;
    label.rows.forEach(function (row, i) {
      ctx.strokeText(row, x, top + i * line);
      ctx.fillText(row, x, top + i * line);
    });
  }

  var LabelLayer = L.Layer.extend({
    options: { pane: "gmLabels", padding: 0.1, rivers: true },

    initialize: function (dataId, options) {
      L.setOptions(this, options);
      this._dataId = dataId;
      this.drawn = [];
      this.draws = 0;
      this.ready = null;
    },

    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "gm-labels leaflet-zoom-animated");
      this._canvas.style.pointerEvents = "none";
      this.getPane().appendChild(this._canvas);
      var self = this;
      this.ready = load(this._dataId).then(function (data) {
        self._data = data;
        self._redraw();
        return self;
      });
    },

    onRemove: function () {
      L.DomUtil.remove(this._canvas);
      this._canvas = null;
      this.drawn = [];
    },

    getEvents: function () {
      var events = { moveend: this._redraw, viewreset: this._redraw, resize: this._redraw };
      if (this._map.options.zoomAnimation && L.Browser.any3d) events.zoomanim = this._animateZoom;
      return events;
    },

    // During a zoom animation the canvas is scaled like Leaflet's own overlays, then redrawn.
    _animateZoom: function (e) {
      if (!this._topLeft) return;
      var map = this._map;
      L.DomUtil.setTransform(this._canvas, map._latLngToNewLayerPoint(this._topLeft, e.zoom, e.center),
        map.getZoomScale(e.zoom, this._zoom));
    },

    _redraw: function () {
      var map = this._map, canvas = this._canvas;
      if (!map || !canvas || !this._data) return;
      var size = map.getSize(), pad = size.multiplyBy(this.options.padding).round();
      var width = size.x + 2 * pad.x, height = size.y + 2 * pad.y, ratio = root.devicePixelRatio || 1;
      var topLeft = map.containerPointToLayerPoint([-pad.x, -pad.y]).round();
      L.DomUtil.setPosition(canvas, topLeft);
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = width + "px";
      canvas.style.height = height + "px";
      this._zoom = map.getZoom();
      this._topLeft = map.layerPointToLatLng(topLeft);
      var ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);

      var zoom = this._zoom, scale = Math.pow(2, zoom);
      // The canvas's top left, in world pixels. One world is drawn, as the basemap draws it (no
      // copies: at zoom 1 they would name empty sea).
      var origin = topLeft.add(map.getPixelOrigin());

      if (this.options.rivers) {
        ctx.strokeStyle = RIVER_COLOR;
        ctx.lineJoin = "round";
        ctx.lineCap = "round";
        this._data.lines.forEach(function (line) {
          if (zoom < line.z) return;
          var b = line.box, pts = line.pts, dx = origin.x, dy = origin.y;
          if (b[2] * scale < dx || b[0] * scale > dx + width || b[3] * scale < dy || b[1] * scale > dy + height) return;
          ctx.lineWidth = line.width;
          ctx.beginPath();
          ctx.moveTo(pts[0] * scale - dx, pts[1] * scale - dy);
          for (var i = 2; i < pts.length; i += 2) ctx.lineTo(pts[i] * scale - dx, pts[i + 1] * scale - dy);
          ctx.stroke();
        });
      }

      var placed = [], drawn = [], riverSpots = {}, rivers = this.options.rivers;
      function place(box, label) {
        var padded = [box[0] - GAP, box[1] - GAP, box[2] + GAP, box[3] + GAP];
        if (box[2] < 0 || box[0] > width || box[3] < 0 || box[1] > height || overlaps(padded, placed)) return false;
        placed.push(padded);
        drawn.push({ text: label.text, kind: KINDS[label.kind],
          box: [box[0] - pad.x, box[1] - pad.y, box[2] - pad.x, box[3] - pad.y] });
        return true;
      }
      this._data.labels.forEach(function (label) {
        if (zoom < label.z || zoom > label.Z || (label.kind === 5 && !rivers)) return;
        var style = STYLES[label.kind], x = label.x * scale - origin.x, y = label.y * scale - origin.y;
        if (x < -300 || x > width + 300 || y < -50 || y > height + 50) return;
        measure(ctx, label, style);
        var w = label.w, h = label.h;
        if (label.kind === 0) {  // a country: its name must roughly fit inside it
          var radius = label.r * scale;
          if (w > 3.5 * radius || h > 2.4 * radius) return;
        }
        if (style.dot) {  // a city: a dot, its name beside it (right, left, above or below)
          var d = style.dot, s = d + 3;
          var spots = [
            [x - d, y - h / 2, x + s + w, y + h / 2, x + s, y, "left"],
            [x - s - w, y - h / 2, x + d, y + h / 2, x - s, y, "right"],
            [x - w / 2, y - d - 1 - h, x + w / 2, y + d, x, y - d - 1 - h / 2, "center"],
            [x - w / 2, y - d, x + w / 2, y + d + 1 + h, x, y + d + 1 + h / 2, "center"]
          ];
          for (var i = 0; i < spots.length; i++) {
            var spot = spots[i];
            if (place(spot.slice(0, 4), label)) {
              ctx.beginPath();
              ctx.arc(x, y, d, 0, 2 * Math.PI);
              ctx.fillStyle = label.kind === 1 ? "#ffffff" : "#444444";
              ctx.fill();
              ctx.lineWidth = label.kind === 1 ? 1.6 : 1;
              ctx.strokeStyle = label.kind === 1 ? "#1d1d1d" : "#ffffff";
              ctx.stroke();
              drawText(ctx, label, style, spot[4], spot[5], spot[6]);
              return;
            }
          }
          return;
        }
        if (label.kind === 5) {  // a river: its name along it, one label per stretch of RIVER_REPEAT px
          var spotsOf = riverSpots[label.river] || (riverSpots[label.river] = []);
          if (spotsOf.some(function (p) { return Math.abs(p[0] - x) + Math.abs(p[1] - y) < RIVER_REPEAT; })) return;
          var cos = Math.abs(Math.cos(label.angle)), sin = Math.abs(Math.sin(label.angle));
          var bw = w * cos + h * sin, bh = w * sin + h * cos;
          if (!place([x - bw / 2, y - bh / 2, x + bw / 2, y + bh / 2], label)) return;
          spotsOf.push([x, y]);
          ctx.save();
          ctx.translate(x, y);
          ctx.rotate(label.angle);
          drawText(ctx, label, style, 0, 0, "center");
          ctx.restore();
          return;
        }
        if (place([x - w / 2, y - h / 2, x + w / 2, y + h / 2], label)) {
          drawText(ctx, label, style, x, y, "center");
        }
      });
      if ("letterSpacing" in ctx) ctx.letterSpacing = "0px";
      this.drawn = drawn;
      this.draws += 1;
    }
  });

  function placeLabels(map, group, dataId, options) {
    if (!map.getPane("gmLabels")) {
      var pane = map.createPane("gmLabels");
      pane.style.zIndex = 380;  // over the basemap (150) and tiles (200), under areas (390) and markers (600)
      pane.style.pointerEvents = "none";
    }
    var layer = new LabelLayer(dataId, options || {});
    group.addLayer(layer);
    var geomap = root.geomap || (root.geomap = {});
    (geomap.labelLayers || (geomap.labelLayers = [])).push(layer);
    return layer;
  }

  var geomap = root.geomap || (root.geomap = {});
  geomap.placeLabels = placeLabels;
  geomap.LabelLayer = LabelLayer;
})(window);
