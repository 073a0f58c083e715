// End-to-end tests of definitions in reach: any added, removed or changed object opens to the
// statements that make it on each side, side by side, the differing lines marked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useApp, byTestId } from './support/suite.mjs';
import { openPage, screenshotDir } from './support/browser.mjs';

const app = useApp();

test('an added table, a changed function and a removed table open to their definitions', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  const definition = byTestId(page, 'definition-view');
  const tableRow = (name) =>
    byTestId(page, 'change-row').filter({ hasText: name }).filter({ has: page.locator('td:nth-child(2)', { hasText: /^table$/ }) });

  // Added: only the To side has it, every line of it marked as added.
  await tableRow('public.notifications').locator('[data-testid="show-definition"]').click();
  await definition.locator('[data-testid="ddl-to"]').waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'definition-view');
  assert.match(await definition.locator('[data-testid="ddl-to"]').textContent(), /^CREATE TABLE IF NOT EXISTS public\.notifications \(/);
  assert.equal(await definition.locator('[data-testid="ddl-from"]').textContent(), '');
  assert.match(await definition.locator('figcaption').first().textContent(), /fieldbook_production\.sql: not there/);
  const toLines = await definition.locator('[data-testid="ddl-to"] .line').count();
  assert.equal(await definition.locator('[data-testid="ddl-to"] .line.ins').count(), toLines);
  assert.match(page.url(), /definition=table%20public\.notifications/);
  assert.equal(await definition.locator('[data-testid="definition-words"]').count(), 0, 'one side: nothing to compare word by word');
  // Escape closes it and gives focus back to the button that opened it.
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-testid="definition-view"]'));
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'show-definition');
  assert.equal(await focused(), 'show-definition');

  // Changed: both sides, the body's line marked on each.
  await byTestId(page, 'change-row').filter({ hasText: 'task_count' }).locator('[data-testid="show-definition"]').click();
  await definition.locator('[data-testid="ddl-from"] .line').first().waitFor();
  const removed = await definition.locator('[data-testid="ddl-from"] .line.del').allTextContents();
  const added = await definition.locator('[data-testid="ddl-to"] .line.ins').allTextContents();
  assert.ok(added.some((l) => /status <> 'done'/.test(l)), added.join(''));
  assert.ok(!removed.some((l) => /status <> 'done'/.test(l)), removed.join(''));
  assert.match(await definition.locator('[data-testid="ddl-from"]').textContent(), /CREATE OR REPLACE FUNCTION public\.task_count\(/);
  // And word by word: only the words added to the body are marked.
  const words = definition.locator('[data-testid="definition-words"]');
  assert.deepEqual(await words.locator('ins').allTextContents(), ["AND status <> 'done'"]);
  assert.equal(await words.locator('del').count(), 0);
  await page.screenshot({ path: join(screenshotDir, 'definition.png'), fullPage: true });
  await byTestId(page, 'close-definition').click();

  // Removed: only the From side, and the link reopens it.
  await tableRow('public.users_backup_2025_03').locator('[data-testid="show-definition"]').click();
  await definition.locator('[data-testid="ddl-from"] .line').first().waitFor();
  assert.match(await definition.locator('[data-testid="ddl-from"]').textContent(), /^CREATE TABLE IF NOT EXISTS public\.users_backup_2025_03 \(/);
  assert.equal(await definition.locator('[data-testid="ddl-to"]').textContent(), '');
  await page.reload();
  await definition.locator('[data-testid="ddl-from"] .line').first().waitFor();
  assert.match(await definition.locator('h2').textContent(), /Definition of table public\.users_backup_2025_03/);
  assert.deepEqual(problems, []);
  await page.close();
});
