// The items' map: outlines and points from the page's JSON data block, no basemap
// (the service works offline). Labels are set as text, never as HTML.
(function () {
  var holder = document.getElementById("items-map");
  var block = document.getElementById("features-data");
  if (!holder || !block || typeof L === "undefined") { return; }
  var features = JSON.parse(block.textContent);
  var map = L.map(holder, {attributionControl: true});
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(holder.getAttribute("data-attribution") || "");
  var itemsPath = holder.getAttribute("data-items-path");
  var layer = L.geoJSON({type: "FeatureCollection", features: features}, {
    pointToLayer: function (f, latlng) { return L.circleMarker(latlng, {radius: 4}); },
    onEachFeature: function (feature, lyr) {
      var link = document.createElement("a");
      link.href = itemsPath + "/" + encodeURIComponent(feature.id) + "?f=html&lang=" +
        encodeURIComponent(holder.getAttribute("data-lang") || "zh");
      link.textContent = String(feature.id);
      lyr.bindPopup(link);
    }
  }).addTo(map);
  var bounds = layer.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds, {maxZoom: 14}); } else { map.setView([31.2, 121.5], 9); }
})();
