// Draw every Plotly figure embedded by the server (json_script) inside freshly loaded content.
(function () {
  function draw(root) {
    root.querySelectorAll("[data-plotly-figure]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var source = document.getElementById(el.dataset.plotlyFigure);
      if (!source || !window.Plotly) return;
      var fig = JSON.parse(source.textContent);
      el.dataset.drawn = "1";
      window.Plotly.newPlot(el, fig.data, fig.layout, {displaylogo: false, responsive: true,
        modeBarButtonsToRemove: ["select2d", "lasso2d"]});
    });
  }
  document.addEventListener("htmx:load", function (evt) { draw(evt.detail.elt); });
  // a chart drawn in a hidden tab takes the size of its pane when the tab is shown
  document.addEventListener("shown.bs.tab", function (evt) {
    var pane = document.querySelector(evt.target.dataset.bsTarget || "");
    if (!pane || !window.Plotly) return;
    pane.querySelectorAll(".plotly-chart[data-drawn]").forEach(function (el) {
      if (el.offsetParent !== null) window.Plotly.Plots.resize(el);
    });
  });
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
})();
