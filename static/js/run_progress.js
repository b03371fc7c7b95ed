// Live progress of an allocation run: polls the run's JSON endpoint and updates the page without a reload.
// Without JavaScript the page refreshes itself (meta refresh) while the run is queued or running.
(function () {
  "use strict";
  var box = document.querySelector("[data-run-progress]");
  if (!box) { return; }
  var refresh = document.querySelector("meta[http-equiv='refresh']");
  if (refresh) { refresh.parentNode.removeChild(refresh); }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-run-progress-text]");
  function poll() {
    fetch(box.getAttribute("data-run-progress"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (run) {
        if (bar) { bar.value = run.progress; }
        if (text) { text.textContent = run.text; }
        if (run.status === "queued" || run.status === "running") {
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
