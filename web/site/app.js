// The page: reads the inputs, asks the calculator (the C++ core compiled to WebAssembly, headroom.js) and shows the
// answer. All the physics is in the core; this file only gathers text, draws tables and plots, and keeps the link
// (the query string) in step with the inputs so that a result can be shared and reloaded.
"use strict";

(function () {
  // The typed-in fields come from the core's fields table (core.fields()): the inputs are built from it, so a new
  // field needs no edit here. The settings, the topology and the bridge are the page's own controls.
  let HEADPHONE_SPEC = [];
  let AMP_SPEC = [];
  let ATTENUATOR_SPEC = [];  // an attenuator's resistors, when it is typed in rather than picked
  const AMP_CONTROLS = ["gains", "topology"];
  const DEFAULTS = { headphone: "Sennheiser HD600 (measured)", amp: "FiiO K19", target: "95", crest: "18" };
  // Every parameter a link may carry: anything else is shown as an error, never dropped.
  const LINK_KEYS = () => ["headphone", "amp", "output", "gain", "target", "crest", "bridge", "attenuator", ...HEADPHONE_SPEC, ...AMP_SPEC,
                           ...AMP_CONTROLS, ...ATTENUATOR_SPEC];
  const FIELD_LABELS = {
    headphone: "the headphone", amp: "the amplifier", gains: "the gain settings", topology: "the topology",
    target: "the listening level", crest: "the crest factor", eq: "the EQ file", output: "the output", gain: "the gain setting",
    attenuator: "the attenuator",
  };
  const FIELD_INPUT = { eq: "eq-file" };

  // One labelled text input per row of the table, in `parent`, before `before` (the page's own controls).
  function buildFields(parent, rows, before) {
    for (const row of rows) {
      const field = document.createElement("div");
      field.className = "field";
      const label = document.createElement("label");
      label.htmlFor = row.key;
      label.textContent = row.label;
      const input = document.createElement("input");
      Object.assign(input, { id: row.key, name: row.key, type: "text", placeholder: row.example, spellcheck: false });
      input.setAttribute("aria-describedby", `${row.key}-hint ${row.key}-error`);
      const hint = document.createElement("p");
      hint.className = "hint";
      hint.id = `${row.key}-hint`;
      hint.textContent = row.help;
      const error = document.createElement("p");
      error.className = "error";
      error.id = `${row.key}-error`;
      field.append(label, input, hint, error);
      parent.insertBefore(field, before);
      FIELD_LABELS[row.key] = `the ${row.label.toLowerCase()}`;
    }
  }
  function setUpFields() {
    const table = JSON.parse(core.fields());
    HEADPHONE_SPEC = table.headphone.map((r) => r.key);
    AMP_SPEC = table.amp.map((r) => r.key);
    buildFields($("headphone-fields"), table.headphone, null);
    buildFields($("amp-fields"), table.amp, null);
    ATTENUATOR_SPEC = table.attenuator.map((r) => r.key);
    buildFields($("attenuator-fields"), table.attenuator, null);
    for (const a of catalog.attenuators || []) {
      const o = document.createElement("option");
      o.value = a.name;
      o.textContent = a.name;
      $("attenuator").append(o);
    }
  }

  const $ = (id) => document.getElementById(id);
  let view = null;  // render.js, once the module is ready
  let core = null;
  let catalog = null;
  let eq = null; // {name, text}
  let selection = { output: "", gain: "" };
  let revision = 0;
  let rankingKey = null;
  let firstResultShown = false;
  let linkProblems = [];  // parameters of the link that the page does not know
  let headphoneBox = null, ampBox = null;
  window.headroomTimings = {};

  // ---- the inputs -----------------------------------------------------------------------------------------
  function mode(which) {
    return document.querySelector(`input[name="${which}-mode"]:checked`).value;
  }
  function setMode(which, m) {
    $(`${which}-mode-${m}`).checked = true;
    $(`${which}-catalog`).hidden = m !== "catalog";
    $(`${which}-spec`).hidden = m !== "spec";
  }
  function syncPreset() {
    const c = Number.parseFloat($("crest").value);
    const preset = $("preset");
    let match = "";
    for (const o of preset.options) if (o.value !== "" && $("crest").value !== "" && Math.abs(Number(o.value) - c) < 1e-9) match = o.value;
    preset.value = match;
  }

  function request() {
    // The level and the crest factor as typed ("95", "18dB"): the core reads them as the command line does.
    const r = { target: $("target").value.trim(), crest: $("crest").value.trim(), output: selection.output, gain: selection.gain };
    if (mode("headphone") === "catalog") {
      r.headphone = { name: $("headphone").value };
    } else {
      r.headphone = {};
      for (const k of HEADPHONE_SPEC) r.headphone[k] = $(k).value;
    }
    if (mode("amp") === "catalog") {
      r.amp = { name: $("amp").value };
    } else {
      r.amp = {};
      for (const k of [...AMP_SPEC, ...AMP_CONTROLS]) r.amp[k] = $(k).value;
      r.amp.bridge = $("bridge").checked ? "1" : "";
    }
    if (eq) r.eq = { name: eq.name, text: eq.text };
    if ($("attenuator").value !== "") {
      r.attenuator = { name: $("attenuator").value };
    } else {
      r.attenuator = {};
      for (const k of ATTENUATOR_SPEC) r.attenuator[k] = $(k).value;
    }
    return r;
  }

  // ---- the link -------------------------------------------------------------------------------------------
  function readLink() {
    const q = new URLSearchParams(location.search);
    const given = (k) => q.has(k) && q.get(k).trim() !== "";
    const any = [...q.keys()].length > 0;
    const v = (k) => (given(k) ? q.get(k) : "");
    if (!any) {
      setMode("headphone", "catalog");
      setMode("amp", "catalog");
      headphoneBox.set(DEFAULTS.headphone);
      ampBox.set(DEFAULTS.amp);
      $("target").value = DEFAULTS.target;
      $("crest").value = DEFAULTS.crest;
      syncPreset();
      return;
    }
    const headphoneSpec = !given("headphone") && HEADPHONE_SPEC.some(given);
    setMode("headphone", headphoneSpec ? "spec" : "catalog");
    headphoneBox.set(v("headphone"));
    for (const k of HEADPHONE_SPEC) $(k).value = v(k);
    const ampSpec = !given("amp") && [...AMP_SPEC, "gains"].some(given);
    setMode("amp", ampSpec ? "spec" : "catalog");
    ampBox.set(v("amp"));
    for (const k of [...AMP_SPEC, "gains"]) $(k).value = v(k);
    $("topology").value = v("topology") === "balanced" ? "balanced" : "single_ended";
    $("bridge").checked = v("bridge") === "1";
    $("target").value = v("target");
    $("crest").value = v("crest");
    if (given("attenuator") && ![...$("attenuator").options].some((o) => o.value === q.get("attenuator"))) {
      const o = document.createElement("option");  // a name the catalog lacks: the core refuses it at its field
      o.value = o.textContent = q.get("attenuator");
      $("attenuator").append(o);
    }
    $("attenuator").value = v("attenuator");
    for (const k of ATTENUATOR_SPEC) $(k).value = v(k);
    syncPreset();
    selection = { output: v("output"), gain: v("gain") };
    linkProblems = [...q.keys()].filter((k) => !LINK_KEYS().includes(k));
    if (q.has("topology") && !["", "single_ended", "balanced"].includes(q.get("topology"))) linkProblems.push("topology");
    if (q.has("bridge") && !["", "0", "1"].includes(q.get("bridge"))) linkProblems.push("bridge");
  }

  function writeLink() {
    const q = new URLSearchParams();
    const put = (k, value) => {
      if (value !== undefined && value !== null && String(value).trim() !== "") q.set(k, String(value).trim());
    };
    if (mode("headphone") === "catalog") put("headphone", $("headphone").value);
    else for (const k of HEADPHONE_SPEC) put(k, $(k).value);
    if (mode("amp") === "catalog") {
      put("amp", $("amp").value);
    } else {
      for (const k of [...AMP_SPEC, "gains"]) put(k, $(k).value);
      if ($("topology").value === "balanced") put("topology", "balanced");
      if ($("bridge").checked && $("topology").value !== "balanced") put("bridge", "1");
    }
    put("target", $("target").value);
    put("crest", $("crest").value);
    put("attenuator", $("attenuator").value);
    if ($("attenuator").value === "") for (const k of ATTENUATOR_SPEC) put(k, $(k).value);
    put("output", selection.output);
    put("gain", selection.gain);
    const search = q.toString();
    try {
      history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + location.hash);
    } catch (e) {
      // A page opened from file:// may not rewrite its own address in some browsers: the result still shows.
    }
  }

  // ---- errors ---------------------------------------------------------------------------------------------
  function clearErrors() {
    for (const e of document.querySelectorAll("#inputs .error")) e.textContent = "";
    for (const e of document.querySelectorAll("#inputs [aria-invalid]")) e.removeAttribute("aria-invalid");
  }
  function showError(field, message) {
    const id = FIELD_INPUT[field] || field;
    const input = id ? $(id) : null;
    const slot = field ? $(`${field}-error`) : null;
    if (input) input.setAttribute("aria-invalid", "true");
    if (slot) slot.textContent = message;
    const summary = $("summary");
    summary.textContent = "";
    const p = document.createElement("p");
    p.className = "problem";
    p.textContent = `Check ${FIELD_LABELS[field] || "the inputs"}: ${message}`;
    summary.append(p);
    $("outputs").textContent = "";
    $("details").hidden = true;
    $("plots").hidden = true;
  }

  function scheduleRanking(req) {
    const key = JSON.stringify({ headphone: req.headphone, target: req.target, crest: req.crest });
    if (key === rankingKey) return;
    rankingKey = key;
    // After the first paint of the main result: the ranking is the slower half and can wait a frame.
    setTimeout(() => {
      if (key !== rankingKey) return;
      const res = JSON.parse(core.rank(JSON.stringify({ headphone: req.headphone, target: req.target, crest: req.crest })));
      view.renderRanking(res);
    }, 0);
  }

  // ---- one computation ----------------------------------------------------------------------------------------
  function compute() {
    if (!core) return;
    const results = $("results");
    results.setAttribute("aria-busy", "true");
    clearErrors();
    const req = request();
    let res;
    if (linkProblems.length > 0)
      res = { ok: false, field: "", message: `the link's parameter ${linkProblems.map((k) => `'${k}'`).join(", ")} is not one this page reads: correct or remove it` };
    else res = JSON.parse(core.analyse(JSON.stringify(req)));
    // The EQ is "applied" only once the core has read it.
    if (eq) $("eq-status").textContent = res.ok ? `${eq.name} is applied.` : res.field === "eq" ? `${eq.name} is not applied.` : "";
    if (res.ok) {
      view.render(res);
      results.dataset.state = "ok";
    } else {
      showError(res.field, res.message);
      results.dataset.state = "error";
      rankingKey = null;
      $("ranking").hidden = true;
    }
    $("loading").hidden = true;
    results.dataset.revision = String(++revision);
    results.setAttribute("aria-busy", "false");
    writeLink();
    if (res.ok) scheduleRanking(req);
    if (!firstResultShown && res.ok) {
      firstResultShown = true;
      window.headroomTimings.firstResult = performance.now();
      performance.mark("headroom-first-result");
    }
  }

  let pending = null;
  function computeSoon() {
    clearTimeout(pending);
    pending = setTimeout(compute, 150);
  }

  // ---- wiring -------------------------------------------------------------------------------------------------
  function setUpComboboxes() {
    const headphones = catalog.headphones.map((h) => ({
      name: h.name, meta: `${h.type}, ${view.g4(h.impedance_ohm)} ohm, ${view.db(h.sensitivity_db_per_v, 1)} dB/V, ${h.basis}${h.curve ? ", impedance curve" : ""}`,
    }));
    const amps = catalog.amplifiers.map((a) => ({
      name: a.name, meta: `${a.kind}, ${a.basis}: ${a.outputs.map((o) => o.name + (o.gains.length ? ` (${o.gains.join("/")})` : "")).join(", ")}`,
    }));
    headphoneBox = new window.HeadroomCombobox($("headphone"), $("headphone-list"), headphones, () => compute());
    ampBox = new window.HeadroomCombobox($("amp"), $("amp-list"), amps, () => {
      selection = { output: "", gain: "" };
      compute();
    });
  }

  function wire() {
    for (const which of ["headphone", "amp"])
      for (const m of ["catalog", "spec"])
        $(`${which}-mode-${m}`).addEventListener("change", () => {
          setMode(which, m);
          if (which === "amp") selection = { output: "", gain: "" };
          compute();
        });
    for (const id of [...HEADPHONE_SPEC, ...AMP_SPEC, ...ATTENUATOR_SPEC, "gains", "target"]) $(id).addEventListener("input", computeSoon);
    $("attenuator").addEventListener("change", compute);
    for (const id of [...HEADPHONE_SPEC, ...AMP_SPEC, ...ATTENUATOR_SPEC, "gains", "target", "crest"])
      $(id).addEventListener("change", () => {
        clearTimeout(pending);
        compute();
      });
    $("crest").addEventListener("input", () => {
      syncPreset();
      computeSoon();
    });
    $("preset").addEventListener("change", () => {
      if ($("preset").value !== "") $("crest").value = $("preset").value;
      compute();
    });
    $("topology").addEventListener("change", compute);
    $("bridge").addEventListener("change", compute);
    $("output").addEventListener("change", () => {
      selection = { output: $("output").value, gain: "" };
      compute();
    });
    $("gain").addEventListener("change", () => {
      selection = { output: $("output").value, gain: $("gain").value };
      compute();
    });
    $("inputs").addEventListener("submit", (e) => e.preventDefault());

    const loadEq = async (file) => {
      if (!file) return;
      eq = { name: file.name, text: await file.text() };
      $("eq-clear").disabled = false;
      compute();
    };
    $("eq-file").addEventListener("change", () => loadEq($("eq-file").files[0]));
    $("eq-clear").addEventListener("click", () => {
      eq = null;
      $("eq-file").value = "";
      $("eq-status").textContent = "";
      $("eq-clear").disabled = true;
      compute();
      $("eq-file").focus();
    });
    const drop = $("eq-set");
    drop.addEventListener("dragover", (e) => {
      e.preventDefault();
      $("eq-drop").classList.add("dragging");
    });
    drop.addEventListener("dragleave", () => $("eq-drop").classList.remove("dragging"));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      $("eq-drop").classList.remove("dragging");
      if (e.dataTransfer && e.dataTransfer.files.length > 0) loadEq(e.dataTransfer.files[0]);
    });
  }

  function start() {
    if (typeof window.createHeadroom !== "function") {
      $("loading").textContent = "The calculator (headroom.js) did not load.";
      return;
    }
    window.createHeadroom().then((m) => {
      core = m;
      window.headroomTimings.moduleReady = performance.now();
      catalog = JSON.parse(core.catalog());
      if (catalog.ok === false) {
        $("loading").textContent = `The catalog did not load: ${catalog.message}`;
        return;
      }
      view = window.HeadroomRender({
        selection: () => selection,
        revision: () => revision,
        use: (r) => {  // "Use" in the ranking: that output of that amplifier
          setMode("amp", "catalog");
          ampBox.set(r.amplifier);
          selection = { output: r.output, gain: r.gain_setting || "" };
          compute();
        },
      });
      setUpFields();
      window.headroomLinkKeys = LINK_KEYS();  // for the tests: every parameter a link may carry
      setUpComboboxes();
      wire();
      readLink();
      compute();
    });
  }

  start();
})();
