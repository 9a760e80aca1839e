/* Presentation mode: the design as a story, one slide at a time.
 * ← / → (and PageUp / PageDown, Space) move, Home / End jump, F toggles full screen (the Fullscreen API
 * needs a key press or a click), + / − / 0 zoom the hall; the URL's #slide-… names the slide shown.
 * Printing shows every slide, one a page (static/css/studio.css, @media print). */
(function () {
  "use strict";
  var index = 0;
  var bound = false;
  var PRINT_CHART_PX = [980, 440]; // a chart on an A4/Letter landscape page with 10 mm margins

  function root() { return document.getElementById("present"); }
  function slides() { return Array.prototype.slice.call(document.querySelectorAll("#slides .slide")); }

  function show(i) {
    var all = slides();
    if (!all.length) return;
    index = Math.max(0, Math.min(all.length - 1, i));
    all.forEach(function (s, k) { s.classList.toggle("is-current", k === index); s.setAttribute("aria-hidden", k === index ? "false" : "true"); });
    var counter = document.getElementById("present-counter");
    if (counter) counter.textContent = (index + 1) + " / " + all.length;
    var title = document.getElementById("present-slide-title");
    if (title) title.textContent = all[index].dataset.title || "";
    document.getElementById("present-prev").disabled = index === 0;
    document.getElementById("present-next").disabled = index === all.length - 1;
    if (history.replaceState) history.replaceState(null, "", "#" + all[index].id);
    // charts drawn while their slide was hidden take the size of the slide now shown
    all[index].querySelectorAll(".plotly-chart").forEach(function (el) {
      if (window.Plotly && el.dataset.drawn) window.Plotly.Plots.resize(el);
    });
  }

  function toggleFullscreen() {
    var el = root();
    if (document.fullscreenElement) document.exitFullscreen();
    else if (el && el.requestFullscreen) el.requestFullscreen().catch(function () {});
  }

  /* ---- the hall: zoom and pan by the SVG's viewBox ------------------------------------- */
  var home = null;
  function floor() { return document.getElementById("present-svg"); }
  function viewBox(svg) { var v = svg.viewBox.baseVal; return { x: v.x, y: v.y, w: v.width, h: v.height }; }
  function setViewBox(svg, v) { svg.setAttribute("viewBox", [v.x, v.y, v.w, v.h].join(" ")); }
  function zoom(factor, cx, cy) {
    var svg = floor();
    if (!svg) return;
    if (!home) home = viewBox(svg);
    var v = viewBox(svg);
    var w = Math.max(home.w / 20, Math.min(home.w * 2, v.w * factor));
    var h = v.h * (w / v.w);
    var fx = cx === undefined ? 0.5 : cx, fy = cy === undefined ? 0.5 : cy;
    setViewBox(svg, { x: v.x + (v.w - w) * fx, y: v.y + (v.h - h) * fy, w: w, h: h });
  }
  function fit() { var svg = floor(); if (svg && home) setViewBox(svg, home); }

  function onKey(e) {
    if (e.target.closest && e.target.closest("input, select, textarea")) return;
    var k = e.key;
    if (k === "ArrowRight" || k === "PageDown" || k === " ") { show(index + 1); e.preventDefault(); }
    else if (k === "ArrowLeft" || k === "PageUp") { show(index - 1); e.preventDefault(); }
    else if (k === "Home") { show(0); e.preventDefault(); }
    else if (k === "End") { show(slides().length - 1); e.preventDefault(); }
    else if (k === "f" || k === "F") { toggleFullscreen(); e.preventDefault(); }
    else if (k === "+" || k === "=") zoom(1 / 1.25);
    else if (k === "-" || k === "_") zoom(1.25);
    else if (k === "0") fit();
  }

  function onClick(e) {
    if (e.target.closest("#fullscreen-button")) toggleFullscreen();
    else if (e.target.closest("#present-prev")) show(index - 1);
    else if (e.target.closest("#present-next")) show(index + 1);
    else if (e.target.closest("#present-print")) window.print();
    else {
      var z = e.target.closest("[data-present-zoom]");
      if (!z) return;
      var how = z.dataset.presentZoom;
      if (how === "in") zoom(1 / 1.25); else if (how === "out") zoom(1.25); else fit();
    }
  }

  function onWheel(e) {
    var svg = floor();
    if (!svg || !svg.contains(e.target)) return;
    e.preventDefault();
    var r = svg.getBoundingClientRect();
    zoom(e.deltaY > 0 ? 1.15 : 1 / 1.15, (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
  }

  var drag = null;
  function onDown(e) {
    var svg = floor();
    if (!svg || !svg.contains(e.target)) return;
    if (!home) home = viewBox(svg);
    drag = { x: e.clientX, y: e.clientY, v: viewBox(svg), scale: viewBox(svg).w / svg.getBoundingClientRect().width };
    svg.classList.add("panning");
  }
  function onMove(e) {
    if (!drag) return;
    var v = drag.v;
    setViewBox(floor(), { x: v.x - (e.clientX - drag.x) * drag.scale, y: v.y - (e.clientY - drag.y) * drag.scale, w: v.w, h: v.h });
  }
  function onUp() { if (drag) { floor().classList.remove("panning"); drag = null; } }

  function onFullscreen() {
    var btn = document.getElementById("fullscreen-button");
    if (btn) btn.innerHTML = document.fullscreenElement
      ? '<i class="bi bi-fullscreen-exit"></i> Leave full screen' : '<i class="bi bi-fullscreen"></i> Full screen';
    setTimeout(function () { show(index); }, 100);
  }

  function start() {
    if (bound || !root()) return;
    bound = true;
    var all = slides();
    var wanted = all.findIndex(function (s) { return "#" + s.id === location.hash; });
    show(wanted >= 0 ? wanted : 0);
    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onClick);
    document.addEventListener("wheel", onWheel, { passive: false });
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("pointermove", onMove);
    document.addEventListener("pointerup", onUp);
    document.addEventListener("fullscreenchange", onFullscreen);
    // printed, every slide is a landscape page (~1,000 px of type wide): the charts take that size
    window.addEventListener("beforeprint", function () {
      document.body.classList.add("printing");
      if (!window.Plotly) return;
      document.querySelectorAll("#slides .plotly-chart[data-drawn]").forEach(function (el) {
        window.Plotly.relayout(el, { width: PRINT_CHART_PX[0], height: PRINT_CHART_PX[1] });
      });
    });
    window.addEventListener("afterprint", function () {
      document.body.classList.remove("printing");
      if (!window.Plotly) return;
      document.querySelectorAll("#slides .plotly-chart[data-drawn]").forEach(function (el) {
        window.Plotly.relayout(el, { width: null, height: null, autosize: true });
      });
      show(index);
    });
  }
  document.addEventListener("htmx:load", start);
  document.addEventListener("DOMContentLoaded", start);
})();
