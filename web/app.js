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
  document.addEventListener("DOMContentLoaded", function () {
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
