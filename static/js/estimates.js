// The estimates page: the workload form shows the fields of the kind chosen (inference or training).
(function () {
  "use strict";
  function sync(form) {
    var kind = form.querySelector("[name=kind]").value;
    form.querySelectorAll(".wf-inference").forEach(function (el) { el.hidden = kind !== "inference"; });
    form.querySelectorAll(".wf-training").forEach(function (el) { el.hidden = kind !== "training"; });
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches("#workload-form [name=kind]")) sync(e.target.form);
  });
})();
