// Each bad input of README's table, dropped on a side of the running app: what the user sees, and
// that the other side's dump and the comparison stay. The files are the CLI's
// (crates/engine/tests/fixtures/bad_inputs/); the gzip case is in app.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, openSync, closeSync, ftruncateSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { useApp, byTestId } from './support/suite.mjs';
import { openPage, projectRoot, screenshotDir } from './support/browser.mjs';

const app = useApp();
const FIXTURES = join(projectRoot, 'crates', 'engine', 'tests', 'fixtures', 'bad_inputs');
// README: the browser reads files up to 256 MB (BROWSER_MAX_BYTES in crates/engine/src/input/mod.rs).
const BROWSER_MAX_BYTES = 256 * 1024 * 1024;

/** The demo on both sides, then `file` chosen for the To side. */
async function dropOnTo(file) {
  const { page, problems } = await openPage(app.context, app.server.url);
  await byTestId(page, 'headline').waitFor();
  await byTestId(page, 'to-input').setInputFiles(file);
  return { page, problems };
}

async function assertKept(page, what) {
  assert.equal(await byTestId(page, 'from-file-name').textContent(), 'fieldbook_production.sql', `${what}: From kept`);
  assert.match(await byTestId(page, 'headline').textContent(), /^To reach /, `${what}: the comparison is still shown`);
}

const REFUSED = [
  ['empty.sql', /the file is empty.*pg_dump --schema-only/s],
  ['image.png', /binary file, not SQL text \(a NUL byte at offset 8\)/],
  ['app.custom', /pg_dump archive \(custom format.*pg_restore --schema-only -f schema\.sql/s],
  ['app.tar', /tar-format archive.*pg_restore --schema-only/s],
  ['app_directory/toc.dat', /toc\.dat of a directory-format dump.*pg_restore/s],
];

for (const [name, message] of REFUSED) {
  test(`${name} is refused with what to do, and both sides stay`, async () => {
    const { page, problems } = await dropOnTo(join(FIXTURES, name));
    const alert = page.locator('[data-side="to"] [role="alert"]');
    await alert.waitFor();
    const base = name.split('/').pop();
    assert.match(await alert.textContent(), new RegExp(`Could not load ${base.replace('.', '\\.')}`));
    assert.match(await alert.textContent(), message);
    assert.equal(await byTestId(page, 'to-file-name').textContent(), 'fieldbook_staging.sql', 'To keeps its dump');
    await assertKept(page, name);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

const READ = [
  ['utf16.sql', /UTF-16 LE encoded and has been decoded/],
  ['latin1.sql', /not valid UTF-8 \(first bad byte on line 65\); invalid bytes were replaced by \uFFFD/],
  ['truncated.sql', /ends in the middle of the statement that starts on line 25 .*inside a dollar-quoted body \(\$\$ opened on line 27 is never closed\).*cut short/s],
  ['migration.sql', /looks like a migration, not a schema dump: 3 statements change or drop objects \(the first on line 3\)/],
  ['utf32.sql', /UTF-32 LE encoded and has been decoded/],
  ['unclosed_comment.sql', /a \/\* comment opened on line 53 is never closed: psql runs none of the 47 lines/],
  ['connect_mid_file.sql', /line 49: `\\connect analytics` switches to another database after objects were created/],
  ['defined_twice.sql', /line 59: table public\.users is already defined earlier in the file: PostgreSQL refuses this second definition/],
];

for (const [name, warning] of READ) {
  test(`${name} is read, with a warning saying what was done`, async () => {
    const { page, problems } = await dropOnTo(join(FIXTURES, name));
    await page.waitForFunction((n) => document.querySelector('[data-testid="to-file-name"]')?.textContent === n, name);
    assert.match(await page.locator('[data-side="to"] .warnings').textContent(), warning);
    await page.waitForFunction((n) => document.querySelector('[data-testid="headline"]')?.textContent.includes(n), name);
    await assertKept(page, name);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('a statement the parser cannot read: its table is not compared and the script drops nothing', async () => {
  const { page, problems } = await dropOnTo(join(FIXTURES, 'unreadable_table.sql'));
  await byTestId(page, 'from-input').setInputFiles(join(FIXTURES, 'app.sql'));
  await page.waitForFunction(() => document.querySelector('[data-testid="from-file-name"]')?.textContent === 'app.sql');
  await page.waitForFunction(() => document.querySelector('[data-testid="headline"]')?.textContent.includes('unreadable_table.sql'));
  assert.match(await byTestId(page, 'headline').textContent(), /1 object not compared/);
  assert.match(await byTestId(page, 'to-not-understood').textContent(), /COMPRESSION/);
  await byTestId(page, 'tab-migration').click();
  const script = await byTestId(page, 'migration').textContent();
  assert.match(script, /table public\.users was not compared/);
  assert.doesNotMatch(script, /DROP TABLE/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('nesting as deep as the browser reads is read in the worker; deeper is not compared, with the limit', async () => {
  // The worker reads 400 levels (MAX_NESTING in crates/engine/src/catalog/build.rs): Chromium's own
  // stack ends at about 600 parentheses.
  const dir = mkdtempSync(join(tmpdir(), 'schemadrift-deep-'));
  for (const [levels, understood] of [[390, true], [450, false]]) {
    let expression = 'id';
    for (let i = 0; i < levels; i++) expression = `(${expression} + 1)`;
    const name = `deep${levels}.sql`;
    writeFileSync(join(dir, name), `CREATE TABLE public.deep (id integer, CONSTRAINT deep_check CHECK (${expression} > 0));\n`);
    const { page, problems } = await dropOnTo(join(dir, name));
    await page.waitForFunction((n) => document.querySelector('[data-testid="to-file-name"]')?.textContent === n, name);
    await page.waitForFunction((n) => document.querySelector('[data-testid="headline"]')?.textContent.includes(n), name);
    assert.equal(await page.locator('[data-side="to"] [role="alert"]').count(), 0, `${levels}: the worker did not fail`);
    if (understood) {
      assert.equal(await byTestId(page, 'to-not-understood').count(), 0, `${levels} levels are understood`);
    } else {
      assert.match(await byTestId(page, 'to-not-understood').textContent(), /nests 4\d\d levels .*more than the 400 schemadrift reads in the browser \(the schemadrift command line reads 2,000\)/s);
      assert.match(await byTestId(page, 'headline').textContent(), /1 object not compared/);
    }
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('a pg_dumpall file offers its databases; the one picked is read', async () => {
  const { page, problems } = await dropOnTo(join(FIXTURES, 'cluster.sql'));
  const choice = byTestId(page, 'to-choose-database');
  await choice.waitFor();
  assert.match(await choice.textContent(), /cluster\.sql is a pg_dumpall file with 4 databases/);
  const buttons = choice.locator('[data-testid="database-choice"]');
  assert.deepEqual(await buttons.allTextContents(), ['template1', 'analytics', 'app', 'postgres']);
  assert.match(await choice.textContent(), /app 2\d? statements?, from line \d+/);
  await assertKept(page, 'while choosing');
  assert.equal(await byTestId(page, 'to-file-name').textContent(), 'fieldbook_staging.sql');
  await page.screenshot({ path: join(screenshotDir, 'choose-database.png'), fullPage: true });
  await buttons.filter({ hasText: /^app$/ }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="to-file-name"]')?.textContent === 'cluster.sql');
  assert.match(await page.locator('[data-side="to"] .warnings').textContent(), /holds 4 databases .*database "app" is read/);
  assert.match(await byTestId(page, 'to-counts').textContent(), /2 Tables/);
  await page.waitForFunction(() => document.querySelector('[data-testid="headline"]')?.textContent.includes('cluster.sql'));
  assert.equal(await byTestId(page, 'to-choose-database').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a file over the browser limit is refused before it is read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'schemadrift-large-'));
  const path = join(dir, 'huge.sql');
  const fd = openSync(path, 'w');
  ftruncateSync(fd, BROWSER_MAX_BYTES + 1); // sparse: no byte is written, none is read
  closeSync(fd);
  const { page, problems } = await dropOnTo(path);
  const alert = page.locator('[data-side="to"] [role="alert"]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Could not load huge\.sql.*the file is 257 MB, more than the 256 MB this reads.*-n SCHEMA.*command line/s);
  await assertKept(page, 'huge.sql');
  assert.deepEqual(problems, []);
  await page.close();
});

test('when the worker fails on a file, that side says so, both dumps stay, and a new worker carries on', async () => {
  const { page, problems } = await openPage(app.context, 'about:blank');
  // The worker is made to fail on one file name, as a bug would: an uncaught error while it handles
  // the request (the app cannot know it was injected).
  await page.route('**/schemadrift-worker_loader.js*', async (route) => {
    const response = await route.fetch();
    const inject = `self.addEventListener('message', (event) => {
      const head = event.data && event.data[0];
      if (head && new TextDecoder().decode(head).includes('crash-me.sql')) {
        event.stopImmediatePropagation();
        throw new Error('injected failure');
      }
    });\n`;
    await route.fulfill({ response, body: inject + (await response.text()) });
  });
  await page.goto(app.server.url);
  await byTestId(page, 'headline').waitFor();
  const first = await byTestId(page, 'headline').textContent();
  const dir = mkdtempSync(join(tmpdir(), 'schemadrift-crash-'));
  writeFileSync(join(dir, 'crash-me.sql'), 'CREATE TABLE public.t (id integer);\n');
  await byTestId(page, 'to-input').setInputFiles(join(dir, 'crash-me.sql'));
  const alert = page.locator('[data-side="to"] [role="alert"]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Could not load crash-me\.sql.*schemadrift stopped while reading this file: a bug \(injected failure\)\. The side keeps the dump it held/s);
  // The new worker reads both demo dumps again and compares them.
  await page.waitForFunction((h) => document.querySelector('[data-testid="headline"]')?.textContent === h, first);
  await assertKept(page, 'after the failure');
  assert.equal(await byTestId(page, 'to-file-name').textContent(), 'fieldbook_staging.sql');
  await page.screenshot({ path: join(screenshotDir, 'worker-failure.png'), fullPage: true });
  // And it reads the next file.
  writeFileSync(join(dir, 'next.sql'), 'CREATE TABLE public.t (id integer);\n');
  await byTestId(page, 'to-input').setInputFiles(join(dir, 'next.sql'));
  await page.waitForFunction(() => document.querySelector('[data-testid="to-file-name"]')?.textContent === 'next.sql');
  await page.waitForFunction(() => document.querySelector('[data-testid="headline"]')?.textContent.includes('next.sql'));
  assert.deepEqual(problems.filter((p) => !p.includes('injected failure')), []);
  await page.close();
});

test('a cut-short To is a verdict: flagged in the headline, its removals left out of the script until confirmed', async () => {
  const { page, problems } = await dropOnTo(join(FIXTURES, 'truncated.sql'));
  await byTestId(page, 'from-input').setInputFiles(join(FIXTURES, 'app.sql'));
  await page.waitForFunction(() => document.querySelector('[data-testid="from-file-name"]')?.textContent === 'app.sql');
  await page.waitForFunction(() => document.querySelector('[data-testid="headline"]')?.textContent.includes('truncated.sql'));
  const flagged = byTestId(page, 'cut-short-headline');
  await flagged.waitFor();
  assert.match(await flagged.textContent(), /To \(truncated\.sql\) looks cut short: it ends inside the statement that starts on line 25\..*removals may only be missing from the file/s);
  await byTestId(page, 'tab-migration').click();
  const warning = byTestId(page, 'cut-short');
  await warning.waitFor();
  assert.match(await warning.textContent(), /truncated\.sql looks cut short.*leaves out the \d+ removals below/s);
  assert.match(await warning.textContent(), /table public\.users/);
  assert.doesNotMatch(await byTestId(page, 'migration').locator('[data-testid="script-phase"]').allTextContents().then((t) => t.join('\n')), /DROP TABLE/);
  let [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'download-migration').click()]);
  let script = readFileSync(await download.path(), 'utf8');
  assert.match(script, /-- WARNING: the target dump looks cut short: it ends inside the statement that starts on line 25\./);
  assert.doesNotMatch(script, /^DROP TABLE/m);
  // Confirmed, the removals are made, and the warning says they were confirmed.
  await byTestId(page, 'confirm-cut-short').check();
  await page.waitForFunction(() => document.querySelector('[data-testid="cut-short"]')?.textContent.includes('You confirmed'));
  assert.match(await page.url(), /removals=confirmed/);
  [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'download-migration').click()]);
  script = readFileSync(await download.path(), 'utf8');
  assert.match(script, /You confirmed that the \d+ removals below are real/);
  assert.match(script, /^DROP TABLE IF EXISTS public\.users;/m);
  await page.screenshot({ path: join(screenshotDir, 'cut-short-confirmed.png'), fullPage: false });
  assert.deepEqual(problems, []);
  await page.close();
});
