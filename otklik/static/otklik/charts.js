/* Charts of Otklik, drawn by Chart.js (vendored: static/vendor/chartjs), no inline script.
   A <figure data-chart="ID"> holds a <canvas> and names the id of its data, a json_script
   element: {"kind": "planfact", ...}. The numbers also stay in a table in the figure (screen
   readers, print). More kinds: OtklikCharts.kinds.NAME = function (spec, colours) { return a
   Chart.js config }. Content loaded by htmx is drawn too. Read-only. */
(function () {
  "use strict";
  var numbers = new Intl.NumberFormat("ru-RU", { maximumFractionDigits: 2 });
  var STATUS = { done: "выполнен", lag: "отставание", none: "нет данных" };
  var BETTER = { up: "больше — лучше", down: "меньше — лучше" };

  function format(value) {
    return value === null || value === undefined ? "—" : numbers.format(value);
  }

  function colours(el) {  // from the stylesheet (.chart), so print and themes follow it
    var style = getComputedStyle(el);
    function v(name, fallback) { return style.getPropertyValue(name).trim() || fallback; }
    return {
      done: v("--chart-done", "#2e7d32"),
      lag: v("--chart-lag", "#c62828"),
      none: v("--chart-none", "#b0bec5"),
      plan: v("--chart-plan", "#1f4e8c")
    };
  }

  /* Plan vs fact per period: the fact as bars coloured by status, the plan as a step line
     (dashed over the targets ahead, the last ``ahead`` periods, which have no fact yet). */
  function planfact(spec, c) {
    var first = spec.labels.length - (spec.ahead || 0);
    var better = BETTER[spec.direction] || "";
    var unit = spec.unit ? " " + spec.unit : "";
    var planLabel = "План (" + better + ")";
    return {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: [
          {
            type: "bar", label: "Факт", data: spec.fact, order: 2,
            backgroundColor: spec.status.map(function (s) { return c[s] || c.none; })
          },
          {
            type: "line", label: planLabel, data: spec.plan, order: 1,
            stepped: "middle", borderColor: c.plan, backgroundColor: c.plan, borderWidth: 2,
            pointRadius: 2, spanGaps: false,
            segment: {
              borderDash: function (ctx) { return ctx.p1DataIndex >= first ? [5, 4] : undefined; }
            }
          }
        ]
      },
      options: {
        plugins: {
          legend: {
            position: "bottom",
            labels: {
              boxWidth: 10, font: { size: 11 },
              generateLabels: function () {
                return [
                  { text: "Факт: выполнен", fillStyle: c.done, strokeStyle: c.done, datasetIndex: 0 },
                  { text: "Факт: отставание", fillStyle: c.lag, strokeStyle: c.lag, datasetIndex: 0 },
                  { text: planLabel, fillStyle: c.plan, strokeStyle: c.plan, datasetIndex: 1 }
                ];
              }
            }
          },
          tooltip: {
            callbacks: {
              title: function (items) { return spec.titles[items[0].dataIndex]; },
              label: function (item) {
                var name = item.datasetIndex === 0 ? "Факт" : "План";
                return name + ": " + format(item.raw) + unit;
              },
              footer: function (items) {
                var i = items[0].dataIndex;
                if (i >= first) return "Цель впереди; " + better;
                return "Статус: " + (STATUS[spec.status[i]] || STATUS.none) + "; " + better;
              }
            }
          }
        },
        scales: {
          y: { beginAtZero: true, ticks: { callback: format, maxTicksLimit: 5 } },
          x: { ticks: { autoSkip: true, maxRotation: 0, font: { size: 10 } } }
        }
      }
    };
  }

  var kinds = { planfact: planfact };

  function draw(figure) {
    var source = document.getElementById(figure.dataset.chart);
    var canvas = figure.querySelector("canvas");
    if (!source || !canvas || typeof Chart === "undefined" || Chart.getChart(canvas)) return;
    var spec = JSON.parse(source.textContent);
    var build = kinds[spec.kind];
    if (!build) return;
    var config = build(spec, colours(figure));
    config.options = Object.assign(
      { responsive: true, maintainAspectRatio: false, animation: false, locale: "ru-RU" },
      config.options
    );
    new Chart(canvas, config);
    figure.dataset.drawn = String(config.data.datasets.length);
  }

  function drawIn(root) {
    if (root.matches && root.matches("[data-chart]")) draw(root);
    root.querySelectorAll("[data-chart]").forEach(draw);
  }

  // a printout has the numbers too: open the tables for it, close them after
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("[data-chart] details:not([open])").forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  document.addEventListener("DOMContentLoaded", function () { drawIn(document); });
  document.addEventListener("htmx:load", function (e) { drawIn(e.detail.elt); });
  window.OtklikCharts = { kinds: kinds, draw: draw, format: format };
})();
