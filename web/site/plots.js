// The page's graphs, drawn as inline SVG from the calculator's numbers: the load plot (maximum power and voltage
// into 8-600 ohm, each stretch of each curve labelled with its binding limit, the headphone marked) and the response
// plot (|Z| across frequency and the response deviation behind each output's Z_out, and an EQ's gain when one is
// loaded). The same pictures as `headroom plot load` and `headroom plot response`.
"use strict";

(function () {
  const NS = "http://www.w3.org/2000/svg";
  // Okabe-Ito: readable with the common colour-vision deficiencies.
  const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

  function el(name, attrs, parent, text) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    if (parent) parent.append(e);
    return e;
  }

  function logScale(d0, d1, r0, r1) {
    const l0 = Math.log(d0), l1 = Math.log(d1);
    return (v) => r0 + ((Math.log(v) - l0) / (l1 - l0)) * (r1 - r0);
  }
  function linScale(d0, d1, r0, r1) {
    return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
  }

  // Ticks at 1, 2, 5 times powers of ten within [lo, hi].
  function logTicks(lo, hi) {
    const ticks = [];
    for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)) + 1; ++e)
      for (const m of [1, 2, 5]) {
        const v = m * Math.pow(10, e);
        if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(v);
      }
    return ticks;
  }
  function linTicks(lo, hi, count) {
    const raw = (hi - lo) / count;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
    const ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return ticks;
  }
  function short(v) {
    return String(Number(v.toPrecision(3)));
  }
  function hzLabel(v) {
    return v >= 1000 ? short(v / 1000) + "k" : short(v);
  }

  // One panel: axes, grid and labels; returns the scales and the group to draw in.
  function panel(svg, box, x, y, opts) {
    const g = el("g", { class: "panel" }, svg);
    el("rect", { x: box.left, y: box.top, width: box.width, height: box.height, fill: "#fff", stroke: "#999" }, g);
    const grid = el("g", { class: "grid", stroke: "#e2e2e2", "stroke-width": 1 }, g);
    const labels = el("g", { class: "ticks", "font-size": 11, fill: "#333" }, g);
    for (const t of opts.xTicks) {
      const px = x(t);
      el("line", { x1: px, x2: px, y1: box.top, y2: box.top + box.height }, grid);
      if (opts.xLabels) el("text", { x: px, y: box.top + box.height + 14, "text-anchor": "middle" }, labels, opts.xFormat(t));
    }
    for (const t of opts.yTicks) {
      const py = y(t);
      el("line", { x1: box.left, x2: box.left + box.width, y1: py, y2: py }, grid);
      el("text", { x: box.left - 6, y: py + 4, "text-anchor": "end" }, labels, opts.yFormat(t));
    }
    el("text", { x: 14, y: box.top + box.height / 2, transform: `rotate(-90 14 ${box.top + box.height / 2})`,
                 "text-anchor": "middle", "font-size": 12, fill: "#333" }, g, opts.yTitle);
    if (opts.xTitle)
      el("text", { x: box.left + box.width / 2, y: box.top + box.height + 30, "text-anchor": "middle", "font-size": 12,
                   fill: "#333" }, g, opts.xTitle);
    const clipId = "clip-" + Math.random().toString(36).slice(2);
    const clip = el("clipPath", { id: clipId }, g);
    el("rect", { x: box.left, y: box.top, width: box.width, height: box.height }, clip);
    const plot = el("g", { "clip-path": `url(#${clipId})` }, g);
    const front = el("g", { class: "front" }, g);
    return { g, plot, front };
  }

  function pathOf(xs, ys, x, y) {
    let d = "";
    for (let i = 0; i < xs.length; ++i) {
      if (!Number.isFinite(ys[i])) continue;
      d += (d === "" ? "M" : "L") + x(xs[i]).toFixed(2) + "," + y(ys[i]).toFixed(2);
    }
    return d;
  }

  // Contiguous runs of the same binding limit: [{limit, from, to}] with inclusive indices.
  function stretches(limits) {
    const runs = [];
    let start = 0;
    for (let i = 1; i <= limits.length; ++i) {
      if (i < limits.length && limits[i] === limits[start]) continue;
      runs.push({ limit: limits[start], from: start, to: i - 1 });
      start = i;
    }
    return runs;
  }

  function seriesTitle(s) {
    let t = s.output;
    if (s.gain_setting) t += " (" + s.gain_setting + " gain)";
    if (s.derived && !/bridged/.test(t)) t += " (bridged)";
    if (s.attenuator) t += " through " + s.attenuator;
    return t;
  }

  function interpolateAt(xs, ys, at) {
    for (let i = 1; i < xs.length; ++i)
      if (xs[i] >= at) {
        const w = (Math.log(at) - Math.log(xs[i - 1])) / (Math.log(xs[i]) - Math.log(xs[i - 1]));
        return ys[i - 1] + w * (ys[i] - ys[i - 1]);
      }
    return ys[ys.length - 1];
  }

  // data: the calculator's load_plot; selected: the output shown in detail; headphoneName for the marker.
  function drawLoadPlot(container, data, selectedOutput, headphoneName) {
    container.textContent = "";
    const W = 760, left = 70, right = 16, panelH = 230, gap = 56, top = 44;
    const H = top + panelH * 2 + gap + 50;
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "load-plot-title load-plot-desc",
                           id: "load-svg", "font-family": "system-ui, sans-serif" }, container);
    const [lo, hi] = data.range_ohm;
    const series = data.series;
    el("title", { id: "load-plot-title" }, svg, "Maximum continuous sine output vs load");
    const desc = series.map((s) => {
      const runs = stretches(s.limit).map((r) => `${r.limit}-limited from ${short(s.load_ohm[r.from])} to ${short(s.load_ohm[r.to])} ohm`);
      return `${seriesTitle(s)}: ${runs.join(", ")}`;
    });
    el("desc", { id: "load-plot-desc" }, svg, desc.join(". ") + `. The headphone is ${short(data.headphone_ohm)} ohm.`);
    el("text", { x: W / 2, y: 18, "text-anchor": "middle", "font-size": 15, "font-weight": 600 }, svg,
       "Maximum continuous sine output vs load");

    const box1 = { left, top, width: W - left - right, height: panelH };
    const box2 = { left, top: top + panelH + gap, width: W - left - right, height: panelH };
    const x = logScale(lo, hi, left, left + box1.width);
    const xTicks = [1, 2, 4, 8, 16, 32, 50, 80, 150, 300, 600, 1000, 2000, 5000, 10000].filter((t) => t >= lo && t <= hi);

    let pMin = Infinity, pMax = 0, vMax = 0;
    for (const s of series) {
      for (const p of s.power_w) if (p > 0 && Number.isFinite(p)) { pMin = Math.min(pMin, p); pMax = Math.max(pMax, p); }
      for (const v of s.voltage_vrms) if (Number.isFinite(v)) vMax = Math.max(vMax, v);
    }
    pMin = pMin * 1e3 / 1.6;
    pMax = pMax * 1e3 * 1.8;
    const yP = logScale(pMin, pMax, box1.top + box1.height, box1.top);
    const yV = linScale(0, vMax * 1.2, box2.top + box2.height, box2.top);
    const p1 = panel(svg, box1, x, yP, { xTicks, xLabels: true, xFormat: short, yTicks: logTicks(pMin, pMax),
                                         yFormat: short, yTitle: "max power (mW)" });
    const p2 = panel(svg, box2, x, yV, { xTicks, xLabels: true, xFormat: short, yTicks: linTicks(0, vMax * 1.2, 5),
                                         yFormat: short, yTitle: "max voltage (Vrms)", xTitle: "load impedance (ohm)" });

    const legend = el("g", { class: "legend", "font-size": 12 }, svg);
    let lx = left;
    series.forEach((s, k) => {
      const colour = COLOURS[k % COLOURS.length];
      const dash = s.derived ? "7 4" : s.attenuator ? "3 3" : null;
      const selected = s.output === selectedOutput;
      const width = selected ? 3.2 : 2.2;
      for (const [p, key, scale, box] of [[p1, "power", yP, box1], [p2, "voltage", yV, box2]]) {
        const ys = key === "power" ? s.power_w.map((w) => w * 1e3) : s.voltage_vrms;
        const group = el("g", { class: "series", "data-output": s.output, "data-panel": key }, p.plot);
        const runs = stretches(s.limit);
        runs.forEach((r, i) => {
          // Each stretch its own path, carrying the limit that binds along it.
          const to = Math.min(r.to + 1, s.load_ohm.length - 1);
          const attrs = { d: pathOf(s.load_ohm.slice(r.from, to + 1), ys.slice(r.from, to + 1), x, scale), fill: "none",
                          stroke: colour, "stroke-width": width, class: "stretch", "data-limit": r.limit };
          if (dash) attrs["stroke-dasharray"] = dash;
          el("path", attrs, group);
          const mid = Math.floor((r.from + r.to) / 2);
          const above = k % 2 === 0;
          const ty = scale(ys[mid]) + (above ? -8 : 16);
          if (ty > box.top + 10 && ty < box.top + box.height - 4)
            el("text", { x: x(s.load_ohm[mid]), y: ty, "text-anchor": "middle", "font-size": 11, fill: colour,
                         class: "limit-label" }, p.front, r.limit + "-limited");
          if (i + 1 < runs.length)
            el("circle", { cx: x(s.load_ohm[r.to + 1]), cy: scale(ys[r.to + 1]), r: 3.5, fill: colour, class: "limit-change" }, p.front);
        });
        // The operating point at the headphone's impedance.
        const at = data.headphone_ohm;
        const yAt = interpolateAt(s.load_ohm, ys, at);
        const dot = el("circle", { cx: x(at), cy: scale(yAt), r: 5, fill: "#fff", stroke: colour, "stroke-width": 2,
                                   class: "operating-point", "data-output": s.output }, p.front);
        el("title", {}, dot, `${seriesTitle(s)} into ${short(at)} ohm: ${key === "power" ? short(yAt) + " mW" : short(yAt) + " V"}`);
      }
      const text = seriesTitle(s) + (s.derived ? ", derived" : "");
      const item = el("g", { transform: `translate(${lx},32)` }, legend);
      const swatch = { x1: 0, x2: 22, y1: -4, y2: -4, stroke: colour, "stroke-width": 3 };
      if (dash) swatch["stroke-dasharray"] = dash;
      el("line", swatch, item);
      el("text", { x: 27, y: 0, fill: "#222" }, item, text);
      lx += 40 + text.length * 6.3;
    });

    // The headphone, dashed, in both panels.
    for (const box of [box1, box2]) {
      const px = x(data.headphone_ohm);
      el("line", { x1: px, x2: px, y1: box.top, y2: box.top + box.height, stroke: "#444", "stroke-dasharray": "5 4",
                   "stroke-width": 1.4, class: "headphone-marker" }, svg);
      const right = data.headphone_ohm > Math.sqrt(lo * hi);
      el("text", { x: px + (right ? -5 : 5), y: box.top + box.height - 8, "text-anchor": right ? "end" : "start",
                   "font-size": 11, fill: "#333" }, svg, `${headphoneName} ${short(data.headphone_ohm)} ohm`);
    }
    return svg;
  }

  // grid: Hz; response: the calculator's response (or null); eq: its eq (or null).
  function drawResponsePlot(container, grid, response, eq, selectedOutput) {
    container.textContent = "";
    const panels = (response ? 2 : 0) + (eq ? 1 : 0);
    if (panels === 0) return null;
    const W = 760, left = 70, right = 16, panelH = 200, gap = 52, top = 44;
    const H = top + panels * panelH + (panels - 1) * gap + 50;
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "response-plot-title response-plot-desc",
                           id: "response-svg", "font-family": "system-ui, sans-serif" }, container);
    const title = response ? "Impedance and response deviation" : "EQ gain";
    el("title", { id: "response-plot-title" }, svg, title);
    const parts = [];
    if (response) {
      parts.push(`Impedance minimum ${short(response.min_impedance_ohm)} ohm at ${short(response.min_impedance_hz)} Hz`);
      for (const o of response.outputs)
        parts.push(`${o.output}${o.attenuator ? " through " + o.attenuator : ""}: ${o.zout_stated ? short(o.spread_db) + " dB spread behind " + short(o.zout_ohm) + " ohm"
                                                 : "output impedance not stated"}`);
    }
    if (eq) parts.push(`EQ ${eq.name}: largest boost ${eq.eq_max_boost_db.toFixed(2)} dB at ${short(eq.eq_max_boost_hz)} Hz`);
    el("desc", { id: "response-plot-desc" }, svg, parts.join(". ") + ".");
    el("text", { x: W / 2, y: 18, "text-anchor": "middle", "font-size": 15, "font-weight": 600 }, svg,
       response ? `${title}: ${response.curve.replace(/^.*\//, "")}` : title);
    const x = logScale(20, 20000, left, W - right);
    const xTicks = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000];
    let top0 = top;
    const box = () => {
      const b = { left, top: top0, width: W - left - right, height: panelH };
      top0 += panelH + gap;
      return b;
    };
    const last = (k) => k === panels - 1;
    let k = 0;
    if (response) {
      const b1 = box();
      const zs = response.z_ohm;
      const zMax = Math.max(...zs) * 1.15;
      const y1 = linScale(0, zMax, b1.top + b1.height, b1.top);
      const p1 = panel(svg, b1, x, y1, { xTicks, xLabels: true, xFormat: hzLabel, yTicks: linTicks(0, zMax, 5), yFormat: short,
                                          yTitle: "|Z| (ohm)", xTitle: last(k) ? "frequency (Hz)" : null });
      el("path", { d: pathOf(grid, zs, x, y1), fill: "none", stroke: COLOURS[0], "stroke-width": 2.5, class: "impedance" }, p1.plot);
      const mx = x(response.min_impedance_hz), my = y1(response.min_impedance_ohm);
      el("circle", { cx: mx, cy: my, r: 4.5, fill: COLOURS[1], class: "impedance-minimum" }, p1.front);
      const rightOf = response.min_impedance_hz < 632;
      el("text", { x: mx + (rightOf ? 8 : -8), y: my + 16, "text-anchor": rightOf ? "start" : "end", "font-size": 11 }, p1.front,
         `min ${short(response.min_impedance_ohm)} ohm at ${short(response.min_impedance_hz)} Hz`);
      ++k;

      const b2 = box();
      let dMin = -0.5, dMax = 0.5;
      for (const o of response.outputs) for (const d of o.deviation_db) { dMin = Math.min(dMin, d - 0.1); dMax = Math.max(dMax, d + 0.1); }
      const y2 = linScale(dMin, dMax, b2.top + b2.height, b2.top);
      const p2 = panel(svg, b2, x, y2, { xTicks, xLabels: true, xFormat: hzLabel, yTicks: linTicks(dMin, dMax, 5), yFormat: short,
                                          yTitle: "deviation from 1 kHz (dB)", xTitle: last(k) ? "frequency (Hz)" : null });
      let ly = b2.top + 16;
      response.outputs.forEach((o, j) => {
        const colour = COLOURS[j % COLOURS.length];
        const attrs = { d: pathOf(grid, o.deviation_db, x, y2), fill: "none", stroke: colour,
                        "stroke-width": o.output === selectedOutput ? 3 : 2, class: "deviation", "data-output": o.output };
        if (!o.zout_stated) attrs["stroke-dasharray"] = "2 4";
        el("path", attrs, p2.plot);
        if (o.attenuator) attrs["stroke-dasharray"] = "6 3";
        el("text", { x: b2.left + 8, y: ly, "font-size": 11, fill: colour }, p2.front,
           o.attenuator ? `${o.output} through ${o.attenuator}: source ${short(o.zout_ohm)} ohm, spread ${o.spread_db.toFixed(2)} dB`
                        : `${o.output}: ${o.zout_stated ? `Z_out ${short(o.zout_ohm)} ohm, spread ${o.spread_db.toFixed(2)} dB` : "Z_out not stated (0 ohm drawn)"}`);
        ly += 14;
      });
      ++k;
    }
    if (eq) {
      const b3 = box();
      let gMin = -1, gMax = 1;
      for (const g of eq.gain_db) { gMin = Math.min(gMin, g - 0.5); gMax = Math.max(gMax, g + 0.5); }
      const y3 = linScale(gMin, gMax, b3.top + b3.height, b3.top);
      const p3 = panel(svg, b3, x, y3, { xTicks, xLabels: true, xFormat: hzLabel, yTicks: linTicks(gMin, gMax, 5), yFormat: short,
                                          yTitle: "EQ gain (dB)", xTitle: "frequency (Hz)" });
      el("path", { d: pathOf(grid, eq.gain_db, x, y3), fill: "none", stroke: COLOURS[2], "stroke-width": 2.5, class: "eq-gain" }, p3.plot);
      const px = x(eq.eq_max_boost_hz), py = y3(eq.eq_max_boost_db);
      el("circle", { cx: px, cy: py, r: 4.5, fill: COLOURS[1], class: "eq-peak" }, p3.front);
      el("text", { x: px + (eq.eq_max_boost_hz < 632 ? 8 : -8), y: py - 8, "text-anchor": eq.eq_max_boost_hz < 632 ? "start" : "end",
                   "font-size": 11 }, p3.front, `+${eq.eq_max_boost_db.toFixed(2)} dB at ${short(eq.eq_max_boost_hz)} Hz`);
    }
    return svg;
  }

  window.HeadroomPlots = { drawLoadPlot, drawResponsePlot, stretches };
})();
