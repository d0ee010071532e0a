/* The member pages inside LINE: get the LIFF ID token, trade it for a short session
   (POST /liff/api/session), read the page's JSON and draw it. Codes arrive as SVG drawn by the server. */
(function () {
  "use strict";
  var WORDS = JSON.parse(document.getElementById("words").textContent);
  var page = document.body.dataset.page;
  var liffId = document.body.dataset.liffId;
  var main = document.getElementById("main");
  var lang = /^en/i.test(navigator.language || "") ? "en" : "zh-TW";
  var KEY = "liff.session";

  function w(key, params) {
    var s = (WORDS[lang] || WORDS["zh-TW"])[key] || key;
    return s.replace(/\{(\w+)\}/g, function (_, k) { return params && k in params ? params[k] : ""; });
  }

  function useLanguage(language) {
    if (language !== "en" && language !== "zh-TW") return;
    lang = language;
    document.documentElement.lang = lang === "en" ? "en" : "zh-Hant";
    document.querySelectorAll("[data-word]").forEach(function (e) { e.textContent = w(e.dataset.word); });
    document.title = w("liff.nav." + page);
  }

  function el(tag, attrs) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "svg") e.innerHTML = attrs[k]; // drawn by our server from a code, nothing else
      else if (k === "class") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) e.appendChild(arguments[i]);
    return e;
  }

  function show() {
    main.textContent = "";
    for (var i = 0; i < arguments.length; i++) if (arguments[i]) main.appendChild(arguments[i]);
  }

  function denied() {
    sessionStorage.removeItem(KEY);
    var retry = el("button", { type: "button", class: "primary", id: "retry", text: w("liff.retry") });
    retry.onclick = function () { location.reload(); };
    show(el("section", { class: "panel denied", id: "denied" },
      el("h1", { text: w("liff.denied.title") }), el("p", { text: w("liff.denied.body") }), retry));
  }

  function failed() { show(el("p", { class: "note", text: w("liff.error") })); }

  function Denied() {}

  function session(fresh) {
    var kept = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (!fresh && kept && kept.expires * 1000 > Date.now() + 30000) return Promise.resolve(kept);
    var idToken = window.liff && liff.getIDToken();
    if (!idToken) return Promise.reject(new Denied());
    return fetch("/liff/api/session", { method: "POST", headers: { Authorization: "Bearer " + idToken } })
      .then(function (r) {
        if (r.status === 401) throw new Denied();
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (s) { sessionStorage.setItem(KEY, JSON.stringify(s)); return s; });
  }

  function api(path, options, retried) {
    options = options || {};
    return session(retried).then(function (s) {
      var headers = { Authorization: "Bearer " + s.session };
      if (options.body) { headers["Content-Type"] = "application/json"; headers["X-CSRF-Token"] = s.csrf; }
      return fetch("/liff/api/" + path, { method: options.method || "GET", headers: headers, body: options.body });
    }).then(function (r) {
      if (r.status === 401 && !retried) { sessionStorage.removeItem(KEY); return api(path, options, true); }
      if (r.status === 401) throw new Denied();
      return r.json().then(function (body) {
        if (body.language) useLanguage(body.language);
        return { status: r.status, body: body };
      });
    });
  }

  function load(path, draw) {
    return api(path).then(function (got) {
      if (got.status === 404 && got.body.error === "not_member") return show(el("p", { class: "note", id: "not-member", text: w("liff.not_member") }));
      if (got.status !== 200) return failed();
      draw(got.body);
    });
  }

  var timer = null;
  function drawCard(c) {
    var carrier = c.carrier
      ? el("section", { class: "panel carrier", id: "carrier" }, el("h2", { text: w("liff.card.carrier") }),
        el("div", { class: "bars", svg: c.carrier.barcode }), el("p", { class: "code-text", text: c.carrier.text }))
      : el("p", { class: "note small", text: w("liff.card.no_carrier") });
    var bar = el("div", { class: "progress" }, el("span", { style: "width:" + c.progress_percent + "%" }));
    show(
      el("section", { class: "panel card tier-" + c.tier_code, id: "card" },
        el("p", { class: "who" }, el("strong", { text: c.name }), el("span", { class: "tier", text: c.tier })),
        el("div", { class: "qr", svg: c.qr }),
        el("div", { class: "bars", svg: c.barcode }),
        el("p", { class: "code-text", id: "code", text: c.code }),
        el("p", { class: "small", text: w("liff.card.scan") + " · " + w("liff.card.refresh") })),
      el("section", { class: "panel stats" },
        el("div", {}, el("span", { class: "label", text: w("liff.card.points") }), el("strong", { class: "big", id: "points", text: c.points })),
        el("div", {}, el("span", { class: "label", text: w("liff.card.tier") }), el("strong", { class: "big", text: c.tier })),
        el("p", { class: "wide", text: c.progress }), bar,
        c.expiring ? el("p", { class: "wide warn", id: "expiring", text: c.expiring }) : null),
      carrier);
    clearTimeout(timer); // the next code, when this one stops being current
    timer = setTimeout(function () { load("card", drawCard); }, c.seconds_left * 1000);
  }

  function drawWallet(d) {
    var parts = ["active", "used", "expired"].map(function (state) {
      var list = el("ul", { class: "coupons " + state });
      d[state].forEach(function (c) {
        list.appendChild(el("li", { class: "panel coupon" }, el("strong", { text: c.title }),
          el("span", { class: "value", text: c.value }),
          c.barcode ? el("div", { class: "bars", svg: c.barcode }) : null,
          el("span", { class: "code-text", text: c.code }), el("span", { class: "small", text: c.until })));
      });
      if (!d[state].length) list.appendChild(el("li", { class: "note small", text: w("liff.wallet.none") }));
      return el("section", { id: "wallet-" + state }, el("h2", { text: w("liff.wallet." + state) + " (" + d[state].length + ")" }), list);
    });
    show.apply(null, parts);
  }

  function drawHistory(d) {
    var list = el("ul", { class: "history panel", id: "history" });
    d.rows.forEach(function (r) {
      list.appendChild(el("li", {}, el("span", { class: "small", text: r.date }), el("span", { class: "what", text: r.text }),
        el("strong", { class: r.plus ? "plus" : "minus", text: r.delta })));
    });
    if (!d.rows.length) list.appendChild(el("li", { class: "note", text: w("liff.history.none") }));
    show(el("p", { class: "panel stats" }, el("span", { class: "label", text: w("liff.card.points") }), el("strong", { class: "big", text: d.points })), list);
  }

  function field(name, label, input, hint) {
    return el("label", { class: "field", for: "f-" + name }, el("span", { text: label }), input,
      hint ? el("small", { text: hint }) : null, el("em", { class: "error", id: "e-" + name }));
  }

  function drawProfile(p, message) {
    var form = el("form", { class: "panel form", id: "profile", novalidate: "" });
    form.appendChild(field("name", w("liff.profile.name"), el("input", { id: "f-name", name: "name", value: p.name, maxlength: "40", autocomplete: "name" })));
    var bday = p.birthday ? el("input", { id: "f-birthday", value: p.birthday, disabled: "" }) : el("input", { id: "f-birthday", name: "birthday", type: "date" });
    form.appendChild(field("birthday", w("liff.profile.birthday"), bday, w("liff.profile.birthday_once")));
    var phone = p.phone_verified ? el("input", { id: "f-phone", value: p.phone, disabled: "" })
      : el("button", { type: "button", id: "verify-phone", class: "secondary", text: w("liff.profile.phone_verify") });
    form.appendChild(field("phone", w("liff.profile.phone"), phone));
    var box = el("fieldset", { class: "interests" }, el("legend", { text: w("liff.profile.interests") }));
    p.interest_choices.forEach(function (c) {
      var input = el("input", { type: "checkbox", name: "interests", value: c.key });
      input.checked = p.interests.indexOf(c.key) >= 0;
      box.appendChild(el("label", { class: "chip" }, input, el("span", { text: c.label })));
    });
    form.appendChild(box);
    form.appendChild(el("em", { class: "error", id: "e-interests" }));
    var consent = el("input", { type: "checkbox", id: "f-consent", name: "marketing_opt_in" });
    consent.checked = p.marketing_opt_in;
    form.appendChild(el("label", { class: "check" }, consent, el("span", { text: w("liff.profile.consent") })));
    if (p.consent_changed) form.appendChild(el("p", { class: "small", text: p.consent_changed }));
    form.appendChild(field("carrier", w("liff.profile.carrier"), el("input", { id: "f-carrier", name: "carrier", value: p.carrier, maxlength: "12", autocapitalize: "characters", placeholder: "/ABC1234" }), w("liff.profile.carrier_hint")));
    form.appendChild(el("button", { type: "submit", class: "primary", id: "save", text: w("liff.profile.save") }));
    form.appendChild(el("p", { role: "status", id: "status", class: message ? "ok" : "", text: message || "" }));
    form.onsubmit = function (e) {
      e.preventDefault();
      var body = { name: form.querySelector("#f-name").value, carrier: form.querySelector("#f-carrier").value,
        marketing_opt_in: consent.checked,
        interests: Array.prototype.map.call(form.querySelectorAll("[name=interests]:checked"), function (i) { return i.value; }) };
      if (!p.birthday && bday.value) body.birthday = bday.value;
      api("profile", { method: "POST", body: JSON.stringify(body) }).then(function (got) {
        form.querySelectorAll(".error").forEach(function (x) { x.textContent = ""; });
        form.querySelectorAll("[aria-invalid]").forEach(function (x) { x.removeAttribute("aria-invalid"); });
        if (got.status === 200) return drawProfile(got.body, w("liff.profile.saved"));
        var status = form.querySelector("#status");
        status.className = "bad";
        status.textContent = got.status === 403 ? got.body.message : w("liff.profile.fix");
        Object.keys(got.body.fields || {}).forEach(function (name) {
          var slot = form.querySelector("#e-" + name), input = form.querySelector("#f-" + name);
          if (slot) slot.textContent = got.body.fields[name];
          if (input) input.setAttribute("aria-invalid", "true");
        });
      }).catch(onError);
    };
    show(form, drawEmail(p));
    var verify = form.querySelector("#verify-phone");
    if (verify) verify.onclick = function () {
      liff.sendMessages([{ type: "text", text: w("liff.profile.phone_words") }]).then(function () { liff.closeWindow(); }).catch(onError);
    };
  }

  // the email address: given, a 6-digit code mailed to it (POST /liff/api/email), typed back (/email/verify)
  function drawEmail(p) {
    var panel = el("section", { class: "panel form", id: "email" });
    if (p.email_verified) {
      panel.appendChild(field("email", w("liff.profile.email"), el("input", { id: "f-email", value: p.email, disabled: "" }),
        w("liff.profile.email_verified")));
      return panel;
    }
    var address = el("input", { id: "f-email", type: "email", autocomplete: "email", inputmode: "email", maxlength: "254" });
    var send = el("button", { type: "button", class: "secondary", id: "email-send", text: w("liff.profile.email_send") });
    var code = el("input", { id: "f-email-code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: "7" });
    var check = el("button", { type: "button", class: "primary", id: "email-verify", text: w("liff.profile.email_verify") });
    var typed = field("email-code", w("liff.profile.email_code"), code);
    var status = el("p", { role: "status", id: "email-status" });
    typed.hidden = check.hidden = true;
    panel.appendChild(field("email", w("liff.profile.email"), address));
    panel.appendChild(send);
    panel.appendChild(typed);
    panel.appendChild(check);
    panel.appendChild(status);
    function said(got) {
      status.className = got.status === 200 ? "ok" : "bad";
      status.textContent = got.body.message || w("liff.error");
      return got;
    }
    send.onclick = function () {
      api("email", { method: "POST", body: JSON.stringify({ email: address.value }) }).then(said).then(function (got) {
        if (got.status === 200) { typed.hidden = check.hidden = false; code.focus(); }
      }).catch(onError);
    };
    check.onclick = function () {
      api("email/verify", { method: "POST", body: JSON.stringify({ code: code.value }) }).then(function (got) {
        if (got.status === 200) return drawProfile(got.body, got.body.message);
        said(got);
      }).catch(onError);
    };
    return panel;
  }

  function drawStores(d) {
    var list = el("ul", { class: "stores", id: "stores" });
    d.stores.forEach(function (s) {
      list.appendChild(el("li", { class: "panel" }, el("strong", { text: s.name }), el("span", { text: s.address }),
        s.hours ? el("span", { class: "small", text: s.hours }) : null,
        el("p", { class: "links" }, s.map ? el("a", { class: "secondary", href: s.map, target: "_blank", rel: "noopener", text: w("liff.stores.map") }) : null,
          s.phone ? el("a", { class: "secondary", href: "tel:" + s.phone, text: w("liff.stores.call") + " " + s.phone }) : null)));
    });
    if (!d.stores.length) list.appendChild(el("li", { class: "note", text: w("liff.stores.none") }));
    show(list);
  }

  function onError(e) { if (e instanceof Denied) denied(); else failed(); }

  var DRAW = { card: ["card", drawCard], wallet: ["wallet", drawWallet], history: ["history", drawHistory],
    profile: ["profile", drawProfile], stores: ["stores", drawStores] };

  useLanguage(lang);
  if (!window.liff) return failed();
  liff.init({ liffId: liffId }).then(function () {
    if (liff.getLanguage) useLanguage(/^en/i.test(liff.getLanguage() || "") ? "en" : "zh-TW");
    if (!liff.isLoggedIn()) { if (liff.isInClient()) return denied(); return liff.login(); }
    return load(DRAW[page][0], DRAW[page][1]);
  }).catch(onError);
})();
