// End-to-end tests of the release build in dist/, as a person uses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { useApp, byTestId } from './support/suite.mjs';
import { largePair } from './support/large.mjs';
import { openPage, projectRoot, screenshotDir } from './support/browser.mjs';

const app = useApp();

const SMALL_DUMP = [
  '--',
  '-- PostgreSQL database dump',
  '--',
  '-- Dumped by pg_dump version 16.2',
  '',
  'CREATE TABLE public.a (id integer);',
  'CREATE TABLE public.b (id integer);',
  "COMMENT ON TABLE public.a IS 'semicolon; inside';",
  '',
].join('\n');

test('a first visit shows the demo comparison', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await assert.doesNotReject(byTestId(page, 'headline').waitFor());
  assert.equal(await byTestId(page, 'from-file-name').textContent(), 'fieldbook_production.sql');
  assert.equal(await byTestId(page, 'to-file-name').textContent(), 'fieldbook_staging.sql');
  assert.match(await byTestId(page, 'to-pg-dump-version').textContent(), /^15\./);
  assert.match(await byTestId(page, 'dump-summaries').textContent(), /Statements/);
  assert.equal(
    await byTestId(page, 'headline').textContent(),
    'To reach fieldbook_staging.sql, fieldbook_production.sql needs 12 additions, 2 removals and 4 changes.',
  );
  assert.equal(await byTestId(page, 'change-row').count(), 18);
  assert.equal(await page.locator('[data-testid="chart"] rect.bar:not(.legend rect)').count() >= 6, true);
  assert.match(await page.locator('[data-testid="chart"]').textContent(), /index.*6/s);
  const body = byTestId(page, 'change-row').filter({ hasText: 'task_count' }).locator('[data-testid="word-diff"]');
  assert.equal(await body.locator('ins').textContent(), "AND status <> 'done'");
  assert.equal(await body.locator('del').count(), 0);
  const findings = await byTestId(page, 'key-findings').textContent();
  assert.match(findings, /3 tables only in fieldbook_staging\.sql: email_verification_codes, notifications, task_labels/);
  assert.match(findings, /1 column type change: tasks\.estimate_hours numeric → double precision/);
  assert.match(findings, /1 index changed: idx_tasks_title_search \(method gin → gist\)/);
  const estimate = byTestId(page, 'change-row').filter({ hasText: 'public.tasks.estimate_hours' });
  assert.match(await estimate.textContent(), /changed.*column.*type: numeric → double precision/s);
  assert.match(await byTestId(page, 'notes').textContent(), /public\.comments: column order only/);
  assert.match(
    await byTestId(page, 'cleanup-candidates').textContent(),
    /public\.users_backup_2025_03 in fieldbook_production\.sql: its name contains “backup”; its name ends in a date; it has no primary key/,
  );
  // The comparison says it is a demo, until a side holds a dump of the user's.
  assert.match(await byTestId(page, 'demo-note').textContent(), /^This is a demo: Fieldbook, a small task app, at two versions/);
  await page.screenshot({ path: join(screenshotDir, 'first-visit-1280x800.png') });
  await page.screenshot({ path: join(screenshotDir, 'first-visit-full.png'), fullPage: true });
  await byTestId(page, 'to-input').setInputFiles({ name: 'mine.sql', mimeType: 'text/plain', buffer: Buffer.from('CREATE TABLE public.users (id bigint);\n') });
  await page.waitForFunction(() => document.querySelector('[data-testid="headline"]')?.textContent.includes('mine.sql'));
  assert.equal(await byTestId(page, 'demo-note').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('uploading, swapping, a bad file and the demo', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();

  const staging = readFileSync(join(projectRoot, 'demo', 'fieldbook_staging.sql'));
  await byTestId(page, 'from-input').setInputFiles({ name: 'staging.sql', mimeType: 'text/plain', buffer: staging });
  await byTestId(page, 'to-input').setInputFiles({ name: 'small.sql', mimeType: 'text/plain', buffer: Buffer.from(SMALL_DUMP) });

  await page.waitForFunction(() => document.querySelector('[data-testid="to-file-name"]')?.textContent === 'small.sql');
  assert.equal(await byTestId(page, 'from-file-name').textContent(), 'staging.sql');
  assert.equal(await byTestId(page, 'to-statements').textContent(), '3');
  assert.equal(await byTestId(page, 'to-pg-dump-version').textContent(), '16.2');
  assert.match(await byTestId(page, 'to-counts').textContent(), /2 Tables/);
  assert.match(await byTestId(page, 'to-understood').textContent(), /3 turned into objects, 0 session settings, 0 not understood/);
  assert.equal(await byTestId(page, 'to-not-understood').count(), 0);

  await byTestId(page, 'swap').click();
  await page.waitForFunction(() => /^To reach staging\.sql, small\.sql needs/.test(document.querySelector('[data-testid="headline"]')?.textContent));
  assert.equal(await byTestId(page, 'from-file-name').textContent(), 'small.sql');
  assert.equal(await byTestId(page, 'to-file-name').textContent(), 'staging.sql');

  // A custom-format archive is refused with what to do; both loaded dumps stay.
  await byTestId(page, 'to-input').setInputFiles({ name: 'prod.dump', mimeType: 'application/octet-stream', buffer: Buffer.from('PGDMP\x01\x0e\x00') });
  const alert = page.locator('[data-side="to"] [role="alert"]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Could not load prod\.dump.*pg_restore/s);
  assert.equal(await byTestId(page, 'to-file-name').textContent(), 'staging.sql');
  assert.equal(await byTestId(page, 'from-file-name').textContent(), 'small.sql');
  await page.screenshot({ path: join(screenshotDir, 'bad-file.png'), fullPage: true });

  await byTestId(page, 'load-demo').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="from-file-name"]')?.textContent === 'fieldbook_production.sql');
  assert.equal(await byTestId(page, 'to-file-name').textContent(), 'fieldbook_staging.sql');
  assert.equal(await page.locator('[role="alert"]').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a gzip-compressed dump is decompressed in the browser and read', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  await byTestId(page, 'to-input').setInputFiles({ name: 'small.sql.gz', mimeType: 'application/gzip', buffer: gzipSync(Buffer.from(SMALL_DUMP)) });
  await page.waitForFunction(() => document.querySelector('[data-testid="to-file-name"]')?.textContent === 'small.sql.gz');
  assert.equal(await byTestId(page, 'to-statements').textContent(), '3');
  assert.match(await page.locator('[data-side="to"] .warnings').textContent(), /gzip-compressed .* has been decompressed/);
  assert.equal(await byTestId(page, 'from-file-name').textContent(), 'fieldbook_production.sql', 'the other side is kept');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a file dropped on a side is read into that side', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  // A file dragged over the folded inputs opens them.
  await byTestId(page, 'inputs-summary').dispatchEvent('dragenter');
  await page.waitForFunction(() => document.querySelector('[data-testid="inputs"]').open);
  await byTestId(page, 'from-file-name').waitFor();
  const dataTransfer = await page.evaluateHandle((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'dropped.sql', { type: 'text/plain' }));
    return transfer;
  }, SMALL_DUMP);
  await page.locator('[data-side="from"]').dispatchEvent('drop', { dataTransfer });
  await page.waitForFunction(() => document.querySelector('[data-testid="from-file-name"]')?.textContent === 'dropped.sql');
  assert.equal(await byTestId(page, 'from-statements').textContent(), '3');
  assert.equal(await byTestId(page, 'to-file-name').textContent(), 'fieldbook_staging.sql');
  assert.deepEqual(problems, []);
  await page.close();
});

test('statements that are not understood are listed with their line', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  const odd = 'CREATE TABLE public.t (id integer);\n\nVACUUM public.t;\n';
  await byTestId(page, 'from-input').setInputFiles({ name: 'odd.sql', mimeType: 'text/plain', buffer: Buffer.from(odd) });
  const panel = byTestId(page, 'from-not-understood');
  await panel.waitFor();
  await panel.locator('summary').click();
  assert.match(await panel.textContent(), /1 statement not understood.*line 3.*VACUUM public\.t;/s);
  await page.screenshot({ path: join(screenshotDir, 'not-understood.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('drift controls and filters change the rows and live in the URL', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  assert.equal(await byTestId(page, 'change-row').count(), 18);

  await byTestId(page, 'ignore-comments').check();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="change-row"]').length === 17);
  assert.match(page.url(), /\?ignore=comments$/);

  await byTestId(page, 'kind-filter').selectOption('index');
  await byTestId(page, 'search').fill('tasks');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="change-row"]').length === 2);
  assert.equal(await byTestId(page, 'shown-count').textContent(), '2 of 17 changes shown');
  assert.match(page.url(), /\?ignore=comments&kind=index&q=tasks$/);
  // The headline follows the drift controls, not the filters.
  assert.match(await byTestId(page, 'headline').textContent(), /11 additions, 2 removals and 4 changes/);

  await byTestId(page, 'search').fill('no such object');
  await byTestId(page, 'no-match').waitFor();
  assert.equal(await byTestId(page, 'shown-count').textContent(), '0 of 17 changes shown');
  await byTestId(page, 'tab-columns').click();
  await byTestId(page, 'kind-filter').selectOption('');
  await byTestId(page, 'search').fill('');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="change-row"]').length === 5);
  assert.equal(await byTestId(page, 'tab-columns').getAttribute('aria-selected'), 'true');
  assert.match(await byTestId(page, 'tab-columns').textContent(), /Columns 5/);
  assert.match(page.url(), /\?ignore=comments&tab=columns$/);
  await byTestId(page, 'tab-all').click();
  await byTestId(page, 'kind-filter').selectOption('index');
  await byTestId(page, 'search').fill('tasks');

  await page.reload();
  await byTestId(page, 'headline').waitFor();
  assert.equal(await byTestId(page, 'change-row').count(), 2);
  assert.equal(await byTestId(page, 'ignore-comments').isChecked(), true);
  assert.equal(await byTestId(page, 'search').inputValue(), 'tasks');
  assert.equal(await byTestId(page, 'kind-filter').inputValue(), 'index');
  await page.screenshot({ path: join(screenshotDir, 'filtered-view.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a large pair is analysed off the page: phases and percentages show, clicks are answered, cancel keeps the last dump', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  // Every text the progress indicators show, as the page shows it.
  await page.evaluate(() => {
    window.seenSteps = new Set();
    const record = () => {
      for (const el of document.querySelectorAll('[data-testid="reading"], [data-testid="analysis-status"]')) {
        window.seenSteps.add(el.textContent.replace(/\s+/g, ' ').trim());
      }
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const { from, to } = largePair(10000);
  await byTestId(page, 'from-input').setInputFiles({ name: 'big-from.sql', mimeType: 'text/plain', buffer: from });
  await byTestId(page, 'to-input').setInputFiles({ name: 'big-to.sql', mimeType: 'text/plain', buffer: to });
  const reading = page.locator('[data-side="to"] [data-testid="reading"]');
  await reading.waitFor();
  // While both are analysed, the page answers: a tab switches and a details box opens at once.
  await byTestId(page, 'tab-risks').click({ timeout: 3000 });
  assert.equal(await byTestId(page, 'tab-risks').getAttribute('aria-selected'), 'true');
  const paste = page.locator('[data-side="from"] details.paste');
  await paste.locator('summary').click({ timeout: 3000 });
  assert.equal(await paste.evaluate((d) => d.open), true);
  const busy = await page.evaluate(
    () => document.querySelectorAll('[data-testid="reading"], [data-testid="analysis-status"]').length,
  );
  assert.ok(busy > 0, 'the clicks were answered while the analysis was still running');
  // And while the two are compared and the migration planned.
  await byTestId(page, 'analysis-status').waitFor({ timeout: 60000 });
  await byTestId(page, 'tab-compatibility').click({ timeout: 3000 });
  assert.equal(await byTestId(page, 'tab-compatibility').getAttribute('aria-selected'), 'true');
  await byTestId(page, 'tab-all').click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="headline"]')?.textContent.startsWith('To reach big-to.sql, big-from.sql needs'),
    null,
    { timeout: 120000 },
  );
  const steps = [...(await page.evaluate(() => [...window.seenSteps]))].join('\n');
  assert.match(steps, /Parsing from big-from\.sql \(6\.\d MB\)… \d+%/);
  assert.match(steps, /Parsing to big-to\.sql \(6\.\d MB\)… \d+%/);
  assert.match(steps, /Comparing…/);
  assert.match(steps, /Planning…/);
  assert.equal(await byTestId(page, 'reading').count(), 0);
  assert.equal(await byTestId(page, 'analysis-status').count(), 0);

  // Cancel: the side keeps the dump it held, and the comparison stays.
  const headline = await byTestId(page, 'headline').textContent();
  await byTestId(page, 'from-input').setInputFiles({ name: 'other.sql', mimeType: 'text/plain', buffer: to });
  await byTestId(page, 'from-cancel').click({ timeout: 3000 });
  await assert.doesNotReject(page.locator('[data-side="from"] [data-testid="reading"]').waitFor({ state: 'detached' }));
  assert.equal(await byTestId(page, 'from-file-name').textContent(), 'big-from.sql');
  await page.waitForTimeout(500);
  assert.equal(await byTestId(page, 'headline').textContent(), headline);
  assert.deepEqual(problems, []);
  await page.close();
});

test('narrow window and dark mode stay readable, and keyboard reaches every action', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  await page.setViewportSize({ width: 420, height: 900 });
  await page.emulateMedia({ colorScheme: 'dark' });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than a 420px window`);
  await page.screenshot({ path: join(screenshotDir, 'narrow-dark-420.png'), fullPage: true });

  const reached = new Set();
  const tab = async (times) => {
    for (let i = 0; i < times; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.textContent?.trim()));
      if (reached.has('inputs-summary') && !(await byTestId(page, 'inputs').evaluate((d) => d.open))) await page.keyboard.press('Enter');
    }
  };
  // The verdict's links first, then the folded inputs, which Enter opens.
  await tab(20);
  for (const id of ['swap', 'load-demo', 'summary-risk-high', 'verdict-script', 'inputs-summary', 'from-input', 'to-input']) {
    assert.ok(reached.has(id), `Tab never reached ${id}: ${[...reached].join(', ')}`);
  }

  // Every tab at 420 px: nothing scrolls sideways; a change row is a card with its Risk in view.
  const row = byTestId(page, 'change-row').filter({ hasText: 'public.tasks.estimate_hours' });
  const risk = await row.locator('td.risk').boundingBox();
  assert.ok(risk.x >= 0 && risk.x + risk.width <= 420, `the Risk cell is in view (${risk.x}+${risk.width})`);
  assert.ok((await row.locator('td.risk').textContent()).startsWith('Risk') === false, 'the label is CSS, not text');
  await page.screenshot({ path: join(screenshotDir, 'narrow-cards-420.png'), fullPage: true });
  for (const t of ['tables', 'columns', 'risks', 'compatibility', 'migration', 'report', 'all']) {
    await byTestId(page, `tab-${t}`).click();
    await page.waitForTimeout(150);
    const wider = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wider <= 0, `the ${t} tab is ${wider}px wider than a 420px window`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});
