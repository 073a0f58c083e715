// Browser timing for `cargo xtask bench`: the release build in dist/ served as a static host would,
// headless Chromium, and for each pair the time from the files being handed to the page (the first
// input `change` event) until the summary names both files, with the longest main-thread task
// (PerformanceObserver "longtask") in between. Prints one `key=value` line per pair.
//
// usage: node crates/bench/browser.mjs DIST FROM TO [FROM TO …]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
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
    const payload = (path) => ({ name: basename(path), mimeType: 'text/plain', buffer: readFileSync(path) });
    await page.locator('[data-testid="from-input"]').setInputFiles(payload(from));
    await page.locator('[data-testid="to-input"]').setInputFiles(payload(to));
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
} finally {
  await context.close();
  await server.close();
}
