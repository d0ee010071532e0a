/* The simulator's stand-in for LINE's LIFF SDK (https://static.line-scdn.net/liff/edge/2/sdk.js):
   window.liff with init, ready, isLoggedIn, isInClient, getLanguage, getProfile, getIDToken,
   getDecodedIDToken, closeWindow, sendMessages, login, logout — the methods @line/liff-mock
   stands in for. The LIFF context comes from the fragment the simulator's /__sim/liff/open adds
   (as LINE's in-app browser hands a LIFF app its tokens) and is kept for the tab's session. */
(function () {
  "use strict";
  var script = document.currentScript;
  var simOrigin = script ? new URL(script.src).origin : "";
  var context = null;
  var readyResolve;
  var ready = new Promise(function (resolve) { readyResolve = resolve; });

  function decode(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); })));
  }

  function fail(code, message) { var e = new Error(message); e.code = code; return e; }

  function need() { if (!context) throw fail("UNAUTHORIZED", "liff.init() first, inside LINE"); }

  window.liff = {
    id: null,
    ready: ready,
    init: function (config) {
      if (!config || !config.liffId) return Promise.reject(fail("INVALID_CONFIG", "liffId is necessary for liff.init()"));
      var key = "liff.sim:" + config.liffId;
      var match = /liff\.sim=([^&]+)/.exec(location.hash);
      try {
        if (match) {
          context = decode(decodeURIComponent(match[1]));
          sessionStorage.setItem(key, JSON.stringify(context));
          history.replaceState(null, "", location.pathname + location.search);
        } else {
          context = JSON.parse(sessionStorage.getItem(key) || "null");
        }
      } catch (e) {
        context = null;
      }
      if (context && context.liffId !== config.liffId) context = null;
      this.id = config.liffId;
      readyResolve();
      return Promise.resolve();
    },
    isLoggedIn: function () { return !!context; },
    isInClient: function () { return window.parent !== window; },
    getOS: function () { return "web"; },
    getLanguage: function () { return context ? context.language : navigator.language; },
    getIDToken: function () { return context ? context.idToken : null; },
    getDecodedIDToken: function () { return context ? decode(context.idToken.split(".")[1]) : null; },
    getProfile: function () {
      try { need(); } catch (e) { return Promise.reject(e); }
      return Promise.resolve({ userId: context.userId, displayName: context.displayName, pictureUrl: undefined, statusMessage: undefined });
    },
    login: function () { /* the simulator's chat page logs the user in when it opens the app */ },
    logout: function () { if (this.id) sessionStorage.removeItem("liff.sim:" + this.id); context = null; },
    closeWindow: function () {
      if (window.parent !== window) window.parent.postMessage({ type: "liff.closeWindow" }, "*");
      else window.close();
    },
    sendMessages: function (messages) {
      try { need(); } catch (e) { return Promise.reject(e); }
      return fetch(simOrigin + "/__sim/liff/messages", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ idToken: context.idToken, messages: messages }),
      }).then(function (r) { if (!r.ok) throw fail(String(r.status), "sendMessages failed"); });
    },
  };
})();
