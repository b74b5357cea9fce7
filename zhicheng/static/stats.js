/* 统计分析: draws each chart box ([data-chart]) with the ECharts options the server wrote into
   #zc-stats-charts (zhicheng/stats/charts.py), in the page's own fonts. */
(function () {
  "use strict";
  var source = document.getElementById("zc-stats-charts");
  if (!source || typeof echarts === "undefined") { return; }
  var options = JSON.parse(source.textContent);
  var drawn = [];

  function draw() {
    // ECharts measures the labels when it lays a chart out: only once the page's fonts are there
    // (the bundled web font on a computer without Chinese fonts) do they measure as they are drawn.
    var font = window.getComputedStyle(document.body).fontFamily;
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), function (box) {
      var option = options[box.getAttribute("data-chart")];
      if (!option) { return; }
      var chart = echarts.init(box, null, { renderer: "svg", locale: "ZH" });
      chart.setOption(Object.assign({ textStyle: { fontFamily: font }, animation: false }, option));
      drawn.push(chart);
    });
  }

  (document.fonts && document.fonts.ready ? document.fonts.ready : Promise.resolve()).then(draw);
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { drawn.forEach(function (c) { c.resize(); }); }, 150);
  });
})();
