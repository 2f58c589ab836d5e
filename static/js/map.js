/* Dataset maps with Leaflet from the xstatic package. No tile server is required: the extent is drawn
   on a plain background with a graticule; a tile layer is added only when the page names one.
   - <div class="tp-map" data-geometry='{GeoJSON}'> shows a geometry.
   - <div class="tp-map" data-bbox-input="prefix"> lets the user draw a box (drag with the mouse or use
     the keyboard-accessible inputs) and keeps the four inputs #id_<prefix>west… in sync.
   - <div class="tp-map" data-bbox-field="id"> does the same with one input holding "w,s,e,n" and
     fires its change event (the search form submits on it). Maps inside htmx swaps are set up too. */
(function () {
  "use strict";
  function graticule(map) {
    var lines = [];
    for (var lon = -180; lon <= 180; lon += 1) lines.push([[-85, lon], [85, lon]]);
    for (var lat = -85; lat <= 85; lat += 0.5) lines.push([[lat, -180], [lat, 180]]);
    L.polyline(lines, { color: "#b9c9cc", weight: 0.6, interactive: false }).addTo(map);
  }
  function makeMap(el) {
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    var tiles = el.dataset.tiles;
    if (tiles) { L.tileLayer(tiles, { maxZoom: 18 }).addTo(map); } else { graticule(map); }
    return map;
  }
  function showGeometry(el) {
    var geometry = JSON.parse(el.dataset.geometry || "null");
    var map = makeMap(el);
    if (!geometry) { map.setView([52, 12], 3); return; }
    var layer = L.geoJSON(geometry, { style: { color: "#0b7a75", weight: 2, fillOpacity: 0.15 } }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 13 });
  }
  var SIDES = ["west", "south", "east", "north"];
  function fourInputs(prefix) {
    var inputs = {};
    SIDES.forEach(function (side) { inputs[side] = document.getElementById("id_" + prefix + side); });
    return {
      elements: SIDES.map(function (side) { return inputs[side]; }),
      read: function () {
        var v = {};
        for (var side in inputs) { if (inputs[side].value === "") return null; v[side] = parseFloat(inputs[side].value); }
        return v;
      },
      write: function (v) { SIDES.forEach(function (side) { inputs[side].value = v[side]; }); }
    };
  }
  function oneInput(id) {
    var input = document.getElementById(id);
    return {
      elements: [input],
      read: function () {
        var parts = input.value.split(",").map(parseFloat);
        if (parts.length !== 4 || parts.some(isNaN)) return null;
        return { west: parts[0], south: parts[1], east: parts[2], north: parts[3] };
      },
      write: function (v) {
        input.value = [v.west, v.south, v.east, v.north].join(",");
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    };
  }
  function bboxEditor(el) {
    var fields = el.dataset.bboxField ? oneInput(el.dataset.bboxField) : fourInputs(el.dataset.bboxInput);
    var map = makeMap(el);
    var rect = null;
    function readInputs() {
      var v = fields.read();
      return v ? L.latLngBounds([v.south, v.west], [v.north, v.east]) : null;
    }
    function draw(bounds, fit) {
      if (rect) { map.removeLayer(rect); rect = null; }
      if (!bounds) return;
      rect = L.rectangle(bounds, { color: "#0b7a75", weight: 2, fillOpacity: 0.15 }).addTo(map);
      if (fit) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 13 });
    }
    function writeInputs(b) {
      var r = function (x) { return Math.round(x * 100000) / 100000; };
      fields.write({ west: r(b.getWest()), south: r(b.getSouth()), east: r(b.getEast()), north: r(b.getNorth()) });
    }
    var initial = readInputs();
    if (initial) draw(initial, true); else map.setView([54, 15], 4);
    fields.elements.forEach(function (input) { input.addEventListener("change", function () { draw(readInputs(), true); }); });
    var start = null;
    map.on("mousedown", function (e) {
      if (!e.originalEvent.shiftKey && !el.classList.contains("tp-drawing")) return;
      map.dragging.disable(); start = e.latlng;
    });
    map.on("mousemove", function (e) { if (start) draw(L.latLngBounds(start, e.latlng), false); });
    map.on("mouseup", function (e) {
      if (!start) return;
      var b = L.latLngBounds(start, e.latlng); start = null; map.dragging.enable();
      draw(b, false); writeInputs(b); el.classList.remove("tp-drawing");
      var button = document.querySelector("[data-draw-for='" + el.id + "']");
      if (button) button.setAttribute("aria-pressed", "false");
    });
    var button = document.querySelector("[data-draw-for='" + el.id + "']");
    if (button) button.addEventListener("click", function () {
      var on = el.classList.toggle("tp-drawing");
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  function setUp(root) {
    root.querySelectorAll(".tp-map[data-geometry]").forEach(showGeometry);
    root.querySelectorAll(".tp-map[data-bbox-input], .tp-map[data-bbox-field]").forEach(bboxEditor);
  }
  if (window.htmx) { htmx.onLoad(setUp); } else { setUp(document); }
})();
