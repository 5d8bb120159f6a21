// Starts a page's wasm client once the prerendered page is on screen.
//
// The server prerenders every page with its data, so the customer reads it
// before the client runs. Fetching and compiling the client competes with
// that first paint for the CPU (on a two-core machine it delayed the first
// paint by about a fifth), so this script loads the client's scripts only
// when the browser reports the first contentful paint — or at once when the
// page is hidden (a background tab never paints), or after a second at most.
// The scripts to load are listed, in order, in data-scripts.
(function () {
  "use strict";
  var me = document.currentScript;
  var scripts = ((me && me.getAttribute("data-scripts")) || "").split(" ").filter(Boolean);
  var started = false;

  function start() {
    if (started) return;
    started = true;
    // Shows go-app's loader (a thin bar, see the page's styles) while the
    // client downloads.
    document.documentElement.classList.add("portico-loading");
    scripts.forEach(function (src) {
      var s = document.createElement("script");
      s.src = src;
      // Inserted scripts run as they arrive unless told otherwise:
      // wasm_exec.js must run before the script that uses it.
      s.async = false;
      document.head.appendChild(s);
    });
  }

  var painted = window.PerformanceObserver && PerformanceObserver.supportedEntryTypes &&
    PerformanceObserver.supportedEntryTypes.indexOf("paint") >= 0;
  if (!painted || document.visibilityState !== "visible") {
    start();
    return;
  }
  var observer = new PerformanceObserver(function (list) {
    if (list.getEntriesByName("first-contentful-paint").length) {
      observer.disconnect();
      // A task later: the frame that painted has been handed over.
      setTimeout(start, 0);
    }
  });
  observer.observe({ type: "paint", buffered: true });
  setTimeout(start, 1000);
})();
