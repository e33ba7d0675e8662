// What every browser test shares: a tiny static file server for the built page (loopback only), Debian's chromium
// in headless mode driven by puppeteer-core (which never downloads a browser), and helpers that read the page as a
// person would.
import { createServer } from "node:http";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, extname, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import puppeteer from "puppeteer-core";
import { before, after } from "node:test";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "..", "..");
// The built page and the command line to compare with: set by ctest, or the defaults of web/build.sh and the README.
export const site = resolve(process.env.HEADROOM_SITE || join(repo, "build-web", "site"));
export const cli = resolve(process.env.HEADROOM_CLI || join(repo, "build", "headroom"));
export const chromiumPath = process.env.HEADROOM_CHROMIUM || "/usr/bin/chromium";

const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".wasm": "application/wasm", ".json": "application/json", ".svg": "image/svg+xml" };

// Serves `root` on 127.0.0.1 at a free port; resolves to {url, close}.
export async function serve(root = site) {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
      const file = resolve(root, "." + (path.endsWith("/") ? path + "index.html" : path));
      if (!file.startsWith(root)) throw new Error("outside the site");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

// Chromium with the flags this machine's closed network needs, and a fresh profile removed afterwards.
export async function launch() {
  const profile = await mkdtemp(join(tmpdir(), "headroom-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    userDataDir: profile,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
  const close = async () => {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  };
  return { browser, close };
}

// A page that fails the test on any script error and on any request that leaves the page's own server.
export async function openPage(browser, url, origin) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith("data:") && !u.startsWith("blob:")) problems.push(`request off the page: ${u}`);
  });
  page.problems = problems;
  await page.goto(url, { waitUntil: "load" });
  return page;
}

// Waits until the results have been computed more often than `after` (the page counts its computations).
export async function waitForResult(page, after = 0) {
  await page.waitForFunction((n) => Number(document.getElementById("results").dataset.revision) > n, { timeout: 20000 }, after);
  return Number(await page.$eval("#results", (e) => e.dataset.revision));
}
export async function revisionOf(page) {
  return Number(await page.$eval("#results", (e) => e.dataset.revision));
}

// The outputs table as the page shows it, with its data attributes.
export async function outputRows(page) {
  return page.$$eval("#outputs-table tbody tr", (rows) => rows.map((r) => ({
    output: r.dataset.output,
    gain: r.dataset.gain ?? null,
    maxSplDb: Number(r.dataset.maxSplDb),
    headroomDb: r.dataset.headroomDb === undefined ? null : Number(r.dataset.headroomDb),
    eqHeadroomDb: r.dataset.eqHeadroomDb === undefined ? null : Number(r.dataset.eqHeadroomDb),
    limit: r.dataset.limit,
    recommended: r.dataset.recommended === "true",
    cells: [...r.cells].map((c) => c.textContent.trim()),
  })));
}

const run = promisify(execFile);
// `headroom pair ... --json`, parsed.
export async function pairJson(args) {
  const { stdout } = await run(cli, ["pair", ...args, "--json"], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout);
}

// `headroom sweep ... --json`, parsed.
export async function sweepJson(args) {
  const { stdout } = await run(cli, ["sweep", ...args, "--json"], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout);
}

// Types into an input as a person does: focus, select what is there, type.
export async function typeInto(page, selector, text) {
  await page.click(selector, { clickCount: 3 });
  await page.keyboard.press("Backspace");
  if (text !== "") await page.type(selector, text);
}

// The served page and the browser of one test file: started before its tests and closed after them. The returned
// object reads them once they exist (web.browser, web.url).
export function usePage() {
  let server, chrome;
  before(async () => {
    server = await serve();
    chrome = await launch();
  });
  after(async () => {
    await chrome.close();
    await server.close();
  });
  return {
    get browser() { return chrome.browser; },
    get url() { return server.url; },
  };
}
