// The page as a person (and a screen reader) uses it: the combobox from the keyboard, the tab order, labels on every
// input, results in a live region, the link following the inputs, an AutoEq preset dropped in, and the plots.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { join, dirname } from "node:path";
import { serve, launch, openPage, waitForResult, revisionOf, outputRows, pairJson, typeInto, repo, site } from "./support.mjs";

let server, chrome;
before(async () => {
  server = await serve();
  chrome = await launch();
});
after(async () => {
  await chrome.close();
  await server.close();
});

const near = (page, cli, what) => assert.ok(Math.abs(page - cli) <= 0.01, `${what}: the page shows ${page}, the command line ${cli}`);

async function comboState(page, id) {
  return page.evaluate((id) => {
    const input = document.getElementById(id);
    const list = document.getElementById(input.getAttribute("aria-controls"));
    const active = input.getAttribute("aria-activedescendant");
    return {
      expanded: input.getAttribute("aria-expanded"),
      shown: !list.hidden,
      options: [...list.querySelectorAll("[role=option]")].map((o) => o.dataset.name),
      active: active ? document.getElementById(active).dataset.name : null,
      selected: [...list.querySelectorAll("[role=option][aria-selected=true]")].map((o) => o.dataset.name),
      value: input.value,
    };
  }, id);
}

test("the combobox: typing filters, arrow keys move, Escape closes, Enter picks", async () => {
  const page = await openPage(chrome.browser, server.url, server.url);
  let rev = await waitForResult(page);
  await page.click("#headphone", { clickCount: 3 });
  await page.keyboard.press("Backspace");
  await page.type("#headphone", "sennheiser hd6");
  let s = await comboState(page, "headphone");
  assert.equal(s.expanded, "true");
  assert.ok(s.shown);
  assert.ok(s.options.length > 3, "several matches");
  assert.ok(s.options.every((n) => /sennheiser hd ?6/i.test(n)), `only matches: ${s.options}`);
  assert.equal(s.active, s.options[0], "the first match is highlighted while typing");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  s = await comboState(page, "headphone");
  assert.equal(s.active, s.options[2]);
  assert.deepEqual(s.selected, [s.options[2]], "aria-selected follows the highlight");
  await page.keyboard.press("ArrowUp");
  s = await comboState(page, "headphone");
  assert.equal(s.active, s.options[1]);
  await page.keyboard.press("Escape");
  s = await comboState(page, "headphone");
  assert.equal(s.expanded, "false");
  assert.ok(!s.shown);
  assert.equal(s.active, null);
  assert.equal(await revisionOf(page), rev, "closing the list computes nothing");
  await page.keyboard.press("ArrowDown"); // reopens on the current text
  s = await comboState(page, "headphone");
  assert.ok(s.shown);
  assert.equal(s.active, s.options[0]);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const wanted = (await comboState(page, "headphone")).active;
  assert.equal(wanted, s.options[2]);
  await page.keyboard.press("Enter");
  rev = await waitForResult(page, rev);
  s = await comboState(page, "headphone");
  assert.equal(s.value, wanted);
  assert.ok(!s.shown);
  assert.equal(new URL(page.url()).searchParams.get("headphone"), wanted, "the link follows");
  assert.match(await page.$eval("#summary", (e) => e.textContent), new RegExp(wanted.replace(/[()]/g, "\\$&")));
  // A click picks too.
  await page.click("#amp", { clickCount: 3 });
  await page.type("#amp", "mojo 2");
  s = await comboState(page, "amp");
  assert.ok(s.options.includes("Chord Mojo 2"));
  await page.click(`#amp-list [data-name="Chord Mojo 2"]`);
  await waitForResult(page, rev);
  assert.equal(await page.$eval("#amp", (e) => e.value), "Chord Mojo 2");
  assert.equal(await page.evaluate(() => document.activeElement.id), "amp", "the focus stays in the input");
  assert.deepEqual(page.problems, []);
});

test("the tab order follows the form, and Enter in a combobox never submits it", async () => {
  const page = await openPage(chrome.browser, server.url, server.url);
  await waitForResult(page);
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const order = [];
  for (let k = 0; k < 14; ++k) {
    await page.keyboard.press("Tab");
    order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.tagName));
  }
  // K19 has no gain settings, so the gain picker is disabled and skipped; the attenuator's picker and its resistors
  // (the core's table) come before the EQ; the ranking's buttons follow.
  assert.deepEqual(order.slice(0, 13),
                   ["headphone-mode-catalog", "headphone", "amp-mode-catalog", "amp", "target", "preset", "crest",
                    "attenuator", "series", "shunt", "resistor_rating", "eq-file", "output"]);
  assert.equal(order[13], "BUTTON");
  const url = page.url();
  await page.focus("#amp");
  await page.keyboard.press("Enter");
  assert.equal(page.url(), url, "still the same page");
  // The radios: arrow keys switch to the spec sheet, whose fields then follow in the tab order.
  await page.focus("#amp-mode-catalog");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.evaluate(() => document.activeElement.id), "amp-mode-spec");
  assert.equal(await page.$eval("#amp-spec", (e) => e.hidden), false);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "vmax");  // the first field of the core's table
});

// Every control the accessibility tree exposes, in both modes, has a name; every form control has a <label>.
test("every input is labelled, and the results are a live region", async () => {
  const page = await openPage(chrome.browser, server.url, server.url);
  await waitForResult(page);
  const live = await page.$eval("#results", (e) => ({ live: e.getAttribute("aria-live"), busy: e.getAttribute("aria-busy") }));
  assert.equal(live.live, "polite");
  assert.equal(live.busy, "false");
  assert.ok(await page.$("#results #summary .headline"), "the verdict is inside the live region");
  assert.ok(await page.$("#results #outputs-table"), "the table is inside the live region");
  const headers = await page.$$eval("#outputs-table thead th", (hs) => hs.map((h) => h.getAttribute("scope")));
  assert.ok(headers.every((s) => s === "col"));
  const svgs = await page.$$eval("svg[role=img]", (ss) => ss.map((s) => s.getAttribute("aria-labelledby")));
  assert.ok(svgs.length >= 1);
  for (const ids of svgs) for (const id of ids.split(" ")) assert.ok(await page.$(`#${id}`), `plot label #${id} exists`);
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("input, select, textarea")]
      .filter((e) => !(e.labels && e.labels.length > 0 && [...e.labels].some((l) => l.textContent.trim() !== "")) &&
                     !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby"))
      .map((e) => e.id || e.name));
  assert.deepEqual(unlabelled, []);
  for (const spec of [false, true]) {
    if (spec) {
      await page.click("#headphone-mode-spec");
      await page.click("#amp-mode-spec");
    }
    const tree = await page.accessibility.snapshot({ interestingOnly: true });
    const nameless = [];
    const controls = new Set(["textbox", "combobox", "checkbox", "radio", "spinbutton", "button", "listbox", "option"]);
    const walk = (n) => {
      if (controls.has(n.role) && !(n.name && n.name.trim())) nameless.push(`${n.role} ${JSON.stringify(n)}`);
      for (const c of n.children || []) walk(c);
    };
    walk(tree);
    assert.deepEqual(nameless, [], spec ? "spec-sheet mode" : "catalog mode");
  }
  // In spec-sheet mode with nothing typed yet, the problem is announced in the same live region.
  assert.match(await page.$eval("#results #summary", (e) => e.textContent), /Check the impedance/);
});

test("the output and gain pickers choose the detailed output, and the link keeps them", async () => {
  const q = new URLSearchParams({ headphone: "Campfire Audio Andromeda 2020", amp: "AFUL Snowy Night", target: "85", crest: "18",
                                  output: "4.4mm balanced", gain: "high" });
  const page = await openPage(chrome.browser, `${server.url}?${q}`, server.url);
  let rev = await waitForResult(page);
  assert.equal(await page.$eval("#output", (e) => e.value), "4.4mm balanced");
  assert.equal(await page.$eval("#gain", (e) => e.value), "high");
  assert.match(await page.$eval("#report h3", (e) => e.textContent), /4\.4mm balanced \(high gain\)/);
  assert.equal(await page.$eval("#outputs-table tr.selected", (e) => `${e.dataset.output}/${e.dataset.gain}`), "4.4mm balanced/high");
  await page.select("#output", "3.5mm");
  rev = await waitForResult(page, rev);
  const link = new URL(page.url()).searchParams;
  assert.equal(link.get("output"), "3.5mm");
  assert.equal(link.get("gain"), null, "a new output starts at its advised gain");
  const advised = await page.$eval(`#outputs-table tr[data-output="3.5mm"][data-recommended="true"]`, (e) => e.dataset.gain);
  assert.match(await page.$eval("#report h3", (e) => e.textContent), new RegExp(`3\\.5mm \\(${advised} gain\\)`));
});

test("an AutoEq preset chosen, removed and dropped on the page: EQ-aware headroom as headroom pair --eq", async () => {
  const q = new URLSearchParams({ headphone: "Sennheiser HD650 (measured)", amp: "Chord Mojo (measured)", target: "95", crest: "15" });
  const page = await openPage(chrome.browser, `${server.url}?${q}`, server.url);
  let rev = await waitForResult(page);
  const file = join(repo, "tests", "data", "autoeq", "Sennheiser HD 650 ParametricEQ.txt");
  const input = await page.$("#eq-file");
  await input.uploadFile(file);
  rev = await waitForResult(page, rev);
  assert.match(await page.$eval("#eq-status", (e) => e.textContent), /Sennheiser HD 650 ParametricEQ\.txt is applied/);
  const [row] = await outputRows(page);
  const cli = await pairJson(["--headphone", "Sennheiser HD650 (measured)", "--amp", "Chord Mojo (measured)", "--eq", file,
                              "--target", "95", "--crest", "15"]);
  near(row.eqHeadroomDb, cli.eq_programme_headroom_db, "headroom through the EQ");
  near(row.headroomDb, cli.headroom_db, "headroom");
  const report = await page.$eval("#report", (e) => e.textContent);
  assert.ok(report.includes(`${cli.worst_headroom_db >= 0 ? "+" : ""}${cli.worst_headroom_db.toFixed(2)} dB at`), "worst headroom with the boost");
  const summary = await page.$eval("#summary", (e) => e.textContent);
  assert.ok(summary.includes(`+${cli.eq_max_boost_db.toFixed(2)} dB`), "the EQ's largest boost");
  // The EQ's gain is drawn under the response.
  assert.ok(await page.$("#response-svg path.eq-gain"));
  // Removing it brings back the plain result.
  await page.click("#eq-clear");
  rev = await waitForResult(page, rev);
  assert.equal((await outputRows(page))[0].eqHeadroomDb, null);
  assert.equal(await page.$("#response-svg path.eq-gain"), null);
  // Dropped on the EQ box rather than chosen: the same figure.
  const text = await readFile(file, "utf8");
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], "HD650 dropped.txt", { type: "text/plain" }));
    const target = document.getElementById("eq-set");
    target.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  }, text);
  rev = await waitForResult(page, rev);
  near((await outputRows(page))[0].eqHeadroomDb, cli.eq_programme_headroom_db, "headroom through the dropped EQ");
  assert.match(await page.$eval("#eq-status", (e) => e.textContent), /HD650 dropped\.txt is applied/);
  assert.deepEqual(page.problems, []);
});

test("the plots render: load stretches with their limits, the headphone marked, the response behind Z_out", async () => {
  const q = new URLSearchParams({ headphone: "Sennheiser HD650 (measured)", amp: "FiiO K19", target: "95", crest: "18" });
  const page = await openPage(chrome.browser, `${server.url}?${q}`, server.url);
  await waitForResult(page);
  const load = await page.$eval("#load-svg", (svg) => ({
    series: [...svg.querySelectorAll("g.series")].map((g) => `${g.dataset.output}/${g.dataset.panel}`),
    stretches: [...svg.querySelectorAll("path.stretch")].map((p) => ({ limit: p.dataset.limit, d: p.getAttribute("d").length })),
    labels: [...svg.querySelectorAll("text.limit-label")].map((t) => t.textContent),
    markers: svg.querySelectorAll("line.headphone-marker").length,
    points: svg.querySelectorAll("circle.operating-point").length,
    desc: svg.querySelector("desc").textContent,
  }));
  assert.deepEqual(load.series.sort(), ["4.4mm balanced/power", "4.4mm balanced/voltage", "6.35mm/power", "6.35mm/voltage"]);
  assert.ok(load.stretches.length >= 4);
  assert.ok(load.stretches.every((s) => ["voltage", "current", "power", "thermal", "gain"].includes(s.limit) && s.d > 20));
  assert.ok(load.labels.some((l) => l === "power-limited"));
  assert.equal(load.markers, 2, "the headphone in both panels");
  assert.equal(load.points, 4, "each output's operating point in both panels");
  assert.match(load.desc, /The headphone is 320 ohm/);
  const response = await page.$eval("#response-svg", (svg) => ({
    impedance: svg.querySelectorAll("path.impedance").length,
    deviations: [...svg.querySelectorAll("path.deviation")].map((p) => p.dataset.output),
    minimum: svg.querySelectorAll("circle.impedance-minimum").length,
  }));
  assert.equal(response.impedance, 1);
  assert.deepEqual(response.deviations.sort(), ["4.4mm balanced", "6.35mm"]);
  assert.equal(response.minimum, 1);
  assert.equal(await page.$eval("#response-figure", (e) => e.hidden), false);
  // One picture to look at: the result and the plots.
  const shot = join(dirname(site), "screenshots", "hd650-k19.png");
  await mkdir(dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
  // A headphone without a curve has no response plot.
  const rev = await revisionOf(page);
  await typeInto(page, "#headphone", "HiFiMan Sundara");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  await waitForResult(page, rev);
  assert.equal(await page.$eval("#response-figure", (e) => e.hidden), true);
  assert.deepEqual(page.problems, []);
});

test("the folder works from file://, with no server and no network", async () => {
  const page = await chrome.browser.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("request", (r) => { if (!r.url().startsWith("file://") && !r.url().startsWith("data:")) problems.push(`request: ${r.url()}`); });
  const q = new URLSearchParams({ headphone: "HiFiMan Sundara", amp: "FiiO K19", target: "95", crest: "18" });
  await page.goto(`file://${site}/index.html?${q}`);
  await waitForResult(page);
  const rows = await outputRows(page);
  const cli = await pairJson(["--headphone", "HiFiMan Sundara", "--amp", "FiiO K19", "--target", "95", "--crest", "18"]);
  assert.equal(rows.length, cli.outputs.length);
  cli.outputs.forEach((o, k) => near(rows[k].headroomDb, o.headroom_db, `${o.output}: headroom`));
  assert.deepEqual(problems, []);
});

test("a near miss in a combobox is answered beside it with the catalog's nearest names", async () => {
  const page = await openPage(chrome.browser, server.url, server.url);
  let rev = await waitForResult(page);
  await typeInto(page, "#headphone", "Sennhiser HD65");
  assert.equal(await page.$eval("#headphone-list", (e) => e.hidden), true, "no name contains the typo");
  await page.keyboard.press("Tab");
  rev = await waitForResult(page, rev);
  assert.equal(await page.$eval("#results", (e) => e.dataset.state), "error");
  assert.equal(await page.$eval("#headphone", (e) => e.getAttribute("aria-invalid")), "true");
  assert.match(await page.$eval("#headphone-error", (e) => e.textContent), /no headphone 'Sennhiser HD65'; did you mean 'Sennheiser HD650'/);
  // Taking the suggestion clears the message; an empty choice asks for one, beside its input.
  await typeInto(page, "#headphone", "Sennheiser HD650");
  await page.keyboard.press("Enter");
  rev = await waitForResult(page, rev);
  assert.equal(await page.$eval("#headphone-error", (e) => e.textContent), "");
  assert.equal(await page.$eval("#results", (e) => e.dataset.state), "ok");
  await typeInto(page, "#amp", "");
  await page.keyboard.press("Tab");
  await waitForResult(page, rev);
  assert.match(await page.$eval("#amp-error", (e) => e.textContent), /pick an amplifier from the catalog/);
  assert.equal(await page.$eval("#amp", (e) => e.getAttribute("aria-invalid")), "true");
  assert.deepEqual(page.problems, []);
});
