// Charts for the dashboard, drawn as SVG from the JSON in each element's data-chart attribute:
// {type: "line"|"bar"|"hbar", labels: [...], format: "number"|"percent"|"money",
//  series: [{name, values: [...]}]}. Served by the app: no CDN, works offline.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var COLOURS = ["#06c755", "#2d6cdf", "#f5a623", "#8a3ffc", "#d64545", "#00a3a3"];

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function fmt(value, format, short) {
    if (value === null || value === undefined) return "–";
    if (format === "percent") return (value * 100).toFixed(short ? 0 : 1) + "%";
    var prefix = format === "money" ? "NT$" : "";
    if (short && Math.abs(value) >= 1e6) return prefix + (value / 1e6).toFixed(1) + "M";
    if (short && Math.abs(value) >= 1e4) return prefix + Math.round(value / 1e3) + "k";
    return prefix + Number(value).toLocaleString();
  }

  function niceMax(max) {
    if (max <= 0) return 1;
    var step = Math.pow(10, Math.floor(Math.log10(max)));
    var n = max / step;
    return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * step;
  }

  function allValues(chart) {
    var out = [];
    chart.series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null) out.push(v); }); });
    return out;
  }

  function legend(box, chart) {
    var div = document.createElement("div");
    div.className = "legend";
    chart.series.forEach(function (s, i) {
      var item = document.createElement("span");
      var swatch = document.createElement("i");
      swatch.style.background = COLOURS[i % COLOURS.length];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(s.name));
      div.appendChild(item);
    });
    box.appendChild(div);
  }

  function verticalChart(box, chart) {
    var W = 560, H = 240, left = 52, right = 10, top = 12, bottom = 34;
    var svg = el("svg", {viewBox: "0 0 " + W + " " + H, role: "img"}, box);
    var values = allValues(chart);
    var max = niceMax(Math.max.apply(null, values.concat([0])));
    var plotW = W - left - right, plotH = H - top - bottom;
    var n = chart.labels.length || 1;
    function y(v) { return top + plotH - (v / max) * plotH; }
    for (var g = 0; g <= 4; g++) {
      var gv = max * g / 4;
      el("line", {x1: left, x2: W - right, y1: y(gv), y2: y(gv), stroke: "#e5e9ed"}, svg);
      el("text", {x: left - 6, y: y(gv) + 4, "text-anchor": "end"}, svg).textContent = fmt(gv, chart.format, true);
    }
    var slot = plotW / n;
    chart.labels.forEach(function (label, i) {
      if (n > 8 && (n - 1 - i) % 2 === 1) return;  // every other label, always the latest
      var t = el("text", {x: left + slot * i + slot / 2, y: H - bottom + 16, "text-anchor": "middle"}, svg);
      t.textContent = String(label).length > 7 ? String(label).slice(2) : label;
    });
    chart.series.forEach(function (s, si) {
      var colour = COLOURS[si % COLOURS.length];
      if (chart.type === "line") {
        var d = "", pen = false;
        s.values.forEach(function (v, i) {
          if (v === null) { pen = false; return; }
          var px = left + slot * i + slot / 2;
          d += (pen ? " L" : " M") + px.toFixed(1) + " " + y(v).toFixed(1);
          pen = true;
          var dot = el("circle", {cx: px, cy: y(v), r: 3, fill: colour}, svg);
          el("title", {}, dot).textContent = s.name + " " + chart.labels[i] + ": " + fmt(v, chart.format);
        });
        el("path", {d: d, fill: "none", stroke: colour, "stroke-width": 2}, svg);
      } else {
        var groups = chart.series.length, barW = Math.max(2, (slot * 0.8) / groups);
        s.values.forEach(function (v, i) {
          if (v === null) return;
          var x = left + slot * i + slot * 0.1 + barW * si;
          var bar = el("rect", {x: x, y: y(v), width: barW - 1, height: Math.max(0, top + plotH - y(v)), fill: colour}, svg);
          el("title", {}, bar).textContent = s.name + " " + chart.labels[i] + ": " + fmt(v, chart.format);
        });
      }
    });
  }

  function horizontalChart(box, chart) {
    var rowH = 24, left = 150, right = 70, W = 560, H = rowH * chart.labels.length + 10;
    var svg = el("svg", {viewBox: "0 0 " + W + " " + H, role: "img"}, box);
    svg.style.height = H + "px";
    var s = chart.series[0];
    var max = niceMax(Math.max.apply(null, allValues(chart).concat([0])));
    chart.labels.forEach(function (label, i) {
      var v = s.values[i] || 0, yy = 5 + i * rowH;
      el("text", {x: left - 8, y: yy + 15, "text-anchor": "end"}, svg).textContent = label;
      var w = (W - left - right) * v / max;
      el("rect", {x: left, y: yy + 3, width: Math.max(w, 1), height: rowH - 8, rx: 3, fill: COLOURS[i % COLOURS.length]}, svg);
      el("text", {x: left + w + 6, y: yy + 15}, svg).textContent = fmt(v, chart.format);
    });
  }

  function draw(box) {
    var chart;
    try { chart = JSON.parse(box.getAttribute("data-chart")); } catch (e) { return; }
    box.textContent = "";
    if (!chart.labels || !chart.labels.length) { box.textContent = "沒有資料 No data"; return; }
    if (chart.type === "hbar") horizontalChart(box, chart); else verticalChart(box, chart);
    if (chart.type !== "hbar" || chart.series.length > 1) legend(box, chart);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
