// Portico's side of the embed bridge, loaded by every page. It acts only
// when the page is framed by a host that named its origin (?origin=…, set
// by /embed.js): it reports the content height, forwards props the host
// sends, and lets the portal send events to the host. Messages go to, and
// are taken from, that origin and the parent window only.
(function () {
  "use strict";
  var host = new URLSearchParams(location.search).get("origin");
  if (window.parent === window || !host) return;
  try {
    if (new URL(host).origin !== host) return;
  } catch (e) {
    return;
  }
  var root = document.documentElement;
  root.classList.add("portico-framed");

  function send(msg) {
    msg.portico = 1;
    window.parent.postMessage(msg, host);
  }

  // The page's own height, not the frame's: framed pages have no minimum
  // height, so the document shrinks with its content.
  var last = -1, queued = false;
  function measure() {
    queued = false;
    var h = Math.ceil(root.getBoundingClientRect().height);
    if (h !== last) {
      last = h;
      send({ type: "height", height: h });
    }
  }
  function height() {
    if (!queued) {
      queued = true;
      requestAnimationFrame(measure);
    }
  }
  new ResizeObserver(height).observe(root);
  new MutationObserver(height).observe(root, { childList: true, subtree: true, attributes: true });
  addEventListener("load", height);

  // A dialog is drawn in the middle of the frame, which is as tall as the
  // portal and may be scrolled partly out of the host's view: bring it in.
  addEventListener("focusin", function (e) {
    var d = e.target.closest && e.target.closest("[role=dialog]");
    if (d) d.scrollIntoView({ block: "center" });
  });

  // A notice is drawn at the bottom of the window, which in a frame as tall
  // as the portal may be far out of the host's view: it is drawn below the
  // control last pressed instead (page.css), where the customer is.
  addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("button, a, [role=tab], [role=radio]");
    if (el) root.style.setProperty("--portico-notice-top", Math.round(el.getBoundingClientRect().bottom + 8) + "px");
  }, true);

  // The portal calls this to tell the host about an action or a problem.
  window.porticoEmit = function (type, detail) {
    send({ type: "event", event: String(type), detail: JSON.parse(detail || "{}") });
  };

  // Props the host sends wait here for the client, which may still be
  // loading; it reads them and listens for later ones.
  addEventListener("message", function (e) {
    if (e.origin !== host || e.source !== window.parent) return;
    var m = e.data;
    if (!m || m.portico !== 1 || m.type !== "props") return;
    window.porticoProps = JSON.stringify(m.props || {});
    dispatchEvent(new Event("portico-props"));
  });
  send({ type: "ready" });
})();
