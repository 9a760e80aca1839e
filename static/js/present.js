/* Presentation mode: full screen on request (the Fullscreen API needs a click), Esc leaves it. */
(function () {
  "use strict";
  function onClick(e) {
    if (!e.target.closest("#fullscreen-button")) return;
    var el = document.getElementById("present");
    if (document.fullscreenElement) document.exitFullscreen();
    else if (el.requestFullscreen) el.requestFullscreen().catch(function () {});
  }
  function onChange() {
    var btn = document.getElementById("fullscreen-button");
    if (btn) btn.innerHTML = document.fullscreenElement
      ? '<i class="bi bi-fullscreen-exit"></i> Leave full screen' : '<i class="bi bi-fullscreen"></i> Full screen';
  }
  var bound = false;
  document.addEventListener("htmx:load", function () {
    if (bound || !document.getElementById("present")) return;
    bound = true;
    document.addEventListener("click", onClick);
    document.addEventListener("fullscreenchange", onChange);
  });
})();
