/* The interactive editor: floor plan (zoom, pan, drag racks, palette drops, selection), rack
 * elevation (drop devices into U slots, move and remove them) and keyboard shortcuts.
 * Every change is one small htmx POST; the server answers with out-of-band fragments. */
(function () {
  "use strict";

  var selected = new Set();
  var viewBox = null; // kept across full repaints of the floor plan
  var openRack = "";
  var bound = false;

  function editor() { return document.getElementById("editor"); }
  function floorSvg() { return document.getElementById("floor-svg"); }
  function canEdit() { var e = editor(); return e && e.dataset.canEdit === "1"; }
  function tilePx() { var s = floorSvg(); return s ? parseFloat(s.dataset.tilePx) : 20; }

  function post(op, values) {
    if (!canEdit()) { toast("This design is view-only for you.", true); return; }
    var url = editor().dataset.editUrl.replace("OP", op);
    values = values || {};
    values.version = document.getElementById("design-version").value;
    if (openRack && !values.open_rack) values.open_rack = openRack;
    return htmx.ajax("POST", url, { values: values, swap: "none", source: editor() });
  }

  function toast(message, isError) {
    var t = document.getElementById("editor-toast");
    if (!t) return;
    t.textContent = message;
    t.classList.toggle("is-error", !!isError);
    t.classList.add("show");
  }

  /* ---- selection ---------------------------------------------------------------------- */
  function paintSelection() {
    document.querySelectorAll("#floor-svg .rack").forEach(function (g) {
      g.classList.toggle("selected", selected.has(g.dataset.rack));
    });
    var count = document.getElementById("selection-count");
    if (count) count.textContent = selected.size ? "Selected: " + Array.from(selected).join(", ").slice(0, 60) : "Shift-click to select several racks";
  }
  function selectOnly(label) { selected.clear(); if (label) selected.add(label); paintSelection(); }

  function openRackPanel(label) {
    openRack = label;
    var url = editor().dataset.rackUrl.replace("LABEL", encodeURIComponent(label));
    htmx.ajax("GET", url, { target: "#rack-panel", swap: "outerHTML" });
    var tab = document.getElementById("rack-tab");
    if (tab && window.bootstrap) bootstrap.Tab.getOrCreateInstance(tab).show();
    var left = document.getElementById("devices-tab");
    var active = document.querySelector(".editor-left .nav-link.active");
    if (left && window.bootstrap && active && active.id === "racks-tab") bootstrap.Tab.getOrCreateInstance(left).show();
  }

  /* ---- zoom and pan: viewBox manipulation ----------------------------------------------- */
  function readViewBox(svg) {
    var v = svg.viewBox.baseVal;
    return { x: v.x, y: v.y, w: v.width, h: v.height };
  }
  function applyViewBox(svg, vb) {
    viewBox = vb;
    svg.setAttribute("viewBox", vb.x + " " + vb.y + " " + vb.w + " " + vb.h);
  }
  function svgPoint(svg, clientX, clientY) {
    var pt = svg.createSVGPoint();
    pt.x = clientX; pt.y = clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse());
  }
  function zoom(svg, factor, clientX, clientY) {
    var vb = readViewBox(svg);
    var r = svg.getBoundingClientRect();
    var p = svgPoint(svg, clientX === undefined ? r.left + r.width / 2 : clientX,
                     clientY === undefined ? r.top + r.height / 2 : clientY);
    var w = Math.max(40, Math.min(vb.w * factor, 200000));
    var f = w / vb.w;
    applyViewBox(svg, { x: p.x - (p.x - vb.x) * f, y: p.y - (p.y - vb.y) * f, w: w, h: vb.h * f });
  }
  function fit(svg) {
    var m = 2 * tilePx();
    applyViewBox(svg, { x: -m, y: -m, w: parseFloat(svg.dataset.widthTiles) * tilePx() + 2 * m,
                        h: parseFloat(svg.dataset.depthTiles) * tilePx() + 2 * m });
  }
  function centreOn(g) {
    var svg = floorSvg();
    if (!svg || !g) return;
    var vb = readViewBox(svg);
    var x = parseFloat(g.dataset.x) * tilePx(), y = parseFloat(g.dataset.y) * tilePx();
    var w = Math.min(vb.w, 60 * tilePx()), h = vb.h * (w / vb.w);
    applyViewBox(svg, { x: x - w / 2, y: y - h / 2, w: w, h: h });
  }

  var pan = null;
  function onPointerDown(e) {
    var svg = floorSvg();
    if (!svg || !svg.contains(e.target) || e.target.closest(".rack") || e.button !== 0) return;
    pan = { x: e.clientX, y: e.clientY, vb: readViewBox(svg), scale: svg.getScreenCTM().a };
    svg.classList.add("panning");
  }
  function onPointerMove(e) {
    if (!pan) return;
    var svg = floorSvg();
    var dx = (e.clientX - pan.x) / pan.scale, dy = (e.clientY - pan.y) / pan.scale;
    applyViewBox(svg, { x: pan.vb.x - dx, y: pan.vb.y - dy, w: pan.vb.w, h: pan.vb.h });
  }
  function onPointerUp(e) {
    if (!pan) return;
    var moved = Math.abs(e.clientX - pan.x) + Math.abs(e.clientY - pan.y) > 3;
    floorSvg() && floorSvg().classList.remove("panning");
    pan = null;
    if (!moved && !e.shiftKey) selectOnly(null);
  }

  /* ---- dragging racks on the floor ------------------------------------------------------- */
  function baseTranslate(g) { return [parseFloat(g.dataset.x) * tilePx(), parseFloat(g.dataset.y) * tilePx()]; }

  function setupRackDrag() {
    interact("#floor-svg .rack").draggable({
      listeners: {
        start: function (ev) {
          if (!canEdit()) return;
          var label = ev.target.dataset.rack;
          if (!selected.has(label)) { if (!ev.shiftKey) selected.clear(); selected.add(label); paintSelection(); }
          ev.target.__drag = { dx: 0, dy: 0 };
        },
        move: function (ev) {
          if (!canEdit()) return;
          var d = ev.target.__drag; var svg = floorSvg();
          var s = svg.getScreenCTM().a;
          d.dx += ev.dx / s; d.dy += ev.dy / s;
          var t = tilePx();
          var sx = Math.round(d.dx / t) * t, sy = Math.round(d.dy / t) * t;
          selected.forEach(function (label) {
            var g = document.getElementById("rack-" + label);
            if (!g) return;
            var b = baseTranslate(g);
            g.setAttribute("transform", "translate(" + (b[0] + sx) + "," + (b[1] + sy) + ")");
            g.classList.add("dragging");
          });
        },
        end: function (ev) {
          if (!canEdit()) return;
          var d = ev.target.__drag; var t = tilePx();
          var dx = Math.round(d.dx / t), dy = Math.round(d.dy / t);
          if (dx === 0 && dy === 0) {
            selected.forEach(function (label) {
              var g = document.getElementById("rack-" + label);
              if (g) { var b = baseTranslate(g); g.setAttribute("transform", "translate(" + b[0] + "," + b[1] + ")"); g.classList.remove("dragging"); }
            });
            return;
          }
          post("move", { rack: Array.from(selected), dx: dx, dy: dy });
        }
      }
    }).on("tap", function (ev) {
      var label = ev.currentTarget.dataset.rack;
      if (ev.shiftKey) {
        if (selected.has(label)) selected.delete(label); else selected.add(label);
        paintSelection();
      } else {
        selectOnly(label);
        openRackPanel(label);
      }
    });
  }

  /* ---- dragging from the palettes -------------------------------------------------------- */
  var ghost = null;
  function makeGhost(item) {
    ghost = document.createElement("div");
    ghost.className = "drag-ghost";
    ghost.textContent = item.querySelector(".palette-name").textContent;
    document.body.appendChild(ghost);
  }
  function moveGhost(x, y) { if (ghost) { ghost.style.left = (x + 12) + "px"; ghost.style.top = (y + 12) + "px"; } }
  function dropGhost() { if (ghost) { ghost.remove(); ghost = null; } }
  function over(el, x, y) {
    if (!el) return false;
    var r = el.getBoundingClientRect();
    return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
  }
  function floorTile(x, y) {
    var svg = floorSvg(); var p = svgPoint(svg, x, y); var t = tilePx();
    return { x: Math.floor(p.x / t), y: Math.floor(p.y / t) };
  }
  function elevationSlot(item, x, y) {
    var svg = document.getElementById("elevation-svg");
    if (!svg) return null;
    var p = svgPoint(svg, x, y);
    var uh = parseInt(svg.dataset.uHeight, 10), upx = parseFloat(svg.dataset.uPx), top = parseFloat(svg.dataset.top);
    var slot = uh - Math.floor((p.y - top) / upx); // the U under the pointer
    var h = parseInt(item.dataset.h || "1", 10) || 1;
    var u = Math.max(1, Math.min(slot, uh) - h + 1);
    return { u: u, h: h, uh: uh, upx: upx, top: top };
  }

  function setupPaletteDrag() {
    interact(".palette-item[data-kind=rack]").draggable({
      listeners: {
        start: function (ev) { if (canEdit()) makeGhost(ev.target); },
        move: function (ev) {
          moveGhost(ev.client.x, ev.client.y);
          var svg = floorSvg(), g = document.getElementById("floor-svg-ghost");
          if (!svg || !g) return;
          if (over(document.getElementById("floor-canvas"), ev.client.x, ev.client.y)) {
            var tile = floorTile(ev.client.x, ev.client.y), t = tilePx();
            g.setAttribute("x", tile.x * t); g.setAttribute("y", tile.y * t);
            g.setAttribute("width", t); g.setAttribute("height", 2 * t);
            g.setAttribute("visibility", "visible");
          } else { g.setAttribute("visibility", "hidden"); }
        },
        end: function (ev) {
          dropGhost();
          var g = document.getElementById("floor-svg-ghost");
          if (g) g.setAttribute("visibility", "hidden");
          if (!canEdit() || !over(document.getElementById("floor-canvas"), ev.client.x, ev.client.y)) return;
          var tile = floorTile(ev.client.x, ev.client.y);
          post("add-rack", { model: ev.target.dataset.model, x: tile.x, y: tile.y });
        }
      }
    });
    interact(".palette-item[data-kind=unit]").draggable({  // a whole scalable unit: its corner on the tile
      listeners: {
        start: function (ev) { if (canEdit()) makeGhost(ev.target); },
        move: function (ev) { moveGhost(ev.client.x, ev.client.y); },
        end: function (ev) {
          dropGhost();
          if (!canEdit() || !over(document.getElementById("floor-canvas"), ev.client.x, ev.client.y)) return;
          var tile = floorTile(ev.client.x, ev.client.y);
          post("add-unit", { unit: ev.target.dataset.unit, x: tile.x, y: tile.y });
        }
      }
    });
    interact(".palette-item[data-kind=device]").draggable({
      listeners: {
        start: function (ev) { if (canEdit()) makeGhost(ev.target); },
        move: function (ev) {
          moveGhost(ev.client.x, ev.client.y);
          var svg = document.getElementById("elevation-svg"), g = document.getElementById("elevation-ghost");
          if (!svg || !g) return;
          if (over(svg, ev.client.x, ev.client.y)) {
            var s = elevationSlot(ev.target, ev.client.x, ev.client.y);
            g.setAttribute("y", s.top + (s.uh - (s.u + s.h - 1)) * s.upx);
            g.setAttribute("height", s.h * s.upx);
            g.setAttribute("visibility", "visible");
          } else { g.setAttribute("visibility", "hidden"); }
        },
        end: function (ev) {
          dropGhost();
          var svg = document.getElementById("elevation-svg"), g = document.getElementById("elevation-ghost");
          if (g) g.setAttribute("visibility", "hidden");
          if (!canEdit() || !svg || !over(svg, ev.client.x, ev.client.y)) return;
          var s = elevationSlot(ev.target, ev.client.x, ev.client.y);
          var rack = document.getElementById("elevation").dataset.rack;
          post("add-device", { rack: rack, model: ev.target.dataset.model, u: s.u, open_rack: rack });
        }
      }
    });
    interact("#elevation-svg .device[data-device]").draggable({
      listeners: {
        start: function (ev) { ev.target.__dy = 0; ev.target.__base = ev.target.getAttribute("transform"); },
        move: function (ev) {
          var svg = document.getElementById("elevation-svg");
          ev.target.__dy += ev.dy / svg.getScreenCTM().a;
          var upx = parseFloat(svg.dataset.uPx);
          var snapped = Math.round(ev.target.__dy / upx) * upx;
          ev.target.setAttribute("transform", ev.target.__base + " translate(0," + snapped + ")");
          ev.target.classList.add("dragging");
        },
        end: function (ev) {
          var svg = document.getElementById("elevation-svg");
          var steps = Math.round(ev.target.__dy / parseFloat(svg.dataset.uPx));
          if (steps === 0) { ev.target.setAttribute("transform", ev.target.__base); ev.target.classList.remove("dragging"); return; }
          var rack = document.getElementById("elevation").dataset.rack;
          post("move-device", { rack: rack, device: ev.target.dataset.device,
                                u: parseInt(ev.target.dataset.u, 10) - steps, open_rack: rack });
        }
      }
    });
  }

  /* ---- clicks and keys ------------------------------------------------------------------ */
  function act(action) {
    if (action === "close-rack") { openRack = ""; return; }
    if (!selected.size) { toast("Select a rack first: click it on the floor plan.", true); return; }
    var racks = Array.from(selected);
    if (action === "delete") {
      post("delete", { rack: racks }); selected.clear(); if (racks.indexOf(openRack) >= 0) openRack = "";
    } else if (action === "phase") {
      post("phase", { rack: racks, phase: document.getElementById("selection-phase").value });
    } else if (action === "repeat" || action === "fill") {
      post(action, { rack: racks, count: document.getElementById("repeat-count").value,
                     direction: document.getElementById("repeat-direction").value });
    } else { post(action, { rack: racks }); }
  }
  function undo() {
    if (!canEdit()) return;
    htmx.ajax("POST", editor().dataset.undoUrl, {
      values: { version: document.getElementById("design-version").value, open_rack: openRack },
      swap: "none", source: editor() });
  }

  function onClick(e) {
    var btn = e.target.closest("[data-action]");
    if (btn && editor() && editor().contains(btn)) { e.preventDefault(); act(btn.dataset.action); return; }
    var zoomBtn = e.target.closest("[data-zoom]");
    if (zoomBtn) {
      var svg = floorSvg();
      if (zoomBtn.dataset.zoom === "in") zoom(svg, 1 / 1.4);
      else if (zoomBtn.dataset.zoom === "out") zoom(svg, 1.4);
      else fit(svg);
      return;
    }
    if (e.target.closest("#undo-button")) { undo(); return; }
    var remove = e.target.closest(".dev-remove");
    if (remove) {
      var dev = remove.closest(".device");
      var rack = document.getElementById("elevation").dataset.rack;
      post("remove-device", { rack: rack, device: dev.dataset.device, open_rack: rack });
      return;
    }
    var finding = e.target.closest(".finding[data-subject]");
    if (finding) {
      e.preventDefault();
      var g = document.getElementById("rack-" + finding.dataset.subject);
      if (g) {
        selectOnly(finding.dataset.subject);
        centreOn(g);
        g.classList.remove("flash"); void g.getBoundingClientRect(); g.classList.add("flash");
      }
    }
  }

  function onKey(e) {
    if (!editor()) return;
    var typing = e.target.closest("input, select, textarea");
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z" && !typing) { e.preventDefault(); undo(); return; }
    if (typing) return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "d") { e.preventDefault(); act("duplicate"); return; }
    if (e.key === "r" || e.key === "R") act("rotate");
    else if (e.key === "Delete" || e.key === "Backspace") { e.preventDefault(); act("delete"); }
    else if (e.key === "Escape") selectOnly(null);
    else if (e.key === "+" || e.key === "=") zoom(floorSvg(), 1 / 1.4);
    else if (e.key === "-") zoom(floorSvg(), 1.4);
    else if (e.key === "0") fit(floorSvg());
  }

  function onWheel(e) {
    var svg = floorSvg();
    if (!svg || !svg.contains(e.target)) return;
    e.preventDefault();
    zoom(svg, e.deltaY > 0 ? 1.15 : 1 / 1.15, e.clientX, e.clientY);
  }

  function onSearch(e) {
    if (e.target.id !== "device-search") return;
    var q = e.target.value.trim().toLowerCase();
    document.querySelectorAll("#device-palette .palette-item").forEach(function (item) {
      item.hidden = q && item.dataset.search.indexOf(q) < 0;
    });
  }

  function onLoad() {
    if (!editor()) return;
    var svg = floorSvg();
    if (svg && viewBox && svg.dataset.restored !== "1") { applyViewBox(svg, viewBox); }
    if (svg) svg.dataset.restored = "1";
    var panel = document.getElementById("rack-panel");
    if (panel && panel.dataset.rack) openRack = panel.dataset.rack;
    // racks that were deleted are no longer selectable
    selected.forEach(function (label) { if (!document.getElementById("rack-" + label)) selected.delete(label); });
    paintSelection();
    var t = document.getElementById("editor-toast");
    if (t && t.classList.contains("show")) {
      clearTimeout(t.__timer);
      t.__timer = setTimeout(function () { t.classList.remove("show"); }, t.classList.contains("is-error") ? 6000 : 2500);
    }
    if (bound) return;
    bound = true;
    setupRackDrag();
    setupPaletteDrag();
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKey);
    document.addEventListener("input", onSearch);
    document.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("pointermove", onPointerMove);
    document.addEventListener("pointerup", onPointerUp);
    document.addEventListener("wheel", onWheel, { passive: false });
    // the site and fabrics panels post by themselves: send the open rack too, so that its panel is
    // repainted with the new limits (it went stale after a site change)
    document.addEventListener("htmx:configRequest", function (e) {
      var form = e.detail.elt && e.detail.elt.closest && e.detail.elt.closest("#site-panel, #fabrics-panel");
      if (form && openRack && !e.detail.parameters.open_rack) e.detail.parameters.open_rack = openRack;
    });
  }

  document.addEventListener("htmx:load", onLoad);
  document.addEventListener("htmx:afterSettle", function () { if (editor()) { paintSelection(); onLoad(); } });
})();
