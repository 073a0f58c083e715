// What every end-to-end test file needs: the release build served from dist/, one browser, and
// elements found by their data-testid.
import { before, after } from 'node:test';
import { join } from 'node:path';
import { serveStatic } from './server.mjs';
import { launch, projectRoot } from './browser.mjs';

/** Registers the suite's set-up and tear-down; the returned object holds `server` and `context`. */
export function useApp() {
  const app = { server: undefined, context: undefined };
  before(async () => {
    app.server = await serveStatic(join(projectRoot, 'dist'));
    app.context = await launch();
  });
  after(async () => {
    await app.context?.close();
    await app.server?.close();
  });
  return app;
}

export const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

/** Opens the inputs (the two dumps' panels), which fold away under the verdict once compared. */
export async function openInputs(page) {
  const inputs = byTestId(page, 'inputs');
  if (!(await inputs.evaluate((d) => d.open))) await byTestId(page, 'inputs-summary').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="inputs"]').open);
}
