import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it): no browser is downloaded. */
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.resolve(__dirname, '..', '..', 'test-artifacts');

/**
 * Opens the Temporal Web UI's workflow list filtered by a visibility query, waits until `expectText`
 * shows (the UI lists asynchronously), saves a full-page screenshot and says whether the text was there.
 */
export async function screenshotWorkflowList(uiUrl: string, query: string, expectText: string, file: string): Promise<{ found: boolean; screenshot: string }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(`${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`, { waitUntil: 'domcontentloaded' });
    const found = await page
      .getByText(expectText, { exact: false })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 })
      .then(() => true)
      .catch(() => false);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const screenshot = path.join(ARTIFACTS_DIR, file);
    await page.screenshot({ path: screenshot, fullPage: true });
    return { found, screenshot };
  } finally {
    await browser.close();
  }
}
