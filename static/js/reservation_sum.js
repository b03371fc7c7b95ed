// The reservations added up live, against the amount to divide (the ceiling minus the reserve as typed), with
// the money that can never be spent. Without JavaScript the page shows the sum of the saved reservations.
(function () {
  "use strict";
  var table = document.querySelector("[data-reservation-table]");
  var live = document.querySelector("[data-reservation-live]");
  if (!table || !live) { return; }
  var english = (document.documentElement.lang || "nl").toLowerCase().indexOf("en") === 0;
  var decimalSign = english ? "." : ",";
  var groupSign = english ? "," : ".";
  var numbers = new Intl.NumberFormat(english ? "en-GB" : "nl-NL", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var budget = parseInt(table.getAttribute("data-budget-cents"), 10);
  var reserveField = document.getElementById(table.getAttribute("data-reserve-field"));

  function cents(text) {
    text = (text || "").replace(/[€\s\u00a0]/g, "");
    if (!text) { return 0; }
    var parts = text.split(decimalSign);
    if (parts.length > 2) { return null; }
    var whole = parts[0];
    if (whole.indexOf(groupSign) !== -1) {
      if (!new RegExp("^\\d{1,3}(\\" + groupSign + "\\d{3})+$").test(whole)) { return null; }
      whole = whole.split(groupSign).join("");
    }
    var fraction = parts.length === 2 ? parts[1] : "";
    if (!/^\d+$/.test(whole) || !/^\d{0,2}$/.test(fraction)) { return null; }
    return parseInt(whole, 10) * 100 + parseInt((fraction + "00").slice(0, 2), 10);
  }

  function euro(amount) {
    return "€ " + numbers.format(amount / 100);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function update() {
    var total = 0;
    var count = 0;
    var unreadable = false;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var amount = row.querySelector("input[name$='-amount']");
      var remove = row.querySelector("input[name$='-DELETE']");
      if (!amount || (remove && remove.checked) || !amount.value.trim()) { return; }
      var value = cents(amount.value);
      if (value === null) { unreadable = true; return; }
      total += value;
      count += 1;
    });
    var reserve = reserveField ? cents(reserveField.value) : 0;
    var ceiling = Math.max(budget - (reserve || 0), 0);
    var text = fill(live.getAttribute("data-text-sum"), { count: count, total: euro(total), ceiling: euro(ceiling) });
    if (count && total < ceiling) {
      text += " " + fill(live.getAttribute("data-text-unspendable"), { amount: euro(ceiling - total) });
    } else if (total > ceiling) {
      text += " " + fill(live.getAttribute("data-text-over"), { amount: euro(total - ceiling) });
    }
    if (unreadable) { text += " " + live.getAttribute("data-text-unreadable"); }
    live.textContent = text;
    live.hidden = false;
  }

  table.addEventListener("input", update);
  table.addEventListener("change", update);
  if (reserveField) { reserveField.addEventListener("input", update); }
})();
