/* The web form's small behaviour: one-tap choice of a suggestion, the point on the map
   (a schematic of the oblast drawn from the municipalities' centres, or a tile map when the
   installation configured a tile server). No libraries besides htmx; the form works without
   this script. */
(function () {
  "use strict";

  function setValue(id, value) {
    var field = document.getElementById(id);
    if (!field) return;
    field.value = value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var pick = event.target.closest("[data-pick]");
    if (!pick) return;
    setValue(pick.getAttribute("data-pick"), pick.getAttribute("data-value"));
    var box = pick.closest("[data-suggestion]");
    if (box) box.remove();
  });

  var map = document.querySelector("[data-map]");
  if (!map) return;
  map.hidden = false;
  var text = map.querySelector("[data-point-text]");
  var clear = map.querySelector("[data-point-clear]");
  var onClear = [];

  function setPoint(lat, lon) {
    document.getElementById("id_lat").value = lat === null ? "" : lat.toFixed(5);
    setValue("id_lon", lon === null ? "" : lon.toFixed(5));
    setValue("id_lat", lat === null ? "" : lat.toFixed(5));
    text.textContent = lat === null ? "Точка не отмечена." :
      "Точка: " + lat.toFixed(5) + ", " + lon.toFixed(5);
    clear.hidden = lat === null;
  }
  clear.addEventListener("click", function () {
    onClear.forEach(function (f) { f(); });
    setPoint(null, null);
  });

  // --- the schematic (default: works without any tile server) ---------------------------
  var svg = map.querySelector("[data-schematic]");
  if (svg) {
    var lat0 = parseFloat(svg.dataset.lat0), lon0 = parseFloat(svg.dataset.lon0);
    var scale = parseFloat(svg.dataset.scale), coslat = parseFloat(svg.dataset.coslat);
    var marker = svg.querySelector("[data-marker]");
    var placeMarker = function (lat, lon) {
      marker.setAttribute("cx", ((lon - lon0) * coslat * scale).toFixed(2));
      marker.setAttribute("cy", ((lat0 - lat) * scale).toFixed(2));
    };
    svg.addEventListener("click", function (event) {
      var pt = svg.createSVGPoint();
      pt.x = event.clientX; pt.y = event.clientY;
      var p = pt.matrixTransform(svg.getScreenCTM().inverse());
      var lat = lat0 - p.y / scale, lon = lon0 + p.x / (scale * coslat);
      placeMarker(lat, lon);
      setPoint(lat, lon);
    });
    onClear.push(function () { marker.setAttribute("cx", -100); marker.setAttribute("cy", -100); });
    map.querySelectorAll("[data-box]").forEach(function (button) {
      button.addEventListener("click", function () {
        svg.setAttribute("viewBox", svg.dataset["box" + (button.dataset.box === "city" ? "City" : "Region")]);
        var city = button.dataset.box === "city";
        svg.classList.toggle("is-city", city);
      });
    });
    var lat = parseFloat(document.getElementById("id_lat").value);
    var lon = parseFloat(document.getElementById("id_lon").value);
    if (!isNaN(lat) && !isNaN(lon)) { placeMarker(lat, lon); setPoint(lat, lon); }
  }

  // --- a tile map of the configured server (Web Mercator, 256 px tiles) --------------------
  var tiles = map.querySelector("[data-tiles]");
  if (tiles) {
    var url = tiles.dataset.tileUrl, zoom = 7, centre = project(49.6, 44.3, 7), pin = null, point = null;
    function project(lat, lon, z) {
      var n = 256 * Math.pow(2, z), s = Math.sin(lat * Math.PI / 180);
      return { x: (lon + 180) / 360 * n, y: (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * n };
    }
    function unproject(x, y, z) {
      var n = 256 * Math.pow(2, z);
      return { lat: Math.atan(Math.sinh(Math.PI * (1 - 2 * y / n))) * 180 / Math.PI, lon: x / n * 360 - 180 };
    }
    function draw() {
      var w = tiles.clientWidth, h = tiles.clientHeight, n = Math.pow(2, zoom);
      var left = centre.x - w / 2, top = centre.y - h / 2;
      Array.from(tiles.querySelectorAll("img")).forEach(function (img) { img.remove(); });
      for (var tx = Math.floor(left / 256); tx <= Math.floor((left + w) / 256); tx++) {
        for (var ty = Math.floor(top / 256); ty <= Math.floor((top + h) / 256); ty++) {
          if (ty < 0 || ty >= n) continue;
          var img = document.createElement("img");
          img.alt = "";
          img.src = url.replace("{z}", zoom).replace("{x}", ((tx % n) + n) % n).replace("{y}", ty);
          img.style.left = (tx * 256 - left) + "px"; img.style.top = (ty * 256 - top) + "px";
          tiles.appendChild(img);
        }
      }
      if (point) {
        var p = project(point.lat, point.lon, zoom);
        pin.style.left = (p.x - left) + "px"; pin.style.top = (p.y - top) + "px";
      }
    }
    var controls = document.createElement("div");
    controls.className = "wf-tiles__zoom";
    [["+", 1, "Приблизить"], ["−", -1, "Отдалить"]].forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button"; button.className = "btn btn--small btn--secondary";
      button.textContent = b[0]; button.setAttribute("aria-label", b[2]);
      button.addEventListener("click", function (event) {
        event.stopPropagation();
        var z = Math.max(5, Math.min(18, zoom + b[1]));
        var c = unproject(centre.x, centre.y, zoom);
        zoom = z; centre = project(c.lat, c.lon, z); draw();
      });
      controls.appendChild(button);
    });
    tiles.appendChild(controls);
    var start = null, moved = false;
    tiles.addEventListener("pointerdown", function (e) {
      if (e.target.closest("button")) return;
      start = { x: e.clientX, y: e.clientY, cx: centre.x, cy: centre.y }; moved = false;
      tiles.setPointerCapture(e.pointerId);
    });
    tiles.addEventListener("pointermove", function (e) {
      if (!start) return;
      var dx = e.clientX - start.x, dy = e.clientY - start.y;
      if (Math.abs(dx) + Math.abs(dy) > 6) moved = true;
      if (moved) { centre = { x: start.cx - dx, y: start.cy - dy }; draw(); }
    });
    tiles.addEventListener("pointerup", function (e) {
      if (!start) return;
      if (!moved) {
        var r = tiles.getBoundingClientRect();
        var ll = unproject(centre.x - r.width / 2 + (e.clientX - r.left), centre.y - r.height / 2 + (e.clientY - r.top), zoom);
        if (!pin) { pin = document.createElement("div"); pin.className = "wf-tiles__pin"; tiles.appendChild(pin); }
        point = ll; draw(); setPoint(ll.lat, ll.lon);
      }
      start = null;
    });
    onClear.push(function () { point = null; if (pin) { pin.remove(); pin = null; } });
    draw();
  }
})();
