// End-to-end tests of the release plan: risk matrix and cards, compatibility, migration script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { useApp, byTestId } from './support/suite.mjs';
import { openPage, projectRoot, screenshotDir } from './support/browser.mjs';

const app = useApp();

test('the risk matrix counts risks by area and level, and a cell filters the cards', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  // Change rows show their risk level: the demo drops a table with its rows.
  assert.ok((await byTestId(page, 'change-risk').allTextContents()).includes('high'));

  await byTestId(page, 'tab-risks').click();
  await byTestId(page, 'risk-matrix').waitFor();
  const cards = await byTestId(page, 'risk-card').count();
  const counts = (await byTestId(page, 'risk-cell').allTextContents()).map(Number);
  assert.equal(counts.reduce((a, b) => a + b, 0), cards, 'the matrix counts every card once');
  assert.match(await byTestId(page, 'tab-risks').textContent(), new RegExp(`Risks ${cards}`));

  const high = byTestId(page, 'risk-cell').and(page.locator('[data-level="high"]:not([disabled])')).first();
  const area = await high.getAttribute('data-area');
  const n = Number(await high.textContent());
  await high.click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="risk-card"]').length === n, n);
  assert.match(page.url(), new RegExp(`risk=${area}%3Ahigh`));
  for (const text of await byTestId(page, 'risk-card').allTextContents()) assert.match(text, /^high/);
  await page.screenshot({ path: join(screenshotDir, 'risks.png'), fullPage: true });
  await byTestId(page, 'clear-risk-filter').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="risk-card"]').length === n, cards);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a risk card links to its change and to its statements', async () => {
  const { page, problems } = await openPage(app.context, `${app.server.url}?tab=risks`);
  await byTestId(page, 'risk-card').first().waitFor();
  const card = () => byTestId(page, 'risk-card').filter({ hasText: 'estimate_hours' }).first();
  await card().locator('[data-testid="risk-sql"]').click();
  await byTestId(page, 'migration').waitFor();
  const marked = page.locator('[data-testid="script-step"].marked');
  assert.ok((await marked.count()) >= 1, 'the change\'s statements are marked');
  assert.match(await marked.first().textContent(), /estimate_hours/);
  await byTestId(page, 'tab-risks').click();
  await card().locator('[data-testid="risk-change"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="change-row"]').length === 1);
  assert.equal(await byTestId(page, 'tab-all').getAttribute('aria-selected'), 'true');
  assert.match(await byTestId(page, 'change-row').textContent(), /public\.tasks\.estimate_hours/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the compatibility tab says which goes first, the migration or the deploy', async () => {
  const { page, problems } = await openPage(app.context, `${app.server.url}?tab=compatibility`);
  await byTestId(page, 'deploy-order').waitFor();
  assert.match(await byTestId(page, 'deploy-order').textContent(), /phases 1–3|migration|deploy/i);
  assert.ok((await byTestId(page, 'compat-row').count()) > 5);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the migration script appears phase by phase, marks a change\'s statements and downloads', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  await byTestId(page, 'change-row').filter({ hasText: 'public.tasks.estimate_hours' }).locator('[data-testid="show-sql"]').click();
  await byTestId(page, 'migration').waitFor();
  assert.equal(await byTestId(page, 'tab-migration').getAttribute('aria-selected'), 'true');
  assert.ok((await byTestId(page, 'script-phase').count()) >= 4);
  const marked = page.locator('[data-testid="script-step"].marked');
  assert.equal(await marked.count(), 1);
  assert.match(await marked.textContent(), /ALTER TABLE public\.tasks ALTER COLUMN estimate_hours TYPE double precision/);
  assert.match(page.url(), /tab=migration&change=column%20public\.tasks\.estimate_hours/);
  await page.screenshot({ path: join(screenshotDir, 'migration.png'), fullPage: true });

  // *SQL* brought the marked statement into view.
  await page.waitForFunction(() => {
    const box = document.querySelector('[data-testid="script-step"].marked')?.getBoundingClientRect();
    return box && box.top >= 0 && box.bottom <= window.innerHeight;
  }, null, { timeout: 3000 });
  // Each statement is marked with its risk; the phases have an index; long lines wrap.
  assert.match(await page.locator('.script .risk-line.high').first().textContent(), /^-- risk high: /);
  assert.ok((await byTestId(page, 'phase-index').locator('a').count()) >= 4);
  const sideways = await page.evaluate(() => { const s = document.querySelector('[data-testid="script"]'); return s.scrollWidth - s.clientWidth; });
  assert.ok(sideways <= 1, `the script scrolls sideways by ${sideways} px`);

  const [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'download-migration').click()]);
  assert.equal(download.suggestedFilename(), 'fieldbook_production-to-fieldbook_staging-migration.sql');
  const script = readFileSync(await download.path(), 'utf8');
  // The script on screen is the script downloaded (and copied), byte for byte.
  const onScreen = (await page.locator('[data-testid="migration"] [data-testid="script"] .script-piece').allTextContents()).join('');
  assert.equal(onScreen, script);
  assert.match(script, /^-- Migration fieldbook_production\.sql → fieldbook_staging\.sql/);
  assert.match(script, /CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_is_test_account/);
  const [rollback] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'download-rollback').click()]);
  assert.match(readFileSync(await rollback.path(), 'utf8'), /CANNOT BE UNDONE/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('secrets in a dump are flagged by line and kind, and left out of the script and downloads', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  const from = 'CREATE TABLE public.t (id integer PRIMARY KEY);\n';
  const to = "CREATE TABLE public.t (id integer PRIMARY KEY, dsn text DEFAULT 'postgresql://app:Sup3rSecret@db/app');\n";
  await byTestId(page, 'from-input').setInputFiles({ name: 'a.sql', mimeType: 'text/plain', buffer: Buffer.from(from) });
  await byTestId(page, 'to-input').setInputFiles({ name: 'b.sql', mimeType: 'text/plain', buffer: Buffer.from(to) });
  await byTestId(page, 'to-secrets').waitFor();
  assert.match(await byTestId(page, 'to-secrets').textContent(), /1 secret in this dump.*line 1 URL credentials/s);
  assert.doesNotMatch(await byTestId(page, 'to-secrets').textContent(), /Sup3rSecret/);

  await byTestId(page, 'tab-migration').click();
  await byTestId(page, 'secrets-redacted').waitFor();
  assert.doesNotMatch(await byTestId(page, 'migration').textContent(), /Sup3rSecret/);
  // The script never applies a placeholder: it takes the secret from a psql variable it names.
  assert.match(await byTestId(page, 'script-secrets').textContent(), /psql -v ON_ERROR_STOP=1 -v secret_1='…'/);
  const script = await byTestId(page, 'script-phase').textContent();
  assert.match(script, /'postgresql:\/\/app:' \|\| :'secret_1' \|\| '@db\/app'/);
  assert.doesNotMatch(script, /Sup3rSecret|\[REDACTED\]/);
  const [redacted] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'download-migration').click()]);
  const downloaded = readFileSync(await redacted.path(), 'utf8');
  assert.doesNotMatch(downloaded, /Sup3rSecret|\[REDACTED\]/);
  assert.match(downloaded, /:'secret_1'/);
  await byTestId(page, 'keep-secrets').check();
  const [kept] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'download-migration').click()]);
  assert.match(readFileSync(await kept.path(), 'utf8'), /Sup3rSecret/, 'kept when the user asks for it');
  assert.deepEqual(problems, []);
  await page.close();
});

test('?from=URL&to=URL loads the two dumps, keeps the link, and a failed download says why', async () => {
  const { copyFileSync, rmSync } = await import('node:fs');
  const dist = join(projectRoot, 'dist');
  copyFileSync(join(projectRoot, 'demo', 'fieldbook_production.sql'), join(dist, 'e2e-from.sql'));
  copyFileSync(join(projectRoot, 'demo', 'fieldbook_staging.sql'), join(dist, 'e2e-to.sql'));
  try {
    const { page, problems } = await openPage(app.context, `${app.server.url}?from=e2e-from.sql&to=e2e-to.sql&tab=risks`);
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.waitForFunction(() => document.querySelector('[data-testid="to-file-name"]')?.textContent === 'e2e-to.sql');
    assert.equal(await byTestId(page, 'from-file-name').textContent(), 'e2e-from.sql');
    await byTestId(page, 'risk-matrix').waitFor();
    await byTestId(page, 'tab-migration').click();
    assert.match(page.url(), /\?from=e2e-from\.sql&to=e2e-to\.sql&tab=migration$/, 'the link keeps its dumps');
    // A reload loads them again: the only requests besides the app's own files.
    requests.length = 0;
    await page.reload();
    await page.waitForFunction(() => document.querySelector('[data-testid="to-file-name"]')?.textContent === 'e2e-to.sql');
    const origin = new URL(app.server.url).origin;
    assert.ok(requests.every((url) => url.startsWith(origin)), `requests left the page's origin: ${requests}`);
    assert.equal(requests.filter((url) => url.endsWith('.sql')).length, 2);
    assert.deepEqual(problems, []);
    await page.close();

    const failing = await openPage(app.context, `${app.server.url}?from=e2e-from.sql&to=missing.sql`);
    const alert = failing.page.locator('[data-side="to"] [role="alert"]');
    await alert.waitFor();
    assert.match(await alert.textContent(), /missing\.sql.*HTTP 404/s);
    await failing.page.waitForFunction(() => document.querySelector('[data-testid="from-file-name"]')?.textContent === 'e2e-from.sql');
    await failing.page.close();
  } finally {
    rmSync(join(dist, 'e2e-from.sql'), { force: true });
    rmSync(join(dist, 'e2e-to.sql'), { force: true });
  }
});

test('a ?from= download larger than the limit stops at the limit and says so; the other side stays loaded', async () => {
  const { createServer } = await import('node:http');
  const { copyFileSync, rmSync } = await import('node:fs');
  const dist = join(projectRoot, 'dist');
  copyFileSync(join(projectRoot, 'demo', 'fieldbook_production.sql'), join(dist, 'e2e-limit-from.sql'));
  // Another origin that allows the page to read it: one file without end, one that says it is huge.
  let sent = 0;
  const server = createServer((req, res) => {
    const headers = { 'access-control-allow-origin': '*', 'content-type': 'text/plain' };
    if (req.url.startsWith('/huge.sql')) {
      res.writeHead(200, { ...headers, 'content-length': String(300 << 20) });
      res.write('-- the rest never comes\n');
      return;
    }
    res.writeHead(200, headers);
    const piece = Buffer.alloc(1 << 20, 0x20);
    const more = () => {
      while (!res.destroyed && res.write(piece)) sent += piece.length;
      if (!res.destroyed) res.once('drain', more);
    };
    res.on('close', () => res.destroy());
    more();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const other = `http://127.0.0.1:${server.address().port}`;
  try {
    for (const [file, message] of [
      ['endless.sql', /endless\.sql: the download holds more \(stopped at the limit\), more than the 256 MB this reads/],
      ['huge.sql', /huge\.sql: the server says the file is 300 MB, more than the 256 MB this reads/],
    ]) {
      const { page, problems } = await openPage(app.context, `${app.server.url}?from=e2e-limit-from.sql&to=${encodeURIComponent(`${other}/${file}`)}`);
      const alert = page.locator('[data-side="to"] [role="alert"]');
      await alert.waitFor({ timeout: 120_000 });
      assert.match(await alert.textContent(), message);
      await page.waitForFunction(() => document.querySelector('[data-testid="from-file-name"]')?.textContent === 'e2e-limit-from.sql');
      assert.deepEqual(problems, []);
      await page.close();
    }
    assert.ok(sent < (300 << 20), `the page stopped reading near the limit (${sent >> 20} MB sent)`);
  } finally {
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
    rmSync(join(dist, 'e2e-limit-from.sql'), { force: true });
  }
});

test('risk reads the list: the summary counts changes by risk, each count filters the list, and Risk sorts', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  const counts = await byTestId(page, 'risk-counts').textContent();
  const high = Number(counts.match(/(\d+) high/)[1]);
  assert.ok(high >= 1, counts);
  await byTestId(page, 'summary-risk-high').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="change-row"]').length === n, high);
  assert.match(page.url(), /risk-level=high/);
  for (const level of await byTestId(page, 'change-risk').allTextContents()) assert.equal(level, 'high');
  // The filter is also a control of its own.
  await byTestId(page, 'risk-filter').selectOption('medium');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="change-risk"]')].every((r) => r.textContent === 'medium'));
  assert.match(page.url(), /risk-level=medium/);
  await byTestId(page, 'risk-filter').selectOption('');
  // Sorted by risk: the most severe first.
  await byTestId(page, 'sort-risk').click();
  assert.match(page.url(), /sort=risk/);
  const order = { high: 3, medium: 2, low: 1, '': 0 };
  const levels = await page.evaluate(() => [...document.querySelectorAll('[data-testid="change-row"]')].map((row) => row.querySelector('[data-testid="change-risk"]')?.textContent.trim() ?? ''));
  const ranks = levels.map((l) => order[l]);
  assert.deepEqual(ranks, [...ranks].sort((a, b) => b - a), `rows by risk: ${levels.join(', ')}`);
  assert.equal(levels[0], 'high');
  assert.deepEqual(problems, []);
  await page.close();
});
