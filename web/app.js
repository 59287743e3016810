// updns page script: the theme toggle. Loaded from our own origin (the CSP allows no inline script).
// Everything else on the pages is plain HTML forms and htmx attributes.
(function () {
  "use strict";
  var root = document.documentElement;
  function current() {
    var t = root.getAttribute("data-theme");
    if (t === "light" || t === "dark") return t;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  // Copy buttons: show them (without JavaScript the text is selected and copied by hand), copy the text of
  // the element named by data-copy, and say so where screen readers hear it.
  function copyButtons(scope) {
    var buttons = scope.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      if (b.dataset.ready) continue;
      b.dataset.ready = "1";
      b.hidden = false;
      b.addEventListener("click", function (ev) {
        var btn = ev.currentTarget;
        var el = document.getElementById(btn.getAttribute("data-copy"));
        if (!el || !navigator.clipboard) return;
        var label = btn.textContent;
        navigator.clipboard.writeText(el.textContent).then(function () {
          btn.textContent = "✓ " + label;
          btn.setAttribute("data-copied", "1");
          setTimeout(function () { btn.textContent = label; }, 2000);
        });
      });
    }
  }
  document.addEventListener("htmx:afterSwap", function (ev) { copyButtons(ev.target); });
  // IP detection: ask each detect URL once (the ipv4./ipv6. names answer 204 and remember the address for
  // this browser's token), then let htmx reload the addresses.
  function detect() {
    var spans = document.querySelectorAll("[data-detect]");
    var target = document.getElementById("ips");
    if (!spans.length || !target || !window.fetch) return;
    var asks = [];
    for (var i = 0; i < spans.length; i++) {
      asks.push(fetch(spans[i].getAttribute("data-detect"), { mode: "no-cors", cache: "no-store", credentials: "omit" }).catch(function () {}));
    }
    Promise.all(asks).then(function () {
      if (window.htmx) window.htmx.trigger(target, "detected");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    copyButtons(document);
    detect();
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      // A year, like the baseline's theme cookie; read by the server so the first paint has the right colours.
      document.cookie = "updns_theme=" + next + "; Path=/; Max-Age=31536000; SameSite=Lax";
    });
  });
})();
