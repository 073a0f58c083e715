// A pair whose names, comments, defaults and bodies hold HTML, script, Markdown table breakers,
// backticks and newlines (crates/engine/tests/fixtures/migrations/hostile_names/): every tab shows
// them as text, and the HTML and Markdown exports keep them inert.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { useApp, byTestId } from './support/suite.mjs';
import { openPage, projectRoot, screenshotDir } from './support/browser.mjs';

const app = useApp();
const PAIR = join(projectRoot, 'crates', 'engine', 'tests', 'fixtures', 'migrations', 'hostile_names');

/** Nothing from the dumps became an element or ran: no handler attributes, no image, no flag set. */
async function assertInert(page, where) {
  const found = await page.evaluate(() => ({
    pwned: window.__pwned,
    handlers: document.querySelectorAll('[onerror],[onload],[onclick],[onmouseover]').length,
    images: document.querySelectorAll('img').length,
    scripts: [...document.querySelectorAll('script')].filter((s) => /__pwned/.test(s.textContent)).length,
  }));
  assert.deepEqual(found, { pwned: undefined, handlers: 0, images: 0, scripts: 0 }, where);
}

async function download(page, testId) {
  const [file] = await Promise.all([page.waitForEvent('download'), byTestId(page, testId).click()]);
  return { path: await file.path(), text: readFileSync(await file.path(), 'utf8') };
}

test('hostile names are text in every tab and in the HTML and Markdown exports', async () => {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  await byTestId(page, 'from-input').setInputFiles(join(PAIR, 'before.sql'));
  await byTestId(page, 'to-input').setInputFiles(join(PAIR, 'after.sql'));
  await page.waitForFunction(() => document.querySelector('[data-testid="headline"]')?.textContent.includes('To reach after.sql, before.sql'));
  const rows = await byTestId(page, 'change-row').allTextContents();
  assert.ok(rows.some((r) => r.includes('public.<img src=x onerror=window.__pwned=1>.<svg onload=window.__pwned=6>')), rows.join('\n'));
  assert.ok(rows.some((r) => r.includes('public.</script>()')), 'the function named </script>');
  assert.ok(rows.some((r) => r.includes('public.pipe|table.new\nline') || r.includes('public.pipe|table.new line')), 'the column with a newline');
  await assertInert(page, 'changes');
  for (const tab of ['tables', 'risks', 'compatibility', 'migration', 'report']) {
    await byTestId(page, `tab-${tab}`).click();
    await page.waitForTimeout(100);
    await assertInert(page, `tab ${tab}`);
  }
  await byTestId(page, 'tab-migration').click();
  const script = (await byTestId(page, 'script-step').allTextContents()).join('\n');
  assert.match(script, /ALTER TABLE public\."<img src=x onerror=window\.__pwned=1>" ADD COLUMN IF NOT EXISTS "<svg onload=window\.__pwned=6>" text;/);
  assert.match(script, /-- data loss: the values of public\.pipe\|table\.new\\nline are deleted/);
  await page.screenshot({ path: join(screenshotDir, 'hostile-names.png'), fullPage: true });

  await byTestId(page, 'tab-report').click();
  const html = await download(page, 'export-html');
  assert.ok(!html.text.includes('<img') && !html.text.includes('<svg onload'), 'no element from the names in the HTML');
  const markdown = await download(page, 'export-markdown');
  // Every row of a Markdown table has the cells of its header (an unescaped | splits a cell).
  let header;
  for (const line of markdown.text.split('\n')) {
    if (!line.startsWith('|')) { header = undefined; continue; }
    const cells = (line.match(/(?<!\\)\|/g) ?? []).length;
    if (header === undefined) header = cells;
    else assert.equal(cells, header, `a Markdown row breaks: ${line}`);
  }
  assert.ok(markdown.text.includes('pipe\\|table'));
  assert.deepEqual(problems, []);
  await page.close();

  // The HTML export, opened as a page with JavaScript on: the names stay text there too.
  const copy = join(mkdtempSync(join(tmpdir(), 'schemadrift-hostile-')), 'report.html');
  copyFileSync(html.path, copy); // the download has no extension: the browser would show it as text
  const exported = await openPage(app.context, pathToFileURL(copy).href);
  await exported.page.waitForLoadState('load');
  assert.match(await exported.page.textContent('body'), /<img src=x onerror=window\.__pwned=1>/);
  await assertInert(exported.page, 'the HTML export');
  assert.deepEqual(exported.problems, []);
  await exported.page.close();
});
