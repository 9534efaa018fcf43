// Type queries into the site's search box, as a reader would, and report the results.
//
// Usage: node search_site.mjs <base-url> <page> <query> [<query> ...]
//   <page> is the page to search from (e.g. "zh/index.html": its language's index).
// Prints one JSON object: {"results": {"<query>": ["<result href>", ...]}}.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "./check_site.mjs";

async function main([base, start, ...queries]) {
  if (!base || !start || !queries.length) {
    console.error("usage: node search_site.mjs <base-url> <page> <query> [<query> ...]");
    return 2;
  }
  const profile = mkdtempSync(join(tmpdir(), "refalgo-search-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    await page.goto(new URL(start, base).href, { waitUntil: "load", timeout: 60000 });
    const results = {};
    for (const query of queries) {
      await page.click("label.md-search__icon, .md-search__input", { timeout: 10000 }).catch(() => {});
      await page.fill("input.md-search__input", "");
      await page.focus("input.md-search__input");
      await page.keyboard.type(query, { delay: 20 });
      // Chinese is typed as inserted text, without key events; the search box reacts to key-up.
      await page.keyboard.press("End");
      // The search worker answers asynchronously: wait for its result list to settle.
      await page
        .waitForFunction(() => document.querySelectorAll(".md-search-result__item").length > 0, null, { timeout: 30000 })
        .catch(() => {});
      await page.waitForTimeout(300);
      results[query] = await page.evaluate(() =>
        [...document.querySelectorAll(".md-search-result__item a")].map((a) => new URL(a.href).pathname),
      );
      if (process.env.SEARCH_DEBUG) console.error(await page.evaluate(() => document.querySelector(".md-search-result")?.outerHTML.slice(0, 800)));
    }
    process.stdout.write(JSON.stringify({ results }) + "\n");
    return 0;
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
