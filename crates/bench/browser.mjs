// Browser timing for `cargo xtask bench`: the release build in dist/ served as a static host would,
// headless Chromium, and for each pair the time from the files being handed to the page (the first
// input `change` event) until the summary names both files, with the longest main-thread task
// (PerformanceObserver "longtask") in between. Prints one `key=value` line per pair, then one for
// scrolling: the frame rate while the 10,000-row list of changes of a generated pair scrolls.
//
// usage: node crates/bench/browser.mjs DIST FROM TO [FROM TO …]
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { serveStatic } from '../../e2e/support/server.mjs';
import { launch } from '../../e2e/support/browser.mjs';

const [dist, ...files] = process.argv.slice(2);
const server = await serveStatic(dist);
const context = await launch();
try {
  for (let i = 0; i + 1 < files.length; i += 2) {
    const [from, to] = [files[i], files[i + 1]];
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__bench = { start: 0, longest: 0, tasks: [] };
      document.addEventListener('change', () => { window.__bench.start ||= performance.now(); }, true);
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__bench.tasks.push([entry.startTime, entry.duration]);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(server.url);
    await page.locator('[data-testid="headline"]').waitFor();
    // Files by path, as a drop or the file picker hands them over: the browser makes the File. (Given
    // a buffer instead, Playwright rebuilds the file in the page from base64, a long task of its own
    // that no user's drop has.)
    await page.locator('[data-testid="from-input"]').setInputFiles(from);
    await page.locator('[data-testid="to-input"]').setInputFiles(to);
    const names = [basename(from), basename(to)];
    const end = await page.waitForFunction(
      ([a, b]) => {
        const text = document.querySelector('[data-testid="headline"]')?.textContent ?? '';
        return text.includes(a) && text.includes(b) ? performance.now() : null;
      },
      names,
      { polling: 'raf', timeout: 600_000 },
    );
    const finished = await end.jsonValue();
    const { start, tasks } = await page.evaluate(() => window.__bench);
    const longest = Math.max(0, ...tasks.filter(([at, d]) => at + d >= start && at <= finished).map(([, d]) => d));
    const bytes = readFileSync(from).length + readFileSync(to).length;
    console.log(`bytes=${bytes} seconds=${((finished - start) / 1000).toFixed(3)} longest_task_ms=${Math.round(longest)}`);
    await page.close();
  }
  console.log(await scrolling(10_000));
} finally {
  await context.close();
  await server.close();
}

/** Loads a pair whose comparison lists `rows` changes, then scrolls the list for 240 frames, six
 * rows a frame, and reports frames per second and the slowest frames. */
async function scrolling(rows) {
  const dir = mkdtempSync(join(tmpdir(), 'schemadrift-scroll-'));
  const table = (i, extra) => `CREATE TABLE public.t${String(i).padStart(5, '0')} (id integer, name text${extra});\n`;
  const from = join(dir, 'rows-from.sql');
  const to = join(dir, 'rows-to.sql');
  writeFileSync(from, Array.from({ length: rows }, (_, i) => table(i, '')).join(''));
  writeFileSync(to, Array.from({ length: rows }, (_, i) => table(i, ', note text')).join(''));
  const page = await context.newPage();
  try {
    await page.goto(server.url);
    await page.locator('[data-testid="headline"]').waitFor();
    await page.locator('[data-testid="from-input"]').setInputFiles(from);
    await page.locator('[data-testid="to-input"]').setInputFiles(to);
    await page.waitForFunction((n) => document.querySelector('[data-testid="shown-count"]')?.textContent === `${n} changes`, rows, { timeout: 120_000 });
    const frames = await page.evaluate(async () => {
      const box = document.querySelector('[data-testid="changes-scroll"]');
      const times = [];
      await new Promise((resolve) => {
        const step = (now) => {
          times.push(now);
          box.scrollTop += 240;
          if (times.length < 240) requestAnimationFrame(step); else resolve();
        };
        requestAnimationFrame(step);
      });
      return times.slice(1).map((t, i) => t - times[i]);
    });
    const seconds = frames.reduce((a, b) => a + b, 0) / 1000;
    const sorted = [...frames].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)];
    const inPage = await page.locator('[data-testid="change-row"]').count();
    return `scroll_rows=${rows} fps=${(frames.length / seconds).toFixed(1)} p95_frame_ms=${p95.toFixed(1)} slowest_frame_ms=${sorted.at(-1).toFixed(1)} rows_in_page=${inPage}`;
  } finally {
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
