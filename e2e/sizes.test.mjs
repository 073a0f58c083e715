// End-to-end tests of table sizes (issue #18): a sizes file per side shows in the tables tab and
// levels the rewrite risk; a bad file is refused with its line, and nothing else changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { useApp, byTestId, openInputs } from './support/suite.mjs';
import { openPage, projectRoot, screenshotDir } from './support/browser.mjs';

const app = useApp();
const fixture = (name) => ({
  name,
  mimeType: 'text/csv',
  buffer: readFileSync(join(projectRoot, 'crates/cli/tests/fixtures/sizes', name)),
});
// The demo's rewrite: public.tasks.estimate_hours, numeric → double precision.
const rewriteCard = (page) => byTestId(page, 'risk-card').filter({ hasText: 'public.tasks.estimate_hours: numeric → double precision' });

test('sizes per side show in the tables tab and level the rewrite of a table by its size', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  await byTestId(page, 'tab-risks').click();
  assert.match(await rewriteCard(page).textContent(), /^high/);
  assert.match(await rewriteCard(page).locator('[data-testid="risk-claim"]').textContent(), /ACCESS EXCLUSIVE lock \(blocks reads and writes\), table rewritten/);

  // The query to run is shown with a copy button, under each side's panel.
  await openInputs(page);
  await byTestId(page, 'from-sizes').locator('summary').click();
  assert.match(await byTestId(page, 'from-sizes').textContent(), /psql -X --csv -c "SELECT n\.nspname AS schema.*pg_total_relation_size/);

  // Empty tables on the database the migration runs on: the rewrite is low.
  await byTestId(page, 'from-sizes-input').setInputFiles(fixture('empty_tables_sizes.csv'));
  await byTestId(page, 'from-sizes-loaded').waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="risk-card"]')].some((c) => c.textContent.startsWith('low') && c.textContent.includes('estimate_hours: numeric')));
  assert.match(await rewriteCard(page).textContent(), /public\.tasks holds 24 KB \(~0 rows\)/);

  // Production's real sizes: 1 GB, high again; staging's sizes on the other side.
  await byTestId(page, 'from-sizes-input').setInputFiles(fixture('fieldbook_production_sizes.csv'));
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="risk-card"]')].some((c) => c.textContent.startsWith('high') && c.textContent.includes('public.tasks holds 1 GB')));
  await byTestId(page, 'to-sizes').locator('summary').click();
  await byTestId(page, 'to-sizes-input').setInputFiles(fixture('fieldbook_staging_sizes.csv'));
  await byTestId(page, 'to-sizes-loaded').waitFor();
  assert.equal(await byTestId(page, 'to-sizes-loaded').textContent(), 'fieldbook_staging_sizes.csv: 9 tables, 688 KB in all.');

  await byTestId(page, 'tab-tables').click();
  const tasks = byTestId(page, 'table-row').filter({ hasText: 'public.tasks' });
  await tasks.waitFor();
  assert.equal(await tasks.locator('[data-testid="table-size"]').textContent(), '1 GB → 224 KB');
  const backup = byTestId(page, 'table-row').filter({ hasText: 'public.users_backup_2025_03' });
  assert.equal(await backup.locator('[data-testid="table-size"]').textContent(), '14 MB → –');
  await page.screenshot({ path: join(screenshotDir, 'sizes.png'), fullPage: true });

  // A bad file is refused with its line; the sizes held before stay, and so does the comparison.
  await byTestId(page, 'from-sizes-input').setInputFiles(fixture('bad_sizes.csv'));
  await byTestId(page, 'from-sizes-error').waitFor();
  assert.match(
    await byTestId(page, 'from-sizes-error').textContent(),
    /^bad_sizes\.csv: line 3: bytes `1 GB` is not a whole number of bytes\. A sizes file is the output of: psql -X --csv/,
  );
  assert.match(await byTestId(page, 'from-sizes-loaded').textContent(), /^fieldbook_production_sizes\.csv: 7 tables/);
  assert.equal(await tasks.locator('[data-testid="table-size"]').textContent(), '1 GB → 224 KB');
  assert.equal(await byTestId(page, 'to-file-name').textContent(), 'fieldbook_staging.sql');

  // Removed, the sizes leave the tables tab.
  await byTestId(page, 'from-sizes-remove').click();
  await byTestId(page, 'to-sizes-remove').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="table-size"]').length === 0);
  assert.deepEqual(problems, []);
  await page.close();
});
