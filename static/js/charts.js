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
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
})();
