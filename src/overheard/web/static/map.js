// Maps without a tile server: country outlines (Natural Earth via the world-atlas package,
// copied into static/vendor at set-up) drawn as vectors, with the case's places on top.
// Labels are set with textContent: place names come from hostile texts and Leaflet would
// read a string as HTML.
(function () {
  "use strict";

  var element = document.getElementById("map");
  if (!element) return;
  if (!window.L || !window.topojson) {
    element.textContent = "The map needs the front-end libraries (run scripts/setup-web.sh).";
    return;
  }

  var map = L.map(element, { worldCopyJump: true, minZoom: 2, maxZoom: 12 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Country outlines: Natural Earth (world-atlas)");
  map.setView([49, 32], 4);

  fetch("/static/vendor/countries-50m.json", { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (topo) {
      L.geoJSON(topojson.feature(topo, topo.objects.countries), {
        style: { color: "#8a8f98", weight: 0.8, fillColor: "#f4f1ea", fillOpacity: 1 },
        interactive: false,
      }).addTo(map).bringToBack();
    });

  function label(title, href, detail) {
    var box = document.createElement("div");
    var link = document.createElement(href ? "a" : "strong");
    if (href) link.href = href;
    link.textContent = title;
    box.appendChild(link);
    if (detail) {
      var more = document.createElement("div");
      more.textContent = detail;
      box.appendChild(more);
    }
    return box;
  }

  function pin(lat, lon, content) {
    return L.circleMarker([lat, lon], {
      radius: 7, color: "#9b1c1c", weight: 2, fillColor: "#e0524f", fillOpacity: 0.85,
    }).bindPopup(content).addTo(map);
  }

  if (element.dataset.lat) {
    var lat = parseFloat(element.dataset.lat);
    var lon = parseFloat(element.dataset.lon);
    pin(lat, lon, label(element.dataset.label || "", null, null));
    map.setView([lat, lon], 5);
    return;
  }

  if (element.dataset.events) {
    fetch(element.dataset.events, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (page) {
        var points = [];
        page.events.forEach(function (e) {
          if (!e.location) return;
          var where = [e.location.latitude, e.location.longitude];
          points.push(where);
          var detail = (e.actor.text || "?") + " → " + (e.recipient.text || "?") +
            (e.place.text ? " at " + e.place.text : "") + (e.when ? " · " + e.when.slice(0, 10) : "");
          pin(where[0], where[1], label(e.event_type + ": " + (e.document_title || ""), e.url, detail));
        });
        if (points.length) map.fitBounds(points, { padding: [30, 30], maxZoom: 5 });
        element.dataset.pins = String(points.length);
      });
  }
})();
