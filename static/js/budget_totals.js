// Live totals of the budget step: per theme, per year, in all, and what is still to be distributed,
// recomputed as the officer types. Amounts are read in the page's language and summed in whole cents.
// Without JavaScript the page shows the totals of the saved budget.
(function () {
  "use strict";
  var table = document.querySelector("[data-budget-grid]");
  if (!table) { return; }
  var english = (document.documentElement.lang || "nl").toLowerCase().indexOf("en") === 0;
  var decimalSign = english ? "." : ",";
  var groupSign = english ? "," : ".";
  var numbers = new Intl.NumberFormat(english ? "en-GB" : "nl-NL", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var requested = document.getElementById(table.getAttribute("data-requested-field"));
  var note = document.querySelector("[data-totals-note]");
  if (note) { note.hidden = true; }

  // Cents of a typed amount, or null if it is empty or not an amount (the server explains why on saving).
  function cents(text) {
    text = (text || "").replace(/[€\s\u00a0]/g, "");
    if (!text) { return null; }
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
    var sign = amount < 0 ? "-" : "";
    return sign + "€ " + numbers.format(Math.abs(amount) / 100);
  }

  function set(selector, amount) {
    var element = document.querySelector(selector);
    if (element) { element.textContent = euro(amount); }
  }

  function update() {
    var rows = {}, columns = {}, total = 0;
    table.querySelectorAll("[data-row]").forEach(function (cell) {
      var input = cell.querySelector("input");
      var value = input ? cents(input.value) : null;
      if (value === null) { value = 0; }
      var row = cell.getAttribute("data-row"), column = cell.getAttribute("data-col");
      rows[row] = (rows[row] || 0) + value;
      columns[column] = (columns[column] || 0) + value;
      total += value;
    });
    Object.keys(rows).forEach(function (row) { set("[data-row-total='" + row + "']", rows[row]); });
    Object.keys(columns).forEach(function (column) { set("[data-col-total='" + column + "']", columns[column]); });
    set("[data-grand-total]", total);
    var wanted = requested ? cents(requested.value) : null;
    var remaining = document.querySelector("[data-remaining]");
    if (remaining) { remaining.textContent = wanted === null ? "–" : euro(wanted - total); }
  }

  table.addEventListener("input", update);
  if (requested) { requested.addEventListener("input", update); }
  update();
})();
