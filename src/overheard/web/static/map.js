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
      .then(function (page) { drawPlaces(page); });
  }

  // The events' places (the page's JSON twin groups the events by resolved place), gathered
  // again by distance on screen at each zoom: places closer than RADIUS pixels share one
  // marker, with the number of events as its badge and the place names beside it. Eight
  // events at two places are two labelled markers, not eight pins on top of each other.
  var RADIUS = 36;

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function group(places) {
    var groups = [];
    places.forEach(function (place) {  // most events first: the busiest place leads its group
      var at = map.project([place.location.latitude, place.location.longitude], map.getZoom());
      var home = null;
      for (var i = 0; i < groups.length && !home; i++) {
        if (groups[i].at.distanceTo(at) < RADIUS) home = groups[i];
      }
      if (home) home.places.push(place);
      else groups.push({ at: at, places: [place] });
    });
    return groups;
  }

  function summary(places, byId) {
    var events = 0;
    var documents = {};
    places.forEach(function (place) {
      events += place.events;
      place.event_ids.forEach(function (id) {
        var e = byId[id];
        if (e) documents[e.evidence.document_id] = true;
      });
    });
    return { events: events, documents: Object.keys(documents).length };
  }

  function names(places) {
    var shown = places.slice(0, 2).map(function (p) { return p.name; }).join(", ");
    return places.length > 2 ? shown + " +" + (places.length - 2) : shown;
  }

  function icon(places, counted) {
    var box = document.createElement("div");
    var badge = document.createElement("span");
    badge.className = "count";
    badge.textContent = String(counted.events);
    var text = document.createElement("span");
    text.className = "label";
    text.textContent = names(places) + " · " + plural(counted.events, "event") + ", " +
      plural(counted.documents, "document");
    box.appendChild(badge);
    box.appendChild(text);
    return L.divIcon({ className: "map-cluster", html: box, iconSize: [26, 26] });
  }

  function popup(places, byId, counted) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var head = document.createElement("strong");
    head.textContent = plural(counted.events, "event") + " in " +
      plural(counted.documents, "document") +
      (places.length > 1 ? " at " + plural(places.length, "place") : "");
    box.appendChild(head);
    places.forEach(function (place) {
      var title = document.createElement("div");
      title.className = "place";
      var link = document.createElement("a");
      link.href = place.url;
      link.textContent = place.name;
      title.appendChild(link);
      title.appendChild(document.createTextNode(" · " + plural(place.events, "event") + ", " +
        plural(place.documents, "document")));
      box.appendChild(title);
      var list = document.createElement("ul");
      place.event_ids.forEach(function (id) {
        var e = byId[id];
        if (!e) return;
        var item = document.createElement("li");
        var to = document.createElement("a");
        to.href = e.url;
        to.textContent = e.event_type + ": " + (e.document_title || e.evidence.document_id);
        item.appendChild(to);
        item.appendChild(document.createTextNode(" " + (e.actor.text || "?") + " → " +
          (e.recipient.text || "?") + (e.when ? " · " + e.when.slice(0, 10) : "")));
        list.appendChild(item);
      });
      box.appendChild(list);
    });
    if (places.length > 1 && map.getZoom() < map.getMaxZoom()) {
      var closer = document.createElement("button");
      closer.type = "button";
      closer.className = "zoom-in";
      closer.textContent = "Zoom in to tell them apart";
      closer.addEventListener("click", function () {
        map.closePopup();
        map.fitBounds(places.map(function (p) {
          return [p.location.latitude, p.location.longitude];
        }), { padding: [60, 60], maxZoom: map.getMaxZoom() });
      });
      box.appendChild(closer);
    }
    return box;
  }

  function drawPlaces(page) {
    var byId = {};
    page.events.forEach(function (e) { byId[e.id] = e; });
    var layer = L.layerGroup().addTo(map);
    function draw() {
      layer.clearLayers();
      var groups = group(page.places);
      groups.forEach(function (g) {
        var lead = g.places[0].location;
        var counted = summary(g.places, byId);
        L.marker([lead.latitude, lead.longitude], {
          icon: icon(g.places, counted),
          title: g.places.map(function (p) { return p.name; }).join(", "),
          riseOnHover: true,
        }).bindPopup(function () { return popup(g.places, byId, counted); }, { maxWidth: 420 })
          .addTo(layer);
      });
      element.dataset.pins = String(groups.length);
      element.dataset.zoom = String(map.getZoom());
    }
    if (page.places.length) {  // at once, not animated: the first grouping is at its zoom
      map.fitBounds(page.places.map(function (p) {
        return [p.location.latitude, p.location.longitude];
      }), { padding: [40, 40], maxZoom: 7, animate: false });
    }
    map.on("zoomend", draw);
    draw();
  }
})();
