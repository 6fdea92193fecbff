// The per-day chart of the compliance dashboard (Apache ECharts, served by the app).
(function () {
  "use strict";
  function iso(d) { return d.toISOString().slice(0, 10); }
  // Every calendar day from the first to the last (publications and deadlines): a day without
  // publications is a zero on the axis, not a gap that squeezes weeks together.
  function everyDay(first, last) {
    var out = [], d = new Date(first + "T00:00:00Z"), end = new Date(last + "T00:00:00Z");
    for (var n = 0; d <= end && n < 3660; n++) { out.push(iso(d)); d.setUTCDate(d.getUTCDate() + 1); }
    return out;
  }
  function draw() {
    var el = document.getElementById("chart");
    if (!el || !window.echarts) { return; }
    var data = JSON.parse(el.getAttribute("data-chart") || "{}");
    var byDay = {};
    (data.days || []).forEach(function (d) { byDay[d.date] = d.count; });
    var known = Object.keys(byDay).concat(data.deadlines || []).sort();
    if (!known.length) { return; }
    var days = everyDay(known[0], known[known.length - 1]);
    var counts = days.map(function (d) { return byDay[d] || 0; });
    var label = el.getAttribute("data-label-deadline");
    var marks = (data.deadlines || []).map(function (d) { return { xAxis: d, name: label }; });
    el.classList.add("drawn");
    // The box has its size now (it is shown before init): ECharts would take 100 px otherwise.
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 60, top: 50, bottom: 50, containLabel: true },
      xAxis: { type: "category", data: days, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: el.getAttribute("data-label-count"), data: counts, itemStyle: { color: "#1f4e9c" },
                 markLine: { symbol: "none", lineStyle: { color: "#a61b1b", type: "dashed" }, data: marks,
                             // above the plot, centred on the line: never past the right edge
                             label: { position: "end", formatter: "{b}\n{c}", color: "#a61b1b" } } }]
    });
    if (window.ResizeObserver) {
      new window.ResizeObserver(function () { chart.resize(); }).observe(el);
    } else {
      window.addEventListener("resize", function () { chart.resize(); });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
