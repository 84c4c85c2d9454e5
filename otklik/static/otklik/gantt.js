/* The project's control points on a Gantt chart (Frappe Gantt, vendored: static/vendor).
   A container names the id of its JSON data: <div data-gantt="timeline-data">. Read-only. */
(function () {
  "use strict";
  function esc(text) {  // the popup takes HTML; names come from people
    var span = document.createElement("span");
    span.textContent = text || "";
    return span.innerHTML;
  }
  function draw(box) {
    var source = document.getElementById(box.dataset.gantt);
    if (!source || typeof Gantt === "undefined") return;
    var bars = JSON.parse(source.textContent);
    if (!bars.length) return;
    var tasks = bars.map(function (b) {
      return {
        // the library writes the name into the bar with innerHTML: escaped here
        id: b.id, name: esc(b.name), label: b.name, start: b.start, end: b.end,
        progress: b.progress,
        custom_class: b.missed ? "bar-missed" : (b.progress === 100 ? "bar-done" : ""),
        responsible: b.responsible
      };
    });
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    box.appendChild(svg);
    new Gantt(svg, tasks, {
      view_mode: "Month",
      language: "ru",
      readonly: true,
      today_button: false,
      infinite_padding: false,
      popup_on: "hover",
      scroll_to: "start",
      popup: function (ctx) {
        ctx.set_title(esc(ctx.task.label));
        ctx.set_subtitle(esc(ctx.task.responsible));
        var end = new Date(ctx.task._end.getTime() - 1);
        ctx.set_details("Срок: " + end.toLocaleDateString("ru-RU"));
      }
    });
    box.dataset.drawn = String(tasks.length);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-gantt]").forEach(draw);
  });
})();
