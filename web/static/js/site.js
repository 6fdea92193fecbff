// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Sort a data table by clicking a header (numbers numerically, text in Chinese order).
  function sortTable(th) {
    var table = th.closest("table"), body = table.tBodies[0];
    var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    var asc = !th.classList.contains("sort-asc");
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.classList.remove("sort-asc", "sort-desc"); });
    th.classList.add(asc ? "sort-asc" : "sort-desc");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[idx].textContent.trim(), y = b.cells[idx].textContent.trim();
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "zh-CN");
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.addEventListener("click", function (e) {
    var th = e.target.closest && e.target.closest("table.sortable th");
    if (th) { sortTable(th); }
  });
  // The search box's sort menu submits at once.
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches(".searchbox select[name=sort]")) { e.target.form.submit(); }
  });
})();
