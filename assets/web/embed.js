/* Portico embed: <portico-portal>, <portico-paywall> and <portico-usage>
 * render the matching Portico surface in a frame sized to its content.
 *
 * Attributes: session (required; a portal session your server opens),
 * product, resource, hide (sections, comma separated), theme (inline JSON
 * or the URL of a theme file), texts (JSON of text overrides), locale,
 * support (a support URL), handle (events your page handles itself, e.g.
 * "plan-selected contact-support": the portal then leaves those actions to
 * you), base (Portico's URL; by default where this script came from).
 *
 * Events, on the element: portico:ready, portico:plan-selected,
 * portico:contact-support, portico:manage-subscription, portico:buy-more,
 * portico:error and portico:session-expired, whose detail.renew(token)
 * hands over a fresh session (as does setting the session attribute).
 */
(function () {
  "use strict";
  var me = document.currentScript;
  var scriptBase = me ? me.src.replace(/\/embed\.js([?#].*)?$/, "") : location.origin;
  var KINDS = { "portico-portal": "portal", "portico-paywall": "paywall", "portico-usage": "usage" };
  var TITLES = { portal: "Billing portal", paywall: "Plans", usage: "Usage" };
  var QUERY = ["session", "product", "resource", "locale", "support", "handle"];
  var PROPS = ["theme", "texts", "hide"];

  function list(v) {
    return (v || "").split(/[\s,]+/).filter(Boolean);
  }

  function define(tag, kind) {
    if (customElements.get(tag)) return;
    customElements.define(tag, class extends HTMLElement {
      static get observedAttributes() {
        return QUERY.concat(PROPS, ["base"]);
      }

      constructor() {
        super();
        var root = this.attachShadow({ mode: "open" });
        var style = document.createElement("style");
        style.textContent = ":host{display:block}iframe{display:block;width:100%;height:0;border:0}";
        this.frame = document.createElement("iframe");
        this.frame.title = TITLES[kind];
        root.append(style, this.frame);
        this.onMessage = this.onMessage.bind(this);
      }

      connectedCallback() {
        addEventListener("message", this.onMessage);
        this.schedule(true);
      }

      disconnectedCallback() {
        removeEventListener("message", this.onMessage);
      }

      attributeChangedCallback(name, before, now) {
        if (before !== now && this.isConnected) this.schedule(PROPS.indexOf(name) < 0 || !this.ready);
      }

      // schedule coalesces attribute changes made together: a change of
      // session, scope or locale reloads the frame; theme, texts and hidden
      // sections reach a loaded frame as props, without a reload.
      schedule(reload) {
        this.reload = this.reload || reload;
        if (this.queued) return;
        this.queued = true;
        var el = this;
        Promise.resolve().then(function () {
          el.queued = false;
          var r = el.reload;
          el.reload = false;
          return el.props().then(function (props) {
            if (r) el.load(props);
            else el.post({ type: "props", props: props });
          });
        }).catch(function (err) {
          el.emit("error", { message: String(err && err.message || err), field: err && err.field });
        });
      }

      base() {
        return (this.getAttribute("base") || scriptBase).replace(/\/+$/, "");
      }

      // props reads theme, texts and hidden sections; a theme that is not
      // inline JSON is fetched from its URL. A bad theme or texts is
      // reported and left out, so the portal still shows.
      props() {
        var el = this;
        var theme = (this.getAttribute("theme") || "").trim();
        var out = { hide: list(this.getAttribute("hide")), texts: null, theme: null };
        function bad(err) {
          el.emit("error", { message: err.message, field: err.field });
        }
        try {
          out.texts = parse(this.getAttribute("texts"), "texts");
          if (theme.charAt(0) === "{") out.theme = parse(theme, "theme");
        } catch (err) {
          bad(err);
        }
        if (!theme || theme.charAt(0) === "{") return Promise.resolve(out);
        return fetch(new URL(theme, location.href)).then(function (r) {
          if (!r.ok) throw fail("theme", "The theme at " + theme + " could not be loaded (" + r.status + ")");
          return r.text();
        }).then(function (body) {
          out.theme = parse(body, "theme");
        }).catch(bad).then(function () {
          return out;
        });
      }

      load(props) {
        this.ready = false;
        var q = new URLSearchParams();
        for (var i = 0; i < QUERY.length; i++) {
          var v = this.getAttribute(QUERY[i]);
          if (v) q.set(QUERY[i], QUERY[i] === "handle" ? list(v).join(",") : v);
        }
        if (!q.get("session")) throw fail("session", "The session attribute is missing: open a portal session on your server and set it");
        if (props.hide.length) q.set("hide", props.hide.join(","));
        if (props.theme) q.set("theme", JSON.stringify(props.theme));
        if (props.texts) q.set("texts", JSON.stringify(props.texts));
        q.set("origin", location.origin);
        this.frame.src = this.base() + "/embed/" + kind + "?" + q;
      }

      post(msg) {
        var w = this.frame.contentWindow;
        msg.portico = 1;
        if (w && this.ready) w.postMessage(msg, new URL(this.base()).origin);
      }

      // onMessage takes messages from this element's frame, on Portico's
      // origin, only.
      onMessage(e) {
        var m = e.data;
        if (e.source !== this.frame.contentWindow || e.origin !== new URL(this.base()).origin || !m || m.portico !== 1) return;
        if (m.type === "height" && m.height >= 0) {
          this.frame.style.height = m.height + "px";
        } else if (m.type === "ready") {
          this.ready = true;
          this.emit("ready", {});
        } else if (m.type === "event" && /^[a-z-]+$/.test(m.event)) {
          this.emit(m.event, m.detail || {});
        }
      }

      emit(name, detail) {
        var el = this;
        if (name === "session-expired") {
          detail.renew = function (token) {
            el.setAttribute("session", token);
          };
        }
        this.dispatchEvent(new CustomEvent("portico:" + name, { detail: detail, bubbles: true, composed: true }));
      }
    });
  }

  function fail(field, message) {
    var err = new Error(message);
    err.field = field;
    return err;
  }

  function parse(json, field) {
    if (!json) return null;
    try {
      return JSON.parse(json);
    } catch (e) {
      throw fail(field, "The " + field + " is not valid JSON: " + e.message);
    }
  }

  for (var tag in KINDS) define(tag, KINDS[tag]);
})();
