// The browser-based updater (spec §2.5): keeps one host up to date while the page is open. It asks /myip on
// the host the page came from (ipv4./ipv6. names pick the family) and sends /nic/update only when the address
// changed since the last accepted update. Configuration comes from the page (#updater-config).
(function () {
  "use strict";
  var INTERVAL_MS = 300000;
  var cfg = JSON.parse(document.getElementById("updater-config").textContent);
  var lastIp = null;

  var messages = {
    good: "Update successful.",
    nochg: "Warning: no change, the address was already set.",
    dnserr: "DNS error, the update could not be applied; will retry.",
    nohost: "The host does not exist (or is not available).",
    abuse: "The host is flagged for abuse: updates are blocked.",
    badauth: "Wrong host name or secret.",
    badagent: "This user agent is blacklisted.",
    notfqdn: "The host name is not a fully qualified domain name.",
    numhost: "Too many host names in one request.",
    "911": "The service has a problem or is under maintenance; will retry."
  };

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function stamp() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }
  function show(id, text) {
    document.getElementById(id).textContent = text;
    document.getElementById(id + "-time").textContent = stamp();
  }
  // Basic credentials as UTF-8, so secrets with any character survive btoa.
  function basic(user, pass) {
    var bytes = new TextEncoder().encode(user + ":" + pass);
    var bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return "Basic " + btoa(bin);
  }

  function update(ip) {
    return fetch("/nic/update", { headers: { Authorization: basic(cfg.hostname, cfg.secret) }, cache: "no-store", credentials: "omit" })
      .then(function (r) {
        return r.text().then(function (body) {
          if (r.status < 200 || r.status > 299) {
            show("result", "Could not connect, will retry.");
            return;
          }
          lastIp = ip;
          var word = body.trim().split(/\s+/)[0];
          var msg = Object.prototype.hasOwnProperty.call(messages, word) ? messages[word] : "Unexpected answer.";
          show("result", msg + " [" + body.trim() + "].");
        });
      })
      .catch(function () { show("result", "Could not connect, will retry."); });
  }

  function tick() {
    fetch("/myip", { cache: "no-store" })
      .then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        return r.text();
      })
      .then(function (ip) {
        ip = ip.trim();
        show("myip", ip);
        if (ip !== lastIp) return update(ip);
      })
      .catch(function () { show("myip", "Could not determine the IP address, will retry."); });
  }

  tick();
  setInterval(tick, INTERVAL_MS);
})();
