/* The calculation editor's small helpers on top of htmx (the page works without them):
 * - before a live preview is swapped in, clear the errors shown next to fields (the response
 *   brings the current ones out of band), then mark the fields that have one aria-invalid;
 * - draw the Vega-Lite charts with vega-embed (from the bundle served by the app, never a CDN);
 * - after a row is added or removed, move focus to the new row or the group's add button. */
(function () {
  "use strict";

  var pendingFocus = null;

  function form() { return document.getElementById("calc-form"); }

  function clearErrors() {
    var f = form();
    if (!f) { return; }
    f.querySelectorAll(".field-error").forEach(function (el) { el.textContent = ""; });
  }

  function syncInvalid() {
    var f = form();
    if (!f) { return; }
    f.querySelectorAll("input[aria-describedby], select[aria-describedby]").forEach(function (el) {
      var ids = (el.getAttribute("aria-describedby") || "").split(/\s+/);
      var own = ids.filter(function (id) { return id.indexOf("err-") === 0; });
      var bad = own.some(function (id) {
        var slot = document.getElementById(id);
        return slot && slot.textContent.trim() !== "";
      });
      if (bad) { el.setAttribute("aria-invalid", "true"); } else { el.removeAttribute("aria-invalid"); }
    });
  }

  function renderCharts() {
    if (typeof window.vegaEmbed !== "function") { return; }
    document.querySelectorAll("[data-vega-spec]").forEach(function (el) {
      var specEl = document.getElementById(el.getAttribute("data-vega-spec"));
      if (!specEl || el.getAttribute("data-rendered") === specEl.textContent.length + "") { return; }
      var localeEl = document.getElementById(el.getAttribute("data-vega-locale") || "");
      // bind: a detached element, so vega-embed adds no empty <form class="vega-bindings">.
      var options = { actions: false, renderer: "svg", bind: document.createElement("div") };
      if (localeEl) { options.formatLocale = JSON.parse(localeEl.textContent); }
      el.setAttribute("data-rendered", specEl.textContent.length + "");
      window.vegaEmbed(el, JSON.parse(specEl.textContent), options).then(function () {
        // The wrapper (role="img") names the chart and points to the table; the drawing is decoration.
        el.setAttribute("aria-hidden", "true");
        var svg = el.querySelector("svg");
        if (svg) { svg.setAttribute("focusable", "false"); }
      }).catch(function () { el.hidden = true; });
    });
  }

  // The parameters each distribution reads; the others are not sent (the server ignores them,
  // and Django limits the number of fields in one request).
  var PARAMS = {
    fixed: ["value"], normal: ["mean", "sd"], lognormal: ["mean", "sd"], beta: ["mean", "sd"],
    gamma: ["mean", "sd"], triangular: ["low", "mode", "high"], pert: ["low", "mode", "high"],
    uniform: ["low", "high"]
  };
  var PARTS = ["value", "mean", "sd", "low", "mode", "high"];

  function unusedParameters(f) {
    var names = [];
    f.querySelectorAll("select[name$='-dist']").forEach(function (select) {
      var base = select.name.slice(0, -5);
      var used = PARAMS[select.value] || PARTS;
      PARTS.forEach(function (part) {
        if (used.indexOf(part) < 0) { names.push(part === "value" ? base : base + "-" + part); }
      });
    });
    return names;
  }

  // The live preview always goes to the form's hx-post: htmx would otherwise send it to the
  // formaction of a button that merely has focus (the add/remove buttons post to the editor).
  document.addEventListener("htmx:configRequest", function (evt) {
    var elt = evt.detail && evt.detail.elt;
    var f = form();
    if (!elt || !f || !f.contains(elt)) { return; }
    unusedParameters(f).forEach(function (name) { delete evt.detail.parameters[name]; });
    if (elt === f) {
      evt.detail.path = elt.getAttribute("hx-post");
      ["add_row", "remove_row", "recalculate"].forEach(function (name) {
        delete evt.detail.parameters[name];
      });
    }
  });

  // A full submit (save, recalculate) leaves the unused parameters out too.
  document.addEventListener("submit", function (evt) {
    var f = form();
    if (evt.target !== f) { return; }
    unusedParameters(f).forEach(function (name) {
      var input = f.elements.namedItem(name);
      if (input && input.tagName === "INPUT") { input.disabled = true; }
    });
  });
  window.addEventListener("pageshow", function () {
    var f = form();
    if (f) { f.querySelectorAll("input:disabled").forEach(function (input) { input.disabled = false; }); }
  });

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail && evt.detail.target;
    if (target && target.id === "calc-results") { clearErrors(); }
  });

  document.addEventListener("calc-focus", function (evt) {
    pendingFocus = evt.detail && (evt.detail.value || evt.detail);
  });

  document.addEventListener("htmx:afterSettle", function () {
    syncInvalid();
    renderCharts();
    if (typeof pendingFocus === "string") {
      var el = document.getElementById(pendingFocus);
      pendingFocus = null;
      if (el) { el.focus(); }
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderCharts);
  } else {
    renderCharts();
  }
  window.addEventListener("load", renderCharts);
})();
