// Every link parameter reaches the answer or is shown as an error: for each parameter the page reads (as the page
// itself lists them, the typed-in fields coming from the core's fields table), a link with it gives a different
// answer than the same link without it, or an error beside its field. A parameter without a probe fails the test.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, openPage, waitForResult } from "./support.mjs";

let server, chrome;
before(async () => {
  server = await serve();
  chrome = await launch();
});
after(async () => {
  await chrome.close();
  await server.close();
});

const catalogPair = { headphone: "Sennheiser HD600 (measured)", amp: "FiiO K19", target: "90", crest: "12" };
const typed = { impedance: "32", sensitivity: "100dB/V", vmax: "1", target: "90", crest: "12" };
// Each probe: the base link and the link with the parameter.
const probes = {
  headphone: [catalogPair, { ...catalogPair, headphone: "HiFiMan Sundara" }],
  amp: [catalogPair, { ...catalogPair, amp: "Schiit Magni 2" }],
  output: [catalogPair, { ...catalogPair, output: "6.35mm" }],  // (the advised one, 4.4mm, is detailed without it)
  gain: [{ ...catalogPair, amp: "AFUL Snowy Night", output: "3.5mm" }, { ...catalogPair, amp: "AFUL Snowy Night", output: "3.5mm", gain: "high" }],  // (low is advised)
  target: [catalogPair, { ...catalogPair, target: "100" }],
  crest: [catalogPair, { ...catalogPair, crest: "18dB" }],
  bridge: [typed, { ...typed, bridge: "1" }],
  topology: [typed, { ...typed, topology: "balanced" }],
  gains: [{ ...typed, source: "1V" }, { ...typed, source: "1V", gains: "low=0dB, high=12dB" }],
  impedance: [typed, { ...typed, impedance: "300" }],
  sensitivity: [typed, { ...typed, sensitivity: "97dB/mW" }],
  sensitivity_frequency: [typed, { ...typed, sensitivity_frequency: "500Hz" }],
  rated_power: [typed, { ...typed, rated_power: "1mW" }],
  vmax: [typed, { ...typed, vmax: "0.5" }],
  imax: [typed, { ...typed, imax: "2mA" }],
  pmax: [typed, { ...typed, pmax: "1mW" }],
  thermal_power: [typed, { ...typed, thermal_power: "1mW" }],
  source_resistance: [typed, { ...typed, source_resistance: "30ohm" }],
  power: [typed, { ...typed, power: "1mW@32ohm" }],
  zout: [typed, { ...typed, zout: "10ohm" }],
  source: [typed, { ...typed, source: "0.1V" }],
  noise: [typed, { ...typed, noise: "5uV" }],
  noise_weighting: [{ ...typed, noise: "5uV" }, { ...typed, noise: "5uV", noise_weighting: "A-weighted" }],
  snr: [typed, { ...typed, snr: "100dB" }],
  snr_reference: [{ ...typed, snr: "100dB" }, { ...typed, snr: "100dB", snr_reference: "0.1V" }],
  // At 50 dB SPL the volume sits 41 dB down: past the range an analog control tracks, which is said only of analog.
  volume: [{ ...typed, noise: "5uV", target: "50" }, { ...typed, noise: "5uV", target: "50", volume: "digital" }],
  // An attenuator between the output and the headphone: from the catalog, or its resistors typed in (a shunt alone is
  // shown as an error: it needs a series resistor).
  attenuator: [typed, { ...typed, attenuator: "Etymotic ER4PT P-to-S adapter" }],
  series: [typed, { ...typed, series: "75ohm" }],
  shunt: [{ ...typed, series: "10ohm" }, { ...typed, series: "10ohm", shunt: "1ohm" }],
  resistor_rating: [{ ...typed, series: "10ohm" }, { ...typed, series: "10ohm", resistor_rating: "1mW" }],
};

// What the page answers: the state, the summary and the outputs table's cells, and the inputs marked invalid.
// Each link is opened once (the base links are shared).
const answers = new Map();
async function answer(query) {
  const key = new URLSearchParams(query).toString();
  if (!answers.has(key)) answers.set(key, await open(query));
  return answers.get(key);
}
async function open(query) {
  const page = await openPage(chrome.browser, `${server.url}?${new URLSearchParams(query)}`, server.url);
  await waitForResult(page);
  const a = await page.evaluate(() => ({
    state: document.getElementById("results").dataset.state,
    summary: document.getElementById("summary").textContent,
    table: [...document.querySelectorAll("#outputs-table tbody tr")].map((r) => r.textContent),
    report: document.getElementById("report") ? document.getElementById("report").textContent : "",
    invalid: [...document.querySelectorAll("[aria-invalid=true]")].map((e) => e.id),
    keys: window.headroomLinkKeys,
  }));
  assert.deepEqual(page.problems, []);
  await page.close();
  return a;
}

test("every link parameter changes the answer or is shown as an error, and each has a probe", async () => {
  const { keys } = await answer(catalogPair);
  const missing = keys.filter((k) => !(k in probes));
  assert.deepEqual(missing, [], "link parameters without a probe in web/tests/links.test.mjs");
  for (const key of keys) {
    const [base, withKey] = probes[key];
    const a = await answer(base);
    assert.equal(a.state, "ok", `${key}: the base link works`);
    const b = await answer(withKey);
    if (b.state === "error") continue;  // refused, and said so beside its field
    const { keys: _a, ...left } = a;
    const { keys: _b, ...right } = b;
    assert.notDeepEqual(right, left, `${key}: the link with it gives the same answer as without it`);
  }
});
