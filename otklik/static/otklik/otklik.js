/* Otklik: small behaviour on top of htmx (no other libraries). */
(function () {
  "use strict";
  // Filters sent by htmx leave out empty fields, so the address bar (hx-push-url) stays short
  // and readable: /messages/?sector=roads instead of /messages/?q=&sector=roads&topic=&...
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get" || !event.detail.formData) return;
    var data = event.detail.formData;
    Array.from(data.keys()).forEach(function (key) {
      if (data.getAll(key).every(function (value) { return value === ""; })) data.delete(key);
    });
  });

  // On a phone the filter panel starts folded (unless a filter is set), so the list is in view.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia("(max-width: 719px)").matches) return;
    document.querySelectorAll("details[data-collapse-on-phone]").forEach(function (box) {
      if (!box.hasAttribute("data-active")) box.removeAttribute("open");
    });
  });
})();
