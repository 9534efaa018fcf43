// Full-page screenshots of a served site, as a reader sees it at a desktop width.
//
// Usage: node screenshots.mjs <base-url> <out-dir> <page> [<page> ...]
//   <page> is a path relative to <base-url>, e.g. "index.html"; its PNG is written to
//   <out-dir> under the page's path with "/" replaced by "__" (optim__adam__index.png).
// Environment: CHROMIUM (default /usr/bin/chromium), SCREENSHOT_WIDTH (default 1280),
//   CHECK_TIMEOUT_MS (per page, default 60000).
// Each page is loaded with the browser check's launch flags, MathJax is waited for, and
// the page is captured as it first appears: folded blocks closed, the first tab shown.
// Prints one JSON object on stdout: {"width": px, "pages": [{"page", "png", "height",
// "error"}, ...]}. Exit status 0 when every page was captured, 1 when one failed, 2 on
// a usage or launch error.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, settleMath } from "./check_site.mjs";

function pngName(path) {
  return path.replace(/\.html$/, "").replace(/\//g, "__") + ".png";
}

async function capture(context, base, outDir, path, timeout) {
  const entry = { page: path, png: join(outDir, pngName(path)), height: null, error: null };
  const page = await context.newPage();
  try {
    const response = await page.goto(new URL(path, base).href, { waitUntil: "load", timeout });
    if (!response || !response.ok()) throw new Error(`HTTP ${response ? response.status() : "no response"}`);
    await settleMath(page);
    entry.height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: entry.png, fullPage: true, timeout });
  } catch (e) {
    entry.error = String(e).slice(0, 500);
  } finally {
    await page.close();
  }
  return entry;
}

async function main(argv) {
  if (argv.length < 3) {
    console.error("usage: node screenshots.mjs <base-url> <out-dir> <page> [<page> ...]");
    return 2;
  }
  const [base, outDir, ...pages] = argv;
  const width = Number(process.env.SCREENSHOT_WIDTH || 1280);
  const timeout = Number(process.env.CHECK_TIMEOUT_MS || 60000);
  mkdirSync(outDir, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "refalgo-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width, height: 900 },
      serviceWorkers: "block",
    });
    const origin = new URL(base).origin;
    // As in the browser check: nothing is fetched from outside the served site.
    await context.route("**/*", (route) => {
      const u = route.request().url();
      const local = u.startsWith("data:") || u.startsWith("blob:") || new URL(u).origin === origin;
      return local ? route.continue() : route.abort("blockedbyclient");
    });
    const shots = [];
    for (const path of pages) shots.push(await capture(context, base, outDir, path, timeout));
    process.stdout.write(JSON.stringify({ width, pages: shots }) + "\n");
    return shots.some((s) => s.error) ? 1 : 0;
  } finally {
    if (context) await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(String(e && e.stack ? e.stack : e));
    process.exit(2);
  },
);
