import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { freePort } from '../../src/dev-stack/free-port';
import { ensureGoBinary, TEMPORAL_UI_SERVER } from '../../src/dev-stack/go-binaries';
import { stopProcess } from '../../src/dev-stack/stop-process';
import { startUiServer } from '../../src/dev-stack/temporal-ui-server';
import { oneShotCheckoutBody } from '../support/checkout-requests';
import { ARTIFACTS_DIR, CHROMIUM } from '../support/temporal-ui-browser';
import { testTemporalAddress } from '../support/test-env';
import { startTestStack, uniquePosReference, type TestStack } from '../support/test-stack';

const UI_TOKEN = `ui-${'0123456789abcdef'.repeat(3)}`;
/** In the checkout's input only (a line's description): readable on the page only through the codec. */
const DESCRIPTION = 'Codec-visible lemonade 330ml';

/**
 * The Temporal Web UI as `npm start` runs it (the UI server `--temporal=postgres` starts; the dev
 * server's embedded UI gets the same endpoint by `--ui-codec-endpoint`), pointed at the API's codec
 * with this start's UI token: ops open a checkout's workflow page and read its input, in Chromium.
 */
describe('the Temporal UI shows a checkout decrypted through the codec', () => {
  let stack: TestStack;
  let ui: ChildProcess;
  let uiUrl: string;

  beforeAll(async () => {
    const uiPort = await freePort();
    uiUrl = `http://127.0.0.1:${uiPort}`;
    stack = await startTestStack({ TEMPORAL_UI_CODEC_TOKEN: UI_TOKEN, TEMPORAL_UI_ORIGIN: uiUrl });
    ui = await startUiServer({
      binary: await ensureGoBinary(TEMPORAL_UI_SERVER),
      dir: mkdtempSync(path.join(tmpdir(), 'ui-codec-')),
      port: uiPort,
      temporalAddress: testTemporalAddress(),
      namespace: stack.config.TEMPORAL_NAMESPACE,
      codecEndpoint: `${stack.apiUrl}/v1/codec/ui/${UI_TOKEN}`,
    });
  }, 600_000);
  afterAll(async () => {
    if (ui) await stopProcess(ui);
    await stack?.stop();
  });

  it("a checkout's workflow page shows its input in clear, and the history the server holds does not", async () => {
    const lines = [{ sku: 'Soft Drinks', description: DESCRIPTION, quantity: 1, totalAmount: '10.00', netAmount: '8.00', vatAmount: '2.00' }];
    const sale = await stack.api().post('/v1/checkouts').send(oneShotCheckoutBody(uniquePosReference('UI'), { lines })).expect(201);
    const checkoutId = sale.body.checkoutId as string;
    const { runId } = await stack.temporal.workflow.getHandle(checkoutId).describe();
    // Without the codec the server holds ciphertext: the page can only show the text by decoding.
    const raw = JSON.stringify(await stack.temporal.workflowService.getWorkflowExecutionHistory({
      namespace: stack.config.TEMPORAL_NAMESPACE,
      execution: { workflowId: checkoutId, runId },
    }));
    expect(raw).not.toContain(Buffer.from(DESCRIPTION).toString('base64').slice(0, 16));

    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
      const codecCalls: number[] = [];
      page.on('response', (res) => {
        if (res.url().includes('/v1/codec/')) codecCalls.push(res.status());
      });
      await page.goto(`${uiUrl}/namespaces/${stack.config.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(checkoutId)}/${runId}/history`, {
        waitUntil: 'domcontentloaded',
      });
      const shown = await page.getByText(DESCRIPTION, { exact: false }).first().waitFor({ state: 'attached', timeout: 45_000 }).then(() => true, () => false);
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'temporal-ui-codec-input.png'), fullPage: true });
      expect({ shown, couldNotConnect: await page.getByText('Codec Server could not connect').count() }).toEqual({ shown: true, couldNotConnect: 0 });
      // Every decode the page asked for was answered.
      expect(codecCalls.length).toBeGreaterThan(0);
      expect(codecCalls.filter((status) => status !== 200 && status !== 204)).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
