/* Data previews on the dataset page: the "Preview" disclosure per distribution (its content comes by
   htmx from /previews/distributions/<id>/), and maps of a file's features drawn with Leaflet from the
   xstatic package. Feature properties are shown with textContent only: nothing from a file is parsed
   as HTML. Without a tile server, features are drawn on a plain background with a graticule; files in
   a projected CRS (CityJSON) are drawn in plain planar coordinates. */
(function () {
  "use strict";
  var maps = [];

  function graticule(map) {
    var lines = [];
    for (var lon = -180; lon <= 180; lon += 1) lines.push([[-85, lon], [85, lon]]);
    for (var lat = -85; lat <= 85; lat += 0.5) lines.push([[lat, -180], [lat, 180]]);
    L.polyline(lines, { color: "#b9c9cc", weight: 0.6, interactive: false }).addTo(map);
  }

  function popupContent(properties) {
    var table = document.createElement("table");
    table.className = "tp-preview-popup";
    Object.keys(properties || {}).slice(0, 20).forEach(function (key) {
      if (key === "colour") return;
      var row = table.insertRow();
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = key;
      row.appendChild(th);
      row.insertCell().textContent = properties[key] === null ? "" : String(properties[key]);
    });
    return table;
  }

  function drawMap(el) {
    if (el.dataset.ready) return;
    el.dataset.ready = "1";
    var features = JSON.parse(el.dataset.features || "null");
    var geographic = el.dataset.geographic === "true";
    var options = { attributionControl: false, zoomSnap: 0.25 };
    if (!geographic) { options.crs = L.CRS.Simple; options.minZoom = -20; }
    var map = L.map(el, options);
    if (geographic) {
      if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map); } else { graticule(map); }
    }
    var bounds = null;
    if (geographic && el.dataset.extent) {
      var extent = L.geoJSON(JSON.parse(el.dataset.extent), {
        interactive: false, style: { color: "#334155", weight: 1.5, dashArray: "6 4", fill: false }
      }).addTo(map);
      bounds = extent.getBounds();
    }
    var count = 0;
    var layer = L.geoJSON(features, {
      style: function (feature) {
        var colour = (feature.properties && feature.properties.colour) || "#c2410c";
        return { color: colour, weight: 2, fillOpacity: 0.35 };
      },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 5, color: "#c2410c", weight: 2, fillOpacity: 0.6 });
      },
      onEachFeature: function (feature, featureLayer) {
        count += 1;
        featureLayer.bindPopup(function () { return popupContent(feature.properties); }, { minWidth: 180, maxWidth: 360 });
      }
    }).addTo(map);
    el.dataset.drawn = String(count);
    var featureBounds = layer.getBounds();
    if (featureBounds.isValid()) {
      map.fitBounds(featureBounds, { padding: [20, 20], maxZoom: geographic ? 17 : 5 });
    } else if (bounds && bounds.isValid()) {
      map.fitBounds(bounds);
    } else {
      map.setView([52, 12], 3);
    }
    maps.push(map);
  }

  function setUp(root) {
    root.querySelectorAll(".tp-preview-map[data-features]").forEach(drawMap);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".tp-preview-toggle");
    if (!button) return;
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    panel.hidden = !open;
    if (open) maps.forEach(function (map) { map.invalidateSize(); });
  });

  if (window.htmx) { htmx.onLoad(setUp); } else { document.addEventListener("DOMContentLoaded", function () { setUp(document); }); }
})();
