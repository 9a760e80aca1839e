/* Phases on a floor plan: a <select data-phase-filter="SVG-ID"> offers "every phase" and "up to
 * phase N" for the phases its racks carry (data-phase); racks of later phases fade out. The list is
 * rebuilt whenever htmx repaints the floor (a rack's phase may have changed); hidden without phases. */
(function () {
  "use strict";
  var chosen = {}; // svg id -> the phase shown up to ("" = every phase), kept across repaints

  function apply(select) {
    var svg = document.getElementById(select.dataset.phaseFilter);
    if (!svg) return;
    var upTo = parseInt(chosen[select.dataset.phaseFilter] || "", 10);
    svg.querySelectorAll(".rack[data-phase]").forEach(function (g) {
      g.classList.toggle("phase-later", !isNaN(upTo) && parseInt(g.dataset.phase, 10) > upTo);
    });
  }

  function build(select) {
    var svg = document.getElementById(select.dataset.phaseFilter);
    if (!svg) return;
    var phases = {};
    svg.querySelectorAll(".rack[data-phase]").forEach(function (g) { phases[g.dataset.phase] = true; });
    var list = Object.keys(phases).map(Number).sort(function (a, b) { return a - b; });
    var wrap = select.closest(".phase-filter") || select;
    wrap.hidden = list.length < 2;
    var current = chosen[select.dataset.phaseFilter] || "";
    if (current && list.indexOf(parseInt(current, 10)) < 0) current = "";
    var options = ['<option value="">every phase</option>'];
    list.slice(0, -1).forEach(function (p) {
      options.push('<option value="' + p + '"' + (String(p) === current ? " selected" : "") + ">up to phase " + p + "</option>");
    });
    select.innerHTML = options.join("");
    chosen[select.dataset.phaseFilter] = current;
    apply(select);
  }

  function all() { document.querySelectorAll("select[data-phase-filter]").forEach(build); }
  document.addEventListener("change", function (e) {
    if (!e.target.matches("select[data-phase-filter]")) return;
    chosen[e.target.dataset.phaseFilter] = e.target.value;
    apply(e.target);
  });
  document.addEventListener("htmx:load", all);
  document.addEventListener("htmx:afterSettle", all);
  document.addEventListener("DOMContentLoaded", all);
})();
