/* geomap's "Save as PNG" button (geomap.map.save_image.SaveImage): the map's current view as a PNG,
 * drawn in the browser, with no network.
 *
 * How: html-to-image (inlined beside this file, global `htmlToImage`) clones the map's container with
 * every element's computed style, turns each <canvas> (the offline basemap, the place labels, the
 * heatmap) into an <img> of its pixels, wraps the clone in an SVG <foreignObject>, loads that SVG as a
 * data: image and draws it on a canvas of the container's size times devicePixelRatio. The canvas
 * becomes a PNG blob, downloaded through <a download> and a blob: URL. Of the page's security
 * policy only `img-src data:` is used (the SVG and the canvases' images); nothing is
 * fetched: web fonts are not embedded (`skipFonts`), and images that are not data: URLs (online map
 * tiles) are left out, since reading them would need the network (and `connect-src`).
 *
 * Left out of the picture: the controls that only work on screen (zoom, full screen, layer list,
 * search box, this button). Kept: the map itself, the title, legend, dates, scale, attribution and
 * any open popup.
 */
(function (root) {
  "use strict";
  if (root.geomapSaveImage) return;  // inlined once per page

  var SVG = "http://www.w3.org/2000/svg";
  // Controls that make no sense on paper (class names of Leaflet, its plugins and geomap); the event
  // list scrolls, so a picture would show a clipped part of it.
  var SKIP = ["gm-save-image", "leaflet-control-zoom", "leaflet-control-layers", "leaflet-control-fullscreen",
    "leaflet-control-zoom-fullscreen", "gm-search", "gm-list"];

  function keep(node) {
    if (node.nodeType !== 1) return true;
    for (var i = 0; i < SKIP.length; i++) {
      if (node.classList.contains(SKIP[i])) return false;
    }
    if (node.tagName === "IMG" && !/^data:/i.test(node.getAttribute("src") || "")) return false;  // tiles
    return true;
  }

  // A camera, drawn with DOM APIs (no markup parsed).
  function icon() {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var body = document.createElementNS(SVG, "path");
    body.setAttribute("d", "M4 7h3.2l1.6-2.5h6.4L16.8 7H20a1.5 1.5 0 0 1 1.5 1.5v10A1.5 1.5 0 0 1 20 20H4a1.5 1.5 0 0 1"
      + "-1.5-1.5v-10A1.5 1.5 0 0 1 4 7z");
    body.setAttribute("fill", "none");
    body.setAttribute("stroke", "currentColor");
    body.setAttribute("stroke-width", "2");
    body.setAttribute("stroke-linejoin", "round");
    var lens = document.createElementNS(SVG, "circle");
    lens.setAttribute("cx", "12");
    lens.setAttribute("cy", "13.5");
    lens.setAttribute("r", "3.5");
    lens.setAttribute("fill", "none");
    lens.setAttribute("stroke", "currentColor");
    lens.setAttribute("stroke-width", "2");
    svg.appendChild(body);
    svg.appendChild(lens);
    return svg;
  }

  function download(blob, filename) {
    var url = URL.createObjectURL(blob), link = document.createElement("a");
    link.href = url;
    link.download = filename;
    link.style.display = "none";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  // The PNG of the map's current view: a Promise of a Blob (also what tests and scripts may call).
  function mapImage(map) {
    var container = map.getContainer();
    // A clone copies attributes, not the state of checkboxes a reader ticked: copy it (unseen on screen).
    Array.prototype.forEach.call(container.querySelectorAll("input[type=checkbox], input[type=radio]"),
      function (input) { input.defaultChecked = input.checked; });
    return root.htmlToImage.toBlob(container, {
      filter: keep,
      skipFonts: true,
      pixelRatio: root.devicePixelRatio || 1,
      backgroundColor: getComputedStyle(container).backgroundColor,
    }).then(function (blob) {
      if (!blob) throw new Error("the browser made no PNG of the map");
      return blob;
    });
  }

  function saveImage(map, options) {
    var Control = L.Control.extend({
      onAdd: function () {
        var box = L.DomUtil.create("div", "leaflet-bar gm-save-image");
        var button = L.DomUtil.create("button", "gm-save-image-button", box);
        button.type = "button";
        button.title = options.label;
        button.setAttribute("aria-label", options.label);
        button.appendChild(icon());
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.on(button, "click", function () {
          if (button.getAttribute("aria-busy") === "true") return;
          button.setAttribute("aria-busy", "true");
          mapImage(map).then(function (blob) {
            download(blob, options.filename);
          }).catch(function (error) {
            console.error("geomap: could not save the map as PNG:", error);
          }).then(function () {
            button.removeAttribute("aria-busy");
          });
        });
        return box;
      },
    });
    return new Control({ position: options.position }).addTo(map);
  }

  root.geomapSaveImage = saveImage;
  root.geomapMapImage = mapImage;
})(window);
