// The per-day chart of the compliance dashboard (Apache ECharts, served by the app).
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("chart");
    if (!el || !window.echarts) { return; }
    var data = JSON.parse(el.getAttribute("data-chart") || "{}");
    var days = (data.days || []).map(function (d) { return d.date; });
    var counts = (data.days || []).map(function (d) { return d.count; });
    if (!days.length) { return; }
    var marks = (data.deadlines || []).map(function (d) { return { xAxis: d, name: el.getAttribute("data-label-deadline") }; });
    // Deadlines outside the published days still belong on the axis.
    (data.deadlines || []).forEach(function (d) { if (days.indexOf(d) < 0) { days.push(d); counts.push(0); } });
    var order = days.map(function (d, i) { return i; }).sort(function (a, b) { return days[a] < days[b] ? -1 : 1; });
    days = order.map(function (i) { return days[i]; }); counts = order.map(function (i) { return counts[i]; });
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 20, top: 30, bottom: 50 },
      xAxis: { type: "category", data: days },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: el.getAttribute("data-label-count"), data: counts, itemStyle: { color: "#1f4e9c" },
                 markLine: { symbol: "none", label: { formatter: "{b} {c}" }, lineStyle: { color: "#a61b1b", type: "dashed" }, data: marks } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
