// Load pages of a served site in headless Chromium and report, per page, whatever a
// reader would see broken: math left raw or blank, math errors, math drawn smaller than
// its natural size, derivation titles with Markdown markup inside, code listings that
// run off their box, JavaScript errors, console errors, requests to anything but the
// served origin, failed requests; and, for the caller to judge, the page's height and
// the text of every derivation's title and justifications as drawn.
//
// Usage: node check_site.mjs <base-url> <page> [<page> ...]
//   <page> is a path relative to <base-url>, e.g. "index.html" or "calculus/index.html".
// Environment: CHROMIUM (default /usr/bin/chromium), CHECK_CONCURRENCY (default 3),
//   CHECK_TIMEOUT_MS (per page, default 30000).
// Prints one JSON object on stdout: {"chromium": version, "unattributed": [url, ...],
//   "pages": [report, ...]}; "unattributed" lists outside requests no page issued
//   directly (e.g. from a worker).
// Exit status 0 when the report was produced (findings included); 2 on a usage or
// launch error. Judging the findings is the caller's job.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// Hidden content (inactive tabs, closed <details>) has no layout, so its math would
// measure as blank; it is revealed before measuring.
const REVEAL_CSS = `
  .tabbed-set > .tabbed-content > .tabbed-block, .tabbed-block { display: block !important; }
`;

// Runs inside the page once MathJax has finished: measures every piece of math.
function inspectMath() {
  // TeX delimiters, or $...$ around something only TeX would write (a macro, ^ or _).
  const RAW_TEX = /\\\(|\\\[|\$\$|\\begin\{|\$[^$\n]*(\\[a-zA-Z]+|[\^_])[^$\n]*\$/;
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const brief = (s) => s.replace(/\s+/g, " ").trim().slice(0, 120);
  // The TeX source of each typeset formula, to name it in a finding.
  const source = new Map();
  try {
    for (const item of window.MathJax.startup.document.math) source.set(item.typesetRoot, item.math);
  } catch {
    // No MathJax document: every formula is reported by its HTML instead.
  }
  const texOf = (el) => brief(source.get(el.closest("mjx-container")) || "");
  const containers = [...document.querySelectorAll("mjx-container")];
  const blank = [];
  let rendered = 0;
  for (const c of containers) {
    const svg = c.querySelector("svg");
    const marks = svg ? [...svg.querySelectorAll("use, path, rect, line, polygon, text")] : [];
    const dangling = marks.filter((m) => {
      if (m.tagName.toLowerCase() !== "use") return false;
      const ref = m.getAttribute("href") || m.getAttribute("xlink:href") || "";
      return !ref.startsWith("#") || document.getElementById(ref.slice(1)) === null;
    }).length;
    const drawn = marks.filter(visible).length;
    if (svg && visible(c) && drawn > 0 && dangling === 0) {
      rendered += 1;
    } else {
      const tex = texOf(c);
      blank.push({
        reason: !svg ? "no svg" : !visible(c) ? "zero-size container" : dangling ? `${dangling} glyph(s) refer to missing definitions` : "no glyph drawn",
        html: brief(c.outerHTML),
        tex,
      });
    }
  }
  const unrendered = [...document.querySelectorAll(".arithmatex")]
    .filter((el) => !el.querySelector("mjx-container"))
    .map((el) => brief(el.textContent));
  const errorSelector = "mjx-merror, [data-mjx-error], [data-mml-node='merror']";
  // Count each error once: not again for a nested node, nor for the hidden MathML copy
  // kept for screen readers.
  const outermost = (el) =>
    !el.closest("mjx-assistive-mml") && (!el.parentElement || el.parentElement.closest(errorSelector) === null);
  const errors = [...document.querySelectorAll(errorSelector)].filter(outermost).map((el) => {
    const message = brief(el.getAttribute("data-mjx-error") || el.textContent || el.outerHTML);
    const tex = texOf(el);
    return tex ? `${message}, in ${tex}` : message;
  });
  // Raw TeX delimiters left in visible prose (code listings may legitimately hold them).
  const raw = [];
  const skip = "pre, code, script, style, textarea, noscript, mjx-container, svg, .arithmatex";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.nodeValue;
    if (!RAW_TEX.test(text)) continue;
    const parent = n.parentElement;
    if (!parent || parent.closest(skip) || parent.getClientRects().length === 0) continue;
    raw.push(brief(text));
  }
  // Sizes of formulas and listings, and the text of derivations (nested: page.evaluate
  // sends one function).
  function inspectLayout() {
    const shown = (el) => el.getClientRects().length > 0;
    // MathJax writes an SVG's natural size in ex of the surrounding font; measure that ex
    // with a probe inside the formula's container, so it inherits the same font.
    const exPixels = (container) => {
      const probe = document.createElement("span");
      probe.style.cssText = "display:inline-block;position:absolute;visibility:hidden;width:100ex;height:0;padding:0;border:0";
      container.appendChild(probe);
      const px = probe.getBoundingClientRect().width / 100;
      probe.remove();
      return px;
    };
    const small = [];
    let measured = 0;
    for (const c of document.querySelectorAll("mjx-container")) {
      const svg = c.querySelector(":scope > svg");
      if (!svg || !shown(c)) continue;
      const w = svg.getAttribute("width") || "";
      const h = svg.getAttribute("height") || "";
      if (!w.endsWith("ex") || !h.endsWith("ex")) continue;
      const ex = exPixels(c);
      const natural = { width: parseFloat(w) * ex, height: parseFloat(h) * ex };
      const r = svg.getBoundingClientRect();
      if (!(natural.width > 0 && natural.height > 0)) continue;
      measured += 1;
      const scale = Math.min(r.width / natural.width, r.height / natural.height);
      if (scale < 0.9) {
        small.push({
          scale: Math.round(scale * 1000) / 1000,
          width: Math.round(r.width),
          naturalWidth: Math.round(natural.width),
          display: c.getAttribute("display") === "true",
          tex: texOf(c) || brief(c.textContent),
        });
      }
    }

    // A derivation is printed as a paragraph "<strong>title</strong> — <em>✓ proven</em>"
    // followed by its display math; each row of the chain's aligned table is one step,
    // its justification in the last column.
    const MARK = /^✓ (proven|checked)$/;
    const drawnText = (node) => {
      // Text as drawn: a formula counts by its MathML copy (what MathJax parsed).
      if (node.nodeType === Node.TEXT_NODE) return node.nodeValue;
      if (node.nodeType !== Node.ELEMENT_NODE) return "";
      const el = node;
      if (el.tagName.toLowerCase() === "mjx-container") {
        const mml = el.querySelector("mjx-assistive-mml");
        return mml ? mml.textContent : "";
      }
      return [...el.childNodes].map(drawnText).join("");
    };
    const derivations = [];
    // Each derivation is preceded by a hidden div holding its title and justifications as
    // written (in the page's language); a derivation without one is found by its mark.
    const sourceOf = (p) => {
      // Inside a folded block the marker is parsed as inline HTML: the browser closes the
      // paragraph around it, leaving empty paragraphs between it and the title.
      let marker = p.previousElementSibling;
      while (marker && marker.matches("p") && !marker.textContent.trim() && !marker.children.length) {
        marker = marker.previousElementSibling;
      }
      if (!marker || !marker.matches("div.derivation-source")) return null;
      try {
        const bytes = Uint8Array.from(atob(marker.dataset.source || ""), (c) => c.charCodeAt(0));
        return JSON.parse(new TextDecoder().decode(bytes) || "null");
      } catch {
        return null;
      }
    };
    for (const p of document.querySelectorAll("p")) {
      const first = p.firstElementChild;
      const last = p.lastElementChild;
      if (!first || !last || first === last || first.tagName !== "STRONG" || last.tagName !== "EM") continue;
      const written = sourceOf(p);
      if ((!written && !MARK.test(last.textContent.trim())) || p.firstChild !== first) continue;
      const markup = [...first.querySelectorAll("*")]
        .filter((el) => !el.closest("mjx-container, .arithmatex"))
        .map((el) => el.tagName.toLowerCase());
      const block = p.nextElementSibling;
      const math = block && block.matches("div.arithmatex") ? block.querySelector("mjx-assistive-mml") : null;
      const aligned = math
        ? [...math.querySelectorAll("mtable")].find((t) => (t.getAttribute("columnalign") || "").startsWith("right left"))
        : null;
      const rows = aligned
        ? [...aligned.children].filter((r) => r.tagName.toLowerCase() === "mtr").map((r) => [...r.children].map((d) => d.textContent))
        : [];
      const titleTex = [...first.querySelectorAll("mjx-container")].map((c) => source.get(c) || "");
      const tex = math ? source.get(block.querySelector("mjx-container")) || "" : "";
      derivations.push({ title: drawnText(first), titleTex, markup, rows, tex, written });
    }

    // A listing wider than its box must scroll inside it (a scrollbar), never run off.
    const column = document.querySelector(".md-content__inner") || document.body;
    const right = column.getBoundingClientRect().right;
    const listings = [];
    let codeBlocks = 0;
    const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
    for (const pre of document.querySelectorAll("pre")) {
      if (!shown(pre) || pre.closest("mjx-container")) continue;
      codeBlocks += 1;
      // The box that holds the lines: the theme's block <code>, else the <pre> itself.
      const inner = pre.querySelector(":scope > code");
      const code = inner && !getComputedStyle(inner).display.startsWith("inline") ? inner : pre;
      const text = brief(pre.textContent).slice(0, 60);
      const edge = pre.getBoundingClientRect().right;
      if (edge > right + 1) {
        listings.push(`${Math.round(edge - right)} px past the right edge of the text column: ${text}`);
      } else if (code.scrollWidth > code.clientWidth + 1 && !scrolls(code) && !(code !== pre && scrolls(pre))) {
        listings.push(`${code.scrollWidth - code.clientWidth} px wider than its box, without a scrollbar: ${text}`);
      }
    }
    return { measured, small, derivations, listings, codeBlocks };
  }
  return { containers: containers.length, rendered, blank, unrendered, errors, raw, ...inspectLayout() };
}

export async function settleMath(page) {
  // MathJax's startup promise resolves after the first typeset; a later typeset call
  // chains onto it, so wait for the network to go quiet and then wait once more.
  const waitMathJax = () =>
    page.evaluate(async () => {
      const mj = window.MathJax;
      if (mj && mj.startup && mj.startup.promise) await mj.startup.promise;
      return Boolean(mj && mj.version);
    });
  await waitMathJax();
  await page.waitForLoadState("networkidle").catch(() => {});
  const loaded = await waitMathJax();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return loaded;
}

// The fonts Chromium drew the first paragraph with Chinese text in, with their glyph
// counts (DevTools' CSS.getPlatformFontsForNode): a page whose Chinese is drawn with no CJK
// font shows empty boxes, and this is how a test can tell.
async function cjkFonts(page) {
  const found = await page.evaluate(() => {
    const el = [...document.querySelectorAll(".md-content p, .md-content h1, .md-content h2")].find((e) =>
      /[\u4e00-\u9fff]/.test(e.textContent),
    );
    if (!el) return false;
    el.setAttribute("data-cjk-probe", "");
    return true;
  });
  if (!found) return null;
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument", { depth: 0 });
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector: "[data-cjk-probe]" });
    const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
    return fonts.map((f) => ({ family: f.familyName, glyphs: f.glyphCount }));
  } finally {
    await cdp.detach();
  }
}

async function checkPage(context, base, path, timeout) {
  const url = new URL(path, base).href;
  const report = {
    page: path,
    url,
    mathjax: false,
    math: null,
    height: null,
    cjkFonts: null,
    jsErrors: [],
    consoleErrors: [],
    external: [],
    failedRequests: [],
    loadError: null,
    seconds: 0,
  };
  const started = Date.now();
  const page = await context.newPage();
  page.on("pageerror", (e) => report.jsErrors.push(String(e && e.stack ? e.stack : e).slice(0, 500)));
  page.on("console", (m) => {
    if (m.type() === "error") report.consoleErrors.push(m.text().slice(0, 500));
  });
  const failed = new Set(); // one entry per URL: a 404 is also reported as an aborted request
  page.on("response", (r) => {
    if (r.status() >= 400 && !failed.has(r.url())) {
      failed.add(r.url());
      report.failedRequests.push(`${r.status()} ${r.url()}`);
    }
  });
  page.on("requestfailed", (r) => {
    if (failed.has(r.url()) || report.external.includes(r.url())) return;
    failed.add(r.url());
    report.failedRequests.push(`${r.failure() ? r.failure().errorText : "failed"} ${r.url()}`);
  });
  page.__report = report;
  try {
    const response = await page.goto(url, { waitUntil: "load", timeout });
    if (!response || !response.ok()) report.loadError = `HTTP ${response ? response.status() : "no response"}`;
    report.mathjax = await settleMath(page);
    if (/^zh(\/|$)/.test(path)) report.cjkFonts = await cjkFonts(page);
    // The height a reader scrolls through: folded blocks and inactive tabs closed.
    report.height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
    await page.addStyleTag({ content: REVEAL_CSS });
    report.math = await page.evaluate(inspectMath);
  } catch (e) {
    report.loadError = String(e).slice(0, 500);
  } finally {
    await page.close();
    report.seconds = (Date.now() - started) / 1000;
  }
  return report;
}

// The report of the page that issued a request (requests from workers have no frame).
function ownerReport(req) {
  try {
    return req.frame().page().__report || null;
  } catch {
    return null;
  }
}

async function pool(items, size, work) {
  const out = new Array(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  });
  await Promise.all(runners);
  return out;
}

async function main(argv) {
  if (argv.length < 2) {
    console.error("usage: node check_site.mjs <base-url> <page> [<page> ...]");
    return 2;
  }
  const [base, ...pages] = argv;
  const origin = new URL(base).origin;
  const concurrency = Number(process.env.CHECK_CONCURRENCY || 3);
  const timeout = Number(process.env.CHECK_TIMEOUT_MS || 30000);
  const profile = mkdtempSync(join(tmpdir(), "refalgo-chromium-"));
  const unattributed = [];
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
      serviceWorkers: "block",
    });
    // Anything not on the served origin is recorded against the page and never fetched.
    await context.route("**/*", (route) => {
      const req = route.request();
      const u = req.url();
      if (u.startsWith("data:") || u.startsWith("blob:") || new URL(u).origin === origin) return route.continue();
      const owner = ownerReport(req);
      const list = owner ? owner.external : unattributed;
      if (!list.includes(u)) list.push(u);
      return route.abort("blockedbyclient");
    });
    const version = context.browser() ? context.browser().version() : "";
    const reports = await pool(pages, concurrency, (p) => checkPage(context, base, p, timeout));
    process.stdout.write(JSON.stringify({ chromium: version, unattributed, pages: reports }) + "\n");
    return 0;
  } finally {
    if (context) await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

// Run when executed, not when imported (screenshots.mjs shares the launch flags and the wait).
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(String(e && e.stack ? e.stack : e));
      process.exit(2);
    },
  );
}
