// The page's answer drawn from the calculator's JSON: the summary, the table of outputs, the selected output in the
// words of `headroom pair`, the plots and the catalog ranking. The words and figures are the core's (the same
// functions as the command line); this file only lays them out.
"use strict";

window.HeadroomRender = function (ctx) {
  const $ = (id) => document.getElementById(id);

  // ---- numbers as the command line prints them ------------------------------------------------------------
  function g4(x) {
    return String(Number(x.toPrecision(4)));
  }
  // An SI prefix that puts the number in [1, 1000), as format.hpp does; impedances take no small prefixes.
  function quantity(v, unit, smallPrefixes = true) {
    const a = Math.abs(v);
    let x = v, p = "";
    if (!(a === 0 || !Number.isFinite(a) || (a >= 1 && a < 1e3) || (a < 1 && !smallPrefixes))) {
      if (a >= 1e3) { x = v * 1e-3; p = "k"; }
      else if (a >= 1e-3) { x = v * 1e3; p = "m"; }
      else { x = v * 1e6; p = "u"; }
    }
    return `${g4(x)} ${p}${unit}`;
  }
  // fmt's {:+.Nf}.
  function signed(x, digits) {
    const s = x.toFixed(digits);
    return s.startsWith("-") ? s : "+" + s;
  }
  function db(x, digits) {
    return x.toFixed(digits);
  }
  function hz(v) {
    return v >= 1000 ? `${Number((v / 1000).toPrecision(3))} kHz` : `${Math.round(v)} Hz`;
  }
  function optionLabel(o) {
    return o.label || (o.gain_setting ? `${o.output} (${o.gain_setting} gain)` : o.output);
  }


  // ---- the answer -----------------------------------------------------------------------------------------
  function headphoneLine(h) {
    let s = `${h.name === "headphone" ? "Headphone" : h.name}: ${g4(h.impedance_ohm)} ohm, ${db(h.sensitivity_db_per_v, 2)} dB SPL/V ` +
            `(${db(h.sensitivity_db_per_mw, 2)} dB SPL/mW)`;
    if (h.sensitivity_frequency_hz && Math.abs(h.sensitivity_frequency_hz - 1000) > 1e-9)
      s += `; the sensitivity was stated at ${Math.round(h.sensitivity_frequency_hz)} Hz and is applied at 1 kHz`;
    return s;
  }

  function renderSummary(res) {
    const summary = $("summary");
    summary.textContent = "";
    const headline = document.createElement("p");
    headline.className = "headline";
    headline.textContent = res.verdict[res.verdict.length - 1];
    summary.append(headline);
    const list = document.createElement("ul");
    const lines = [headphoneLine(res.headphone)];
    if (res.programme)
      lines.push(`Programme: ${db(res.programme.target_spl_db, 1)} dB SPL average, crest factor ${db(res.programme.crest_factor_db, 1)} dB`);
    else lines.push("No listening level given: the loudest each output can play");
    for (const l of res.verdict.slice(0, -1)) lines.push(l);
    if (res.eq) {
      lines.push(`EQ ${res.eq.name}: ${signed(res.eq.eq_max_boost_db, 2)} dB at ${hz(res.eq.eq_max_boost_hz)} at most; ` +
                 `${signed(res.eq.eq_programme_increase_db, 2)} dB for ${res.eq.eq_spectrum}; preamp ${signed(res.eq.eq_preamp_db, 1)} dB` +
                 (res.eq.clips_digitally ? `; the boost exceeds the preamp by ${db(res.eq.eq_digital_clipping_db, 2)} dB: full-scale peaks clip in the DSP` : ""));
    }
    for (const l of lines) {
      const li = document.createElement("li");
      li.textContent = l;
      list.append(li);
    }
    summary.append(list);
  }

  function cell(tr, text, cls, header) {
    const td = document.createElement(header ? "th" : "td");
    if (header) td.scope = "row";
    if (cls) td.className = cls;
    td.textContent = text;
    tr.append(td);
    return td;
  }

  // A table's head: one column header (and its class) per [text, class].
  function headerRow(table, headers) {
    const head = document.createElement("thead");
    const row = document.createElement("tr");
    for (const [h, cls] of headers) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = h;
      if (cls) th.className = cls;
      row.append(th);
    }
    head.append(row);
    table.append(head);
  }

  function hissText(o) {
    if (o.hiss_spl_db === undefined) return "-";
    return o.hiss_spl_db === o.hiss_spl_db_max ? db(o.hiss_spl_db, 1) : `${db(o.hiss_spl_db, 1)} to ${db(o.hiss_spl_db_max, 1)}`;
  }

  function renderOutputs(res) {
    const wrap = $("outputs");
    wrap.textContent = "";
    const table = document.createElement("table");
    table.id = "outputs-table";
    const caption = document.createElement("caption");
    caption.textContent = "Every output and gain setting, side by side";
    table.append(caption);
    const headers = [["Output", ""], ["Gain", ""], ["Max SPL (dB SPL)", "num"], ["Max power", "num"]];
    if (res.programme) headers.push(["Headroom (dB)", "num"]);
    if (res.programme && res.eq) headers.push(["With the EQ (dB)", "num"]);
    headers.push(["Limited by", ""], ["Hiss (dB SPL)", "num"], ["Damping", "num"], ["1/8 rule", ""]);
    headerRow(table, headers);
    const body = document.createElement("tbody");
    res.options.forEach((o, k) => {
      const tr = document.createElement("tr");
      tr.dataset.output = o.output;
      if (o.gain_setting) tr.dataset.gain = o.gain_setting;
      tr.dataset.maxSplDb = String(o.max_spl_db);
      const shownLimit = res.programme ? o.headroom_limit : o.limit;
      tr.dataset.limit = shownLimit;
      if (res.programme) tr.dataset.headroomDb = String(o.headroom_db);
      if (o.eq_programme_headroom_db !== undefined) tr.dataset.eqHeadroomDb = String(o.eq_programme_headroom_db);
      if (o.hiss_spl_db !== undefined) tr.dataset.hissSplDb = String(o.hiss_spl_db_max);
      tr.dataset.recommended = o.recommended_gain ? "true" : "false";
      if (k === res.selected) tr.className = "selected";
      cell(tr, o.output + (o.derived ? " (derived)" : ""), "", true);
      const gainCell = cell(tr, o.gain_setting || "-");
      if (o.gain_setting && o.recommended_gain) {
        const mark = document.createElement("span");
        mark.className = "advised";
        mark.textContent = " advised";
        gainCell.append(mark);
      }
      cell(tr, db(o.max_spl_db, 1), "num");
      cell(tr, quantity(o.load_power_w, "W"), "num");
      if (res.programme) {
        const h = cell(tr, signed(o.headroom_db, 1), "num");
        if (o.headroom_db < 0) h.classList.add("clips");
      }
      if (res.programme && res.eq) cell(tr, o.eq_programme_headroom_db !== undefined ? signed(o.eq_programme_headroom_db, 1) : "-", "num");
      cell(tr, shownLimit);
      cell(tr, hissText(o), "num");
      cell(tr, !o.zout_stated ? "-" : o.damping_factor === null ? "ideal" : o.damping_factor.toFixed(0), "num");
      cell(tr, !o.zout_stated ? "-" : o.meets_one_eighth_rule ? "met" : "NOT met");
      body.append(tr);
    });
    table.append(body);
    const scroller = document.createElement("div");
    scroller.className = "table-wrap";
    scroller.append(table);
    wrap.append(scroller);
  }

  function renderPickers(res) {
    const outputs = [];
    for (const o of res.options) if (!outputs.includes(o.output)) outputs.push(o.output);
    const chosen = res.options[res.selected];
    const out = $("output");
    out.textContent = "";
    for (const name of outputs) out.append(new Option(name, name, false, name === chosen.output));
    const gain = $("gain");
    gain.textContent = "";
    const settings = res.options.filter((o) => o.output === chosen.output && o.gain_setting);
    if (settings.length === 0) {
      gain.append(new Option("this output has no gain settings", ""));
      gain.disabled = true;
    } else {
      gain.disabled = false;
      const advised = settings.find((o) => o.recommended_gain);
      gain.append(new Option(`advised (${advised ? advised.gain_setting : "-"})`, "", false, ctx.selection().gain === ""));
      for (const o of settings)
        gain.append(new Option(o.gain_setting, o.gain_setting, false, ctx.selection().gain !== "" && o.gain_setting === chosen.gain_setting));
    }
  }

  function definitionList(parent, rows) {
    const dl = document.createElement("dl");
    for (const [term, value] of rows) {
      if (value === null || value === undefined) continue;
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = value;
      dl.append(dt, dd);
    }
    parent.append(dl);
  }

  // The selected output in the words of `headroom pair`'s report.
  function renderReport(res) {
    const o = res.options[res.selected];
    const report = $("report");
    report.textContent = "";
    const h3 = (text) => {
      const h = document.createElement("h3");
      h.textContent = text;
      report.append(h);
    };
    h3(optionLabel(o));
    const gear = [["Headphone", headphoneLine(res.headphone)], ["Output", o.description]];
    if (res.attenuator) gear.push(["Attenuator", res.attenuator.description]);
    definitionList(report, gear);
    h3("Maximum continuous sine");
    const rows = [
      ["level", `${db(o.max_spl_db, 2)} dB SPL`],
      ["at the load", `${quantity(o.load_voltage_vrms, "V")}, ${quantity(o.load_current_arms, "A")}, ${quantity(o.load_power_w, "W")} (RMS)`],
      ["limited by", `${o.limit}: ${o.limit_meaning}`],
    ];
    if (o.extrapolated) {
      const x = o.extrapolated;
      rows.push(["extrapolated", `${g4(res.headphone.impedance_ohm)} ohm is ${Number(x.factor.toPrecision(2))}x ${x.below ? "below" : "above"} the ` +
                 `${x.below ? "lowest" : "highest"} stated load (${g4(x.stated_load_ohm)} ohm): the table is assumed to give no more ` +
                 `${x.below ? "current" : "voltage"} there, so this is a floor`]);
    }
    if (o.exceeds_rated_power) rows.push(["caution", "the maximum exceeds the headphone's rated power"]);
    if (o.zout_stated) {
      const against = o.one_eighth_rule_load_ohm < res.headphone.impedance_ohm ? ", the curve's minimum" : "";
      rows.push(["damping factor", `${o.damping_factor === null ? "unbounded (0 ohm source)" : o.damping_factor.toFixed(1)}  (1/8 rule ` +
                 `${o.meets_one_eighth_rule ? "met" : "NOT met: the response will follow the impedance curve"} against ${g4(o.one_eighth_rule_load_ohm)} ohm${against})`]);
      rows.push(["Z_out loss", `${db(o.zout_loss_db, 2)} dB`]);
    } else {
      rows.push(["damping factor", "unknown: no output impedance is stated"]);
    }
    if (o.hiss_spl_db !== undefined) {
      rows.push(["hiss", `${hissText(o)} dB SPL at any volume setting (${o.hiss_weighting} noise)`]);
      rows.push(["heard", o.hiss_audibility_text]);
      rows.push(["dynamic range", `${db(o.dynamic_range_db, 1)} dB (max sine vs ${o.hiss_weighting} noise)`]);
    } else {
      rows.push(["hiss", "unknown: no noise figure is stated, so whether it is heard is not known"]);
    }
    definitionList(report, rows);
    if (o.attenuator_lines && o.attenuator_lines.length > 0) {
      h3("Through the attenuator");
      definitionList(report, o.attenuator_lines);
    }
    if (res.programme) {
      h3(`Programme at ${db(res.programme.target_spl_db, 1)} dB SPL average, crest factor ${db(res.programme.crest_factor_db, 1)} dB`);
      const p = [
        ["needs", `${quantity(o.required_voltage_vrms, "V")}, ${quantity(o.required_current_arms, "A")}, ${quantity(o.required_power_w, "W")} average (RMS)`],
        ["peaks", `${quantity(o.required_peak_voltage_v, "V")}, ${quantity(o.required_peak_current_a, "A")} (a sine rated ` +
                  `${quantity(o.required_sine_power_w, "W")} at this load; an unloaded swing of ${quantity(o.required_open_circuit_voltage_vrms, "V")} RMS)`],
        ["headroom", `${signed(o.headroom_db, 2)} dB, limited by ${o.headroom_limit}: ${o.headroom_db >= 0 ? "plays cleanly" : "the programme's peaks clip or the output overheats"}`],
      ];
      if (o.hiss_below_target_db !== undefined) p.push(["hiss", `${db(o.hiss_below_target_db, 1)} dB below the programme's average level`]);
      if (o.volume_text) p.push(["volume", o.volume_text]);
      p.push(["exposure", o.exposure_text]);
      if (o.gain_db !== undefined) {
        const spare = o.gain_headroom_db;
        p.push(["gain", `${signed(o.gain_db, 1)} dB after ${quantity(o.source_vrms, "V")} at full scale; the programme needs ` +
                `${signed(o.gain_needed_db, 1)} dB: ${spare >= 0 ? `${spare.toFixed(1)} dB to spare` : `${(-spare).toFixed(1)} dB short`}`]);
      }
      definitionList(report, p);
    }
    if (o.fr_deviation_db !== undefined || o.worst_headroom_db !== undefined) {
      h3("Across 20 Hz-20 kHz");
      const f = [];
      if (o.fr_deviation_db !== undefined) {
        f.push(["impedance", `min ${g4(o.min_impedance_ohm)} ohm at ${hz(o.min_impedance_hz)} (${res.headphone.curve.replace(/^.*\//, "")})`]);
        f.push(["response", o.zout_stated ? `${db(o.fr_deviation_db, 2)} dB spread from the output impedance` : "unknown: no output impedance is stated"]);
        f.push(["max sine", `lowest ${db(o.worst_max_spl_db, 2)} dB SPL at ${hz(o.worst_max_spl_hz)}, limited by ${o.worst_max_spl_limit}`]);
      }
      if (o.worst_headroom_db !== undefined)
        f.push(["worst headroom", `${signed(o.worst_headroom_db, 2)} dB at ${hz(o.worst_headroom_hz)}${res.eq ? " with the EQ's boost" : ""}, limited by ${o.worst_headroom_limit}`]);
      if (o.eq_programme_headroom_db !== undefined)
        f.push(["EQ headroom", `${signed(o.eq_programme_headroom_db, 2)} dB for ${res.eq.eq_spectrum} through the EQ (an estimate for real programme)`]);
      definitionList(report, f);
    }
  }

  function renderPlots(res) {
    const chosen = res.options[res.selected];
    const name = res.headphone.name === "headphone" ? "headphone" : res.headphone.name;
    window.HeadroomPlots.drawLoadPlot($("load-plot"), res.load_plot, chosen.output, name);
    const response = window.HeadroomPlots.drawResponsePlot($("response-plot"), res.grid_hz, res.response, res.eq, chosen.output);
    $("response-figure").hidden = !response;
    if (response)
      $("response-caption").textContent = res.response
        ? "The headphone's impedance across frequency and the response deviation it makes behind each output's Z_out" +
          (res.eq ? "; below, the EQ's gain." : ".")
        : "The EQ's gain across frequency (the headphone has no impedance curve in the catalog).";
  }

  function render(res) {
    renderSummary(res);
    renderOutputs(res);
    renderPickers(res);
    renderReport(res);
    $("details").hidden = false;
    $("plots").hidden = false;
    renderPlots(res);
  }

  // ---- the catalog ranking ----------------------------------------------------------------------------------
  function renderRanking(res) {
    const section = $("ranking");
    const wrap = $("ranking-table");
    wrap.textContent = "";
    if (!res.ok) {
      section.hidden = true;
      return;
    }
    section.hidden = false;
    const enough = res.rows.filter((r) => r.enough).length;
    const amps = new Set(res.rows.map((r) => r.amplifier)).size;
    const who = res.headphone.name === "headphone" ? "this headphone" : res.headphone.name;
    $("ranking-note").textContent = res.programme
      ? `${res.rows.length} outputs of ${amps} amplifiers for ${who} at ${db(res.programme.target_spl_db, 1)} dB SPL with ` +
        `${db(res.programme.crest_factor_db, 1)} dB peaks, fittest first: enough headroom first, then ` +
        `${res.sensitive_headphone ? "(a sensitive headphone) less hiss and a lower output impedance, then " : ""}more headroom. ` +
        `${enough} have enough headroom. Each output at its advised gain setting.`
      : `${res.rows.length} outputs of ${amps} amplifiers for ${who}, loudest first (give a listening level to rank by headroom).`;
    const table = document.createElement("table");
    table.id = "ranking-list";
    const caption = document.createElement("caption");
    caption.textContent = `Catalog outputs ranked for ${who}`;
    table.append(caption);
    headerRow(table, [["#", "num"], ["Amplifier", ""], ["Output", ""], ["Gain", ""], ["Headroom (dB)", "num"], ["Max SPL (dB SPL)", "num"],
                      ["Limited by", ""], ["Hiss (dB SPL)", "num"], ["Z_out (ohm)", "num"], ["", ""]]);
    const body = document.createElement("tbody");
    res.rows.forEach((r, k) => {
      const tr = document.createElement("tr");
      tr.dataset.amp = r.amplifier;
      tr.dataset.output = r.output;
      if (r.gain_setting) tr.dataset.gain = r.gain_setting;
      tr.dataset.maxSplDb = String(r.max_spl_db);
      if (r.headroom_db !== null) tr.dataset.headroomDb = String(r.headroom_db);
      tr.dataset.limit = r.headroom_limit || r.limit;
      if (!r.enough) tr.className = "not-enough";
      cell(tr, String(k + 1), "num");
      cell(tr, r.amplifier, "", true);
      cell(tr, r.output);
      cell(tr, r.gain_setting || "-");
      cell(tr, r.headroom_db === null ? "-" : signed(r.headroom_db, 1), "num");
      cell(tr, db(r.max_spl_db, 1), "num");
      cell(tr, r.headroom_limit || r.limit);
      cell(tr, r.hiss_spl_db_max === null ? "-" : db(r.hiss_spl_db_max, 1), "num");
      cell(tr, r.zout_stated ? g4(r.zout_ohm) : "-", "num");
      const td = document.createElement("td");
      const use = document.createElement("button");
      use.type = "button";
      use.textContent = "Use";
      use.setAttribute("aria-label", `Use ${r.amplifier}, ${r.output}`);
      use.addEventListener("click", () => {
        ctx.use(r);
        $("results-title").scrollIntoView({ block: "start" });
      });
      td.append(use);
      tr.append(td);
      body.append(tr);
    });
    table.append(body);
    wrap.append(table);
    section.dataset.revision = String(ctx.revision());
  }

  return { render, renderRanking, g4, db, quantity, signed, hz, optionLabel };
};
