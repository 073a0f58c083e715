// End-to-end tests of the top of the page: the verdict first, the inputs folded under it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useApp, byTestId, openInputs } from './support/suite.mjs';
import { openPage, screenshotDir } from './support/browser.mjs';

const app = useApp();

test('the verdict comes first: what changed, risks, deploy order, the migration and its proof', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  // In the first screen (1280×800): the verdict, above the inputs, which are folded.
  const verdict = await byTestId(page, 'summary').boundingBox();
  assert.ok(verdict.y < 120, `the verdict starts at y=${verdict.y}`);
  const inputs = await byTestId(page, 'inputs').boundingBox();
  assert.ok(inputs.y > verdict.y, 'the inputs come after the verdict');
  assert.equal(await byTestId(page, 'inputs').evaluate((d) => d.open), false, 'the inputs fold away once compared');
  assert.match(
    await byTestId(page, 'inputs-summary').textContent(),
    /^The two dumps: fieldbook_production\.sql \([\d.]+ KB\) → fieldbook_staging\.sql \([\d.]+ KB\)$/,
  );
  assert.match(await byTestId(page, 'demo-note').textContent(), /^This is a demo/);
  assert.match(await byTestId(page, 'risk-counts').textContent(), /^Changes by risk: \d+ high, \d+ medium, \d+ low$/);
  assert.match(await byTestId(page, 'verdict-deploy-order').textContent(), /migration|deploy/i);
  assert.match(await byTestId(page, 'verdict-migration').textContent(), /^\d+ statements in \d+ phases\. Not proven yet: prove it on PostgreSQL, in your browser$/);
  // The tabs are within the first screen and stay on screen while the page scrolls.
  const tabs = await page.locator('.tabs').boundingBox();
  assert.ok(tabs.y + tabs.height < 800, `the tabs start at y=${tabs.y}`);
  assert.ok(tabs.height < 60, `the tabs are one row (${tabs.height} px)`);
  await page.screenshot({ path: join(screenshotDir, 'verdict-1280x800.png') });
  await page.mouse.wheel(0, 2000);
  await page.waitForFunction(() => document.querySelector('.tabs').getBoundingClientRect().top === 0);

  // A risk count opens the list filtered to it, with the tabs in view.
  await byTestId(page, 'summary-risk-high').click();
  await page.waitForFunction(() => /risk-level=high/.test(location.search));
  assert.equal(await byTestId(page, 'tab-all').getAttribute('aria-selected'), 'true');
  for (const risk of await byTestId(page, 'change-risk').allTextContents()) assert.equal(risk, 'high');
  const top = await page.locator('.tabs').evaluate((t) => t.getBoundingClientRect().top);
  assert.ok(top >= 0 && top < 200, `the tabs are in view (${top})`);
  // A finding about one kind of object lists every change of that kind (not only those it names).
  await byTestId(page, 'key-findings').locator('li').filter({ hasText: /^3 tables only in/ }).locator('[data-testid="finding-show"]').click();
  await page.waitForFunction(() => /kind=table/.test(location.search));
  const kinds = await byTestId(page, 'change-row').locator('td:nth-child(2)').allTextContents();
  assert.ok(kinds.length >= 4 && kinds.every((k) => k === 'table'), kinds.join(', '));
  // The migration's size opens the script.
  await byTestId(page, 'verdict-script').click();
  await byTestId(page, 'migration').waitFor();
  assert.equal(await byTestId(page, 'tab-migration').getAttribute('aria-selected'), 'true');

  // Opened by the user, the inputs stay open after a new comparison.
  await byTestId(page, 'inputs-summary').click();
  assert.equal(await byTestId(page, 'inputs').evaluate((d) => d.open), true);
  await byTestId(page, 'to-input').setInputFiles({ name: 'mine.sql', mimeType: 'text/plain', buffer: Buffer.from('CREATE TABLE public.users (id bigint);\n') });
  await page.waitForFunction(() => document.querySelector('[data-testid="headline"]')?.textContent.includes('mine.sql'));
  assert.equal(await byTestId(page, 'inputs').evaluate((d) => d.open), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('folded inputs open by themselves when a side cannot be read', async () => {
  const { page } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  assert.equal(await byTestId(page, 'inputs').evaluate((d) => d.open), false);
  await byTestId(page, 'to-input').setInputFiles({ name: 'prod.dump', mimeType: 'application/octet-stream', buffer: Buffer.from('PGDMP\x01\x0e\x00') });
  const alert = page.locator('[data-side="to"] [role="alert"]');
  await alert.waitFor({ state: 'visible' });
  assert.match(await alert.textContent(), /Could not load prod\.dump/);
  assert.equal(await byTestId(page, 'inputs').evaluate((d) => d.open), true);
  // The other side, and the comparison made before, stay.
  assert.equal(await byTestId(page, 'from-file-name').textContent(), 'fieldbook_production.sql');
  await page.close();
});

test('the search looks in names, in what changed and in the statements that make an object', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  const rows = async () => byTestId(page, 'change-row').locator('td.object code').allTextContents();
  // In the old definition of a changed index.
  await byTestId(page, 'search').fill('gin_trgm_ops');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="change-row"]').length === 1);
  assert.deepEqual(await rows(), ['public.idx_tasks_title_search']);
  // In the CREATE TABLE of an added table (a column no change is named after).
  await byTestId(page, 'search').fill('code_hash');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="change-row"]').length === 1);
  assert.deepEqual(await rows(), ['public.email_verification_codes']);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the same change in several schemas is one row, unless unfolded', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  const dump = (amount) =>
    Buffer.from(
      ['tenant_a', 'tenant_b', 'tenant_c']
        .map((s) => `CREATE SCHEMA ${s};\nCREATE TABLE ${s}.orders (id integer NOT NULL, amount ${amount});\n`)
        .join(''),
    );
  await openInputs(page);
  await byTestId(page, 'from-input').setInputFiles({ name: 'tenants-before.sql', mimeType: 'text/plain', buffer: dump('integer') });
  await byTestId(page, 'to-input').setInputFiles({ name: 'tenants-after.sql', mimeType: 'text/plain', buffer: dump('bigint') });
  await page.waitForFunction(() => document.querySelector('[data-testid="headline"]')?.textContent.includes('tenants-after.sql'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="change-row"]').length === 1);
  const row = byTestId(page, 'change-row');
  assert.equal(await row.locator('[data-testid="folded-schemas"]').textContent(), ' in 3 schemas: tenant_a, tenant_b, tenant_c');
  assert.match(await byTestId(page, 'shown-count').textContent(), /^3 changes in 1 row$/);
  assert.match(await row.textContent(), /type: integer → bigint/);
  await byTestId(page, 'fold-schemas').uncheck();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="change-row"]').length === 3);
  assert.match(page.url(), /fold=off/);
  assert.equal(await byTestId(page, 'folded-schemas').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('grouped by schema and table, each group folds away', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  await byTestId(page, 'group-by-table').check();
  await page.waitForFunction(() => document.querySelector('tr.group'));
  assert.match(page.url(), /group=table/);
  const groups = await page.locator('tr.group').allTextContents();
  assert.ok(groups.some((g) => /^▾ table public\.tasks 4 changes$/.test(g)), groups.join(' | '));
  assert.ok(groups.some((g) => /^▾ schema public: objects of no table \d+ changes?$/.test(g)), groups.join(' | '));
  const names = groups.filter((g) => !/the database/.test(g)).map((g) => g.replace(/^▾ (table |schema )?/, '').replace(/[: ].*$/, ''));
  assert.deepEqual(names, [...names].sort(), 'schema by schema, table by table');
  // The rows of a group follow it; folding it leaves its row only.
  const rows = () => page.locator('[data-testid="change-row"]:not(.group)').count();
  const before = await rows();
  const tasks = page.locator('tr.group').filter({ hasText: 'table public.tasks' });
  await tasks.locator('[data-testid="group-toggle"]').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="change-row"]:not(.group)').length === n, before - 4);
  assert.equal(await page.locator('tr.group').filter({ hasText: 'table public.tasks' }).locator('[data-testid="group-toggle"]').getAttribute('aria-expanded'), 'false');
  await page.screenshot({ path: join(screenshotDir, 'grouped.png'), fullPage: true });
  await page.locator('tr.group').filter({ hasText: 'table public.tasks' }).locator('[data-testid="group-toggle"]').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="change-row"]:not(.group)').length === n, before);
  assert.deepEqual(problems, []);
  await page.close();
});
