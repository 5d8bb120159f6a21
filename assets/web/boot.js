// Starts a page's wasm client once the prerendered page is on screen, and
// keeps what the customer does before it runs.
//
// The server prerenders every page with its data, so the customer reads it
// before the client runs. Fetching and compiling the client competes with
// that first paint for the CPU (on a two-core machine it delayed the first
// paint by about a fifth), so this script loads the client's scripts only
// when the browser reports the first contentful paint — or at once when the
// page is hidden (a background tab never paints), or after a second at most.
// The scripts to load are listed, in order, in data-scripts.
//
// Until the client has replaced the prerendered page (the server marks its
// root portico-prerendered), its buttons are the server's HTML: they have no
// handlers yet, which on a slow phone lasts seconds. They are shown busy,
// and the last one pressed is pressed again on the client's page once it is
// there.
(function () {
  "use strict";
  var me = document.currentScript;
  var scripts = ((me && me.getAttribute("data-scripts")) || "").split(" ").filter(Boolean);
  var started = false;
  // The controls the client gives handlers to. Links work without it.
  var controls = "button, [role=button], [role=tab], [role=radio]";

  keepEarlyClicks(document.querySelector(".portico-prerendered"));

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

  // keepEarlyClicks marks the prerendered page's controls busy, records the
  // last one pressed, and presses it on the client's page.
  function keepEarlyClicks(root) {
    if (!root) return;
    var pressed = null;
    Array.prototype.forEach.call(root.querySelectorAll(controls), function (el) {
      el.setAttribute("aria-busy", "true");
    });
    function record(e) {
      var el = e.target.closest && e.target.closest(controls);
      if (!el || !root.contains(el) || el.disabled) return;
      var last = root.querySelector("[data-portico-pressed]");
      if (last) last.removeAttribute("data-portico-pressed");
      el.setAttribute("data-portico-pressed", "");
      pressed = identify(el, root);
    }
    document.addEventListener("click", record, true);
    new MutationObserver(function (changes, watcher) {
      if (root.isConnected) return;
      watcher.disconnect();
      document.removeEventListener("click", record, true);
      // The client has put its page in; its handlers run once it has drawn.
      if (pressed) requestAnimationFrame(function () { setTimeout(function () { press(pressed); }, 0); });
    }).observe(root.parentNode, { childList: true });
  }

  // identify names a control so it can be found on the client's page, which
  // draws the same elements: by its ID, else by the path to it from the
  // nearest ancestor with an ID (or the page's root), each step an element's
  // tag and classes and its rank among its siblings that share them.
  function identify(el, root) {
    var steps = [];
    var n = el;
    for (; n !== root && !n.id; n = n.parentElement) {
      steps.unshift(step(n));
    }
    var from = n.id ? { id: n.id } : { root: rootSelector(root) };
    from.steps = steps;
    return from;
  }

  function step(el) {
    var kind = el.tagName + "|" + (el.getAttribute("class") || "");
    var rank = 0;
    for (var s = el.previousElementSibling; s; s = s.previousElementSibling) {
      if (s.tagName + "|" + (s.getAttribute("class") || "") === kind) rank++;
    }
    return { kind: kind, rank: rank };
  }

  // rootSelector selects the client's page root: the prerendered root's
  // tag and its classes but the prerendered mark.
  function rootSelector(root) {
    var classes = Array.prototype.filter.call(root.classList, function (c) { return c !== "portico-prerendered"; });
    return root.tagName.toLowerCase() + classes.map(function (c) { return "." + CSS.escape(c); }).join("");
  }

  function press(pressed) {
    var n = pressed.id ? document.getElementById(pressed.id) : document.querySelector(pressed.root);
    for (var i = 0; n && i < pressed.steps.length; i++) {
      n = child(n, pressed.steps[i]);
    }
    if (n && !n.disabled) n.click();
  }

  function child(parent, want) {
    var rank = 0;
    for (var c = parent.firstElementChild; c; c = c.nextElementSibling) {
      if (c.tagName + "|" + (c.getAttribute("class") || "") === want.kind && rank++ === want.rank) return c;
    }
    return null;
  }
})();
