// End-to-end tests of the tables tab, the per-table view, sorting and confirming renames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useApp, byTestId } from './support/suite.mjs';
import { openPage, screenshotDir } from './support/browser.mjs';

const app = useApp();
const texts = (page, selector) => page.locator(selector).allTextContents();

test('the tables tab lists every table of both sides and opens one side by side', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  await byTestId(page, 'tab-tables').click();
  await byTestId(page, 'table-tally').waitFor();
  // 11 tables in all: the backup copy only in production, 3 new tables in staging, 7 in both.
  assert.equal(await byTestId(page, 'table-row').count(), 11);
  assert.equal(
    await byTestId(page, 'table-tally').textContent(),
    '1 only in fieldbook_production.sql, 3 only in fieldbook_staging.sql, 3 changed, 4 unchanged',
  );
  assert.match(await byTestId(page, 'tab-tables').textContent(), /Tables \d+/);

  await byTestId(page, 'sort-changes').click();
  assert.match(page.url(), /tab=tables&sort=size/);
  const sizes = (await texts(page, '[data-testid="table-row"] td:nth-child(3)')).map(Number);
  assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a), 'most changed first');

  await byTestId(page, 'table-row').filter({ hasText: 'public.tasks' }).locator('[data-testid="open-table"]').click();
  const tableView = byTestId(page, 'table-view');
  await tableView.waitFor();
  assert.match(page.url(), /object=public\.tasks/);
  assert.match(await byTestId(page, 'ddl-from').textContent(), /^CREATE TABLE public\.tasks \(/);
  assert.match(await byTestId(page, 'ddl-to').textContent(), /external_key/);
  assert.doesNotMatch(await byTestId(page, 'ddl-from').textContent(), /external_key/);
  const added = byTestId(page, 'column-row').filter({ hasText: 'external_key' });
  assert.equal(await added.getAttribute('class'), 'added');
  const changed = byTestId(page, 'column-row').filter({ hasText: 'estimate_hours' });
  assert.equal(await changed.getAttribute('class'), 'altered');
  // Everything else of the table that changed (its indexes here), as rows with old and new.
  const owned = await byTestId(page, 'owned-row').allTextContents();
  assert.ok(owned.some((row) => /changed.*index.*idx_tasks_title_search.*gin → gist/s.test(row)), owned.join('\n'));
  assert.ok(owned.every((row) => !/estimate_hours/.test(row)), 'columns are in the aligned rows above');
  // The DDL side by side, the lines on one side only marked, the differences one click apart.
  const removedLines = await page.locator('[data-testid="ddl-from"] .line.del').allTextContents();
  const addedLines = await page.locator('[data-testid="ddl-to"] .line.ins').allTextContents();
  assert.ok(removedLines.some((l) => /estimate_hours numeric/.test(l)), removedLines.join(''));
  assert.ok(addedLines.some((l) => /estimate_hours double precision/.test(l)), addedLines.join(''));
  assert.ok(addedLines.some((l) => /external_key/.test(l)), addedLines.join(''));
  assert.ok(!removedLines.some((l) => /^CREATE TABLE/.test(l)), 'a line on both sides is not marked');
  assert.match(await byTestId(page, 'ddl-differences').textContent(), /^\d+ lines differ\.$/);
  await byTestId(page, 'ddl-next').click();
  assert.equal(await page.locator('.ddl-pair .line.current').count(), 1);
  const first = await page.locator('.ddl-pair .line.current').textContent();
  await byTestId(page, 'ddl-next').click();
  assert.notEqual(await page.locator('.ddl-pair .line.current').textContent(), first);
  await byTestId(page, 'ddl-previous').click();
  assert.equal(await page.locator('.ddl-pair .line.current').textContent(), first);
  await page.screenshot({ path: join(screenshotDir, 'table-view.png'), fullPage: true });

  // The link reproduces the view.
  await page.reload();
  await byTestId(page, 'table-view').waitFor();
  assert.equal(await byTestId(page, 'tab-tables').getAttribute('aria-selected'), 'true');
  await byTestId(page, 'close-table').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="table-view"]'));
  assert.doesNotMatch(page.url(), /object=/);

  // A change row of a table opens the same view.
  await byTestId(page, 'tab-all').click();
  await byTestId(page, 'change-row').filter({ hasText: 'public.tasks.external_key' }).locator('[data-testid="open-table"]').click();
  await byTestId(page, 'table-view').waitFor();
  assert.match(await byTestId(page, 'table-view').locator('h2').textContent(), /Table public\.tasks/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('change rows sort by a column header, and a second click reverses the order', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  const objects = () => texts(page, '[data-testid="change-row"] td.object');
  await byTestId(page, 'sort-object').click();
  let shown = await objects();
  assert.equal(shown.length, 18);
  assert.deepEqual(shown, [...shown].sort());
  assert.equal(await page.locator('th[aria-sort="ascending"]').count(), 1);
  await byTestId(page, 'sort-object').click();
  shown = await objects();
  assert.deepEqual(shown, [...shown].sort().reverse());
  assert.match(page.url(), /\?sort=-object$/);
  assert.equal(await page.locator('th[aria-sort="descending"]').count(), 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a possible rename is confirmed in one click, becomes one change, and can be undone', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  const dump = (column) => Buffer.from(`CREATE TABLE public.customers (id integer NOT NULL, ${column} text NOT NULL);\n`);
  await byTestId(page, 'from-input').setInputFiles({ name: 'before.sql', mimeType: 'text/plain', buffer: dump('fullname') });
  await byTestId(page, 'to-input').setInputFiles({ name: 'after.sql', mimeType: 'text/plain', buffer: dump('full_name') });
  await page.waitForFunction(() => document.querySelector('[data-testid="to-file-name"]')?.textContent === 'after.sql');
  await byTestId(page, 'rename-candidates').waitFor();
  assert.equal(await byTestId(page, 'change-row').count(), 2);
  assert.match(await byTestId(page, 'rename-candidates').textContent(), /public\.customers\.fullname → public\.customers\.full_name \(100%/);

  await byTestId(page, 'confirm-rename').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="change-row"]').length === 1);
  const row = byTestId(page, 'change-row');
  assert.match(await row.textContent(), /renamed.*column.*public\.customers\.full_name.*name: public\.customers\.fullname → public\.customers\.full_name/);
  assert.match(page.url(), /rename=column%3Apublic\.customers\.fullname%3Dpublic\.customers\.full_name/);
  assert.equal(await byTestId(page, 'rename-candidates').count(), 0);
  assert.equal(await byTestId(page, 'headline').textContent(), 'To reach after.sql, before.sql needs 1 rename.');

  await byTestId(page, 'undo-rename').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="change-row"]').length === 2);
  assert.doesNotMatch(page.url(), /rename=/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('long tables are virtualized: only rows in view are in the page, and they scroll, sort, filter and expand', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  const from = 'CREATE TABLE public.keep (id integer);\n';
  const to = from + Array.from({ length: 5000 }, (_, i) => `CREATE TABLE public.t${String(i).padStart(4, '0')} (id integer);\n`).join('');
  await byTestId(page, 'from-input').setInputFiles({ name: 'small.sql', mimeType: 'text/plain', buffer: Buffer.from(from) });
  await byTestId(page, 'to-input').setInputFiles({ name: 'many.sql', mimeType: 'text/plain', buffer: Buffer.from(to) });
  await page.waitForFunction(() => document.querySelector('[data-testid="shown-count"]')?.textContent === '5000 changes');
  const rows = byTestId(page, 'change-row');
  const inPage = await rows.count();
  assert.ok(inPage > 5 && inPage < 100, `${inPage} of 5000 rows are in the page`);
  assert.match(await byTestId(page, 'virtual-note').textContent(), /^5000 rows: scroll/);
  // Every row has the same height, so the box's scroll height stands for all 5000.
  const box = byTestId(page, 'changes-scroll');
  assert.ok((await box.evaluate((b) => b.scrollHeight)) >= 5000 * 40);
  await box.evaluate((b) => { b.scrollTop = b.scrollHeight; });
  await page.waitForFunction(() => document.querySelector('[data-testid="change-row"][aria-rowindex="5001"]'));
  assert.match(await page.locator('[data-testid="change-row"][aria-rowindex="5001"]').textContent(), /public\.t4999/);
  assert.ok((await rows.count()) < 100);
  // Sorting by object, descending: the first row is the last name, and the list starts at its top.
  await byTestId(page, 'sort-object').click();
  await byTestId(page, 'sort-object').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="change-row"][aria-rowindex="2"]')?.textContent.includes('public.t4999'));
  // A click on a row shows it whole above the table.
  await page.locator('[data-testid="change-row"][aria-rowindex="3"] td:nth-child(2)').click();
  assert.match(await byTestId(page, 'expanded-row').textContent(), /public\.t4998/);
  await byTestId(page, 'close-expanded').click();
  assert.equal(await byTestId(page, 'expanded-row').count(), 0);
  // Filtering to a few rows gives a plain table.
  await byTestId(page, 'search').fill('t012');
  await page.waitForFunction(() => document.querySelector('[data-testid="shown-count"]')?.textContent === '10 of 5000 changes shown');
  assert.equal(await rows.count(), 10);
  assert.equal(await byTestId(page, 'changes-scroll').count(), 0);
  await byTestId(page, 'search').fill('');
  // The tables tab is virtualized the same way.
  await byTestId(page, 'tab-tables').click();
  await byTestId(page, 'table-tally').waitFor();
  const tableRows = await byTestId(page, 'table-row').count();
  assert.ok(tableRows > 5 && tableRows < 100, `${tableRows} of 5001 table rows are in the page`);
  await byTestId(page, 'tables-scroll').evaluate((b) => { b.scrollTop = b.scrollHeight / 2; });
  await page.waitForFunction(() => document.querySelector('[data-testid="table-row"][aria-rowindex="2502"]'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('keyboard: the tabs are a tablist, the table view takes focus and Escape gives it back, a confirmed rename keeps focus', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  // One Tab stop: the selected tab; arrows, Home and End move the selection and the focus.
  assert.equal(await byTestId(page, 'tab-all').getAttribute('tabindex'), '0');
  assert.equal(await byTestId(page, 'tab-tables').getAttribute('tabindex'), '-1');
  await byTestId(page, 'tab-all').focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'tab-tables');
  assert.equal(await byTestId(page, 'tab-tables').getAttribute('aria-selected'), 'true');
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'tab-report');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'tab-all');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'tab-report');

  // Each change row is one Tab stop (its first control); arrows move within a row and between rows.
  await byTestId(page, 'tab-all').click();
  const estimate = byTestId(page, 'change-row').filter({ hasText: 'public.tasks.estimate_hours' });
  assert.equal(await estimate.locator('[data-testid="open-table"]').getAttribute('tabindex'), null);
  assert.equal(await estimate.locator('[data-testid="show-sql"]').getAttribute('tabindex'), '-1');
  await estimate.locator('[data-testid="open-table"]').focus();
  await page.keyboard.press('Tab');
  assert.doesNotMatch(
    await page.evaluate(() => document.activeElement.closest('tr')?.textContent ?? ''),
    /public\.tasks\.estimate_hours/,
    'Tab leaves the row',
  );
  await estimate.locator('[data-testid="open-table"]').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await focused(), 'show-sql');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await focused(), 'open-table');
  const before = await page.evaluate(() => document.activeElement.textContent);
  await page.keyboard.press('ArrowDown');
  const after = await page.evaluate(() => document.activeElement.closest('tr')?.getAttribute('data-testid'));
  assert.equal(after, 'change-row');
  assert.notEqual(await page.evaluate(() => document.activeElement.textContent), before, 'focus moved to the next row');

  // The opened table view takes focus; Escape closes it and focus goes back to what opened it.
  await byTestId(page, 'tab-tables').click();
  const opener = byTestId(page, 'table-row').filter({ hasText: 'public.tasks' }).locator('[data-testid="open-table"]');
  await opener.focus();
  await page.keyboard.press('Enter');
  await byTestId(page, 'table-view').waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'table-view');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-testid="table-view"]'));
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'open-table');
  assert.match(await page.evaluate(() => document.activeElement.textContent), /public\.tasks/);

  // Confirming a rename keeps focus with it: on its Undo.
  await byTestId(page, 'tab-all').click();
  const dump = (column) => Buffer.from(`CREATE TABLE public.customers (id integer NOT NULL, ${column} text NOT NULL);\n`);
  await byTestId(page, 'from-input').setInputFiles({ name: 'before.sql', mimeType: 'text/plain', buffer: dump('fullname') });
  await byTestId(page, 'to-input').setInputFiles({ name: 'after.sql', mimeType: 'text/plain', buffer: dump('full_name') });
  await byTestId(page, 'rename-candidates').waitFor();
  await byTestId(page, 'confirm-rename').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'undo-rename');
  assert.equal(await focused(), 'undo-rename');
  await page.screenshot({ path: join(screenshotDir, 'keyboard.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});
