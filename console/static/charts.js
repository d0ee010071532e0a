// Charts for the dashboard, drawn as SVG from the JSON in each element's data-chart attribute:
// {type: "line"|"bar"|"hbar", labels: [...], format: "number"|"percent"|"money",
//  series: [{name, values: [...]}]}. Served by the app: no CDN, works offline.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var COLOURS = ["#06c755", "#2d6cdf", "#f5a623", "#8a3ffc", "#d64545", "#00a3a3"];
  // Readable without colour: each series also has its own fill pattern (bars), dash and marker (lines),
  // shown the same in the legend. Text is drawn at the page's body size (the SVG is not scaled).
  var FONT = 14;
  var DASHES = ["", "8 4", "2 4", "10 4 2 4", "4 4", "1 2"];
  var MARKERS = ["circle", "square", "triangle", "diamond", "circle", "square"];
  var uid = 0;

  function pattern(svg, i) {
    // 0 solid; then stripes, dots, cross-hatch, horizontal, vertical lines over a light tint
    var colour = COLOURS[i % COLOURS.length];
    if (i % 6 === 0) return colour;
    var defs = svg.querySelector("defs") || el("defs", {}, svg);
    var id = "pat" + (++uid);
    var p = el("pattern", {id: id, width: 8, height: 8, patternUnits: "userSpaceOnUse"}, defs);
    el("rect", {width: 8, height: 8, fill: colour, "fill-opacity": 0.25}, p);
    var kind = i % 6;
    if (kind === 1) el("path", {d: "M-2 10 L10 -2 M-2 2 L2 -2 M6 10 L10 6", stroke: colour, "stroke-width": 2}, p);
    if (kind === 2) el("circle", {cx: 4, cy: 4, r: 2, fill: colour}, p);
    if (kind === 3) el("path", {d: "M0 0 L8 8 M8 0 L0 8", stroke: colour, "stroke-width": 1.5}, p);
    if (kind === 4) el("path", {d: "M0 4 L8 4", stroke: colour, "stroke-width": 2.5}, p);
    if (kind === 5) el("path", {d: "M4 0 L4 8", stroke: colour, "stroke-width": 2.5}, p);
    return "url(#" + id + ")";
  }

  function marker(svg, i, x, y, colour) {
    var shape = MARKERS[i % MARKERS.length], r = 4.5;
    if (shape === "square") return el("rect", {x: x - r, y: y - r, width: 2 * r, height: 2 * r, fill: colour}, svg);
    if (shape === "triangle") return el("path", {d: "M" + x + " " + (y - r - 1) + " L" + (x + r + 1) + " " + (y + r) +
                                                    " L" + (x - r - 1) + " " + (y + r) + " Z", fill: colour}, svg);
    if (shape === "diamond") return el("path", {d: "M" + x + " " + (y - r - 1) + " L" + (x + r + 1) + " " + y + " L" + x +
                                                   " " + (y + r + 1) + " L" + (x - r - 1) + " " + y + " Z", fill: colour}, svg);
    return el("circle", {cx: x, cy: y, r: r, fill: colour}, svg);
  }

  function width(box) { return Math.max(320, Math.round(box.clientWidth || 560)); }

  // how wide `text` is drawn in `svg` (already on the page): the margins are made to fit every label
  function textWidth(svg, text) {
    var t = el("text", {x: 0, y: 0}, svg);
    t.textContent = text;
    var w = t.getBBox().width;
    svg.removeChild(t);
    return w;
  }

  function widest(svg, texts) {
    return texts.reduce(function (most, text) { return Math.max(most, textWidth(svg, text)); }, 0);
  }

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
    if (short && Math.abs(value) >= 1e4) {
      var k = value / 1e3;  // a tick is a round number: 12.5k stays 12.5k, never "13k"
      return prefix + (Number.isInteger(k) ? k : k.toFixed(1)) + "k";
    }
    return prefix + Number(value).toLocaleString();
  }

  // Axis ticks: a step of 1, 2 or 5 times a power of ten, whole for counts and money (never 1.25 members).
  function niceStep(max, whole) {
    if (max <= 0) return whole ? 1 : 0.25;
    var raw = max / 4, p = Math.pow(10, Math.floor(Math.log10(raw))), n = raw / p;
    var step = (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
    return whole ? Math.max(1, Math.round(step)) : step;
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
      var swatch = document.createElementNS(NS, "svg");
      swatch.setAttribute("width", "28");
      swatch.setAttribute("height", "14");
      swatch.setAttribute("aria-hidden", "true");
      var colour = COLOURS[i % COLOURS.length];
      if (chart.type === "line") {
        el("path", {d: "M1 7 L27 7", stroke: colour, "stroke-width": 2.5, "stroke-dasharray": DASHES[i % DASHES.length]}, swatch);
        marker(swatch, i, 14, 7, colour);
      } else {
        el("rect", {x: 1, y: 1, width: 26, height: 12, fill: pattern(swatch, i), stroke: colour}, swatch);
      }
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(s.name));
      div.appendChild(item);
    });
    box.appendChild(div);
  }

  function verticalChart(box, chart) {
    var W = width(box), H = 260, right = 10, top = 12, bottom = 40, gap = 6, edge = 2;
    var svg = el("svg", {viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img"}, box);
    var values = allValues(chart);
    var highest = Math.max.apply(null, values.concat([0]));
    var step = niceStep(highest, chart.format !== "percent");
    var ticks = Math.max(1, Math.ceil(highest / step - 1e-9)), max = ticks * step;
    var tickValues = [], g;
    for (g = 0; g <= ticks; g++) tickValues.push(Math.round(step * g * 1e6) / 1e6);
    var tickTexts = tickValues.map(function (v) { return fmt(v, chart.format, true); });
    // the value axis is as wide as its widest tick (NT$5,000 is wider than NT$40k), never clipped
    var left = Math.ceil(Math.max(40, widest(svg, tickTexts) + gap + edge));
    var n = chart.labels.length || 1;
    function short(label) { return String(label).length > 7 ? String(label).slice(2) : String(label); }
    // the latest label is centred under its slot: the right margin leaves room for half of it
    var lastHalf = textWidth(svg, short(chart.labels[chart.labels.length - 1])) / 2 + edge;
    right = Math.ceil(Math.max(right, (lastHalf - (W - left) / (2 * n)) / (1 - 1 / (2 * n))));
    var plotW = W - left - right, plotH = H - top - bottom;
    function y(v) { return top + plotH - (v / max) * plotH; }
    tickValues.forEach(function (gv, k) {
      el("line", {x1: left, x2: W - right, y1: y(gv), y2: y(gv), stroke: "#e5e9ed"}, svg);
      el("text", {x: left - gap, y: y(gv) + 5, "text-anchor": "end"}, svg).textContent = tickTexts[k];
    });
    var slot = plotW / n;
    chart.labels.forEach(function (label, i) {
      var every = Math.max(1, Math.ceil(n * FONT * 3.6 / plotW));  // as many labels as fit at body size
      if ((n - 1 - i) % every !== 0) return;  // always the latest
      var t = el("text", {x: left + slot * i + slot / 2, y: H - bottom + 20, "text-anchor": "middle"}, svg);
      t.textContent = short(label);
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
          var dot = marker(svg, si, px, y(v), colour);
          el("title", {}, dot).textContent = s.name + " " + chart.labels[i] + ": " + fmt(v, chart.format);
        });
        el("path", {d: d, fill: "none", stroke: colour, "stroke-width": 2.5, "stroke-dasharray": DASHES[si % DASHES.length]}, svg);
      } else {
        var groups = chart.series.length, barW = Math.max(2, (slot * 0.8) / groups), fill = pattern(svg, si);
        s.values.forEach(function (v, i) {
          if (v === null) return;
          var x = left + slot * i + slot * 0.1 + barW * si;
          var bar = el("rect", {x: x, y: y(v), width: barW - 1, height: Math.max(0, top + plotH - y(v)), fill: fill, stroke: colour}, svg);
          el("title", {}, bar).textContent = s.name + " " + chart.labels[i] + ": " + fmt(v, chart.format);
        });
      }
    });
  }

  // a label cut to fit `room`, with an ellipsis
  function fitted(svg, label, room) {
    var text = String(label);
    if (textWidth(svg, text) <= room) return text;
    while (text.length > 1 && textWidth(svg, text + "…") > room) text = text.slice(0, -1);
    return text + "…";
  }

  function horizontalChart(box, chart) {
    var rowH = 30, W = width(box), edge = 2;
    var H = rowH * chart.labels.length + 10;
    var svg = el("svg", {viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img"}, box);
    svg.style.height = H + "px";
    var s = chart.series[0];
    var max = niceMax(Math.max.apply(null, allValues(chart).concat([0])));
    // the names as wide as the widest (at most 42% of the chart), the values' room as wide as the widest value
    var left = Math.ceil(Math.max(40, Math.min(widest(svg, chart.labels) + 8 + edge, W * 0.42)));
    var right = Math.ceil(widest(svg, s.values.map(function (v) { return fmt(v || 0, chart.format); })) + 6 + edge);
    chart.labels.forEach(function (label, i) {
      var v = s.values[i] || 0, yy = 5 + i * rowH;
      var name = el("text", {x: left - 8, y: yy + 20, "text-anchor": "end"}, svg);
      name.textContent = fitted(svg, label, left - 8 - edge);
      if (name.textContent !== String(label)) el("title", {}, name).textContent = label;  // cut: whole on hover
      var w = (W - left - right) * v / max;
      el("rect", {x: left, y: yy + 4, width: Math.max(w, 1), height: rowH - 10, rx: 3, fill: COLOURS[0]}, svg);
      el("text", {x: left + w + 6, y: yy + 20}, svg).textContent = fmt(v, chart.format);  // the value, in words
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
