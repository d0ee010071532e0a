// Small behaviours of the console pages; everything works without it, only less live.
(function () {
  "use strict";

  // Segment builder: recount the audience whenever a filter changes.
  function liveCount(form) {
    var out = document.getElementById(form.getAttribute("data-count-target"));
    var url = form.getAttribute("data-count-url");
    if (!out || !url) return;
    var timer = null, seq = 0;
    function recount() {
      var params = new URLSearchParams(new FormData(form));
      params.delete("csrf_token");
      var mine = ++seq;
      out.classList.add("busy");
      fetch(url + "?" + params.toString(), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (mine !== seq) return;
          out.classList.remove("busy");
          if (data.error) { out.textContent = data.error.message; return; }
          out.textContent = Number(data.count).toLocaleString();
          var preview = document.getElementById(form.getAttribute("data-preview-target"));
          if (preview && data.preview !== undefined) preview.innerHTML = data.preview;
          var detail = document.getElementById(form.getAttribute("data-count-detail"));
          if (detail && data.reachable !== undefined) {
            detail.textContent = "可接收行銷訊息 reachable by marketing: " + Number(data.reachable).toLocaleString();
          }
        })
        .catch(function () { out.classList.remove("busy"); });
    }
    function soon() { clearTimeout(timer); timer = setTimeout(recount, 250); }
    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
  }

  // Broadcast composer: show only the fields the chosen message type uses; insert {name}.
  function composer(form) {
    var select = form.querySelector("select[name=message_type]");
    function show() {
      var type = select.value;
      form.querySelectorAll("[data-for-types]").forEach(function (el) {
        el.hidden = el.getAttribute("data-for-types").split(" ").indexOf(type) < 0;
      });
    }
    if (select) { select.addEventListener("change", show); show(); }
    form.querySelectorAll("button[data-insert]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var field = form.querySelector("[name=" + button.getAttribute("data-target") + "]");
        var at = field.selectionStart || field.value.length;
        field.value = field.value.slice(0, at) + button.getAttribute("data-insert") + field.value.slice(at);
        field.focus();
      });
    });
  }

  // Forms that ask before doing something that cannot be undone.
  function confirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  // The chat: a canned reply picked fills the reply box (staff may still change it before sending).
  function cannedReplies() {
    document.querySelectorAll("select[data-fill]").forEach(function (select) {
      select.addEventListener("change", function () {
        var box = document.getElementById(select.getAttribute("data-fill"));
        if (box && select.value) { box.value = select.value; box.focus(); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-count-url]").forEach(liveCount);
    cannedReplies();
    document.querySelectorAll("ol.chat").forEach(function (list) { list.scrollTop = list.scrollHeight; });
    document.querySelectorAll("form.composer").forEach(composer);
    confirmations();
  });
})();
