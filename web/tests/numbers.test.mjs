// The page gives the same numbers as `headroom pair --json` (within 0.01 dB): catalog gear chosen by typing, a
// catalog pair from a link, hand-entered gear with gain settings and a derived bridge, and the catalog ranking.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, launch, openPage, waitForResult, revisionOf, outputRows, pairJson, sweepJson, typeInto, repo } from "./support.mjs";

let server, chrome;
before(async () => {
  server = await serve();
  chrome = await launch();
});
after(async () => {
  await chrome.close();
  await server.close();
});

const tolerance = 0.01; // dB
function near(page, cli, what) {
  assert.ok(Math.abs(page - cli) <= tolerance, `${what}: the page shows ${page}, the command line ${cli}`);
}

// Each row of the page's table against the command line's figures for the same output and gain setting.
function sameAsCli(row, cli, what) {
  near(row.maxSplDb, cli.max_spl_db, `${what}: max SPL`);
  near(row.headroomDb, cli.headroom_db, `${what}: headroom`);
  assert.equal(row.limit, cli.headroom_limit, `${what}: limit`);
}

async function pick(page, selector, typed) {
  const before = await revisionOf(page);
  await typeInto(page, selector, typed);
  await page.keyboard.press("Enter");
  await waitForResult(page, before);
}

async function setNumber(page, selector, value) {
  const before = await revisionOf(page);
  await typeInto(page, selector, value);
  await page.keyboard.press("Tab");
  await waitForResult(page, before);
}

test("a catalog pair picked by typing gives the command line's numbers for every output", async () => {
  const page = await openPage(chrome.browser, server.url, server.url);
  await waitForResult(page);
  await pick(page, "#headphone", "sundara meas");
  assert.equal(await page.$eval("#headphone", (e) => e.value), "HiFiMan Sundara (measured)");
  await pick(page, "#amp", "magni 2");
  assert.equal(await page.$eval("#amp", (e) => e.value), "Schiit Magni 2");
  await setNumber(page, "#target", "100");
  await setNumber(page, "#crest", "15");
  const rows = await outputRows(page);
  const cli = await pairJson(["--headphone", "HiFiMan Sundara (measured)", "--amp", "Schiit Magni 2", "--target", "100", "--crest", "15"]);
  assert.equal(rows.length, 1);
  sameAsCli(rows[0], cli, "Magni 2");
  near(rows[0].maxSplDb, cli.max_spl_db, "max SPL");
  assert.deepEqual(page.problems, []);
});

test("Sennheiser HD600 (measured) with the FiiO K19 at 95 dB SPL, crest 18: both outputs and the verdict", async () => {
  const q = new URLSearchParams({ headphone: "Sennheiser HD600 (measured)", amp: "FiiO K19", target: "95", crest: "18" });
  const page = await openPage(chrome.browser, `${server.url}?${q}`, server.url);
  await waitForResult(page);
  const rows = await outputRows(page);
  const cli = await pairJson(["--headphone", "Sennheiser HD600 (measured)", "--amp", "FiiO K19", "--target", "95", "--crest", "18"]);
  assert.equal(rows.length, cli.outputs.length);
  assert.equal(rows.length, 2);
  cli.outputs.forEach((o, k) => {
    assert.equal(rows[k].output, o.output);
    assert.equal(rows[k].gain, o.gain_setting);
    sameAsCli(rows[k], o, o.output);
  });
  const summary = await page.$eval("#summary", (e) => e.textContent);
  for (const line of cli.verdict.lines) assert.ok(summary.includes(line), `the verdict line '${line}' is on the page`);
  assert.deepEqual(page.problems, []);
});

test("an amplifier with gain settings: every setting, the advised one, and the hiss, as the command line says", async () => {
  const q = new URLSearchParams({ headphone: "Campfire Audio Andromeda 2020", amp: "AFUL Snowy Night", target: "85", crest: "18" });
  const page = await openPage(chrome.browser, `${server.url}?${q}`, server.url);
  await waitForResult(page);
  const rows = await outputRows(page);
  const cli = await pairJson(["--headphone", "Campfire Audio Andromeda 2020", "--amp", "AFUL Snowy Night", "--target", "85", "--crest", "18"]);
  assert.equal(rows.length, 4);
  cli.outputs.forEach((o, k) => {
    const what = `${o.output} ${o.gain_setting}`;
    assert.equal(rows[k].output, o.output);
    assert.equal(rows[k].gain, o.gain_setting);
    assert.equal(rows[k].recommended, o.recommended_gain, `${what}: advised`);
    sameAsCli(rows[k], o, what);
  });
  const hiss = await page.$$eval("#outputs-table tbody tr", (rs) => rs.map((r) => Number(r.dataset.hissSplDb)));
  cli.outputs.forEach((o, k) => near(hiss[k], o.hiss_spl_db_max, `${o.output} ${o.gain_setting}: hiss`));
  const summary = await page.$eval("#summary", (e) => e.textContent);
  for (const line of cli.verdict.lines) assert.ok(summary.includes(line), `the verdict line '${line}' is on the page`);
});

test("hand-entered gear: every gain setting and the derived bridge, as headroom pair with the same flags", async () => {
  const page = await openPage(chrome.browser, server.url, server.url);
  await waitForResult(page);
  let rev = await revisionOf(page);
  await page.click("#headphone-mode-spec");
  rev = await waitForResult(page, rev);
  await page.click("#amp-mode-spec");
  rev = await waitForResult(page, rev);
  const fields = {
    "#impedance": "32 ohm",
    "#sensitivity": "98 dB SPL/1 mW @ 1 kHz",
    "#power": "1.2W@32ohm, 300mW@300ohm",
    "#zout": "0.2",
    "#source": "2V",
    "#gains": "low=0dB, high=12dB",
    "#noise": "3uV",
  };
  for (const [selector, text] of Object.entries(fields)) {
    await typeInto(page, selector, text);
    await page.keyboard.press("Tab");
  }
  await page.click("#bridge");
  await setNumber(page, "#target", "95");
  rev = await revisionOf(page);
  await page.select("#preset", "12");
  rev = await waitForResult(page, rev);
  assert.equal(await page.$eval("#crest", (e) => e.value), "12");
  await page.waitForFunction(() => document.querySelectorAll("#outputs-table tbody tr").length === 4);
  const rows = await outputRows(page);
  const common = ["--impedance", "32 ohm", "--sensitivity", "98 dB SPL/1 mW @ 1 kHz", "--power", "1.2W@32ohm", "--power", "300mW@300ohm",
                  "--zout", "0.2", "--source", "2V", "--noise", "3uV", "--target", "95", "--crest", "12"];
  const expected = [
    ["single-ended", "low", [...common, "--gain", "0dB"]],
    ["single-ended", "high", [...common, "--gain", "12dB"]],
    ["balanced (bridged)", "low", [...common, "--gain", "0dB", "--bridge"]],
    ["balanced (bridged)", "high", [...common, "--gain", "12dB", "--bridge"]],
  ];
  for (const [k, [output, gain, args]] of expected.entries()) {
    const cli = await pairJson(args);
    assert.equal(rows[k].output, output);
    assert.equal(rows[k].gain, gain);
    sameAsCli(rows[k], cli, `${output} ${gain}`);
  }
  // The link carries the typed figures; opening it shows the same result.
  const link = new URL(page.url());
  assert.equal(link.searchParams.get("sensitivity"), "98 dB SPL/1 mW @ 1 kHz");
  assert.equal(link.searchParams.get("gains"), "low=0dB, high=12dB");
  assert.equal(link.searchParams.get("bridge"), "1");
  assert.equal(link.searchParams.get("crest"), "12");
  assert.equal(link.searchParams.get("headphone"), null);
  const again = await openPage(chrome.browser, page.url(), server.url);
  await waitForResult(again);
  assert.deepEqual((await outputRows(again)).map((r) => [r.output, r.gain, r.maxSplDb, r.headroomDb]),
                   rows.map((r) => [r.output, r.gain, r.maxSplDb, r.headroomDb]));
  assert.equal(await again.$eval("#headphone-spec", (e) => e.hidden), false);
  assert.deepEqual(page.problems, []);
  assert.deepEqual(again.problems, []);
});

test("a sine programme from the preset list, chosen with the keyboard", async () => {
  const q = new URLSearchParams({ headphone: "Sennheiser HD650", amp: "Chord Mojo 2", target: "110" });
  const page = await openPage(chrome.browser, `${server.url}?${q}`, server.url);
  let rev = await waitForResult(page);
  await page.focus("#preset");
  // Down from "custom" through classical, typical, rock and pop to sine.
  for (let k = 0; k < 5; ++k) await page.keyboard.press("ArrowDown");
  rev = await waitForResult(page, rev);
  assert.equal(await page.$eval("#crest", (e) => e.value), "3.010299956639812");  // 10 lg 2: exactly a sine
  const [row] = await outputRows(page);
  const cli = await pairJson(["--headphone", "Sennheiser HD650", "--amp", "Chord Mojo 2", "--target", "110"]);  // the CLI's default: a sine
  sameAsCli(row, cli, "Mojo 2");
  assert.equal(new URL(page.url()).searchParams.get("crest"), "3.010299956639812");
});

test("bad input is named beside its field, and the page recovers", async () => {
  const page = await openPage(chrome.browser, `${server.url}?impedance=300&sensitivity=97dB%2FmW&vmax=7.5V&target=90`, server.url);
  let rev = await waitForResult(page);
  assert.equal(await page.$eval("#results", (e) => e.dataset.state), "ok");
  await typeInto(page, "#sensitivity", "97 dB");
  await page.keyboard.press("Tab");
  rev = await waitForResult(page, rev);
  assert.equal(await page.$eval("#results", (e) => e.dataset.state), "error");
  assert.equal(await page.$eval("#sensitivity", (e) => e.getAttribute("aria-invalid")), "true");
  assert.match(await page.$eval("#sensitivity-error", (e) => e.textContent), /is not a sensitivity: give its unit/);
  assert.match(await page.$eval("#summary", (e) => e.textContent), /Check the sensitivity/);
  await typeInto(page, "#sensitivity", "97 dB/mW");
  await page.keyboard.press("Tab");
  await waitForResult(page, rev);
  assert.equal(await page.$eval("#results", (e) => e.dataset.state), "ok");
  assert.equal(await page.$eval("#sensitivity", (e) => e.hasAttribute("aria-invalid")), false);
  const [row] = await outputRows(page);
  const cli = await pairJson(["--impedance", "300", "--sensitivity", "97 dB/mW", "--vmax", "7.5V", "--target", "90"]);
  sameAsCli(row, cli, "typed");
});

test("which amplifiers drive this headphone: every catalog output, ranked, each as the command line has it", async () => {
  const q = new URLSearchParams({ headphone: "Sennheiser HD600 (measured)", amp: "FiiO K19", target: "95", crest: "18" });
  const page = await openPage(chrome.browser, `${server.url}?${q}`, server.url);
  await waitForResult(page);
  await page.waitForSelector("#ranking-list tbody tr");
  const rows = await page.$$eval("#ranking-list tbody tr", (rs) => rs.map((r) => ({
    amp: r.dataset.amp, output: r.dataset.output, gain: r.dataset.gain ?? null, headroomDb: Number(r.dataset.headroomDb),
    maxSplDb: Number(r.dataset.maxSplDb), limit: r.dataset.limit, enough: !r.classList.contains("not-enough"),
  })));
  const amps = JSON.parse(await readFile(join(repo, "data", "amplifiers.json"), "utf8")).amplifiers;
  assert.equal(rows.length, amps.reduce((n, a) => n + a.outputs.length, 0), "one row per catalog output");
  // Enough headroom first; among those, more headroom first (the HD600 is not a sensitive headphone).
  const firstShort = rows.findIndex((r) => !r.enough);
  if (firstShort >= 0) assert.ok(rows.slice(firstShort).every((r) => !r.enough));
  for (let k = 1; k < (firstShort < 0 ? rows.length : firstShort); ++k) assert.ok(rows[k - 1].headroomDb >= rows[k].headroomDb);
  for (const r of [rows[0], rows[1], rows[rows.length - 1]]) {
    const args = ["--headphone", "Sennheiser HD600 (measured)", "--amp", r.amp, "--output", r.output, "--target", "95", "--crest", "18"];
    if (r.gain) args.push("--gain", r.gain);
    const cli = await pairJson(args);
    near(r.headroomDb, cli.headroom_db, `${r.amp} ${r.output}: headroom`);
    near(r.maxSplDb, cli.max_spl_db, `${r.amp} ${r.output}: max SPL`);
    assert.equal(r.limit, cli.headroom_limit);
  }
  // The order and the advised gain settings are the command line's recommender's (sweep --headphone).
  const sweep = await sweepJson(["--headphone", "Sennheiser HD600 (measured)", "--target", "95", "--crest", "18"]);
  const listed = sweep.recommendations[0].outputs;
  assert.ok(listed.length > 0);
  assert.deepEqual(rows.slice(0, listed.length).map((r) => [r.amp, r.output, r.gain]),
                   listed.map((r) => [r.amplifier, r.output, r.gain_setting]));
  // "Use" puts that amplifier and output on the page.
  const rev = await revisionOf(page);
  const last = rows[rows.length - 1];
  await page.click(`#ranking-list tbody tr:last-child button`);
  await waitForResult(page, rev);
  assert.equal(await page.$eval("#amp", (e) => e.value), last.amp);
  assert.equal(await page.$eval("#output", (e) => e.value), last.output);
  assert.deepEqual(page.problems, []);
});

test("a link's values are read as the command line reads them, and one it cannot read is named, never dropped", async () => {
  // Unit-bearing values: 18dB is a crest factor, 95dB a level (a number input would have read them as empty: a sine).
  let q = new URLSearchParams({ headphone: "Sennheiser HD600 (measured)", amp: "FiiO K19", target: "95dB", crest: "18dB" });
  let page = await openPage(chrome.browser, `${server.url}?${q}`, server.url);
  await waitForResult(page);
  assert.equal(await page.$eval("#results", (e) => e.dataset.state), "ok");
  const rows = await outputRows(page);
  const cli = await pairJson(["--headphone", "Sennheiser HD600 (measured)", "--amp", "FiiO K19", "--output", rows[0].output,
                              "--target", "95", "--crest", "18"]);
  sameAsCli(rows[0], cli, "a link with units");
  // A value the core cannot read is shown at its field.
  q = new URLSearchParams({ headphone: "Sennheiser HD600 (measured)", amp: "FiiO K19", target: "95", crest: "loud" });
  page = await openPage(chrome.browser, `${server.url}?${q}`, server.url);
  await waitForResult(page);
  assert.equal(await page.$eval("#results", (e) => e.dataset.state), "error");
  assert.equal(await page.$eval("#crest", (e) => e.getAttribute("aria-invalid")), "true");
  // A parameter the page does not know is named.
  q = new URLSearchParams({ headphone: "Sennheiser HD600 (measured)", amp: "FiiO K19", target: "95", vmx: "3V" });
  page = await openPage(chrome.browser, `${server.url}?${q}`, server.url);
  await waitForResult(page);
  assert.equal(await page.$eval("#results", (e) => e.dataset.state), "error");
  assert.match(await page.$eval("#summary", (e) => e.textContent), /'vmx' is not one this page reads/);
  // An output the amplifier lacks is refused at the output picker's field, with its outputs.
  q = new URLSearchParams({ headphone: "Sennheiser HD600 (measured)", amp: "FiiO K19", target: "95", output: "XLR" });
  page = await openPage(chrome.browser, `${server.url}?${q}`, server.url);
  await waitForResult(page);
  assert.match(await page.$eval("#summary", (e) => e.textContent), /'XLR' is not an output here/);
  // Typed-in figures whose derived bridge is past the model's ranges still show the single-ended result.
  q = new URLSearchParams({ impedance: "300", sensitivity: "97dB/mW", vmax: "600", target: "95" });
  page = await openPage(chrome.browser, `${server.url}?${q}`, server.url);
  await waitForResult(page);
  assert.equal(await page.$eval("#results", (e) => e.dataset.state), "ok");
  // An EQ file that holds nothing is refused at the EQ's field and not called applied.
  const input = await page.$("#eq-file");
  const empty = join(await mkdtemp(join(tmpdir(), "headroom-eq-")), "empty.txt");
  await writeFile(empty, "");
  let rev = await revisionOf(page);
  await input.uploadFile(empty);
  rev = await waitForResult(page, rev);
  assert.equal(await page.$eval("#results", (e) => e.dataset.state), "error");
  assert.match(await page.$eval("#eq-error", (e) => e.textContent), /empty/);
  assert.doesNotMatch(await page.$eval("#eq-status", (e) => e.textContent), /is applied/);
});

test("a sensitive IEM through an adapter: whether the hiss is heard, where the volume sits and what the adapter buys, as pair says", async () => {
  // A 16 ohm, 120 dB SPL/V IEM on 2 V behind 1 ohm with 5 uV A-weighted noise, through 75 ohm in series.
  const link = { impedance: "16", sensitivity: "120dB/V", vmax: "2", zout: "1", noise: "5uV", noise_weighting: "A-weighted",
                 target: "75", crest: "18", series: "75ohm" };
  const cli = await pairJson(["--impedance", "16", "--sensitivity", "120dB/V", "--vmax", "2", "--zout", "1", "--noise", "5uV",
                              "--noise-weighting", "A-weighted", "--target", "75", "--crest", "18", "--series", "75ohm"]);
  const page = await openPage(chrome.browser, `${server.url}?${new URLSearchParams(link)}`, server.url);
  await waitForResult(page);
  const report = await page.$eval("#report", (e) => e.textContent);
  await page.close();
  assert.equal(cli.hiss_audibility, "inaudible");
  assert.match(report, new RegExp(`inaudible: ${cli.hiss_spl_dba.toFixed(1)} dB\\(A\\)`));
  assert.match(report, new RegExp(`${cli.volume_attenuation_db.toFixed(1)} dB below full output`));
  assert.match(report, /Through the attenuator/);
  assert.match(report, new RegExp(`${cli.attenuator.hiss_reduction_db.toFixed(1)} dB less hiss`));
  assert.match(report, /75 ohm in series/);
});
