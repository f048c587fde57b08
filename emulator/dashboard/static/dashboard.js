// Refresh the page's live sections in place: fetch the same URL, swap each [data-live] section
// whose HTML changed, keep open <details> open, and leave alone a section someone is typing in.
(function () {
  "use strict";
  var INTERVAL = 1000;
  var busy = false;

  function openKeys(root) {
    var keys = {};
    root.querySelectorAll("details[data-key]").forEach(function (d) { keys[d.dataset.key] = d.open; });
    return keys;
  }

  function refresh() {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(location.pathname + location.search, { headers: { "X-Dashboard": "live" }, cache: "no-store" })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        fresh.querySelectorAll("[data-live]").forEach(function (section) {
          var current = document.querySelector('[data-live="' + section.dataset.live + '"]');
          if (!current || current.innerHTML === section.innerHTML) { return; }
          if (current.contains(document.activeElement) && document.activeElement.tagName === "INPUT") { return; }
          var keys = openKeys(current);
          section.querySelectorAll("details[data-key]").forEach(function (d) {
            if (d.dataset.key in keys) { d.open = keys[d.dataset.key]; }
          });
          current.innerHTML = section.innerHTML;
        });
        // the clock controls (freeze / unfreeze) follow the clock's mode
        var controls = fresh.querySelector("header form.controls");
        var mine = document.querySelector("header form.controls");
        if (controls && mine && document.activeElement.tagName !== "INPUT" && controls.innerHTML !== mine.innerHTML) {
          mine.innerHTML = controls.innerHTML;
        }
      })
      .catch(function () { /* the emulator restarting: try again on the next tick */ })
      .then(function () { busy = false; });
  }

  setInterval(refresh, INTERVAL);
})();
