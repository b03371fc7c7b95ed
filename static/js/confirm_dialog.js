// A summary before every irreversible step, as a dialog. On a page that loads this script, a button that leads
// to a confirmation page (its GET form marked data-confirm-dialog) opens that same page's summary in a native
// <dialog>, with its own form, so the confirm button posts "bevestigd=ja" as the page would. Focus goes to the
// dialog's heading; Escape or the cancel button closes it and focus returns to the button. Without JavaScript,
// or when the summary cannot be fetched, the button simply opens the confirmation page.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-confirm-dialog]");
  if (!forms.length || typeof HTMLDialogElement === "undefined" || !window.fetch || !window.DOMParser) {
    return;
  }
  var opened = 0;

  function summaryUrl(form) {
    var url = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    new FormData(form).forEach(function (value, name) { url.searchParams.append(name, value); });
    return url.toString();
  }

  // The confirmation page's summary, moved into a dialog: its h1 becomes the dialog's h2 (the page keeps its
  // own h1), its ids get a prefix so they stay unique, and its cancel link becomes a button that closes it.
  function buildDialog(page, opener) {
    var source = page.querySelector("[data-confirm-summary]");
    var cancelSource = source && source.querySelector("[data-confirm-cancel]");
    if (!source || !cancelSource || !source.querySelector("form[method='post']")) {
      return null;
    }
    opened += 1;
    var prefix = "dialoog" + opened + "-";
    var content = document.importNode(source, true);
    content.querySelectorAll("[id]").forEach(function (element) { element.id = prefix + element.id; });
    content.querySelectorAll("[aria-labelledby]").forEach(function (element) {
      element.setAttribute("aria-labelledby", element.getAttribute("aria-labelledby").split(/\s+/).map(function (id) {
        return prefix + id;
      }).join(" "));
    });
    var title = content.querySelector("h1");
    var heading = document.createElement("h2");
    heading.id = prefix + "titel";
    heading.tabIndex = -1;
    heading.className = "nplv-confirm-dialog__title";
    heading.textContent = title ? title.textContent : "";
    if (title) { title.replaceWith(heading); } else { content.prepend(heading); }
    content.querySelectorAll("h2:not(.nplv-confirm-dialog__title)").forEach(function (element) {
      var smaller = document.createElement("h3");
      smaller.id = element.id;
      smaller.textContent = element.textContent;
      element.replaceWith(smaller);
    });

    var dialog = document.createElement("dialog");
    dialog.className = "nplv-confirm-dialog";
    dialog.setAttribute("aria-labelledby", heading.id);
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "utrecht-button utrecht-button--secondary-action";
    cancel.textContent = cancelSource.textContent.trim();
    content.querySelector("[data-confirm-cancel]").replaceWith(cancel);
    cancel.addEventListener("click", function () { dialog.close(); });
    dialog.appendChild(content);
    dialog.addEventListener("close", function () {
      dialog.remove();
      if (opener) { opener.focus(); }
    });
    document.body.appendChild(dialog);
    return dialog;
  }

  forms.forEach(function (form) {
    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) { return; }
      busy = true;
      var opener = event.submitter || form.querySelector("[type='submit']");
      var url = summaryUrl(form);
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          var dialog = buildDialog(new DOMParser().parseFromString(html, "text/html"), opener);
          if (!dialog) { throw new Error("no summary"); }
          busy = false;
          dialog.showModal();
          dialog.querySelector(".nplv-confirm-dialog__title").focus();
        })
        .catch(function () {
          // The page itself says what is wrong (the step may no longer be possible): go there.
          window.location.assign(url);
        });
    });
  });
})();
