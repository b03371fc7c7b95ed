// Live progress of a batch (letters, settlements): polls the JSON endpoint in the box's data-url and updates
// its data-field counts; without JavaScript the page refreshes itself (see the noscript block). Reloads once
// the batch is finished.
(function () {
  var box = document.getElementById("letter-progress") || document.querySelector("[data-batch-progress]");
  if (!box) return;
  var bar = box.querySelector("progress");
  function update(data) {
    Object.keys(data).forEach(function (key) {
      var field = box.querySelector('[data-field="' + key + '"]');
      if (field) field.textContent = data[key];
    });
    bar.max = data.total || 1;
    bar.value = data.done;
  }
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        var wasFinished = box.dataset.finished === "true";
        update(data);
        if (data.finished && !wasFinished) { window.location.reload(); return; }
        if (!data.finished) window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
