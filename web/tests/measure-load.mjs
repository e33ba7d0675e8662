// How long the page takes to show its first result in headless chromium: several fresh loads of the default page
// (the HD600 (measured) with the FiiO K19), each in a new browser context, timed by the page's own Performance API
// marks from the start of navigation. A measurement, not a test: node tests/measure-load.mjs [runs] [site folder]
import { readFile } from "node:fs/promises";
import { serve, launch, site } from "./support.mjs";

const runs = Number(process.argv[2] || 10);
const root = process.argv[3] || site;
const cpu = (await readFile("/proc/cpuinfo", "utf8")).match(/model name\s*:\s*(.*)/)?.[1] ?? "unknown";
const server = await serve(root);
const chrome = await launch();
const samples = [];
try {
  for (let k = 0; k < runs; ++k) {
    const context = await chrome.browser.createBrowserContext();
    const page = await context.newPage();
    await page.goto(server.url, { waitUntil: "load" });
    await page.waitForFunction(() => performance.getEntriesByName("headroom-first-result").length > 0, { timeout: 20000 });
    samples.push(await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const paint = performance.getEntriesByName("first-contentful-paint")[0];
      return {
        firstResult: performance.getEntriesByName("headroom-first-result")[0].startTime,
        moduleReady: window.headroomTimings.moduleReady,
        domContentLoaded: nav.domContentLoadedEventEnd,
        firstPaint: paint ? paint.startTime : NaN,
      };
    }));
    await context.close();
  }
} finally {
  await chrome.close();
  await server.close();
}
const stat = (key) => {
  const v = samples.map((s) => s[key]).sort((a, b) => a - b);
  return `median ${v[Math.floor(v.length / 2)].toFixed(0)} ms, min ${v[0].toFixed(0)}, max ${v[v.length - 1].toFixed(0)}`;
};
console.log(`${runs} loads of ${root} on ${cpu}`);
for (const key of ["domContentLoaded", "firstPaint", "moduleReady", "firstResult"]) console.log(`  ${key.padEnd(17)} ${stat(key)}`);
