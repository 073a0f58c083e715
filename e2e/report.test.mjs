// End-to-end tests of the reports: the app served under a sub-path loads two dumps from
// ?from=&to=, shows the report tab, and every export downloads with the right content; the HTML
// export reads with JavaScript off; the page's Content-Security-Policy blocks everything else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { serveStatic } from './support/server.mjs';
import { launch, openPage, projectRoot, screenshotDir } from './support/browser.mjs';
import { byTestId } from './support/suite.mjs';

const dist = join(projectRoot, 'dist');
const dumps = { from: 'fieldbook_production.sql', to: 'fieldbook_staging.sql' };
const app = {};

before(async () => {
  copyFileSync(join(projectRoot, 'demo', dumps.from), join(dist, 'e2e-report-from.sql'));
  copyFileSync(join(projectRoot, 'demo', dumps.to), join(dist, 'e2e-report-to.sql'));
  // A project page on a static host lives under a sub-path.
  app.server = await serveStatic(dist, '/repo-name/');
  app.context = await launch();
});

after(async () => {
  await app.context?.close();
  await app.server?.close();
  rmSync(join(dist, 'e2e-report-from.sql'), { force: true });
  rmSync(join(dist, 'e2e-report-to.sql'), { force: true });
});

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function download(page, testId) {
  const [file] = await Promise.all([page.waitForEvent('download'), byTestId(page, testId).click()]);
  return { name: file.suggestedFilename(), path: await file.path(), text: readFileSync(await file.path(), 'utf8') };
}

test('dumps linked by ?from=&to= under a sub-path give a report whose every export downloads', async () => {
  const requests = [];
  app.context.on('request', (request) => requests.push(request.url()));
  const { page, problems } = await openPage(
    app.context,
    `${app.server.url}?from=e2e-report-from.sql&to=e2e-report-to.sql&tab=report`,
  );
  await byTestId(page, 'report').waitFor();
  const hashes = [sha256(join(dist, 'e2e-report-from.sql')), sha256(join(dist, 'e2e-report-to.sql'))];
  assert.equal(await byTestId(page, 'sha256-from').textContent(), hashes[0]);
  assert.equal(await byTestId(page, 'sha256-to').textContent(), hashes[1]);
  assert.ok((await byTestId(page, 'orm-table').count()) >= 3, 'ORM lines for new and changed tables');
  assert.match(await byTestId(page, 'orm-drizzle').first().textContent(), /pgTable\('/);
  assert.match(await byTestId(page, 'orm-prisma').first().textContent(), /^model /);
  await page.screenshot({ path: join(screenshotDir, 'report.png'), fullPage: true });

  const stem = 'e2e-report-from-to-e2e-report-to';
  const markdown = await download(page, 'export-markdown');
  assert.equal(markdown.name, `${stem}-report.md`);
  assert.match(markdown.text, /^# Schema comparison: e2e-report-from\.sql → e2e-report-to\.sql/);
  for (const heading of ['## 1. Schema differences summary', '## 4. New tables', '## 5. Index comparison', '## 8. Risk assessment', '### 9.2 Migration script', '### 9.3 ORM schema changes', '### 9.4 Testing strategy', '## Appendix']) {
    assert.ok(markdown.text.includes(heading), `${heading} missing from the Markdown`);
  }
  assert.ok(markdown.text.includes(`| SHA-256 | \`${hashes[0]}\` | \`${hashes[1]}\` |`), 'the Markdown names the inputs by hash');

  const json = await download(page, 'export-json');
  assert.equal(json.name, `${stem}-report.json`);
  const model = JSON.parse(json.text);
  assert.equal(model.tool, 'schemadrift');
  assert.deepEqual(model.inputs.map((i) => i.sha256), hashes);
  assert.ok(model.inventory.only_in_to.length >= 1 && model.migration.phases.length >= 1);

  const migration = await download(page, 'export-migration');
  assert.equal(migration.name, `${stem}-migration.sql`);
  assert.match(migration.text, /^-- Migration e2e-report-from\.sql → e2e-report-to\.sql/);
  assert.match(migration.text, /CREATE INDEX CONCURRENTLY/);
  const rollback = await download(page, 'export-rollback');
  assert.match(rollback.text, /^-- Rollback of e2e-report-from\.sql → e2e-report-to\.sql/);

  const html = await download(page, 'export-html');
  assert.equal(html.name, `${stem}-report.html`);
  assert.match(html.text, /^<!DOCTYPE html>/);
  assert.doesNotMatch(html.text, /<script/);

  // Besides the app's own files, the page requested the two dumps and nothing else.
  const appFiles = /\/repo-name\/(|index\.html|[\w-]+\.(js|wasm|css|svg))(\?.*)?$/;
  const others = requests.filter((url) => !appFiles.test(new URL(url).pathname + new URL(url).search) || !url.startsWith(app.server.url));
  assert.deepEqual(others.map((url) => new URL(url).pathname).sort(), ['/repo-name/e2e-report-from.sql', '/repo-name/e2e-report-to.sql']);
  assert.deepEqual(problems, []);
  await page.close();

  // The HTML export with JavaScript off: every table and the script are there.
  const noScript = await launch({ javaScriptEnabled: false });
  try {
    const viewer = await noScript.newPage();
    const viewed = [];
    viewer.on('request', (request) => viewed.push(request.url()));
    // Saved under its own name, as a user saves it (the browser decides the type by extension).
    const saved = join(screenshotDir, html.name);
    copyFileSync(html.path, saved);
    await viewer.goto(`file://${saved}`);
    assert.ok((await viewer.locator('table').count()) >= 10, 'tables are rendered');
    assert.match(await viewer.locator('#risk-matrix + table').textContent(), /Area.*High.*Medium.*Low/s);
    assert.match(await viewer.locator('#script + pre').textContent(), /CREATE INDEX CONCURRENTLY/);
    assert.match(await viewer.locator('#new-tables').textContent(), /New tables/);
    assert.equal(viewed.length, 1, `the HTML export loads nothing: ${viewed}`);
    await viewer.screenshot({ path: join(screenshotDir, 'report-export.png') });
  } finally {
    await noScript.close();
  }
});

test('the Content-Security-Policy blocks injected scripts and requests to other hosts', async () => {
  const { page } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  const violations = await page.evaluate(async () => {
    const seen = [];
    document.addEventListener('securitypolicyviolation', (event) => seen.push(event.effectiveDirective));
    const script = document.createElement('script');
    script.textContent = 'window.injected = true;';
    document.body.append(script);
    const image = document.createElement('img');
    image.src = 'http://127.0.0.1:9/tracker.png';
    document.body.append(image);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { seen, injected: window.injected === true };
  });
  assert.equal(violations.injected, false, 'an injected inline script does not run');
  assert.ok(violations.seen.includes('script-src-elem'), `violations: ${violations.seen}`);
  assert.ok(violations.seen.includes('img-src'), `violations: ${violations.seen}`);
  await page.close();
});
