// Sharing page: copy a share link to the clipboard (the field stays selectable without JavaScript).
(function () {
  function init(root) {
    root.querySelectorAll("button.copy-link").forEach(function (button) {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.addEventListener("click", function () {
        var field = document.getElementById(button.dataset.copyTarget);
        if (!field) return;
        field.select();
        var done = function () {
          var icon = button.querySelector("i");
          icon.className = "bi bi-clipboard-check";
          setTimeout(function () { icon.className = "bi bi-clipboard"; }, 1500);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(done);
        } else if (document.execCommand("copy")) {
          done();
        }
      });
    });
  }
  document.addEventListener("htmx:load", function (evt) { init(evt.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
